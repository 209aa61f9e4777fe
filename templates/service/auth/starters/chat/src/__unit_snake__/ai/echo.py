"""A provider that needs no network and no key: it answers "Echo: <the last user message>".

The default (AI_DEFAULT_PROVIDER=echo) while developing and in the tests: the whole chat flow,
streaming included, works before any API key is set, and always gives the same answer. Its
"tokens" are words, counted the same way every time.
"""

import re
from collections.abc import AsyncIterator, Sequence

from .base import ChatMessage, Chunk, Completion, Provider, Usage

# A word and the blanks after it: the chunks of a streamed answer, which add up to the answer.
_CHUNK = re.compile(r"\S+\s*|\s+")


def _words(text: str) -> int:
    return len(text.split())


class EchoProvider(Provider):
    name = "echo"

    def answer(self, messages: Sequence[ChatMessage]) -> str:
        last = next((m.content for m in reversed(messages) if m.role == "user"), "")
        return f"Echo: {last}"

    def usage(self, messages: Sequence[ChatMessage], system_prompt: str | None, text: str) -> Usage:
        prompt = _words(system_prompt or "") + sum(_words(m.content) for m in messages)
        return Usage(input_tokens=prompt, output_tokens=_words(text))

    async def complete(
        self, messages: Sequence[ChatMessage], *, model: str, system_prompt: str | None
    ) -> Completion:
        text = self.answer(messages)
        return Completion(text=text, usage=self.usage(messages, system_prompt, text))

    async def stream(
        self, messages: Sequence[ChatMessage], *, model: str, system_prompt: str | None
    ) -> AsyncIterator[Chunk]:
        text = self.answer(messages)
        for piece in _CHUNK.findall(text):
            yield Chunk(text=piece)
        yield Chunk(usage=self.usage(messages, system_prompt, text))
