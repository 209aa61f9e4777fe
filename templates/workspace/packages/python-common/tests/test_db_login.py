import secrets
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from python_common.db_login import LoginRoleError, grant_login, login_of
from python_common.testing import libpq_url


@pytest.fixture
def role(admin_url: str) -> Iterator[str]:
    name = f"test_db_login_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOINHERIT").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_the_role_may_log_in_with_the_password_afterwards(admin_url: str, role: str) -> None:
    grant_login(admin_url, role, "s3cret: with / odd @ chars")

    url = libpq_url(
        {**conninfo_to_dict(admin_url), "user": role, "password": "s3cret: with / odd @ chars"}
    )
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT current_user").fetchone()
    assert row == (role,)
    assert login_of(url) == (role, "s3cret: with / odd @ chars")


def test_a_role_that_bypasses_row_level_security_is_refused(admin_url: str, role: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER ROLE {} BYPASSRLS").format(sql.Identifier(role)))

    with pytest.raises(LoginRoleError, match="bypasses row level security"):
        grant_login(admin_url, role, "whatever")


def test_a_missing_role_or_a_url_without_password_is_a_clear_error(admin_url: str) -> None:
    with pytest.raises(LoginRoleError, match="does not exist: apply the migrations first"):
        grant_login(admin_url, "no_such_role_" + secrets.token_hex(4), "x")
    with pytest.raises(LoginRoleError, match="a user and a password"):
        login_of("postgresql://acme_api@localhost/acme")
