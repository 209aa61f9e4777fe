#!/usr/bin/env bash
# Issue 15 (schema per tenant), measured side by side in one run: a database with 1,000 tenant schemas
# gets ONE new tenant migration (a table and an index), every run from a fresh copy of that database
# (`createdb -T`, untimed):
#   dfworx migrate (default --jobs)      target: <= 0.5x the sequential loop (2 cores)
#   psql, sequential loop                one psql, one connection, per tenant BEGIN; set_config(search_path);
#                                        CREATE TABLE; CREATE INDEX; bookkeeping row; COMMIT;
#   psql, one process per tenant         the same transaction, a psql process per tenant
#   dfworx migrate --jobs N              other pool sizes (JOBS="2 4 16"), to pick the default
# and the no-op run:
#   dfworx migrate, 1,000 tenants current   target: within 2x of
#   dfworx migrate, no tenants              the same files on a database without tenants
#
# dfworx also applies the migration's file (registering it); the psql runs get it registered untimed.
#
#   bash bench/tenant-migrate.sh   (RUNS=N, NOOP_RUNS=N, TENANTS=N, JOBS="2 4 16"; PG_URL for another server)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
noop_runs=${NOOP_RUNS:-30}
tenants=${TENANTS:-1000}
jobs=${JOBS:-}
pg_url=${PG_URL:-postgresql://postgres@127.0.0.1:5432}
cargo build --release --quiet
bin=$PWD/target/release/dfworx

work=$(mktemp -d)
dbs=(bench_tenants_base bench_tenants_run bench_tenants_noop bench_tenants_none)
q() { psql "$pg_url/${1}" -qX -v ON_ERROR_STOP=1 -c 'set client_min_messages = warning' "${@:2}"; }
drop_db() { q postgres -c "drop database if exists $1" >/dev/null 2>&1 || true; }
cleanup() {
  for db in "${dbs[@]}"; do drop_db "$db"; done
  rm -rf "$work"
}
trap cleanup EXIT

# The workspace: the schema tenancy's migrations as the templates render them, and the tenant
# migration under test (a later version than any of them).
mkdir -p "$work/ws/supabase/migrations"
printf 'dfworx: 0.1.0\nname: bench\napps: []\nservices: []\npackages: []\n' >"$work/ws/dfworx.yaml"
cp tests/fixtures/tenancy-schema/migrations/*.sql "$work/ws/supabase/migrations/"
version=20990101000000
table="create table notes (id bigint generated always as identity primary key, body text not null, created_at timestamptz not null default now())"
index="create index notes_created_at_idx on notes (created_at)"
register="select public.register_tenant_migration('$version', 'add_notes', array[\$statement\$$table\$statement\$, \$statement\$$index\$statement\$])"
printf -- '-- Tenant migration: runs in every tenant'"'"'s schema.\n%s;\n' "$register" >"$work/ws/supabase/migrations/${version}_add_notes.sql"
mkdir -p "$work/base/supabase"
cp "$work/ws/dfworx.yaml" "$work/base/"
mkdir -p "$work/base/supabase/migrations"
cp tests/fixtures/tenancy-schema/migrations/*.sql "$work/base/supabase/migrations/"

# The template database: the registry, and $tenants tenants made by create_tenant() (each with the
# tenancy's tenant tables) in batches of 20, one transaction each: a transaction holds a lock on
# every relation it creates, and max_locks_per_transaction (64 per connection) bounds how many.
drop_db bench_tenants_base
q postgres -c "create database bench_tenants_base"
"$bin" --quiet -C "$work/base" migrate --database-url "$pg_url/bench_tenants_base"
for start in $(seq 1 20 "$tenants"); do
  end=$((start + 19 < tenants ? start + 19 : tenants))
  q bench_tenants_base -c "select count(public.create_tenant('t' || i, 't' || i)) from generate_series($start, $end) as i" >/dev/null
done
q bench_tenants_base -c "vacuum analyze" -c "checkpoint"

# The psql runs' SQL, per tenant: the transaction dfworx sends, written out.
q bench_tenants_base -At -c "select id || ' ' || schema_name from public.tenants order by created_at, id" >"$work/tenants.txt"
mkdir -p "$work/each"
n=0
while read -r id schema; do
  n=$((n + 1))
  printf "BEGIN;\nselect set_config('search_path', '\"%s\", public, extensions', true);\n%s;\n%s;\ninsert into public.tenant_schema_migrations (tenant_id, version) values ('%s', '%s');\nCOMMIT;\n" \
    "$schema" "$table" "$index" "$id" "$version" >"$work/each/$n.sql"
done <"$work/tenants.txt"
cat "$work"/each/*.sql >"$work/loop.sql"
for f in "$work"/each/*.sql; do printf 'psql %s -qX -v ON_ERROR_STOP=1 -f %s >/dev/null\n' "$pg_url/bench_tenants_run" "$f"; done >"$work/each.sh"

# Before each timed run: a fresh copy of the template; for psql, the migration registered.
fresh="psql $pg_url/postgres -qX -c 'set client_min_messages = warning' -c 'drop database if exists bench_tenants_run' -c 'create database bench_tenants_run template bench_tenants_base'"
printf '%s;\n' "$register" >"$work/register.sql"
registered="$fresh && psql $pg_url/bench_tenants_run -qX -v ON_ERROR_STOP=1 -f $work/register.sql >/dev/null"
echo "$tenants tenants; $runs runs each from a copy of the template database, $noop_runs no-op runs"

args=(
  "dfworx migrate=$bin --quiet -C $work/ws migrate --database-url $pg_url/bench_tenants_run"
  "dfworx migrate.setup=$fresh"
  "psql sequential loop=psql $pg_url/bench_tenants_run -qX -v ON_ERROR_STOP=1 -f $work/loop.sql"
  "psql sequential loop.setup=$registered"
  "psql process per tenant=bash $work/each.sh"
  "psql process per tenant.setup=$registered"
)
for j in $jobs; do
  args+=("dfworx --jobs $j=$bin --quiet -C $work/ws migrate --jobs $j --database-url $pg_url/bench_tenants_run")
  args+=("dfworx --jobs $j.setup=$fresh")
done
python3 bench/timing.py "$runs" "${args[@]}"

# The no-op: every tenant current, against the same files on a database without tenants.
drop_db bench_tenants_run
q postgres -c "create database bench_tenants_noop template bench_tenants_base" -c "create database bench_tenants_none"
"$bin" --quiet -C "$work/ws" migrate --database-url "$pg_url/bench_tenants_noop"
"$bin" --quiet -C "$work/ws" migrate --database-url "$pg_url/bench_tenants_none"
q postgres -c "checkpoint"
sleep 2
python3 bench/timing.py "$noop_runs" \
  "dfworx no-op, no tenants=$bin --quiet -C $work/ws migrate --database-url $pg_url/bench_tenants_none" \
  "dfworx no-op, $tenants current=$bin --quiet -C $work/ws migrate --database-url $pg_url/bench_tenants_noop"
