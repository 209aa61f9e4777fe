import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from ..ai.base import ProviderName


class Conversation(BaseModel):
    id: UUID
    user_id: UUID
    # Set from the first message when the conversation was created without one.
    title: str | None
    ai_provider: str
    ai_model: str
    system_prompt: str | None
    created_at: dt.datetime
    # Moves with every message: the list shows the most recently active conversation first.
    updated_at: dt.datetime


class NewConversation(BaseModel):
    title: str | None = Field(default=None, max_length=200)
    # Default: the service's AI_DEFAULT_PROVIDER (echo unless set), and that provider's model.
    ai_provider: ProviderName | None = None
    ai_model: str | None = Field(default=None, min_length=1, max_length=200)
    # Default: the service's CHAT_SYSTEM_PROMPT, at the time each message is answered.
    system_prompt: str | None = Field(default=None, max_length=20_000)


class Message(BaseModel):
    id: UUID
    conversation_id: UUID
    role: Literal["user", "assistant", "system"]
    content: str
    # An assistant's answer: the tokens the provider counted for it (prompt and answer).
    tokens_used: int | None
    # An assistant's answer: {"provider", "model", "usage": {"input_tokens", "output_tokens"}}.
    metadata: dict[str, Any]
    created_at: dt.datetime


class NewMessage(BaseModel):
    content: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32_000)
    ]


class MessageExchange(BaseModel):
    """What sending a message stored: the message, then the assistant's answer."""

    user_message: Message
    assistant_message: Message


class MessageDelta(BaseModel):
    """The data of a streamed answer's `delta` event: the next piece of the text."""

    content: str
