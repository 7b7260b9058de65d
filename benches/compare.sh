#!/usr/bin/env bash
# Side-by-side benchmark: Nix (nix-instantiate) vs rnix-eval.
#
# Usage: benches/compare.sh [PROGRAM...]
#   PROGRAM is a name from benches/programs/ (with or without .nix) or a path
#   to a .nix file. Without arguments every benches/programs/*.nix is run.
#
# Environment:
#   RNIX_EVAL      rnix-eval binary (default: <repo>/target/release/rnix-eval,
#                  or $CARGO_TARGET_DIR/release/rnix-eval if that is set)
#   NIX_EVAL       Nix evaluator (default: nix-instantiate)
#   RUNS           runs per evaluator and program (default: 3; best time kept)
#   BENCH_TIMEOUT  seconds before a single run is killed (default: 300)
#
# Each program's rnix-eval runs are timed twice: with its parse cache warm (a private cache
# directory in the work dir, filled by one untimed run first) and cold
# (RNIX_EVAL_PARSE_CACHE=0), the latter in the last two columns.
#
# Exit status: 0 if every program ran on both sides with identical stdout,
# 1 on setup errors (e.g. missing binary), 2 if any program had a MISMATCH or
# failed on either side.
set -euo pipefail
# Evaluation is measured, not the result cache (benches/cache-compare.sh measures that).
export RNIX_EVAL_NO_CACHE=1

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
PROGRAMS_DIR="$SCRIPT_DIR/programs"

RUNS=${RUNS:-3}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-300}
NIX_EVAL=${NIX_EVAL:-nix-instantiate}

die() { printf 'compare.sh: %s\n' "$*" >&2; exit 1; }

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ "$BENCH_TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "BENCH_TIMEOUT must be a positive integer (got '$BENCH_TIMEOUT')"

