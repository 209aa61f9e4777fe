"""The environment every service reads, following the workspace's env-var conventions.

A service subclasses `ServiceSettings` and adds its own fields; the shared names (`DATABASE_URL`,
`JWT_SECRET`, ...) stay identical across services, Compose and CI.
"""

from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class ServiceSettings(BaseSettings):
    # `.env` is looked up in the working directory: run services from the workspace root, where the
    # generated (gitignored) `.env` lives. Real environment variables always win over the file.
    # `extra="ignore"`: that file also holds variables of the apps and of Compose.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(description="postgresql://user:password@host:5432/dbname")
    redis_url: str | None = None
    # At least 32 characters: shorter HMAC keys are brute-forceable (RFC 7518, section 3.2).
    jwt_secret: SecretStr = Field(min_length=32)
    # Only HMAC algorithms: every service verifies tokens with the same shared secret.
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    access_token_expire_minutes: int = Field(default=15, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["json", "text"] = "json"
    # Comma-separated in the environment (`http://localhost:3000,http://localhost:3001`).
    cors_origins: Annotated[list[str], NoDecode] = []

    @field_validator("database_url")
    @classmethod
    def _libpq_url(cls, value: str) -> str:
        # SQLAlchemy-style URLs (`postgresql+psycopg://`) are a common copy-paste mistake; libpq
        # rejects them with a less helpful message.
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a libpq URL starting with postgresql:// (no +driver suffix)")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_case_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value
