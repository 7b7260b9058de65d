//! Nix settings given as `--option NAME VALUE` (and their dedicated flags): the ones
//! evaluation reads are applied, other settings Nix knows are accepted and ignored, and an
//! unknown name is warned about as modern Nix does (`warning: unknown setting 'foo'`).

use crate::args::Cli;
use rnix_eval_core::term::eprint_line;
use std::collections::BTreeSet;

pub struct Settings {
    /// `None`: as deep as the evaluation stack allows.
    pub max_call_depth: Option<usize>,
    pub show_trace: bool,
    pub allow_import_from_derivation: bool,
    pub abort_on_warn: bool,
    pub trace_verbose: bool,
    /// `builtins.currentSystem`: `eval-system` if set, else `system`, else this host.
    pub current_system: Option<String>,
    /// Store and build settings for the daemon (`--timeout`, `--option sandbox false`).
    pub store_overrides: Vec<(String, String)>,
    /// `pure-eval`: `None` leaves the mode's default (pure for flakes).
    pub pure_eval: Option<bool>,
    pub restrict_eval: bool,
    /// `nix-path`: `NIX_PATH`'s entries, or the configuration's `nix-path` without it, or
    /// the command line's `nix-path` over both (after `-I`'s).
    pub nix_path: Option<Vec<String>>,
    /// `extra-nix-path`: entries after those.
    pub extra_nix_path: Vec<String>,
    /// `eval-profiler flamegraph`: where the profile goes (`eval-profile-file`, default
    /// `nix.profile`); `None` when profiling is off.
    pub eval_profile_file: Option<String>,
    /// `eval-profiler-frequency`: samples per second (0: every call).
    pub eval_profiler_frequency: u64,
    /// `lint-absolute-path-literals`, `lint-short-path-literals`, `lint-url-literals`.
    pub lints: rnix_eval_parser::lints::Lints,
    /// The `parse-toml-timestamps` experimental feature: `fromTOML` returns dates and
    /// times as `{ _type = "timestamp"; value = ...; }` instead of failing.
    pub toml_timestamps: bool,
}

/// Boolean settings of Nix that evaluation does not read (store, build and fetcher
/// settings): passed on to the daemon when there is one. Also flags: `--NAME`, `--no-NAME`.
pub(crate) const BOOL_SETTINGS: &[&str] = &[
    "accept-flake-config",
    "allow-dirty",
    "allow-new-privileges",
    "allow-symlinked-store",
    "allow-unsafe-native-code-during-evaluation",
    "always-allow-substitutes",
    "auto-allocate-uids",
    "auto-optimise-store",
    "builders-use-substitutes",
    "compress-build-log",
    "debugger-on-trace",
    "debugger-on-warn",
    "eval-cache",
    "fallback",
    "filter-syscalls",
    "fsync-metadata",
    "http2",
    "ignore-try",
    "impersonate-linux-26",
    "keep-build-log",
    "keep-derivations",
    "keep-env-derivations",
    "keep-failed",
    "keep-going",
    "keep-outputs",
    "preallocate-contents",
    "print-missing",
    "require-drop-supplementary-groups",
    "require-sigs",
    "run-diff-hook",
    "sandbox",
    "sandbox-fallback",
    "substitute",
    "sync-before-registering",
    "trace-function-calls",
    "trace-import-from-derivation",
    "use-case-hack",
    "use-cgroups",
    "use-registries",
    "use-sqlite-wal",
    "use-xdg-base-directories",
    "warn-dirty",
];

