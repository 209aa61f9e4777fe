"""Refresh tokens: opaque, stored hashed in Redis, rotated on every use, revoked by family.

Every sign-in starts a *family* (a session; its id is the access token's `session_id`). A refresh
token is 32 random bytes; Redis keeps only its SHA-256, with the family and the user:

    <prefix>refresh:token:<sha256>   hash {family, user_id, used}   expires with the token
    <prefix>refresh:family:<id>      the user id                    expires with the newest token

- `rotate` (POST /auth/refresh) marks the presented token used and the caller gets a new one in
  the same family. Checking and marking happen in one Lua script, so of two requests racing with
  one token only one can win.
- A token presented a second time was stolen, or leaked and replayed: the whole family is revoked,
  so the token issued by its rotation stops working too, whoever holds it (RFC 9700, 4.14.2).
- `revoke` (POST /auth/logout) deletes the family: every token of it is refused from then on.

Keys expire after REFRESH_TOKEN_EXPIRE_DAYS, so Redis holds nothing of a session nobody refreshes.
(A single Redis: the script reads a key it derives from another, which Redis Cluster would refuse.)
"""

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Literal, cast
from uuid import UUID

from fastapi import Depends, Request
from redis.asyncio import Redis

from ..config import Settings

_ROTATE = """
local token = redis.call('HMGET', KEYS[1], 'family', 'user_id', 'used')
if not token[1] then
  return {'unknown'}
end
local family = ARGV[1] .. token[1]
if redis.call('EXISTS', family) == 0 then
  return {'revoked'}
end
if token[3] == '1' then
  redis.call('DEL', family)
  return {'reused'}
end
redis.call('HSET', KEYS[1], 'used', '1')
return {'rotated', token[1], token[2]}
"""


class RefreshTokenError(Exception):
    """The token cannot be used: unknown, expired, revoked, or reused (which revoked its family)."""

    def __init__(self, reason: Literal["unknown", "revoked", "reused"]) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Rotation:
    family: str
    user_id: UUID


class RefreshTokens:
    def __init__(self, redis: Redis, *, prefix: str, lifetime: dt.timedelta) -> None:
        self._redis = redis
        self._prefix = prefix
        self._lifetime = lifetime
        self._rotate = redis.register_script(_ROTATE)

    def _token_key(self, token: str) -> str:
        return f"{self._prefix}refresh:token:{hashlib.sha256(token.encode()).hexdigest()}"

    def _family_key(self, family: str) -> str:
        return f"{self._prefix}refresh:family:{family}"

    @staticmethod
    def new_family() -> str:
        return str(uuid.uuid4())

    async def issue(self, user_id: UUID, family: str) -> str:
        """A new token in `family`, which lives on as long as this token does."""
        token = secrets.token_urlsafe(32)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._token_key(token), mapping={"family": family, "user_id": str(user_id)})
            pipe.expire(self._token_key(token), self._lifetime)
            pipe.set(self._family_key(family), str(user_id), ex=self._lifetime)
            await pipe.execute()
        return token

    async def rotate(self, token: str) -> Rotation:
        """Use `token` up: its family and user, or RefreshTokenError (reuse revokes the family)."""
        result = cast(
            "list[str]",
            await self._rotate(keys=[self._token_key(token)], args=[self._family_key("")]),
        )
        if result[0] != "rotated":
            raise RefreshTokenError(cast("Literal['unknown', 'revoked', 'reused']", result[0]))
        return Rotation(family=result[1], user_id=UUID(result[2]))

    async def revoke(self, token: str) -> None:
        """End the session `token` belongs to; an unknown token is ignored."""
        family = await self._redis.hget(self._token_key(token), "family")
        if family is not None:
            await self.revoke_family(family)

    async def revoke_family(self, family: str) -> None:
        await self._redis.delete(self._family_key(family))


@asynccontextmanager
async def open_refresh_tokens(settings: Settings) -> AsyncIterator[RefreshTokens]:
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        await redis.ping()  # fail at startup, not at the first sign-in
        yield RefreshTokens(
            redis,
            prefix=settings.redis_key_prefix,
            lifetime=dt.timedelta(days=settings.refresh_token_expire_days),
        )
    finally:
        await redis.aclose()


def get_refresh_tokens(request: Request) -> RefreshTokens:
    return request.app.state.refresh_tokens


RefreshTokensDep = Annotated[RefreshTokens, Depends(get_refresh_tokens)]
