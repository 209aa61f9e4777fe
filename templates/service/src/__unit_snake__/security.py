"""Who is calling: the verified access token of the request, as a FastAPI dependency.

Every service verifies the tokens the auth service issues (Supabase's claims, signed with the
workspace's JWT_SECRET): `claims: CurrentClaims` in a handler's parameters makes the endpoint answer
401 without a valid `Authorization: Bearer <access token>`, and gives the claims to pass on to
`Database.as_user`.
"""

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from python_common.security import AccessClaims, InvalidTokenError, verify_access_token

from .config import SettingsDep

# auto_error=False: a missing header should be a 401 with WWW-Authenticate, like a bad token.
_bearer = HTTPBearer(auto_error=False, description="An access token from POST /auth/login")


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_claims(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AccessClaims:
    if credentials is None:
        raise unauthorized("Not authenticated")
    try:
        return verify_access_token(
            credentials.credentials,
            secret=settings.jwt_secret.get_secret_value(),
            algorithms=[settings.jwt_algorithm],
        )
    except InvalidTokenError:
        raise unauthorized("Invalid or expired token") from None


CurrentClaims = Annotated[AccessClaims, Depends(get_claims)]
