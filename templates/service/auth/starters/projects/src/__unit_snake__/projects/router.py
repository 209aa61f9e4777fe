"""HTTP endpoints of the slice: one list/create pair per app of the workspace (config.APPS)."""

from uuid import UUID

from fastapi import APIRouter, status
from psycopg import errors

from ..config import APPS, App
from ..db import DatabaseDep
from ..errors import UNAUTHORIZED
from ..organizations.repository import is_visible
from ..organizations.router import NOT_FOUND, organization_not_found
from ..security import CurrentClaims
from . import repository
from .models import NewProject, Project

router = APIRouter(tags=["projects"])


def add_routes(app: App) -> None:
    path = f"/organizations/{{organization_id}}/apps/{app.name}/projects"

    @router.get(
        path,
        operation_id=f"list{app.pascal}Projects",
        summary=f"List the {app.name} app's projects of an organization",
        responses={**UNAUTHORIZED, **NOT_FOUND},
    )
    async def list_projects(
        organization_id: UUID, db: DatabaseDep, claims: CurrentClaims
    ) -> list[Project]:
        async with db.as_user(claims) as conn:
            if not await is_visible(conn, organization_id):
                raise organization_not_found()
            return await repository.list_projects(conn, app.schema, organization_id)

    @router.post(
        path,
        operation_id=f"create{app.pascal}Project",
        summary=f"Create a project of the {app.name} app in an organization",
        status_code=status.HTTP_201_CREATED,
        responses={**UNAUTHORIZED, **NOT_FOUND},
    )
    async def create_project(
        organization_id: UUID, body: NewProject, db: DatabaseDep, claims: CurrentClaims
    ) -> Project:
        try:
            async with db.as_user(claims) as conn:
                return await repository.create_project(conn, app.schema, organization_id, body)
        except errors.InsufficientPrivilege:
            # Row level security refused the row: the caller is not a member of the organization.
            raise organization_not_found() from None


for _app in APPS:
    add_routes(_app)
