"""Exponential backoff for the calls to a provider: 429, 5xx and transport errors are tried again.

The delays double from `base_delay` (0.5 s, 1 s, 2 s, ...) up to `max_delay`; a Retry-After the
provider sent wins when it is longer, within the same cap. `sleep` is a parameter so that the tests
run without waiting.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .base import ProviderError

T = TypeVar("T")


@dataclass(frozen=True)
class Retry:
    # Tries after the first one; 0 never tries again.
    retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """How long to wait before try number `attempt + 1` (0: after the first)."""
        backoff = self.base_delay * 2**attempt
        return min(self.max_delay, max(backoff, retry_after or 0.0))

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        """`call()`, tried again while it raises a retryable ProviderError and tries are left."""
        attempt = 0
        while True:
            try:
                return await call()
            except ProviderError as error:
                if not error.retryable or attempt >= self.retries:
                    raise
                await self.sleep(self.delay(attempt, error.retry_after))
                attempt += 1
