//! Parse throughput (MB/s): rnix's lossless tree, and lowering on top of it. A NixOS
//! evaluation parses about 2 MB of source in ~1,800 files.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rnix_eval_benches::generated_source;
use rnix_eval_parser::{parse, parse_and_lower, Origin, Symbol};
use rustc_hash::FxHashMap;

fn parse_throughput(c: &mut Criterion) {
    let src = generated_source(2 << 20);
    let mut globals: FxHashMap<Symbol, u32> = FxHashMap::default();
    for (i, name) in [
        "builtins",
        "toString",
        "true",
        "false",
        "null",
        "__findFile",
        "__nixPath",
    ]
    .iter()
    .enumerate()
    {
        globals.insert(Symbol::intern(name), i as u32);
    }
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.sample_size(10);
    group.bench_function("rowan tree, 2 MB", |b| b.iter(|| parse(&src)));
    group.bench_function("tree + lowering, 2 MB", |b| {
        b.iter(|| parse_and_lower(Origin::String, "/".into(), &src, &globals).expect("generated source parses"))
    });
    group.finish();
}

criterion_group!(benches, parse_throughput);
criterion_main!(benches);
