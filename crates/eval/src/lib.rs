//! The rnix-eval evaluator.
//!
//! Data flow: source text -> [`rnix_eval_parser`] (rowan tree, lowered AST with resolved
//! slots) -> [`Evaluator::eval`] builds thunks and values -> printers ([`print`]) turn values
//! into `nix-instantiate --eval` output. Lowered ASTs are leaked: they live as long as the
//! process, like the C++ evaluator's, so thunks can point at them without reference counts.

// String contexts are boxed on purpose: most strings have none, and `Option<Box<_>>`
// keeps `NixString` one word smaller than an inline set.
#![allow(clippy::box_collection)]

mod assert_eq;
pub mod attr_path;
pub mod attrset;
mod block;
pub mod coerce;
pub mod cycles;
pub mod env;
pub mod error;
pub mod eval;
pub mod import;
pub mod io;
pub mod list_ref;
mod literals;
pub mod memory;
mod moves;
mod name_cache;
pub mod nix_conf;
mod no_ctx;
pub mod ops;
mod overrides;
pub mod primops;
pub mod print;
pub mod profiler;
pub mod rc;
pub mod repeat;
pub mod set_ref;
pub mod show_value;
pub mod stats;
pub mod store;
pub mod string_context;
pub mod teardown;
pub mod term;
pub mod value;
mod with_cache;
mod words;
pub mod xml;

mod builtins;

pub use builtins::{fetch_input, host_system, store_dir, tree_attrs};
pub use error::{ErrorKind, EvalError, EvalResult};
pub use value::Value;

use rnix_eval_parser::Symbol;
use rustc_hash::FxHashMap;

/// Symbols the evaluator itself looks up, interned once.
pub struct KnownSymbols {
    pub functor: Symbol,
    pub to_string: Symbol,
    pub out_path: Symbol,
    pub type_: Symbol,
    pub name: Symbol,
    pub value: Symbol,
    /// Interned at the first `tryEval`, after its argument is forced, as Nix does: a
    /// name's interning order is its place in every set, so `success` in a user's set
    /// comes after the names parsed before it.
    pub success: std::cell::OnceCell<Symbol>,
    pub key: Symbol,
    pub operator: Symbol,
    pub start_set: Symbol,
    pub right: Symbol,
    pub wrong: Symbol,
    pub prefix: Symbol,
    pub path: Symbol,
    pub overrides: Symbol,
}

/// The names modern Nix's `EvalState` interns before anything else, in its order
/// (`src/libexpr/eval.cc`). Attributes are stored, forced and compared in interning
/// order, so these come before every name of the program, as in Nix:
/// `deepSeq { ab = throw "a"; system = throw "s"; }` reports `s`.
const NIX_EARLY_SYMBOLS: &[&str] = &[
    "<with>",
    "outPath",
    "drvPath",
    "type",
    "meta",
    "name",
    "value",
    "system",
    "__overrides",
    "outputs",
    "outputName",
    "__ignoreNulls",
    "file",
    "line",
    "column",
    "__functor",
    "__toString",
    "right",
    "wrong",
    "__structuredAttrs",
    "__json",
    "allowedReferences",
    "allowedRequisites",
    "disallowedReferences",
    "disallowedRequisites",
    "maxSize",
    "maxClosureSize",
    "builder",
    "args",
    "__contentAddressed",
    "__impure",
    "outputHash",
    "outputHashAlgo",
    "outputHashMode",
    "recurseForDerivations",
    "description",
    "self",
    "",
    "startSet",
    "operator",
    "key",
    "path",
    "prefix",
    "outputSpecified",
    "__sub",
    "__lessThan",
    "__mul",
    "__div",
    "or",
    "__findFile",
    "__nixPath",
    "body",
];

impl KnownSymbols {
    fn new() -> Self {
        for name in NIX_EARLY_SYMBOLS {
            Symbol::intern(name);
        }
        let s = Symbol::intern;
        KnownSymbols {
            functor: s("__functor"),
            to_string: s("__toString"),
            out_path: s("outPath"),
            type_: s("type"),
            name: s("name"),
            value: s("value"),
            success: std::cell::OnceCell::new(),
            key: s("key"),
            operator: s("operator"),
            start_set: s("startSet"),
            overrides: s("__overrides"),
            right: s("right"),
            wrong: s("wrong"),
            prefix: s("prefix"),
            path: s("path"),
        }
    }
}

