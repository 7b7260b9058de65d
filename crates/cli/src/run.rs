//! What `rnix-eval` does with its flags: evaluate each input, select `-A` paths, apply
//! `--arg`s, and print like `nix-instantiate`.

use crate::args::Cli;
use rnix_eval_core::env::Env;
use rnix_eval_core::error::{ErrorKind, EvalError, EvalResult};
use rnix_eval_core::term::eprint_line;
use rnix_eval_core::value::{Attr, AttrSet, SetRef, Value};
use rnix_eval_core::{print, Evaluator, Options};
use rnix_eval_parser::{Origin, Symbol};
use rnix_eval_store::io_reason;
use std::io::{Read, Write};

/// The evaluation thread's stack (less under `ulimit -v`, see `with_eval_stack`): deep
/// recursion is cut off by `Options::stack_budget` (a clean error) before it is used up.
/// Debug builds get twice as much: unoptimised frames are about four times larger
/// (`eval_binop` alone takes 2 KB), and the tests check the depth a release build
/// reaches (100,000 nested calls; a release build does over 400,000 in 1 GiB). Only
/// address space is reserved; pages are touched as the stack grows.
pub const EVAL_STACK_SIZE: usize = if cfg!(debug_assertions) { 2 << 30 } else { 1 << 30 };

/// Stack budget a Nix call level is allowed by the default `--max-call-depth`: 2 KiB,
/// about 500,000 levels on the evaluation thread's 1 GiB, which is what the stack held
/// when each level took five native frames. A level now takes one (`eval`'s tail calls)
/// and calls in tail position take none, so the stack alone would let runaway recursion
/// go on far longer than Nix 2.8 (about 70,000 levels), which reports it as a stack
/// overflow, as this limit does (`eval-fail-stack-overflow`: a million levels); deep but
/// finite recursion (100,000 levels) still finishes.
const STACK_PER_CALL: usize = 2048;

/// Modern Nix's explanation under a missing automatic argument (`EvalState::autoCallFunction`;
/// Nix 2.8 had it after an empty line, with the old manual's address).
const AUTO_CALL_HINT: &str = "Nix attempted to evaluate a function as a top level expression; in
this case it must have its arguments supplied either by default
values, or passed explicitly with '--arg' or '--argstr'. See
https://nix.dev/manual/nix/stable/language/syntax.html#functions.";

/// `stack` is the evaluation thread's stack size (`None`: the main thread's).
pub fn run(mut cli: Cli, stack: Option<usize>) -> i32 {
    // `--eval --flake` prints as `nix eval` does: the whole value, evaluated deeply.
    cli.strict |= cli.flake.is_some();
    let settings = crate::settings::Settings::from_cli(&cli);
    // `-I`, then the `nix-path` setting (`NIX_PATH` over the configuration files, the
    // command line over both; see `Settings::from_cli`), then `extra-nix-path`.
    let mut search_path = cli.include.clone();
    search_path.extend(settings.nix_path.iter().flatten().cloned());
    search_path.extend(settings.extra_nix_path.iter().cloned());
    let stack_budget = match stack {
        // Room for what runs below the last check (printers, primops, the allocator).
        Some(size) => size - (16 << 20).min(size / 8),
        None => Options::default().stack_budget,
    };
    let options = Options {
        search_path,
        max_call_depth: settings.max_call_depth.unwrap_or(stack_budget / STACK_PER_CALL),
        call_limit_is_stack: settings.max_call_depth.is_none(),
        max_value_depth: settings.max_call_depth,
        stack_budget,
        current_system: settings.current_system.clone(),
        mode: settings.eval_mode(&cli),
    };
    // Never dropped, as the values in `eval_one`: its caches hold whole evaluations.
    let mut ev = std::mem::ManuallyDrop::new(Evaluator::new(options));
    rnix_eval_flake::install(&mut ev);
    ev.allow_import_from_derivation = settings.allow_import_from_derivation;
    ev.abort_on_warn = settings.abort_on_warn;
    ev.trace_verbose = settings.trace_verbose;
    rnix_eval_parser::lints::set(settings.lints);
    ev.toml_timestamps = settings.toml_timestamps;
    // What is printed unevaluated must be what Nix leaves unevaluated.
    ev.thunks_as_nix = cli.eval && !cli.strict;
    if let Some(file) = &settings.eval_profile_file {
        match rnix_eval_core::profiler::Profiler::start(file.into(), settings.eval_profiler_frequency) {
            Ok(p) => ev.profiler = Some(Box::new(p)),
            Err(e) => {
                let reason = rnix_eval_store::io_reason(&e);
                eprint_line(format!("error: opening file '{file}': {reason}").as_bytes());
                return 1;
            }
        }
    }
    let code = drive(&mut ev, &cli, &settings);
    if let Some(p) = ev.profiler.take() {
        if let Err(e) = p.finish() {
            eprint_line(format!("error: writing the evaluation profile: {e}").as_bytes());
        }
    }
    if rnix_eval_core::stats::requested() {
        print_stats();
    }
    code
}

