"""Access tokens (JWT, PyJWT) shaped like Supabase's, and password hashes (bcrypt).

An access token carries the claims Supabase Auth puts in its own: `sub` (the user's id in
auth.users), `role` and `aud` (`authenticated`), `email`, `iat`, `exp`, and `session_id`. It is
signed with the workspace's JWT secret (HS256 by default), which is Supabase's `jwt_secret`, so a
token from this workspace's auth service and one from Supabase Auth are interchangeable: the
database's `auth.uid()` reads the same `sub` from `request.jwt.claims` (see `python_common.rls`).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import bcrypt
import jwt
from jwt import InvalidTokenError
from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = [
    "AUTHENTICATED",
    "BCRYPT_MAX_PASSWORD_BYTES",
    "AccessClaims",
    "InvalidTokenError",
    "create_access_token",
    "decode_access_token",
    "hash_password",
    "verify_access_token",
    "verify_password",
]

# bcrypt only reads the first 72 bytes of a password; bcrypt >= 5 raises instead of silently
# truncating, so callers must validate the length up front.
BCRYPT_MAX_PASSWORD_BYTES = 72

# Supabase's `role` and `aud` of a signed-in user's token (and the PostgreSQL role it acts as).
AUTHENTICATED = "authenticated"


class AccessClaims(BaseModel):
    """The verified payload of a signed-in user's access token."""

    # Tokens from Supabase Auth carry more claims (aal, amr, app_metadata, ...): keep them all, so
    # that `request.jwt.claims` in the database sees what auth.jwt() would see on Supabase.
    model_config = ConfigDict(extra="allow", frozen=True)

    sub: UUID
    role: str
    aud: str | list[str]
    exp: int
    iat: int
    email: str | None = None
    session_id: str | None = None

    def as_json_claims(self) -> dict[str, Any]:
        """The payload as JSON values, for `request.jwt.claims`."""
        return self.model_dump(mode="json", exclude_none=True)


def create_access_token(
    subject: str,
    *,
    secret: str,
    expires_in: dt.timedelta,
    algorithm: str = "HS256",
    claims: Mapping[str, Any] | None = None,
) -> str:
    """A signed token for user `subject`; `claims` may override `role` and `aud` and add others."""
    now = dt.datetime.now(dt.UTC)
    payload = {
        "aud": AUTHENTICATED,
        "role": AUTHENTICATED,
        **(claims or {}),
        "sub": subject,
        "iat": now,
        "exp": now + expires_in,
    }
    return jwt.encode(payload, secret, algorithm=algorithm)


def decode_access_token(
    token: str,
    *,
    secret: str,
    algorithms: Sequence[str] = ("HS256",),
    audience: str = AUTHENTICATED,
) -> dict[str, Any]:
    """Verify signature, expiry and audience; raise `InvalidTokenError` for any invalid token."""
    # `algorithms` is an allow-list: never derive it from the token's own header.
    return jwt.decode(
        token,
        secret,
        algorithms=list(algorithms),
        audience=audience,
        options={"require": ["exp", "iat", "sub", "aud"]},
    )


def verify_access_token(
    token: str, *, secret: str, algorithms: Sequence[str] = ("HS256",)
) -> AccessClaims:
    """The claims of a valid token of a signed-in user (role `authenticated`).

    Raises `InvalidTokenError` for any other token.

    An `anon` token (Supabase's public API key is one) is valid but names no user: refused here.
    """
    claims = decode_access_token(token, secret=secret, algorithms=algorithms)
    try:
        verified = AccessClaims.model_validate(claims)
    except ValidationError as exc:
        raise InvalidTokenError(f"malformed claims: {exc.error_count()} error(s)") from exc
    if verified.role != AUTHENTICATED:
        raise InvalidTokenError(f"role {verified.role!r} is not a signed-in user")
    return verified


def hash_password(password: str, *, rounds: int = 12) -> str:
    encoded = password.encode()
    if len(encoded) > BCRYPT_MAX_PASSWORD_BYTES:
        raise ValueError(f"password is longer than {BCRYPT_MAX_PASSWORD_BYTES} bytes")
    return bcrypt.hashpw(encoded, bcrypt.gensalt(rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    encoded = password.encode()
    if len(encoded) > BCRYPT_MAX_PASSWORD_BYTES:
        return False
    return bcrypt.checkpw(encoded, password_hash.encode())
