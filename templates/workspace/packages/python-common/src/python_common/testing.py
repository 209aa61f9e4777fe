"""Test helpers: a throw-away PostgreSQL database per test session."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

# PostgreSQL truncates identifiers to 63 bytes; keep room for the random suffix.
_MAX_PREFIX = 63 - 9


class _TestEnvironment(BaseSettings):
    # Same lookup as the services' settings: the environment first, then ./.env.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    test_database_url: str = DEFAULT_TEST_DATABASE_URL


def admin_database_url() -> str:
    """TEST_DATABASE_URL: a server where tests may create databases (default: local, postgres)."""
    return _TestEnvironment().test_database_url


def database_url(url: str, dbname: str) -> str:
    """`url` (URL or key=value conninfo) pointing at database `dbname` instead."""
    if "://" in url:
        return urlsplit(url)._replace(path="/" + quote(dbname)).geturl()
    return make_conninfo(url, dbname=dbname)


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
