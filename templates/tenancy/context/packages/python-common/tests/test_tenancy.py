import asyncio
import uuid
from typing import Any

import psycopg
import pytest
from psycopg import AsyncConnection
from python_common.security import decode_access_token
from python_common.tenancy import as_tenant_user
from python_common.testing import SignedInUser, create_user, login_url

SECRET = "tenancy-test-" + "s" * 32
TENANT_A, TENANT_B = uuid.uuid4(), uuid.uuid4()


def claims(user: SignedInUser) -> dict[str, Any]:
    """What a service holds once it has verified the user's access token."""
    return decode_access_token(user.access_token, secret=SECRET)


@pytest.fixture(scope="module")
def people(migrated_url: str) -> dict[str, SignedInUser]:
    """Alice and Carol are members of tenant A, Bob of tenant B."""
    signed_up = {
        name: create_user(migrated_url, f"{name}@tenancy.example.test", jwt_secret=SECRET)
        for name in ("alice", "bob", "carol")
    }
    with psycopg.connect(migrated_url) as conn:
        for tenant, slug in ((TENANT_A, "tenant-a"), (TENANT_B, "tenant-b")):
            conn.execute(
                "INSERT INTO public.tenants (id, name, slug) VALUES (%s, %s, %s)",
                (tenant, slug.upper(), slug),
            )
        for tenant, name in ((TENANT_A, "alice"), (TENANT_A, "carol"), (TENANT_B, "bob")):
            conn.execute(
                "INSERT INTO public.tenant_members (tenant_id, user_id) VALUES (%s, %s)",
                (tenant, signed_up[name].id),
            )
    return signed_up


@pytest.fixture(scope="module")
def app_url(migrated_url: str, login_role: str, people: dict[str, SignedInUser]) -> str:
    """The database as the services reach it: logged in as the login role."""
    return login_url(migrated_url, login_role)


async def profiles_seen(url: str, user: SignedInUser, tenant: uuid.UUID) -> set[uuid.UUID]:
    async with (
        await AsyncConnection.connect(url) as conn,
        as_tenant_user(conn, claims(user), tenant) as tx,
    ):
        rows = await (await tx.execute("SELECT id FROM public.profiles")).fetchall()
    return {profile for (profile,) in rows}


def test_in_a_tenant_a_member_sees_its_members_and_no_others(
    app_url: str, people: dict[str, SignedInUser]
) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    assert asyncio.run(profiles_seen(app_url, alice, TENANT_A)) == {alice.id, carol.id}
    assert asyncio.run(profiles_seen(app_url, bob, TENANT_B)) == {bob.id}


def test_naming_a_tenant_one_is_not_a_member_of_shows_nothing_of_it(
    app_url: str, people: dict[str, SignedInUser]
) -> None:
    alice = people["alice"]
    assert asyncio.run(profiles_seen(app_url, alice, TENANT_B)) == {alice.id}


def test_the_tenant_ends_with_the_transaction(
    app_url: str, login_role: str, people: dict[str, SignedInUser]
) -> None:
    async def session() -> tuple[tuple[Any, ...] | None, tuple[Any, ...] | None]:
        async with await AsyncConnection.connect(app_url, autocommit=True) as conn:
            async with as_tenant_user(conn, claims(people["alice"]), TENANT_A) as tx:
                inside = await (
                    await tx.execute("SELECT current_user, public.current_tenant()")
                ).fetchone()
            after = await (
                await conn.execute(
                    "SELECT current_user, current_setting('app.current_tenant', true)"
                )
            ).fetchone()
        return inside, after

    inside, after = asyncio.run(session())

    assert inside == ("authenticated", TENANT_A)
    assert after is not None
    assert after[0] == login_role
    assert after[1] in (None, "")


def test_an_error_rolls_the_transaction_back(app_url: str, people: dict[str, SignedInUser]) -> None:
    async def create_then_fail() -> None:
        async with (
            await AsyncConnection.connect(app_url) as conn,
            as_tenant_user(conn, claims(people["alice"]), TENANT_A) as tx,
        ):
            await tx.execute("SELECT public.create_tenant('Lost', 'tenant-lost')")
            raise RuntimeError("boom")

    async def tenants_of_alice() -> list[str]:
        async with (
            await AsyncConnection.connect(app_url) as conn,
            as_tenant_user(conn, claims(people["alice"]), TENANT_A) as tx,
        ):
            rows = await (await tx.execute("SELECT slug FROM public.tenants")).fetchall()
        return [slug for (slug,) in rows]

    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(create_then_fail())

    assert asyncio.run(tenants_of_alice()) == ["tenant-a"]


def test_a_tenant_must_be_a_uuid(app_url: str, people: dict[str, SignedInUser]) -> None:
    async def by_name() -> None:
        async with (
            await AsyncConnection.connect(app_url) as conn,
            as_tenant_user(conn, claims(people["alice"]), "tenant-a") as _,  # type: ignore[arg-type]
        ):
            pass

    with pytest.raises(TypeError, match="must be a UUID"):
        asyncio.run(by_name())