/// The other settings of that kind, which take a value (also as `--NAME VALUE`).
/// `extra-NAME` is accepted for each setting as well.
pub(crate) const VALUE_SETTINGS: &[&str] = &[
    "access-tokens",
    "allowed-users",
    "build-dir",
    "build-hook",
    "build-poll-interval",
    "build-users-group",
    "builders",
    "commit-lock-file-summary",
    "connect-timeout",
    "cores",
    "diff-hook",
    "download-attempts",
    "download-buffer-size",
    "download-speed",
    "eval-profile-file",
    "eval-profiler",
    "eval-profiler-frequency",
    "eval-system",
    "lint-absolute-path-literals",
    "lint-short-path-literals",
    "lint-url-literals",
    "experimental-features",
    "extra-platforms",
    "flake-registry",
    "gc-reserved-space",
    "hashed-mirrors",
    "http-connections",
    "id-count",
    "ignored-acls",
    "log-lines",
    "max-build-log-size",
    "max-free",
    "max-jobs",
    "max-silent-time",
    "max-substitution-jobs",
    "min-free",
    "min-free-check-interval",
    "narinfo-cache-negative-ttl",
    "narinfo-cache-positive-ttl",
    "netrc-file",
    "nix-path",
    "plugin-files",
    "post-build-hook",
    "pre-build-hook",
    "repeat",
    "sandbox-build-dir",
    "sandbox-dev-shm-size",
    "sandbox-paths",
    "secret-key-files",
    "ssl-cert-file",
    "stalled-download-timeout",
    "start-id",
    "store",
    "substituters",
    "system",
    "system-features",
    "tarball-ttl",
    "timeout",
    "trusted-public-keys",
    "trusted-substituters",
    "trusted-users",
    "user-agent-suffix",
    "warn-large-path-threshold",
];

impl Settings {
    /// Pure unless asked otherwise in flake mode, as in Nix; `pure-eval` and
    /// `restrict-eval` as flags or `--option`s.
    pub fn eval_mode(&self, cli: &Cli) -> rnix_eval_core::io::Mode {
        use rnix_eval_core::io::Mode;
        let pure = self.pure_eval.unwrap_or(cli.flake.is_some() && !cli.impure);
        if pure && !cli.impure {
            Mode::Pure
        } else if self.restrict_eval {
            Mode::Restricted
        } else {
            Mode::Impure
        }
    }

    /// The settings of a command line: `--option` values, then the dedicated flags.
    /// Warnings go to stderr as Nix prints them.
    pub fn from_cli(cli: &Cli) -> Settings {
        let mut s = Settings {
            max_call_depth: None,
            show_trace: false,
            allow_import_from_derivation: true,
            // Its default, as modern Nix's `EvalSettings` constructor reads it.
            abort_on_warn: std::env::var("NIX_ABORT_ON_WARN").is_ok_and(|v| ["1", "yes", "true"].contains(&v.as_str())),
            trace_verbose: false,
            store_overrides: Vec::new(),
            current_system: None,
            pure_eval: None,
            restrict_eval: false,
            eval_profile_file: None,
            eval_profiler_frequency: 99,
            lints: Default::default(),
            toml_timestamps: false,
            nix_path: None,
            extra_nix_path: Vec::new(),
        };
        let mut profiler = false;
        let mut profile_file = "nix.profile".to_string();
        let mut system = None;
        let mut eval_system = None;
        let mut unknown = BTreeSet::new();
        // `NIX_PATH` overrides the configuration's `nix-path` and `extra-nix-path` (files
        // and `NIX_CONFIG`) and is overridden by the command line's: modern Nix sets
        // `nix-path` from it after loading the configuration (`initGC`, eval-gc.cc; the
        // precedence table of tests/functional/nix_path.sh). Nix 2.8 let the files win.
        let nix_path_env = std::env::var("NIX_PATH").ok();
        s.nix_path = nix_path_env.as_deref().map(rnix_eval_core::import::parse_nix_path);
        let overridden = |name: &str| nix_path_env.is_some() && (name == "nix-path" || name == "extra-nix-path");
        // The configuration's evaluation settings first (`nix_conf.rs`), then `--option`s.
        let configured = rnix_eval_core::nix_conf::eval_pairs()
            .iter()
            .filter(|(n, _)| !overridden(n))
            .map(|(n, v)| (n.as_str(), v.as_str(), false));
        let given = cli.option.chunks(2).map(|p| (p[0].as_str(), p[1].as_str(), true));
        for (name, value, from_cli) in configured.chain(given) {
            match name {
                "eval-profiler" if value == "flamegraph" => profiler = true,
                "eval-profiler" if value == "disabled" => profiler = false,
                "eval-profile-file" => profile_file = value.to_string(),
                "system" => system = Some(value.to_string()),
                "eval-system" => eval_system = Some(value.to_string()).filter(|v| !v.is_empty()),
                _ => {}
            }
            if let Err(warning) = s.set(name, value) {
                match warning {
                    Some(w) => eprint_line(format!("warning: {w}").as_bytes()),
                    None if from_cli => {
                        unknown.insert(name.to_string());
                    }
                    None => {}
                }
            }
        }
        for name in unknown {
            eprint_line(format!("warning: unknown setting '{name}'").as_bytes());
        }
        s.current_system = eval_system.or(system);
        s.eval_profile_file = profiler.then_some(profile_file);
        if let Some(n) = cli.max_call_depth {
            s.max_call_depth = Some(n);
        }
        s.show_trace |= cli.show_trace;
        s.restrict_eval |= cli.restrict_eval;
        if cli.pure_eval {
            s.pure_eval = Some(true);
        }
        s.trace_verbose |= cli.trace_verbose;
        if let Some(t) = cli.timeout {
            s.store_overrides.push(("timeout".into(), t.to_string()));
        }
        s
    }