/// `NIX_SHOW_STATS`: the evaluation's counters as Nix's JSON.
fn print_stats() {
    // SAFETY: getrusage fills in the zeroed struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let cpu = usage.ru_utime.tv_sec as f64 + usage.ru_utime.tv_usec as f64 / 1e6;
    let peak_rss = usage.ru_maxrss as u64 * 1024;
    let stats = rnix_eval_core::stats::to_json(cpu, rnix_eval_parser::Symbol::table_size(), peak_rss);
    if let Err(e) = rnix_eval_core::stats::print(&stats) {
        eprint_line(format!("error: writing statistics: {e}").as_bytes());
    }
}

/// Everything after the evaluator is set up: the mode the command line asks for.
fn drive(ev: &mut Evaluator, cli: &Cli, settings: &crate::settings::Settings) -> i32 {
    if cli.find_file {
        return find_files(ev, cli, settings.show_trace);
    }
    let store = if cli.eval && cli.writes_store() {
        // As Nix's daemon store, the connection is made when evaluation first writes: an
        // evaluation that writes nothing needs no daemon.
        let sink = crate::store_writer::LazyDaemonSink::new(cli.store.clone(), settings.store_overrides.clone());
        ev.store.sink = Some(Box::new(sink));
        None
    } else if cli.writes_store() {
        match crate::store_writer::connect(cli.store.as_deref(), settings.store_overrides.clone()) {
            Ok(store) => {
                let sink = crate::store_writer::DaemonSink::new(
                    store.clone(),
                    cli.store.clone(),
                    settings.store_overrides.clone(),
                );
                ev.store.sink = Some(Box::new(sink));
                Some(store)
            }
            // As Nix, parse and evaluate first when nothing but writes needs the daemon:
            // a syntax error is reported as such, and a write reports the connection.
            Err(_) if !cli.realise && cli.add_root.is_none() && cli.out_link.is_none() => {
                let sink =
                    crate::store_writer::LazyDaemonSink::new(cli.store.clone(), settings.store_overrides.clone());
                ev.store.sink = Some(Box::new(sink));
                None
            }
            Err(e) => {
                eprint_line(format!("error: {e}").as_bytes());
                return 1;
            }
        }
    } else {
        None
    };
    // A `.drv` text is read again only to be written: to a store, to `--write-drvs-to`,
    // or beside Nix's for `--differential`.
    ev.store.drop_drv_texts = ev.store.sink.is_none() && cli.write_drvs_to.is_none() && !cli.differential;
    if cli.realise && (store.is_none() || !cli.instantiates()) {
        eprint_line(b"error: --realise builds through the nix-daemon: it cannot be combined with --read-only, --eval or --parse");
        return 1;
    }
    let cwd = std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "/".into());
    if cli.eval_jobs_worker {
        return crate::jobs_cmd::serve(ev, cli, &cwd, store.as_ref());
    }
    if cli.eval_jobs || cli.differential {
        return crate::jobs_cmd::coordinate(ev, cli, &cwd, settings.show_trace);
    }

    let mut session = crate::eval_cache::Session::start(cli, &cwd);
    if let Some(s) = &mut session {
        if let Some(code) = s.answer(ev) {
            return code;
        }
        s.begin(ev);
    }
    let mut printed = Vec::new();
    let sync = || session.as_ref().map_or((), |s| s.sync());
    let code = evaluate_inputs(ev, cli, &cwd, store.as_ref(), settings.show_trace, &mut printed, &sync);
    if let Some(s) = session {
        s.finish(ev, code, printed);
    }
    code
}

