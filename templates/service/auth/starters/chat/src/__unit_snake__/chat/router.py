"""HTTP endpoints of the slice: one set per app of the workspace (config.APPS).

    POST   /apps/<app>/conversations                                create<App>Conversation
    GET    /apps/<app>/conversations                                list<App>Conversations
    GET    /apps/<app>/conversations/{conversation_id}              get<App>Conversation
    DELETE /apps/<app>/conversations/{conversation_id}              delete<App>Conversation
    GET    /apps/<app>/conversations/{conversation_id}/messages     list<App>Messages
    POST   /apps/<app>/conversations/{conversation_id}/messages     send<App>Message
    POST   /apps/<app>/conversations/{conversation_id}/messages/stream   stream<App>Message

Sending stores the user's message first (committed: it stays if the provider fails), asks the
conversation's provider, then stores the answer. The stream is `text/event-stream`:

    event: delta   data: {"content": "<the next piece of the answer>"}   (as many as it takes)
    event: done    data: <the stored assistant message, as GET .../messages lists it>
    event: error   data: {"detail": "<what failed>"}   (instead of done; nothing was stored)
"""

import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import JSONResponse, StreamingResponse
from psycopg import errors

from ..ai.base import ChatMessage, Provider, ProviderError, Usage
from ..ai.factory import ProvidersDep
from ..config import APPS, App, Settings, SettingsDep
from ..db import Database, DatabaseDep
from ..errors import UNAUTHORIZED, error
from ..security import AccessClaims, CurrentClaims
from . import repository
from .models import (
    Conversation,
    Message,
    MessageDelta,
    MessageExchange,
    NewConversation,
    NewMessage,
)
from .rate_limit import TOO_MANY_MESSAGES, limit_messages

logger = logging.getLogger(__name__)

router = APIRouter(tags=["chat"])

NOT_FOUND = {404: error("No such conversation, or not the caller's")}
NOT_CONFIGURED = {400: error("The provider named is not configured on this service")}
PROVIDER_FAILED = {502: error("The AI provider failed: unreachable, refused or timed out")}
# The events' data are JSON: MessageDelta (named here, so that the document and the typed client
# have it), then Message or ErrorDetail.
STREAM = {
    200: {
        "model": MessageDelta,
        "description": "Server-sent events: `delta` (MessageDelta) per piece of the answer, then "
        "`done` (the stored assistant Message) or `error` (ErrorDetail)",
    }
}


def as_json(responses: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Error responses of the stream endpoint: JSON, sent instead of the stream."""
    schema = {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}
    return {
        code: {"description": r["description"], "content": {"application/json": schema}}
        for code, r in responses.items()
    }


class EventStream(StreamingResponse):
    """`text/event-stream`, written by the endpoint itself: FastAPI's EventSourceResponse would
    start the stream before the endpoint could answer 404 or 429."""

    media_type = "text/event-stream"


class EventStreamDocument(JSONResponse):
    """The stream endpoint's response class, for the OpenAPI document only (its 200 is then just
    `text/event-stream` with the schema of STREAM): the endpoint returns an EventStream."""

    media_type = "text/event-stream"


def conversation_not_found() -> HTTPException:
    return HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Conversation not found")


def sse(event: str, data: dict[str, Any]) -> str:
    # json.dumps escapes line breaks: the data is always a single `data:` line.
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _metadata(provider: Provider, model: str, usage: Usage) -> dict[str, Any]:
    return {
        "provider": provider.name,
        "model": model,
        "usage": {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens},
    }


def _system_prompt(conversation: Conversation, settings: Settings) -> str | None:
    return conversation.system_prompt or settings.chat_system_prompt or None


async def _store_question(
    db: Database,
    claims: AccessClaims,
    app: App,
    conversation_id: UUID,
    content: str,
    settings: Settings,
) -> tuple[Conversation, Message, list[ChatMessage]]:
    """Stores the user's message; the conversation, the message, and the context for the answer."""
    async with db.as_user(claims) as conn:
        conversation = await repository.get_conversation(conn, app.schema, conversation_id)
        if conversation is None:
            raise conversation_not_found()
        question = await repository.add_message(conn, app.schema, conversation_id, "user", content)
        recent = await repository.list_messages(
            conn, app.schema, conversation_id, last=settings.chat_context_messages
        )
    return conversation, question, [ChatMessage(m.role, m.content) for m in recent]


async def _store_answer(
    db: Database,
    claims: AccessClaims,
    app: App,
    conversation: Conversation,
    text: str,
    provider: Provider,
    usage: Usage,
) -> Message:
    """Raises psycopg.errors.InsufficientPrivilege if the conversation was deleted meanwhile."""
    async with db.as_user(claims) as conn:
        return await repository.add_message(
            conn,
            app.schema,
            conversation.id,
            "assistant",
            text,
            tokens_used=usage.total_tokens,
            metadata=_metadata(provider, conversation.ai_model, usage),
        )


