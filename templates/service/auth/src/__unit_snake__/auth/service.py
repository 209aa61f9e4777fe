"""Business rules of the slice, independent of HTTP: callers map the exceptions to responses."""

import asyncio
import datetime as dt
from functools import cache

from psycopg.errors import UniqueViolation
from python_common.security import (
    AccessClaims,
    create_access_token,
    hash_password,
    verify_password,
)

from ..config import Settings
from ..db import Database
from . import repository
from .models import SignUpRequest, TokenPair, User
from .refresh_tokens import RefreshTokenError, RefreshTokens


class EmailAlreadyRegisteredError(Exception):
    pass


class InvalidCredentialsError(Exception):
    """Wrong email or password, or a user who may no longer sign in: deliberately not told apart."""


class InvalidRefreshTokenError(Exception):
    """Unknown, expired, revoked or reused: the client must sign in again."""


async def sign_up(
    db: Database, tokens: RefreshTokens, data: SignUpRequest, settings: Settings
) -> TokenPair:
    # bcrypt is slow on purpose: hash in a thread, so the event loop keeps serving other requests.
    hashed = await asyncio.to_thread(hash_password, data.password, rounds=settings.bcrypt_rounds)
    async with db.as_service() as conn:
        try:
            # The unique index decides, not a prior SELECT: of two concurrent sign-ups, one wins.
            user = await repository.create_user(
                conn, email=data.email, encrypted_password=hashed, full_name=data.full_name
            )
        except UniqueViolation as exc:
            raise EmailAlreadyRegisteredError(data.email) from exc
    return await _start_session(tokens, user, settings)


async def log_in(
    db: Database, tokens: RefreshTokens, email: str, password: str, settings: Settings
) -> TokenPair:
    async with db.as_service() as conn:
        found = await repository.credentials_for(conn, email)
        if found is None:
            # Spend the time of a real check, so response times do not reveal which emails exist.
            await asyncio.to_thread(
                verify_password, password, _unknown_user_hash(settings.bcrypt_rounds)
            )
            raise InvalidCredentialsError
        if not await asyncio.to_thread(verify_password, password, found.encrypted_password):
            raise InvalidCredentialsError
        await repository.record_sign_in(conn, found.id)
    user = User(id=found.id, email=found.email, full_name=found.full_name)
    return await _start_session(tokens, user, settings)


async def refresh(
    db: Database, tokens: RefreshTokens, refresh_token: str, settings: Settings
) -> TokenPair:
    try:
        rotation = await tokens.rotate(refresh_token)
    except RefreshTokenError as exc:
        raise InvalidRefreshTokenError(exc.reason) from exc
    async with db.as_service() as conn:
        user = await repository.user_by_id(conn, rotation.user_id)
    if user is None:
        # Deleted or banned since the session started: it ends here.
        await tokens.revoke_family(rotation.family)
        raise InvalidRefreshTokenError("user gone")
    return await _issue(tokens, user, rotation.family, settings)


async def log_out(tokens: RefreshTokens, refresh_token: str) -> None:
    await tokens.revoke(refresh_token)


async def current_user(db: Database, claims: AccessClaims) -> User:
    async with db.as_service() as conn:
        user = await repository.user_by_id(conn, claims.sub)
    if user is None:
        raise InvalidCredentialsError
    return user


async def _start_session(tokens: RefreshTokens, user: User, settings: Settings) -> TokenPair:
    return await _issue(tokens, user, tokens.new_family(), settings)


async def _issue(tokens: RefreshTokens, user: User, family: str, settings: Settings) -> TokenPair:
    expires_in = dt.timedelta(minutes=settings.access_token_expire_minutes)
    access_token = create_access_token(
        str(user.id),
        secret=settings.jwt_secret.get_secret_value(),
        algorithm=settings.jwt_algorithm,
        expires_in=expires_in,
        claims={"email": user.email, "session_id": family},
    )
    return TokenPair(
        access_token=access_token,
        refresh_token=await tokens.issue(user.id, family),
        expires_in=int(expires_in.total_seconds()),
        user=user,
    )


@cache
def _unknown_user_hash(rounds: int) -> str:
    return hash_password("timing-equaliser", rounds=rounds)
