"""Shapes of this slice: API requests and responses, and the stored user row."""

import datetime as dt
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from .validators import Email, NewPassword


class RegisterRequest(BaseModel):
    email: Email
    password: NewPassword
    full_name: str | None = Field(default=None, max_length=200)


class LoginRequest(BaseModel):
    email: Email
    # No strength rules at login (they may change); the bound only stops oversized bodies.
    password: str = Field(max_length=1024)


class UserRead(BaseModel):
    id: UUID
    email: str
    full_name: str | None
    created_at: dt.datetime


class AccessToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (OAuth 2 token type, not a secret)
    expires_in: int = Field(description="Seconds until the token expires")


class UserRecord(UserRead):
    """A row of the users table; never returned by the API as is (it holds the hash)."""

    hashed_password: str

    def public(self) -> UserRead:
        return UserRead.model_validate(self.model_dump(exclude={"hashed_password"}))