def add_routes(app: App) -> None:
    conversations = f"/apps/{app.name}/conversations"
    conversation = conversations + "/{conversation_id}"
    messages = conversation + "/messages"

    @router.post(
        conversations,
        operation_id=f"create{app.pascal}Conversation",
        summary=f"Start a conversation in the {app.name} app",
        status_code=status.HTTP_201_CREATED,
        responses={**UNAUTHORIZED, **NOT_CONFIGURED},
    )
    async def create_conversation(
        body: NewConversation,
        db: DatabaseDep,
        claims: CurrentClaims,
        settings: SettingsDep,
        providers: ProvidersDep,
    ) -> Conversation:
        provider = body.ai_provider or settings.ai_default_provider
        try:
            providers.get(provider)
        except ProviderError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
        async with db.as_user(claims) as conn:
            return await repository.create_conversation(
                conn,
                app.schema,
                title=body.title,
                ai_provider=provider,
                ai_model=body.ai_model or providers.default_model(provider),
                system_prompt=body.system_prompt,
            )

    @router.get(
        conversations,
        operation_id=f"list{app.pascal}Conversations",
        summary=f"The caller's conversations in the {app.name} app, most recently active first",
        responses={**UNAUTHORIZED},
    )
    async def list_conversations(db: DatabaseDep, claims: CurrentClaims) -> list[Conversation]:
        async with db.as_user(claims) as conn:
            return await repository.list_conversations(conn, app.schema)

    @router.get(
        conversation,
        operation_id=f"get{app.pascal}Conversation",
        summary=f"A conversation of the caller in the {app.name} app",
        responses={**UNAUTHORIZED, **NOT_FOUND},
    )
    async def get_conversation(
        conversation_id: UUID, db: DatabaseDep, claims: CurrentClaims
    ) -> Conversation:
        async with db.as_user(claims) as conn:
            found = await repository.get_conversation(conn, app.schema, conversation_id)
        if found is None:
            raise conversation_not_found()
        return found

    @router.delete(
        conversation,
        operation_id=f"delete{app.pascal}Conversation",
        summary=f"Delete a conversation of the caller in the {app.name} app, with its messages",
        status_code=status.HTTP_204_NO_CONTENT,
        responses={**UNAUTHORIZED, **NOT_FOUND},
    )
    async def delete_conversation(
        conversation_id: UUID, db: DatabaseDep, claims: CurrentClaims
    ) -> None:
        async with db.as_user(claims) as conn:
            deleted = await repository.delete_conversation(conn, app.schema, conversation_id)
        if not deleted:
            raise conversation_not_found()

    @router.get(
        messages,
        operation_id=f"list{app.pascal}Messages",
        summary=f"The messages of a conversation in the {app.name} app, oldest first",
        responses={**UNAUTHORIZED, **NOT_FOUND},
    )
    async def list_messages(
        conversation_id: UUID, db: DatabaseDep, claims: CurrentClaims
    ) -> list[Message]:
        async with db.as_user(claims) as conn:
            if await repository.get_conversation(conn, app.schema, conversation_id) is None:
                raise conversation_not_found()
            return await repository.list_messages(conn, app.schema, conversation_id)

    @router.post(
        messages,
        operation_id=f"send{app.pascal}Message",
        summary=f"Send a message in the {app.name} app and wait for the whole answer",
        status_code=status.HTTP_201_CREATED,
        dependencies=[Depends(limit_messages)],
        responses={**UNAUTHORIZED, **NOT_FOUND, **TOO_MANY_MESSAGES, **PROVIDER_FAILED},
    )
    async def send_message(
        conversation_id: UUID,
        body: NewMessage,
        db: DatabaseDep,
        claims: CurrentClaims,
        settings: SettingsDep,
        providers: ProvidersDep,
    ) -> MessageExchange:
        found, question, context = await _store_question(
            db, claims, app, conversation_id, body.content, settings
        )
        try:
            provider = providers.get(found.ai_provider)
            answer = await provider.complete(
                context, model=found.ai_model, system_prompt=_system_prompt(found, settings)
            )
        except ProviderError as exc:
            logger.warning("AI provider failed: %s", exc)
            raise HTTPException(status.HTTP_502_BAD_GATEWAY, str(exc)) from None
        try:
            stored = await _store_answer(
                db, claims, app, found, answer.text, provider, answer.usage
            )
        except errors.InsufficientPrivilege:
            raise conversation_not_found() from None  # deleted while the provider answered
        return MessageExchange(user_message=question, assistant_message=stored)

    @router.post(
        messages + "/stream",
        operation_id=f"stream{app.pascal}Message",
        summary=f"Send a message in the {app.name} app and receive the answer as it is written",
        response_class=EventStreamDocument,
        dependencies=[Depends(limit_messages)],
        responses={**STREAM, **as_json({**UNAUTHORIZED, **NOT_FOUND, **TOO_MANY_MESSAGES})},
    )
    async def stream_message(
        conversation_id: UUID,
        body: NewMessage,
        db: DatabaseDep,
        claims: CurrentClaims,
        settings: SettingsDep,
        providers: ProvidersDep,
    ) -> EventStream:
        # Before the stream starts, so that an unknown conversation is a plain 404.
        found, _, context = await _store_question(
            db, claims, app, conversation_id, body.content, settings
        )

        async def events() -> AsyncIterator[str]:
            pieces: list[str] = []
            usage = Usage()
            try:
                provider = providers.get(found.ai_provider)
                async for chunk in provider.stream(
                    context, model=found.ai_model, system_prompt=_system_prompt(found, settings)
                ):
                    if chunk.text:
                        pieces.append(chunk.text)
                        yield sse("delta", {"content": chunk.text})
                    if chunk.usage is not None:
                        usage = chunk.usage
                stored = await _store_answer(
                    db, claims, app, found, "".join(pieces), provider, usage
                )
            except ProviderError as exc:
                logger.warning("AI provider failed: %s", exc)
                yield sse("error", {"detail": str(exc)})
            except errors.InsufficientPrivilege:
                yield sse("error", {"detail": "Conversation not found"})
            except Exception:
                # The status line (200) is sent: the client learns of the failure from the stream.
                logger.exception("streaming an answer failed")
                yield sse("error", {"detail": "Internal Server Error"})
            else:
                yield sse("done", stored.model_dump(mode="json"))

        # no-cache, and no buffering by a proxy (nginx): every event reaches the client as sent.
        return EventStream(
            events(), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )


for _app in APPS:
    add_routes(_app)
