#!/usr/bin/env bash
# Writing 2,000 .drv files through a nix-daemon: nix-instantiate vs rnix-eval, side by
# side against one private daemon (Nix 2.8), each run with a fresh nonce so every path is
# new. Prints wall times and the ratio rnix/nix.
#
# Environment: RNIX_EVAL (default target/release/rnix-eval), RUNS (default 3).
set -euo pipefail
# Evaluation is measured, not the result cache (benches/cache-compare.sh measures that).
export RNIX_EVAL_NO_CACHE=1
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RNIX=${RNIX_EVAL:-$ROOT/target/release/rnix-eval}
RUNS=${RUNS:-3}
PROGRAM="$ROOT/benches/programs-store/many-drvs.nix"
[ -x "$RNIX" ] || { echo "build first: cargo build --release -p rnix-eval-cli" >&2; exit 1; }
command -v nix-daemon >/dev/null || { echo "nix-daemon not found" >&2; exit 1; }

WORK=$(mktemp -d)
NIX_DAEMON_SOCKET_PATH="$WORK/socket" NIX_CONFIG=$'sandbox = false\nsubstituters =' nix-daemon >"$WORK/daemon.log" 2>&1 &
DAEMON=$!
trap 'pkill -P $DAEMON 2>/dev/null || true; kill $DAEMON 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -S "$WORK/socket" ] && break; sleep 0.1; done
[ -S "$WORK/socket" ] || { echo "nix-daemon did not start" >&2; exit 1; }
URI="unix://$WORK/socket"

# Best wall time over RUNS of "$@" (with a fresh nonce appended each time).
best() {
    local best="" t0 t1 secs
    for r in $(seq "$RUNS"); do
        t0=$(date +%s.%N)
        "$@" --argstr nonce "$1-$r-$$-$(date +%s%N)" >"$WORK/out" 2>"$WORK/err" \
            || { cat "$WORK/err" >&2; return 1; }
        t1=$(date +%s.%N)
        secs=$(awk "BEGIN{print $t1 - $t0}")
        if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    done
    [ "$(wc -l <"$WORK/out")" -eq 2000 ] || { echo "expected 2000 drv paths from $1" >&2; return 1; }
    echo "$best"
}

nix_t=$(NIX_REMOTE="$URI" best nix-instantiate "$PROGRAM")
rnix_t=$(best "$RNIX" --store "$URI" "$PROGRAM")
awk -v a="$nix_t" -v b="$rnix_t" 'BEGIN{
    printf "write 2000 .drv through nix-daemon: nix-instantiate %.3fs | rnix-eval %.3fs | ratio %.2f\n", a, b, b/a }'
