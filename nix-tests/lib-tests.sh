#!/usr/bin/env bash
# Run the offline suites of a nixpkgs `lib/tests` (RNIX_NIXPKGS_LIB) under the installed
# Nix and under rnix-eval (a `nix-instantiate` shim on PATH, lib-tests/nix-instantiate),
# and print `N passed, M failed` for each suite and engine.
#
#   RNIX_NIXPKGS_LIB=/path/to/nixpkgs/lib bash nix-tests/lib-tests.sh [nix|rnix] [SUITE...]
#
# RNIX_EVAL: the rnix-eval binary (default: target/release, else target/debug).
# Logs go to $LIB_TESTS_LOG (default: a temporary directory, printed at the end).
# See lib-tests/README.md for the counts and every difference explained.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
if [ -z "${RNIX_NIXPKGS_LIB:-}" ]; then
    echo "skipped: set RNIX_NIXPKGS_LIB to a nixpkgs lib (e.g. /work/ext/nixpkgs-lib/lib)"
    exit 0
fi
engines=(nix rnix)
case "${1:-}" in nix | rnix) engines=("$1"); shift ;; esac
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(modules.sh misc.nix systems.nix fetchers.nix sources.sh filesystem.sh network.sh debug.sh \
    ../fileset/tests.sh ../path/tests/unit.nix ../path/tests/prop.sh)

if [ -z "${RNIX_EVAL:-}" ]; then
    for b in "$root/target/release/rnix-eval" "$root/target/debug/rnix-eval"; do
        [ -x "$b" ] && { RNIX_EVAL="$b"; break; }
    done
fi
export RNIX_EVAL
log="${LIB_TESTS_LOG:-$(mktemp -d)}"
mkdir -p "$log"

# A private copy: the suites run `cd` into it, and some create files next to themselves.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$RNIX_NIXPKGS_LIB" "$work/lib"
chmod -R u+w "$work/lib"
tests="$work/lib/tests"

# How many tests a runTests suite has: a copy of it whose last `runTests` call counts the
# `test*` names instead, evaluated by whichever engine can (Nix 2.8 lacks builtins that
# some suites' lib needs).
total_tests() {
    local copy="$tests/.count-$1"
    python3 - "$tests/$1" "$copy" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
calls = list(re.finditer(r"(lib\.)?runTests\b", text))
last = calls[-1]
count = '(t: builtins.length (builtins.filter (n: builtins.substring 0 4 n == "test") (builtins.attrNames t)))'
open(sys.argv[2], "w").write(text[:last.start()] + count + text[last.end():])
PY
    (cd "$tests" && { nix-instantiate --eval "$copy" 2>/dev/null || PATH="$here/lib-tests:$PATH" nix-instantiate --eval "$copy"; })
}

# `N passed, M failed` of one suite's output (in $out, exit code $rc).
count() {
    local suite=$1 out=$2 rc=$3
    case "$suite" in
        modules.sh)
            local p f
            p=$(grep -E '^[0-9]+ Pass$' "$out" | tail -1 | cut -d' ' -f1)
            f=$(grep -E '^[0-9]+ Fail$' "$out" | tail -1 | cut -d' ' -f1)
            if [ -z "$p" ]; then
                # The script stopped before its summary (errexit): count what it logged.
                p="?"; f="$(grep -c 'TEST FAILED' "$out") (stopped, exit $rc)"
            fi
            echo "$p passed, $f failed" ;;
        ../path/tests/unit.nix)
            if [ "$rc" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed (exit $rc)"; fi ;;
        *.nix)
            # runTests: the result is the list of failed tests; the total is the number of
            # `test*` attributes handed to runTests (see total_tests).
            local total failed
            total=$(total_tests "$suite")
            if [ "$rc" -ne 0 ]; then
                echo "0 passed, $total failed (evaluation error, exit $rc)"
            else
                failed=$(grep -oE '"?name"? ?[=:] ?"test[^"]*"' "$out" | sort -u | wc -l)
                echo "$((total - failed)) passed, $failed failed (of $total tests)"
            fi ;;
        *)
            # Shell suites stop at their first failure: one test, passed or failed.
            if [ "$rc" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed (exit $rc)"; fi ;;
    esac
}

for engine in "${engines[@]}"; do
    path="$PATH"
    [ "$engine" = rnix ] && path="$here/lib-tests:$PATH"
    for suite in "${suites[@]}"; do
        out="$log/$engine-${suite//\//_}.log"
        case "$suite" in
            *.sh) (cd "$tests" && PATH="$path" TEST_LIB="$work/lib" timeout 3600 bash "./$suite") >"$out" 2>&1 ;;
            # lib/path's unit tests throw at the first failure (`lib/path/tests/default.nix`).
            ../path/tests/unit.nix) (cd "$tests" && PATH="$path" timeout 3600 nix-instantiate --eval --show-trace \
                --argstr libpath "$work/lib" "./$suite") >"$out" 2>&1 ;;
            *.nix) (cd "$tests" && PATH="$path" timeout 3600 nix-instantiate --eval --strict "./$suite") >"$out" 2>&1 ;;
        esac
        rc=$?
        printf '%-5s %-14s %s\n' "$engine" "$suite" "$(count "$suite" "$out" "$rc")"
    done
done
echo "logs: $log"
