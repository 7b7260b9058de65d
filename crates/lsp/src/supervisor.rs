//! The server's side of the evaluation workers. One worker holds the current evaluation
//! and answers queries; a change starts a *new* worker that loads in the background
//! while the old one keeps answering, and replaces it only once loaded (then the old
//! process, and all its memory, is gone). A worker that dies, stops answering for
//! `hang_timeout`, or grows past `rss_limit_kib` is replaced the same way. Queries wait
//! at most `query_timeout`; nothing here ever blocks the server's main loop.
//!
//! Building the configuration for its errors (the toplevel, which on NixOS is most of
//! the work) is done by a second, one-shot worker per change, so that queries never wait
//! behind it; a newer change kills a check still running.

use crossbeam_channel::{bounded, Receiver, Sender};
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Config {
    /// How to start a worker: this executable with these arguments.
    pub exe: PathBuf,
    pub args: Vec<String>,
    /// `{ "root": DIR, "flake": REF }` or `{ "root": DIR, "expr": TEXT }`.
    pub target: Json,
    pub rss_limit_kib: u64,
    pub load_timeout: Duration,
    pub query_timeout: Duration,
    pub hang_timeout: Duration,
    /// Changes within this long are evaluated together.
    pub debounce: Duration,
}

/// What the supervisor tells the server.
#[derive(Debug)]
pub enum Event {
    Loaded {
        /// Evaluation errors: `{ file, start, end, message }`.
        diagnostics: Vec<Json>,
        /// Why no evaluation could be made (the previous one, if any, stays in use).
        error: Option<String>,
        host: Option<String>,
        millis: u128,
    },
    /// The configuration built by a checking worker: its errors.
    Checked {
        generation: u64,
        diagnostics: Vec<Json>,
        error: Option<String>,
        millis: u128,
    },
}

struct Worker {
    child: Arc<Mutex<Child>>,
    pid: u32,
    stdin: Mutex<ChildStdin>,
    waiting: Arc<Mutex<HashMap<u64, Sender<Json>>>>,
    next_id: AtomicU64,
    /// When the worker last answered, or became busy (it answers in order).
    last_reply: Arc<Mutex<Instant>>,
    /// Requests sent and not answered yet, given up ones included.
    outstanding: Arc<AtomicU64>,
    dead: Arc<AtomicBool>,
    /// Set when the memory watch ended it: its requests fail saying so.
    over_memory: Arc<AtomicBool>,
    limit_kib: u64,
}

