//! The worker operations, each in the form the negotiated protocol version calls for
//! (Nix's `RemoteStore`, `src/libstore/remote-store.cc`; the daemon side is
//! `src/libstore/daemon.cc`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Write};
use std::time::Duration;

use super::connection::{read_error, Connection, OpError, OpResult};
use super::error::{Result, StoreError};
use super::nar_stream::{copy_nar, regular_file_from_nar, CopyNarError};
use super::op;
use super::types::{BuildMode, BuildResult, BuildStatus, DerivedPath, Missing, OutputSpec, PathInfo};
use super::wire::{
    self, invalid_data, read_bool, read_opt_store_path, read_store_path, read_store_path_set, read_string,
    read_string_set, read_u64, write_bool, write_bytes, write_str, write_string_set, write_u64,
};
use crate::hash::{Hash, HashAlgo};
use crate::nar::NarIoError;
use crate::store_path::{self, FileIngestionMethod};

/// What `AddToStore` sends.
pub enum AddPayload<'a> {
    /// A NAR serialisation, for recursive ingestion: the closure writes it.
    Nar(&'a mut dyn FnMut(&mut dyn Write) -> std::result::Result<(), NarIoError>),
    /// The `len` bytes of a single file, for flat ingestion: the closure writes exactly them.
    Flat {
        len: u64,
        write: &'a mut dyn FnMut(&mut dyn Write) -> std::result::Result<(), NarIoError>,
    },
}

impl PathInfo {
    /// The path info and NAR of a text file as `AddTextToStore` would make it (for
    /// [`Connection::add_multiple_to_store`]).
    pub fn for_text(
        store_dir: &str,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<String>,
    ) -> (PathInfo, Vec<u8>) {
        let content_hash = Hash::digest(HashAlgo::Sha256, contents);
        let path = store_path::make_text_path(store_dir, name, &content_hash, references.iter().map(String::as_str));
        let nar = regular_file_nar(contents);
        let info = PathInfo {
            path,
            deriver: None,
            nar_hash: Hash::digest(HashAlgo::Sha256, &nar),
            references: references.clone(),
            registration_time: 0,
            nar_size: nar.len() as u64,
            ultimate: false,
            sigs: BTreeSet::new(),
            ca: Some(format!("text:sha256:{}", content_hash.to_nix32())),
        };
        (info, nar)
    }
}

/// The NAR of one regular, non-executable file.
pub fn regular_file_nar(contents: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(contents.len() + 128);
    write_regular_nar_header(&mut out, contents.len() as u64).expect("writing to a Vec");
    out.extend_from_slice(contents);
    write_regular_nar_trailer(&mut out, contents.len() as u64).expect("writing to a Vec");
    out
}

fn write_regular_nar_header(w: &mut dyn Write, len: u64) -> io::Result<()> {
    for tok in [crate::nar::NAR_MAGIC, "(", "type", "regular", "contents"] {
        write_str(w, tok)?;
    }
    write_u64(w, len)
}

fn write_regular_nar_trailer(w: &mut dyn Write, len: u64) -> io::Result<()> {
    w.write_all(&[0u8; 8][..wire::padding(len)])?;
    write_str(w, ")")
}

/// Counts what passes through, to check a flat payload has the length it announced.
struct Counting<'a> {
    inner: &'a mut dyn Write,
    n: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn flat_as_nar(
    w: &mut dyn Write,
    name: &str,
    len: u64,
    write: &mut dyn FnMut(&mut dyn Write) -> std::result::Result<(), NarIoError>,
) -> std::result::Result<(), NarIoError> {
    write_regular_nar_header(w, len).map_err(NarIoError::Write)?;
    let mut counting = Counting { inner: w, n: 0 };
    write(&mut counting)?;
    if counting.n != len {
        return Err(NarIoError::Read {
            what: "sending the contents of",
            path: name.into(),
            source: io::Error::other(format!("{len} bytes announced, {} sent", counting.n)),
        });
    }
    write_regular_nar_trailer(w, len).map_err(NarIoError::Write)
}

