"""Organizations slice: the caller's organizations, creating one, and their members.

Every query runs as the caller (Database.as_user): the row level security policies of the
public_schema and rls_policies migrations decide what the caller sees and may change, and the SQL
functions public.create_organization and public.add_organization_member do what a policy alone
cannot (becoming owner of a new organization; finding a user by e-mail). This code only maps what
the database says to HTTP.
"""
