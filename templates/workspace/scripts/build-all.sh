#!/usr/bin/env bash
# Build everything: the Next.js apps and TypeScript packages (Turborepo), the Python services
# (locked install plus a byte-compile check) and, with --docker, every container image.
#
# Usage: scripts/build-all.sh [--docker]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

docker_images=0
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

while (($# > 0)); do
  case "$1" in
    --docker) docker_images=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
  shift
done

export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

info "Building apps and packages (turbo run build)"
pnpm exec turbo run build

info "Building Python services"
uv_flags=(--all-packages)
if [[ "${CI:-}" == "true" ]]; then
  uv_flags+=(--locked)
fi
uv sync "${uv_flags[@]}"
shopt -s nullglob
python_sources=(services/*/src packages/*/src)
shopt -u nullglob
if ((${#python_sources[@]} > 0)); then
  uv run python -m compileall -q "${python_sources[@]}"
fi

if ((docker_images)); then
  info "Building container images (docker compose build)"
  env_file=.env
  [[ -f "$env_file" ]] || env_file=.env.example
  docker compose --env-file "$env_file" -f infrastructure/docker/compose.yaml build
fi

info "Build finished"
