"""Test helpers: a throw-away PostgreSQL database per test session, migrated as the workspace is,
and the services' login role to connect to it with.
"""

import datetime as dt
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.json import Jsonb
from pydantic_settings import BaseSettings, SettingsConfigDict

from .db_login import grant_login
from .security import create_access_token

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/0"
# The services' role is cluster-wide: the tests give it this password only where API_DB_PASSWORD
# is not set (CI). On a development machine .env sets it, so tests and the running services agree.
DEFAULT_TEST_API_DB_PASSWORD = "test-only-api-password"  # noqa: S105 (a fixed, test-only value)

# PostgreSQL truncates identifiers to 63 bytes; keep room for the random suffix.
_MAX_PREFIX = 63 - 9

# `<version>_<name>.sql`, as the Supabase CLI and `dfworx migrate` name migrations.
_MIGRATION_FILE = re.compile(r"^(\d+)_.+\.sql$")
# A file that manages its own transaction (BEGIN; ... COMMIT;) runs as written.
_OWN_TRANSACTION = re.compile(
    r"^\s*(begin|start\s+transaction)\b[^;]*;", re.IGNORECASE | re.MULTILINE
)


class MigrationError(Exception):
    """A migration file failed; the message names it."""


class _TestEnvironment(BaseSettings):
    # Same lookup as the services' settings: the environment first, then ./.env.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    test_database_url: str = DEFAULT_TEST_DATABASE_URL
    test_redis_url: str = DEFAULT_TEST_REDIS_URL
    api_db_password: str = ""


def admin_database_url() -> str:
    """TEST_DATABASE_URL: a server where tests may create databases (default: local, postgres)."""
    return _TestEnvironment().test_database_url


def redis_url() -> str:
    """TEST_REDIS_URL: the Redis the tests use, under a key prefix of their own (default: local)."""
    return _TestEnvironment().test_redis_url


def database_url(url: str, dbname: str) -> str:
    """`url` (URL or key=value conninfo) pointing at database `dbname` instead."""
    if "://" in url:
        return urlsplit(url)._replace(path="/" + quote(dbname)).geturl()
    return make_conninfo(url, dbname=dbname)


def libpq_url(params: Mapping[str, str]) -> str:
    """A `postgresql://` URL holding the given conninfo parameters (user, password, host, ...)."""
    rest = dict(params)
    user = quote(rest.pop("user", ""), safe="")
    password = quote(rest.pop("password", ""), safe="")
    dbname = quote(rest.pop("dbname", ""), safe="")
    login = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = rest.get("host", "")
    netloc = login
    # A socket directory or several hosts stay in the query string, where libpq reads them too.
    if host and not host.startswith("/") and "," not in host:
        rest.pop("host")
        netloc += f"[{host}]" if ":" in host else host
        if port := rest.pop("port", ""):
            netloc += f":{port}"
    query = f"?{urlencode(rest)}" if rest else ""
    return f"postgresql://{netloc}/{dbname}{query}"


@contextmanager
def temporary_database(admin_url: str, *, prefix: str = "test") -> Iterator[str]:
    """Create a fresh database on `admin_url`'s server, yield its URL, drop it afterwards.

    `admin_url` needs the CREATEDB privilege; its own database is only used to run the
    CREATE/DROP statements.
    """
    name = f"{prefix[:_MAX_PREFIX]}_{secrets.token_hex(4)}"
    identifier = sql.Identifier(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    try:
        yield database_url(admin_url, name)
    finally:
        # FORCE: a connection leaked by a failed test must not keep the database alive.
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))


def migration_files(directory: Path) -> list[Path]:
    """The migrations in `directory`, in version order (numerically, like `dfworx migrate`)."""
    found = [
        (match, path) for path in directory.iterdir() if (match := _MIGRATION_FILE.match(path.name))
    ]
    return [path for match, path in sorted(found, key=lambda item: (int(item[0][1]), item[1].name))]


def apply_migrations(url: str, directory: Path) -> None:
    """Apply every migration of `directory` to the database at `url`, as its owner.

    Each file runs in a transaction of its own, or as written when it has its own BEGIN ... COMMIT
    (what `dfworx migrate` and the Supabase CLI do), sent in one message as psql -f would. Nothing
    is recorded in a ledger: the database is thrown away after the tests. Files with statements that
    cannot run in a transaction (CREATE INDEX CONCURRENTLY) need `dfworx migrate`.
    """
    files = migration_files(directory)
    if not files:
        raise MigrationError(f"no migrations in {directory}")
    with psycopg.connect(url, autocommit=True) as conn:
        for path in files:
            text = path.read_text(encoding="utf-8")
            try:
                if _OWN_TRANSACTION.search(text):
                    conn.execute(text.encode())
                else:
                    with conn.transaction():
                        conn.execute(text.encode())
            except psycopg.Error as exc:
                raise MigrationError(f"{path.name} failed: {exc}") from exc


def login_url(owner_url: str, role: str) -> str:
    """The database of `owner_url`, logged in as `role` (a role the migrations created).

    Gives `role` LOGIN and the password API_DB_PASSWORD (environment or ./.env; a fixed test
    password when unset), exactly as `python -m python_common.db_login` does in development.
    """
    password = _TestEnvironment().api_db_password or DEFAULT_TEST_API_DB_PASSWORD
    grant_login(owner_url, role, password)
    return libpq_url({**conninfo_to_dict(owner_url), "user": role, "password": password})


@dataclass(frozen=True)
class SignedInUser:
    """A user of auth.users with a valid access token, as the auth service would have issued it."""

    id: UUID
    email: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def create_user(
    owner_url: str, email: str, *, jwt_secret: str, full_name: str | None = None
) -> SignedInUser:
    """Insert a user into auth.users (its profile follows, by trigger) and sign a token for it."""
    with psycopg.connect(owner_url) as conn:
        row = conn.execute(
            "INSERT INTO auth.users (email, raw_user_meta_data) VALUES (%s, %s) RETURNING id",
            (email, Jsonb({"full_name": full_name})),
        ).fetchone()
    if row is None:
        raise RuntimeError("INSERT ... RETURNING returned no row")
    token = create_access_token(
        str(row[0]), secret=jwt_secret, expires_in=dt.timedelta(minutes=15), claims={"email": email}
    )
    return SignedInUser(id=row[0], email=email, access_token=token)


def create_organization(owner_url: str, owner: UUID, slug: str) -> UUID:
    """An organization with `owner` as its owner, inserted as the owner of the database."""
    with psycopg.connect(owner_url) as conn:
        row = conn.execute(
            "INSERT INTO public.organizations (name, slug) VALUES (%s, %s) RETURNING id",
            (slug.replace("-", " ").title(), slug),
        ).fetchone()
        if row is None:
            raise RuntimeError("INSERT ... RETURNING returned no row")
        conn.execute(
            "INSERT INTO public.memberships (organization_id, user_id, role)"
            " VALUES (%s, %s, 'owner')",
            (row[0], owner),
        )
    return row[0]
