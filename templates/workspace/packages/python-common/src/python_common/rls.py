"""Row level security for application code: act as the signed-in user, as Supabase's API does.

The services connect as a login role that can read nothing by itself (see the service_access
migration). For each request that reads or writes tenant data, `as_user` opens a transaction on a
connection, switches to the role `authenticated` and hands the database the caller's verified JWT
claims, exactly what PostgREST does for Supabase:

    BEGIN;
    SELECT set_config('role', 'authenticated', true),          -- = SET LOCAL ROLE authenticated
           set_config('request.jwt.claims', '<claims>', true);  -- read by auth.uid(), auth.jwt()
    ... the request's queries: the policies decide which rows they see ...
    COMMIT;  (ROLLBACK when the block raises)

Both settings are transaction-local (`true`), so the connection goes back to the pool as the plain
login role with no claims, and a transaction-mode pooler (PgBouncer, Supabase's port 6543) may hand
the next transaction to anybody: nothing leaks between requests. Nothing here sets anything for
the session.
"""

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from psycopg import AsyncConnection
from psycopg.pq import TransactionStatus

from .security import AUTHENTICATED

__all__ = ["as_user"]


@asynccontextmanager
async def as_user(
    conn: AsyncConnection[Any], claims: Mapping[str, Any], *, role: str = AUTHENTICATED
) -> AsyncIterator[AsyncConnection[Any]]:
    """A transaction on `conn` in which the database sees the user of `claims` (a verified JWT).

    Committed when the block ends, rolled back when it raises. `conn` must not be inside a
    transaction already: the settings would then outlive this block (a savepoint does not end them).
    """
    status = conn.info.transaction_status
    if status != TransactionStatus.IDLE:
        raise RuntimeError(
            f"as_user needs a connection outside any transaction (it is {status.name}): "
            "take a fresh one from the pool, or use an autocommit connection"
        )
    async with conn.transaction():
        await conn.execute(
            "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
            (role, json.dumps(dict(claims))),
        )
        yield conn
