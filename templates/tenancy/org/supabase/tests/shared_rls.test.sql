-- Row level security of the shared schema (public): organizations, profiles, memberships.
--
-- Plain SQL, no pgTAP needed. Run it (after the migrations) with
--   psql "$DATABASE_URL" -X -q -t -A -v ON_ERROR_STOP=1 -f supabase/tests/shared_rls.test.sql
-- as scripts/test-db.sh does, connected as a role that may insert into auth.users and SET ROLE to
-- anon, authenticated and service_role: a superuser, Supabase's postgres, or the role that ran the
-- migrations if it was granted those roles. Every check is a DO block whose ASSERT or
-- RAISE stops psql with a non-zero exit status; after each passing block a TAP line "ok N - ..." is
-- printed, so `supabase test db` (pg_prove) accepts the same file. Everything runs in one
-- transaction that is rolled back: the database is left as it was.
--
-- Cast (fixed ids so the DO blocks can name them):
--   org A  a0000000-0000-4000-8000-00000000000a   alice (owner), carol (member)
--   org B  b0000000-0000-4000-8000-00000000000b   bob (owner)
--   alice  a11ce000-0000-4000-8000-000000000001   bob    b0b00000-0000-4000-8000-000000000002
--   carol  ca201000-0000-4000-8000-000000000003   dave   da7e0000-0000-4000-8000-000000000004 (no organization)
-- A user is impersonated the way PostgREST does it: SET LOCAL ROLE authenticated, and the JWT
-- payload in request.jwt.claims, which auth.uid() reads.

begin;

-- ASSERT does nothing when plpgsql.check_asserts is off; these tests rely on it.
set local plpgsql.check_asserts = on;
set local client_min_messages = warning;

select '1..14';

-- rows_affected(statement) runs a statement, returns how many rows it touched and undoes it (the
-- custom error rolls its subtransaction back). It checks "blind" writes, UPDATE/DELETE without a
-- WHERE clause, which only the UPDATE/DELETE policies filter: PostgreSQL adds the SELECT policy
-- to a write only when the statement reads columns.
create function pg_temp.rows_affected(statement text) returns bigint
language plpgsql
as $$
declare
  n bigint;
begin
  begin
    execute statement;
    get diagnostics n = row_count;
    raise exception 'undo' using errcode = 'UNDO0';
  exception when sqlstate 'UNDO0' then
    null;
  end;
  return n;
end;
$$;
-- The tests call it as authenticated and anon. Granted explicitly: a project that revokes EXECUTE
-- on new functions by default (ALTER DEFAULT PRIVILEGES ... REVOKE EXECUTE ... FROM PUBLIC) would
-- otherwise leave it to its owner only.
grant execute on function pg_temp.rows_affected(text) to public;

-- Fixtures: users as the connecting role (nobody else may write auth.users), the rest as
-- service_role, which bypasses RLS whoever owns the tables.
insert into auth.users (id, email, raw_user_meta_data) values
  ('a11ce000-0000-4000-8000-000000000001', 'alice@example.test', '{"full_name": "Alice Adams"}'),
  ('b0b00000-0000-4000-8000-000000000002', 'bob@example.test',   '{"full_name": "Bob Brown"}'),
  ('ca201000-0000-4000-8000-000000000003', 'carol@example.test', '{"full_name": "Carol Clark"}'),
  ('da7e0000-0000-4000-8000-000000000004', 'dave@example.test',  '{}');

set local role service_role;

insert into public.organizations (id, name, slug) values
  ('a0000000-0000-4000-8000-00000000000a', 'Org A', 'dfworx-test-org-a'),
  ('b0000000-0000-4000-8000-00000000000b', 'Org B', 'dfworx-test-org-b');

insert into public.memberships (organization_id, user_id, role) values
  ('a0000000-0000-4000-8000-00000000000a', 'a11ce000-0000-4000-8000-000000000001', 'owner'),
  ('a0000000-0000-4000-8000-00000000000a', 'ca201000-0000-4000-8000-000000000003', 'member'),
  ('b0000000-0000-4000-8000-00000000000b', 'b0b00000-0000-4000-8000-000000000002', 'owner');

reset role;

