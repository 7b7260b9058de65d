//! What evaluation knows of the Nix store: every store path it computed, the `.drv` files
//! it produced, the sources it would copy and the texts `toFile` would write.
//!
//! Paths are computed exactly as Nix computes them (crate `rnix-eval-store`); nothing here
//! writes to a store. A store client reads [`StoreState`] after (or during) evaluation and
//! writes what is missing, so `--read-only` and a daemon-backed run compute the same paths.

use indexmap::IndexMap;
use rnix_eval_store::derivation::{hash_derivation_modulo, parse_aterm, Derivation};
use rnix_eval_store::hash::Hash;
use rnix_eval_store::store::text_path;
use rnix_eval_store::store_path;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// A `.drv` file this evaluation produced: its text only. The parsed [`Derivation`] was
/// kept beside it and made a derivation take 4.4 KB here against Nix's 1.8 KB (50,000
/// `derivationStrict` calls: 256 MB against 89 MB); what needs its parts (references for
/// a store write, outputs for import from derivation) parses the text again.
#[derive(Clone)]
pub struct StoredDrv {
    pub name: String,
    /// The exact bytes Nix writes to the `.drv` file; with [`StoreState::drop_drv_texts`]
    /// and no sink, the text of the derivation without its builder, arguments and
    /// environment: all that its references and outputs need.
    pub aterm: Vec<u8>,
}

impl StoredDrv {
    /// The derivation the text describes.
    pub fn derivation(&self) -> StoreResult<Derivation> {
        parse_aterm(&self.aterm).map_err(|e| format!("parsing derivation '{}': {e}", self.name))
    }

    /// The store paths the `.drv` file refers to: its input sources and derivations.
    pub fn references(&self) -> StoreResult<BTreeSet<String>> {
        Ok(owned(self.derivation()?.references()))
    }
}

fn owned(paths: BTreeSet<&str>) -> BTreeSet<String> {
    paths.into_iter().map(String::from).collect()
}

/// A text file from `builtins.toFile`.
#[derive(Clone)]
pub struct StoredText {
    pub name: String,
    /// Bytes, not text: a Nix string need not be UTF-8 (`toFile` of a Latin-1 file).
    /// Empty when the state has no [`StoreSink`]: only a store write (and the result
    /// cache's record of one) reads them, and a NixOS system's manual makes 10.9 MB of
    /// them that nothing reads in `--eval` or `--read-only` runs.
    pub contents: Vec<u8>,
    pub references: BTreeSet<String>,
}

/// A local file or tree copied into the store (`"${./src}"`, `builtins.path`, `filterSource`).
#[derive(Clone)]
pub struct StoredSource {
    pub name: String,
    pub local_path: String,
    pub recursive: bool,
    /// Paths the filter rejected (their subtrees are left out as well).
    pub excluded: Vec<PathBuf>,
}

/// Where store objects go as soon as evaluation makes them (a nix-daemon, say). Each
/// method gets the computed path and must make it valid (or fail with a message); it is
/// called once per path, inputs before the objects that refer to them.
pub trait StoreSink {
    fn write_source(&mut self, path: &str, source: &StoredSource) -> StoreResult<()>;
    fn write_text(&mut self, path: &str, text: &StoredText) -> StoreResult<()>;
    fn write_drv(&mut self, path: &str, drv: &StoredDrv) -> StoreResult<()>;
    /// Build `(drv, output)` targets for import from derivation; returns the output paths.
    fn build(&mut self, targets: &[(String, String)]) -> StoreResult<Vec<String>>;
    /// `storePath`'s `ensurePath`: make `path` valid (substituting it) or fail.
    fn ensure_valid(&mut self, path: &str) -> StoreResult<()> {
        let _ = path;
        Ok(())
    }
    /// Whether `path` is valid in the store (an error: the store cannot be asked).
    fn is_valid(&mut self, path: &str) -> StoreResult<bool> {
        let _ = path;
        Err("no store to ask".into())
    }
    /// Returns once everything written so far is valid in the store, or with the first
    /// write's failure: a sink may write in the background, since evaluation computes every
    /// path itself and needs the store only where it reads or builds what it wrote.
    fn flush(&mut self) -> StoreResult<()> {
        Ok(())
    }
}

