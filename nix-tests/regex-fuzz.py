#!/usr/bin/env python3
"""Differential fuzz of `builtins.match` / `builtins.split` against Nix 2.8.

Generates random small POSIX EREs (alternation, stars, bounds, optional and empty
groups, anchors, brackets) and subjects over a tiny alphabet, evaluates them in batches
(one expression holding many calls per process) with `nix-instantiate` and with
rnix-eval, and prints every case whose results differ.

Usage: regex-fuzz.py [--cases N] [--batch N] [--seed S]
Environment: RNIX_EVAL (default: $CARGO_TARGET_DIR/release/rnix-eval, else
<repo>/target/release/rnix-eval), NIX_INSTANTIATE (default: nix-instantiate).
Exit status 1 if any case differs.
"""

import argparse
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def rnix_binary():
    if os.environ.get("RNIX_EVAL"):
        return os.environ["RNIX_EVAL"]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "rnix-eval")


ATOMS = ["a", "b", "c", ".", "[ab]", "[^a]", "[a-b]", "\\.", "x"]


def gen_alt(r, depth):
    n = r.choice([1, 1, 1, 2, 2, 3])
    return "|".join(gen_seq(r, depth) for _ in range(n))


def gen_seq(r, depth):
    # Empty alternatives are valid (`(|a)`, `a|`).
    n = r.choice([0, 1, 1, 2, 2, 3])
    return "".join(gen_term(r, depth) for _ in range(n))


def gen_term(r, depth):
    k = r.random()
    if k < 0.06:
        return r.choice(["^", "$"])
    if k < 0.3 and depth < 2:
        atom = "(" + gen_alt(r, depth + 1) + ")"
    else:
        atom = r.choice(ATOMS)
    q = r.random()
    if q < 0.5:
        return atom
    quant = r.choice(["*", "*", "+", "+", "?", "?", "{2}", "{0,2}", "{1,}", "{1,2}", "{0}"])
    if r.random() < 0.08:
        quant += r.choice(["*", "?", "+"])
    return atom + quant


def gen_subject(r):
    n = r.choice([0, 1, 2, 3, 4, 5, 6, 8, 10])
    return "".join(r.choice("aabbcx.") for _ in range(n))


def nix_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def call(fn, p, s):
    return f"(builtins.tryEval (builtins.{fn} {nix_str(p)} {nix_str(s)}))"


def run(cmd, cases, timeout):
    """Results of `cases` (a list of (fn, pattern, subject)) under `cmd`: per case the
    tryEval'd value, ("error", first line) if the call throws an uncatchable error, or
    ("timeout",) if it alone takes longer than `timeout` seconds. Batches that fail or
    time out are bisected."""
    expr = "[\n" + "\n".join(call(*c) for c in cases) + "\n]"
    try:
        p = subprocess.run(
            cmd + ["--eval", "--strict", "--json", "-E", expr],
            capture_output=True,
            text=True,
            env=dict(os.environ, NIX_PATH="", NO_COLOR="1", LC_ALL="C"),
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        if len(cases) == 1:
            return [("timeout",)]
        half = len(cases) // 2
        return run(cmd, cases[:half], timeout) + run(cmd, cases[half:], timeout)
    if p.returncode == 0:
        return [v["value"] if v["success"] else "<tryEval false>" for v in json.loads(p.stdout)]
    if len(cases) == 1:
        lines = [l for l in p.stderr.splitlines() if l.startswith("error:")]
        return [("error", lines[0] if lines else p.stderr.strip()[:200])]
    half = len(cases) // 2
    return run(cmd, cases[:half], timeout) + run(cmd, cases[half:], timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--timeout", type=int, default=10, help="seconds per batch")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    r = random.Random(seed)
    print(f"seed {seed}", flush=True)
    nix = [os.environ.get("NIX_INSTANTIATE", "nix-instantiate")]
    rnix = [rnix_binary()]
    mismatches = skipped = done = 0
    while done < args.cases:
        cases = []
        for _ in range(min(args.batch, args.cases - done)):
            fn = r.choice(["match", "split"])
            cases.append((fn, gen_alt(r, 0), gen_subject(r)))
        done += len(cases)
        want = run(nix, cases, args.timeout)
        # Cases exponential in Nix are not comparable in reasonable time.
        kept = [(c, w) for c, w in zip(cases, want) if w != ("timeout",)]
        skipped += len(cases) - len(kept)
        got = run(rnix, [c for c, _ in kept], args.timeout) if kept else []
        for ((fn, p, s), w), g in zip(kept, got):
            if w != g:
                mismatches += 1
                print(f"MISMATCH builtins.{fn} {nix_str(p)} {nix_str(s)}\n  nix:  {w}\n  rnix: {g}", flush=True)
    print(f"{done} cases, {mismatches} mismatches, {skipped} skipped (too slow in Nix)")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
