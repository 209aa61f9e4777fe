from uuid import UUID

from pydantic import BaseModel


class Profile(BaseModel):
    """The readable part of a user (public.profiles)."""

    id: UUID
    full_name: str | None
    avatar_url: str | None
