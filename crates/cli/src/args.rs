//! Command-line flags, named and shaped as `nix-instantiate`'s.

use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    name = "rnix-eval",
    version,
    about = "Evaluate Nix expressions (nix-instantiate compatible)",
    // Nix flags may be repeated (`-E -E`, `--strict --strict`): the last one counts.
    args_override_self = true
)]
pub struct Cli {
    /// Files to evaluate (default ./default.nix; `-` reads stdin), or expressions with -E.
    pub files: Vec<String>,

    /// Evaluate and print the result instead of instantiating derivations.
    #[arg(long, alias = "eval-only")]
    pub eval: bool,

    /// Print the parsed expression instead of evaluating it.
    #[arg(long, alias = "parse-only")]
    pub parse: bool,

    /// Evaluate the result deeply (all attributes and list elements).
    #[arg(long)]
    pub strict: bool,

    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,

    /// Print the result as XML.
    #[arg(long)]
    pub xml: bool,

    /// Print the result (coerced to a string) without quotes or a newline, as modern
    /// `nix-instantiate --raw`.
    #[arg(long)]
    pub raw: bool,

    /// Leave source positions out of XML output.
    #[arg(long = "no-location")]
    pub no_location: bool,

    /// The arguments are expressions, not files.
    #[arg(short = 'E', long = "expr")]
    pub expr: bool,

    /// Select an attribute of the result (repeatable).
    #[arg(short = 'A', long = "attr", allow_hyphen_values = true)]
    pub attr: Vec<String>,

    /// Pass NAME = EXPR to the top-level function.
    #[arg(long, num_args = 2, value_names = ["NAME", "EXPR"], action = clap::ArgAction::Append, allow_hyphen_values = true)]
    pub arg: Vec<String>,

    /// Pass NAME = "STRING" to the top-level function.
    #[arg(long, num_args = 2, value_names = ["NAME", "STRING"], action = clap::ArgAction::Append, allow_hyphen_values = true)]
    pub argstr: Vec<String>,

    /// Where each `--arg` and `--argstr` pair stood on the command line (`Cli::parse_args`):
    /// for one name, the last flag wins, whichever kind it is, as in Nix.
    #[arg(skip)]
    pub arg_positions: Vec<usize>,
    #[arg(skip)]
    pub argstr_positions: Vec<usize>,

    /// Add a search path entry (`prefix=path` or `path`).
    #[arg(short = 'I', long = "include")]
    pub include: Vec<String>,

    /// Set a Nix setting (`max-call-depth`, `show-trace`, `allow-import-from-derivation`,
    /// `abort-on-warn`, `trace-verbose`, ...); unknown names are warned about.
    #[arg(long, num_args = 2, value_names = ["NAME", "VALUE"], action = clap::ArgAction::Append, allow_hyphen_values = true)]
    pub option: Vec<String>,

    /// `traceVerbose` prints as `trace` does.
    #[arg(long = "trace-verbose")]
    pub trace_verbose: bool,

    /// More log output (repeatable); accepted for compatibility.
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print the search path lookup of each argument (`nixpkgs` -> its directory).
    #[arg(long = "find-file")]
    pub find_file: bool,

    /// Instantiate without writing anything (as `--read-only`).
    #[arg(long = "dry-run")]
    pub dry_run: bool,

    /// Make PATH (PATH-2, ... for further derivations) a garbage collector root pointing at
    /// the instantiated `.drv` and print it instead of the `.drv` path.
    #[arg(long = "add-root", value_name = "PATH")]
    pub add_root: Option<String>,

    /// Accepted for compatibility (roots are always indirect).
    #[arg(long, hide = true)]
    pub indirect: bool,

    /// Builds with --realise time out after N seconds (the `timeout` setting).
    #[arg(long, value_name = "N")]
    pub timeout: Option<u64>,

    /// Show the full trace of an error.
    #[arg(long = "show-trace")]
    pub show_trace: bool,

    /// Maximum depth of nested function calls (default: as deep as the evaluation stack
    /// allows).
    #[arg(long = "max-call-depth")]
    pub max_call_depth: Option<usize>,

    /// With --eval: write store objects (sources, `toFile` texts, `.drv` files) through the
    /// nix-daemon as they are made, so evaluation can read them back (`import (toFile ...)`).
    #[arg(long = "read-write-mode")]
    pub read_write_mode: bool,

    /// Compute every store path (derivations, sources, `toFile`) without writing anything.
    #[arg(long = "read-only", alias = "readonly-mode")]
    pub readonly_mode: bool,

    /// Also write the `.drv` files evaluation produced into DIR (named by store path), to
    /// compare them with Nix's or inspect them without a store.
    #[arg(long = "write-drvs-to", value_name = "DIR")]
    pub write_drvs_to: Option<String>,

    /// Build the derivations (through the nix-daemon) and print their output paths.
    #[arg(short = 'r', long = "realise")]
    pub realise: bool,

    /// The store to write to: `daemon` or `unix:///path/to/socket` (default: `$NIX_REMOTE`,
    /// then `$NIX_DAEMON_SOCKET_PATH`, then /nix/var/nix/daemon-socket/socket).
    #[arg(long = "store", value_name = "URI")]
    pub store: Option<String>,

    /// Evaluate a flake: `REF#NAME` instantiates `nixosConfigurations.NAME`'s toplevel
    /// (as `nixos-rebuild --flake`), or an output (`packages.<system>.NAME`, ...); with
    /// --eval, evaluates like `nix eval`. Pure evaluation unless --impure.
    #[arg(long, value_name = "REF#ATTR")]
    pub flake: Option<String>,