-- 1 -----------------------------------------------------------------------------------------------
do $$
begin
  assert auth.uid() is null, 'auth.uid() must be null without a JWT';

  perform set_config('request.jwt.claims',
    '{"sub": "a11ce000-0000-4000-8000-000000000001", "role": "authenticated", "email": "alice@example.test"}', true);
  assert auth.uid() = 'a11ce000-0000-4000-8000-000000000001', 'auth.uid() must read sub from request.jwt.claims';
  assert auth.role() = 'authenticated', 'auth.role() must read role from request.jwt.claims';
  assert auth.jwt() ->> 'email' = 'alice@example.test', 'auth.jwt() must return request.jwt.claims';

  -- Older PostgREST versions set one setting per claim; Supabase lets that win.
  perform set_config('request.jwt.claim.sub', 'b0b00000-0000-4000-8000-000000000002', true);
  assert auth.uid() = 'b0b00000-0000-4000-8000-000000000002', 'auth.uid() must prefer request.jwt.claim.sub';

  perform set_config('request.jwt.claim.sub', '', true);
  perform set_config('request.jwt.claims', '', true);
  assert auth.uid() is null, 'auth.uid() must be null once the claims are cleared';
end
$$;
select 'ok 1 - auth.uid(), auth.role() and auth.jwt() read the JWT claims like Supabase';

-- 2 -----------------------------------------------------------------------------------------------
do $$
declare
  unprotected   text;
  no_policy     text;
  anon_can      text;
  unpinned      text;