impl Worker {
    fn spawn(cfg: &Config) -> std::io::Result<Worker> {
        let mut child = Command::new(&cfg.exe)
            .args(&cfg.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().expect("piped");
        let stdin = child.stdin.take().expect("piped");
        let waiting: Arc<Mutex<HashMap<u64, Sender<Json>>>> = Arc::default();
        let last_reply = Arc::new(Mutex::new(Instant::now()));
        let dead = Arc::new(AtomicBool::new(false));
        let outstanding: Arc<AtomicU64> = Arc::default();
        let (w, l, d, o) = (waiting.clone(), last_reply.clone(), dead.clone(), outstanding.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                *l.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
                let _ = o.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
                let Ok(reply) = serde_json::from_str::<Json>(&line) else {
                    continue;
                };
                let Some(id) = reply["id"].as_u64() else { continue };
                if let Some(tx) = w.lock().unwrap_or_else(|e| e.into_inner()).remove(&id) {
                    let _ = tx.send(reply);
                }
            }
            d.store(true, Ordering::SeqCst);
            // Every waiting request fails at once.
            w.lock().unwrap_or_else(|e| e.into_inner()).clear();
        });
        let pid = child.id();
        let child = Arc::new(Mutex::new(child));
        let over_memory = Arc::new(AtomicBool::new(false));
        watch_memory(pid, cfg.rss_limit_kib, child.clone(), dead.clone(), over_memory.clone());
        Ok(Worker {
            pid,
            child,
            stdin: Mutex::new(stdin),
            waiting,
            next_id: AtomicU64::new(1),
            last_reply,
            outstanding,
            dead,
            over_memory,
            limit_kib: cfg.rss_limit_kib,
        })
    }

    /// Send `req` and wait for its answer.
    fn request(&self, req: Json, timeout: Duration) -> Result<Json, String> {
        let reply = self.request_raw(req, timeout)?;
        match reply.get("error").and_then(Json::as_str) {
            Some(e) => Err(e.to_string()),
            None => Ok(reply),
        }
    }

    /// Send `req` and wait for its answer, an `error` one included.
    fn request_raw(&self, mut req: Json, timeout: Duration) -> Result<Json, String> {
        if self.dead.load(Ordering::SeqCst) {
            return Err(self.exited());
        }
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        req["id"] = json!(id);
        let (tx, rx): (Sender<Json>, Receiver<Json>) = bounded(1);
        if self.outstanding.fetch_add(1, Ordering::SeqCst) == 0 {
            *self.last_reply.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        }
        self.waiting.lock().unwrap_or_else(|e| e.into_inner()).insert(id, tx);
        {
            let mut stdin = self.stdin.lock().unwrap_or_else(|e| e.into_inner());
            if writeln!(stdin, "{req}").and_then(|_| stdin.flush()).is_err() {
                return Err(self.exited());
            }
        }
        match rx.recv_timeout(timeout) {
            Ok(reply) => Ok(reply),
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                self.waiting.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
                Err(format!("no answer within {} ms", timeout.as_millis()))
            }
            Err(_) => Err(self.exited()),
        }
    }

    /// Why requests to an exited worker fail.
    fn exited(&self) -> String {
        if self.over_memory.load(Ordering::SeqCst) {
            return format!(
                "the evaluation worker was stopped: its memory passed maxWorkerMemoryMiB ({} MiB)",
                self.limit_kib / 1024
            );
        }
        "the evaluation worker exited".into()
    }

    /// Busy without a word for longer than `limit`.
    fn hung(&self, limit: Duration) -> bool {
        let busy = self.outstanding.load(Ordering::SeqCst) > 0;
        busy && self.last_reply.lock().unwrap_or_else(|e| e.into_inner()).elapsed() > limit
    }
}

/// End the worker `pid` once its resident memory passes `limit_kib` (0: no limit), whatever
/// it is doing: the check at each query never saw a load or a check that grows without
/// end (a runaway configuration's worker reached 17 GB). Polls until the worker is gone.
fn watch_memory(pid: u32, limit_kib: u64, child: Arc<Mutex<Child>>, dead: Arc<AtomicBool>, over: Arc<AtomicBool>) {
    if limit_kib == 0 {
        return;
    }
    std::thread::spawn(move || {
        while !dead.load(Ordering::SeqCst) {
            match crate::rss::kib(pid) {
                Some((rss, _)) if rss > limit_kib => {
                    over.store(true, Ordering::SeqCst);
                    let _ = child.lock().unwrap_or_else(|e| e.into_inner()).kill();
                    return;
                }
                Some(_) => std::thread::sleep(Duration::from_millis(50)),
                None => return,
            }
        }
    });
}

