//! Bounded memory: edit the fixture configuration and let it be evaluated again 200
//! times (`RNIX_LSP_EDITS` to change), then compare the server's and the worker's
//! resident memory at the start and at the end. Each evaluation is a fresh worker
//! process, so the worker's peak stays that of one evaluation; the server holds only
//! syntax trees and must not grow with the number of evaluations.

mod common;

use common::{fixture, Client};
use serde_json::json;
use std::time::{Duration, Instant};

#[test]
fn two_hundred_reevaluations_keep_memory_bounded() {
    let edits: u64 = std::env::var("RNIX_LSP_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let root = fixture();
    let web = root.join("hosts/web.nix");
    let text = std::fs::read_to_string(&web).unwrap();
    // The debounce joins the evaluation made at start with the one of opening the file,
    // so that each later load is one edit's.
    let mut c = Client::start(&root, json!({ "debounceMs": 50, "timeoutMs": 20000 }));
    c.open(&web, &text);
    c.wait_for("rnix-eval/loaded", Duration::from_secs(120), |p| p["loads"] == 1);
    c.wait_for("rnix-eval/checked", Duration::from_secs(120), |p| p["generation"] == 1);
    let start = c.request("rnix-eval/status", json!(null));
    let started = Instant::now();
    for i in 0..edits {
        let edited = text.replace("hostName = \"web\"", &format!("hostName = \"web{i}\""));
        c.change(&web, i as i32 + 2, &edited);
        c.wait_for("rnix-eval/loaded", Duration::from_secs(120), |p| p["loads"] == i + 2);
        c.wait_for("rnix-eval/checked", Duration::from_secs(120), |p| {
            p["generation"] == i + 2
        });
        // Keep only what the test still needs.
        c.notifications.clear();
    }
    let end = c.request("rnix-eval/status", json!(null));
    let kib = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or(0);
    eprintln!(
        "{edits} re-evaluations in {:.1} s: server peak RSS {} KiB -> {} KiB (now {} KiB); \
         worker peak {} KiB -> {} KiB (highest of any worker {} KiB)",
        started.elapsed().as_secs_f64(),
        kib(&start, "serverPeakKiB"),
        kib(&end, "serverPeakKiB"),
        kib(&end, "serverRssKiB"),
        kib(&start, "workerPeakKiB"),
        kib(&end, "workerPeakKiB"),
        kib(&end, "workersPeakKiB"),
    );
    assert_eq!(end["loads"], edits + 1);
    // Growth per evaluation would show as megabytes over 200 of them.
    let grown = kib(&end, "serverRssKiB").saturating_sub(kib(&start, "serverRssKiB"));
    assert!(grown < 16 * 1024, "the server grew by {grown} KiB");
    let worker_grown = kib(&end, "workerPeakKiB").saturating_sub(kib(&start, "workerPeakKiB"));
    assert!(worker_grown < 16 * 1024, "the worker's peak grew by {worker_grown} KiB");
    c.shutdown();
}

/// A configuration whose evaluation allocates without end: its worker ends at
/// `maxWorkerMemoryMiB` (its own memory guard, also while it loads or checks), the check
/// reports it, and the server goes on answering. Without the limit the worker grew to 17 GB.
#[test]
fn a_runaway_evaluation_ends_at_the_worker_memory_limit() {
    let root = fixture();
    let web = root.join("hosts/web.nix");
    let text = std::fs::read_to_string(&web).unwrap();
    let runaway = text.replace(
        "hostName = \"web\"",
        "hostName = let grow = n: builtins.length (builtins.genList (i: i) n) + grow (n * 2); \
         in \"h${toString (grow 1000)}\"",
    );
    assert_ne!(runaway, text, "the fixture names its host");
    let mut c = Client::start(&root, json!({ "debounceMs": 50, "maxWorkerMemoryMiB": 300 }));
    c.open(&web, &runaway);
    let started = Instant::now();
    // The configuration loads (its host name is lazy); the check, which evaluates the
    // file's values, ends at 300 MiB within a second. Unbounded, it would still be growing.
    let checked = c.wait_for("rnix-eval/checked", Duration::from_secs(60), |p| !p["error"].is_null());
    eprintln!(
        "check failed after {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        checked["error"]
    );
    assert_eq!(
        checked["error"],
        "the evaluation worker was stopped: its memory passed maxWorkerMemoryMiB (300 MiB)"
    );
    // Still answering from syntax.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": common::uri(&web) } }),
    );
    assert!(symbols.is_array(), "{symbols}");
    c.shutdown();
}
