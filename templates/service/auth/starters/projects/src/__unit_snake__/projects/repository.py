"""SQL, run as the signed-in user (Database.as_user): row level security filters every query."""

from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from .models import NewProject, Project

_COLUMNS = sql.SQL("id, organization_id, name, description, created_by, created_at")


async def list_projects(
    conn: AsyncConnection[Any], schema: str, organization_id: UUID
) -> list[Project]:
    query = sql.SQL(
        "SELECT {} FROM {}.projects WHERE organization_id = %s ORDER BY created_at, id"
    ).format(_COLUMNS, sql.Identifier(schema))
    async with conn.cursor(row_factory=class_row(Project)) as cur:
        await cur.execute(query, (organization_id,))
        return await cur.fetchall()


async def create_project(
    conn: AsyncConnection[Any], schema: str, organization_id: UUID, project: NewProject
) -> Project:
    """Raises psycopg.errors.InsufficientPrivilege when the policy refuses the row (not a member).

    created_by is left to its default, auth.uid(): the caller, which the policy checks too.
    """
    query = sql.SQL(
        "INSERT INTO {}.projects (organization_id, name, description) VALUES (%s, %s, %s)"
        " RETURNING {}"
    ).format(sql.Identifier(schema), _COLUMNS)
    async with conn.cursor(row_factory=class_row(Project)) as cur:
        await cur.execute(query, (organization_id, project.name, project.description))
        created = await cur.fetchone()
    if created is None:
        raise RuntimeError("INSERT ... RETURNING returned no row")
    return created