#[derive(Default)]
pub struct StoreState {
    pub dir: String,
    /// By store path, in creation order.
    pub derivations: IndexMap<String, StoredDrv>,
    pub texts: IndexMap<String, StoredText>,
    pub sources: IndexMap<String, StoredSource>,
    /// `hashDerivationModulo` (unmasked) by drv path, memoised as Nix's `drvHashes`.
    modulo_hashes: FxHashMap<String, Hash>,
    /// Local path -> store path of plain path copies (Nix's `srcToStore`).
    pub copied_paths: FxHashMap<String, String>,
    /// Writes what is computed through to a store; `None` computes only (`--read-only`).
    pub sink: Option<Box<dyn StoreSink>>,
    /// Keep only the parts of a `.drv` text that evaluation reads again when nothing will
    /// write the texts (no sink, no `--write-drvs-to`, no comparison with Nix's): the
    /// builder, arguments and environment are most of a text, and a NixOS system's were
    /// 8.4 MB of its peak heap that nothing read (the hashes are memoised when made).
    pub drop_drv_texts: bool,
}

/// Errors from the store model, as text for `EvalError`s.
pub type StoreResult<T> = Result<T, String>;

impl StoreState {
    pub fn new(dir: String) -> StoreState {
        StoreState {
            dir,
            ..Default::default()
        }
    }

    /// The unmasked `hashDerivationModulo` of a derivation we produced or that exists on
    /// disk, memoised.
    pub fn modulo_hash_of(&mut self, drv_path: &str) -> StoreResult<Hash> {
        if let Some(h) = self.modulo_hashes.get(drv_path) {
            return Ok(h.clone());
        }
        let drv = match self.derivations.get(drv_path) {
            Some(stored) => stored.derivation()?,
            None => self.read_foreign_drv(drv_path)?,
        };
        let h = self.modulo_hash(&drv, false)?;
        self.modulo_hashes.insert(drv_path.to_string(), h.clone());
        Ok(h)
    }

    /// `hashDerivationModulo(drv, mask)` with inputs resolved through this state.
    pub fn modulo_hash(&mut self, drv: &Derivation, mask_outputs: bool) -> StoreResult<Hash> {
        hash_derivation_modulo(drv, mask_outputs, &mut |path: &str| self.modulo_hash_of(path))
    }

    fn read_foreign_drv(&self, drv_path: &str) -> StoreResult<Derivation> {
        let text = std::fs::read(drv_path).map_err(|e| format!("path '{drv_path}' is not valid (reading it: {e})"))?;
        parse_aterm(&text).map_err(|e| format!("parsing derivation '{drv_path}': {e}"))
    }

    /// Nix's `ensurePath` where it writes (never in read-only mode): `path` valid in the
    /// sink's store, or substituted ([`StoreSink::ensure_valid`]).
    pub fn ensure_valid(&mut self, path: &str) -> StoreResult<()> {
        self.sink.as_mut().map_or(Ok(()), |s| s.ensure_valid(path))
    }

    /// Waits for the sink's writes ([`StoreSink::flush`]).
    pub fn flush(&mut self) -> StoreResult<()> {
        self.sink.as_mut().map_or(Ok(()), |s| s.flush())
    }

