"""Business rules of the slice, independent of HTTP: callers map the exceptions to responses."""

import datetime as dt
from functools import cache
from uuid import UUID

from psycopg import Connection
from psycopg.errors import UniqueViolation
from python_common.security import (
    InvalidTokenError,
    create_access_token,
    decode_access_token,
    hash_password,
    verify_password,
)

from ..config import Settings
from . import repository
from .models import AccessToken, RegisterRequest, UserRecord


class EmailAlreadyRegisteredError(Exception):
    pass


class InvalidCredentialsError(Exception):
    """Wrong email or password, or an invalid token: deliberately not told apart."""


def register_user(conn: Connection, data: RegisterRequest, settings: Settings) -> UserRecord:
    hashed = hash_password(data.password, rounds=settings.bcrypt_rounds)
    try:
        # The unique constraint decides, not a prior SELECT: of two concurrent sign-ups, one wins.
        return repository.insert_user(
            conn, email=data.email, hashed_password=hashed, full_name=data.full_name
        )
    except UniqueViolation as exc:
        raise EmailAlreadyRegisteredError(data.email) from exc


def authenticate(conn: Connection, email: str, password: str, settings: Settings) -> UserRecord:
    user = repository.get_user_by_email(conn, email)
    if user is None:
        # Spend the time of a real check, so response times do not reveal which emails exist.
        verify_password(password, _unknown_user_hash(settings.bcrypt_rounds))
        raise InvalidCredentialsError
    if not verify_password(password, user.hashed_password):
        raise InvalidCredentialsError
    return user


def issue_access_token(user: UserRecord, settings: Settings) -> AccessToken:
    expires_in = dt.timedelta(minutes=settings.access_token_expire_minutes)
    token = create_access_token(
        str(user.id),
        secret=settings.jwt_secret.get_secret_value(),
        algorithm=settings.jwt_algorithm,
        expires_in=expires_in,
        claims={"email": user.email},
    )
    return AccessToken(access_token=token, expires_in=int(expires_in.total_seconds()))


def user_from_token(conn: Connection, token: str, settings: Settings) -> UserRecord:
    try:
        claims = decode_access_token(
            token,
            secret=settings.jwt_secret.get_secret_value(),
            algorithms=[settings.jwt_algorithm],
        )
        user_id = UUID(claims["sub"])
    except (InvalidTokenError, ValueError) as exc:
        raise InvalidCredentialsError from exc
    user = repository.get_user_by_id(conn, user_id)
    if user is None:
        raise InvalidCredentialsError
    return user


@cache
def _unknown_user_hash(rounds: int) -> str:
    return hash_password("timing-equaliser", rounds=rounds)
