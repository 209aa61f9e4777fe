#!/usr/bin/env bash
# Issue "dfworx sync" and "dfworx add", measured side by side on a workspace with 50 apps:
#   dfworx sync --check      target: median <= 50 ms and within 3x of `dfworx new` of the same workspace
#   dfworx add app <name>    target: median <= 50 ms
# `cp -r` of the same tree is there for scale: creating 1100 files costs what it costs on this disk.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-20}
cargo build --release --quiet
bin=$PWD/target/release/dfworx
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

apps=()
for i in $(seq 1 50); do apps+=(--app "app$i"); done
"$bin" --quiet new "$work/ws50" --yes --no-git "${apps[@]}"
echo "50-app workspace: $(find "$work/ws50" -type f | wc -l) files; $runs runs each"

# `add` gets a fresh copy of the workspace each run (untimed), so every run adds to 50 apps. The copy
# is flushed to disk first (`sync`): otherwise the timed command pays for the copy's own writeback.
python3 bench/timing.py "$runs" \
  "cp -r (same tree)=cp -r $work/ws50 $work/cp-{i}" \
  "cp -r (same tree).cleanup=rm -rf $work/cp-{i}" \
  "dfworx new (50 apps)=$bin --quiet new $work/new-{i} --yes --no-git ${apps[*]}" \
  "dfworx new (50 apps).cleanup=rm -rf $work/new-{i}" \
  "dfworx sync --check=$bin --quiet -C $work/ws50 sync --check" \
  "dfworx add app=$bin --quiet -C $work/add-{i} add app extra" \
  "dfworx add app.setup=cp -r $work/ws50 $work/add-{i} && sync" \
  "dfworx add app.cleanup=rm -rf $work/add-{i}"
