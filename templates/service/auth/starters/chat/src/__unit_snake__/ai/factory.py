"""The providers this process can use, by the name a conversation stores (its ai_provider).

echo is always there; openai and anthropic once their API key is set (OPENAI_API_KEY,
ANTHROPIC_API_KEY). Each HTTP provider has one connection pool for the life of the process,
with the timeouts and retries of the settings. Tests replace `get_providers` (a FastAPI
dependency) to put a provider of their own in place.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Annotated

import httpx2
from fastapi import Depends, Request
from pydantic import SecretStr

from ..config import Settings
from .anthropic_messages import AnthropicProvider
from .base import Provider, ProviderError
from .echo import EchoProvider
from .openai_chat import OpenAIProvider
from .retry import Retry

# What setting a provider's key, to name in an error.
KEY_SETTINGS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


class Providers:
    def __init__(self, providers: Mapping[str, Provider], models: Mapping[str, str]) -> None:
        self._providers = dict(providers)
        # The model a conversation gets when it names none, per provider.
        self._models = dict(models)

    def available(self, name: str) -> bool:
        return name in self._providers

    def get(self, name: str) -> Provider:
        provider = self._providers.get(name)
        if provider is None:
            setting = KEY_SETTINGS.get(name)
            hint = f": set {setting}" if setting else ""
            raise ProviderError(name, f"is not configured on this service{hint}")
        return provider

    def default_model(self, name: str) -> str:
        return self._models.get(name, name)


def _key(secret: SecretStr | None) -> str | None:
    """The key, or None when it is unset or empty (`OPENAI_API_KEY=` in .env)."""
    return (secret.get_secret_value() or None) if secret else None


@asynccontextmanager
async def open_providers(settings: Settings) -> AsyncIterator[Providers]:
    retry = Retry(retries=settings.ai_max_retries)
    # A slow first token is normal; a connection that takes long is not.
    timeout = httpx2.Timeout(settings.ai_timeout_seconds, connect=10.0)
    providers: dict[str, Provider] = {"echo": EchoProvider()}
    async with AsyncExitStack() as stack:
        if openai_key := _key(settings.openai_api_key):
            client = httpx2.AsyncClient(base_url=settings.openai_base_url, timeout=timeout)
            await stack.enter_async_context(client)
            providers["openai"] = OpenAIProvider(client, api_key=openai_key, retry=retry)
        if anthropic_key := _key(settings.anthropic_api_key):
            client = httpx2.AsyncClient(base_url=settings.anthropic_base_url, timeout=timeout)
            await stack.enter_async_context(client)
            providers["anthropic"] = AnthropicProvider(
                client,
                api_key=anthropic_key,
                max_tokens=settings.anthropic_max_tokens,
                retry=retry,
            )
        yield Providers(
            providers,
            {
                "echo": "echo",
                "openai": settings.openai_model,
                "anthropic": settings.anthropic_model,
            },
        )


def get_providers(request: Request) -> Providers:
    return request.app.state.ai_providers


ProvidersDep = Annotated[Providers, Depends(get_providers)]
