"""HTTP endpoints of the slice."""

from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from psycopg import errors

from ..db import DatabaseDep
from ..errors import UNAUTHORIZED, error
from ..security import CurrentClaims
from . import repository
from .models import Member, NewMember, NewOrganization, Organization

router = APIRouter(prefix="/organizations", tags=["organizations"])

NOT_FOUND = {404: error("No such organization, or the caller is not a member")}


def organization_not_found() -> HTTPException:
    # The same answer whether the organization does not exist or the caller may not see it.
    return HTTPException(status.HTTP_404_NOT_FOUND, "Organization not found")


@router.get("", operation_id="listOrganizations", responses=UNAUTHORIZED)
async def list_organizations(db: DatabaseDep, claims: CurrentClaims) -> list[Organization]:
    async with db.as_user(claims) as conn:
        return await repository.list_organizations(conn)


@router.post(
    "",
    operation_id="createOrganization",
    status_code=status.HTTP_201_CREATED,
    responses={**UNAUTHORIZED, 409: error("Slug already taken")},
)
async def create_organization(
    body: NewOrganization, db: DatabaseDep, claims: CurrentClaims
) -> Organization:
    try:
        async with db.as_user(claims) as conn:
            return await repository.create_organization(conn, body.name, body.slug)
    except errors.UniqueViolation:
        raise HTTPException(status.HTTP_409_CONFLICT, "Slug already taken") from None


@router.get(
    "/{organization_id}/members",
    operation_id="listMembers",
    responses={**UNAUTHORIZED, **NOT_FOUND},
)
async def list_members(
    organization_id: UUID, db: DatabaseDep, claims: CurrentClaims
) -> list[Member]:
    async with db.as_user(claims) as conn:
        if not await repository.is_visible(conn, organization_id):
            raise organization_not_found()
        return await repository.list_members(conn, organization_id)


@router.post(
    "/{organization_id}/members",
    operation_id="addMember",
    status_code=status.HTTP_201_CREATED,
    responses={
        **UNAUTHORIZED,
        403: error("Only owners and admins add members"),
        404: error("No user with that e-mail address"),
        409: error("Already a member"),
    },
)
async def add_member(
    organization_id: UUID, body: NewMember, db: DatabaseDep, claims: CurrentClaims
) -> Member:
    try:
        async with db.as_user(claims) as conn:
            return await repository.add_member(conn, organization_id, body.email, body.role)
    except errors.InsufficientPrivilege:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "Only owners and admins add members"
        ) from None
    except errors.NoDataFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No user with that e-mail address") from None
    except errors.UniqueViolation:
        raise HTTPException(status.HTTP_409_CONFLICT, "Already a member") from None
