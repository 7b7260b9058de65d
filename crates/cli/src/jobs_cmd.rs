//! `--eval-jobs`: the coordinator lists the jobs below the selected set and runs them on
//! worker processes (this binary again, with `--eval-jobs-worker`), printing each record
//! as a JSON line the moment it is done; a worker answers jobs from its stdin.

use crate::args::Cli;
use rnix_eval_core::error::EvalResult;
use rnix_eval_core::term::eprint_line;
use rnix_eval_core::value::Value;
use rnix_eval_core::Evaluator;
use rnix_eval_jobs::pool::{self, PoolOptions};
use std::io::Write;
use std::time::Instant;

/// The set the jobs are below, and its attribute path.
fn root(ev: &mut Evaluator, cli: &Cli, cwd: &str, worker: bool) -> EvalResult<(Value, Vec<String>)> {
    if let Some(reference) = &cli.flake {
        let (flake_ref, fragment) = rnix_eval_fetch::flakeref::split_reference(reference);
        let fragment = fragment.as_str();
        let mut opts = crate::flake_cmd::lock_options(cli);
        // The coordinator locked the flake already.
        opts.write_lock_file &= !worker;
        let flake = rnix_eval_flake::load_flake(ev, flake_ref, std::path::Path::new(cwd), &opts)?;
        if !cli.eval_jobs && !worker {
            // One job, found as `--flake REF#NAME` finds it (a host is its toplevel).
            let system = ev.current_system.clone();
            let purpose = rnix_eval_flake::outputs::Purpose::Build;
            let (v, path) = rnix_eval_flake::outputs::select_output(ev, &flake, flake_ref, fragment, &system, purpose)?;
            return Ok((v, rnix_eval_flake::outputs::split_attr_path(&path)?));
        }
        let prefix = selected_path(cli)?;
        let outputs = rnix_eval_flake::outputs::flake_outputs(ev, &flake)?;
        let v = crate::run::select_attr_path(ev, outputs, fragment, &None)?;
        return Ok((v, prefix));
    }
    let input = cli.files.first().cloned().unwrap_or_else(|| "./default.nix".into());
    let v = crate::run::eval_input(ev, cli, &input, cwd)?;
    let auto = crate::run::auto_args(ev, cli, cwd)?;
    let attr = cli.attr.first().cloned().unwrap_or_default();
    let v = crate::run::select_attr_path(ev, v, &attr, &auto)?;
    // A `release.nix` that is a function (`{ supportedSystems ? [ .. ] }: { .. }`) is
    // called with the `--arg`s, as nix-eval-jobs does (`-A` already calls along its path).
    let v = ev.force(&v)?;
    let v = crate::run::auto_call(ev, v, auto.as_ref().unwrap_or(&Default::default()))?;
    Ok((v, selected_path(cli)?))
}

pub fn coordinate(ev: &mut Evaluator, cli: &Cli, cwd: &str, show_trace: bool) -> i32 {
    if std::env::var_os(WORKER_ENV).is_some() {
        eprint_line(b"error: an --eval-jobs worker cannot start workers of its own");
        return 1;
    }
    let started = Instant::now();
    let mut cache = crate::jobs_cache::JobsCache::start(ev, cli, cwd);
    let found = match cache.as_mut().and_then(|c| c.cached_list()) {
        Some(found) => Ok(found),
        None => root(ev, cli, cwd, false).and_then(|(v, prefix)| {
            let found = rnix_eval_jobs::discover(ev, &v, &prefix, cli.force_recurse)?;
            if let Some(c) = &cache {
                c.store_list(ev, &found);
            }
            Ok(found)
        }),
    };
    let found = match found {
        Ok(f) => f,
        Err(e) => {
            let text = e.render(show_trace);
            eprint_line(text.strip_suffix('\n').unwrap_or(&text).as_bytes());
            return 1;
        }
    };
    let stdout = std::io::stdout();
    let selected = selected_path(cli).unwrap_or_default();
    let mut print = |record: &serde_json::Value| {
        let record = relative_to(record, &selected);
        let mut out = stdout.lock();
        let _ = writeln!(out, "{record}");
        let _ = out.flush();
    };
    let mut failed = 0;
    let mut jobs = Vec::new();
    for (path, error) in found {
        match error {
            Some(message) => {
                failed += 1;
                print(
                    &rnix_eval_jobs::Record {
                        attr_path: path,
                        outcome: Err(message),
                    }
                    .to_json(),
                );
            }
            None => jobs.push(path),
        }
    }
    let listed = jobs.len() + failed;
    if let Some(c) = &mut cache {
        let (rest, answered_failed) = c.answer(ev, jobs, &mut print);
        jobs = rest;
        failed += answered_failed;
    }
    let workers = cli
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let start = || {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap_or_else(|_| "rnix-eval".into()));
        cmd.args(worker_args()).env(WORKER_ENV, "1");
        cmd
    };
    let summary = if jobs.is_empty() {
        pool::Summary::default()
    } else {
        pool::run(jobs, &PoolOptions { workers }, &start, &mut print)
    };
    failed += summary.failed;
    eprint_line(
        format!(
            "{listed} jobs, {failed} failed, {:.1} s{}",
            started.elapsed().as_secs_f64(),
            if summary.restarts > 0 {
                format!(" ({} worker restarts)", summary.restarts)
            } else {
                String::new()
            }
        )
        .as_bytes(),
    );
    i32::from(failed > 0)
}

