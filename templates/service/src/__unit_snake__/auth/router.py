"""HTTP endpoints of the slice: POST /auth/register, POST /auth/login, GET /auth/me."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..config import SettingsDep
from ..db import DbConnection
from . import service
from .models import AccessToken, LoginRequest, RegisterRequest, UserRead, UserRecord

router = APIRouter(prefix="/auth", tags=["auth"])

# auto_error=False: a missing header should be a 401 with WWW-Authenticate, like a bad token.
_bearer = HTTPBearer(auto_error=False)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


def get_current_user(
    conn: DbConnection,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> UserRecord:
    if credentials is None:
        raise _unauthorized("Not authenticated")
    try:
        return service.user_from_token(conn, credentials.credentials, settings)
    except service.InvalidCredentialsError:
        raise _unauthorized("Invalid or expired token") from None


CurrentUser = Annotated[UserRecord, Depends(get_current_user)]


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses={status.HTTP_409_CONFLICT: {"description": "Email already registered"}},
)
def register(body: RegisterRequest, conn: DbConnection, settings: SettingsDep) -> UserRead:
    try:
        user = service.register_user(conn, body, settings)
    except service.EmailAlreadyRegisteredError:
        raise HTTPException(status.HTTP_409_CONFLICT, "Email already registered") from None
    return user.public()


@router.post(
    "/login",
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Wrong email or password"}},
)
def login(body: LoginRequest, conn: DbConnection, settings: SettingsDep) -> AccessToken:
    try:
        user = service.authenticate(conn, body.email, body.password, settings)
    except service.InvalidCredentialsError:
        raise _unauthorized("Wrong email or password") from None
    return service.issue_access_token(user, settings)


@router.get(
    "/me",
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Missing, invalid or expired token"}},
)
def me(user: CurrentUser) -> UserRead:
    return user.public()
