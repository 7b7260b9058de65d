//! The values operations exchange: protocol versions, build targets and results, path info,
//! client settings.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use super::log::Verbosity;
use crate::hash::Hash;

/// A worker protocol version, `major << 8 | minor` as on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProtocolVersion(pub u64);

impl ProtocolVersion {
    pub const fn new(major: u64, minor: u64) -> ProtocolVersion {
        ProtocolVersion(major << 8 | minor)
    }

    pub fn major(self) -> u64 {
        (self.0 >> 8) & 0xff
    }

    pub fn minor(self) -> u64 {
        self.0 & 0xff
    }

    /// Whether this is at least `1.minor` (all versions this client speaks are 1.x).
    pub fn at_least(self, minor: u64) -> bool {
        self >= ProtocolVersion::new(1, minor)
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major(), self.minor())
    }
}

/// Which outputs of a derivation to build.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputSpec {
    All,
    Names(BTreeSet<String>),
}

/// What to build or fetch (Nix's `DerivedPath`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DerivedPath {
    /// A store path that must exist (substituted if missing).
    Opaque(String),
    /// Outputs of a derivation.
    Built { drv_path: String, outputs: OutputSpec },
}

impl DerivedPath {
    /// `drv` with the outputs named (all of them when `outputs` is empty).
    pub fn built(drv_path: &str, outputs: &[String]) -> DerivedPath {
        DerivedPath::Built {
            drv_path: drv_path.to_string(),
            outputs: if outputs.is_empty() {
                OutputSpec::All
            } else {
                OutputSpec::Names(outputs.iter().cloned().collect())
            },
        }
    }

    /// The form protocol >= 1.30 sends: `path`, `drv!out,dev` or `drv!*`.
    pub fn to_wire_string(&self) -> String {
        match self {
            DerivedPath::Opaque(p) => p.clone(),
            DerivedPath::Built {
                drv_path,
                outputs: OutputSpec::All,
            } => format!("{drv_path}!*"),
            DerivedPath::Built {
                drv_path,
                outputs: OutputSpec::Names(names),
            } => format!("{drv_path}!{}", names.iter().cloned().collect::<Vec<_>>().join(",")),
        }
    }

    /// The form protocol < 1.30 sends (`StorePathWithOutputs`): a plain `drv` for all its
    /// outputs, `drv!out,dev` for some. A `.drv` file itself cannot be asked for.
    pub fn to_legacy_string(&self) -> Result<String, String> {
        match self {
            DerivedPath::Opaque(p) if p.ends_with(".drv") => Err(format!(
                "cannot ask for the derivation file '{p}' itself over nix-daemon protocol < 1.30"
            )),
            DerivedPath::Opaque(p) => Ok(p.clone()),
            DerivedPath::Built {
                drv_path,
                outputs: OutputSpec::All,
            } => Ok(drv_path.clone()),
            DerivedPath::Built { .. } => Ok(self.to_wire_string()),
        }
    }

    /// Parses either wire form (what a daemon echoes back in build results).
    pub fn parse(s: &str) -> DerivedPath {
        match s.split_once('!') {
            None => DerivedPath::Opaque(s.to_string()),
            Some((drv, "*")) => DerivedPath::Built {
                drv_path: drv.to_string(),
                outputs: OutputSpec::All,
            },
            Some((drv, outs)) => DerivedPath::Built {
                drv_path: drv.to_string(),
                outputs: OutputSpec::Names(outs.split(',').filter(|s| !s.is_empty()).map(String::from).collect()),
            },
        }
    }

    /// The store path this is about (the derivation for `Built`).
    pub fn path(&self) -> &str {
        match self {
            DerivedPath::Opaque(p) => p,
            DerivedPath::Built { drv_path, .. } => drv_path,
        }
    }
}

impl fmt::Display for DerivedPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_wire_string())
    }
}

/// How to build (Nix's `BuildMode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BuildMode {
    #[default]
    Normal,
    Repair,
    Check,
}

impl BuildMode {
    pub fn to_u64(self) -> u64 {
        match self {
            BuildMode::Normal => 0,
            BuildMode::Repair => 1,
            BuildMode::Check => 2,
        }
    }
}

/// The outcome of building one target (Nix's `BuildResult::Status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuildStatus {
    Built,
    Substituted,
    AlreadyValid,
    PermanentFailure,
    InputRejected,
    OutputRejected,
    TransientFailure,
    CachedFailure,
    TimedOut,
    MiscFailure,
    DependencyFailed,
    LogLimitExceeded,
    NotDeterministic,
    ResolvesToAlreadyValid,
    NoSubstituters,
    /// A status this client does not know.
    Other(u64),
}