    /// Record a finished derivation; returns its store path (`writeDerivation`).
    pub fn add_derivation(&mut self, name: &str, drv: Derivation) -> StoreResult<String> {
        let aterm = drv.to_aterm();
        let drv_name = format!("{name}.drv");
        let references = owned(drv.references());
        let path = text_path(&self.dir, &drv_name, &aterm, &references).map_err(|e| e.to_string())?;
        if self.derivations.contains_key(&path) {
            return Ok(path);
        }
        // Nix memoises the unmasked hash right away ("required in read-only mode").
        let h = self.modulo_hash(&drv, false)?;
        self.modulo_hashes.insert(path.clone(), h);
        let mut stored = StoredDrv { name: drv_name, aterm };
        if let Some(sink) = &mut self.sink {
            sink.write_drv(&path, &stored)?;
        } else if self.drop_drv_texts {
            let outline = Derivation {
                builder: Vec::new(),
                args: Vec::new(),
                env: Default::default(),
                ..drv
            };
            stored.aterm = outline.to_aterm();
        }
        self.derivations.insert(path.clone(), stored);
        Ok(path)
    }

    pub fn add_text(&mut self, name: &str, contents: &[u8], references: BTreeSet<String>) -> StoreResult<String> {
        let path = text_path(&self.dir, name, contents, &references).map_err(|e| e.to_string())?;
        if !self.texts.contains_key(&path) {
            let text = StoredText {
                name: name.to_string(),
                contents: if self.sink.is_some() {
                    contents.to_vec()
                } else {
                    Vec::new()
                },
                references,
            };
            if let Some(sink) = &mut self.sink {
                sink.write_text(&path, &text)?;
            }
            self.texts.insert(path.clone(), text);
        }
        Ok(path)
    }

    /// Record a source copied into the store (once per store path).
    pub fn add_source(&mut self, path: &str, source: StoredSource) -> StoreResult<()> {
        if !self.sources.contains_key(path) {
            if let Some(sink) = &mut self.sink {
                sink.write_source(path, &source)?;
            }
            self.sources.insert(path.to_string(), source);
        }
        Ok(())
    }

    /// The store paths a path refers to, for the closure of `=drv` contexts
    /// (`computeFSClosure`): inputs of derivations, references of texts.
    pub fn references(&self, path: &str) -> StoreResult<BTreeSet<String>> {
        if let Some(d) = self.derivations.get(path) {
            return d.references();
        }
        if let Some(t) = self.texts.get(path) {
            return Ok(t.references.clone());
        }
        if self.sources.contains_key(path) {
            return Ok(BTreeSet::new());
        }
        if path.ends_with(".drv") {
            return Ok(owned(self.read_foreign_drv(path)?.references()));
        }
        Ok(BTreeSet::new())
    }

    /// The path of output `output` of a derivation we made or that is on disk.
    pub fn output_path(&self, drv_path: &str, output: &str) -> StoreResult<Option<String>> {
        let outputs = match self.derivations.get(drv_path) {
            Some(d) => d.derivation()?.outputs,
            None => self.read_foreign_drv(drv_path)?.outputs,
        };
        Ok(outputs.get(output).map(|o| o.path.clone()))
    }

    /// The output names of a derivation we know.
    pub fn output_names(&self, drv_path: &str) -> StoreResult<BTreeSet<String>> {
        match self.derivations.get(drv_path) {
            Some(d) => Ok(d.derivation()?.outputs.into_keys().collect()),
            None => Ok(self.read_foreign_drv(drv_path)?.outputs.keys().cloned().collect()),
        }
    }

    /// `computeFSClosure`: `path` and everything it refers to, transitively.
    pub fn closure(&self, path: &str) -> StoreResult<BTreeSet<String>> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![path.to_string()];
        while let Some(p) = todo.pop() {
            if seen.insert(p.clone()) {
                todo.extend(self.references(&p)?);
            }
        }
        Ok(seen)
    }
}

