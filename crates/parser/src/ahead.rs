//! Parsing ahead on the second core, into the parse cache.
//!
//! On a first run (nothing cached) parsing and lowering are a fifth of a NixOS
//! evaluation, all on the evaluating thread, while the second core idles. But the files
//! an evaluation imports are mostly named by path literals of the files it has already
//! read (`module-list.nix` names 900 modules, `imports = [ ./a.nix ]`, `callPackage
//! ../p { }`). So each path literal of a file the evaluating thread had to parse is handed
//! to a worker thread, which parses, lowers and encodes it into the parse cache (the
//! hand-over: the evaluating thread then decodes the entry as on a warm run).
//!
//! Invariants: the worker only ever writes cache entries, through the same key and the
//! same atomic write as [`cache::store`], so what the evaluation sees does not depend on
//! whether or when the worker ran (an entry missing or late means a parse, nothing else);
//! it never reads through the evaluator's I/O gate, but nothing it reads reaches the
//! evaluation except as an entry keyed by the text the evaluation itself read.
//! The worker takes the newest request first: the evaluating thread imports a file's
//! paths from the first, so the two meet in the middle instead of racing for one file.
//! A file the worker produced hands its own paths on only when the evaluation loads it,
//! so the worker follows the evaluation instead of walking all of nixpkgs.

use crate::cache;
use crate::lower::Globals;
use crate::source::FileId;
use crate::symbol::Symbol;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};

/// What the worker needs to lower files as the evaluating thread would.
struct Context {
    dir: PathBuf,
    /// The global names and slots, as strings: symbols are per thread.
    globals: Vec<(String, u32)>,
    fingerprint: [u8; 32],
}

#[derive(Default)]
struct State {
    /// Paths waiting for the worker, newest last.
    queue: Vec<Box<str>>,
    /// Every path ever queued or parsed by the evaluating thread (each is tried once).
    seen: FxHashSet<Box<str>>,
    /// The entry the worker is making now.
    in_flight: Option<blake3::Hash>,
    /// Entries the worker made (their bytes, also queued for the disk), with the path
    /// literals of their files.
    produced: FxHashMap<blake3::Hash, (Vec<u8>, Vec<Box<str>>)>,
    context: Option<std::sync::Arc<Context>>,
    started: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when the queue grows or an entry is finished.
    changed: Condvar,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| Shared {
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
    })
}

fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether parsing ahead is on: `RNIX_EVAL_PARSE_AHEAD=1` (it needs the parse cache
/// too). Off by default until it measures faster (see ARCHITECTURE.md).
fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("RNIX_EVAL_PARSE_AHEAD").is_some_and(|v| v == "1"))
}

/// The evaluating thread parsed the file at `path` (a cache miss): queue the path
/// literals it names.
pub(crate) fn parsed(dir: &Path, path: &str, literals: Vec<Box<str>>, globals: &dyn Globals) {
    if !enabled() {
        return;
    }
    let shared = shared();
    let mut state = lock(shared);
    state.seen.insert(path.into());
    if let Some(dir) = path.strip_suffix("/default.nix") {
        state.seen.insert(dir.into());
    }
    let fingerprint = globals.fingerprint();
    if state
        .context
        .as_ref()
        .is_none_or(|c| c.fingerprint != fingerprint || c.dir != dir)
    {
        state.context = Some(std::sync::Arc::new(Context {
            dir: dir.to_path_buf(),
            globals: globals.entries(),
            fingerprint,
        }));
    }
    queue(shared, state, literals);
}

/// The entry for `key` if the worker made it: the evaluating thread is about to look
/// `key` up in the cache. Waits while the worker is making that very entry, and queues
/// the path literals of a file the worker made (the evaluation is following it now).
/// The bytes are handed over in memory: the disk write may not be done yet.
pub(crate) fn take(key: &blake3::Hash) -> Option<Vec<u8>> {
    if !enabled() {
        return None;
    }
    let shared = shared();
    let mut state = lock(shared);
    while state.in_flight.as_ref() == Some(key) {
        state = shared.changed.wait(state).unwrap_or_else(|e| e.into_inner());
    }
    let (bytes, literals) = state.produced.remove(key)?;
    queue(shared, state, literals);
    Some(bytes)
}

