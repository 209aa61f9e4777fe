#!/usr/bin/env bash
# Remove build output and caches (.next, dist, .turbo, coverage, __pycache__, tool caches).
#   --all     also remove node_modules and .venv (reinstall with scripts/setup.sh)
#   --docker  also stop the Compose stack and DELETE its volumes (database and Redis data)
#
# Usage: scripts/clean.sh [--all] [--docker]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

all=0
docker_volumes=0
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

while (($# > 0)); do
  case "$1" in
    --all) all=1 ;;
    --docker) docker_volumes=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
  shift
done

info "Removing build output and caches"
# Never descend into node_modules, .venv or .git: they are either kept or removed whole.
find . \( -name node_modules -o -name .venv -o -name .git \) -prune -o \
  -type d \( -name .next -o -name .turbo -o -name dist -o -name coverage \
  -o -name __pycache__ -o -name .pytest_cache -o -name .ruff_cache -o -name .mypy_cache \) \
  -prune -exec rm -rf {} + -o \
  -type f \( -name '*.tsbuildinfo' -o -name '.coverage' \) -exec rm -f {} +

if ((all)); then
  info "Removing node_modules and .venv"
  find . -name .git -prune -o \( -name node_modules -o -name .venv \) -type d -prune -exec rm -rf {} +
fi

if ((docker_volumes)); then
  info "Stopping the Compose stack and deleting its volumes"
  env_file=.env
  [[ -f "$env_file" ]] || env_file=.env.example
  docker compose --env-file "$env_file" -f infrastructure/docker/compose.yaml \
    -f infrastructure/docker/compose.dev.yaml down --volumes --remove-orphans
fi

info "Clean"
