"""OpenAI's Chat Completions API (POST /chat/completions), whole and streamed, over HTTP.

Any server that speaks the same API works too: set OPENAI_BASE_URL (a proxy, Azure's or another
vendor's OpenAI-compatible endpoint). Streaming asks for the usage in the last event
(`stream_options.include_usage`) and ends at `data: [DONE]`.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx2

from .base import ChatMessage, Chunk, Completion, ProviderError, Usage
from .http_api import HttpProvider, loads, sse_events, unreadable
from .retry import Retry


def _usage(data: Any) -> Usage:
    if not isinstance(data, dict):
        return Usage()
    return Usage(
        input_tokens=int(data.get("prompt_tokens") or 0),
        output_tokens=int(data.get("completion_tokens") or 0),
    )


class OpenAIProvider(HttpProvider):
    name = "openai"
    path = "chat/completions"

    def __init__(self, client: httpx2.AsyncClient, *, api_key: str, retry: Retry) -> None:
        # `client`: base URL https://api.openai.com/v1 (or OPENAI_BASE_URL), timeouts.
        super().__init__(client, headers={"Authorization": f"Bearer {api_key}"}, retry=retry)

    def _body(
        self, messages: Sequence[ChatMessage], model: str, system_prompt: str | None
    ) -> dict[str, Any]:
        turns = [{"role": "system", "content": system_prompt}] if system_prompt else []
        turns += [{"role": m.role, "content": m.content} for m in messages]
        return {"model": model, "messages": turns}

    async def complete(
        self, messages: Sequence[ChatMessage], *, model: str, system_prompt: str | None
    ) -> Completion:
        data = await self.post_json(self._body(messages, model, system_prompt))
        try:
            text = data["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as error:
            raise unreadable(self.name, "no choices[0].message.content") from error
        return Completion(text=str(text), usage=_usage(data.get("usage")))

    async def stream(
        self, messages: Sequence[ChatMessage], *, model: str, system_prompt: str | None
    ) -> AsyncIterator[Chunk]:
        body = self._body(messages, model, system_prompt)
        body |= {"stream": True, "stream_options": {"include_usage": True}}
        usage = Usage()
        async with self.open_stream(body) as response:
            async for _, data in sse_events(response):
                if data.strip() == "[DONE]":
                    break
                event = loads(self.name, data)
                error = event.get("error")
                if error is not None:
                    message = error.get("message") if isinstance(error, dict) else error
                    raise ProviderError(self.name, f"failed while answering: {message}")
                for choice in event.get("choices") or []:
                    delta = choice.get("delta") or {}
                    if delta.get("content"):
                        yield Chunk(text=str(delta["content"]))
                if event.get("usage"):
                    usage = _usage(event["usage"])
        yield Chunk(usage=usage)