/// Nix checks the name of every store path it makes; its message quotes the whole base
/// name (`<hash>-<name>`), so the check runs on the finished path.
pub fn check_path_name(dir: &str, path: &str) -> StoreResult<()> {
    store_path::check_store_path_name(dir, path).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rnix_eval_store::derivation::DerivationOutput;

    /// What a [`Recorder`] was asked to write: paths and contents.
    type Written = std::rc::Rc<std::cell::RefCell<Vec<(String, Vec<u8>)>>>;

    /// A sink that records what it was asked to write.
    struct Recorder(Written);

    impl StoreSink for Recorder {
        fn write_source(&mut self, _: &str, _: &StoredSource) -> StoreResult<()> {
            Ok(())
        }
        fn write_text(&mut self, path: &str, text: &StoredText) -> StoreResult<()> {
            self.0.borrow_mut().push((path.to_string(), text.contents.clone()));
            Ok(())
        }
        fn write_drv(&mut self, _: &str, _: &StoredDrv) -> StoreResult<()> {
            Ok(())
        }
        fn build(&mut self, _: &[(String, String)]) -> StoreResult<Vec<String>> {
            Ok(Vec::new())
        }
    }

    #[test]
    fn texts_are_kept_only_for_a_store_writer() {
        let mut read_only = StoreState::new("/nix/store".into());
        let path = read_only.add_text("t", b"contents", BTreeSet::new()).unwrap();
        assert!(read_only.texts[&path].contents.is_empty());

        let written = Written::default();
        let mut writing = StoreState::new("/nix/store".into());
        writing.sink = Some(Box::new(Recorder(written.clone())));
        let same = writing.add_text("t", b"contents", BTreeSet::new()).unwrap();
        assert_eq!(same, path, "the path does not depend on keeping the text");
        assert_eq!(writing.texts[&path].contents, b"contents");
        assert_eq!(*written.borrow(), [(path, b"contents".to_vec())]);
    }

    /// A derivation with an input derivation, a source and a large environment.
    fn sample_drv(store: &mut StoreState) -> Derivation {
        let dep = Derivation {
            outputs: [("out".to_string(), DerivationOutput::default())].into(),
            platform: "x86_64-linux".into(),
            builder: b"/bin/sh".to_vec(),
            ..Derivation::default()
        };
        let dep_path = store.add_derivation("dep", dep).unwrap();
        let out = |p: &str| DerivationOutput {
            path: format!("/nix/store/{p}"),
            ..DerivationOutput::default()
        };
        Derivation {
            outputs: [
                ("out".to_string(), out("aaaa-x")),
                ("dev".to_string(), out("bbbb-x-dev")),
            ]
            .into(),
            input_drvs: [(dep_path, ["out".to_string()].into())].into(),
            input_srcs: ["/nix/store/cccc-builder.sh".to_string()].into(),
            platform: "x86_64-linux".into(),
            builder: b"/bin/sh".to_vec(),
            args: vec![b"-e".to_vec(), b"/nix/store/cccc-builder.sh".to_vec()],
            env: [(b"buildPhase".to_vec(), vec![b'x'; 4000])].into(),
        }
    }

    #[test]
    fn dropped_drv_texts_keep_paths_references_and_outputs() {
        let mut full = StoreState::new("/nix/store".into());
        let mut outline = StoreState::new("/nix/store".into());
        outline.drop_drv_texts = true;
        let drv = sample_drv(&mut full);
        let path = full.add_derivation("x", drv).unwrap();
        let drv = sample_drv(&mut outline);
        assert_eq!(
            outline.add_derivation("x", drv).unwrap(),
            path,
            "the path is the full text's"
        );
        assert!(outline.derivations[&path].aterm.len() * 4 < full.derivations[&path].aterm.len());
        assert_eq!(outline.references(&path).unwrap(), full.references(&path).unwrap());
        assert_eq!(outline.output_names(&path).unwrap(), full.output_names(&path).unwrap());
        assert_eq!(
            outline.output_path(&path, "dev").unwrap(),
            Some("/nix/store/bbbb-x-dev".to_string())
        );
        assert_eq!(
            outline.modulo_hash_of(&path).unwrap(),
            full.modulo_hash_of(&path).unwrap()
        );
    }
}
