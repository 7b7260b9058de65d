//! Evaluation statistics for `NIX_SHOW_STATS`: the counters Nix keeps, with the same
//! JSON keys, so tooling that compares Nix's numbers (nixpkgs' CI prints them for every
//! change) reads ours unchanged.
//!
//! Counters are thread-local plain cells bumped unconditionally: one add to a
//! thread-local address, cheaper than a branch on "stats enabled" and free of atomics
//! (each evaluator runs on one thread). What a counter counts is rnix-eval's own
//! structure where it differs from Nix's (see [`Counter`]); the README lists them.

use serde_json::json;
use std::cell::Cell;

/// What is counted. rnix-eval's values are not heap cells, so `values` counts the
/// heap cells it does make for laziness (thunks and suspended applications).
#[derive(Clone, Copy)]
pub enum Counter {
    /// Frames made: `let`, `rec`, function calls, `with`.
    Envs,
    /// Slots in those frames.
    EnvElements,
    /// Suspended computations allocated (Nix's `nrThunks`).
    Thunks,
    /// Requests for a lazy value answered without a thunk: constants, variables that
    /// share their cell, lambdas (Nix's `nrAvoided`).
    Avoided,
    /// Elements of lists made.
    ListElements,
    /// `++` operations (and `concatLists`' concatenations).
    ListConcats,
    /// Attribute sets made.
    Sets,
    /// Attributes in those sets.
    SetElements,
    /// `//` operations.
    OpUpdates,
    /// Attributes copied by `//`.
    OpUpdateValuesCopied,
    /// Attribute selections (`a.b`, `a ? b`) looked up.
    Lookups,
    /// Calls of builtins with all their arguments.
    PrimOpCalls,
    /// Calls of Nix functions.
    FunctionCalls,
}

const COUNTERS: usize = Counter::FunctionCalls as usize + 1;

thread_local! {
    static COUNTS: [Cell<u64>; COUNTERS] = const { [const { Cell::new(0) }; COUNTERS] };
}

/// Add `n` to a counter of this thread.
#[inline(always)]
pub fn bump(counter: Counter, n: u64) {
    COUNTS.with(|c| {
        let cell = &c[counter as usize];
        cell.set(cell.get().wrapping_add(n));
    });
}

/// The current value of a counter of this thread.
#[inline]
pub fn get(counter: Counter) -> u64 {
    COUNTS.with(|c| c[counter as usize].get())
}

/// Zero this thread's counters (a long-lived process reporting per evaluation).
pub fn reset() {
    COUNTS.with(|c| c.iter().for_each(|cell| cell.set(0)));
}

/// Whether `NIX_SHOW_STATS` asks for statistics (set and not `0`, as Nix reads it).
pub fn requested() -> bool {
    std::env::var_os("NIX_SHOW_STATS").is_some_and(|v| v != "0")
}

/// The statistics as Nix's JSON object. `cpu_seconds` is the process's user CPU time;
/// `symbols` and `peak_rss` come from the caller, which knows the interner and process.
pub fn to_json(cpu_seconds: f64, symbols: (usize, usize), peak_rss_bytes: u64) -> serde_json::Value {
    use std::mem::size_of;
    let value_size = size_of::<crate::value::Value>() as u64;
    let env_size = crate::env::HEADER_BYTES as u64;
    let attr_size = size_of::<crate::value::Attr>() as u64;
    let set_size = crate::set_ref::HEADER_BYTES as u64;
    let envs = get(Counter::Envs);
    let env_elements = get(Counter::EnvElements);
    let list_elements = get(Counter::ListElements);
    let sets = get(Counter::Sets);
    let set_elements = get(Counter::SetElements);
    let thunks = get(Counter::Thunks);
    json!({
        "cpuTime": cpu_seconds,
        "time": { "cpu": cpu_seconds },
        "envs": {
            "number": envs,
            "elements": env_elements,
            "bytes": envs * env_size + env_elements * value_size,
        },
        "list": {
            "elements": list_elements,
            "bytes": list_elements * value_size,
            "concats": get(Counter::ListConcats),
        },
        "values": { "number": thunks, "bytes": thunks * value_size },
        "symbols": { "number": symbols.0, "bytes": symbols.1 },
        "sets": {
            "number": sets,
            "bytes": sets * set_size + set_elements * attr_size,
            "elements": set_elements,
        },
        "sizes": { "Env": env_size, "Value": value_size, "Bindings": set_size, "Attr": attr_size },
        "nrOpUpdates": get(Counter::OpUpdates),
        "nrOpUpdateValuesCopied": get(Counter::OpUpdateValuesCopied),
        "nrThunks": thunks,
        "nrAvoided": get(Counter::Avoided),
        "nrLookups": get(Counter::Lookups),
        "nrPrimOpCalls": get(Counter::PrimOpCalls),
        "nrFunctionCalls": get(Counter::FunctionCalls),
        // The peak resident size is the closest to Nix's heap size; `cycles` counts the
        // cycle collector's collections (`cycles.rs`, off by default).
        "gc": {
            "heapSize": peak_rss_bytes,
            "totalBytes": peak_rss_bytes,
            "cycles": crate::cycles::statistics().0,
            "framesFreed": crate::cycles::statistics().1,
        },
    })
}

/// Print the statistics as `NIX_SHOW_STATS` asks: to `NIX_SHOW_STATS_PATH` when set (and
/// not `-`), else to stderr, pretty-printed with two spaces as Nix does.
pub fn print(stats: &serde_json::Value) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(stats).expect("JSON values serialise");
    match std::env::var_os("NIX_SHOW_STATS_PATH") {
        Some(path) if path != "-" => std::fs::write(path, text + "\n"),
        _ => {
            eprintln!("{text}");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_per_thread_and_reset() {
        reset();
        bump(Counter::Thunks, 3);
        bump(Counter::Thunks, 1);
        assert_eq!(get(Counter::Thunks), 4);
        std::thread::spawn(|| assert_eq!(get(Counter::Thunks), 0))
            .join()
            .unwrap();
        reset();
        assert_eq!(get(Counter::Thunks), 0);
    }

    #[test]
    fn json_has_nix_keys() {
        let v = to_json(0.5, (10, 100), 1 << 20);
        for key in [
            "cpuTime",
            "envs",
            "list",
            "values",
            "symbols",
            "sets",
            "sizes",
            "nrOpUpdates",
            "nrOpUpdateValuesCopied",
            "nrThunks",
            "nrAvoided",
            "nrLookups",
            "nrPrimOpCalls",
            "nrFunctionCalls",
            "gc",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
    }
}