impl BuildStatus {
    pub fn from_u64(n: u64) -> BuildStatus {
        use BuildStatus::*;
        match n {
            0 => Built,
            1 => Substituted,
            2 => AlreadyValid,
            3 => PermanentFailure,
            4 => InputRejected,
            5 => OutputRejected,
            6 => TransientFailure,
            7 => CachedFailure,
            8 => TimedOut,
            9 => MiscFailure,
            10 => DependencyFailed,
            11 => LogLimitExceeded,
            12 => NotDeterministic,
            13 => ResolvesToAlreadyValid,
            14 => NoSubstituters,
            n => Other(n),
        }
    }

    pub fn is_success(self) -> bool {
        matches!(
            self,
            BuildStatus::Built
                | BuildStatus::Substituted
                | BuildStatus::AlreadyValid
                | BuildStatus::ResolvesToAlreadyValid
        )
    }
}

/// The result of building one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildResult {
    pub target: DerivedPath,
    pub status: BuildStatus,
    /// The daemon's message for a failure (may hold ANSI colours), else empty.
    pub error_msg: String,
    pub times_built: u64,
    pub is_non_deterministic: bool,
    /// Unix times; 0 when unknown.
    pub start_time: u64,
    pub stop_time: u64,
    /// CPU time of the builder (protocol >= 1.37).
    pub cpu_user: Option<Duration>,
    pub cpu_system: Option<Duration>,
    /// Output name -> store path of what was built or found valid (empty for opaque paths,
    /// and when the daemon did not say).
    pub built_outputs: BTreeMap<String, String>,
}

impl BuildResult {
    /// A result with only what every protocol version sends; the rest is filled in
    /// from what the daemon's version adds.
    pub fn new(target: DerivedPath, status: BuildStatus, error_msg: String) -> BuildResult {
        BuildResult {
            target,
            status,
            error_msg,
            times_built: 0,
            is_non_deterministic: false,
            start_time: 0,
            stop_time: 0,
            cpu_user: None,
            cpu_system: None,
            built_outputs: BTreeMap::new(),
        }
    }

    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }
}

/// What the daemon knows of a valid store path (Nix's `ValidPathInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathInfo {
    pub path: String,
    pub deriver: Option<String>,
    /// SHA-256 of the path's NAR.
    pub nar_hash: Hash,
    pub references: BTreeSet<String>,
    /// Unix time of registration.
    pub registration_time: u64,
    pub nar_size: u64,
    /// Whether the path was built locally (protocol >= 1.16).
    pub ultimate: bool,
    pub sigs: BTreeSet<String>,
    /// The content address (`fixed:r:sha256:…`, `text:sha256:…`), if any.
    pub ca: Option<String>,
}

/// What building some targets would take (`QueryMissing`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Missing {
    pub will_build: BTreeSet<String>,
    pub will_substitute: BTreeSet<String>,
    pub unknown: BTreeSet<String>,
    pub download_size: u64,
    pub nar_size: u64,
}

/// The settings `SetOptions` sends (the daemon applies them to this connection only; most
/// `overrides` need a trusted user). The defaults are Nix's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSettings {
    pub keep_failed: bool,
    pub keep_going: bool,
    pub try_fallback: bool,
    /// Messages above this level are not sent to us.
    pub verbosity: Verbosity,
    pub max_build_jobs: u64,
    pub max_silent_time: u64,
    /// Whether build output is logged at error level (else at vomit level).
    pub verbose_build: bool,
    /// 0 means all cores.
    pub build_cores: u64,
    pub use_substitutes: bool,
    /// Other `nix.conf` settings, by name (protocol >= 1.12).
    pub overrides: Vec<(String, String)>,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            keep_failed: false,
            keep_going: false,
            try_fallback: false,
            verbosity: Verbosity::Info,
            max_build_jobs: 1,
            max_silent_time: 0,
            verbose_build: true,
            build_cores: 0,
            use_substitutes: true,
            overrides: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let v = ProtocolVersion::new(1, 34);
        assert_eq!(v.0, 0x122);
        assert_eq!(v.to_string(), "1.34");
        assert!(v.at_least(34) && !v.at_least(35));
    }

    #[test]
    fn derived_paths() {
        let d = "/nix/store/00000000000000000000000000000000-x.drv";
        let all = DerivedPath::built(d, &[]);
        assert_eq!(all.to_wire_string(), format!("{d}!*"));
        assert_eq!(all.to_legacy_string().unwrap(), d);
        let some = DerivedPath::built(d, &["out".into(), "dev".into()]);
        assert_eq!(some.to_wire_string(), format!("{d}!dev,out"));
        assert_eq!(some.to_legacy_string().unwrap(), format!("{d}!dev,out"));
        assert!(DerivedPath::Opaque(d.into()).to_legacy_string().is_err());
        for p in [all, some, DerivedPath::Opaque("/nix/store/x".into())] {
            assert_eq!(DerivedPath::parse(&p.to_wire_string()), p);
        }
    }
}