begin
  -- The workspace's tables must have RLS on: the shared ones, and every table of the app schemas,
  -- now and in the future. Only the workspace's objects are checked: migrations you bring from
  -- another project (public.* tables of a Supabase starter) are that project's to test.
  -- (Tables that belong to an extension, such as PostGIS's spatial_ref_sys, are not ours.)
  select string_agg(format('%I.%I', n.nspname, c.relname), ', ' order by 1)
    into unprotected
  from pg_catalog.pg_class as c
  join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p')
    and ((n.nspname = 'public' and c.relname in ('organizations', 'profiles', 'memberships'))
         or n.nspname like 'app!_%' escape '!')
    and not c.relrowsecurity
    and not exists (select from pg_catalog.pg_depend as d
                    where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e');
  assert unprotected is null, format('tables without row level security: %s', unprotected);

  select string_agg(t, ', ')
    into no_policy
  from unnest(array['organizations', 'profiles', 'memberships']) as t
  where not exists (select from pg_catalog.pg_policies as p where p.schemaname = 'public' and p.tablename = t);
  assert no_policy is null, format('shared tables without policies: %s', no_policy);

  select string_agg(t, ', ')
    into anon_can
  from unnest(array['public.organizations', 'public.profiles', 'public.memberships']) as t
  where has_table_privilege('anon', t, 'SELECT, INSERT, UPDATE, DELETE');
  assert anon_can is null, format('anon holds privileges on: %s', anon_can);

  select string_agg(f, ', ')
    into anon_can
  from unnest(array['public.is_member_of(uuid)', 'public.has_org_role(uuid, text[])',
                    'public.shares_organization_with(uuid)', 'public.can_manage_membership(uuid, text)',
                    'public.create_organization(text, text)']) as f
  where has_function_privilege('anon', f, 'EXECUTE');
  assert anon_can is null, format('anon may execute: %s', anon_can);

  -- A SECURITY DEFINER function without a pinned search_path can be hijacked by the caller.
  select string_agg(p.oid::regprocedure::text, ', ')
    into unpinned
  from pg_catalog.pg_proc as p
  join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
  where ((n.nspname = 'public' and p.proname in ('create_profile_for_new_user', 'is_member_of', 'has_org_role',
                                                 'shares_organization_with', 'can_manage_membership',
                                                 'create_organization'))
         or n.nspname like 'app!_%' escape '!')
    and p.prosecdef
    and not exists (select from unnest(p.proconfig) as cfg where cfg like 'search!_path=%' escape '!');
  assert unpinned is null, format('SECURITY DEFINER functions without search_path: %s', unpinned);
end
$$;
select 'ok 2 - every table has RLS, shared tables have policies, anon holds no privilege, definer functions pin search_path';

-- 3 -----------------------------------------------------------------------------------------------
set local role service_role;

do $$
begin
  assert (select full_name from public.profiles where id = 'a11ce000-0000-4000-8000-000000000001') = 'Alice Adams',
    'a new auth.users row must get a profile with full_name from raw_user_meta_data';
  assert exists (select from public.profiles where id = 'da7e0000-0000-4000-8000-000000000004'),
    'a user without metadata must get a profile too';
end
$$;
select 'ok 3 - inserting into auth.users creates the profile';

-- 4: dave, signed in but in no organization --------------------------------------------------------
set local role authenticated;
set local request.jwt.claims to '{"sub": "da7e0000-0000-4000-8000-000000000004", "role": "authenticated"}';

do $$
begin
  assert auth.uid() = 'da7e0000-0000-4000-8000-000000000004', 'impersonation of dave failed';
  assert (select count(*) from public.organizations) = 0, 'dave must see no organization';
  assert (select count(*) from public.memberships) = 0, 'dave must see no membership';
  assert (select array_agg(id) from public.profiles) = array['da7e0000-0000-4000-8000-000000000004']::uuid[],
    'dave must see his own profile only';
end
$$;
select 'ok 4 - a user in no organization sees no organization, no membership, only their own profile';

-- 5: alice (owner of A) and organizations ----------------------------------------------------------
set local request.jwt.claims to '{"sub": "a11ce000-0000-4000-8000-000000000001", "role": "authenticated"}';

do $$
declare
  n bigint;
begin
  assert auth.uid() = 'a11ce000-0000-4000-8000-000000000001', 'impersonation of alice failed';
  assert (select array_agg(id) from public.organizations) = array['a0000000-0000-4000-8000-00000000000a']::uuid[],
    'alice must see org A only';

  update public.organizations set name = 'Org A (renamed by alice)' where id = 'a0000000-0000-4000-8000-00000000000a';
  get diagnostics n = row_count;
  assert n = 1, format('alice must be able to rename org A, updated %s rows', n);

  update public.organizations set name = 'hijacked' where id = 'b0000000-0000-4000-8000-00000000000b';
  get diagnostics n = row_count;
  assert n = 0, format('alice updated %s rows of org B', n);

  delete from public.organizations where id = 'b0000000-0000-4000-8000-00000000000b';
  get diagnostics n = row_count;
  assert n = 0, format('alice deleted %s rows of org B', n);

  n := pg_temp.rows_affected($q$update public.organizations set settings = '{"blind": true}'$q$);
  assert n = 1, format('a blind UPDATE by alice touched %s organizations instead of 1', n);
  n := pg_temp.rows_affected('delete from public.organizations');
  assert n = 1, format('a blind DELETE by alice touched %s organizations instead of 1', n);

  begin
    insert into public.organizations (name, slug) values ('Sneaky', 'dfworx-test-sneaky');
    raise exception 'FAIL: a direct INSERT into public.organizations must be refused (use create_organization)';
  exception when insufficient_privilege then
    null;
  end;
end
$$;
select 'ok 5 - alice sees and changes only org A in public.organizations';

-- 6: alice and profiles ---------------------------------------------------------------------------
do $$
declare
  n bigint;
begin
  assert (select array_agg(id order by id) from public.profiles)
         = array['a11ce000-0000-4000-8000-000000000001', 'ca201000-0000-4000-8000-000000000003']::uuid[],
    'alice must see her own profile and carol''s (org A), not bob''s or dave''s';

  update public.profiles set full_name = 'Alice A.' where id = 'a11ce000-0000-4000-8000-000000000001';
  get diagnostics n = row_count;
  assert n = 1, 'alice must be able to edit her own profile';

  update public.profiles set full_name = 'hijacked'
  where id in ('ca201000-0000-4000-8000-000000000003', 'b0b00000-0000-4000-8000-000000000002');
  get diagnostics n = row_count;
  assert n = 0, format('alice edited %s profiles of other users', n);

  n := pg_temp.rows_affected('update public.profiles set avatar_url = null');
  assert n = 1, format('a blind UPDATE by alice touched %s profiles instead of 1', n);

  begin
    insert into public.profiles (id, full_name) values (gen_random_uuid(), 'someone else');
    raise exception 'FAIL: alice created a profile for another user';
  exception when insufficient_privilege then
    null;
  end;
end
$$;
select 'ok 6 - alice sees her own and her co-members'' profiles, edits only her own';

-- 7: alice and memberships ------------------------------------------------------------------------
do $$
declare
  n bigint;
begin
  assert (select array_agg(distinct organization_id) from public.memberships)
         = array['a0000000-0000-4000-8000-00000000000a']::uuid[],
    'alice must see memberships of org A only';
  assert (select count(*) from public.memberships) = 2, 'alice must see both memberships of org A';

  begin
    insert into public.memberships (organization_id, user_id, role)
    values ('b0000000-0000-4000-8000-00000000000b', 'a11ce000-0000-4000-8000-000000000001', 'owner');
    raise exception 'FAIL: alice made herself owner of org B';
  exception when insufficient_privilege then
    null;
  end;

  begin
    insert into public.memberships (organization_id, user_id, role)
    values ('b0000000-0000-4000-8000-00000000000b', 'da7e0000-0000-4000-8000-000000000004', 'member');
    raise exception 'FAIL: alice added a member to org B';
  exception when insufficient_privilege then
    null;
  end;

  update public.memberships set role = 'member' where organization_id = 'b0000000-0000-4000-8000-00000000000b';
  get diagnostics n = row_count;
  assert n = 0, format('alice changed %s memberships of org B', n);

  delete from public.memberships where organization_id = 'b0000000-0000-4000-8000-00000000000b';
  get diagnostics n = row_count;
  assert n = 0, format('alice deleted %s memberships of org B', n);

  n := pg_temp.rows_affected($q$update public.memberships set role = 'member'$q$);
  assert n = 2, format('a blind UPDATE by alice touched %s memberships instead of 2', n);
  n := pg_temp.rows_affected('delete from public.memberships');
  assert n = 2, format('a blind DELETE by alice touched %s memberships instead of 2', n);

  -- As owner of A she manages A's members: dave joins as admin (used by the next block).
  insert into public.memberships (organization_id, user_id, role)
  values ('a0000000-0000-4000-8000-00000000000a', 'da7e0000-0000-4000-8000-000000000004', 'admin');
end
$$;
select 'ok 7 - alice manages org A''s memberships and cannot join or change org B';

-- 8: dave, now admin of A -------------------------------------------------------------------------
set local request.jwt.claims to '{"sub": "da7e0000-0000-4000-8000-000000000004", "role": "authenticated"}';

do $$
declare
  n bigint;
begin
  assert (select count(*) from public.memberships) = 3, 'dave must now see the 3 memberships of org A';

  begin
    update public.memberships set role = 'owner'
    where organization_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = 'da7e0000-0000-4000-8000-000000000004';
    raise exception 'FAIL: an admin promoted himself to owner';
  exception when insufficient_privilege then
    null;
  end;

  delete from public.memberships
  where organization_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = 'a11ce000-0000-4000-8000-000000000001';
  get diagnostics n = row_count;
  assert n = 0, 'an admin must not remove an owner';

  update public.memberships set role = 'admin'
  where organization_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = 'ca201000-0000-4000-8000-000000000003';
  get diagnostics n = row_count;
  assert n = 1, 'an admin must be able to promote a member to admin';

  update public.memberships set role = 'member'
  where organization_id = 'a0000000-0000-4000-8000-00000000000a' and user_id = 'ca201000-0000-4000-8000-000000000003';
  get diagnostics n = row_count;
  assert n = 1, 'an admin must be able to demote an admin to member';
end
$$;
select 'ok 8 - an admin manages members and admins but cannot touch owners or become one';

-- 9: carol, member of A ---------------------------------------------------------------------------
set local request.jwt.claims to '{"sub": "ca201000-0000-4000-8000-000000000003", "role": "authenticated"}';

do $$
declare
  n bigint;
begin
  assert (select array_agg(id) from public.organizations) = array['a0000000-0000-4000-8000-00000000000a']::uuid[],
    'carol must see org A only';

  update public.organizations set name = 'renamed by a member' where id = 'a0000000-0000-4000-8000-00000000000a';
  get diagnostics n = row_count;
  assert n = 0, 'a member must not rename the organization';

  delete from public.organizations where id = 'a0000000-0000-4000-8000-00000000000a';
  get diagnostics n = row_count;
  assert n = 0, 'a member must not delete the organization';

  update public.memberships set role = 'owner' where user_id = 'ca201000-0000-4000-8000-000000000003';
  get diagnostics n = row_count;
  assert n = 0, 'a member must not promote herself';

  delete from public.memberships where user_id = 'da7e0000-0000-4000-8000-000000000004';
  get diagnostics n = row_count;
  assert n = 0, 'a member must not remove other members';

  begin
    insert into public.memberships (organization_id, user_id, role)
    values ('a0000000-0000-4000-8000-00000000000a', 'b0b00000-0000-4000-8000-000000000002', 'member');
    raise exception 'FAIL: a member added a member';
  exception when insufficient_privilege then
    null;
  end;

  -- Anybody may leave.
  delete from public.memberships where user_id = 'ca201000-0000-4000-8000-000000000003';
  get diagnostics n = row_count;
  assert n = 1, 'carol must be able to leave org A';
  assert (select count(*) from public.organizations) = 0, 'after leaving, carol must no longer see org A';
end
$$;
select 'ok 9 - a member cannot change the organization or its memberships, but can leave';

-- 10: alice creates (and deletes) an organization ---------------------------------------------------
set local request.jwt.claims to '{"sub": "a11ce000-0000-4000-8000-000000000001", "role": "authenticated"}';

do $$
declare
  created public.organizations;
  n bigint;
begin
  created := public.create_organization('Org C', 'dfworx-test-org-c');
  assert created.slug = 'dfworx-test-org-c', 'create_organization must return the new organization';
  assert public.has_org_role(created.id, array['owner']), 'the creator must become owner';
  assert exists (select from public.organizations where id = created.id), 'the creator must see the new organization';

  delete from public.organizations where id = created.id;
  get diagnostics n = row_count;
  assert n = 1, 'the owner must be able to delete the organization';
  -- Block 14 checks, with every row in sight, that the memberships went with it.
  perform set_config('dfworx_test.org_c', created.id::text, true);
end
$$;
select 'ok 10 - create_organization() makes the caller owner; an owner can delete the organization';

-- 11: bob, owner of B -----------------------------------------------------------------------------
set local request.jwt.claims to '{"sub": "b0b00000-0000-4000-8000-000000000002", "role": "authenticated"}';

do $$
begin
  assert (select array_agg(id) from public.organizations) = array['b0000000-0000-4000-8000-00000000000b']::uuid[],
    'bob must see org B only';
  assert (select array_agg(distinct organization_id) from public.memberships)
         = array['b0000000-0000-4000-8000-00000000000b']::uuid[],
    'bob must see memberships of org B only';
  assert (select array_agg(id) from public.profiles) = array['b0b00000-0000-4000-8000-000000000002']::uuid[],
    'bob must see his own profile only';
end
$$;
select 'ok 11 - bob sees only org B''s rows';

-- 12: anon ----------------------------------------------------------------------------------------
set local role anon;
set local request.jwt.claims to '{"role": "anon"}';

do $$
declare
  t text;
  n bigint;
begin
  assert auth.uid() is null, 'anon must have no user id';
  foreach t in array array['public.organizations', 'public.profiles', 'public.memberships'] loop
    begin
      execute format('select count(*) from %s', t) into n;
      assert n = 0, format('anon sees %s rows of %s', n, t);
    exception when insufficient_privilege then
      null;  -- no privilege at all: sees nothing either
    end;
  end loop;

  begin
    perform public.create_organization('Anon Org', 'dfworx-test-anon');
    raise exception 'FAIL: anon created an organization';
  exception when insufficient_privilege then
    null;
  end;
end
$$;
select 'ok 12 - anon sees nothing and cannot create an organization';

-- 13: service_role --------------------------------------------------------------------------------
set local role service_role;
set local request.jwt.claims to '{"role": "service_role"}';

do $$
begin
  assert (select count(*) from public.organizations
          where id in ('a0000000-0000-4000-8000-00000000000a', 'b0000000-0000-4000-8000-00000000000b')) = 2,
    'service_role must see every organization';
  assert (select count(*) from public.memberships
          where organization_id in ('a0000000-0000-4000-8000-00000000000a', 'b0000000-0000-4000-8000-00000000000b')) = 3,
    'service_role must see every membership';
end
$$;
select 'ok 13 - service_role bypasses RLS';

-- 14: what the attempts above left behind, checked (still) as service_role ----------------------------

do $$
begin
  assert (select name from public.organizations where id = 'b0000000-0000-4000-8000-00000000000b') = 'Org B',
    'org B must be unchanged';
  assert (select role from public.memberships
          where organization_id = 'b0000000-0000-4000-8000-00000000000b'
            and user_id = 'b0b00000-0000-4000-8000-000000000002') = 'owner',
    'bob must still own org B';
  assert (select count(*) from public.memberships where organization_id = 'b0000000-0000-4000-8000-00000000000b') = 1,
    'nobody must have joined org B';
  assert (select full_name from public.profiles where id = 'b0b00000-0000-4000-8000-000000000002') = 'Bob Brown',
    'bob''s profile must be unchanged';
  assert (select full_name from public.profiles where id = 'ca201000-0000-4000-8000-000000000003') = 'Carol Clark',
    'carol''s profile must be unchanged';
  assert (select name from public.organizations where id = 'a0000000-0000-4000-8000-00000000000a') = 'Org A (renamed by alice)',
    'alice''s rename of org A must have been stored';
  assert not exists (select from public.memberships
                     where organization_id = current_setting('dfworx_test.org_c')::uuid),
    'deleting an organization must delete its memberships';
end
$$;
select 'ok 14 - rows of other tenants are unchanged after every attempt';

rollback;
