import asyncio
import uuid
from typing import Any

import psycopg
import pytest
from psycopg import AsyncConnection
from python_common.rls import as_user
from python_common.security import decode_access_token
from python_common.tenancy import NotATenantMemberError, as_tenant_user
from python_common.testing import SignedInUser, create_user, login_url

SECRET = "tenancy-test-" + "s" * 32


def claims(user: SignedInUser) -> dict[str, Any]:
    """What a service holds once it has verified the user's access token."""
    return decode_access_token(user.access_token, secret=SECRET)


@pytest.fixture(scope="module")
def app_url(migrated_url: str, login_role: str) -> str:
    """The database as the services reach it: logged in as the login role."""
    with psycopg.connect(migrated_url) as conn:
        # A tenant migration as `dfworx migrate new --tenant` writes one: every tenant gets notes.
        conn.execute(
            "SELECT public.register_tenant_migration(%s, %s, %s)",
            (
                "99990101000000",
                "test_notes",
                [
                    "CREATE TABLE notes"
                    " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL)"
                ],
            ),
        )
    return login_url(migrated_url, login_role)


@pytest.fixture(scope="module")
def people(migrated_url: str) -> dict[str, SignedInUser]:
    return {
        name: create_user(migrated_url, f"{name}@tenancy.example.test", jwt_secret=SECRET)
        for name in ("alice", "bob")
    }


@pytest.fixture(scope="module")
def tenants(app_url: str, people: dict[str, SignedInUser]) -> dict[str, uuid.UUID]:
    """Alice and Bob each create a tenant, signed in as themselves, through the login role."""

    async def create(user: SignedInUser, slug: str) -> uuid.UUID:
        async with (
            await AsyncConnection.connect(app_url) as conn,
            as_user(conn, claims(user)) as tx,
        ):
            cursor = await tx.execute(
                "SELECT id FROM public.create_tenant(%s, %s)", (slug.title(), slug)
            )
            row = await cursor.fetchone()
        assert row is not None
        return row[0]

    return {
        "a": asyncio.run(create(people["alice"], "tenancy-test-a")),
        "b": asyncio.run(create(people["bob"], "tenancy-test-b")),
    }


async def write_and_count(url: str, user: SignedInUser, tenant: uuid.UUID, body: str) -> int:
    async with (
        await AsyncConnection.connect(url) as conn,
        as_tenant_user(conn, claims(user), tenant) as tx,
    ):
        await tx.execute("INSERT INTO notes (body) VALUES (%s)", (body,))
        row = await (await tx.execute("SELECT count(*) FROM notes")).fetchone()
    assert row is not None
    return int(row[0])


def test_a_member_works_in_her_tenant_with_unqualified_names(
    app_url: str, people: dict[str, SignedInUser], tenants: dict[str, uuid.UUID]
) -> None:
    assert asyncio.run(write_and_count(app_url, people["alice"], tenants["a"], "alice 1")) == 1
    assert asyncio.run(write_and_count(app_url, people["alice"], tenants["a"], "alice 2")) == 2
    assert asyncio.run(write_and_count(app_url, people["bob"], tenants["b"], "bob 1")) == 1


def test_a_tenant_one_is_not_a_member_of_is_refused_before_any_query(
    app_url: str, people: dict[str, SignedInUser], tenants: dict[str, uuid.UUID]
) -> None:
    ran = False

    async def intrude(tenant: uuid.UUID) -> None:
        nonlocal ran
        async with (
            await AsyncConnection.connect(app_url) as conn,
            as_tenant_user(conn, claims(people["alice"]), tenant) as tx,
        ):
            ran = True
            await tx.execute("SELECT count(*) FROM notes")

    with pytest.raises(NotATenantMemberError):
        asyncio.run(intrude(tenants["b"]))
    with pytest.raises(NotATenantMemberError):
        asyncio.run(intrude(uuid.uuid4()))
    assert not ran


def test_the_tenant_ends_with_the_transaction(
    app_url: str, login_role: str, people: dict[str, SignedInUser], tenants: dict[str, uuid.UUID]
) -> None:
    async def session() -> tuple[Any, Any]:
        async with await AsyncConnection.connect(app_url, autocommit=True) as conn:
            async with as_tenant_user(conn, claims(people["alice"]), tenants["a"]) as tx:
                inside = await (
                    await tx.execute("SELECT current_user, (current_schemas(false))[1]")
                ).fetchone()
            after = await (
                await conn.execute("SELECT current_user, current_setting('search_path')")
            ).fetchone()
        return inside, after

    inside, after = asyncio.run(session())

    assert inside == ("authenticated", "tenant_" + str(tenants["a"]).replace("-", "_"))
    assert after is not None
    assert after[0] == login_role
    assert "tenant_" not in after[1]


def test_an_error_rolls_the_transaction_back(
    app_url: str, people: dict[str, SignedInUser], tenants: dict[str, uuid.UUID]
) -> None:
    async def write_then_fail() -> None:
        async with (
            await AsyncConnection.connect(app_url) as conn,
            as_tenant_user(conn, claims(people["bob"]), tenants["b"]) as tx,
        ):
            await tx.execute("INSERT INTO notes (body) VALUES ('lost')")
            raise RuntimeError("boom")

    async def bodies() -> list[str]:
        async with (
            await AsyncConnection.connect(app_url) as conn,
            as_tenant_user(conn, claims(people["bob"]), tenants["b"]) as tx,
        ):
            rows = await (await tx.execute("SELECT body FROM notes")).fetchall()
        return [body for (body,) in rows]

    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(write_then_fail())
    assert "lost" not in asyncio.run(bodies())


def test_a_tenant_must_be_a_uuid(app_url: str, people: dict[str, SignedInUser]) -> None:
    async def by_slug() -> None:
        async with (
            await AsyncConnection.connect(app_url) as conn,
            as_tenant_user(conn, claims(people["alice"]), "tenancy-test-a") as _,  # type: ignore[arg-type]
        ):
            pass

    with pytest.raises(TypeError, match="must be a UUID"):
        asyncio.run(by_slug())
