#!/usr/bin/env bash
# Issue "dfworx migrate", measured side by side in one run on 500 generated migrations (each a table
# and an index), every run from a fresh, empty database:
#   dfworx migrate                     target: faster than dbmate up
#   dbmate up                          the same files in dbmate's `-- migrate:up` format (scratch copy)
#   psql, one transaction per file     one psql process, BEGIN; \i file; COMMIT; per file
# and the no-op run (everything applied already):
#   dfworx migrate                     target: median <= 15 ms and under half of dbmate's
#   dbmate up
#
#   bash bench/migrate.sh     (RUNS=N to change the number of runs; PG_URL for another server)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}
noop_runs=${NOOP_RUNS:-30}
count=${MIGRATIONS:-500}
pg_url=${PG_URL:-postgresql://postgres@127.0.0.1:5432}
cargo build --release --quiet
bin=$PWD/target/release/dfworx

# dbmate ships its binary in an npm package; kept in the same cache as scripts/tools.sh uses.
tools=${DFWORX_TOOLS:-$HOME/.cache/dfworx-tools}
dbmate_version=2.36.0
if [ ! -x "$tools/dbmate-$dbmate_version/node_modules/.bin/dbmate" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tools/dbmate-$dbmate_version" "dbmate@$dbmate_version" >/dev/null
fi
# Its own binary, not the node wrapper in node_modules/.bin (which adds a Node.js start to every run).
dbmate=$(echo "$tools/dbmate-$dbmate_version"/node_modules/@dbmate/linux-*/bin/dbmate)

work=$(mktemp -d)
dbs=(bench_dfworx bench_dbmate bench_psql bench_noop_dfworx bench_noop_dbmate)
drop_db() { psql "$pg_url/postgres" -qXc "drop database if exists $1" >/dev/null 2>&1 || true; }
# The command that gives NAME an empty database: run untimed before each timed run.
recreate() { echo "psql $pg_url/postgres -qX -v ON_ERROR_STOP=1 -c 'set client_min_messages = warning' -c 'drop database if exists $1' -c 'create database $1'"; }
cleanup() {
  for db in "${dbs[@]}"; do drop_db "$db"; done
  rm -rf "$work"
}
trap cleanup EXIT

# A workspace whose only migrations are the generated ones, and dbmate's copy of them.
"$bin" --quiet new "$work/ws" --yes --no-git
rm -f "$work/ws/supabase/migrations/"*.sql
mkdir -p "$work/dbmate"
for i in $(seq 1 "$count"); do
  version=$((20260101000000 + i))
  sql="CREATE TABLE public.bench_$i (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bench_${i}_name_idx ON public.bench_$i (name);"
  printf '%s\n' "$sql" >"$work/ws/supabase/migrations/${version}_bench_$i.sql"
  printf -- '-- migrate:up\n%s\n\n-- migrate:down\n' "$sql" >"$work/dbmate/${version}_bench_$i.sql"
done
# psql: one connection, one transaction per file.
for f in "$work/ws/supabase/migrations/"*.sql; do printf 'BEGIN;\n\\i %s\nCOMMIT;\n' "$f"; done >"$work/psql.sql"
echo "$count migrations; $runs runs each from an empty database, $noop_runs no-op runs"

python3 bench/timing.py "$runs" \
  "dfworx migrate ($count)=$bin --quiet -C $work/ws migrate --database-url $pg_url/bench_dfworx" \
  "dfworx migrate ($count).setup=$(recreate bench_dfworx)" \
  "dbmate up ($count)=$dbmate --url $pg_url/bench_dbmate?sslmode=disable --migrations-dir $work/dbmate --no-dump-schema up" \
  "dbmate up ($count).setup=$(recreate bench_dbmate)" \
  "psql per-file tx ($count)=psql $pg_url/bench_psql -qX -v ON_ERROR_STOP=1 -f $work/psql.sql" \
  "psql per-file tx ($count).setup=$(recreate bench_psql)"

# The no-op run: both databases hold every migration now.
eval "$(recreate bench_noop_dfworx)"
eval "$(recreate bench_noop_dbmate)"
"$bin" --quiet -C "$work/ws" migrate --database-url "$pg_url/bench_noop_dfworx"
"$dbmate" --url "$pg_url/bench_noop_dbmate?sslmode=disable" --migrations-dir "$work/dbmate" --no-dump-schema up >/dev/null
# Let the server settle after creating thousands of tables (dirty buffers, autovacuum), so the
# background work of the first half does not land in the no-op timings of either tool.
for db in bench_dfworx bench_dbmate bench_psql; do drop_db "$db"; done
psql "$pg_url/postgres" -qXc "checkpoint"
sleep 2
python3 bench/timing.py "$noop_runs" \
  "dfworx migrate (no-op)=$bin --quiet -C $work/ws migrate --database-url $pg_url/bench_noop_dfworx" \
  "dbmate up (no-op)=$dbmate --url $pg_url/bench_noop_dbmate?sslmode=disable --migrations-dir $work/dbmate --no-dump-schema up"