    /// Flake mode: allow the environment, `<...>`, the clock and paths outside the flake.
    #[arg(long)]
    pub impure: bool,

    /// Pure evaluation outside flake mode too.
    #[arg(long = "pure-eval")]
    pub pure_eval: bool,

    /// Only files below the search path's entries (and fetched trees) may be read.
    #[arg(long = "restrict-eval")]
    pub restrict_eval: bool,

    /// Never write the flake's lock file, even when it changed.
    #[arg(long = "no-write-lock-file")]
    pub no_write_lock_file: bool,

    /// Fail if the flake's lock file would change (CI: the committed lock must be current).
    #[arg(long = "no-update-lock-file")]
    pub no_update_lock_file: bool,

    /// Lock every input anew, ignoring the old lock file.
    #[arg(long = "recreate-lock-file")]
    pub recreate_lock_file: bool,

    /// Lock this input (a path like `a/b`) anew (repeatable).
    #[arg(long = "update-input", value_name = "INPUT")]
    pub update_input: Vec<String>,

    /// Use REF for the input INPUT (not written to the lock file).
    #[arg(long = "override-input", num_args = 2, value_names = ["INPUT", "REF"], action = clap::ArgAction::Append)]
    pub override_input: Vec<String>,

    /// CI gate: evaluate every job below the selected set (`--flake REF#ATTRPATH`, or a
    /// file with `-A`) in worker processes, one JSON line per job (nix-eval-jobs' fields);
    /// exit 1 if any failed. A NixOS configuration's job is its toplevel.
    #[arg(long = "eval-jobs")]
    pub eval_jobs: bool,

    /// A worker of --eval-jobs: answers jobs from stdin (started by the coordinator).
    #[arg(long = "eval-jobs-worker", hide = true)]
    pub eval_jobs_worker: bool,

    /// --eval-jobs: the number of worker processes (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,

    /// --eval-jobs: a worker whose resident memory exceeds this (MiB) is replaced after
    /// its current job.
    #[arg(long = "max-memory-size", value_name = "MiB")]
    pub max_memory_size: Option<u64>,

    /// --eval-jobs: keep each job's .drv alive with a GC root in DIR.
    #[arg(long = "gc-roots-dir", value_name = "DIR")]
    pub gc_roots_dir: Option<String>,

    /// --eval-jobs: enter every attribute set, not only those with `recurseForDerivations`.
    #[arg(long = "force-recurse")]
    pub force_recurse: bool,

    /// Also ask the installed Nix for each job's .drv and report `identical` or the first
    /// difference (the .drv and field, nix-diff style); with or without --eval-jobs.
    #[arg(long)]
    pub differential: bool,

    /// --differential: the `nix` executable to compare with (default: `nix` on PATH;
    /// `nix-instantiate` is taken from the same folder).
    #[arg(long = "nix", value_name = "PATH")]
    pub nix: Option<String>,

    /// With --realise: make PATH a symlink to the (first) output, as nix-build's `result`;
    /// further outputs get PATH-2, PATH-3, ...
    #[arg(short = 'o', long = "out-link", value_name = "PATH")]
    pub out_link: Option<String>,

    /// Print the option list of the module system evaluation (a `lib.evalModules` result,
    /// a NixOS system, `--flake REF#host`): `lib.optionAttrSetToDocList` of its `options`
    /// (the names; with --json, the whole list).
    #[arg(long)]
    pub options: bool,

    /// Describe one option of the module system evaluation: value, type, description,
    /// default, example, declarations and definitions (one JSON object with --json).
    #[arg(long = "describe-option", value_name = "PATH")]
    pub describe_option: Option<String>,
}

impl Cli {
    /// Parse a command line, noting the positions of the `--arg`/`--argstr` pairs.
    pub fn parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        let positions = |id: &str| -> Vec<usize> {
            matches
                .indices_of(id)
                .map(|i| i.step_by(2).collect())
                .unwrap_or_default()
        };
        cli.arg_positions = positions("arg");
        cli.argstr_positions = positions("argstr");
        // `--json`, `--xml` and `--raw` set one output kind in nix-instantiate: the last
        // one given wins.
        let last = |id: &str| {
            (matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
                .then(|| matches.indices_of(id).and_then(|i| i.max()))
                .flatten()
        };
        let kinds = [last("json"), last("xml"), last("raw")];
        if let Some(winner) = kinds.iter().flatten().max().copied() {
            cli.json = kinds[0] == Some(winner);
            cli.xml = kinds[1] == Some(winner);
            cli.raw = kinds[2] == Some(winner);
        }
        Ok(cli)
    }

    /// Instantiate mode: derivations are looked for, written and maybe built.
    pub fn instantiates(&self) -> bool {
        !self.eval && !self.parse && !self.modules_query()
    }

    /// `--options` or `--describe-option`: the value is a module system, nothing is built.
    pub fn modules_query(&self) -> bool {
        self.options || self.describe_option.is_some()
    }

    pub fn read_only(&self) -> bool {
        self.readonly_mode || self.dry_run
    }

    /// Store objects go through the nix-daemon as they are made: when instantiating, and
    /// for `--eval --read-write-mode`; as in Nix, `--eval` alone writes nothing.
    pub fn writes_store(&self) -> bool {
        !self.read_only() && !self.parse && !self.modules_query() && (!self.eval || self.read_write_mode)
    }
}
