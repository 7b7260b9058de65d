//! Flakes: from a flake reference to the flake's value.
//!
//! [`lock_flake`] fetches the root (through the evaluator's fetchers, so every tree is
//! mounted in its IO gate and recorded for the store), reads `flake.nix`, computes the
//! lock file against the old one ([`locking`]) and writes it when it changed (atomically,
//! and never after a failure); [`call_flake`] turns the locked graph into values
//! ([`call`]). [`install`] makes `builtins.getFlake` use the same path. No CLI types.

mod call;
pub mod flake_nix;
mod lock_diff;
pub mod lockfile;
mod locking;
pub mod outputs;

use lockfile::LockFile;
use rnix_eval_core::error::{ErrorKind, EvalError, EvalResult, TraceFrame};
use rnix_eval_core::io::Mode;
use rnix_eval_core::value::Value;
use rnix_eval_core::Evaluator;
use rnix_eval_fetch::{Attrs, FlakeRef};
use rnix_eval_parser::{Origin, Span};
use std::path::{Path, PathBuf};

/// How the lock file may change (`nix`'s locking flags).
#[derive(Clone, Debug, Default)]
pub struct FlakeOptions {
    /// `--no-write-lock-file` clears it.
    pub write_lock_file: bool,
    /// `--no-update-lock-file`: a lock file that would change is an error.
    pub no_update_lock_file: bool,
    /// `--recreate-lock-file`.
    pub recreate: bool,
    /// `--update-input A/B`.
    pub update_inputs: Vec<String>,
    /// `--override-input A/B REF`.
    pub override_inputs: Vec<(String, String)>,
    /// Pure `builtins.getFlake`: an input the lock file lacks may not be locked now
    /// unless its reference is locked already (Nix's `allowMutable = !pureEval`).
    pub refuse_unlocked: bool,
}

/// A fetched flake source: its store path and where `flake.nix` sits inside it.
#[derive(Clone, Debug)]
pub struct SourceRef {
    pub store_path: String,
    pub subdir: String,
}

impl SourceRef {
    fn file(&self, name: &str) -> String {
        if self.subdir.is_empty() {
            format!("{}/{name}", self.store_path)
        } else {
            format!("{}/{}/{name}", self.store_path, self.subdir)
        }
    }

    pub fn flake_file(&self) -> String {
        self.file("flake.nix")
    }

    pub fn lock_file(&self) -> String {
        self.file("flake.lock")
    }
}

pub struct LockedFlake {
    pub reference: FlakeRef,
    pub source: SourceRef,
    /// The root's `sourceInfo` (what `fetchTree` gives for it).
    pub source_attrs: Value,
    pub flake: flake_nix::FlakeNix,
    pub lock: LockFile,
}

fn fail(msg: String) -> Box<EvalError> {
    EvalError::new(ErrorKind::Eval, msg, None)
}

/// Fetch and lock the flake `reference` (a path is resolved against `base_dir`).
pub fn lock_flake(
    ev: &mut Evaluator,
    reference: &str,
    base_dir: &Path,
    opts: &FlakeOptions,
) -> EvalResult<LockedFlake> {
    let flake_ref = FlakeRef::parse(reference, Some(base_dir)).map_err(|e| fail(e.0))?;
    lock_flake_ref(ev, flake_ref, base_dir, opts)
}

