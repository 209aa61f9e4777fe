"""The tenant context: act as the signed-in user, in one tenant, for one transaction.

This workspace keeps tenants apart by a setting rather than by a filter in every query: each tenant
table carries tenant_id, and its policies compare it with public.current_tenant(), which reads the
transaction-local setting app.current_tenant (see the public_schema and rls_policies migrations).
`as_tenant_user` is `as_user` plus that setting:

    BEGIN;
    SELECT set_config('role', 'authenticated', true),
           set_config('request.jwt.claims', '<claims>', true),
           set_config('app.current_tenant', '<tenant uuid>', true);
    ... the request's queries see that tenant's rows, if the user is one of its members ...
    COMMIT;  (ROLLBACK when the block raises)

Every setting is transaction-local (`true`): after the block the connection holds no tenant (an
empty leftover, which public.current_tenant() reads as none, so a query outside the block sees zero
rows of every tenant table). Never make the tenant a session setting (a SET without LOCAL): behind
a transaction-mode pooler the next request, anybody's, would inherit it.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection

from .rls import as_user
from .security import AUTHENTICATED

__all__ = ["as_tenant_user"]


@asynccontextmanager
async def as_tenant_user(
    conn: AsyncConnection[Any],
    claims: Mapping[str, Any],
    tenant_id: UUID,
    *,
    role: str = AUTHENTICATED,
) -> AsyncIterator[AsyncConnection[Any]]:
    """A transaction on `conn` in which the database sees the user of `claims` in `tenant_id`.

    The tenant is what the request asks for (a path segment, a subdomain, a header); the policies
    still check that the user is a member of it, so naming a foreign tenant shows nothing.
    Committed when the block ends, rolled back when it raises; `conn` must be outside a transaction.
    """
    if not isinstance(tenant_id, UUID):
        raise TypeError(f"tenant_id must be a UUID, not {type(tenant_id).__name__}: parse it first")
    async with as_user(conn, claims, role=role) as tx:
        await tx.execute("SELECT set_config('app.current_tenant', %s, true)", (str(tenant_id),))
        yield tx