/// Evaluate (or parse) each input and print it; `printed` gets what went to stdout,
/// `sync` is called before each write to it (stderr written before comes first).
fn evaluate_inputs(
    ev: &mut Evaluator,
    cli: &Cli,
    cwd: &str,
    store: Option<&crate::store_writer::SharedStore>,
    show_trace: bool,
    printed: &mut Vec<u8>,
    sync: &dyn Fn(),
) -> i32 {
    // As nix-instantiate: with -E and nothing else there is nothing to do, and `-` (read
    // stdin) is one flag wherever and however often it is given: stdin is evaluated once,
    // first, and then there is no `./default.nix`.
    let inputs: Vec<String> = if let Some(flake) = &cli.flake {
        vec![flake.clone()]
    } else {
        let read_stdin = cli.files.iter().any(|f| f == "-");
        let others = cli.files.iter().filter(|f| *f != "-").cloned();
        let first = if read_stdin {
            Some("-".to_string())
        } else if cli.files.is_empty() && !cli.expr {
            Some("./default.nix".to_string())
        } else {
            None
        };
        first.into_iter().chain(others).collect()
    };

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for input in &inputs {
        // What was printed before a failure is printed (`-A a -A b` with `b` failing
        // shows `a`'s result, as Nix prints each path as it goes).
        let mut text = Vec::new();
        let result = if cli.parse {
            parse_one(ev, cli, input, cwd).map(|t| text = t.into_bytes())
        } else {
            let result = eval_one(ev, cli, input, cwd, store, &mut text);
            // What was written is valid before its path is printed; a failed write came
            // before anything that failed after it.
            match ev.store.flush() {
                Err(m) => Err(EvalError::new(ErrorKind::Eval, m, None)),
                Ok(()) => result,
            }
        };
        sync();
        if out.write_all(&text).and_then(|_| out.flush()).is_err() {
            return 1;
        }
        append(printed, text);
        match result {
            Ok(()) => {}
            Err(e) => {
                let _ = out.flush();
                let text = e.render(show_trace);
                eprint_line(text.strip_suffix('\n').unwrap_or(&text).as_bytes());
                if let Some(status) = e.exit_status {
                    return status.into();
                }
                return crate::store_writer::failure_exit_code();
            }
        }
        if let Some(dir) = &cli.write_drvs_to {
            if let Err(e) = crate::instantiate::write_drvs_to(ev, dir) {
                eprint_line(format!("error: writing .drv files to '{dir}': {e}").as_bytes());
                return 1;
            }
        }
    }
    0
}

/// `--find-file`: each argument looked up in the search path, its path printed.
fn find_files(ev: &mut Evaluator, cli: &Cli, show_trace: bool) -> i32 {
    let entries = ev.search_path.clone();
    for name in &cli.files {
        match ev.find_file(&entries, name, None) {
            Ok(path) => println!("{path}"),
            Err(e) => {
                let text = e.render(show_trace);
                eprint_line(text.strip_suffix('\n').unwrap_or(&text).as_bytes());
                return 1;
            }
        }
    }
    0
}

fn read_input(cli: &Cli, input: &str, cwd: &str) -> EvalResult<(Origin, String, String)> {
    // `-` reads an expression from stdin, also with -E.
    if cli.expr && input != "-" {
        return Ok((Origin::String, cwd.to_string(), input.to_string()));
    }
    if input == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            let reason = rnix_eval_store::io_reason(&e);
            EvalError::new(ErrorKind::Eval, format!("reading stdin: {reason}"), None)
        })?;
        return Ok((Origin::Stdin, cwd.to_string(), text));
    }
    let mut path = rnix_eval_core::import::absolute_from_cwd(input);
    if std::path::Path::new(&path).is_dir() {
        path = format!("{path}/default.nix");
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        EvalError::new(
            ErrorKind::Eval,
            format!("getting status of '{path}': {}", io_reason(&e)),
            None,
        )
    })?;
    let text =
        rnix_eval_core::import::source_text(&path, bytes).map_err(|msg| EvalError::new(ErrorKind::Eval, msg, None))?;
    let dir = std::path::Path::new(&path)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((Origin::Path(path), dir, text))
}

fn parse_one(ev: &Evaluator, cli: &Cli, input: &str, cwd: &str) -> EvalResult<String> {
    let (origin, dir, text) = read_input(cli, input, cwd)?;
    let expr = rnix_eval_parser::parse_and_lower(origin, dir, &text, &ev.global_names)?;
    Ok(format!("{}\n", rnix_eval_parser::show::show(&expr)))
}