fn queue(shared: &'static Shared, mut state: MutexGuard<'_, State>, literals: Vec<Box<str>>) {
    let before = state.queue.len();
    // Reversed, so that the worker (taking the newest first) starts from the last.
    for literal in literals.into_iter().rev() {
        if state.seen.insert(literal.clone()) {
            state.queue.push(literal);
        }
    }
    if state.queue.len() == before {
        return;
    }
    if !state.started {
        state.started = true;
        let spawned = std::thread::Builder::new()
            .name("parse-ahead".into())
            // Lowering recurses as deep as the nesting limit lets a file go.
            .stack_size(8 << 20)
            .spawn(move || work(shared));
        if spawned.is_err() {
            state.queue.clear();
        }
    }
    drop(state);
    shared.changed.notify_all();
}

/// Called by the worker when its queue runs dry: the binary's allocator hands the
/// worker's freed memory over to the evaluating thread (`set_idle_hook`).
static IDLE_HOOK: OnceLock<fn()> = OnceLock::new();

/// What the worker calls when it has nothing to do. mimalloc keeps a thread's freed pages
/// for that thread: without `mi_collect` the worker's parse trees stayed resident (a cold
/// NixOS evaluation 30 MB larger).
pub fn set_idle_hook(hook: fn()) {
    let _ = IDLE_HOOK.set(hook);
}

fn work(shared: &'static Shared) {
    let mut globals: Option<([u8; 32], FxHashMap<Symbol, u32>)> = None;
    loop {
        let (literal, context) = {
            let mut state = lock(shared);
            let mut idle = false;
            loop {
                if let (Some(literal), Some(context)) = (state.queue.last(), &state.context) {
                    let job = (literal.clone(), context.clone());
                    state.queue.pop();
                    break job;
                }
                if !idle {
                    idle = true;
                    if let Some(hook) = IDLE_HOOK.get() {
                        drop(state);
                        hook();
                        state = lock(shared);
                        continue;
                    }
                }
                state = shared.changed.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        };
        if globals.as_ref().is_none_or(|(fp, _)| *fp != context.fingerprint) {
            let table = context.globals.iter().map(|(name, slot)| (Symbol::intern(name), *slot));
            globals = Some((context.fingerprint, table.collect()));
        }
        let Some((_, table)) = &globals else { continue };
        make_entry(shared, &context, table, &literal);
    }
}

/// Parse the file `literal` names (a directory: its `default.nix`) into a cache entry,
/// unless it is not a Nix file, is too small to cache, or has an entry already.
fn make_entry(shared: &Shared, context: &Context, globals: &FxHashMap<Symbol, u32>, literal: &str) {
    let Some(path) = nix_file(literal) else { return };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    if text.len() < cache::MIN_TEXT {
        return;
    }
    let base_dir = match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    };
    let home = std::env::var("HOME").ok();
    let key = cache::key(&cache::KeyInput {
        globals: context.fingerprint,
        path: &path,
        base_dir: &base_dir,
        home: home.as_deref(),
        text: &text,
    });
    if cache::has_entry(&context.dir, &key) {
        return;
    }
    {
        let mut state = lock(shared);
        if state.produced.contains_key(&key) {
            return;
        }
        state.in_flight = Some(key);
    }
    let mut literals = Vec::new();
    let lowered = crate::parse_and_lower_uncached(FileId::DETACHED, base_dir, &text, globals, &[], &mut literals);
    let bytes = lowered.ok().and_then(|expr| cache::encode_entry(&key, &expr));
    let mut state = lock(shared);
    state.in_flight = None;
    if let Some(bytes) = bytes {
        cache::store_encoded(&context.dir, &key, bytes.clone());
        state.produced.insert(key, (bytes, literals));
    }
    drop(state);
    shared.changed.notify_all();
}

/// The file `import` would read for the path literal `literal`, when that is plainly a
/// Nix file: a `.nix` file or a directory's `default.nix`, with no symlink on the way
/// (the evaluation would import a symlink as its target, under another key).
fn nix_file(literal: &str) -> Option<String> {
    let meta = std::fs::symlink_metadata(literal).ok()?;
    if meta.is_dir() {
        let file = format!("{literal}/default.nix");
        return std::fs::symlink_metadata(&file).ok()?.is_file().then_some(file);
    }
    (meta.is_file() && literal.ends_with(".nix")).then(|| literal.to_string())
}
