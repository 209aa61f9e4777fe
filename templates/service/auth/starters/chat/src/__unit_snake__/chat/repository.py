"""SQL, run as the signed-in user (Database.as_user): row level security filters every query, so
a conversation of someone else is never found, and writing to it is refused."""

from typing import Any, Literal
from uuid import UUID

from psycopg import AsyncConnection, sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from .models import Conversation, Message

_CONVERSATION = sql.SQL(
    "id, user_id, title, ai_provider, ai_model, system_prompt, created_at, updated_at"
)
_MESSAGE = sql.SQL("id, conversation_id, role, content, tokens_used, metadata, created_at")
# A conversation created without a title takes the start of its first message.
TITLE_LENGTH = 80


async def create_conversation(
    conn: AsyncConnection[Any],
    schema: str,
    *,
    title: str | None,
    ai_provider: str,
    ai_model: str,
    system_prompt: str | None,
) -> Conversation:
    """user_id is left to its default, auth.uid(): the caller, which the policy checks too."""
    query = sql.SQL(
        "INSERT INTO {}.conversations (title, ai_provider, ai_model, system_prompt)"
        " VALUES (%s, %s, %s, %s) RETURNING {}"
    ).format(sql.Identifier(schema), _CONVERSATION)
    async with conn.cursor(row_factory=class_row(Conversation)) as cur:
        await cur.execute(query, (title, ai_provider, ai_model, system_prompt))
        created = await cur.fetchone()
    if created is None:
        raise RuntimeError("INSERT ... RETURNING returned no row")
    return created


async def list_conversations(conn: AsyncConnection[Any], schema: str) -> list[Conversation]:
    query = sql.SQL(
        "SELECT {} FROM {}.conversations ORDER BY updated_at DESC, created_at DESC, id"
    ).format(_CONVERSATION, sql.Identifier(schema))
    async with conn.cursor(row_factory=class_row(Conversation)) as cur:
        await cur.execute(query)
        return await cur.fetchall()


async def get_conversation(
    conn: AsyncConnection[Any], schema: str, conversation_id: UUID
) -> Conversation | None:
    query = sql.SQL("SELECT {} FROM {}.conversations WHERE id = %s").format(
        _CONVERSATION, sql.Identifier(schema)
    )
    async with conn.cursor(row_factory=class_row(Conversation)) as cur:
        await cur.execute(query, (conversation_id,))
        return await cur.fetchone()


async def delete_conversation(
    conn: AsyncConnection[Any], schema: str, conversation_id: UUID
) -> bool:
    """Whether it was deleted (its messages go with it); False for one the caller cannot see."""
    query = sql.SQL("DELETE FROM {}.conversations WHERE id = %s").format(sql.Identifier(schema))
    cursor = await conn.execute(query, (conversation_id,))
    return cursor.rowcount == 1


async def list_messages(
    conn: AsyncConnection[Any], schema: str, conversation_id: UUID, *, last: int | None = None
) -> list[Message]:
    """Oldest first; with `last`, only the last ones (the context sent to a provider)."""
    query = sql.SQL(
        "SELECT * FROM (SELECT {} FROM {}.messages WHERE conversation_id = %s"
        " ORDER BY created_at DESC, id DESC LIMIT %s) AS recent ORDER BY created_at, id"
    ).format(_MESSAGE, sql.Identifier(schema))
    async with conn.cursor(row_factory=class_row(Message)) as cur:
        await cur.execute(query, (conversation_id, last))
        return await cur.fetchall()


async def add_message(
    conn: AsyncConnection[Any],
    schema: str,
    conversation_id: UUID,
    role: Literal["user", "assistant", "system"],
    content: str,
    *,
    tokens_used: int | None = None,
    metadata: dict[str, Any] | None = None,
) -> Message:
    """Raises psycopg.errors.InsufficientPrivilege when the policy refuses the row (not the
    caller's conversation, or one deleted since). The conversation moves to the top of the list,
    and takes its title from its first message if it has none."""
    insert = sql.SQL(
        "INSERT INTO {}.messages (conversation_id, role, content, tokens_used, metadata)"
        " VALUES (%s, %s, %s, %s, %s) RETURNING {}"
    ).format(sql.Identifier(schema), _MESSAGE)
    async with conn.cursor(row_factory=class_row(Message)) as cur:
        await cur.execute(
            insert, (conversation_id, role, content, tokens_used, Jsonb(metadata or {}))
        )
        created = await cur.fetchone()
    if created is None:
        raise RuntimeError("INSERT ... RETURNING returned no row")
    touch = sql.SQL(
        "UPDATE {}.conversations SET updated_at = now(), title = coalesce(title, %s) WHERE id = %s"
    ).format(sql.Identifier(schema))
    title = " ".join(content.split())[:TITLE_LENGTH] if role == "user" else None
    await conn.execute(touch, (title, conversation_id))
    return created