fn eval_one(
    ev: &mut Evaluator,
    cli: &Cli,
    input: &str,
    cwd: &str,
    store: Option<&crate::store_writer::SharedStore>,
    out: &mut Vec<u8>,
) -> EvalResult<()> {
    let (root, host) = if cli.flake.is_some() {
        crate::flake_cmd::output(ev, cli, input, cwd)?
    } else {
        (eval_input(ev, cli, input, cwd)?, None)
    };
    // Never dropped: the process ends soon, and dropping a very deep value (a
    // 1,000,000-deep list) recurses once per level on the native stack.
    let root = std::mem::ManuallyDrop::new(root);
    eval_paths(ev, cli, cwd, &root, store, out).map_err(|e| {
        // A module-system error about an option of the root (a NixOS system, a flake
        // host): where its definitions are, which the lib's message cannot say.
        if let Some(system) = host.as_ref().and_then(|h| h.system(ev)) {
            return with_definitions_note(ev, &system, e);
        }
        // Only an error about an option gets a note: finding the system calls a file's
        // function again, which must not happen (its traces, its work) for any other.
        if rnix_eval_modules::option_of_error(&e).is_none() {
            return e;
        }
        // The root as `-A` sees it: a file's function called with the `--arg`s.
        let args = auto_args(ev, cli, cwd).ok().flatten().unwrap_or_default();
        let Ok(system) = ev.force(&root).and_then(|v| auto_call(ev, v, &args)) else {
            return e;
        };
        with_definitions_note(ev, &system, e)
    })
}

/// `e` with the note of where the definitions of the option it names are in `system`,
/// when it names one ([`rnix_eval_modules::definitions_note`]).
pub(crate) fn with_definitions_note(ev: &mut Evaluator, system: &Value, mut e: Box<EvalError>) -> Box<EvalError> {
    if let Some(note) = rnix_eval_modules::definitions_note(ev, system, &e) {
        e.message = format!("{}\n\n{note}", e.message.trim_end());
    }
    e
}

/// The `-A` paths of `root`, evaluated and printed (or instantiated) by the flags.
fn eval_paths(
    ev: &mut Evaluator,
    cli: &Cli,
    cwd: &str,
    root: &Value,
    store: Option<&crate::store_writer::SharedStore>,
    out: &mut Vec<u8>,
) -> EvalResult<()> {
    let auto_args = auto_args(ev, cli, cwd)?;
    let paths = if cli.attr.is_empty() {
        vec![String::new()]
    } else {
        cli.attr.clone()
    };
    // Bytes: strings are printed as they are, as Nix does, even if not UTF-8.
    for path in paths {
        let v = select_attr_path(ev, root.clone(), &path, &auto_args)?;
        let v = ev.force(&v)?;
        let v = match &auto_args {
            Some(args) => auto_call(ev, v, args)?,
            // A function is never a module system: call it with its defaults.
            None if cli.modules_query() => auto_call(ev, v, &SetRef::default())?,
            None => v,
        };
        if cli.modules_query() {
            out.extend(crate::modules_cmd::query(ev, cli, &v)?);
            continue;
        }
        if !cli.eval {
            let mut found = Vec::new();
            let no_args = SetRef::default();
            crate::instantiate::find_derivations(ev, &v, auto_args.as_ref().unwrap_or(&no_args), &mut found)?;
            // Built or rooted through the shared connection: the writes come first.
            ev.store.flush().map_err(|m| EvalError::new(ErrorKind::Eval, m, None))?;
            if cli.realise {
                let targets: Vec<(String, String)> = found.into_iter().map(|d| (d.drv_path, d.output_name)).collect();
                let store = store.expect("checked when starting");
                let outputs = crate::store_writer::realise(store, &targets)
                    .map_err(|e| EvalError::new(ErrorKind::Eval, e, None))?;
                for (i, path) in outputs.iter().enumerate() {
                    if let Some(link) = &cli.out_link {
                        let link = if i == 0 {
                            link.clone()
                        } else {
                            format!("{link}-{}", i + 1)
                        };
                        crate::store_writer::make_out_link(store, &link, path)
                            .map_err(|e| EvalError::new(ErrorKind::Eval, e, None))?;
                    }
                    out.extend_from_slice(path.as_bytes());
                    out.push(b'\n');
                }
                continue;
            }
            for drv in found {
                if drv.output_name.is_empty() {
                    return Err(EvalError::new(
                        ErrorKind::Eval,
                        format!("derivation '{}' lacks an 'outputName' attribute", drv.drv_path),
                        None,
                    ));
                }
                let shown = match &cli.add_root {
                    Some(root) => add_root(root, &drv.drv_path, store)?,
                    None => {
                        // nix-instantiate's warning; `nix build`/`nixos-rebuild --flake` have none.
                        if cli.flake.is_none() {
                            gc_warning();
                        }
                        drv.drv_path.clone()
                    }
                };
                out.extend_from_slice(shown.as_bytes());
                if drv.output_name != "out" {
                    out.push(b'!');
                    out.extend_from_slice(drv.output_name.as_bytes());
                }
                out.push(b'\n');
            }
            continue;
        }
        // nix-instantiate forces deeply only for its own printer: the JSON and XML
        // printers force as they go (a derivation in JSON is its `outPath` only).
        let v = std::mem::ManuallyDrop::new(ev.force(&v)?);
        if cli.raw {
            // Modern nix-instantiate: `coerceToString` (paths are copied), no newline.
            let s = ev.coerce_to_string(&v, None, false, true)?;
            out.extend_from_slice(s.as_bytes());
        } else if cli.json {
            append(out, print::to_json(ev, &v, None, cli.strict)?);
            out.push(b'\n');
        } else if cli.xml {
            print::to_xml(ev, &v, cli.strict, !cli.no_location, out)?;
        } else {
            let v = std::mem::ManuallyDrop::new(if cli.strict { ev.force_deep(&v)? } else { (*v).clone() });
            append(out, print::print_value(ev, &v, cli.strict)?);
            out.push(b'\n');
        }
    }
    Ok(())
}