impl Connection {
    fn check_path(&self, path: &str) -> Result<()> {
        if store_path::is_store_path(&self.store_dir, path) {
            Ok(())
        } else {
            Err(StoreError::Invalid(format!("path '{path}' is not in the Nix store")))
        }
    }

    fn begin(&mut self, op: u64) -> OpResult<()> {
        Ok(write_u64(&mut self.writer, op)?)
    }

    fn read_path_info(&mut self, path: String) -> OpResult<PathInfo> {
        let r = &mut self.reader;
        let dir = &self.store_dir;
        let deriver = read_opt_store_path(r, dir)?;
        let hash_text = read_string(r)?;
        let nar_hash = Hash::parse_any(&hash_text, Some(HashAlgo::Sha256))
            .map_err(|e| invalid_data(format!("bad NAR hash '{hash_text}' from the nix-daemon: {e}")))?;
        let references = read_store_path_set(r, dir)?;
        let registration_time = read_u64(r)?;
        let nar_size = read_u64(r)?;
        let (mut ultimate, mut sigs, mut ca) = (false, BTreeSet::new(), None);
        if self.version.at_least(16) {
            ultimate = read_bool(r)?;
            sigs = read_string_set(r)?;
            ca = Some(read_string(r)?).filter(|s| !s.is_empty());
        }
        Ok(PathInfo {
            path,
            deriver,
            nar_hash,
            references,
            registration_time,
            nar_size,
            ultimate,
            sigs,
            ca,
        })
    }

    /// `IsValidPath`.
    pub fn is_valid_path(&mut self, path: &str) -> Result<bool> {
        self.check_path(path)?;
        self.run(&format!("checking whether '{path}' is valid"), true, |c| {
            c.begin(op::IS_VALID_PATH)?;
            write_str(&mut c.writer, path)?;
            c.stderr()?;
            Ok(read_bool(&mut c.reader)?)
        })
    }

    /// `QueryValidPaths`: the subset of `paths` that is valid, after trying to substitute
    /// the others if `substitute` (protocol >= 1.27; older daemons never substitute here).
    pub fn query_valid_paths(&mut self, paths: &BTreeSet<String>, substitute: bool) -> Result<BTreeSet<String>> {
        paths.iter().try_for_each(|p| self.check_path(p))?;
        self.run("querying which paths are valid", !substitute, |c| {
            c.begin(op::QUERY_VALID_PATHS)?;
            write_string_set(&mut c.writer, paths)?;
            if c.version.at_least(27) {
                write_bool(&mut c.writer, substitute)?;
            }
            c.stderr()?;
            Ok(read_store_path_set(&mut c.reader, &c.store_dir)?)
        })
    }

    /// `QueryPathInfo`; `None` if the path is not valid.
    pub fn query_path_info(&mut self, path: &str) -> Result<Option<PathInfo>> {
        self.check_path(path)?;
        self.run(&format!("querying the info of '{path}'"), true, |c| {
            c.begin(op::QUERY_PATH_INFO)?;
            write_str(&mut c.writer, path)?;
            match c.stderr() {
                // Daemons before 1.17 report an invalid path as an error.
                Err(OpError::Daemon(e)) if e.raw_message.contains("is not valid") => return Ok(None),
                r => r?,
            }
            if c.version.at_least(17) && !read_bool(&mut c.reader)? {
                return Ok(None);
            }
            Ok(Some(c.read_path_info(path.to_string())?))
        })
    }

    /// `AddTextToStore` (op 8, every protocol version): a text file with references; returns
    /// its path.
    pub fn add_text_to_store(&mut self, name: &str, text: &[u8], references: &BTreeSet<String>) -> Result<String> {
        references.iter().try_for_each(|p| self.check_path(p))?;
        self.run(&format!("adding '{name}' to the store"), false, |c| {
            c.send_add_text(name, text, references)?;
            c.stderr()?;
            Ok(read_store_path(&mut c.reader, &c.store_dir)?)
        })
    }

