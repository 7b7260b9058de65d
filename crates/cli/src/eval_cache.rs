//! The result cache on the command line: which runs may be answered from it, the key of
//! a run, answering a hit (output, then any store object the store lost, written through
//! the run's own store writer), and recording a miss (the IO gate's log, stdout as
//! printed, stderr through a tee). The cache itself is `rnix-eval-result-cache`.

use crate::args::Cli;
use crate::stderr_tee::StderrTee;
use rnix_eval_core::io::Access;
use rnix_eval_core::store::{StoredDrv, StoredSource, StoredText};
use rnix_eval_core::term::eprint_line;
use rnix_eval_core::Evaluator;
use rnix_eval_result_cache::{
    executable_identity, Cache, Entry, Key, KeyBuilder, Read, Recorder, StoreObject, Validator,
};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

/// Environment variables the process reads outside evaluation (search path, store,
/// `~` paths, fetcher cache, colours): part of every key. Variables evaluation reads
/// (`getEnv`) are recorded as dependencies instead.
const KEY_ENV: &[&str] = &[
    "NIX_PATH",
    "NIX_ABORT_ON_WARN",
    "HOME",
    "NIX_STORE_DIR",
    "NIX_REMOTE",
    "NIX_DAEMON_SOCKET_PATH",
    "RNIX_NIX_VERSION",
    "RNIX_EVAL_FETCH_CACHE",
    "XDG_CACHE_HOME",
    "TERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
];

/// Whether the cache is on: not with `--no-eval-cache` (`--option eval-cache false`)
/// nor `RNIX_EVAL_NO_CACHE=1`.
pub fn open(cli: &Cli) -> Option<Cache> {
    let off = cli
        .option
        .chunks(2)
        .any(|p| p[0] == "eval-cache" && matches!(p[1].as_str(), "false" | "0" | "no"));
    if off {
        return None;
    }
    Cache::from_env()
}

/// The key of this process's run: `kind`, the executable, the working directory, the
/// command line (without `drop`) and [`KEY_ENV`].
pub fn key(kind: &str, cwd: &str, drop: &[&str]) -> Key {
    let mut k = KeyBuilder::new(kind);
    k.field(&executable_identity()).field(cwd.as_bytes());
    let args: Vec<OsString> = std::env::args_os()
        .skip(1)
        .filter(|a| !drop.iter().any(|d| a == d))
        .collect();
    k.field(&(args.len() as u64).to_le_bytes());
    for a in &args {
        k.field(a.as_encoded_bytes());
    }
    for name in KEY_ENV {
        match std::env::var_os(name) {
            Some(v) => k.field(b"=").field(v.as_encoded_bytes()),
            None => k.field(b"unset"),
        };
    }
    // The configuration's evaluation settings (`nix-path`, `system`, `pure-eval`, ...).
    for (name, value) in rnix_eval_core::nix_conf::eval_pairs() {
        k.field(name.as_bytes()).field(value.as_bytes());
    }
    k.field(&[u8::from(rnix_eval_core::term::stderr_wants_ansi())]);
    k.finish()
}

/// Runs whose effects are more than their output, or whose input is not a file, are
/// never cached: `--realise` (builds), `--add-root`, `--write-drvs-to`, `--parse` and
/// `--find-file` (no evaluation), stdin, `--differential` (it asks Nix).
fn cacheable(cli: &Cli) -> bool {
    !(cli.parse
        || cli.find_file
        || cli.realise
        || cli.add_root.is_some()
        || cli.out_link.is_some()
        || cli.write_drvs_to.is_some()
        || cli.differential
        || cli.files.iter().any(|f| f == "-")
        // Statistics and profiles describe an evaluation: a cached answer has none.
        || rnix_eval_core::stats::requested()
        || cli.option.chunks(2).any(|o| o[0] == "eval-profiler" && o.get(1).is_some_and(|v| v == "flamegraph")))
}

/// A run that may be answered from the cache, or recorded into it.
pub struct Session {
    cache: Cache,
    key: Key,
    started_ns: i128,
    tee: Option<StderrTee>,
    /// The top-level files, whose existence and type decided what was read.
    inputs: Vec<PathBuf>,
    /// Files or expressions given: with several, stdout and stderr interleave.
    input_count: usize,
    verbose: bool,
}

impl Session {
    pub fn start(cli: &Cli, cwd: &str) -> Option<Session> {
        if !cacheable(cli) {
            return None;
        }
        let cache = open(cli)?;
        let inputs = if cli.expr || cli.flake.is_some() {
            Vec::new()
        } else if cli.files.is_empty() {
            vec![PathBuf::from(cwd).join("default.nix")]
        } else {
            cli.files
                .iter()
                .map(|f| PathBuf::from(rnix_eval_core::import::absolute_from_cwd(f)))
                .collect()
        };
        Some(Session {
            cache,
            key: key("run", cwd, &[]),
            started_ns: rnix_eval_result_cache::now_ns(),
            tee: None,
            inputs,
            input_count: cli.files.len(),
            verbose: cli.verbose > 0,
        })
    }

    fn say(&self, message: &str) {
        if self.verbose {
            eprint_line(format!("rnix-eval: {message}").as_bytes());
        }
    }

