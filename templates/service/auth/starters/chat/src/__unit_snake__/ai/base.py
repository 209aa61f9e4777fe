"""What the chat slice asks of a model, whoever serves it.

A provider answers a conversation (its messages, oldest first, and a system prompt) with a model
of its own, either whole (`complete`: the text and the tokens used) or piece by piece (`stream`:
chunks of text as they arrive, then one chunk with the usage). Every failure is a ProviderError,
whose text may be shown to the caller: it never holds an API key.
"""

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Literal

# The providers a conversation may name (conversations.ai_provider). Adding one: an adapter beside
# openai_chat.py, and a line in factory.open_providers.
ProviderName = Literal["echo", "openai", "anthropic"]
PROVIDER_NAMES: tuple[ProviderName, ...] = ("echo", "openai", "anthropic")

Role = Literal["user", "assistant", "system"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class Usage:
    """Tokens as the provider counted them: the prompt it read and the answer it wrote."""

    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class Completion:
    text: str
    usage: Usage


@dataclass(frozen=True)
class Chunk:
    """A piece of a streamed answer: its text, or, last of all, the usage of the whole answer."""

    text: str = ""
    usage: Usage | None = None


class ProviderError(Exception):
    """The provider could not answer: not configured, unreachable, timed out, refused the request,
    still rate limiting or failing after the retries, or sent an answer that cannot be read."""

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        status_code: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.status_code = status_code
        # Whether trying again may help (429, 5xx, a transport error): retry.Retry decides on it.
        self.retryable = retryable
        # The provider's Retry-After, in seconds, when it sent one.
        self.retry_after = retry_after


class Provider(ABC):
    name: str

    @abstractmethod
    async def complete(
        self, messages: Sequence[ChatMessage], *, model: str, system_prompt: str | None
    ) -> Completion:
        """The whole answer to `messages` (oldest first)."""

    @abstractmethod
    def stream(
        self, messages: Sequence[ChatMessage], *, model: str, system_prompt: str | None
    ) -> AsyncIterator[Chunk]:
        """The answer as it is written: chunks of text, then a last chunk with the usage."""