    /// The request of `AddTextToStore`, buffered.
    fn send_add_text(&mut self, name: &str, text: &[u8], references: &BTreeSet<String>) -> OpResult<()> {
        self.begin(op::ADD_TEXT_TO_STORE)?;
        write_str(&mut self.writer, name)?;
        write_bytes(&mut self.writer, text)?;
        Ok(write_string_set(&mut self.writer, references)?)
    }

    /// `AddTextToStore` of each `(name, text, references)`, sent as one request and answered
    /// in order: the daemon adds them one after the other, so a text may refer to one
    /// before it. Returns the paths made; the first failure fails all (and leaves the
    /// connection broken: later answers are unread).
    pub fn add_texts_to_store(&mut self, texts: &[(&str, &[u8], &BTreeSet<String>)]) -> Result<Vec<String>> {
        for (_, _, references) in texts {
            references.iter().try_for_each(|p| self.check_path(p))?;
        }
        self.pipelined(&format!("adding {} texts to the store", texts.len()), |c| {
            for (name, text, references) in texts {
                c.send_add_text(name, text, references)?;
            }
            let mut made = Vec::with_capacity(texts.len());
            for _ in texts {
                c.stderr()?;
                made.push(read_store_path(&mut c.reader, &c.store_dir)?);
            }
            Ok(made)
        })
    }

    /// `AddToStore`: content-addressed data hashed with `algo`; returns its path.
    ///
    /// Protocol >= 1.25 sends `name, "fixed:[r:]<algo>", references, repair` and the payload
    /// framed (the NAR, or the file's bytes for flat ingestion). Older protocols send
    /// `name, fixed, recursive, algo` and always a NAR (a flat file is wrapped in one), and
    /// support neither references nor repair.
    pub fn add_to_store(
        &mut self,
        name: &str,
        algo: HashAlgo,
        references: &BTreeSet<String>,
        repair: bool,
        payload: AddPayload<'_>,
    ) -> Result<String> {
        references.iter().try_for_each(|p| self.check_path(p))?;
        let method = match payload {
            AddPayload::Nar(_) => FileIngestionMethod::Recursive,
            AddPayload::Flat { .. } => FileIngestionMethod::Flat,
        };
        let new_form = self.version.at_least(25);
        if !new_form && (repair || !references.is_empty()) {
            return Err(StoreError::Unsupported(format!(
                "adding '{name}' with references or repair needs nix-daemon protocol >= 1.25 (this connection speaks {})",
                self.version
            )));
        }
        self.run(&format!("adding '{name}' to the store"), false, |c| {
            c.begin(op::ADD_TO_STORE)?;
            write_str(&mut c.writer, name)?;
            if new_form {
                write_str(&mut c.writer, &format!("fixed:{}{}", method.prefix(), algo.name()))?;
                write_string_set(&mut c.writer, references)?;
                write_bool(&mut c.writer, repair)?;
                match payload {
                    AddPayload::Nar(write) => c.stream_payload(true, write)?,
                    AddPayload::Flat { write, .. } => c.stream_payload(true, write)?,
                }
                let path = read_store_path(&mut c.reader, &c.store_dir)?;
                Ok(c.read_path_info(path)?.path)
            } else {
                let recursive = method == FileIngestionMethod::Recursive;
                // "fixed" = 0 is the old daemons' way of saying recursive SHA-256.
                write_bool(&mut c.writer, !(recursive && algo == HashAlgo::Sha256))?;
                write_bool(&mut c.writer, recursive)?;
                write_str(&mut c.writer, algo.name())?;
                match payload {
                    AddPayload::Nar(write) => c.stream_payload(false, write)?,
                    AddPayload::Flat { len, write } => {
                        c.stream_payload(false, &mut |w| flat_as_nar(w, name, len, write))?
                    }
                }
                Ok(read_store_path(&mut c.reader, &c.store_dir)?)
            }
        })
    }

