#!/usr/bin/env bash
# Regenerate every expected output into a temporary directory with the
# installed nix-instantiate and compare it with the checked-in files.
# Cases with a `.modern` file are only checked for their `.exp` (their `.err`,
# if any, is skipped). The derivation corpus (drv/) is re-checked the same way. Ends with the line `N passed, M failed`; exits 1 if M > 0.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LANG_DIR="$HERE/lang"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

REGEN_OUT="$TMP" REGEN_KEEP_GOING=1 bash "$HERE/regen.sh" 2>"$TMP/regen.log" >/dev/null
grep -v '^regen.sh: [0-9]* case(s) failed' "$TMP/regen.log" >&2 || true

cd "$LANG_DIR"
export LC_ALL=C
passed=0
failed=0
skipped=0
for f in eval-okay-*.nix eval-fail-*.nix parse-okay-*.nix parse-fail-*.nix; do
    [ -e "$f" ] || continue
    name=${f%.nix}
    case "$name" in
        *-okay-*) ext=exp ;;
        *) ext=err ;;
    esac
    if [ -e "$name.modern" ] && [ "$ext" != exp ]; then
        skipped=$((skipped + 1))
        continue
    fi
    if [ ! -e "$name.$ext" ]; then
        echo "MISMATCH $name: no checked-in $name.$ext"
        failed=$((failed + 1))
    elif [ ! -e "$TMP/$name.$ext" ]; then
        echo "MISMATCH $name: nix-instantiate produced no $ext (see message above)"
        failed=$((failed + 1))
    elif ! cmp -s "$name.$ext" "$TMP/$name.$ext"; then
        echo "MISMATCH $name:"
        diff -u --label "checked-in/$name.$ext" --label "nix/$name.$ext" \
            "$name.$ext" "$TMP/$name.$ext" | head -n 40
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
done
# The derivation corpus: drv paths and .drv bytes (drv/regen.sh writes to the store).
DRV_TMP="$TMP/drv"
REGEN_OUT="$DRV_TMP" bash "$HERE/drv/regen.sh" >/dev/null 2>"$TMP/drv-regen.log" || cat "$TMP/drv-regen.log" >&2
cd "$HERE/drv"
for f in *.nix; do
    name=${f%.nix}
    for ext in exp drvs; do
        if [ ! -e "$DRV_TMP/$name.$ext" ] || ! cmp -s "$name.$ext" "$DRV_TMP/$name.$ext"; then
            echo "MISMATCH drv/$name.$ext"
            diff -u "$name.$ext" "$DRV_TMP/$name.$ext" 2>&1 | head -n 20
            failed=$((failed + 1))
            continue 2
        fi
    done
    passed=$((passed + 1))
done

# The flake cases: transcripts of `nix eval` and lock files (flakes/regen.sh).
FLAKE_TMP="$TMP/flakes"
mkdir -p "$FLAKE_TMP"
FLAKES_OUT="$FLAKE_TMP" bash "$HERE/flakes/regen.sh" 2>"$TMP/flakes-regen.log" || cat "$TMP/flakes-regen.log" >&2
for dir in "$HERE"/flakes/*/; do
    name=$(basename "$dir")
    if ! cmp -s "$dir/expected" "$FLAKE_TMP/$name.expected"; then
        echo "MISMATCH flakes/$name:"
        diff -u "$dir/expected" "$FLAKE_TMP/$name.expected" 2>&1 | head -n 40
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
done

if [ "$skipped" -gt 0 ]; then
    echo "($skipped case(s) with a .modern file skipped)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