/// `printed` after `out`, moved rather than copied when `out` is empty: a large result
/// (`--json` of millions of elements) is then held once, not twice.
fn append(out: &mut Vec<u8>, printed: Vec<u8>) {
    if out.is_empty() {
        *out = printed;
    } else {
        out.extend_from_slice(&printed);
    }
}

pub(crate) fn eval_input(ev: &mut Evaluator, cli: &Cli, input: &str, cwd: &str) -> EvalResult<Value> {
    // `rnix-eval '<nixpkgs>'`: a search path lookup, as nix-instantiate allows.
    let resolved;
    let input = match input.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
        Some(name) if !cli.expr => {
            let entries = ev.search_path.clone();
            resolved = ev.find_file(&entries, name, None)?;
            resolved.as_str()
        }
        _ => input,
    };
    let (origin, dir, text) = read_input(cli, input, cwd)?;
    match &origin {
        Origin::Path(p) => ev.eval_file(p),
        _ => ev.eval_source(origin.clone(), &dir, &text),
    }
}

/// `--arg`/`--argstr` as a set, or `None` when there are none.
pub(crate) fn auto_args(ev: &mut Evaluator, cli: &Cli, cwd: &str) -> EvalResult<Option<SetRef>> {
    if cli.arg.is_empty() && cli.argstr.is_empty() {
        return Ok(None);
    }
    // (position on the command line, name, value); without positions (a `Cli` built by
    // hand), `--argstr`s after `--arg`s.
    let mut entries = Vec::new();
    for (i, pair) in cli.arg.chunks(2).enumerate() {
        let expr = rnix_eval_parser::parse_and_lower(Origin::String, cwd.to_string(), &pair[1], &ev.global_names)?;
        let expr: &'static _ = Box::leak(Box::new(expr));
        // Nix makes each a thunk (`mkThunk`): unevaluated until something forces it.
        let value = ev.unevaluated(expr, &Env::new(None, 0));
        entries.push((cli.arg_positions.get(i).copied().unwrap_or(i), &pair[0], value));
    }
    for (i, pair) in cli.argstr.chunks(2).enumerate() {
        let at = cli.argstr_positions.get(i).copied().unwrap_or(usize::MAX / 2 + i);
        entries.push((at, &pair[0], Value::string(pair[1].clone())));
    }
    // The last flag for a name wins: latest first, and the first of a name is kept.
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    let attrs = entries.into_iter().map(|(_, name, value)| Attr {
        name: Symbol::intern(name),
        value,
        pos: None,
    });
    Ok(Some(SetRef::new(AttrSet::from_unsorted(attrs.collect()))))
}

