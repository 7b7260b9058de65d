#!/usr/bin/env bash
# Regenerate the expected outputs (.exp / .err) of the language test corpus
# from the installed reference `nix-instantiate` (Nix 2.8).
#
# Usage: regen.sh [CASE...]
#   CASE is a case name such as `eval-okay-let` (a trailing .nix/.exp/.err/.flags
#   is accepted and stripped). Without arguments every case is regenerated.
#
# Environment:
#   REGEN_OUT=DIR      write outputs to DIR instead of next to the cases
#                      (used by differential.sh).
#   REGEN_KEEP_GOING=1 report failing cases on stderr and continue instead of
#                      stopping; the exit status is still 1 if any case failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LANG_DIR="$HERE/lang"
OUT_DIR="${REGEN_OUT:-$LANG_DIR}"
KEEP_GOING="${REGEN_KEEP_GOING:-0}"

# A deterministic environment for the reference evaluator.
export NO_COLOR=1
export NIX_PATH=
export LC_ALL=C
export TZ=UTC
unset NIX_SHOW_STATS NIX_COUNT_CALLS || true

command -v nix-instantiate >/dev/null || { echo "regen.sh: nix-instantiate not found" >&2; exit 2; }

mkdir -p "$OUT_DIR"
cd "$LANG_DIR"
PWD_REAL=$(pwd -P)

# Strip ANSI escapes and replace the absolute test directory by /pwd.
normalise() {
    sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e "s!$PWD_REAL!/pwd!g" -e "s!$LANG_DIR!/pwd!g"
}

# From the first line starting with `error:` up to (excluding) the first blank
# line or `(use '--show-trace'` line.
extract_error() {
    awk '
        !started && /^error:/ { started = 1 }
        started && (/^[[:space:]]*$/ || /^\(use .--show-trace/) { exit }
        started { print }
    '
}

failures=0
fail() {
    echo "regen.sh: case $1: $2" >&2
    failures=$((failures + 1))
    if [ "$KEEP_GOING" != 1 ]; then exit 1; fi
}

regen_case() {
    local name=$1 kind flags stdout_f stderr_f rc
    local -a args
    [ -f "$name.nix" ] || { fail "$name" "no such case ($name.nix missing)"; return; }
    case "$name" in
        eval-okay-*) kind=eval-okay ;;
        eval-fail-*) kind=eval-fail ;;
        parse-okay-*) kind=parse-okay ;;
        parse-fail-*) kind=parse-fail ;;
        *) fail "$name" "unknown case kind"; return ;;
    esac
    case "$kind" in
        eval-*)
            flags="--strict"
            if [ -f "$name.flags" ]; then flags=$(head -n1 "$name.flags"); fi
            # shellcheck disable=SC2206 # flags are split on whitespace on purpose
            args=(--eval $flags "$name.nix") ;;
        parse-*)
            args=(--parse "$name.nix") ;;
    esac
    stdout_f=$(mktemp); stderr_f=$(mktemp)
    rc=0
    # `$name.stack`: the native stack (KiB) to run Nix with, for a deep but finite case
    # that Nix 2.8 evaluates given the stack rnix-eval has (1 GiB).
    if [ -f "$name.stack" ]; then
        (ulimit -s "$(head -n1 "$name.stack")" && nix-instantiate "${args[@]}") >"$stdout_f" 2>"$stderr_f" </dev/null || rc=$?
    else
        nix-instantiate "${args[@]}" >"$stdout_f" 2>"$stderr_f" </dev/null || rc=$?
    fi
    case "$kind" in
        *-okay)
            if [ "$rc" -ne 0 ]; then
                fail "$name" "nix-instantiate failed (exit $rc) but the case must succeed: $(extract_error <"$stderr_f" | normalise | head -n3)"
            else
                normalise <"$stdout_f" >"$OUT_DIR/$name.exp"
            fi ;;
        *-fail)
            if [ "$rc" -eq 0 ]; then
                fail "$name" "nix-instantiate succeeded but the case must fail"
            else
                normalise <"$stderr_f" | extract_error >"$OUT_DIR/$name.err"
                if [ ! -s "$OUT_DIR/$name.err" ]; then
                    fail "$name" "no 'error:' line in the output of nix-instantiate"
                fi
            fi ;;
    esac
    rm -f "$stdout_f" "$stderr_f"
}

cases=()
if [ $# -gt 0 ]; then
    for c in "$@"; do
        c=$(basename "$c"); c=${c%.nix}; c=${c%.exp}; c=${c%.err}; c=${c%.flags}; c=${c%.modern}
        cases+=("$c")
    done
else
    for f in eval-okay-*.nix eval-fail-*.nix parse-okay-*.nix parse-fail-*.nix; do
        [ -e "$f" ] && cases+=("${f%.nix}")
    done
fi

for c in "${cases[@]}"; do
    regen_case "$c"
done

if [ "$failures" -gt 0 ]; then
    echo "regen.sh: $failures case(s) failed" >&2
    exit 1
fi
