import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from python_common.testing import admin_database_url, apply_migrations, temporary_database

# This package lives in packages/python-common of the workspace, beside supabase/.
MIGRATIONS = Path(__file__).resolve().parents[3] / "supabase" / "migrations"


@pytest.fixture
def admin_url() -> str:
    return admin_database_url()


@pytest.fixture(scope="session")
def migrated_url() -> Iterator[str]:
    """A temporary database with the workspace's migrations, as its owner."""
    with temporary_database(admin_database_url(), prefix="test_python_common") as url:
        apply_migrations(url, MIGRATIONS)
        yield url


@pytest.fixture(scope="session")
def login_role(migrated_url: str) -> Iterator[str]:
    """A login role like the services' one (NOINHERIT, a member of the API roles), dropped after."""
    name = f"test_login_{secrets.token_hex(4)}"
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} NOLOGIN NOINHERIT; GRANT authenticated, anon TO {}").format(
                sql.Identifier(name), sql.Identifier(name)
            )
        )
    try:
        yield name
    finally:
        with psycopg.connect(admin_database_url(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