    /// `Err(None)`: an unknown setting; `Err(Some(w))`: a bad value (Nix warns and keeps
    /// the old one).
    fn set(&mut self, name: &str, value: &str) -> Result<(), Option<String>> {
        let diagnose = |v: &str| {
            rnix_eval_parser::lints::Diagnose::parse(v)
                .ok_or_else(|| Some(format!("option '{name}' has invalid value '{v}'")))
        };
        let flag = |v: &str| match v {
            "true" | "yes" | "1" => Ok(true),
            "false" | "no" | "0" => Ok(false),
            _ => Err(Some(format!("Boolean setting '{name}' has invalid value '{v}'"))),
        };
        match name {
            "max-call-depth" => {
                self.max_call_depth = value
                    .parse()
                    .map(Some)
                    .map_err(|_| Some(format!("setting '{name}' has invalid value '{value}'")))?
            }
            "show-trace" => self.show_trace = flag(value)?,
            "allow-import-from-derivation" => self.allow_import_from_derivation = flag(value)?,
            "abort-on-warn" => self.abort_on_warn = flag(value)?,
            "trace-verbose" => self.trace_verbose = flag(value)?,
            "pure-eval" => self.pure_eval = Some(flag(value)?),
            "restrict-eval" => self.restrict_eval = flag(value)?,
            // Read by `from_cli`, which keeps the last of them.
            "eval-profiler" if value == "flamegraph" || value == "disabled" => {}
            "eval-profiler" => return Err(Some(format!("option 'eval-profiler' has invalid value '{value}'"))),
            "eval-profile-file" => {}
            // Whitespace-separated, as every list setting of Nix.
            "nix-path" => self.nix_path = Some(value.split_whitespace().map(String::from).collect()),
            "extra-nix-path" => self.extra_nix_path.extend(value.split_whitespace().map(String::from)),
            "experimental-features" | "extra-experimental-features" => {
                // Evaluation's own feature is applied here; the others go to the daemon.
                let (ours, theirs): (Vec<&str>, Vec<&str>) =
                    value.split_whitespace().partition(|f| *f == "parse-toml-timestamps");
                self.toml_timestamps |= !ours.is_empty();
                if !theirs.is_empty() {
                    self.store_overrides.push((name.to_string(), theirs.join(" ")));
                }
            }
            "lint-absolute-path-literals" => self.lints.absolute_paths = diagnose(value)?,
            "lint-short-path-literals" => self.lints.short_paths = diagnose(value)?,
            "lint-url-literals" => self.lints.urls = diagnose(value)?,
            "eval-profiler-frequency" => {
                self.eval_profiler_frequency = value
                    .parse()
                    .map_err(|_| Some(format!("setting '{name}' has invalid value '{value}'")))?
            }
            _ => {
                let base = name.strip_prefix("extra-").unwrap_or(name);
                if !BOOL_SETTINGS.contains(&base) && !VALUE_SETTINGS.contains(&base) {
                    return Err(None);
                }
                self.store_overrides.push((name.to_string(), value.to_string()));
            }
        }
        Ok(())
    }
}
