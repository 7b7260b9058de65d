#!/usr/bin/env bash
# Write the `.modern` file of failing cases whose Nix 2.8 message modern Nix words
# differently, by rewriting the `.err` (Nix 2.8's output) with the rules below. Each rule
# is a group of `KNOWN-DIFFERENCES.md`, with its libexpr source. Where modern Nix adds
# the value to the message, which Nix 2.8's output does not show, the `.modern` has
# `@VALUE@`, which the corpus runner matches with any printed value on that line.
#
# Usage: modernise.sh [CASE...]   (default: every eval-fail/parse-fail case without
#                                  a .modern). Prints the cases it wrote.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/lang"

rewrite() {
    perl -pe '
        next unless $. == 1;
        # eval.cc / eval-inline.hh: forceInt, forceBool, forceAttrs, ... ("expected %1% but found %2%: %3%").
        s/^error: value is ((?:an? |null)[\w ]*?) while (an? \w+) was expected$/error: expected $2 but found $1: \@VALUE\@/
            unless /built-in function/;
        # eval.cc coerceToString: "cannot coerce %1% to a string: %2%".
        s/^error: cannot coerce (.+?) to a string$/error: cannot coerce $1 to a string: \@VALUE\@/;
        # eval.cc callFunction: "attempt to call something which is not a function but %1%: %2%".
        s/^error: attempt to call something which is not a function but (.+)$/error: attempt to call something which is not a function but $1: \@VALUE\@/
            unless /built-in function/;
        # primops.cc CompareValues.
        if (/^error: cannot compare (.+?) with (.+)$/) {
            $_ = $1 eq $2
                ? "error: cannot compare $1 with $2; values of that type are incomparable (values are \@VALUE\@ and \@VALUE\@)\n"
                : "error: cannot compare $1 with $2; values are \@VALUE\@ and \@VALUE\@\n";
        }
        # eval.cc EvalState::getAttr: "attribute %s missing" (no builtin name).
        s/^error: attribute (.*) missing for call to \x27\w+\x27$/error: attribute $1 missing/;
        s/^error: attribute \x27key\x27 required$/error: attribute \x27key\x27 missing/;
        # primops.cc prim_replaceStrings, prim_tail, prim_filterSource (forceFunction).
        s/^error: \x27from\x27 and \x27to\x27 arguments to \x27replaceStrings\x27 have different lengths$/error: \x27from\x27 and \x27to\x27 arguments passed to builtins.replaceStrings have different lengths/;
        s/^error: \x27tail\x27 called on an empty list$/error: \x27builtins.tail\x27 called on an empty list/;
        s/^error: first argument in call to \x27filterSource\x27 is not a function but (.+)$/error: expected a function but found $1: \@VALUE\@/;
        # libutil source accessors: missing files and directories.
        s/^error: (?:getting status of|opening file|opening directory) (\x27[^\x27]*\x27): No such file or directory$/error: path $1 does not exist/;
        s/^error: opening directory (\x27[^\x27]*\x27): Not a directory$/error: $1 is not a directory/;
        # libutil/hash.cc parseHashAlgo; primops/fromTOML.cc.
        s/^error: unknown hash algorithm (\x27[^\x27]*\x27)$/error: unknown hash algorithm $1, expect \x27blake3\x27, \x27md5\x27, \x27sha1\x27, \x27sha256\x27, or \x27sha512\x27/;
        s/^error: while parsing a TOML string: /error: while parsing TOML: /;
        # eval.cc forceStringNoCtx: the context element as NixStringContextElem::display
        # (value/context.cc, 2.34) shows it: DRV^OUT, DRV (deep), not !OUT!DRV, =DRV.
        s/\(such as \x27!([^!\x27]+)!([^\x27]+)\x27\)$/(such as \x27$2^$1\x27)/;
        s/\(such as \x27=([^\x27]+)\x27\)$/(such as \x27$1 (deep)\x27)/;
        # eval.cc callFunction: "function %1% called without required argument %2%".
        s/^error: anonymous function at \S+ called (with unexpected|without required) argument (.*)$/error: function \x27anonymous lambda\x27 called $1 argument $2/;
        s/^error: \x27([^\x27]+)\x27 at \S+ called (with unexpected|without required) argument (.*)$/error: function \x27$1\x27 called $2 argument $3/;
    '
}

cases=()
if [ $# -gt 0 ]; then
    for c in "$@"; do c=$(basename "$c"); cases+=("${c%.*}"); done
else
    for f in eval-fail-*.nix parse-fail-*.nix; do
        [ -e "${f%.nix}.modern" ] || cases+=("${f%.nix}")
    done
fi

for c in "${cases[@]}"; do
    [ -f "$c.err" ] || continue
    new=$(rewrite <"$c.err")
    if [ "$new" != "$(cat "$c.err")" ]; then
        printf '%s\n' "$new" >"$c.modern"
        echo "$c"
    fi
done
