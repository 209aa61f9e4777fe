#!/usr/bin/env bash
# First-time setup of this workspace: check the toolchain, create .env (with random secrets),
# install the Node and Python dependencies (creating pnpm-lock.yaml and uv.lock: commit both),
# start PostgreSQL and Redis in Docker, apply the database migrations and let the services'
# database role log in.
#
# Usage: scripts/setup.sh [--no-docker] [--no-migrate]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

COMPOSE_FILES=(-f infrastructure/docker/compose.yaml -f infrastructure/docker/compose.dev.yaml)
use_docker=1
migrate=1

# shellcheck source=scripts/lib.sh
source scripts/lib.sh

while (($# > 0)); do
  case "$1" in
    --no-docker) use_docker=0 ;;
    --no-migrate) migrate=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
  shift
done

require() {
  command -v "$1" >/dev/null 2>&1 || die "$1 not found. $2"
}

info "Checking the toolchain"
node_wanted="$(tr -dc '0-9.' <.nvmrc)"
require node "Install Node ${node_wanted} (e.g. 'fnm install' or 'nvm install' in this directory)."
require pnpm "Install pnpm 10: 'npm install -g pnpm@10'."
require uv "Install uv: 'pipx install uv', 'brew install uv' or see https://docs.astral.sh/uv/."
node_version="$(node --version)"
node_major="${node_version#v}"
node_major="${node_major%%.*}"
if ((node_major < ${node_wanted%%.*})); then
  die "Node ${node_version} is too old: this workspace needs Node ${node_wanted} (.nvmrc)."
fi
pnpm_version="$(pnpm --version)"
uv_version="$(uv --version)"
echo "    node ${node_version#v}, pnpm ${pnpm_version}, ${uv_version}"

info "Preparing .env"
if [[ ! -f .env ]]; then
  cp .env.example .env
  echo "    created .env from .env.example"
fi
random_hex() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex 32
  else
    uv run --no-project python -c 'import secrets; print(secrets.token_hex(32))'
  fi
}
if grep -q '^JWT_SECRET=$' .env; then
  tmp="$(mktemp)"
  awk -v s="$(random_hex)" '/^JWT_SECRET=$/ { print "JWT_SECRET=" s; next } { print }' .env >"$tmp"
  mv "$tmp" .env
  echo "    generated a random JWT_SECRET"
fi
# The services' database password: into API_DB_PASSWORD and, written out, into DATABASE_URL (where
# .env.example has ${API_DB_PASSWORD}), so every reader of .env sees the same value.
if grep -q '^API_DB_PASSWORD=$' .env; then
  tmp="$(mktemp)"
  awk -v s="$(random_hex)" '
    /^API_DB_PASSWORD=$/ { print "API_DB_PASSWORD=" s; next }
    { gsub(/\$\{API_DB_PASSWORD\}/, s); print }
  ' .env >"$tmp"
  mv "$tmp" .env
  echo "    generated a random API_DB_PASSWORD"
fi

info "Installing Node dependencies (pnpm)"
pnpm install

info "Installing Python dependencies (uv)"
uv sync --all-packages

if ((use_docker)); then
  if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    info "Starting PostgreSQL and Redis (Docker)"
    docker compose --env-file .env "${COMPOSE_FILES[@]}" up -d --wait postgres redis
  else
    warn "Docker Compose not available: start PostgreSQL 17 and Redis 7 yourself (URLs in .env), then run 'make migrate'."
    migrate=0
  fi
fi

if ((migrate)); then
  if command -v dfworx >/dev/null 2>&1 && dfworx migrate --help >/dev/null 2>&1; then
    info "Applying migrations (dfworx migrate)"
    set -a
    # shellcheck disable=SC1091 # .env is created above
    . ./.env
    set +a
    dfworx migrate
    # The services' role exists now: let it log in with the password of DATABASE_URL.
    info "Letting the services' database role log in (python_common.db_login)"
    uv run python -m python_common.db_login
  else
    warn "no dfworx with a 'migrate' command on PATH: apply the migrations later with 'make migrate'."
  fi
fi

info "Done. Next steps:"
cat <<'MSG'
    make dev      run every app and service with hot reload
    make test     run all tests (Node, Python, database)
    git add pnpm-lock.yaml uv.lock   # CI installs from the lockfiles
MSG
