//! `--flake REF#ATTR`: flags to the flake crate's options, and the selected output.

use crate::args::Cli;
use rnix_eval_core::error::EvalResult;
use rnix_eval_core::value::Value;
use rnix_eval_core::Evaluator;
use rnix_eval_flake::outputs::{select_output, Purpose};
use rnix_eval_flake::FlakeOptions;

pub fn output(ev: &mut Evaluator, cli: &Cli, reference: &str, cwd: &str) -> EvalResult<Value> {
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
    let (value, _path) = select_output(ev, &flake, &name, fragment, &system, purpose)?;
    Ok(value)
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