/// Nix's `autoCallFunction`: call a function with formals using the `--arg`s.
pub(crate) fn auto_call(ev: &mut Evaluator, f: Value, args: &AttrSet) -> EvalResult<Value> {
    // A functor set (`lib.makeOverridable`'s result) is called as `__functor self` and its
    // result auto-called in turn (Nix's `autoCallFunction`).
    if let Value::Attrs(set) = &f {
        if let Some(functor) = set.get(Symbol::intern("__functor")).cloned() {
            let functor = ev.force(&functor)?;
            let called = ev.call(functor, f.clone(), None)?;
            let called = ev.force(&called)?;
            return auto_call(ev, called, args);
        }
    }
    let Value::Lambda(closure) = &f else { return Ok(f) };
    let Some(formals) = &closure.lambda.formals else {
        return Ok(f);
    };
    let mut entries = Vec::new();
    if formals.ellipsis {
        entries = args.entries().to_vec();
    } else {
        for formal in formals.entries.iter() {
            match args.get_attr(formal.name) {
                Some(a) => entries.push(a.clone()),
                None if formal.default.is_none() => {
                    return Err(EvalError::new(
                        ErrorKind::Eval,
                        format!(
                            "cannot evaluate a function that has an argument without a value ('{}')\n{AUTO_CALL_HINT}",
                            rnix_eval_parser::show::identifier(formal.name.as_str())
                        ),
                        Some(formal.span),
                    ))
                }
                None => {}
            }
        }
    }
    ev.call(f, Value::attrs(AttrSet::from_unsorted(entries)), None)
}

/// `-A a.b.0.c`: select along attribute names and list indices.
pub(crate) fn select_attr_path(
    ev: &mut Evaluator,
    root: Value,
    path: &str,
    auto: &Option<SetRef>,
) -> EvalResult<Value> {
    let mut v = root;
    if path.is_empty() {
        return Ok(v);
    }
    let empty = SetRef::default();
    let components = parse_attr_path(path)?;
    for component in components.iter().map(String::as_str) {
        v = ev.force(&v)?;
        v = auto_call(ev, v, auto.as_ref().unwrap_or(&empty))?;
        v = ev.force(&v)?;
        // Nix's `findAlongAttrPath`: a component that reads as an `unsigned int` is a
        // list index, and the value must be a list (`a.0` of a set is an error).
        if let Ok(index) = component.parse::<u32>() {
            let Value::List(items) = &v else {
                return Err(EvalError::new(
                    ErrorKind::Eval,
                    format!(
                        "the expression selected by the selection path '{path}' should be a list but is {}",
                        v.type_desc()
                    ),
                    None,
                ));
            };
            let Some(item) = items.get(index as usize) else {
                return Err(EvalError::new(
                    ErrorKind::Eval,
                    format!("list index {index} in selection path '{path}' is out of range"),
                    None,
                ));
            };
            v = item.clone();
            continue;
        }
        let Value::Attrs(set) = &v else {
            return Err(EvalError::new(
                ErrorKind::Eval,
                format!(
                    "the expression selected by the selection path '{path}' should be a set but is {}",
                    v.type_desc()
                ),
                None,
            ));
        };
        if component.is_empty() {
            return Err(EvalError::new(
                ErrorKind::Eval,
                format!("empty attribute name in selection path '{path}'"),
                None,
            ));
        }
        match set.get(Symbol::intern(component)) {
            Some(next) => v = next.clone(),
            None => {
                let hints = rnix_eval_core::error::suggest(set.names(), component);
                let err = EvalError::new(
                    ErrorKind::Eval,
                    format!("attribute '{component}' in selection path '{path}' not found"),
                    None,
                );
                return Err(err.with_suggestions(hints));
            }
        }
    }
    Ok(v)
}

/// Nix's `parseAttrPath`, with its error as an evaluation error.
pub(crate) fn parse_attr_path(path: &str) -> EvalResult<Vec<String>> {
    rnix_eval_core::attr_path::parse(path).map_err(|m| EvalError::new(ErrorKind::Eval, m, None))
}

/// Nix's `printGCWarning`, once per run.
fn gc_warning() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        eprint_line(b"warning: you did not specify '--add-root'; the result might be removed by the garbage collector")
    });
}

/// `--add-root PATH`: the n-th instantiated derivation gets PATH (then PATH-2, ...), a
/// symlink to its `.drv`, registered with the daemon as an indirect root when there is
/// one; the root's path is what is printed.
fn add_root(root: &str, drv_path: &str, store: Option<&crate::store_writer::SharedStore>) -> EvalResult<String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed) + 1;
    let mut link = rnix_eval_core::import::absolute_from_cwd(root);
    if n > 1 {
        link = format!("{link}-{n}");
    }
    let made = match store {
        Some(store) => crate::store_writer::make_out_link(store, &link, drv_path),
        None => crate::store_writer::make_symlink(&link, drv_path).map(drop),
    };
    made.map_err(|e| EvalError::new(ErrorKind::Eval, e, None))?;
    Ok(link)
}
