#!/usr/bin/env bash
# The module system queries (issue 12), best wall time of RUNS, parse cache warm:
#   - one `--describe-option` on the NixOS 20.09 system of fixtures/modules/nixos-system.nix
#     (services.openssh.enable, networking.hostName) against rnix-eval's full toplevel
#     evaluation of the same system (the ratio should be well under 0.2);
#   - `--options` (the names of optionAttrSetToDocList) against Nix 2.8 computing them;
#   - `--options --json` of fixtures/modules/basic.nix against Nix 2.8 (2026 lib);
#   - `--options --json` and one `--describe-option --json` of fixtures/modlib (our own lib)
#     against Nix 2.8 computing the same (optionAttrSetToDocList; expect.nix).
# users.motd is defined in a module file (fixtures/modules/nixos-motd.nix), so its
# description includes finding the definition's line and column.
# Environment: RNIX_EVAL (default target/release/rnix-eval), RUNS (default 3),
# RNIX_NIXPKGS (nixpkgs 20.09, required), RNIX_NIXPKGS_LIB (a 2026 lib, optional).
set -euo pipefail
# Evaluation is measured, not the result cache (benches/cache-compare.sh measures that).
export RNIX_EVAL_NO_CACHE=1
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RNIX=${RNIX_EVAL:-$ROOT/target/release/rnix-eval}
RUNS=${RUNS:-3}
[ -x "$RNIX" ] || { echo "build first: cargo build --release -p rnix-eval-cli" >&2; exit 1; }
[ -n "${RNIX_NIXPKGS:-}" ] || { echo "skipped: set RNIX_NIXPKGS to a nixpkgs 20.09" >&2; exit 0; }
cd "$ROOT"
export NIX_PATH=nixpkgs=$RNIX_NIXPKGS RNIX_EVAL_CACHE_DIR=${RNIX_EVAL_CACHE_DIR:-$(mktemp -d)}

best() { # best wall seconds of RUNS runs of "$@"
    local b=""
    for _ in $(seq "$RUNS"); do
        local s e
        s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
        b=$(echo "$s $e ${b:-1e9}" | awk '{d = $2 - $1; print (d < $3 ? d : $3)}')
    done
    echo "$b"
}
row() { printf '%-58s %8.3f s %8.3f s %6.3f\n' "$1" "$2" "$3" "$(echo "$2 $3" | awk '{print $1 / $2}')"; }

SYS=fixtures/modules/nixos-system.nix
"$RNIX" "$SYS" --describe-option networking.hostName >/dev/null # fill the parse cache
top=$(best "$RNIX" --read-only -E "(import ./$SYS).system")
printf '%-58s %10s %10s %6s\n' query this against ratio
for opt in services.openssh.enable networking.hostName users.motd; do
    row "--describe-option $opt vs toplevel" "$(best "$RNIX" "$SYS" --describe-option "$opt" --json)" "$top"
done
row "--options (names) vs Nix 2.8" "$(best "$RNIX" "$SYS" --options)" \
    "$(best nix-instantiate --eval --strict --json -E "let s = import ./$SYS; in map (o: o.name) (s.pkgs.lib.optionAttrSetToDocList s.options)")"
if [ -n "${RNIX_NIXPKGS_LIB:-}" ]; then
    lib="import $RNIX_NIXPKGS_LIB"
    row "fixture --options --json vs Nix 2.8" "$(best "$RNIX" fixtures/modules/basic.nix --arg lib "$lib" --options --json)" \
        "$(best nix-instantiate --eval --strict --json -E "let lib = $lib; in lib.optionAttrSetToDocList (import ./fixtures/modules/basic.nix { inherit lib; }).options")"
fi
row "modlib --options --json vs Nix 2.8" "$(best "$RNIX" fixtures/modlib --options --json)" \
    "$(best nix-instantiate --eval --strict --json -E "let sys = import ./fixtures/modlib { }; in sys.lib.optionAttrSetToDocList sys.options")"
row "modlib --describe-option server.extraFlags vs Nix 2.8" \
    "$(best "$RNIX" fixtures/modlib --describe-option server.extraFlags --json)" \
    "$(best nix-instantiate --eval --strict --json fixtures/modlib/expect.nix --argstr path server.extraFlags)"
