//! `--flake REF#ATTR`: flags to the flake crate's options, and the selected output.

use crate::args::Cli;
use rnix_eval_core::error::EvalResult;
use rnix_eval_core::value::Value;
use rnix_eval_core::Evaluator;
use rnix_eval_flake::outputs::{select_output, Purpose};
use rnix_eval_flake::FlakeOptions;

/// The value `REF#fragment` names, and the NixOS-style host it belongs to when it is one's
/// (errors about one of the host's options get a note of where its definitions are).
pub fn output(ev: &mut Evaluator, cli: &Cli, reference: &str, cwd: &str) -> EvalResult<(Value, Option<Host>)> {
    let (flake_ref, fragment) = rnix_eval_fetch::flakeref::split_reference(reference);
    let fragment = fragment.as_str();
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
    let host = Host::named_by(&flake, fragment);
    match select_output(ev, &flake, &name, fragment, &system, purpose) {
        Ok((value, path)) if purpose == Purpose::Build => {
            rnix_eval_flake::outputs::expect_buildable(ev, &value, &path)?;
            Ok((value, host))
        }
        Ok((value, _path)) => Ok((value, host)),
        Err(e) => Err(match host.as_ref().and_then(|h| h.system(ev)) {
            Some(system) => crate::run::with_definitions_note(ev, &system, e),
            None => e,
        }),
    }
}

/// `nixosConfigurations.NAME` of a flake, named by a fragment that is `NAME` (a host's
/// toplevel) or lies under `nixosConfigurations.NAME`. Only looked up when an error needs
/// it: `REF#hello` must not evaluate the flake's hosts.
pub struct Host {
    flake: Value,
    name: String,
}

impl Host {
    fn named_by(flake: &Value, fragment: &str) -> Option<Host> {
        if fragment.is_empty() || fragment.contains('"') {
            return None;
        }
        let name = match fragment.strip_prefix("nixosConfigurations.") {
            Some(rest) => rest.split('.').next()?,
            None if !fragment.contains('.') => fragment,
            None => return None,
        };
        Some(Host {
            flake: flake.clone(),
            name: name.to_string(),
        })
    }

    /// The host's evaluation; `None` when there is none, or looking fails.
    pub fn system(&self, ev: &mut Evaluator) -> Option<Value> {
        rnix_eval_flake::outputs::lookup(ev, &self.flake, &["nixosConfigurations", &self.name])
            .ok()
            .flatten()
    }
}

/// The locking flags.
pub fn lock_options(cli: &Cli) -> FlakeOptions {
    FlakeOptions {
        write_lock_file: !cli.no_write_lock_file,
        no_update_lock_file: cli.no_update_lock_file,
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
