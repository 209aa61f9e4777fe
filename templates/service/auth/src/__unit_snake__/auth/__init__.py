"""Authentication slice: sign up, log in, refresh, log out, and the current user.

Users live in auth.users, the one user table of the workspace (Supabase Auth's, or the stand-in of
the dfworx_compat migration), reached only through the auth_service functions of the
service_access migration. Access tokens carry Supabase's claims; refresh tokens are opaque, stored
hashed in Redis, rotated on every use (refresh_tokens.py).

router.py (HTTP) -> service.py (rules) -> repository.py (SQL) and refresh_tokens.py (Redis);
models.py and validators.py hold the request/response shapes and the input rules they apply.
"""
