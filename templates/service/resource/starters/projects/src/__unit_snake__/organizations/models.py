from typing import Literal
from uuid import UUID

from pydantic import BaseModel

Role = Literal["owner", "admin", "member"]


class Organization(BaseModel):
    """An organization the caller belongs to, and the caller's role in it."""

    id: UUID
    name: str
    slug: str
    role: Role