/// [`lock_flake`] of a reference already parsed; `base_dir` resolves the relative paths
/// of `--override-input`.
pub fn lock_flake_ref(
    ev: &mut Evaluator,
    mut flake_ref: FlakeRef,
    base_dir: &Path,
    opts: &FlakeOptions,
) -> EvalResult<LockedFlake> {
    let mut tree = rnix_eval_core::fetch_input(ev, &flake_ref.input, None)?;
    let mut source = SourceRef {
        store_path: tree.store_path.clone(),
        subdir: flake_ref.subdir.clone(),
    };
    let shown = flake_ref.to_url();
    if ev.io.stat(&source.flake_file()).is_err() {
        // A `flake.nix` Git does not track (yet): modern Nix's message, with its advice.
        if let Some(msg) = ev.io.untracked_message(&source.flake_file()) {
            return Err(fail(msg));
        }
        return Err(fail(format!(
            "source tree referenced by '{shown}' does not contain a '{}flake.nix' file",
            subdir_prefix(&source.subdir)
        )));
    }
    let mut flake = flake_nix::read(ev, &source.flake_file(), &shown)?;
    // Modern Nix's `applySelfAttrs`: `inputs.self.submodules = true` fetches the flake's
    // own repository again with its submodules (a path flake has all its files already).
    if flake_ref.input.get_str("type") == Some("git") {
        let mut input = flake_ref.input.clone();
        for (name, value) in &flake.self_attrs {
            if input.get(name).is_none() {
                input.set(name, *value);
            }
        }
        if input != flake_ref.input {
            flake_ref.input = input;
            tree = rnix_eval_core::fetch_input(ev, &flake_ref.input, None)?;
            source.store_path = tree.store_path.clone();
            flake = flake_nix::read(ev, &source.flake_file(), &shown)?;
        }
    }
    for setting in &flake.nix_config {
        eprintln!(
            "warning: ignoring the flake's 'nixConfig' setting '{setting}' (rnix-eval never applies flake settings)"
        );
    }
    let lock_path = source.lock_file();
    let old_text = read_lock_text(ev, &lock_path)?;
    // The lock file as it was, read once: it seeds locking (an unreadable one is an error
    // then), and the new lock is compared with it, also under `--recreate-lock-file`
    // (Nix reads it whatever the flags).
    let previous = match old_text.as_deref().map(|text| LockFile::parse(text, &lock_path)) {
        Some(Err(e)) if !opts.recreate => return Err(fail(e)),
        parsed => parsed.and_then(Result::ok),
    };
    let old = previous.as_ref().filter(|_| !opts.recreate);
    let mut inputs = flake.inputs.clone();
    for (path, target) in &opts.override_inputs {
        let r = FlakeRef::parse(target, Some(base_dir)).map_err(|e| fail(e.0))?;
        if !apply_override(&mut inputs, path, r) {
            eprintln!("warning: the flag '--override-input {path} {target}' does not match any input");
        }
    }
    let mut locker = locking::Locker::new(ev, opts);
    locker.lock_root(&inputs, old, &source)?;
    // Modern Nix's words (Nix 2.8: `the flag '--update-input a' does not match any input`).
    for update in locker.unused_updates() {
        eprintln!("warning: '{}' does not match any input of this flake", update.join("/"));
    }
    let lock = locker.lock;
    lock.check().map_err(fail)?;
    let new_text = lock.to_json_text();
    // As Nix, the lock files are compared, not their texts: one written by hand or by
    // another tool (other indentation, an older version) is left alone when it locks the
    // same.
    let old_normalised = previous.as_ref().map(LockFile::to_json_text);
    if old_normalised.as_deref() != Some(new_text.as_str()) && !(old_text.is_none() && lock.nodes[0].inputs.is_empty())
    {
        let changes = || lock_diff::diff(previous.as_ref().unwrap_or(&LockFile::default()), &lock);
        match writable_lock_path(&flake_ref) {
            Some(path) if opts.write_lock_file && opts.override_inputs.is_empty() => {
                if opts.no_update_lock_file {
                    return Err(fail(format!(
                        "flake '{shown}' requires lock file changes but they're not allowed due to '--no-update-lock-file'"
                    )));
                }
                // Nix's `lockFileExists` looks at the folder: a lock file Git does not
                // track (so the flake's source lacks it) is updated, not created.
                if old_text.is_some() || path.symlink_metadata().is_ok() {
                    eprintln!(
                        "warning: updating lock file '{}':\n{}",
                        path.display(),
                        changes().trim_end()
                    );
                } else {
                    eprintln!("warning: creating lock file '{}'", path.display());
                }
                write_atomically(&path, &new_text).map_err(|e| {
                    let reason = rnix_eval_store::io_reason(&e);
                    fail(format!("writing lock file '{}': {reason}", path.display()))
                })?;
                if flake_ref.input.get_str("type") == Some("git") && old_text.is_none() {
                    rnix_eval_fetch::git_intent_to_add(&path);
                }
                // The lock file is part of the flake's source now: fetch it again, as Nix
                // does, so `self` is what the next evaluation will see.
                tree = rnix_eval_core::fetch_input(ev, &flake_ref.input, None)?;
            }
            // Nix's `lockFlake`: a flake that is not a local folder (a tarball, a Git
            // repository at a given ref or revision) has nowhere to write its lock.
            None if opts.write_lock_file && opts.override_inputs.is_empty() => {
                return Err(fail(format!(
                    "cannot write modified lock file of flake '{shown}' (use '--no-write-lock-file' to ignore)"
                )));
            }
            _ => eprintln!(
                "warning: not writing modified lock file of flake '{shown}':\n{}",
                changes().trim_end()
            ),
        }
    }
    let source_attrs = rnix_eval_core::tree_attrs(&tree);
    let source = SourceRef {
        store_path: tree.store_path.clone(),
        ..source
    };
    Ok(LockedFlake {
        reference: flake_ref,
        source,
        source_attrs,
        flake,
        lock,
    })
}