    /// `AddMultipleToStore` (protocol >= 1.32): paths with known info and NARs in one
    /// framed stream. Content-addressed paths (with `ca` set) need no signatures.
    pub fn add_multiple_to_store(
        &mut self,
        items: &[(PathInfo, &[u8])],
        repair: bool,
        dont_check_sigs: bool,
    ) -> Result<()> {
        if !self.version.at_least(32) {
            return Err(StoreError::Unsupported(format!(
                "AddMultipleToStore needs nix-daemon protocol >= 1.32 (this connection speaks {})",
                self.version
            )));
        }
        for (info, nar) in items {
            self.check_path(&info.path)?;
            info.references.iter().try_for_each(|p| self.check_path(p))?;
            if info.nar_size != nar.len() as u64 {
                return Err(StoreError::Invalid(format!(
                    "the NAR of '{}' has {} bytes, its info says {}",
                    info.path,
                    nar.len(),
                    info.nar_size
                )));
            }
        }
        self.run(&format!("adding {} paths to the store", items.len()), false, |c| {
            c.begin(op::ADD_MULTIPLE_TO_STORE)?;
            write_bool(&mut c.writer, repair)?;
            write_bool(&mut c.writer, dont_check_sigs)?;
            c.stream_payload(true, &mut |w| {
                let e = NarIoError::Write;
                write_u64(w, items.len() as u64).map_err(e)?;
                for (info, nar) in items {
                    write_path_info_16(w, info).map_err(e)?;
                    w.write_all(nar).map_err(e)?;
                }
                Ok(())
            })
        })
    }

    /// `AddTempRoot`: keeps `path` from the garbage collector while this connection lives.
    pub fn add_temp_root(&mut self, path: &str) -> Result<()> {
        self.check_path(path)?;
        self.path_op(
            &format!("adding a temporary root for '{path}'"),
            op::ADD_TEMP_ROOT,
            path,
        )
    }

    /// `AddTempRoot` for each of `paths`, then `QueryValidPaths` of them (no
    /// substitution), sent as one request and answered as one: a round trip for what took
    /// two per path. The daemon reads and answers operations in order, so the requests
    /// may follow each other before any answer is read. Returns the valid subset.
    pub fn add_temp_roots_and_query_valid(&mut self, paths: &[&str]) -> Result<BTreeSet<String>> {
        paths.iter().try_for_each(|p| self.check_path(p))?;
        let set: BTreeSet<String> = paths.iter().map(|p| p.to_string()).collect();
        self.pipelined("adding temporary roots and querying which paths are valid", |c| {
            for path in paths {
                c.begin(op::ADD_TEMP_ROOT)?;
                write_str(&mut c.writer, path)?;
            }
            c.begin(op::QUERY_VALID_PATHS)?;
            write_string_set(&mut c.writer, &set)?;
            if c.version.at_least(27) {
                write_bool(&mut c.writer, false)?;
            }
            for _ in paths {
                c.stderr()?;
                read_u64(&mut c.reader)?;
            }
            c.stderr()?;
            Ok(read_store_path_set(&mut c.reader, &c.store_dir)?)
        })
    }

    /// [`Connection::run`] for requests sent together before their answers are read: an
    /// answer that failed midway leaves the later ones unread, so the connection is out of
    /// step.
    fn pipelined<T>(&mut self, during: &str, f: impl FnOnce(&mut Self) -> OpResult<T>) -> Result<T> {
        self.run(during, false, |c| {
            let answered = f(c);
            if answered.is_err() {
                c.broken
                    .get_or_insert_with(|| "a pipelined request failed midway".into());
            }
            answered
        })
    }

    /// `AddIndirectRoot`: `link` (an absolute path outside the store, a symlink into it)
    /// becomes a garbage collector root for as long as it exists, as `nix-build`'s `result`.
    pub fn add_indirect_root(&mut self, link: &str) -> Result<()> {
        if !link.starts_with('/') {
            return Err(StoreError::Invalid(format!("GC root '{link}' is not an absolute path")));
        }
        self.path_op(
            &format!("adding the garbage collector root '{link}'"),
            op::ADD_INDIRECT_ROOT,
            link,
        )
    }

