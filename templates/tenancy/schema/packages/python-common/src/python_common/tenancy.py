"""The tenant's schema: act as the signed-in user, in one tenant's schema, for one transaction.

This workspace keeps each tenant's tables in a schema of its own (tenant_<its uuid with
underscores>, public.tenants.schema_name), and a transaction picks the tenant by putting its schema
first on the search_path, so that the same unqualified query reaches whichever tenant it names.
`as_tenant_user` is `as_user` plus that, once the database said the user belongs to the tenant:

    BEGIN;
    SELECT set_config('role', 'authenticated', true),
           set_config('request.jwt.claims', '<claims>', true);
    SELECT set_config('search_path', format('%I, public, extensions', t.schema_name), true)
    FROM public.tenants AS t
    WHERE t.id = '<tenant uuid>' AND public.tenant_role(t.id) IS NOT NULL;   -- no row: refused
    ... the request's queries, with unqualified names: that tenant's tables ...
    COMMIT;  (ROLLBACK when the block raises)

Everything is transaction-local (`true`): after the block the connection is back on the
database's search_path, in no tenant. Never make the search_path a session setting (SET without
LOCAL): behind a transaction-mode pooler the next request, anybody's, would run in your tenant.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection

from .rls import as_user
from .security import AUTHENTICATED

__all__ = ["NotATenantMemberError", "as_tenant_user"]


class NotATenantMemberError(PermissionError):
    """The user is not a member of the tenant the request named (or it does not exist)."""


@asynccontextmanager
async def as_tenant_user(
    conn: AsyncConnection[Any],
    claims: Mapping[str, Any],
    tenant_id: UUID,
    *,
    role: str = AUTHENTICATED,
) -> AsyncIterator[AsyncConnection[Any]]:
    """A transaction on `conn` as the user of `claims`, with `tenant_id`'s schema first on the
    search_path.

    The tenant is what the request asks for (a path segment, a subdomain, a header); its schema is
    chosen only after public.tenant_role() found the user among its members, and
    NotATenantMemberError is raised (before any query of the caller runs) otherwise: for a tenant
    that does not exist too, so a response cannot tell the two apart. Committed when the block
    ends, rolled back when it raises; `conn` must be outside a transaction.
    """
    if not isinstance(tenant_id, UUID):
        raise TypeError(f"tenant_id must be a UUID, not {type(tenant_id).__name__}: parse it first")
    async with as_user(conn, claims, role=role) as tx:
        cursor = await tx.execute(
            "SELECT set_config("
            "'search_path', format('%%I, public, extensions', t.schema_name), true)"
            " FROM public.tenants AS t"
            " WHERE t.id = %s AND public.tenant_role(t.id) IS NOT NULL",
            (tenant_id,),
        )
        if await cursor.fetchone() is None:
            raise NotATenantMemberError(f"not a member of tenant {tenant_id}")
        yield tx