fn subdir_prefix(subdir: &str) -> String {
    if subdir.is_empty() {
        String::new()
    } else {
        format!("{subdir}/")
    }
}

/// `--override-input a/b REF`: the input at that path takes `REF`. `false` (nothing
/// changed) when the flake declares no input `a`: Nix 2.8 only warns, and the flake's
/// `outputs` never see such an input.
fn apply_override(
    inputs: &mut std::collections::BTreeMap<String, flake_nix::FlakeInput>,
    path: &str,
    r: FlakeRef,
) -> bool {
    let mut parts = path.split('/');
    let Some(first) = parts.next() else { return false };
    // A declared input keeps its `flake = false` (Nix: "Respect the 'flakeness' of the
    // input even if we override it").
    let Some(mut input) = inputs.get_mut(first) else {
        return false;
    };
    for part in parts {
        input = input.overrides.entry(part.to_string()).or_default();
    }
    input.follows = None;
    if !input.from_cli {
        input.cli_original = input.reference.take();
    }
    input.reference = Some(r);
    input.from_cli = true;
    true
}

/// The local file a lock file is written to: only for flakes that are local directories.
fn writable_lock_path(r: &FlakeRef) -> Option<PathBuf> {
    let dir = match r.input.get_str("type")? {
        "path" => PathBuf::from(r.input.get_str("path")?),
        // A repository at a ref or revision is not its work tree (`getSourcePath`).
        "git" if r.input.get_str("ref").is_some() || r.input.get_str("rev").is_some() => return None,
        // The URL keeps its query (`?dir=`, as Nix 2.8 writes it into lock files), which
        // `local_file_path` leaves out.
        "git" => PathBuf::from(rnix_eval_fetch::local_file_path(r.input.get_str("url")?)?),
        _ => return None,
    };
    let dir = if r.subdir.is_empty() { dir } else { dir.join(&r.subdir) };
    Some(dir.join("flake.lock"))
}

/// Write to a temporary file beside `path` and rename it over: never a half-written lock.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_file_name(format!(".flake.lock.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The lock file's text; `None` when there is none. One that cannot be read (a folder, say)
/// is an error, as in Nix (`reading from file: Is a directory`), not a missing lock.
fn read_lock_text(ev: &mut Evaluator, path: &str) -> EvalResult<Option<String>> {
    match ev.io.read_file(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(rnix_eval_core::io::IoError::Sys(e)) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(fail(format!("reading from file: {}", rnix_eval_store::io_reason(&e))))
        }
        Err(_) => Ok(None),
    }
}

pub(crate) fn read_lock_file(ev: &mut Evaluator, path: &str) -> EvalResult<Option<LockFile>> {
    match read_lock_text(ev, path)? {
        Some(text) => Ok(Some(LockFile::parse(&text, path).map_err(fail)?)),
        None => Ok(None),
    }
}

