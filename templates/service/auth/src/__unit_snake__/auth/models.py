"""Shapes of this slice: API requests and responses."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from .validators import Email, FullName, NewPassword


class SignUpRequest(BaseModel):
    email: Email
    password: NewPassword = Field(min_length=8)
    full_name: FullName = Field(max_length=200)


class LogInRequest(BaseModel):
    email: Email
    # No strength rules at login (they may change); the bound only stops oversized bodies.
    password: str = Field(max_length=1024)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=256)


class User(BaseModel):
    id: UUID
    email: str
    full_name: str | None


class Credentials(User):
    """A user with the bcrypt hash to check a password against; never returned by the API."""

    encrypted_password: str


class TokenPair(BaseModel):
    access_token: str = Field(
        description="A JWT with Supabase's claims; send it as `Authorization: Bearer <token>`"
    )
    refresh_token: str = Field(
        description="Opaque; valid once: POST it to /auth/refresh for a new pair"
    )
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (OAuth 2 token type, not a secret)
    expires_in: int = Field(description="Seconds until the access token expires")
    user: User