# --- resolve an executable: a bare name is looked up in PATH, a path is made
# absolute relative to the directory the script was started from.
resolve_exe() {
    local exe=$1
    if [[ "$exe" != */* ]]; then
        command -v -- "$exe" 2>/dev/null || return 1
    else
        [[ "$exe" == /* ]] || exe="$PWD/$exe"
        [[ -f "$exe" && -x "$exe" ]] || return 1
        printf '%s\n' "$exe"
    fi
}

# --- GNU time
TIME_BIN=/usr/bin/time
if [[ ! -x "$TIME_BIN" ]]; then
    echo "compare.sh: $TIME_BIN not found; installing the 'time' package with apt-get" >&2
    if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq time >&2 \
        || die "could not install the 'time' package"
    [[ -x "$TIME_BIN" ]] || die "$TIME_BIN still missing after installing 'time'"
fi
command -v timeout >/dev/null 2>&1 || die "'timeout' (coreutils) not found"

# --- evaluators
NIX_BIN=$(resolve_exe "$NIX_EVAL") || die "Nix evaluator '$NIX_EVAL' not found (set NIX_EVAL)"

if [[ -n "${RNIX_EVAL:-}" ]]; then
    RNIX_REQ=$RNIX_EVAL
else
    RNIX_REQ="${CARGO_TARGET_DIR:-$ROOT/target}/release/rnix-eval"
    [[ "$RNIX_REQ" == /* ]] || RNIX_REQ="$ROOT/$RNIX_REQ"
fi
if ! RNIX_BIN=$(resolve_exe "$RNIX_REQ"); then
    {
        echo "compare.sh: rnix-eval binary not found: $RNIX_REQ"
        echo "Build it first:"
        echo "    (cd '$ROOT' && cargo build --release -p rnix-eval-cli)"
        echo "or point RNIX_EVAL at an rnix-eval binary."
    } >&2
    exit 1
fi

# --- programs
declare -a PROGS=()
if [[ $# -eq 0 ]]; then
    shopt -s nullglob
    PROGS=("$PROGRAMS_DIR"/*.nix)
    shopt -u nullglob
    [[ ${#PROGS[@]} -gt 0 ]] || die "no programs in $PROGRAMS_DIR"
else
    for arg in "$@"; do
        if [[ -f "$arg" ]]; then
            p=$(cd -- "$(dirname -- "$arg")" && pwd -P)/$(basename -- "$arg")
        elif [[ -f "$PROGRAMS_DIR/$arg" ]]; then
            p="$PROGRAMS_DIR/$arg"
        elif [[ -f "$PROGRAMS_DIR/$arg.nix" ]]; then
            p="$PROGRAMS_DIR/$arg.nix"
        else
            die "unknown program '$arg' (see $PROGRAMS_DIR)"
        fi
        PROGS+=("$p")
    done
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rnix-bench.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT
# A parse cache of our own, so "warm" means filled by this script's warm-up run.
export RNIX_EVAL_CACHE_DIR="$WORK/parse-cache"

# run_one BIN PROGRAM OUTPREFIX -> prints "<seconds> <maxrss-KiB> <exit-status>"
# stdout/stderr of the evaluator go to OUTPREFIX.out / OUTPREFIX.err.
run_one() {
    local bin=$1 prog=$2 prefix=$3 status=0
    "$TIME_BIN" -f '%e %M' -o "$prefix.time" \
        timeout "$BENCH_TIMEOUT" "$bin" --eval --strict "$prog" \
        >"$prefix.out" 2>"$prefix.err" </dev/null || status=$?
    local t="" m=""
    # GNU time prepends "Command exited with non-zero status N" lines; take the last line.
    read -r t m < <(tail -n 1 "$prefix.time") || true
    printf '%s %s %s\n' "${t:-0}" "${m:-0}" "$status"
}

# step TAG BIN PROGRAM RUN -> one timed run of BIN, folded into TAG's BEST/PEAK/STAT
# (best wall time, highest peak RSS, first non-zero exit status); a tag that failed is
# not run again. Leaves $WORK/TAG.out/.err: the first run's, or the failing run's.
declare -A BEST PEAK STAT
step() {
    local tag=$1 bin=$2 prog=$3 i=$4 t m s
    if [[ $i -eq 1 ]]; then BEST[$tag]="" PEAK[$tag]=0 STAT[$tag]=0; fi
    [[ ${STAT[$tag]} -eq 0 ]] || return 0
    read -r t m s < <(run_one "$bin" "$prog" "$WORK/$tag.run")
    if [[ $i -eq 1 || "$s" -ne 0 ]]; then
        cp -- "$WORK/$tag.run.out" "$WORK/$tag.out"
        cp -- "$WORK/$tag.run.err" "$WORK/$tag.err"
    fi
    if [[ "$s" -ne 0 ]]; then
        STAT[$tag]=$s BEST[$tag]=$t PEAK[$tag]=$m
        return 0
    fi
    if [[ -z "${BEST[$tag]}" ]] || awk -v a="$t" -v b="${BEST[$tag]}" 'BEGIN { exit !(a < b) }'; then
        BEST[$tag]=$t
    fi
    if ((m > PEAK[$tag])); then PEAK[$tag]=$m; fi
}

fmt_row() { printf '%-16s %9s %9s %8s %9s %9s %8s  %-8s %7s %8s\n' "$@"; }

echo "nix:  $NIX_BIN ($("$NIX_BIN" --version 2>/dev/null | head -n 1 || echo '?'))"
echo "rnix: $RNIX_BIN"
echo "runs: $RUNS per program and evaluator (best wall time, highest peak RSS)"
echo "rnix s: parse cache warm; cold s: RNIX_EVAL_PARSE_CACHE=0 (c ratio = cold/nix)"
echo
fmt_row program "nix s" "rnix s" "t ratio" "nix MiB" "rnix MiB" "m ratio" status "cold s" "c ratio"
fmt_row ---------------- --------- --------- -------- --------- --------- -------- ------ ------- --------

RATIOS="$WORK/ratios"
: >"$RATIOS"
FAILED=0
declare -a DETAILS=()

for prog in "${PROGS[@]}"; do
    name=$(basename -- "$prog" .nix)

    # one untimed run fills the parse cache, so every timed warm run below is warm
    RNIX_EVAL_PARSE_CACHE=1 timeout "$BENCH_TIMEOUT" "$RNIX_BIN" --eval --strict "$prog" \
        >/dev/null 2>&1 </dev/null || true
    # alternate: Nix, rnix-eval warm, rnix-eval cold, RUNS times, so that a change in the
    # machine's load falls on all three
    for ((run = 1; run <= RUNS; run++)); do
        step nix "$NIX_BIN" "$prog" "$run"
        step rnix "$RNIX_BIN" "$prog" "$run"
        RNIX_EVAL_PARSE_CACHE=0 step cold "$RNIX_BIN" "$prog" "$run"
    done
    nix_t=${BEST[nix]} nix_m=${PEAK[nix]} nix_s=${STAT[nix]}
    rnix_t=${BEST[rnix]} rnix_m=${PEAK[rnix]} rnix_s=${STAT[rnix]}
    cold_t=${BEST[cold]} cold_s=${STAT[cold]}

    if [[ $nix_s -ne 0 && $rnix_s -ne 0 ]]; then
        status="FAIL(both: nix=$nix_s rnix=$rnix_s)"
    elif [[ $nix_s -ne 0 ]]; then
        status="FAIL(nix=$nix_s)"
    elif [[ $rnix_s -ne 0 ]]; then
        if [[ $rnix_s -eq 124 ]]; then status="TIMEOUT(rnix)"; else status="FAIL(rnix=$rnix_s)"; fi
    elif [[ $cold_s -ne 0 ]]; then
        status="FAIL(cold=$cold_s)"
    elif cmp -s -- "$WORK/nix.out" "$WORK/rnix.out" && cmp -s -- "$WORK/nix.out" "$WORK/cold.out"; then
        status=OK
    else
        status=MISMATCH
    fi

    read -r t_ratio m_ratio nix_mib rnix_mib c_ratio < <(awk -v nt="$nix_t" -v rt="$rnix_t" \
        -v nm="$nix_m" -v rm="$rnix_m" -v ct="$cold_t" 'BEGIN {
            tr = (nt > 0) ? sprintf("%.2f", rt / nt) : "n/a"
            mr = (nm > 0) ? sprintf("%.2f", rm / nm) : "n/a"
            cr = (nt > 0) ? sprintf("%.2f", ct / nt) : "n/a"
            printf "%s %s %.1f %.1f %s\n", tr, mr, nm / 1024, rm / 1024, cr }')

    fmt_row "$name" "$nix_t" "$rnix_t" "$t_ratio" "$nix_mib" "$rnix_mib" "$m_ratio" "$status" "$cold_t" "$c_ratio"

    if [[ $status == OK ]]; then
        # times below GNU time's 10 ms resolution are clamped to 0.01 s
        awk -v nt="$nix_t" -v rt="$rnix_t" -v nm="$nix_m" -v rm="$rnix_m" 'BEGIN {
            if (nt < 0.01) nt = 0.01; if (rt < 0.01) rt = 0.01
            if (nm > 0 && rm > 0) print rt / nt, rm / nm }' >>"$RATIOS"
    else
        FAILED=$((FAILED + 1))
        d="--- $name: $status"$'\n'
        d+="nix stdout:  $(head -c 300 "$WORK/nix.out")"$'\n'
        d+="rnix stdout: $(head -c 300 "$WORK/rnix.out")"$'\n'
        if [[ $nix_s -ne 0 ]]; then d+="nix stderr:  $(head -c 600 "$WORK/nix.err")"$'\n'; fi
        if [[ $rnix_s -ne 0 ]]; then d+="rnix stderr: $(head -c 600 "$WORK/rnix.err")"$'\n'; fi
        if [[ $cold_s -ne 0 ]]; then d+="cold stderr: $(head -c 600 "$WORK/cold.err")"$'\n'; fi
        if ! cmp -s -- "$WORK/rnix.out" "$WORK/cold.out"; then d+="cold stdout: $(head -c 300 "$WORK/cold.out")"$'\n'; fi
        DETAILS+=("$d")
    fi
done

fmt_row ---------------- --------- --------- -------- --------- --------- -------- ------ ------- --------
awk -v total="${#PROGS[@]}" '
    { n++; lt += log($1); lm += log($2) }
    END {
        if (n == 0) { printf "geometric mean: n/a (no program matched on both sides)\n"; exit }
        printf "geometric mean over %d/%d matching programs: time ratio %.2f, memory ratio %.2f (rnix/nix; < 1 means rnix is better)\n",
            n, total, exp(lt / n), exp(lm / n)
    }' "$RATIOS"

if [[ ${#DETAILS[@]} -gt 0 ]]; then
    echo
    echo "Details of programs that did not match:"
    for d in "${DETAILS[@]}"; do printf '%s' "$d"; done
fi

[[ $FAILED -eq 0 ]] || exit 2
