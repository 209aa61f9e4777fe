"""Example of a protected endpoint: GET /profile, the caller's own profile.

This service does not sign anybody up or in: the workspace's auth service does (the first service
of dfworx.yaml). It verifies the access tokens that service issues (security.CurrentClaims) and
reads as the caller (Database.as_user), so the database's policies decide what it sees. Copy this
slice for your own endpoints.
"""
