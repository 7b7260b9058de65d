//! The interpreter loop on small programs that stress one thing each.

use criterion::{criterion_group, criterion_main, Criterion};
use rnix_eval_benches::eval_strict;

const PROGRAMS: &[(&str, &str)] = &[
    (
        "fib 20",
        "let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 20",
    ),
    (
        "foldl' genList 100k",
        "builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x * 2) 100000)",
    ),
    (
        "listToAttrs + // 10k",
        "let s = builtins.listToAttrs (builtins.genList (i: { name = \"k${toString i}\"; value = i; }) 10000);
             t = builtins.foldl' (acc: i: acc // { \"k${toString i}\" = i + 1; }) s (builtins.genList (i: i) 200);
         in builtins.length (builtins.attrNames (s // t))",
    ),
    (
        "string building 20k",
        "builtins.stringLength (builtins.concatStringsSep \",\" (builtins.genList (i: \"item-${toString i}\") 20000))",
    ),
    (
        "deep let/with lookups",
        "let a = { x = 1; }; b = { y = 2; }; in with a; with b; let z = 3; in
         builtins.foldl' (acc: i: acc + x + y + z + i) 0 (builtins.genList (i: i) 50000)",
    ),
];

fn interpreter(c: &mut Criterion) {
    let mut group = c.benchmark_group("interpreter");
    group.sample_size(20);
    for (name, src) in PROGRAMS {
        group.bench_function(*name, |b| b.iter(|| eval_strict(src)));
    }
    group.finish();
}

criterion_group!(benches, interpreter);
criterion_main!(benches);
