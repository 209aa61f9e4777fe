"""SQL, run as the signed-in user (Database.as_user): row level security filters every query."""

from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import class_row

from .models import Organization


async def get_organization(
    conn: AsyncConnection[Any], organization_id: UUID
) -> Organization | None:
    """None unless the caller is a member: the policy on public.organizations hides the rest."""
    async with conn.cursor(row_factory=class_row(Organization)) as cur:
        await cur.execute(
            """
            SELECT o.id, o.name, o.slug, m.role
            FROM public.organizations AS o
            JOIN public.memberships AS m ON m.organization_id = o.id AND m.user_id = auth.uid()
            WHERE o.id = %s
            """,
            (organization_id,),
        )
        return await cur.fetchone()