pub struct Options {
    /// `-I` entries and `NIX_PATH`, in lookup order: `prefix=path` or a bare path.
    pub search_path: Vec<String>,
    pub max_call_depth: usize,
    /// `max_call_depth` was derived from the stack budget, not asked for: passing it is
    /// reported as Nix 2.8 reports running out of stack.
    pub call_limit_is_stack: bool,
    /// How deep walks into values (`toJSON`, `deepSeq`, `--strict`) may go, each level
    /// counted as a call as modern Nix's `max-call-depth` counts it. `None`: only the
    /// native stack bounds them, as in Nix 2.8, so a deep but finite value is walked and
    /// a cyclic one reports Nix 2.8's stack overflow whatever the build's frame sizes.
    pub max_value_depth: Option<usize>,
    /// How many bytes of native stack evaluation may use before reporting an overflow.
    pub stack_budget: usize,
    /// Pure, restricted or impure: fixed for the evaluator's life, since `builtins`
    /// itself differs (no `currentTime` in pure mode).
    pub mode: io::Mode,
    /// `builtins.currentSystem` (Nix's `system`/`eval-system` settings); `None`: this host.
    pub current_system: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            search_path: Vec::new(),
            max_call_depth: 10_000,
            call_limit_is_stack: false,
            max_value_depth: None,
            // Safe on an ordinary 8 MiB main thread; the CLI runs on a big stack and
            // passes a larger budget.
            stack_budget: 6 << 20,
            mode: io::Mode::Impure,
            current_system: None,
        }
    }
}

/// `builtins.getFlake`'s implementation: a flake reference to the flake's value.
pub type FlakeLoader = Box<dyn FnMut(&mut Evaluator, &str, Option<rnix_eval_parser::Span>) -> EvalResult<Value>>;

pub struct Evaluator {
    /// Values of the global scope, indexed by the slots the lowerer resolved.
    pub globals: Vec<Value>,
    pub global_names: rnix_eval_parser::GlobalNames,
    pub sym: KnownSymbols,
    /// `import` results by canonical path: each file is parsed and evaluated once.
    import_cache: FxHashMap<String, Value>,
    /// `scopedImport`'s lowered files, by path and the scope's names: the tree depends on
    /// the names only, while the scope's values change from call to call. Read, parsed
    /// and leaked again at every call, a file imported through `scopedImport` many times
    /// (an `import` overridden to be one) grew by its text and tree each time, and one
    /// that scoped-imports itself took 2.2 GB and 18 s to reach Nix's stack overflow.
    pub(crate) scoped_import_trees:
        FxHashMap<(String, Vec<rnix_eval_parser::Symbol>), &'static rnix_eval_parser::ast::Expr>,
    /// Files whose `import` is being evaluated (to catch import cycles).
    importing: rustc_hash::FxHashSet<String>,
    /// Search path entries looked at, and whether they exist: one that does not is
    /// warned about once and skipped, as Nix's `resolveSearchPathElem`.
    search_roots: FxHashMap<String, bool>,
    pub search_path: Vec<(String, String)>,
    pub call_depth: usize,
    pub max_call_depth: usize,
    /// [`Options::call_limit_is_stack`].
    pub call_limit_is_stack: bool,
    /// [`Options::max_value_depth`], `usize::MAX` for none.
    pub max_value_depth: usize,
    /// Lowest native stack address evaluation may reach.
    stack_limit: usize,
    /// Store paths, `.drv` files and sources this evaluation produced.
    pub store: store::StoreState,
    /// Attribute names as string values, made once per symbol: `attrNames`, `mapAttrs`
    /// and `zipAttrsWith` hand out a name per attribute, and nixpkgs calls them on sets
    /// of thousands.
    symbol_strings: Vec<Option<crate::rc::Rc<crate::value::NixString>>>,
    /// The one gate for files, directories, environment and clock.
    pub io: io::Io,
    /// Answers `builtins.getFlake` (installed by the flake crate, which depends on this one).
    pub flake_loader: Option<FlakeLoader>,
    /// The `allow-import-from-derivation` setting (Nix's default: on).
    pub allow_import_from_derivation: bool,
    /// `abort-on-warn`: `builtins.warn` fails after printing its warning.
    pub abort_on_warn: bool,
    /// `--trace-verbose`: `traceVerbose` prints as `trace`.
    pub trace_verbose: bool,
    /// `builtins.currentSystem`.
    pub current_system: String,
    /// `--eval-profiler flamegraph`: call stacks sampled while evaluating.
    pub profiler: Option<Box<profiler::Profiler>>,
    /// The last answer of each `with`-resolved variable (`with_cache.rs`).
    pub(crate) with_cache: with_cache::WithCache,
    /// The symbol of each dynamic attribute name by site and string (`name_cache.rs`).
    pub(crate) name_cache: name_cache::NameCache,
    /// The value of each string and path literal (`literals.rs`).
    pub(crate) literals: literals::Literals,
    /// The `parse-toml-timestamps` experimental feature (see `builtins/toml.rs`).
    pub toml_timestamps: bool,
    /// Make a thunk wherever Nix makes one, for output that shows what is unevaluated
    /// (`nix-instantiate --eval` without `--strict` prints `<CODE>`): arithmetic on known
    /// integers and lambdas are otherwise values at once, which Nix would print evaluated.
    pub thunks_as_nix: bool,
}

