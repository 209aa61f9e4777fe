import datetime as dt
from uuid import UUID

from pydantic import BaseModel, Field


class Project(BaseModel):
    id: UUID
    organization_id: UUID
    name: str
    description: str | None
    created_by: UUID | None
    created_at: dt.datetime


class NewProject(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
