import asyncio
import uuid
from typing import Any

import psycopg
import pytest
from psycopg import AsyncConnection
from python_common.rls import as_user
from python_common.testing import login_url

ALICE, BOB = uuid.uuid4(), uuid.uuid4()


def claims(user: uuid.UUID) -> dict[str, Any]:
    return {"sub": str(user), "role": "authenticated", "aud": "authenticated"}


@pytest.fixture(scope="module")
def app_url(migrated_url: str, login_role: str) -> str:
    """Alice owns org A, Bob org B (created as the owner); the URL logs in as the login role."""
    with psycopg.connect(migrated_url) as conn:
        conn.execute(
            "INSERT INTO auth.users (id, email)"
            " VALUES (%s, 'alice@example.test'), (%s, 'bob@example.test')",
            (ALICE, BOB),
        )
        for user, slug in ((ALICE, "org-a"), (BOB, "org-b")):
            org = conn.execute(
                "INSERT INTO public.organizations (name, slug) VALUES (%s, %s) RETURNING id",
                (slug.upper(), slug),
            ).fetchone()
            assert org is not None
            conn.execute(
                "INSERT INTO public.memberships (organization_id, user_id, role)"
                " VALUES (%s, %s, 'owner')",
                (org[0], user),
            )
    return login_url(migrated_url, login_role)


async def slugs_seen_by(url: str, user: uuid.UUID) -> list[str]:
    async with await AsyncConnection.connect(url) as conn, as_user(conn, claims(user)) as tx:
        rows = await (
            await tx.execute("SELECT slug FROM public.organizations ORDER BY slug")
        ).fetchall()
    return [slug for (slug,) in rows]


def test_through_the_helper_each_user_sees_only_their_organizations(app_url: str) -> None:
    assert asyncio.run(slugs_seen_by(app_url, ALICE)) == ["org-a"]
    assert asyncio.run(slugs_seen_by(app_url, BOB)) == ["org-b"]
    assert asyncio.run(slugs_seen_by(app_url, uuid.uuid4())) == []


def test_outside_a_request_transaction_the_login_role_reads_nothing(app_url: str) -> None:
    with psycopg.connect(app_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT count(*) FROM public.organizations")


def test_role_and_claims_end_with_the_transaction(app_url: str, login_role: str) -> None:
    async def session() -> tuple[tuple[Any, ...] | None, tuple[Any, ...] | None]:
        async with await AsyncConnection.connect(app_url, autocommit=True) as conn:
            async with as_user(conn, claims(ALICE)) as tx:
                inside = await (
                    await tx.execute("SELECT current_user, auth.uid()::text")
                ).fetchone()
            after = await (
                await conn.execute(
                    "SELECT current_user, current_setting('request.jwt.claims', true)"
                )
            ).fetchone()
        return inside, after

    inside, after = asyncio.run(session())

    assert inside == ("authenticated", str(ALICE))
    assert after is not None
    assert after[0] == login_role
    assert after[1] in (None, "")


def test_an_error_rolls_the_transaction_back(app_url: str) -> None:
    async def create_then_fail() -> None:
        async with (
            await AsyncConnection.connect(app_url) as conn,
            as_user(conn, claims(ALICE)) as tx,
        ):
            await tx.execute("SELECT public.create_organization('Lost', 'org-lost')")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(create_then_fail())

    assert asyncio.run(slugs_seen_by(app_url, ALICE)) == ["org-a"]


def test_a_connection_already_in_a_transaction_is_refused(app_url: str) -> None:
    async def nested() -> None:
        async with await AsyncConnection.connect(app_url) as conn:
            await conn.execute("SELECT 1")  # starts a transaction: autocommit is off
            async with as_user(conn, claims(ALICE)):
                pass

    with pytest.raises(RuntimeError, match="outside any transaction"):
        asyncio.run(nested())