/// This command line for a worker: without `--eval-jobs`, with `--eval-jobs-worker` (also
/// for `--differential` alone, which goes through the same pool).
/// The attribute path of the selected set (`-A a.b`, `--flake REF#a.b`).
fn selected_path(cli: &Cli) -> EvalResult<Vec<String>> {
    match &cli.flake {
        Some(reference) => {
            let (_, fragment) = rnix_eval_fetch::flakeref::split_reference(reference);
            rnix_eval_flake::outputs::split_attr_path(&fragment)
        }
        None => match cli.attr.first() {
            Some(attr) => crate::run::parse_attr_path(attr),
            None => Ok(Vec::new()),
        },
    }
}

/// A record as `nix-eval-jobs` prints it: `attr` and `attrPath` relative to the selected
/// set (`--flake .#hydraJobs` gives `hello`, not `hydraJobs.hello`).
fn relative_to(record: &serde_json::Value, selected: &[String]) -> serde_json::Value {
    let mut record = record.clone();
    let path: Option<Vec<String>> = record["attrPath"]
        .as_array()
        .map(|p| p.iter().filter_map(|c| c.as_str().map(String::from)).collect());
    if let Some(path) = path.filter(|p| !selected.is_empty() && p.starts_with(selected)) {
        let rest = &path[selected.len()..];
        record["attr"] = serde_json::Value::String(rnix_eval_jobs::attr_text(rest));
        record["attrPath"] = serde_json::json!(rest);
    }
    record
}

fn worker_args() -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).filter(|a| a != "--eval-jobs").collect();
    args.push("--eval-jobs-worker".into());
    args
}

/// Set in a worker's environment: a worker never coordinates (no process can start
/// workers of its own by mistake).
const WORKER_ENV: &str = "RNIX_EVAL_JOBS_WORKER";

pub fn serve(ev: &mut Evaluator, cli: &Cli, cwd: &str, store: Option<&crate::store_writer::SharedStore>) -> i32 {
    // A worker dies with its coordinator: a CI job cancelled by a signal to the
    // coordinator alone left a worker evaluating at full speed, adopted by init.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG only sets a signal number for this process.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    let cache = crate::jobs_cache::JobsCache::start(ev, cli, cwd);
    let root = root(ev, cli, cwd, true);
    let limit = cli.max_memory_size;
    let over = || limit.is_some_and(|l| pool::resident_mib().is_some_and(|m| m > l));
    let mut eval = |path: &[String]| {
        let mut record = match &root {
            Ok((v, prefix)) => rnix_eval_jobs::evaluate(ev, v, prefix, path),
            Err(e) => rnix_eval_jobs::Record {
                attr_path: path.to_vec(),
                outcome: Err(e.message.clone()),
            },
        };
        // The job's `.drv` files are in the store before it is reported.
        if let (Ok(_), Err(e)) = (&record.outcome, ev.store.flush()) {
            record.outcome = Err(e);
        }
        if let (Ok(built), Some(dir)) = (&record.outcome, &cli.gc_roots_dir) {
            let link = format!("{dir}/{}", built.drv_path.rsplit('/').next().unwrap_or(""));
            let _ = std::fs::create_dir_all(dir);
            let _ = match store {
                Some(store) => crate::store_writer::make_out_link(store, &link, &built.drv_path),
                None => crate::store_writer::make_symlink(&link, &built.drv_path).map(drop),
            };
        }
        let mut json = record.to_json();
        if let (true, Ok(built)) = (cli.differential, &record.outcome) {
            let verdict = differential(ev, cli, &record.attr_path, &built.drv_path);
            if let (Some(m), serde_json::Value::Object(v)) = (json.as_object_mut(), verdict) {
                m.extend(v);
            }
        }
        if let Some(c) = &cache {
            c.store_job(ev, path, &json);
        }
        json
    };
    match pool::serve(&mut eval, &over) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// The installed Nix's `.drv` for the same job, compared with ours.
fn differential(ev: &Evaluator, cli: &Cli, attr_path: &[String], ours: &str) -> serde_json::Value {
    use rnix_eval_jobs::differential::{compare, nix_drv_path, Target};
    let nix = cli
        .nix
        .clone()
        .map(std::path::PathBuf::from)
        .or_else(|| find_on_path("nix"));
    let Some(nix) = nix else {
        return serde_json::json!({ "differential": "error", "nixError": "no `nix` on PATH (give --nix PATH)" });
    };
    let file;
    let target = match &cli.flake {
        Some(reference) => Target::Flake {
            reference: reference.split_once('#').map_or(reference.as_str(), |(r, _)| r),
        },
        None => {
            file = cli.files.first().cloned().unwrap_or_else(|| "./default.nix".into());
            Target::File { file: &file }
        }
    };
    match nix_drv_path(&nix, &target, attr_path) {
        Ok(theirs) => {
            let read_ours = |p: &str| {
                ev.store
                    .derivations
                    .get(p)
                    .map(|d| d.aterm.clone())
                    .or_else(|| std::fs::read(p).ok())
            };
            let read_nix = |p: &str| std::fs::read(p).ok();
            let mut v = compare(ours, &theirs, &read_ours, &read_nix).to_json();
            v["nixDrvPath"] = serde_json::Value::String(theirs);
            v
        }
        Err(e) => serde_json::json!({ "differential": "error", "nixError": e }),
    }
}

fn find_on_path(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| std::path::Path::new(d).join(name))
        .find(|p| p.is_file())
}
