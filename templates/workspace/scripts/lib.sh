# shellcheck shell=bash
# Helpers shared by the scripts in this directory; sourced, never run on its own.

# Colour only on a terminal, and never with NO_COLOR set.
if [[ -t 2 && -z ${NO_COLOR:-} ]]; then
  _blue=$'\033[1;34m' _yellow=$'\033[1;33m' _red=$'\033[1;31m' _reset=$'\033[0m'
else
  _blue='' _yellow='' _red='' _reset=''
fi

# Prints the calling script's header comment (from line 2 to the first non-comment line).
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
info() { printf '%s==>%s %s\n' "$_blue" "$_reset" "$*"; }
warn() { printf '%swarning:%s %s\n' "$_yellow" "$_reset" "$*" >&2; }
die() { printf '%serror:%s %s\n' "$_red" "$_reset" "$*" >&2; exit 1; }
