"""How many messages a user may send: CHAT_MESSAGES_PER_MINUTE (0: no limit), counted in Redis.

A fixed window per user: the first message of a minute starts a counter that expires with the
minute; the Lua script counts and reads the time left in one step, so concurrent requests (of any
process of the service) cannot slip past the limit. Beyond it, POST .../messages and
.../messages/stream answer 429 with Retry-After: the seconds until the window ends.

    <prefix>chat:messages:<user id>   counter   expires at the end of the window
"""

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, cast
from uuid import UUID

from fastapi import Depends, HTTPException, Request, status
from redis.asyncio import Redis

from ..config import Settings
from ..errors import error
from ..security import CurrentClaims

_COUNT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""

TOO_MANY_MESSAGES = {429: error("Too many messages: try again after Retry-After seconds")}


class MessageLimiter:
    def __init__(self, redis: Redis, *, prefix: str, limit: int, window_ms: int = 60_000) -> None:
        self._redis = redis
        self._prefix = prefix
        self.limit = limit
        self._window_ms = window_ms
        self._count = redis.register_script(_COUNT)

    async def wait_seconds(self, user_id: UUID) -> int | None:
        """Counts one message of `user_id`: None if it is within the limit, else the seconds
        until the user may send again."""
        if self.limit <= 0:
            return None
        key = f"{self._prefix}chat:messages:{user_id}"
        count, ttl_ms = cast("list[int]", await self._count(keys=[key], args=[self._window_ms]))
        if count <= self.limit:
            return None
        return max(1, math.ceil(ttl_ms / 1000))


@asynccontextmanager
async def open_message_limiter(settings: Settings) -> AsyncIterator[MessageLimiter]:
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        await redis.ping()  # fail at startup, not at the first message
        yield MessageLimiter(
            redis, prefix=settings.redis_key_prefix, limit=settings.chat_messages_per_minute
        )
    finally:
        await redis.aclose()


def get_message_limiter(request: Request) -> MessageLimiter:
    return request.app.state.message_limiter


async def limit_messages(
    claims: CurrentClaims,
    limiter: Annotated[MessageLimiter, Depends(get_message_limiter)],
) -> None:
    """A dependency of the endpoints that send a message: 429 once the caller is over the limit."""
    wait = await limiter.wait_seconds(claims.sub)
    if wait is not None:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"At most {limiter.limit} messages a minute: try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
