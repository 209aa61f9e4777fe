"""SQL, run as the signed-in user (Database.as_user): row level security filters every query."""

from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import class_row

from .models import Profile


async def get_own_profile(conn: AsyncConnection[Any]) -> Profile | None:
    """The caller's profile; None when the user behind the token no longer exists."""
    async with conn.cursor(row_factory=class_row(Profile)) as cur:
        await cur.execute(
            "SELECT id, full_name, avatar_url FROM public.profiles WHERE id = auth.uid()"
        )
        return await cur.fetchone()