impl Evaluator {
    /// Create an evaluator. Call it on the thread that will evaluate: the stack budget
    /// is measured from the caller's stack position.
    pub fn new(options: Options) -> Evaluator {
        let marker = 0u8;
        let sp = &marker as *const u8 as usize;
        let mut ev = Evaluator {
            globals: Vec::new(),
            global_names: Default::default(),
            sym: KnownSymbols::new(),
            import_cache: FxHashMap::default(),
            scoped_import_trees: FxHashMap::default(),
            importing: Default::default(),
            search_roots: FxHashMap::default(),
            search_path: options
                .search_path
                .iter()
                .map(|e| import::split_search_entry(e))
                .collect(),
            call_depth: 0,
            with_cache: with_cache::WithCache::default(),
            name_cache: name_cache::NameCache::default(),
            literals: literals::Literals::default(),
            max_call_depth: options.max_call_depth,
            call_limit_is_stack: options.call_limit_is_stack,
            max_value_depth: options.max_value_depth.unwrap_or(usize::MAX),
            stack_limit: sp.saturating_sub(options.stack_budget),
            store: store::StoreState::new(builtins::store_dir()),
            symbol_strings: Vec::new(),
            io: io::Io::new(Box::new(io::RealFs), options.mode.clone(), builtins::store_dir()),
            flake_loader: None,
            allow_import_from_derivation: true,
            abort_on_warn: false,
            trace_verbose: false,
            current_system: options.current_system.clone().unwrap_or_else(builtins::host_system),
            profiler: None,
            toml_timestamps: false,
            thunks_as_nix: false,
        };
        match ev.io.mode {
            io::Mode::Pure => ev.search_path.clear(),
            io::Mode::Restricted => {
                for (_, root) in ev.search_path.clone() {
                    ev.io.allow(&import::absolute_from_cwd(&root));
                }
            }
            io::Mode::Impure => {}
        }
        builtins::install(&mut ev);
        ev
    }

    /// The name `sym` as a string value, shared by every use (strings have no identity
    /// in Nix, so sharing is not observable).
    #[inline]
    pub fn symbol_string(&mut self, sym: rnix_eval_parser::Symbol) -> Value {
        // The string made before, as a string handle: a `Value`'s clone dispatches on
        // the tag (`attrNames` asks for a million names in `lib.matchAttrs` loops).
        match self.symbol_strings.get(sym.index() as usize) {
            Some(Some(s)) => Value::String(s.clone()),
            _ => self.new_symbol_string(sym),
        }
    }

