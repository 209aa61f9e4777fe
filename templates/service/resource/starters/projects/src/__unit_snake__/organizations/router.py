"""HTTP endpoints of the slice."""

from uuid import UUID

from fastapi import APIRouter, HTTPException, status

from ..db import DatabaseDep
from ..errors import UNAUTHORIZED, error
from ..security import CurrentClaims
from . import repository
from .models import Organization

router = APIRouter(prefix="/organizations", tags=["organizations"])


@router.get(
    "/{organization_id}",
    operation_id="getOrganization",
    responses={**UNAUTHORIZED, 404: error("No such organization, or the caller is not a member")},
)
async def get_organization(
    organization_id: UUID, db: DatabaseDep, claims: CurrentClaims
) -> Organization:
    async with db.as_user(claims) as conn:
        organization = await repository.get_organization(conn, organization_id)
    if organization is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Organization not found")
    return organization
