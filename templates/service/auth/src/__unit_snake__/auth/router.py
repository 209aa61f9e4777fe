"""HTTP endpoints of the slice: /auth/signup, /auth/login, /auth/refresh, /auth/logout, /auth/me."""

from fastapi import APIRouter, HTTPException, Response, status

from ..config import SettingsDep
from ..db import DatabaseDep
from ..errors import UNAUTHORIZED, error
from ..security import CurrentClaims, unauthorized
from . import service
from .models import LogInRequest, RefreshRequest, SignUpRequest, TokenPair, User
from .refresh_tokens import RefreshTokensDep

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/signup",
    operation_id="signUp",
    status_code=status.HTTP_201_CREATED,
    responses={409: error("Email already registered")},
)
async def sign_up(
    body: SignUpRequest, db: DatabaseDep, tokens: RefreshTokensDep, settings: SettingsDep
) -> TokenPair:
    try:
        return await service.sign_up(db, tokens, body, settings)
    except service.EmailAlreadyRegisteredError:
        raise HTTPException(status.HTTP_409_CONFLICT, "Email already registered") from None


@router.post("/login", operation_id="logIn", responses={401: error("Wrong email or password")})
async def log_in(
    body: LogInRequest, db: DatabaseDep, tokens: RefreshTokensDep, settings: SettingsDep
) -> TokenPair:
    try:
        return await service.log_in(db, tokens, body.email, body.password, settings)
    except service.InvalidCredentialsError:
        raise unauthorized("Wrong email or password") from None


@router.post(
    "/refresh",
    operation_id="refreshTokens",
    responses={401: error("Unknown, expired, revoked or already used refresh token")},
)
async def refresh_tokens(
    body: RefreshRequest, db: DatabaseDep, tokens: RefreshTokensDep, settings: SettingsDep
) -> TokenPair:
    try:
        return await service.refresh(db, tokens, body.refresh_token, settings)
    except service.InvalidRefreshTokenError:
        raise unauthorized("Invalid refresh token: sign in again") from None


@router.post("/logout", operation_id="logOut", status_code=status.HTTP_204_NO_CONTENT)
async def log_out(body: RefreshRequest, tokens: RefreshTokensDep) -> Response:
    # 204 whether or not the token was known: logging out twice is not an error.
    await service.log_out(tokens, body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", operation_id="getMe", responses=UNAUTHORIZED)
async def get_me(db: DatabaseDep, claims: CurrentClaims) -> User:
    try:
        return await service.current_user(db, claims)
    except service.InvalidCredentialsError:
        raise unauthorized("User no longer exists") from None
