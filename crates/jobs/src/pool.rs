//! Worker processes for the gate, as `nix-eval-jobs` runs them: each worker evaluates the
//! flake or file once and then answers jobs, one per line: the coordinator writes a job's
//! attribute path (a JSON array), the worker writes the job's record (a JSON object),
//! marked `"restart": true` when its memory went over the limit and it exits; the
//! coordinator then starts a fresh one. A worker that dies mid-job gives that job an
//! error record and is replaced: one bad host never ends the run.

use serde_json::Value as Json;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};

pub struct PoolOptions {
    pub workers: usize,
}

/// What the coordinator prints at the end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub jobs: usize,
    pub failed: usize,
    pub restarts: usize,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

fn spawn(start: &(dyn Fn() -> Command + Sync)) -> std::io::Result<Worker> {
    let mut child = start().stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
    let stdin = child.stdin.take().expect("piped stdin");
    let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    Ok(Worker { child, stdin, stdout })
}

fn error_record(path: &[String], message: String) -> Json {
    crate::Record {
        attr_path: path.to_vec(),
        outcome: Err(message),
    }
    .to_json()
}

/// Run `jobs` on `opts.workers` workers made by `start`; `on_record` gets each record as
/// soon as it is done (in completion order).
pub fn run(
    jobs: Vec<Vec<String>>,
    opts: &PoolOptions,
    start: &(dyn Fn() -> Command + Sync),
    on_record: &mut dyn FnMut(&Json),
) -> Summary {
    let total = jobs.len();
    let queue = Arc::new(Mutex::new(jobs.into_iter().collect::<VecDeque<_>>()));
    let (tx, rx) = mpsc::channel::<(Json, bool)>();
    let mut summary = Summary {
        jobs: total,
        ..Summary::default()
    };
    std::thread::scope(|scope| {
        for _ in 0..opts.workers.max(1).min(total.max(1)) {
            let queue = Arc::clone(&queue);
            let tx = tx.clone();
            scope.spawn(move || work(&queue, start, &tx));
        }
        drop(tx);
        for (record, restarted) in rx {
            if restarted {
                summary.restarts += 1;
                continue;
            }
            if crate::record_failed(&record) {
                summary.failed += 1;
            }
            on_record(&record);
        }
    });
    summary
}

/// One worker slot: take jobs until the queue is empty, replacing the process when it
/// asks to restart or dies.
fn work(queue: &Mutex<VecDeque<Vec<String>>>, start: &(dyn Fn() -> Command + Sync), tx: &mpsc::Sender<(Json, bool)>) {
    let mut worker: Option<Worker> = None;
    loop {
        let Some(job) = queue.lock().expect("queue lock").pop_front() else {
            break;
        };
        if worker.is_none() {
            match spawn(start) {
                Ok(w) => worker = Some(w),
                Err(e) => {
                    let _ = tx.send((error_record(&job, format!("cannot start a worker: {e}")), false));
                    continue;
                }
            }
        }
        let w = worker.as_mut().expect("started above");
        let (record, keep) = ask(w, &job);
        let _ = tx.send((record, false));
        if !keep {
            if let Some(mut w) = worker.take() {
                let _ = w.child.wait();
            }
            let _ = tx.send((Json::Null, true));
        }
    }
    if let Some(mut w) = worker {
        drop(w.stdin);
        let _ = w.child.wait();
    }
}

/// Send one job; the record, and whether the worker may take another.
fn ask(w: &mut Worker, job: &[String]) -> (Json, bool) {
    let line = serde_json::to_string(job).expect("strings serialise");
    if writeln!(w.stdin, "{line}").and_then(|_| w.stdin.flush()).is_err() {
        return (
            error_record(job, "the worker exited before taking the job".into()),
            false,
        );
    }
    let mut answer = String::new();
    match w.stdout.read_line(&mut answer) {
        Ok(n) if n > 0 => {}
        _ => {
            let status = w.child.wait().map(|s| s.to_string()).unwrap_or_default();
            return (
                error_record(job, format!("the worker died while evaluating this job ({status})")),
                false,
            );
        }
    }
    let mut record: Json = match serde_json::from_str(answer.trim()) {
        Ok(r) => r,
        Err(e) => return (error_record(job, format!("the worker answered garbage: {e}")), false),
    };
    // A worker over its memory limit marks its last record, then exits.
    let restart = record.as_object_mut().and_then(|m| m.remove(RESTART)).is_some();
    (record, !restart)
}

/// The mark on a worker's last record before it exits to free its memory.
const RESTART: &str = "restart";

/// The worker side: answer jobs from stdin until it closes, or until `over_limit` says
/// the process should be replaced.
pub fn serve(eval: &mut dyn FnMut(&[String]) -> Json, over_limit: &dyn Fn() -> bool) -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line?;
        let path: Vec<String> = serde_json::from_str(&line).unwrap_or_default();
        let mut record = eval(&path);
        let restart = over_limit();
        if let (true, Some(m)) = (restart, record.as_object_mut()) {
            m.insert(RESTART.into(), Json::Bool(true));
        }
        let mut out = stdout.lock();
        writeln!(out, "{record}")?;
        out.flush()?;
        if restart {
            return Ok(());
        }
    }
    Ok(())
}

/// This process's resident memory in MiB (Linux `/proc/self/statm`).
pub fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / (1 << 20))
}