    /// `EnsurePath`: makes `path` valid, substituting it if needed.
    pub fn ensure_path(&mut self, path: &str) -> Result<()> {
        self.check_path(path)?;
        self.path_op(&format!("ensuring '{path}' is valid"), op::ENSURE_PATH, path)
    }

    /// An operation that sends one path and gets back the daemon's `1`.
    fn path_op(&mut self, during: &str, code: u64, path: &str) -> Result<()> {
        self.run(during, false, |c| {
            c.begin(code)?;
            write_str(&mut c.writer, path)?;
            c.stderr()?;
            read_u64(&mut c.reader)?;
            Ok(())
        })
    }

    fn derived_path_strings(&self, targets: &[DerivedPath]) -> Result<Vec<String>> {
        targets
            .iter()
            .map(|t| {
                self.check_path(t.path())?;
                if self.version.at_least(30) {
                    Ok(t.to_wire_string())
                } else {
                    t.to_legacy_string().map_err(StoreError::Unsupported)
                }
            })
            .collect()
    }

    /// `BuildPaths`: builds (or substitutes) the targets; a failure is the daemon's error.
    pub fn build_paths(&mut self, targets: &[DerivedPath], mode: BuildMode) -> Result<()> {
        let strings = self.derived_path_strings(targets)?;
        if !self.version.at_least(15) && mode != BuildMode::Normal {
            return Err(StoreError::Unsupported(
                "repairing or checking needs nix-daemon protocol >= 1.15".into(),
            ));
        }
        self.run(&building(targets), false, |c| {
            c.begin(op::BUILD_PATHS)?;
            wire::write_strings(&mut c.writer, &strings)?;
            if c.version.at_least(15) {
                write_u64(&mut c.writer, mode.to_u64())?;
            }
            c.stderr()?;
            read_u64(&mut c.reader)?;
            Ok(())
        })
    }

    /// `BuildPathsWithResults` (protocol >= 1.34): one result per target, failures included
    /// (not as errors). With older daemons this is `BuildPaths` (so a failure is an error),
    /// and each derivation's outputs are looked up afterwards.
    pub fn build_paths_with_results(&mut self, targets: &[DerivedPath], mode: BuildMode) -> Result<Vec<BuildResult>> {
        if !self.version.at_least(34) {
            self.build_paths(targets, mode)?;
            return targets.iter().map(|t| self.synthesized_result(t)).collect();
        }
        let strings = self.derived_path_strings(targets)?;
        self.run(&building(targets), false, |c| {
            c.begin(op::BUILD_PATHS_WITH_RESULTS)?;
            wire::write_strings(&mut c.writer, &strings)?;
            write_u64(&mut c.writer, mode.to_u64())?;
            c.stderr()?;
            let n = read_u64(&mut c.reader)?;
            if n != targets.len() as u64 {
                return Err(invalid_data(format!("{n} build results for {} targets", targets.len())).into());
            }
            (0..n)
                .map(|_| {
                    let target = DerivedPath::parse(&read_string(&mut c.reader)?);
                    c.read_build_result(target)
                })
                .collect()
        })
    }

    fn read_build_result(&mut self, target: DerivedPath) -> OpResult<BuildResult> {
        let r = &mut self.reader;
        let status = BuildStatus::from_u64(read_u64(r)?);
        let error_msg = read_string(r)?;
        let mut res = BuildResult::new(target, status, error_msg);
        if self.version.at_least(29) {
            res.times_built = read_u64(r)?;
            res.is_non_deterministic = read_bool(r)?;
            res.start_time = read_u64(r)?;
            res.stop_time = read_u64(r)?;
        }
        if self.version.at_least(37) {
            res.cpu_user = read_opt_micros(r)?;
            res.cpu_system = read_opt_micros(r)?;
        }
        if self.version.at_least(28) {
            let n = read_u64(r)?;
            for _ in 0..n {
                let id = read_string(r)?;
                let realisation = read_string(r)?;
                let (_, output) = id
                    .rsplit_once('!')
                    .ok_or_else(|| invalid_data(format!("bad derivation output id '{id}'")))?;
                let out_path = realisation_out_path(&realisation)
                    .ok_or_else(|| invalid_data(format!("bad realisation '{realisation}' from the nix-daemon")))?;
                let out_path = if out_path.starts_with('/') {
                    out_path
                } else {
                    format!("{}/{out_path}", self.store_dir)
                };
                res.built_outputs.insert(output.to_string(), out_path);
            }
        }
        Ok(res)
    }

