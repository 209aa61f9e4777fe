"""HTTP endpoints of the slice."""

from fastapi import APIRouter, HTTPException, status

from ..db import DatabaseDep
from ..errors import UNAUTHORIZED, error
from ..security import CurrentClaims
from . import repository
from .models import Profile

router = APIRouter(prefix="/profile", tags=["profile"])


@router.get(
    "",
    operation_id="getProfile",
    responses={**UNAUTHORIZED, 404: error("The user of the token no longer exists")},
)
async def get_profile(db: DatabaseDep, claims: CurrentClaims) -> Profile:
    async with db.as_user(claims) as conn:
        profile = await repository.get_own_profile(conn)
    if profile is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Profile not found")
    return profile
