#!/usr/bin/env bash
# Regenerate each flake case's `expected` transcript with the installed Nix (2.8).
# Usage: regen.sh [CASE...]; FLAKES_OUT=DIR writes DIR/CASE instead (differential.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v nix >/dev/null || { echo "regen.sh: nix not found" >&2; exit 2; }
cases=("$@")
[ ${#cases[@]} -gt 0 ] || mapfile -t cases < <(cd "$here" && ls -d */ | tr -d /)
for c in "${cases[@]}"; do
  out=${FLAKES_OUT:+$FLAKES_OUT/$c.expected}
  bash "$here/run.sh" nix "$c" > "${out:-$here/$c/expected}"
done