    #[cold]
    fn new_symbol_string(&mut self, sym: rnix_eval_parser::Symbol) -> Value {
        use crate::{rc::Rc, value::NixString};
        let i = sym.index() as usize;
        if i >= self.symbol_strings.len() {
            self.symbol_strings.resize(i + 1, None);
        }
        let s = self.symbol_strings[i].get_or_insert_with(|| Rc::new(NixString::copy_from(sym.as_bytes())));
        Value::String(s.clone())
    }

    /// Parse, lower and evaluate (to WHNF) an expression given as text.
    pub fn eval_source(&mut self, origin: rnix_eval_parser::Origin, base_dir: &str, text: &str) -> EvalResult<Value> {
        let expr = rnix_eval_parser::parse_and_lower(origin, base_dir.to_string(), text, &self.global_names)?;
        self.eval_lowered(expr)
    }

    /// As [`Evaluator::eval_source`] for a source built into the binary: never through
    /// the parse cache (creating an evaluator must not touch the user's cache).
    pub fn eval_embedded(&mut self, origin: rnix_eval_parser::Origin, text: &str) -> EvalResult<Value> {
        let expr = rnix_eval_parser::parse_and_lower_embedded(origin, "/".to_string(), text, &self.global_names)?;
        self.eval_lowered(expr)
    }

    fn eval_lowered(&mut self, expr: rnix_eval_parser::ast::Expr) -> EvalResult<Value> {
        let expr: &'static _ = Box::leak(Box::new(expr));
        let env = env::Env::new(None, 0);
        self.eval(expr, &env)
    }

    /// Evaluate a file (or a directory's `default.nix`), cached like `import`.
    pub fn eval_file(&mut self, path: &str) -> EvalResult<Value> {
        self.import_path(path, None)
    }

    pub fn global(&self, name: &str) -> Option<Value> {
        self.global_names
            .get(&Symbol::intern(name))
            .map(|&i| self.globals[i as usize].clone())
    }

    pub(crate) fn add_global(&mut self, name: &str, value: Value) {
        let sym = Symbol::intern(name);
        match self.global_names.get(&sym) {
            Some(&i) => self.globals[i as usize] = value,
            None => {
                self.global_names.insert(sym, self.globals.len() as u32);
                self.globals.push(value);
            }
        }
    }
}

/// Run `f` on a thread with a large stack: deep (but finite) Nix recursion must not
/// overflow the native stack, and [`Options::stack_budget`] turns runaway recursion into an
/// error well before the end of it. Under an address-space limit (`ulimit -v`) a 1 GiB
/// stack may not be reservable, or would leave too little for the heap: the reservation
/// is capped at a quarter of the limit and halved until a thread can be made. `f` is
/// given the size it really got (`None`: it runs on the calling thread, as a last resort).
pub fn with_eval_stack<T: Send + 'static>(
    max_stack_size: usize,
    f: impl FnOnce(Option<usize>) -> T + Send + 'static,
) -> T {
    const MIN_STACK: usize = 16 << 20;
    let mut size = max_stack_size.min(address_space_limit() / 4).max(MIN_STACK);
    let f = std::sync::Arc::new(std::sync::Mutex::new(Some(f)));
    loop {
        let g = f.clone();
        let spawned = std::thread::Builder::new()
            .name("rnix-eval".into())
            .stack_size(size)
            .spawn(move || {
                let f = g.lock().unwrap_or_else(|e| e.into_inner()).take();
                f.map(|f| f(Some(size)))
            });
        match spawned {
            Ok(handle) => match handle.join() {
                Ok(Some(result)) => return result,
                Ok(None) => unreachable!("the closure is taken once, by the thread that ran"),
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) if size > MIN_STACK => size /= 2,
            Err(_) => break,
        }
    }
    let f = f.lock().unwrap_or_else(|e| e.into_inner()).take();
    f.expect("no thread ran the closure")(None)
}

/// `RLIMIT_AS` in bytes (`usize::MAX` when unlimited).
pub fn address_space_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } == 0;
    if !ok || limit.rlim_cur == libc::RLIM_INFINITY {
        return usize::MAX;
    }
    usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
}