impl Worker {
    /// End the process now: requests waiting on it fail at once.
    fn kill(&self) {
        let _ = self.child.lock().unwrap_or_else(|e| e.into_inner()).kill();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let mut child = self.child.lock().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[derive(Clone, Default)]
struct Load {
    overlay: serde_json::Map<String, Json>,
    file: Option<String>,
}

pub struct Supervisor {
    cfg: Config,
    current: Mutex<Option<Arc<Worker>>>,
    pending: Mutex<Option<Load>>,
    last: Mutex<Load>,
    wake: Condvar,
    events: Sender<Event>,
    /// Peak resident memory (KiB) seen of any worker: for the memory measurement.
    pub peak_worker_kib: Arc<AtomicU64>,
    checker: Mutex<Option<Arc<Worker>>>,
    /// The number of the latest check: an older one's answer is dropped.
    generation: Arc<AtomicU64>,
    /// Loads asked for ([`Supervisor::reload`]) and the number of the last one that
    /// ended (evaluated or failed; 0 until the first has): a query waits for the first
    /// load, and hover for the loads asked for before it, so that after an edit it
    /// describes the edited text, not the evaluation before it.
    loads_requested: Arc<AtomicU64>,
    loads_ended: AtomicU64,
}

impl Supervisor {
    pub fn start(cfg: Config, events: Sender<Event>) -> Arc<Supervisor> {
        let s = Arc::new(Supervisor {
            cfg,
            current: Mutex::new(None),
            pending: Mutex::new(None),
            last: Mutex::new(Load::default()),
            wake: Condvar::new(),
            events,
            peak_worker_kib: Arc::default(),
            checker: Mutex::new(None),
            generation: Arc::default(),
            loads_requested: Arc::default(),
            loads_ended: AtomicU64::new(0),
        });
        let loader = s.clone();
        std::thread::spawn(move || loader.loader());
        s
    }

    /// Evaluate again with these buffers (`path -> text`); `file` is the file the user
    /// is in (it picks the host whose modules read it).
    pub fn reload(&self, overlay: serde_json::Map<String, Json>, file: Option<String>) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        self.queue(&mut pending, Load { overlay, file });
    }

    /// Make `load` the next one (replacing one not started yet) and count it, under the
    /// lock of `pending`, which the loader takes it and reads the count under.
    fn queue(&self, pending: &mut Option<Load>, load: Load) {
        *pending = Some(load);
        self.loads_requested.fetch_add(1, Ordering::SeqCst);
        self.wake.notify_one();
    }

    fn reload_last(&self) {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.is_none() {
            self.queue(&mut pending, last);
        }
    }

    /// Ask the current evaluation; `None` when there is none, it failed, or it took too
    /// long (the caller answers with what the syntax gives). Completion asks this way:
    /// option names seldom change with an edit, and waiting for a new evaluation at every
    /// keystroke would hold each list back by seconds.
    pub fn query(&self, req: Json) -> Result<Json, String> {
        self.ask(req, false)
    }

    /// [`Supervisor::query`] of the evaluation of the text as it is now: waits (within
    /// the query timeout) for the loads edits asked for before it. Hover and definition
    /// ask this way: a value or a declaration shown from before an edit is wrong.
    pub fn query_current(&self, req: Json) -> Result<Json, String> {
        self.ask(req, true)
    }

    fn ask(&self, req: Json, after_edits: bool) -> Result<Json, String> {
        // During the first load a query waits for it (up to its own timeout): hover and
        // completion right after opening a file answered at once with nothing. Likewise,
        // when asked, for a load asked for since: after an edit, hover answered from the
        // evaluation of the text before it; past the timeout, the older one answers.
        let started = Instant::now();
        let asked = self.loads_requested.load(Ordering::SeqCst);
        let waiting = || started.elapsed() < self.cfg.query_timeout;
        let worker = loop {
            let current = self.current.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let behind = after_edits && self.loads_ended.load(Ordering::SeqCst) < asked;
            match current {
                Some(worker) if !behind || !waiting() => break worker,
                None if (self.loads_ended.load(Ordering::SeqCst) == 0 || behind) && waiting() => {}
                None => return Err("no evaluation yet".into()),
                Some(_) => {}
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let result = worker.request(req, self.cfg.query_timeout.saturating_sub(started.elapsed()));
        if worker.dead.load(Ordering::SeqCst) || worker.hung(self.cfg.hang_timeout) {
            self.retire(&worker);
        } else if let Some((rss, hwm)) = crate::rss::kib(worker.pid) {
            self.peak_worker_kib.fetch_max(hwm, Ordering::SeqCst);
            if rss > self.cfg.rss_limit_kib {
                self.reload_last();
            }
        }
        result
    }

    /// Drop a dead or hung worker (killing it) and evaluate again.
    fn retire(&self, worker: &Arc<Worker>) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, worker)) {
            *current = None;
        }
        drop(current);
        self.reload_last();
    }

    /// End every worker now (the server is shutting down).
    pub fn shutdown(&self) {
        for slot in [&self.current, &self.checker] {
            if let Some(w) = slot.lock().unwrap_or_else(|e| e.into_inner()).take() {
                w.kill();
            }
        }
    }