    /// The result `BuildPaths` implies for a target that built: its outputs looked up.
    fn synthesized_result(&mut self, target: &DerivedPath) -> Result<BuildResult> {
        let mut res = BuildResult::new(target.clone(), BuildStatus::Built, String::new());
        match target {
            DerivedPath::Opaque(_) => res.status = BuildStatus::Substituted,
            DerivedPath::Built { drv_path, outputs } => {
                let all = if self.version.at_least(22) {
                    self.query_derivation_output_map(drv_path)?
                } else {
                    self.read_derivation_outputs(drv_path)?
                };
                for (name, path) in all {
                    let wanted = match outputs {
                        OutputSpec::All => true,
                        OutputSpec::Names(names) => names.contains(&name),
                    };
                    if let (true, Some(path)) = (wanted, path) {
                        res.built_outputs.insert(name, path);
                    }
                }
            }
        }
        Ok(res)
    }

    /// A derivation's outputs from its .drv file, read with `NarFromPath`.
    fn read_derivation_outputs(&mut self, drv_path: &str) -> Result<BTreeMap<String, Option<String>>> {
        let mut nar = Vec::new();
        self.nar_from_path(drv_path, &mut nar)?;
        let text = regular_file_from_nar(&nar)
            .ok_or_else(|| StoreError::Invalid(format!("'{drv_path}' is not a derivation file")))?;
        let drv = crate::derivation::parse_aterm(&text)
            .map_err(|e| StoreError::Invalid(format!("parsing derivation '{drv_path}': {e}")))?;
        Ok(drv
            .outputs
            .into_iter()
            .map(|(name, o)| (name, Some(o.path).filter(|p| !p.is_empty())))
            .collect())
    }

    /// `QueryDerivationOutputMap` (protocol >= 1.22): output name -> path (none for outputs
    /// whose path is not known yet).
    pub fn query_derivation_output_map(&mut self, drv_path: &str) -> Result<BTreeMap<String, Option<String>>> {
        self.check_path(drv_path)?;
        if !self.version.at_least(22) {
            return Err(StoreError::Unsupported(
                "QueryDerivationOutputMap needs nix-daemon protocol >= 1.22".into(),
            ));
        }
        self.run(&format!("querying the outputs of '{drv_path}'"), true, |c| {
            c.begin(op::QUERY_DERIVATION_OUTPUT_MAP)?;
            write_str(&mut c.writer, drv_path)?;
            c.stderr()?;
            let n = read_u64(&mut c.reader)?;
            let mut map = BTreeMap::new();
            for _ in 0..n {
                let name = read_string(&mut c.reader)?;
                let path = read_opt_store_path(&mut c.reader, &c.store_dir)?;
                map.insert(name, path);
            }
            Ok(map)
        })
    }

    /// `NarFromPath`: streams the NAR of `path` into `sink`; returns its size.
    pub fn nar_from_path(&mut self, path: &str, sink: &mut dyn Write) -> Result<u64> {
        self.check_path(path)?;
        self.run(&format!("reading the NAR of '{path}'"), true, |c| {
            c.begin(op::NAR_FROM_PATH)?;
            write_str(&mut c.writer, path)?;
            c.stderr()?;
            match copy_nar(&mut c.reader, sink) {
                Ok(n) => Ok(n),
                // A daemon that cannot read the path fails after it ended the stderr channel,
                // so its error comes in the middle of the NAR; then it hangs up.
                Err(CopyNarError::DaemonError) => Err(OpError::DaemonFatal(read_error(&mut c.reader, c.version)?)),
                Err(CopyNarError::Read(e)) => Err(e.into()),
                Err(CopyNarError::Write(source)) => Err(OpError::Store(StoreError::Io {
                    during: format!("writing the NAR of '{path}' out"),
                    source,
                })),
            }
        })
    }

