#!/usr/bin/env bash
# `dfworx new` of the default workspace against `cp -r` of the very same tree, side by side.
# Target (issue "dfworx new"): dfworx's median within 2x of cp -r's.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-30}
cargo build --release --quiet
bin=$PWD/target/release/dfworx
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" --quiet new "$work/reference" --yes --no-git
files=$(find "$work/reference" -type f | wc -l)
echo "default workspace: $files files, $(du -sk "$work/reference" | cut -f1) KiB; $runs runs each"

python3 bench/timing.py "$runs" \
  "cp -r=cp -r $work/reference $work/cp-{i}" \
  "cp -r.cleanup=rm -rf $work/cp-{i}" \
  "dfworx new=$bin --quiet new $work/new-{i} --yes --no-git" \
  "dfworx new.cleanup=rm -rf $work/new-{i}"