    /// The process ids of the current worker (for measurements).
    pub fn worker_pid(&self) -> Option<u32> {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|w| w.pid)
    }

    /// Build the configuration of `load` (the loads asked for up to `ticket`) in a
    /// one-shot worker, on a thread of its own. Its result is dropped if an edit asked
    /// for a newer load meanwhile: that load's check or its error replaces it, and the
    /// result would otherwise be shown on a text it was not made from (a newer text with
    /// a syntax error, which is not checked, kept the older text's evaluation error).
    fn check(&self, load: &Load, ticket: u64) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(old) = self.checker.lock().unwrap_or_else(|e| e.into_inner()).take() {
            old.kill();
        }
        let started = Instant::now();
        let worker = match Worker::spawn(&self.cfg) {
            Ok(w) => Arc::new(w),
            Err(e) => {
                let _ = self.events.send(Event::Checked {
                    generation,
                    diagnostics: Vec::new(),
                    error: Some(format!("cannot start the evaluation worker: {e}")),
                    millis: 0,
                });
                return;
            }
        };
        *self.checker.lock().unwrap_or_else(|e| e.into_inner()) = Some(worker.clone());
        let req = json!({
            "op": "load",
            "check": true,
            "target": self.cfg.target,
            "overlay": load.overlay,
            "file": load.file,
        });
        let (events, timeout) = (self.events.clone(), self.cfg.load_timeout);
        let (peak, latest) = (self.peak_worker_kib.clone(), self.generation.clone());
        let requested = self.loads_requested.clone();
        std::thread::spawn(move || {
            let reply = worker.request_raw(req, timeout);
            if let Some((_, hwm)) = crate::rss::kib(worker.pid) {
                peak.fetch_max(hwm, Ordering::SeqCst);
            }
            worker.kill();
            if latest.load(Ordering::SeqCst) != generation || requested.load(Ordering::SeqCst) > ticket {
                return; // a newer check replaced this one, or a newer load will
            }
            let (diagnostics, error) = match reply {
                Ok(r) => (
                    r["diagnostics"].as_array().cloned().unwrap_or_default(),
                    r["error"].as_str().map(String::from),
                ),
                Err(e) => (Vec::new(), Some(e)),
            };
            let _ = events.send(Event::Checked {
                generation,
                diagnostics,
                error,
                millis: started.elapsed().as_millis(),
            });
        });
    }

    fn loader(&self) {
        loop {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            while pending.is_none() {
                pending = self.wake.wait(pending).unwrap_or_else(|e| e.into_inner());
            }
            drop(pending);
            std::thread::sleep(self.cfg.debounce);
            // Every load asked for so far is merged into this one (under the lock that
            // `reload` counts under).
            let (load, ticket) = {
                let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                (pending.take(), self.loads_requested.load(Ordering::SeqCst))
            };
            let Some(load) = load else {
                // Every load counted so far was taken by an earlier turn, which ended.
                self.loads_ended.fetch_max(ticket, Ordering::SeqCst);
                continue;
            };
            *self.last.lock().unwrap_or_else(|e| e.into_inner()) = load.clone();
            let started = Instant::now();
            let event = match Worker::spawn(&self.cfg) {
                Err(e) => Event::Loaded {
                    diagnostics: Vec::new(),
                    error: Some(format!("cannot start the evaluation worker: {e}")),
                    host: None,
                    millis: 0,
                },
                Ok(worker) => {
                    let req = json!({
                        "op": "load",
                        "target": self.cfg.target,
                        "overlay": load.overlay,
                        "file": load.file,
                    });
                    match worker.request_raw(req, self.cfg.load_timeout) {
                        Ok(reply) if reply.get("error").is_some() => Event::Loaded {
                            diagnostics: reply["diagnostics"].as_array().cloned().unwrap_or_default(),
                            error: Some(reply["error"].as_str().unwrap_or("evaluation failed").to_string()),
                            host: None,
                            millis: started.elapsed().as_millis(),
                        },
                        Ok(reply) => {
                            if let Some((_, hwm)) = crate::rss::kib(worker.pid) {
                                self.peak_worker_kib.fetch_max(hwm, Ordering::SeqCst);
                            }
                            *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(worker));
                            self.check(&load, ticket);
                            Event::Loaded {
                                diagnostics: reply["diagnostics"].as_array().cloned().unwrap_or_default(),
                                error: None,
                                host: reply["host"].as_str().map(String::from),
                                millis: started.elapsed().as_millis(),
                            }
                        }
                        Err(e) => Event::Loaded {
                            diagnostics: Vec::new(),
                            error: Some(e),
                            host: None,
                            millis: started.elapsed().as_millis(),
                        },
                    }
                }
            };
            self.loads_ended.fetch_max(ticket, Ordering::SeqCst);
            if self.events.send(event).is_err() {
                return;
            }
        }
    }
}
