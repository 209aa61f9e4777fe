#!/usr/bin/env bash
# Lint and type-check everything: ESLint + tsc (Turborepo), ruff (lint and format check) and,
# when it is installed, ShellCheck on scripts/. --fix applies ruff's fixes and formatting.
#
# Usage: scripts/lint.sh [--fix]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

fix=0
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

while (($# > 0)); do
  case "$1" in
    --fix) fix=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
  shift
done

export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

info "ESLint and TypeScript (turbo run lint typecheck)"
pnpm exec turbo run lint typecheck

info "Python (ruff)"
if ((fix)); then
  uv run ruff check --fix .
  uv run ruff format .
else
  uv run ruff check .
  uv run ruff format --check .
fi

if command -v shellcheck >/dev/null 2>&1; then
  info "Shell scripts (shellcheck)"
  shellcheck scripts/*.sh
else
  warn "shellcheck not installed: skipping scripts/*.sh"
fi

info "Lint passed"
