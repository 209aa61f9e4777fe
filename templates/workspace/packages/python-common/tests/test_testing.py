import psycopg
from psycopg.conninfo import conninfo_to_dict
from python_common.testing import database_url, temporary_database


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
