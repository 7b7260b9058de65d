//! Writing what evaluation computed into a real store through the nix-daemon, and
//! building: the `StoreSink` the evaluator writes through, `--realise`, `--out-link`.

use indicatif::{ProgressBar, ProgressStyle};
use rnix_eval_core::store::{StoreResult, StoreSink, StoredDrv, StoredSource, StoredText};
use rnix_eval_core::term::eprint_line;
use rnix_eval_store::daemon::{ActivityType, BuildStatus, LogEvent, StoreError};
use rnix_eval_store::daemon::{ClientSettings, ConnectOptions};
use rnix_eval_store::{DaemonStore, Store};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use rnix_eval_store_sink::{Write, WriteQueue};

/// The daemon connection, shared by the evaluator's sink and the CLI (which builds).
pub type SharedStore = Rc<RefCell<DaemonStore>>;

/// Connect to the daemon for `--store URI` (or `NIX_REMOTE`, `NIX_DAEMON_SOCKET_PATH`, the
/// default socket). Log lines and build progress go to stderr. `overrides` are settings
/// given on the command line (`--timeout`, `--option sandbox false`), sent to the daemon
/// as Nix's client sends them (`SetOptions`; only then, so the daemon's own settings
/// stay in force otherwise).
pub fn connect(store_uri: Option<&str>, overrides: Vec<(String, String)>) -> Result<SharedStore, String> {
    let mut store = open(store_uri, overrides)?;
    store.set_logger(progress_logger());
    Ok(Rc::new(RefCell::new(store)))
}

fn open(store_uri: Option<&str>, overrides: Vec<(String, String)>) -> Result<DaemonStore, String> {
    let settings = (!overrides.is_empty()).then(|| ClientSettings {
        overrides,
        ..ClientSettings::default()
    });
    let options = ConnectOptions {
        store_dir: rnix_eval_core::store_dir(),
        settings,
        ..ConnectOptions::default()
    };
    DaemonStore::open(store_uri, options).map_err(|e| e.to_string())
}

/// The evaluator's sink: objects are written in the background ([`WriteQueue`], on a
/// second connection, which holds their temporary roots until we exit); building and
/// `storePath` wait for those writes and go through the shared connection.
pub struct DaemonSink {
    store: SharedStore,
    writes: WriteQueue,
}

impl DaemonSink {
    /// A sink beside `store`, whose writes connect to the same daemon (`store_uri`,
    /// `overrides`) again.
    pub fn new(store: SharedStore, store_uri: Option<String>, overrides: Vec<(String, String)>) -> DaemonSink {
        let writes = WriteQueue::start(move || {
            let mut store = open(store_uri.as_deref(), overrides)?;
            store.set_logger(Box::new(|event: &LogEvent| {
                if let LogEvent::Message(text) = event {
                    eprint_line(text.as_bytes());
                }
            }));
            Ok(store)
        });
        DaemonSink { store, writes }
    }
}

impl StoreSink for DaemonSink {
    fn write_source(&mut self, path: &str, source: &StoredSource) -> StoreResult<()> {
        self.writes.push(Write::Source {
            path: path.to_string(),
            source: source.clone(),
        });
        Ok(())
    }

    fn write_text(&mut self, path: &str, text: &StoredText) -> StoreResult<()> {
        self.writes.push(Write::Text {
            path: path.to_string(),
            text: text.clone(),
        });
        Ok(())
    }

    fn write_drv(&mut self, path: &str, drv: &StoredDrv) -> StoreResult<()> {
        self.writes.push(Write::Drv {
            path: path.to_string(),
            drv: drv.clone(),
        });
        Ok(())
    }

    fn ensure_valid(&mut self, path: &str) -> StoreResult<()> {
        self.writes.flush()?;
        let mut store = self.store.borrow_mut();
        store.add_temp_root(path).map_err(|e| e.to_string())?;
        if store.is_valid_path(path).map_err(|e| e.to_string())? {
            return Ok(());
        }
        // The daemon substitutes it if a binary cache has it; otherwise Nix's words.
        store
            .connection()
            .and_then(|c| c.ensure_path(path))
            .map_err(|_| format!("path '{path}' does not exist and cannot be created"))
    }

