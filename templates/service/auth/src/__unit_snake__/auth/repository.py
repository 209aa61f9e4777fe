"""SQL of the slice: the auth_service functions (migration service_access), as the login role.

Nothing here reads auth.users directly: the services' role may not, and each function does one
thing. psycopg errors propagate (a taken address is a UniqueViolation).
"""

from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import class_row

from .models import Credentials, User


async def create_user(
    conn: AsyncConnection[Any], *, email: str, encrypted_password: str, full_name: str
) -> User:
    async with conn.cursor(row_factory=class_row(User)) as cur:
        await cur.execute(
            "SELECT id, email, full_name FROM auth_service.sign_up(%s, %s, %s)",
            (email, encrypted_password, full_name),
        )
        user = await cur.fetchone()
    if user is None:
        raise RuntimeError("auth_service.sign_up returned no row")
    return user


async def credentials_for(conn: AsyncConnection[Any], email: str) -> Credentials | None:
    async with conn.cursor(row_factory=class_row(Credentials)) as cur:
        await cur.execute(
            "SELECT id, email, full_name, encrypted_password FROM auth_service.user_for_login(%s)",
            (email,),
        )
        return await cur.fetchone()


async def user_by_id(conn: AsyncConnection[Any], user_id: UUID) -> User | None:
    async with conn.cursor(row_factory=class_row(User)) as cur:
        await cur.execute(
            "SELECT id, email, full_name FROM auth_service.user_by_id(%s)", (user_id,)
        )
        return await cur.fetchone()


async def record_sign_in(conn: AsyncConnection[Any], user_id: UUID) -> None:
    await conn.execute("SELECT auth_service.record_sign_in(%s)", (user_id,))