    /// `QueryMissing`: what building `targets` would build, substitute, or cannot know.
    pub fn query_missing(&mut self, targets: &[DerivedPath]) -> Result<Missing> {
        let strings = self.derived_path_strings(targets)?;
        self.run("querying what is missing", false, |c| {
            c.begin(op::QUERY_MISSING)?;
            wire::write_strings(&mut c.writer, &strings)?;
            c.stderr()?;
            let r = &mut c.reader;
            Ok(Missing {
                will_build: read_store_path_set(r, &c.store_dir)?,
                will_substitute: read_store_path_set(r, &c.store_dir)?,
                unknown: read_store_path_set(r, &c.store_dir)?,
                download_size: read_u64(r)?,
                nar_size: read_u64(r)?,
            })
        })
    }
}

fn building(targets: &[DerivedPath]) -> String {
    match targets {
        [DerivedPath::Built {
            drv_path,
            outputs: OutputSpec::All,
        }] => format!("building '{drv_path}'"),
        [one] => format!("building '{one}'"),
        _ => format!("building {} targets", targets.len()),
    }
}

/// A `ValidPathInfo` in the form of protocol 1.16 with its path, as `AddMultipleToStore`
/// frames carry it.
fn write_path_info_16(w: &mut dyn Write, info: &PathInfo) -> io::Result<()> {
    write_str(w, &info.path)?;
    write_str(w, info.deriver.as_deref().unwrap_or(""))?;
    write_str(w, &info.nar_hash.to_base16())?;
    write_string_set(w, &info.references)?;
    write_u64(w, info.registration_time)?;
    write_u64(w, info.nar_size)?;
    write_bool(w, info.ultimate)?;
    write_string_set(w, &info.sigs)?;
    write_str(w, info.ca.as_deref().unwrap_or(""))
}

/// An optional duration in microseconds (protocol >= 1.37): tag 0, or tag 1 and the value.
fn read_opt_micros<R: Read + ?Sized>(r: &mut R) -> io::Result<Option<Duration>> {
    match read_u64(r)? {
        0 => Ok(None),
        1 => Ok(Some(Duration::from_micros(read_u64(r)?))),
        t => Err(invalid_data(format!("bad optional tag {t} from the nix-daemon"))),
    }
}

/// The `outPath` of a realisation's JSON (a base name in Nix 2.8, maybe a full path).
fn realisation_out_path(json: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    Some(v.get("outPath")?.as_str()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemon::nar_stream::regular_file_from_nar;
    use crate::nar::dump_to_vec;

    #[test]
    fn regular_nar_matches_dump() {
        let dir = std::env::temp_dir().join(format!("rnix-ops-nar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for contents in [&b""[..], b"x", b"12345678", b"hello world"] {
            let f = dir.join("f");
            std::fs::write(&f, contents).unwrap();
            assert_eq!(regular_file_nar(contents), dump_to_vec(&f).unwrap());
            assert_eq!(regular_file_from_nar(&regular_file_nar(contents)).unwrap(), contents);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn text_info() {
        let (info, nar) = PathInfo::for_text("/nix/store", "hello", b"hello world", &BTreeSet::new());
        let h = Hash::digest(HashAlgo::Sha256, b"hello world");
        assert_eq!(info.path, store_path::make_text_path("/nix/store", "hello", &h, []));
        assert_eq!(info.nar_size, nar.len() as u64);
        assert!(info.ca.unwrap().starts_with("text:sha256:"));
    }

    #[test]
    fn realisations() {
        let j = r#"{"dependentRealisations":{},"id":"sha256:6f86!bar","outPath":"g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-bar","signatures":[]}"#;
        assert_eq!(realisation_out_path(j).unwrap(), "g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-bar");
        assert_eq!(realisation_out_path("{}"), None);
    }
}
