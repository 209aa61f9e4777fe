import asyncio
import uuid
from typing import Any

import psycopg
import pytest
from psycopg import AsyncConnection
from python_common.rls import as_user
from python_common.security import decode_access_token
from python_common.testing import SignedInUser, create_user, login_url

SECRET = "rls-test-" + "s" * 32


@pytest.fixture(scope="module")
def people(migrated_url: str) -> list[SignedInUser]:
    """Alice and Bob have signed up; without tenants, they share the workspace's data."""
    return [
        create_user(migrated_url, f"{name}@rls.example.test", jwt_secret=SECRET)
        for name in ("alice", "bob")
    ]


@pytest.fixture(scope="module")
def app_url(migrated_url: str, login_role: str) -> str:
    """The database as the services reach it: logged in as the login role."""
    return login_url(migrated_url, login_role)


async def seen_by(url: str, user: SignedInUser) -> tuple[set[uuid.UUID], Any]:
    """The profiles `user` sees through as_user, and the login role's name once it is over."""
    async with await AsyncConnection.connect(url, autocommit=True) as conn:
        claims = decode_access_token(user.access_token, secret=SECRET)
        async with as_user(conn, claims) as tx:
            rows = await (await tx.execute("SELECT id FROM public.profiles")).fetchall()
        after = await (await conn.execute("SELECT current_user")).fetchone()
    return {profile for (profile,) in rows}, after


def test_without_tenants_every_signed_in_user_sees_every_profile(
    app_url: str, people: list[SignedInUser]
) -> None:
    alice, bob = people
    seen_by_alice, _ = asyncio.run(seen_by(app_url, alice))
    seen_by_bob, _ = asyncio.run(seen_by(app_url, bob))
    assert {alice.id, bob.id} <= seen_by_alice
    assert seen_by_alice == seen_by_bob


def test_the_role_ends_with_the_transaction(
    app_url: str, login_role: str, people: list[SignedInUser]
) -> None:
    _, after = asyncio.run(seen_by(app_url, people[0]))
    assert after == (login_role,)


def test_outside_a_request_transaction_the_login_role_reads_nothing(app_url: str) -> None:
    with psycopg.connect(app_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT count(*) FROM public.profiles")
