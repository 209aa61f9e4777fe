#!/usr/bin/env bash
# Run the test suites: node (Vitest through Turborepo), python (pytest over every service and
# package) and db (SQL/RLS tests: scripts/test-db.sh). With no argument, all three run.
# The python and db suites need PostgreSQL (python also Redis): TEST_DATABASE_URL and
# TEST_REDIS_URL / MIGRATION_DATABASE_URL (from the environment, else from .env); db needs the
# migrations applied (make migrate).
#
# Usage: scripts/test-all.sh [node] [python] [db]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
source scripts/lib.sh

suites=()
while (($# > 0)); do
  case "$1" in
    node | python | db) suites+=("$1") ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown suite: $1" ;;
  esac
  shift
done
if ((${#suites[@]} == 0)); then
  suites=(node python db)
fi

# Read KEY=VALUE lines of .env without executing it; variables already set (CI) win.
# pytest uses TEST_DATABASE_URL and TEST_REDIS_URL, scripts/test-db.sh MIGRATION_DATABASE_URL (the
# migrated database, as its owner).
load_env() {
  local key value
  [[ -f "$1" ]] || return 0
  while IFS='=' read -r key value || [[ -n "$key" ]]; do
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    [[ -z "${!key:-}" ]] || continue
    export "$key=$value"
  done <"$1"
}
load_env .env
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

test_node() {
  info "Node tests (turbo run test)"
  pnpm exec turbo run test
}

test_python() {
  info "Python tests (pytest)"
  local status=0
  uv run pytest || status=$?
  # pytest exits 5 when it collected no test: not a failure of the workspace.
  if ((status == 5)); then
    warn "pytest collected no tests"
  elif ((status != 0)); then
    return "$status"
  fi
}

test_db() {
  info "Database tests (scripts/test-db.sh)"
  if [[ -f scripts/test-db.sh ]]; then
    bash scripts/test-db.sh
  else
    warn "scripts/test-db.sh not found: skipping"
  fi
}

for suite in "${suites[@]}"; do
  "test_$suite"
done
info "All requested suites passed: ${suites[*]}"
