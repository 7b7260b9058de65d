#!/usr/bin/env bash
# The result cache: an unchanged flake host answered from the cache (warm) against a
# full evaluation (cold: `--no-eval-cache`, with the parse and fetcher caches warm) and
# against Nix 2.8 (`nix eval --raw DIR#...toplevel.drvPath`, its own caches warm). Best
# wall time of RUNS; each row checks that the three print the same .drv.
#
#   small-hosts   fixtures/hosts#alpha in a git repository (its own module system)
#   nixos-git     a NixOS 20.09 host (grub, ext4, openssh), nixpkgs as a git+file: input
#   nixos-path    the same with nixpkgs as a path: input (locked by narHash)
#   (the NixOS rows only with RNIX_NIXPKGS)
#
# Environment: RNIX_EVAL (default target/release/rnix-eval), RUNS (default 5), RNIX_NIXPKGS.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RNIX=${RNIX_EVAL:-$ROOT/target/release/rnix-eval}
RUNS=${RUNS:-5}
[ -x "$RNIX" ] || { echo "build first: cargo build --release -p rnix-eval-cli" >&2; exit 1; }
command -v nix >/dev/null || { echo "nix not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"
flake_env
# No binary cache to ask (no network here: retries would be timed).
NIX+=(--option substituters "")
export RNIX_EVAL_CACHE_DIR=$WORK/cache
unset RNIX_EVAL_NO_CACHE

# Best of RUNS wall time in seconds, to the microsecond (`/usr/bin/time` has 10 ms steps,
# too coarse for a warm run); the command's stdout goes to $1.
fine() {
    local out=$1; shift
    local best=""
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s%N)
        "$@" >"$out" 2>/dev/null
        t1=$(date +%s%N)
        local t=$(((t1 - t0) / 1000))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    awk -v us="$best" 'BEGIN{printf "%.4f\n", us/1e6}'
}

# row NAME DIR HOST
row() {
    local name=$1 dir=$2 host=$3
    local nix_cmd=("${NIX[@]}" eval --raw "$dir#nixosConfigurations.$host.config.system.build.toplevel.drvPath")
    local cold_cmd=("$RNIX" --read-only --no-eval-cache --flake "$dir#$host")
    local warm_cmd=("$RNIX" --read-only --flake "$dir#$host")
    "${nix_cmd[@]}" >/dev/null 2>"$WORK/err" || { echo "$name: nix failed: $(tail -1 "$WORK/err")" >&2; return 1; }
    "${cold_cmd[@]}" >/dev/null 2>"$WORK/err" || { echo "$name: rnix failed: $(tail -1 "$WORK/err")" >&2; return 1; }
    "${warm_cmd[@]}" >/dev/null 2>&1
    # `-v` is part of the key: its own first run fills, the second must be a hit.
    "${RNIX}" -v --read-only --flake "$dir#$host" >/dev/null 2>&1
    "${RNIX}" -v --read-only --flake "$dir#$host" 2>&1 >/dev/null | grep -q 'result cache hit' \
        || { echo "$name: the warm run was not a cache hit" >&2; return 1; }
    read -r nt _ < <(measure "$WORK/nix.out" "${nix_cmd[@]}")
    read -r ct _ < <(measure "$WORK/cold.out" "${cold_cmd[@]}")
    wt=$(fine "$WORK/warm.out" "${warm_cmd[@]}")
    local same="same drv"
    for f in cold warm; do
        [ "$(tr -d '\n' <"$WORK/nix.out")" = "$(tr -d '\n' <"$WORK/$f.out")" ] || same="MISMATCH ($f)"
    done
    awk -v n="$name" -v a="$nt" -v c="$ct" -v w="$wt" -v s="$same" 'BEGIN{
        printf "%-12s nix %7.3fs | rnix cold %7.3fs | rnix warm %7.4fs | warm/cold %.3f warm/nix %.3f %s\n",
            n, a, c, w, (c > 0 ? w/c : 0), (a > 0 ? w/a : 0), s }'
}

# jobs_row NAME DIR: `--eval-jobs` over DIR#nixosConfigurations, cold and warm.
jobs_row() {
    local name=$1 dir=$2
    local cold_cmd=("$RNIX" --eval-jobs --read-only --workers 1 --no-eval-cache --flake "$dir#nixosConfigurations")
    local warm_cmd=("$RNIX" --eval-jobs --read-only --workers 1 --flake "$dir#nixosConfigurations")
    "${warm_cmd[@]}" >/dev/null 2>&1
    read -r ct _ < <(measure "$WORK/cold.out" "${cold_cmd[@]}")
    wt=$(fine "$WORK/warm.out" "${warm_cmd[@]}")
    local same="same records"
    [ "$(sort "$WORK/cold.out")" = "$(sort "$WORK/warm.out")" ] || same=MISMATCH
    awk -v n="$name" -v c="$ct" -v w="$wt" -v s="$same" 'BEGIN{
        printf "%-12s --eval-jobs  | rnix cold %7.3fs | rnix warm %7.4fs | warm/cold %.3f %s\n", n, c, w, (c > 0 ? w/c : 0), s }'
}

git_commit() {
    (cd "$1" && git init -q -b main && git add -A && git commit -qm "$2")
}

mkdir "$WORK/hosts"
cp "$ROOT"/fixtures/hosts/*.nix "$WORK/hosts/"
git_commit "$WORK/hosts" hosts
row small-hosts "$WORK/hosts" alpha
jobs_row small-hosts "$WORK/hosts"

if [ -n "${RNIX_NIXPKGS:-}" ]; then
    cp -a "$RNIX_NIXPKGS" "$WORK/nixpkgs"
    rm -rf "$WORK/nixpkgs/.git"
    git_commit "$WORK/nixpkgs" nixpkgs
    for kind in git path; do
        mkdir -p "$WORK/host-$kind"
        url="git+file://$WORK/nixpkgs"
        [ "$kind" = path ] && url="path:$WORK/nixpkgs"
        cat >"$WORK/host-$kind/flake.nix" <<NIX
{
  inputs.nixpkgs.url = "$url";
  outputs = { self, nixpkgs }: {
    nixosConfigurations.host = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ({ ... }: {
        boot.loader.grub.device = "/dev/sda";
        fileSystems."/".device = "/dev/sda1";
        services.openssh.enable = true;
      }) ];
    };
  };
}
NIX
        git_commit "$WORK/host-$kind" host
        # Lock (and commit the lock) so the host is a clean, locked flake.
        "$RNIX" --read-only --no-eval-cache --flake "$WORK/host-$kind#host" >/dev/null 2>&1
        (cd "$WORK/host-$kind" && git add -A && git commit -qm lock)
        row "nixos-$kind" "$WORK/host-$kind" host || true
    done
    jobs_row nixos-git "$WORK/host-git"
else
    echo "(set RNIX_NIXPKGS to a nixpkgs 20.09 checkout for the NixOS host rows)"
fi
