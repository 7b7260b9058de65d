#!/usr/bin/env bash
# Regenerate the expected outputs of the derivation corpus from the installed Nix 2.8.
#
# For each CASE.nix (in this directory):
#   CASE.exp   stdout of `nix-instantiate CASE.nix`: the .drv paths, one per line
#              (with `!output` for outputs other than `out`), exactly as Nix prints them;
#   CASE.drvs  every .drv in the closure of those paths (`nix-store -qR`), sorted by
#              path: a line `== PATH`, then the file's bytes, then a newline.
# Nix writes the .drv files to its store (this needs a writable /nix/store, e.g. root).
#
# Usage: regen.sh [CASE...]    REGEN_OUT=DIR writes into DIR (used by differential.sh).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR="${REGEN_OUT:-$HERE}"
export NO_COLOR=1 NIX_PATH= LC_ALL=C TZ=UTC
command -v nix-instantiate >/dev/null || { echo "regen.sh: nix-instantiate not found" >&2; exit 2; }
mkdir -p "$OUT_DIR"
cd "$HERE"

cases=()
if [ $# -gt 0 ]; then
    for c in "$@"; do c=$(basename "$c"); cases+=("${c%.nix}"); done
else
    for f in *.nix; do cases+=("${f%.nix}"); done
fi

failures=0
for name in "${cases[@]}"; do
    if ! nix-instantiate "$name.nix" >"$OUT_DIR/$name.exp" 2>"$OUT_DIR/$name.stderr"; then
        echo "regen.sh: case $name: nix-instantiate failed:" >&2
        grep -m3 . "$OUT_DIR/$name.stderr" >&2 || true
        rm -f "$OUT_DIR/$name.exp"
        failures=$((failures + 1))
    else
        # Drop the `!output` suffixes to name the .drv files themselves.
        mapfile -t roots < <(sed 's/!.*//' "$OUT_DIR/$name.exp")
        : >"$OUT_DIR/$name.drvs"
        if [ "${#roots[@]}" -gt 0 ]; then
            nix-store -qR "${roots[@]}" | grep '\.drv$' | sort | while read -r drv; do
                printf '== %s\n' "$drv"
                cat "$drv"
                printf '\n'
            done >"$OUT_DIR/$name.drvs"
        fi
    fi
    rm -f "$OUT_DIR/$name.stderr"
done
if [ "$failures" -gt 0 ]; then
    echo "regen.sh: $failures case(s) failed" >&2
    exit 1
fi
