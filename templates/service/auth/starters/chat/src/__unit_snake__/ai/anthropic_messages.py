"""Anthropic's Messages API (POST /v1/messages), whole and streamed, over HTTP.

The system prompt is a parameter of its own (system messages of the conversation are added to
it), and `max_tokens` is required. A streamed answer is a sequence of named events:
message_start (input tokens), content_block_delta (text_delta: the text), message_delta (output
tokens), message_stop; `error` ends it early, `ping` keeps it alive.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx2

from .base import ChatMessage, Chunk, Completion, ProviderError, Usage
from .http_api import HttpProvider, loads, sse_events, unreadable
from .retry import Retry

API_VERSION = "2023-06-01"


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) else 0


class AnthropicProvider(HttpProvider):
    name = "anthropic"
    path = "v1/messages"

    def __init__(
        self, client: httpx2.AsyncClient, *, api_key: str, max_tokens: int, retry: Retry
    ) -> None:
        # `client`: base URL https://api.anthropic.com (or ANTHROPIC_BASE_URL), timeouts.
        headers = {"x-api-key": api_key, "anthropic-version": API_VERSION}
        super().__init__(client, headers=headers, retry=retry)
        self._max_tokens = max_tokens

    def _body(
        self, messages: Sequence[ChatMessage], model: str, system_prompt: str | None
    ) -> dict[str, Any]:
        system = [system_prompt] if system_prompt else []
        system += [m.content for m in messages if m.role == "system"]
        turns = [{"role": m.role, "content": m.content} for m in messages if m.role != "system"]
        body: dict[str, Any] = {"model": model, "max_tokens": self._max_tokens, "messages": turns}
        if system:
            body["system"] = "\n\n".join(system)
        return body

    async def complete(
        self, messages: Sequence[ChatMessage], *, model: str, system_prompt: str | None
    ) -> Completion:
        data = await self.post_json(self._body(messages, model, system_prompt))
        content = data.get("content")
        if not isinstance(content, list):
            raise unreadable(self.name, "no content")
        text = "".join(
            str(block.get("text", ""))
            for block in content
            if isinstance(block, dict) and block.get("type") == "text"
        )
        usage = data.get("usage") or {}
        return Completion(
            text=text,
            usage=Usage(
                input_tokens=_int(usage.get("input_tokens")),
                output_tokens=_int(usage.get("output_tokens")),
            ),
        )

    async def stream(
        self, messages: Sequence[ChatMessage], *, model: str, system_prompt: str | None
    ) -> AsyncIterator[Chunk]:
        body = self._body(messages, model, system_prompt) | {"stream": True}
        input_tokens = output_tokens = 0
        async with self.open_stream(body) as response:
            async for name, data in sse_events(response):
                event = loads(self.name, data)
                kind = event.get("type", name)
                if kind == "message_start":
                    usage = (event.get("message") or {}).get("usage") or {}
                    input_tokens = _int(usage.get("input_tokens"))
                    output_tokens = _int(usage.get("output_tokens"))
                elif kind == "content_block_delta":
                    delta = event.get("delta") or {}
                    if delta.get("type") == "text_delta" and delta.get("text"):
                        yield Chunk(text=str(delta["text"]))
                elif kind == "message_delta":
                    output_tokens = _int((event.get("usage") or {}).get("output_tokens"))
                elif kind == "error":
                    error = event.get("error") or {}
                    message = error.get("message", "unknown error")
                    raise ProviderError(self.name, f"failed while answering: {message}")
                elif kind == "message_stop":
                    break
        yield Chunk(usage=Usage(input_tokens=input_tokens, output_tokens=output_tokens))
