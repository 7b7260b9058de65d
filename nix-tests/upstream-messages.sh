#!/usr/bin/env bash
# Compare rnix-eval's main error message with modern Nix's on the upstream language tests.
#
# Usage: upstream-messages.sh [LANG_DIR]
#   LANG_DIR is a Nix source checkout's `tests/functional/lang` directory (default:
#   `$RNIX_NIX_SRC/tests/functional/lang`). Nothing from it is copied anywhere.
#
# Every `eval-fail-*.nix` runs as upstream's `lang.sh` runs it (`--eval --strict
# --show-trace`, or the case's `.flags` without comments, from the directory above
# `lang/`), every `parse-fail-*.nix` as `--parse -` on stdin. The *main message* is the
# last `error:` block, up to its position line (`at FILE:L:C:`), a blank line or a
# `Did you mean` line; the first line is trimmed, continuation lines lose the 7 spaces
# of Nix's indentation. Paths are normalised as lang.sh does (`$(pwd)` becomes `/pwd`).
#
# Prints each mismatch (expected, then ours), then `N of M messages as modern Nix` for
# eval-fail and parse-fail cases separately and together.
#
# Environment: RNIX_EVAL (the binary; default: target/debug/rnix-eval of this checkout,
# else `rnix-eval` on PATH), RNIX_MSG_FILTER (substring of case names),
# RNIX_MSG_QUIET=1 (summary only).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LANG_DIR=${1:-${RNIX_NIX_SRC:+$RNIX_NIX_SRC/tests/functional/lang}}
if [ -z "${LANG_DIR:-}" ] || [ ! -d "$LANG_DIR" ]; then
    echo "upstream-messages.sh: skipped: no Nix source tests (pass tests/functional/lang or set RNIX_NIX_SRC)"
    exit 0
fi
LANG_DIR=$(cd "$LANG_DIR" && pwd)
BIN=${RNIX_EVAL:-}
if [ -z "$BIN" ]; then
    if [ -x "$HERE/../target/debug/rnix-eval" ]; then
        BIN="$HERE/../target/debug/rnix-eval"
    else
        BIN=$(command -v rnix-eval) || { echo "upstream-messages.sh: no rnix-eval binary (set RNIX_EVAL)" >&2; exit 2; }
    fi
fi
FILTER=${RNIX_MSG_FILTER:-}
QUIET=${RNIX_MSG_QUIET:-0}

export NO_COLOR=1 LC_ALL=C NIX_PATH= TZ=UTC
cd "$LANG_DIR/.." || exit 2
ROOT=$(pwd)

# The main message of an error output on stdin (see above).
main_message() {
    sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' | awk '
        function flush() { if (n) { last = cur } n = 0; cur = "" }
        /^ *error:/ {
            flush(); grab = 1; line = $0; sub(/^ */, "", line); cur = line; n = 1; next
        }
        grab && (/^ *$/ || /^ *at .*:[0-9]+:[0-9]+:$/ || /^ *at «.*»:[0-9]+:[0-9]+:$/ || /^ *Did you mean / || /^\(use .--show-trace/ || /^ *… /) {
            flush(); grab = 0; next
        }
        grab { line = $0; sub(/^       /, "", line); cur = cur "\n" line; n++ }
        END { flush(); printf "%s", last }
    ' | sed -e 's/[[:space:]]*$//'
}

declare -A total=() good=()
mismatches=""
for f in "$LANG_DIR"/eval-fail-*.nix "$LANG_DIR"/parse-fail-*.nix; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .nix)
    [[ "$name" == *"$FILTER"* ]] || continue
    [ -f "lang/$name.err.exp" ] || continue
    kind=${name%%-fail-*}-fail
    if [ "$kind" = parse-fail ]; then
        out=$(timeout 60 "$BIN" --parse - <"lang/$name.nix" 2>&1 >/dev/null)
    else
        if [ -f "lang/$name.flags" ]; then
            flags=$(sed -e 's/#.*//' <"lang/$name.flags")
        else
            flags="--eval --strict --show-trace"
        fi
        # shellcheck disable=SC2086 # flags are split on whitespace, as lang.sh does
        out=$(timeout 60 "$BIN" $flags "lang/$name.nix" 2>&1 >/dev/null </dev/null)
    fi
    got=$(printf '%s\n' "$out" | sed "s!$ROOT!/pwd!g" | main_message)
    want=$(main_message <"lang/$name.err.exp")
    total[$kind]=$((${total[$kind]:-0} + 1))
    if [ "$got" = "$want" ]; then
        good[$kind]=$((${good[$kind]:-0} + 1))
    else
        mismatches+="MISMATCH $name"$'\n'"  modern: ${want//$'\n'/$'\n'          }"$'\n'"  ours:   ${got//$'\n'/$'\n'          }"$'\n'
    fi
done

[ "$QUIET" = 1 ] || printf '%s' "$mismatches"
all=0 allgood=0
for kind in eval-fail parse-fail; do
    t=${total[$kind]:-0} g=${good[$kind]:-0}
    all=$((all + t)) allgood=$((allgood + g))
    echo "$kind: $g of $t messages as modern Nix"
done
echo "$allgood of $all messages as modern Nix"
