//! `--flake REF#ATTR`: flags to the flake crate's options, and the selected output.

use crate::args::Cli;
use rnix_eval_core::error::EvalResult;
use rnix_eval_core::value::Value;
use rnix_eval_core::Evaluator;
use rnix_eval_flake::outputs::{select_output, Purpose};
use rnix_eval_flake::FlakeOptions;

/// The value `REF#fragment` names, and the NixOS-style host it belongs to (its
/// `nixosConfigurations.NAME`) when it is one's: errors about one of the host's options
/// get a note of where its definitions are.
pub fn output(ev: &mut Evaluator, cli: &Cli, reference: &str, cwd: &str) -> EvalResult<(Value, Option<Value>)> {
    let (flake_ref, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let opts = lock_options(cli);
    let locked = rnix_eval_flake::lock_flake(ev, flake_ref, std::path::Path::new(cwd), &opts)?;
    let flake = rnix_eval_flake::call_flake(ev, &locked)?;
    let purpose = if cli.eval || cli.modules_query() {
        Purpose::Eval
    } else {
        Purpose::Build
    };
    // `--options`/`--describe-option` on `REF#host`: the host's evaluation, not its toplevel.
    let host;
    let fragment = if cli.modules_query() && !fragment.is_empty() && !fragment.contains(['.', '"']) {
        host = format!("nixosConfigurations.{fragment}");
        host.as_str()
    } else {
        fragment
    };
    let name = locked.reference.to_url();
    let system = ev.current_system.clone();
    let host = host_of(ev, &flake, fragment);
    match select_output(ev, &flake, &name, fragment, &system, purpose) {
        Ok((value, _path)) => Ok((value, host)),
        Err(e) => Err(match &host {
            Some(system) => crate::run::with_definitions_note(ev, system, e),
            None => e,
        }),
    }
}

/// `nixosConfigurations.NAME` of the flake when `fragment` is `NAME` (a host's toplevel)
/// or lies under `nixosConfigurations.NAME`; `None` otherwise, or when looking fails.
fn host_of(ev: &mut Evaluator, flake: &Value, fragment: &str) -> Option<Value> {
    if fragment.is_empty() || fragment.contains('"') {
        return None;
    }
    let name = match fragment.strip_prefix("nixosConfigurations.") {
        Some(rest) => rest.split('.').next()?,
        None if !fragment.contains('.') => fragment,
        None => return None,
    };
    let mut v = ev.force(flake).ok()?;
    for attr in ["nixosConfigurations", name] {
        let Value::Attrs(set) = &v else { return None };
        let next = set.get(rnix_eval_parser::Symbol::intern(attr))?.clone();
        v = ev.force(&next).ok()?;
    }
    Some(v)
}

/// The locking flags.
pub fn lock_options(cli: &Cli) -> FlakeOptions {
    FlakeOptions {
        write_lock_file: !cli.no_write_lock_file,
        recreate: cli.recreate_lock_file,
        update_inputs: cli.update_input.clone(),
        override_inputs: cli
            .override_input
            .chunks(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect(),
        refuse_unlocked: false,
    }
}
