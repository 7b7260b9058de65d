//! Command-line flags, named and shaped as `nix-instantiate`'s.

use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    name = "rnix-eval",
    version,
    about = "Evaluate Nix expressions (nix-instantiate compatible)"
)]
pub struct Cli {
    /// Files to evaluate (default ./default.nix; `-` reads stdin), or expressions with -E.
    pub files: Vec<String>,

    /// Evaluate and print the result instead of instantiating derivations.
    #[arg(long)]
    pub eval: bool,

    /// Print the parsed expression instead of evaluating it.
    #[arg(long)]
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

    /// Leave source positions out of XML output.
    #[arg(long = "no-location")]
    pub no_location: bool,

    /// The arguments are expressions, not files.
    #[arg(short = 'E', long = "expr")]
    pub expr: bool,

    /// Select an attribute of the result (repeatable).
    #[arg(short = 'A', long = "attr")]
    pub attr: Vec<String>,

    /// Pass NAME = EXPR to the top-level function.
    #[arg(long, num_args = 2, value_names = ["NAME", "EXPR"], action = clap::ArgAction::Append)]
    pub arg: Vec<String>,

    /// Pass NAME = "STRING" to the top-level function.
    #[arg(long, num_args = 2, value_names = ["NAME", "STRING"], action = clap::ArgAction::Append)]
    pub argstr: Vec<String>,

    /// Add a search path entry (`prefix=path` or `path`).
    #[arg(short = 'I', long = "include")]
    pub include: Vec<String>,

    /// Show the full trace of an error.
    #[arg(long = "show-trace")]
    pub show_trace: bool,

    /// Maximum depth of nested function calls (default: as deep as the evaluation stack
    /// allows).
    #[arg(long = "max-call-depth")]
    pub max_call_depth: Option<usize>,

    /// Set a Nix setting (`max-call-depth` is the one rnix-eval uses; others are ignored
    /// with a warning, as Nix does for settings it does not know).
    #[arg(long, num_args = 2, value_names = ["NAME", "VALUE"], action = clap::ArgAction::Append)]
    pub option: Vec<String>,

    /// Accepted for compatibility; rnix-eval never writes during --eval.
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

    /// With --realise: make PATH a symlink to the (first) output, as nix-build's `result`;
    /// further outputs get PATH-2, PATH-3, ...
    #[arg(short = 'o', long = "out-link", value_name = "PATH")]
    pub out_link: Option<String>,
}

impl Cli {
    /// Instantiate mode: derivations are looked for, written and maybe built.
    pub fn instantiates(&self) -> bool {
        !self.eval && !self.parse
    }

    pub fn read_only(&self) -> bool {
        self.readonly_mode
    }
}
