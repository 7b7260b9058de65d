//! Nix settings given as `--option NAME VALUE` (and their dedicated flags): the ones
//! evaluation reads are applied, other settings Nix knows are accepted and ignored, and an
//! unknown name is warned about as modern Nix does (`warning: unknown setting 'foo'`).

use crate::args::Cli;
use rnix_eval_core::term::eprint_line;
use std::collections::BTreeSet;

pub struct Settings {
    pub max_call_depth: usize,
    pub show_trace: bool,
    pub allow_import_from_derivation: bool,
    pub abort_on_warn: bool,
    pub trace_verbose: bool,
    /// Store and build settings for the daemon (`--timeout`, `--option sandbox false`).
    pub store_overrides: Vec<(String, String)>,
}

/// Settings of Nix that evaluation does not read (store, build and fetcher settings):
/// passed on to the daemon when there is one. `extra-NAME` is accepted for each as well.
const IGNORED: &[&str] = &[
    "access-tokens",
    "accept-flake-config",
    "allow-dirty",
    "allow-new-privileges",
    "allow-symlinked-store",
    "allow-unsafe-native-code-during-evaluation",
    "allowed-users",
    "always-allow-substitutes",
    "auto-allocate-uids",
    "auto-optimise-store",
    "build-dir",
    "build-hook",
    "build-poll-interval",
    "build-users-group",
    "builders",
    "builders-use-substitutes",
    "commit-lock-file-summary",
    "compress-build-log",
    "connect-timeout",
    "cores",
    "debugger-on-trace",
    "debugger-on-warn",
    "diff-hook",
    "download-attempts",
    "download-buffer-size",
    "download-speed",
    "eval-cache",
    "eval-system",
    "experimental-features",
    "fallback",
    "filter-syscalls",
    "flake-registry",
    "fsync-metadata",
    "gc-reserved-space",
    "hashed-mirrors",
    "http-connections",
    "http2",
    "id-count",
    "ignore-try",
    "ignored-acls",
    "impersonate-linux-26",
    "keep-build-log",
    "keep-derivations",
    "keep-env-derivations",
    "keep-failed",
    "keep-going",
    "keep-outputs",
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
    "preallocate-contents",
    "print-missing",
    "repeat",
    "require-drop-supplementary-groups",
    "require-sigs",
    "run-diff-hook",
    "sandbox",
    "sandbox-build-dir",
    "sandbox-dev-shm-size",
    "sandbox-fallback",
    "sandbox-paths",
    "secret-key-files",
    "show-trace",
    "ssl-cert-file",
    "stalled-download-timeout",
    "start-id",
    "store",
    "substitute",
    "substituters",
    "sync-before-registering",
    "system",
    "system-features",
    "extra-platforms",
    "tarball-ttl",
    "timeout",
    "trace-function-calls",
    "trace-import-from-derivation",
    "trusted-public-keys",
    "trusted-substituters",
    "trusted-users",
    "use-case-hack",
    "use-cgroups",
    "use-registries",
    "use-sqlite-wal",
    "use-xdg-base-directories",
    "user-agent-suffix",
    "warn-dirty",
    "warn-large-path-threshold",
];

impl Settings {
    /// The settings of a command line: `--option` values, then the dedicated flags.
    /// Warnings go to stderr as Nix prints them.
    pub fn from_cli(cli: &Cli) -> Settings {
        let mut s = Settings {
            max_call_depth: 10_000,
            show_trace: false,
            allow_import_from_derivation: true,
            abort_on_warn: false,
            trace_verbose: false,
            store_overrides: Vec::new(),
        };
        let mut unknown = BTreeSet::new();
        for pair in cli.option.chunks(2) {
            let (name, value) = (pair[0].as_str(), pair[1].as_str());
            if let Err(warning) = s.set(name, value) {
                match warning {
                    Some(w) => eprint_line(format!("warning: {w}").as_bytes()),
                    None => {
                        unknown.insert(name.to_string());
                    }
                }
            }
        }
        for name in unknown {
            eprint_line(format!("warning: unknown setting '{name}'").as_bytes());
        }
        if let Some(n) = cli.max_call_depth {
            s.max_call_depth = n;
        }
        s.show_trace |= cli.show_trace;
        s.trace_verbose |= cli.trace_verbose;
        if let Some(t) = cli.timeout {
            s.store_overrides.push(("timeout".into(), t.to_string()));
        }
        s
    }

    /// `Err(None)`: an unknown setting; `Err(Some(w))`: a bad value (Nix warns and keeps
    /// the old one).
    fn set(&mut self, name: &str, value: &str) -> Result<(), Option<String>> {
        let flag = |v: &str| match v {
            "true" | "yes" | "1" => Ok(true),
            "false" | "no" | "0" => Ok(false),
            _ => Err(Some(format!("Boolean setting '{name}' has invalid value '{v}'"))),
        };
        match name {
            "max-call-depth" => {
                self.max_call_depth = value
                    .parse()
                    .map_err(|_| Some(format!("setting '{name}' has invalid value '{value}'")))?
            }
            "show-trace" => self.show_trace = flag(value)?,
            "allow-import-from-derivation" => self.allow_import_from_derivation = flag(value)?,
            "abort-on-warn" => self.abort_on_warn = flag(value)?,
            "trace-verbose" => self.trace_verbose = flag(value)?,
            _ => {
                let base = name.strip_prefix("extra-").unwrap_or(name);
                if !IGNORED.contains(&base) {
                    return Err(None);
                }
                self.store_overrides.push((name.to_string(), value.to_string()));
            }
        }
        Ok(())
    }
}
