"""Let the services' database role log in: LOGIN, and the password their DATABASE_URL carries.

The migrations create the services' role without LOGIN (a password never belongs in a migration).
Once per environment, after the migrations, the owner of the database gives it LOGIN and a password:

    uv run python -m python_common.db_login

reads `MIGRATION_DATABASE_URL` (the owner: who runs the migrations) and `DATABASE_URL` (the
services' URL: its user and password) from the environment or ./.env, and runs, as the owner,
`ALTER ROLE <user> WITH LOGIN PASSWORD '<scram hash>'`. The password is hashed here (SCRAM-SHA-256,
by libpq), so it never appears in the server's statement log. It refuses a role that is a
superuser or bypasses row level security: the services must never connect as one.
`make install` and `make migrate` run it; in production run it once after the first migration.
"""

import sys
import time
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["LoginRoleError", "grant_login", "login_of", "main"]

_ATTEMPTS = 5


class LoginRoleError(Exception):
    """The role cannot be made the services' login: missing, or one that RLS does not apply to."""


def login_of(database_url: str) -> tuple[str, str]:
    """The user and password of a libpq URL or key=value conninfo."""
    if "://" in database_url:
        parts = urlsplit(database_url)
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
    else:
        params = conninfo_to_dict(database_url)
        user, password = str(params.get("user") or ""), str(params.get("password") or "")
    if not user or not password:
        raise LoginRoleError("the services' database URL must name a user and a password")
    return user, password


def grant_login(owner_url: str, role: str, password: str) -> None:
    """As the owner at `owner_url`: give `role` LOGIN and `password`, after checking it is safe."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = %s", (role,)
        ).fetchone()
        if row is None:
            raise LoginRoleError(
                f"role {role} does not exist: apply the migrations first (make migrate), "
                "and check that DATABASE_URL names the services' role"
            )
        if row[0] or row[1]:
            raise LoginRoleError(
                f"role {role} is a superuser or bypasses row level security: the services must "
                "connect as the role the service_access migration creates"
            )
        # libpq hashes with the server's password_encryption (scram-sha-256 by default).
        hashed = conn.pgconn.encrypt_password(password.encode(), role.encode()).decode()
        alter = sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(hashed)
        )
        # Roles are cluster-wide: test sessions of several databases on one server may set it at
        # the same moment, and the loser of that race gets "tuple concurrently updated".
        for attempt in range(_ATTEMPTS):
            try:
                conn.execute(alter)
                return
            except psycopg.errors.InternalError_:
                if attempt == _ATTEMPTS - 1:
                    raise
                time.sleep(0.1 * (attempt + 1))


class _Environment(BaseSettings):
    # Like the services' settings: the environment first, then ./.env (run from the workspace root).
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    migration_database_url: str = Field(min_length=1)
    database_url: str = Field(min_length=1)


def main() -> int:
    try:
        env = _Environment()
        role, password = login_of(env.database_url)
        grant_login(env.migration_database_url, role, password)
    except LoginRoleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        # psycopg's messages name host and user, never the password.
        print(f"error: cannot set the services' database login: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        # Only the names: pydantic's own message would repeat the values, passwords included.
        missing = ", ".join(sorted({str(error["loc"][0]).upper() for error in exc.errors()}))
        print(
            f"error: {missing} not set\nhint: set MIGRATION_DATABASE_URL (the owner) and "
            "DATABASE_URL (the services' role) in the environment or in .env",
            file=sys.stderr,
        )
        return 1
    print(f"role {role} may log in with the password of DATABASE_URL", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
