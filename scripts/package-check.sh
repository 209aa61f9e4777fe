#!/usr/bin/env bash
# `cargo package` for dfworx: the crate must build from what it ships. dfworx embeds templates/
# (include_dir!), migrations/ and examples/ (include_str!) at compile time, and build.rs tells cargo to
# rebuild when a template changes: a crate without them does not build. What drives this repository
# (.ci/, .github/, bench/, scripts/) stays out, and so does target/.
#
#   bash scripts/package-check.sh        the file list, then `cargo package` (builds the packaged crate)
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

list=$(cargo package --list --locked --allow-dirty)
missing=$(comm -23 <(git ls-files build.rs Cargo.toml Cargo.lock README.md LICENSE src templates migrations examples | sort) \
  <(sort <<<"$list"))
if [ -n "$missing" ]; then
  printf 'error: cargo package leaves out files the build needs:\n%s\n' "$missing" >&2
  exit 1
fi
unwanted=$(grep -E '^(target|\.ci|\.github|bench|scripts)/' <<<"$list" || true)
if [ -n "$unwanted" ]; then
  printf 'error: cargo package ships files a crate should not:\n%s\n' "$unwanted" >&2
  exit 1
fi
echo "cargo package --list: $(wc -l <<<"$list") files, $(grep -c '^templates/' <<<"$list") templates, build.rs"

cargo package --locked --allow-dirty