    fn is_valid(&mut self, path: &str) -> StoreResult<bool> {
        self.writes.flush()?;
        let mut store = self.store.borrow_mut();
        // Kept from garbage collection while evaluation uses it, as `ensure_valid` does.
        store.add_temp_root(path).map_err(|e| e.to_string())?;
        store.is_valid_path(path).map_err(|e| e.to_string())
    }

    fn build(&mut self, targets: &[(String, String)]) -> StoreResult<Vec<String>> {
        self.writes.flush()?;
        realise(&self.store, targets)
    }

    fn flush(&mut self) -> StoreResult<()> {
        self.writes.flush()
    }
}

/// A [`DaemonSink`] that connects on its first write (`--eval --read-write-mode`).
pub struct LazyDaemonSink {
    uri: Option<String>,
    overrides: Vec<(String, String)>,
    sink: Option<DaemonSink>,
}

impl LazyDaemonSink {
    pub fn new(uri: Option<String>, overrides: Vec<(String, String)>) -> LazyDaemonSink {
        LazyDaemonSink {
            uri,
            overrides,
            sink: None,
        }
    }

    fn sink(&mut self) -> StoreResult<&mut DaemonSink> {
        if self.sink.is_none() {
            // Connected here, on the evaluator's thread: a missing daemon is reported
            // where the first write happens.
            let store = connect(self.uri.as_deref(), self.overrides.clone())?;
            let overrides = std::mem::take(&mut self.overrides);
            self.sink = Some(DaemonSink::new(store, self.uri.clone(), overrides));
        }
        Ok(self.sink.as_mut().expect("connected above"))
    }
}

impl StoreSink for LazyDaemonSink {
    fn write_source(&mut self, path: &str, source: &StoredSource) -> StoreResult<()> {
        self.sink()?.write_source(path, source)
    }

    fn write_text(&mut self, path: &str, text: &StoredText) -> StoreResult<()> {
        self.sink()?.write_text(path, text)
    }

    fn write_drv(&mut self, path: &str, drv: &StoredDrv) -> StoreResult<()> {
        self.sink()?.write_drv(path, drv)
    }

    fn ensure_valid(&mut self, path: &str) -> StoreResult<()> {
        self.sink()?.ensure_valid(path)
    }

    fn is_valid(&mut self, path: &str) -> StoreResult<bool> {
        self.sink()?.is_valid(path)
    }

    fn build(&mut self, targets: &[(String, String)]) -> StoreResult<Vec<String>> {
        self.sink()?.build(targets)
    }

    fn flush(&mut self) -> StoreResult<()> {
        self.sink.as_mut().map_or(Ok(()), |s| s.flush())
    }
}

/// Build `(drv, output)` targets; returns each target's output path.
pub fn realise(store: &SharedStore, targets: &[(String, String)]) -> Result<Vec<String>, String> {
    let mut grouped: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (drv, output) in targets {
        grouped.entry(drv).or_default().push(output.clone());
    }
    let build: Vec<(String, Vec<String>)> = grouped.into_iter().map(|(d, o)| (d.to_string(), o)).collect();
    let results = store.borrow_mut().build(&build).map_err(|e| {
        note_build_failure(&e);
        e.to_string()
    })?;
    let mut outputs = Vec::new();
    for (drv, output) in targets {
        let built = results
            .iter()
            .find(|r| r.target.path() == drv)
            .and_then(|r| r.built_outputs.get(output))
            .cloned();
        match built {
            Some(path) => outputs.push(path),
            None => return Err(format!("the nix-daemon did not report output '{output}' of '{drv}'")),
        }
    }
    Ok(outputs)
}

