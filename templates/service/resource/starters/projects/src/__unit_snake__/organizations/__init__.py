"""Example of a tenant-scoped endpoint: GET /organizations/{organization_id}.

This service does not sign anybody up or in: the workspace's auth service does (the first service
of dfworx.yaml). It verifies the access tokens that service issues (security.CurrentClaims) and
reads tenant data as the caller (Database.as_user), so the database's policies decide what it sees.
Copy this slice for your own endpoints.
"""
