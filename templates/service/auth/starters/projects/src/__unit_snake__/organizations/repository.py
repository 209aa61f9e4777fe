"""SQL, run as the signed-in user (Database.as_user): row level security filters every query."""

from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import class_row

from .models import Member, Organization


async def is_visible(conn: AsyncConnection[Any], organization_id: UUID) -> bool:
    """Whether the caller may see the organization: the policy on public.organizations answers."""
    cur = await conn.execute("SELECT 1 FROM public.organizations WHERE id = %s", (organization_id,))
    return await cur.fetchone() is not None


async def list_organizations(conn: AsyncConnection[Any]) -> list[Organization]:
    async with conn.cursor(row_factory=class_row(Organization)) as cur:
        await cur.execute(
            """
            SELECT o.id, o.name, o.slug, m.role
            FROM public.organizations AS o
            JOIN public.memberships AS m ON m.organization_id = o.id AND m.user_id = auth.uid()
            ORDER BY o.name, o.id
            """
        )
        return await cur.fetchall()


async def create_organization(conn: AsyncConnection[Any], name: str, slug: str) -> Organization:
    """Raises psycopg.errors.UniqueViolation if the slug is taken."""
    async with conn.cursor(row_factory=class_row(Organization)) as cur:
        await cur.execute(
            "SELECT id, name, slug, 'owner' AS role FROM public.create_organization(%s, %s)",
            (name, slug),
        )
        created = await cur.fetchone()
    if created is None:
        raise RuntimeError("public.create_organization returned no row")
    return created


async def list_members(conn: AsyncConnection[Any], organization_id: UUID) -> list[Member]:
    async with conn.cursor(row_factory=class_row(Member)) as cur:
        await cur.execute(
            """
            SELECT m.user_id, p.full_name, m.role
            FROM public.memberships AS m
            JOIN public.profiles AS p ON p.id = m.user_id
            WHERE m.organization_id = %s
            ORDER BY m.created_at, m.user_id
            """,
            (organization_id,),
        )
        return await cur.fetchall()


async def add_member(
    conn: AsyncConnection[Any], organization_id: UUID, email: str, role: str
) -> Member:
    """Raises InsufficientPrivilege (not an owner/admin, or an admin adding an owner), NoDataFound
    (no user with that address) or UniqueViolation (already a member): the database decides."""
    cur = await conn.execute(
        "SELECT user_id, role FROM public.add_organization_member(%s, %s, %s)",
        (organization_id, email, role),
    )
    added = await cur.fetchone()
    if added is None:
        raise RuntimeError("public.add_organization_member returned no row")
    user_id, added_role = added
    # A statement of its own: the new membership is what lets the caller see the profile, and a
    # policy's STABLE helpers do not see rows written earlier in the same statement.
    cur = await conn.execute("SELECT full_name FROM public.profiles WHERE id = %s", (user_id,))
    profile = await cur.fetchone()
    return Member(user_id=user_id, full_name=profile[0] if profile else None, role=added_role)
