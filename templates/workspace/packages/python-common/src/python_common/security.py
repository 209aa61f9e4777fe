"""Access tokens (JWT, PyJWT) and password hashes (bcrypt)."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import bcrypt
import jwt
from jwt import InvalidTokenError

__all__ = [
    "BCRYPT_MAX_PASSWORD_BYTES",
    "InvalidTokenError",
    "create_access_token",
    "decode_access_token",
    "hash_password",
    "verify_password",
]

# bcrypt only reads the first 72 bytes of a password; bcrypt >= 5 raises instead of silently
# truncating, so callers must validate the length up front.
BCRYPT_MAX_PASSWORD_BYTES = 72


def create_access_token(
    subject: str,
    *,
    secret: str,
    expires_in: dt.timedelta,
    algorithm: str = "HS256",
    claims: Mapping[str, Any] | None = None,
) -> str:
    now = dt.datetime.now(dt.UTC)
    payload = {**(claims or {}), "sub": subject, "iat": now, "exp": now + expires_in}
    return jwt.encode(payload, secret, algorithm=algorithm)


def decode_access_token(
    token: str, *, secret: str, algorithms: Sequence[str] = ("HS256",)
) -> dict[str, Any]:
    """Verify signature and expiry; raise `InvalidTokenError` for any token that is not valid."""
    # `algorithms` is an allow-list: never derive it from the token's own header.
    return jwt.decode(
        token, secret, algorithms=list(algorithms), options={"require": ["exp", "iat", "sub"]}
    )


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
