#!/usr/bin/env bash
# Scaling probes for the builtin complexity audit (benches/README.md, "Builtin
# complexity"): each benches/probes/NAME.nix is a function of n; it is evaluated at n and
# at 10n by Nix and by rnix-eval, and the growth factor (time at 10n / time at n) is
# printed: about 10 is linear (or n log n), about 100 quadratic. Both evaluators must
# print the same result.
#
# Usage: benches/complexity-probe.sh [NAME...]   (default: every probe)
# Environment: RNIX_EVAL (default target/release/rnix-eval), NIX_EVAL (nix-instantiate),
# RUNS (best of, default 2). n is the probe's `# probe-n:` line.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RNIX=${RNIX_EVAL:-$ROOT/target/release/rnix-eval}
NIX=${NIX_EVAL:-nix-instantiate}
RUNS=${RUNS:-2}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"
[ -x "$RNIX" ] || { echo "rnix-eval not found at $RNIX (cargo build --release -p rnix-eval-cli)" >&2; exit 1; }

NAMES=("$@")
if [ ${#NAMES[@]} -eq 0 ]; then
    for f in "$ROOT"/benches/probes/*.nix; do NAMES+=("$(basename "$f" .nix)"); done
fi

status=0
printf '%-22s %8s %7s %7s %6s %7s %7s %6s  %s\n' probe n nix_n nix_10n growth rnix_n rnix_10n growth result
for name in "${NAMES[@]}"; do
    file=$ROOT/benches/probes/$name.nix
    n=$(sed -n 's/^# probe-n: *\([0-9]*\).*/\1/p' "$file")
    [ -n "$n" ] || { echo "$name: no '# probe-n:' line" >&2; exit 1; }
    times=()
    result=OK
    for m in "$n" $((n * 10)); do
        read -r nt _ < <(measure "$WORK/nix.out" "$NIX" --eval --strict -E "import $file $m")
        read -r rt _ < <(measure "$WORK/rnix.out" "$RNIX" --eval --strict -E "import $file $m")
        cmp -s "$WORK/nix.out" "$WORK/rnix.out" || { result=MISMATCH; status=2; }
        times+=("$nt" "$rt")
    done
    awk -v p="$name" -v n="$n" -v a="${times[0]}" -v b="${times[2]}" -v c="${times[1]}" -v d="${times[3]}" -v r="$result" 'BEGIN {
        g1 = (a > 0.005) ? sprintf("%.0f", b / a) : "-"; g2 = (c > 0.005) ? sprintf("%.0f", d / c) : "-"
        printf "%-22s %8d %7.2f %7.2f %6s %7.2f %7.2f %6s  %s\n", p, n, a, b, g1, c, d, g2, r }'
done
exit $status
