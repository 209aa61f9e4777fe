from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict
from python_common.testing import (
    MigrationError,
    apply_migrations,
    database_url,
    libpq_url,
    migration_files,
    temporary_database,
)


def database_exists(admin_url: str, name: str) -> bool:
    with psycopg.connect(admin_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
    return row is not None and row[0] == 1


def test_a_temporary_database_exists_inside_the_block_and_is_dropped_after(admin_url: str) -> None:
    with temporary_database(admin_url, prefix="test_python_common") as url:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT current_database()").fetchone()
        assert row is not None
        name = row[0]
        assert name.startswith("test_python_common_")
        assert database_exists(admin_url, name)

    assert not database_exists(admin_url, name)


def test_database_url_swaps_only_the_database_name() -> None:
    assert (
        database_url("postgresql://u:p@db:6543/postgres?sslmode=require", "t1")
        == "postgresql://u:p@db:6543/t1?sslmode=require"
    )
    assert conninfo_to_dict(database_url("host=db user=u dbname=postgres", "t1")) == {
        "host": "db",
        "user": "u",
        "dbname": "t1",
    }


def test_migrations_apply_in_version_order_each_in_its_own_transaction(
    admin_url: str, tmp_path: Path
) -> None:
    (tmp_path / "9_second.sql").write_text("create table t2 (id int references t1);")
    (tmp_path / "10_third.sql").write_text("begin;\ninsert into t2 values (1);\ncommit;\n")
    (tmp_path / "1_first.sql").write_text(
        "create table t1 (id int primary key); insert into t1 values (1);"
    )
    (tmp_path / "11_broken.sql").write_text("insert into t1 values (2); select 1/0;")
    (tmp_path / "README.md").write_text("not a migration")

    assert [p.name for p in migration_files(tmp_path)] == [
        "1_first.sql",
        "9_second.sql",
        "10_third.sql",
        "11_broken.sql",
    ]
    with temporary_database(admin_url, prefix="test_python_common") as url:
        with pytest.raises(MigrationError, match=r"11_broken\.sql failed: division by zero"):
            apply_migrations(url, tmp_path)
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM t1), (SELECT count(*) FROM t2)"
            ).fetchone()
    assert row == (1, 1), "the failed file must have been rolled back as a whole"


def test_libpq_url_keeps_every_parameter() -> None:
    assert (
        libpq_url(
            {"host": "db", "port": "6543", "dbname": "app", "user": "a b", "password": "p@ss"}
        )
        == "postgresql://a%20b:p%40ss@db:6543/app"
    )
    assert libpq_url(
        {"host": "/run/postgresql", "dbname": "app", "user": "u", "sslmode": "disable"}
    ) == ("postgresql://u@/app?host=%2Frun%2Fpostgresql&sslmode=disable")
