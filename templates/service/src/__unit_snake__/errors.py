"""The body of every error response, and how endpoints document theirs in the OpenAPI document."""

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    """`{"detail": "..."}`: what FastAPI's HTTPException sends."""

    detail: str


def error(description: str) -> dict[str, Any]:
    """An entry of an endpoint's `responses=`, as in `responses={404: error("Not found")}`."""
    return {"model": ErrorDetail, "description": description}


UNAUTHORIZED = {401: error("Missing, invalid or expired access token")}
