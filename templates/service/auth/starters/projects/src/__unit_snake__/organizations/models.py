from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

Role = Literal["owner", "admin", "member"]


class Organization(BaseModel):
    """An organization the caller belongs to, and the caller's role in it."""

    id: UUID
    name: str
    slug: str
    role: Role


class NewOrganization(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    # The same rule as the column's CHECK: lowercase words joined by single hyphens.
    slug: str = Field(max_length=63, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Member(BaseModel):
    user_id: UUID
    full_name: str | None
    role: Role


class NewMember(BaseModel):
    email: str = Field(min_length=3, max_length=255)
    # Owners are made by creating an organization; a second owner is a deliberate act in SQL.
    role: Literal["admin", "member"] = "member"
