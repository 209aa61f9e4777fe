#!/usr/bin/env bash
# The generated auth service's pytest suite with its own connections going through a local PgBouncer
# in transaction mode, as `with: [pgbouncer]` runs it in compose, Coolify and CI: proof that the
# services' transaction-local tenant context (python_common.rls) and their unprepared statements
# (prepare_threshold=None) hold up behind a transaction pooler. Creating and migrating the test
# database stays direct (TEST_DATABASE_URL), as the generated conftest does with TEST_PGBOUNCER_URL.
#
#   bash scripts/e2e-pgbouncer.sh WORKSPACE [SERVICE]
#       WORKSPACE made by `dfworx new --install`; SERVICE its service that owns auth (default
#       auth-service). scripts/e2e.sh runs it; needs pgbouncer on PATH or in /usr/sbin, PostgreSQL
#       on 127.0.0.1:5432 and Redis.
set -euo pipefail
workspace=$(cd "${1:?usage: e2e-pgbouncer.sh WORKSPACE [SERVICE]}" && pwd)
service=${2:-auth-service}
pg_host=${E2E_PG_HOST:-127.0.0.1}
pg_port=${E2E_PG_PORT:-5432}

pgbouncer=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
if [ ! -x "$pgbouncer" ]; then
  echo "error: pgbouncer not found" >&2
  echo "hint: apt-get install pgbouncer (the script starts its own; no service needs to run)" >&2
  exit 1
fi

cd "$workspace"
snake=$(sed -n 's/^name: //p' dfworx.yaml | tr - _)
api_role="${snake}_api"
# The password the tests give the services' role (python_common.testing.login_url): .env's, else
# the fixed test password.
api_password=$(sed -n 's/^API_DB_PASSWORD=//p' .env 2>/dev/null | tail -1)
api_password=${api_password:-test-only-api-password}

dir=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Every database on the server (`*`: the tests' databases have random names), transaction pooling,
# SCRAM for clients: the services' role and the owner, whose passwords PgBouncer keeps in its auth file.
cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$pg_host port=$pg_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
admin_users = postgres
max_client_conn = 200
default_pool_size = 10
ignore_startup_parameters = extra_float_digits
log_connections = 1
logfile = $dir/pgbouncer.log
EOF
printf '"%s" "%s"\n"postgres" "%s"\n' "$api_role" "$api_password" "pgbouncer-e2e-only" >"$dir/userlist.txt"

# PgBouncer refuses to run as root: drop to the postgres account where there is one.
as_user=()
if [ "$(id -u)" = 0 ]; then
  as_user=(-u postgres)
  chown -R postgres "$dir"
fi
# -q: the log goes to its file only (checked below).
"$pgbouncer" -q "${as_user[@]}" "$dir/pgbouncer.ini" &
pid=$!
for _ in $(seq 50); do
  pg_isready -q -h 127.0.0.1 -p "$port" -U postgres -d pgbouncer && break
  sleep 0.1
done
pg_isready -q -h 127.0.0.1 -p "$port" -U postgres -d pgbouncer
echo "pgbouncer $("$pgbouncer" --version | head -1 | cut -d' ' -f2) on 127.0.0.1:$port, transaction mode"

# The default workspace's conftest connects the service with python_common.testing.login_url, on
# TEST_DATABASE_URL's server: this plugin, loaded before the conftest imports it, sends the
# service's own connections to PgBouncer instead (same role, password and database).
mkdir "$dir/plugin"
cat >"$dir/plugin/e2e_pgbouncer.py" <<'EOF'
import os
from urllib.parse import urlsplit

import python_common.testing as testing

_login_url = testing.login_url


def _through_pgbouncer(owner_url: str, role: str) -> str:
    parts = urlsplit(_login_url(owner_url, role))
    login = parts.netloc.rpartition("@")[0]
    return parts._replace(netloc=f"{login}@{os.environ['E2E_PGBOUNCER_ADDRESS']}").geturl()


testing.login_url = _through_pgbouncer
EOF
PYTHONPATH="$dir/plugin" E2E_PGBOUNCER_ADDRESS="127.0.0.1:$port" \
  uv run --quiet pytest -q -p e2e_pgbouncer -p no:cacheprovider "services/$service"

# The proof that the service really went through the pooler: PgBouncer saw its role log in to a
# test database, and the owner never did.
if ! grep -q "login attempt: db=test_${service//-/_}_[0-9a-f]* user=$api_role" "$dir/pgbouncer.log"; then
  echo "error: PgBouncer saw no login of $api_role to a test database:" >&2
  cat "$dir/pgbouncer.log" >&2
  exit 1
fi
# (Only the readiness probe above logs in as postgres, to PgBouncer's own admin database.)
if grep "login attempt: db=[^ ]* user=postgres" "$dir/pgbouncer.log" | grep -qv "db=pgbouncer "; then
  echo "error: the owner went through PgBouncer; creating and migrating the test database must go direct" >&2
  exit 1
fi
echo "$service's tests passed with its connections through PgBouncer ($(grep -c 'login attempt' "$dir/pgbouncer.log") logins)"