/// `--out-link`: a symlink to `target` (replacing an older link) registered with the daemon
/// as an indirect garbage collector root, as `nix-build` makes `result`.
pub fn make_out_link(store: &SharedStore, link: &str, target: &str) -> Result<(), String> {
    let link = make_symlink(link, target)?;
    let mut store = store.borrow_mut();
    let conn = store.connection().map_err(|e| e.to_string())?;
    conn.add_indirect_root(&link).map_err(|e| e.to_string())
}

/// `link` (made absolute) pointing at `target`, replacing an older link atomically.
pub fn make_symlink(link: &str, target: &str) -> Result<String, String> {
    let link = rnix_eval_core::import::absolute_from_cwd(link);
    let tmp = format!("{link}.tmp-{}", std::process::id());
    let reason = |e: std::io::Error| rnix_eval_store::io_reason(&e);
    std::os::unix::fs::symlink(target, &tmp).map_err(|e| format!("creating symlink '{link}': {}", reason(e)))?;
    std::fs::rename(&tmp, &link).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("creating symlink '{link}': {}", reason(e))
    })?;
    Ok(link)
}

/// The exit code of a failed run: as `nix-build`'s for a failed build (100, plus 1 for a
/// timeout, 2 for a hash mismatch, 4 for a non-deterministic build), else 1.
pub fn failure_exit_code() -> i32 {
    match BUILD_FAILURE.load(std::sync::atomic::Ordering::Relaxed) {
        0 => 1,
        bits => {
            let build_failure = if bits & 0x13 != 0 { 0x04 } else { 0 };
            0x60 | build_failure | (bits & 0x0b) as i32
        }
    }
}

/// Bits of Nix's `Worker::failingExitStatus` for the builds that failed (0x10: plain).
static BUILD_FAILURE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// As Nix's `ExitStatusFlags::updateFromStatus`: a transient failure (a fixed-output
/// derivation's builder failing, as a download may), a cached or miscellaneous one, or a
/// log limit leaves the exit code 1. A dependency's failure counts as a permanent one: the
/// daemon reports the target as `DependencyFailed`, and a dependency that is not
/// fixed-output is what fails most.
fn note_build_failure(e: &StoreError) {
    if let StoreError::BuildFailed { status, .. } = e {
        let bits = match status {
            BuildStatus::TimedOut => 0x01,
            BuildStatus::OutputRejected => 0x02,
            BuildStatus::NotDeterministic => 0x08,
            BuildStatus::PermanentFailure | BuildStatus::InputRejected | BuildStatus::DependencyFailed => 0x10,
            _ => 0,
        };
        BUILD_FAILURE.fetch_or(bits, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Build logs to stderr, with a spinner naming the running builds when stderr is a terminal.
fn progress_logger() -> Box<dyn FnMut(&LogEvent) + Send> {
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("valid template"));
    let mut running: BTreeMap<u64, String> = BTreeMap::new();
    Box::new(move |event: &LogEvent| match event {
        LogEvent::Message(text) => bar.suspend(|| eprint_line(text.as_bytes())),
        LogEvent::StartActivity { id, kind, text, .. } => {
            if matches!(
                kind,
                ActivityType::Build | ActivityType::Substitute | ActivityType::CopyPath
            ) {
                // As Nix's `SimpleLogger::startActivity`: `building '/nix/store/...drv'...`.
                if !text.is_empty() {
                    bar.suspend(|| eprint_line(format!("{text}...").as_bytes()));
                }
                running.insert(*id, text.clone());
                bar.set_message(running.values().cloned().collect::<Vec<_>>().join(", "));
                bar.tick();
            }
        }
        LogEvent::StopActivity { id } => {
            if running.remove(id).is_some() {
                if running.is_empty() {
                    bar.finish_and_clear();
                } else {
                    bar.set_message(running.values().cloned().collect::<Vec<_>>().join(", "));
                }
            }
        }
        LogEvent::Result { .. } => {
            if let Some(line) = event.build_log_line() {
                bar.suspend(|| eprint_line(line.as_bytes()));
            }
        }
    })
}