    /// Answer from the cache: the exit code, or `None` (evaluate).
    pub fn answer(&self, ev: &mut Evaluator) -> Option<i32> {
        let entry = match self.cache.lookup(&self.key, &mut Validator::default()) {
            Ok(entry) => entry,
            Err(miss) => {
                self.say(&format!("result cache miss ({miss})"));
                return None;
            }
        };
        if let Err(e) = replay_store(ev, &entry.store) {
            self.say(&format!(
                "result cache hit, but rewriting the store failed ({e}): evaluating"
            ));
            return None;
        }
        self.say("result cache hit");
        let _ = std::io::stderr().write_all(&entry.stderr);
        let mut out = std::io::stdout().lock();
        if out.write_all(&entry.stdout).and_then(|_| out.flush()).is_err() {
            return Some(1);
        }
        Some(entry.exit_code)
    }

    /// Start recording: the IO gate's log and a copy of stderr.
    pub fn begin(&mut self, ev: &mut Evaluator) {
        ev.io.log = Some(Vec::new());
        self.started_ns = rnix_eval_result_cache::now_ns();
        self.tee = StderrTee::start();
    }

    /// Order stdout after what went to stderr so far.
    pub fn sync(&self) {
        if let Some(tee) = &self.tee {
            tee.sync();
        }
    }

    /// Stop recording; store the result if the run succeeded and only read what can be
    /// checked again.
    pub fn finish(mut self, ev: &mut Evaluator, code: i32, stdout: Vec<u8>) {
        let stderr = self.tee.take().and_then(StderrTee::stop);
        if code != 0 {
            return;
        }
        let Some(stderr) = stderr else {
            self.say("result not cached (stderr could not be recorded)");
            return;
        };
        // A hit prints stderr, then stdout: with several inputs they were interleaved.
        if self.input_count > 1 && !stderr.is_empty() {
            self.say("result not cached (several inputs wrote to stderr)");
            return;
        }
        let mut reads: Vec<Read> = self.inputs.iter().cloned().map(Read::Stat).collect();
        reads.extend(reads_of(ev));
        let recorder = Recorder {
            immutable: immutable_roots(ev),
            started_ns: self.started_ns,
        };
        let deps = match recorder.record(&reads) {
            Ok(deps) => deps,
            Err(why) => {
                self.say(&format!("result not cached: {}", why.0));
                return;
            }
        };
        let entry = Entry {
            deps,
            recorded_at: rnix_eval_result_cache::now_secs(),
            stdout,
            stderr,
            exit_code: code,
            store: store_objects(ev),
        };
        if let Err(e) = self.cache.store(&self.key, &entry) {
            self.say(&format!("result not cached: writing the entry: {e}"));
        }
    }
}

/// The IO gate's log as real paths (mounted store paths are read from elsewhere).
pub fn reads_of(ev: &Evaluator) -> Vec<Read> {
    let Some(log) = &ev.io.log else { return Vec::new() };
    log.iter()
        .map(|a| match a {
            Access::File(p) => Read::File(ev.io.translate(p)),
            Access::Dir(p) => Read::Dir(ev.io.translate(p)),
            Access::Stat(p) => Read::Stat(ev.io.translate(p)),
            Access::Tree(p) => Read::Tree(ev.io.translate(p)),
            Access::Fetch(url) => Read::Fetch(url.clone()),
            Access::Env(name) => Read::Env(name.clone()),
            Access::Time => Read::Clock,
        })
        .collect()
}

/// The store and the fetcher cache's trees (named by their NAR hash).
pub fn immutable_roots(ev: &Evaluator) -> Vec<PathBuf> {
    let mut roots = vec![PathBuf::from(&ev.store.dir)];
    if let Some(trees) = rnix_eval_fetch::FetchCache::default_location().tree("x").parent() {
        roots.push(trees.to_path_buf());
    }
    roots
}

/// What the run wrote to the store (nothing when it writes to no store), inputs first.
pub fn store_objects(ev: &Evaluator) -> Vec<StoreObject> {
    if ev.store.sink.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (path, s) in &ev.store.sources {
        out.push(StoreObject::Source {
            path: path.clone(),
            name: s.name.clone(),
            local_path: s.local_path.clone(),
            recursive: s.recursive,
            excluded: s.excluded.iter().map(|p| p.to_string_lossy().into_owned()).collect(),
        });
    }
    for (path, t) in &ev.store.texts {
        out.push(StoreObject::Text {
            path: path.clone(),
            name: t.name.clone(),
            contents: t.contents.clone(),
            references: t.references.iter().cloned().collect(),
        });
    }
    for (path, d) in &ev.store.derivations {
        out.push(StoreObject::Drv {
            path: path.clone(),
            name: d.name.clone(),
            aterm: d.aterm.clone(),
        });
    }
    out
}

/// Write the objects again through the run's store writer, which skips valid ones.
pub fn replay_store(ev: &mut Evaluator, objects: &[StoreObject]) -> Result<(), String> {
    let Some(sink) = ev.store.sink.as_mut() else {
        return Ok(());
    };
    for o in objects {
        match o {
            StoreObject::Source {
                path,
                name,
                local_path,
                recursive,
                excluded,
            } => sink.write_source(
                path,
                &StoredSource {
                    name: name.clone(),
                    local_path: local_path.clone(),
                    recursive: *recursive,
                    excluded: excluded.iter().map(PathBuf::from).collect(),
                },
            )?,
            StoreObject::Text {
                path,
                name,
                contents,
                references,
            } => sink.write_text(
                path,
                &StoredText {
                    name: name.clone(),
                    contents: contents.clone(),
                    references: references.iter().cloned().collect(),
                },
            )?,
            StoreObject::Drv { path, name, aterm } => sink.write_drv(
                path,
                &StoredDrv {
                    name: name.clone(),
                    aterm: aterm.clone(),
                },
            )?,
        }
    }
    // The writes are in the background: their failure is known once they are done.
    sink.flush()
}
