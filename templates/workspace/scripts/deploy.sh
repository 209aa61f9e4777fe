#!/usr/bin/env bash
# Deploy the workspace.
#   coolify   ask Coolify to redeploy the compose stack (infrastructure/coolify/compose.yaml);
#             needs COOLIFY_URL, COOLIFY_TOKEN and COOLIFY_RESOURCE_UUID (environment or .env)
#   compose   build and start the production stack on this host with compose.prod.yaml;
#             reads .env.production (or the file named by ENV_FILE)
#
# Usage: scripts/deploy.sh coolify|compose [--force]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# Read KEY=VALUE lines of an env file without executing it; real environment variables win.
load_env() {
  local key value
  [[ -f "$1" ]] || return 0
  while IFS='=' read -r key value || [[ -n "$key" ]]; do
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    [[ -z "${!key:-}" ]] || continue
    export "$key=$value"
  done <"$1"
}

target="${1:-}"
force=false
shift || true
while (($# > 0)); do
  case "$1" in
    --force) force=true ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
  shift
done

deploy_coolify() {
  load_env .env
  if [[ -n "$(git status --porcelain 2>/dev/null || true)" ]]; then
    warn "uncommitted changes: Coolify builds what is pushed to the repository, not this tree"
  fi
  : "${COOLIFY_URL:?set COOLIFY_URL (e.g. https://coolify.example.com)}"
  : "${COOLIFY_TOKEN:?set COOLIFY_TOKEN (Coolify: Keys & Tokens > API tokens)}"
  : "${COOLIFY_RESOURCE_UUID:?set COOLIFY_RESOURCE_UUID (the compose resource in Coolify)}"
  command -v curl >/dev/null 2>&1 || die "curl is required"
  info "Triggering a Coolify deployment of $COOLIFY_RESOURCE_UUID (force=$force)"
  curl --fail-with-body --silent --show-error \
    --header "Authorization: Bearer $COOLIFY_TOKEN" \
    "${COOLIFY_URL%/}/api/v1/deploy?uuid=$COOLIFY_RESOURCE_UUID&force=$force"
  echo
}

deploy_compose() {
  local env_file="${ENV_FILE:-.env.production}"
  [[ -f "$env_file" ]] || die "$env_file not found: create it from .env.example with production values"
  command -v docker >/dev/null 2>&1 || die "docker is required"
  local files=(-f infrastructure/docker/compose.yaml -f infrastructure/docker/compose.prod.yaml)
  local build_flags=()
  if [[ "$force" == "true" ]]; then
    build_flags+=(--no-cache --pull)
  fi
  info "Building images"
  docker compose --env-file "$env_file" "${files[@]}" build ${build_flags[@]+"${build_flags[@]}"}
  info "Starting the production stack"
  docker compose --env-file "$env_file" "${files[@]}" up -d --remove-orphans --wait
  docker compose --env-file "$env_file" "${files[@]}" ps
}

case "$target" in
  coolify) deploy_coolify ;;
  compose) deploy_compose ;;
  -h | --help) usage ;;
  *) usage >&2; die "choose a target: coolify or compose" ;;
esac