/// Fetch an input declared by the flake at `parent`; relative `path:` inputs are read
/// inside the parent's source. Returns the input's source and its locked attributes.
pub(crate) fn fetch_reference(
    ev: &mut Evaluator,
    r: &FlakeRef,
    parent: &SourceRef,
    input_path: &[String],
) -> EvalResult<(SourceRef, Attrs)> {
    let mut attrs = r.input.clone();
    let relative = attrs.get_str("type") == Some("path") && attrs.get_str("path").is_some_and(|p| !p.starts_with('/'));
    if relative {
        let rel = attrs.get_str("path").unwrap_or_default().to_string();
        let base = if parent.subdir.is_empty() {
            parent.store_path.clone()
        } else {
            format!("{}/{}", parent.store_path, parent.subdir)
        };
        let absolute = rnix_eval_parser::paths::canon_path(&format!("{base}/{rel}"));
        let store_path = &parent.store_path;
        if absolute != *store_path && !absolute.starts_with(&format!("{store_path}/")) {
            return Err(fail(format!(
                "relative path '{rel}' points outside of its parent's store path '{store_path}'"
            )));
        }
        attrs.set("path", absolute);
    }
    let name = input_path.join("/");
    let tree = rnix_eval_core::fetch_input(ev, &attrs, None).map_err(|mut e| {
        if e.message.ends_with(": offline") {
            e.message = format!("cannot fetch input '{name}' ({}): offline", r.to_url());
        } else {
            e.trace.push(TraceFrame {
                span: None,
                message: format!("while fetching the input '{name}' ({})", r.to_url()),
            });
        }
        e
    })?;
    let mut locked = tree.locked.clone();
    if relative {
        locked.set("path", r.input.get_str("path").unwrap_or_default());
    }
    for unlockable in ["dirtyRev", "dirtyShortRev"] {
        locked.remove(unlockable);
    }
    if !r.subdir.is_empty() {
        locked.set("dir", r.subdir.as_str());
    }
    let source = SourceRef {
        store_path: tree.store_path,
        subdir: r.subdir.clone(),
    };
    Ok((source, locked))
}

/// The value of a locked flake (what `builtins.getFlake` returns).
pub fn call_flake(ev: &mut Evaluator, locked: &LockedFlake) -> EvalResult<Value> {
    let f = ev.eval_embedded(Origin::Path("//builtin/call-flake.nix".into()), call::CALL_FLAKE_NIX)?;
    let f = ev.call(f, Value::string(locked.lock.to_json_text()), None)?;
    let f = ev.force(&f)?;
    let f = ev.call(f, locked.source_attrs.clone(), None)?;
    let f = ev.force(&f)?;
    let v = ev.call(f, Value::string(locked.source.subdir.clone()), None)?;
    ev.force(&v)
}

/// Lock (writing the lock file as `opts` allow) and call a flake.
pub fn load_flake(ev: &mut Evaluator, reference: &str, base_dir: &Path, opts: &FlakeOptions) -> EvalResult<Value> {
    let locked = lock_flake(ev, reference, base_dir, opts)?;
    call_flake(ev, &locked)
}

/// Answer `builtins.getFlake` with this crate: in pure mode the reference must be locked,
/// and no lock file is ever written.
pub fn install(ev: &mut Evaluator) {
    ev.flake_loader = Some(Box::new(|ev: &mut Evaluator, reference: &str, span: Option<Span>| {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let r = FlakeRef::parse_without_base(reference).map_err(|e| EvalError::new(ErrorKind::Eval, e.0, span))?;
        let locked = r.input.get_str("narHash").is_some() || r.input.get_str("rev").is_some();
        if ev.io.mode == Mode::Pure && !locked {
            return Err(EvalError::new(
                ErrorKind::Eval,
                format!("cannot call 'getFlake' on unlocked flake reference '{reference}' (use --impure to override)"),
                span,
            ));
        }
        let opts = FlakeOptions {
            refuse_unlocked: ev.io.mode == Mode::Pure,
            ..FlakeOptions::default()
        };
        let locked = lock_flake_ref(ev, r, &cwd, &opts)?;
        call_flake(ev, &locked)
    }));
}
