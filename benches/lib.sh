# Shared by the side-by-side scripts (sourced after WORK and RUNS are set).

# Evaluation is measured, not the result cache (benches/cache-compare.sh measures that).
export RNIX_EVAL_NO_CACHE=1

# Best wall seconds and max RSS (KiB) of RUNS runs of a command; its stdout goes to $1.
measure() {
    local out=$1; shift
    local best="" rss=0
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$out" 2>"$WORK/stderr" \
            || { echo "failed: $*" >&2; cat "$WORK/stderr" >&2; return 1; }
        read -r secs kib <"$WORK/time"
        if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
        [ "$kib" -gt "$rss" ] && rss=$kib
    done
    echo "$best $rss"
}

# Flake benchmarks: rnix-eval's fetcher cache in WORK, deterministic git identities, and
# `NIX` as Nix with flakes on and an empty registry (nothing downloaded).
flake_env() {
    export RNIX_EVAL_FETCH_CACHE=$WORK/fetch-cache GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
    export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
    echo '{"flakes":[],"version":2}' >"$WORK/registry.json"
    NIX=(nix --extra-experimental-features "nix-command flakes" --option flake-registry "$WORK/registry.json")
}
