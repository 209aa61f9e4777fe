"""What the HTTP providers share: HttpProvider (a POST, whole or streamed, with retries), error
mapping, and reading an event stream (`text/event-stream`, as OpenAI and Anthropic stream).

Every failure becomes a ProviderError: a status the provider answered with (its own message
included, cut short), a timeout, a connection that failed, or a body that is not what the API
documents. 429 and 5xx (and 529, Anthropic's "overloaded") and transport errors are retryable.
"""

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from .base import Provider, ProviderError
from .retry import Retry

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504, 529})
_MESSAGE_MAX = 300


def _provider_message(body: bytes) -> str:
    """The `error.message` both APIs send with an error status, else the start of the body."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:_MESSAGE_MAX]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"][:_MESSAGE_MAX]
    return json.dumps(data)[:_MESSAGE_MAX]


def _retry_after(response: httpx2.Response) -> float | None:
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None


def status_error(provider: str, response: httpx2.Response, body: bytes) -> ProviderError:
    status = response.status_code
    message = _provider_message(body) or response.reason_phrase
    if status in (401, 403):
        what = f"refused the API key ({status}): {message}"
    elif status == 429:
        what = f"is rate limiting this service (429): {message}"
    elif status in RETRYABLE_STATUS:
        what = f"failed ({status}): {message}"
    else:
        what = f"rejected the request ({status}): {message}"
    return ProviderError(
        provider,
        what,
        status_code=status,
        retryable=status in RETRYABLE_STATUS,
        retry_after=_retry_after(response),
    )


def transport_error(provider: str, error: httpx2.TransportError) -> ProviderError:
    if isinstance(error, httpx2.TimeoutException):
        return ProviderError(provider, "timed out", retryable=True)
    return ProviderError(provider, f"could not be reached ({type(error).__name__})", retryable=True)


def unreadable(provider: str, what: str) -> ProviderError:
    return ProviderError(provider, f"sent an answer that could not be read ({what})")


class HttpProvider(Provider):
    """A provider behind an HTTP API: POST `path` with a JSON body, the answer whole (JSON) or
    streamed (events)."""

    path: str

    def __init__(
        self, client: httpx2.AsyncClient, *, headers: Mapping[str, str], retry: Retry
    ) -> None:
        # `client` carries the API's base URL and the timeouts.
        self._client = client
        self._headers = dict(headers)
        self._retry = retry

    async def _send(self, body: Mapping[str, Any], *, stream: bool) -> httpx2.Response:
        """One try: the provider's response, or a ProviderError for a status or network error."""
        request = self._client.build_request("POST", self.path, headers=self._headers, json=body)
        try:
            response = await self._client.send(request, stream=stream)
        except httpx2.TransportError as error:
            raise transport_error(self.name, error) from error
        if response.is_error:
            try:
                content = await response.aread()
            except httpx2.TransportError:
                content = b""
            finally:
                await response.aclose()
            raise status_error(self.name, response, content)
        return response

    async def post_json(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The JSON object answered to `body`, tried again as the retry policy says."""

        async def once() -> dict[str, Any]:
            response = await self._send(body, stream=False)
            try:
                data = response.json()
            except ValueError as error:
                raise unreadable(self.name, "not JSON") from error
            if not isinstance(data, dict):
                raise unreadable(self.name, "not a JSON object")
            return data

        return await self._retry.run(once)

    @asynccontextmanager
    async def open_stream(self, body: Mapping[str, Any]) -> AsyncIterator[httpx2.Response]:
        """The streamed response to `body`. Only opening it is tried again: once the answer has
        begun, a failure is the caller's (what was streamed cannot be taken back)."""
        response = await self._retry.run(lambda: self._send(body, stream=True))
        try:
            yield response
        except httpx2.TransportError as error:
            raise transport_error(self.name, error) from error
        finally:
            await response.aclose()


async def sse_events(response: httpx2.Response) -> AsyncIterator[tuple[str, str]]:
    """(event, data) of every event of a `text/event-stream` body; event is "message" when the
    event names none, data the event's data lines joined by newlines."""
    event, data = "", []
    async for line in response.aiter_lines():
        if not line:
            if data:
                yield event or "message", "\n".join(data)
            event, data = "", []
        elif line.startswith(":"):
            continue  # a comment: keep-alive
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if data:
        yield event or "message", "\n".join(data)


def loads(provider: str, data: str) -> dict[str, Any]:
    """One event's JSON object."""
    try:
        value = json.loads(data)
    except ValueError as error:
        raise unreadable(provider, "an event that is not JSON") from error
    if not isinstance(value, dict):
        raise unreadable(provider, "an event that is not a JSON object")
    return value
