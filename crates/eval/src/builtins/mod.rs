//! The `builtins` set and the global scope.
//!
//! Like Nix, every builtin `x` is reachable as `builtins.x` and, in the global scope, as
//! `__x`; a few (`map`, `toString`, `import`, ...) are also plain globals.

mod attrs;
mod closure;
mod context;
mod control;
mod debug;
mod derivation;
mod dynamic;
mod fetch;
mod files;
mod hashes;
mod json;
mod lists;
mod regex;
mod sort;
mod store;
mod strings;
mod toml;

pub use fetch::{fetch_input, tree_attrs};

use crate::primops::PrimOpDef;
use crate::value::{Attr, AttrSet, Thunk, ThunkState, Value};
use crate::Evaluator;
use rnix_eval_parser::Symbol;

pub(crate) fn install(ev: &mut Evaluator) {
    let tables: [&'static [PrimOpDef]; 13] = [
        control::PRIMOPS,
        lists::PRIMOPS,
        attrs::PRIMOPS,
        strings::PRIMOPS,
        context::PRIMOPS,
        derivation::PRIMOPS,
        store::PRIMOPS,
        files::PRIMOPS,
        toml::PRIMOPS,
        debug::PRIMOPS,
        hashes::PRIMOPS,
        fetch::PRIMOPS,
        dynamic::PRIMOPS,
    ];
    let mut entries = Vec::new();
    for table in tables {
        for op in table {
            let value = Value::PrimOp(op);
            entries.push(Attr {
                name: Symbol::intern(op.name),
                value: value.clone(),
                pos: None,
            });
            // As in Nix: a global builtin has no `__` alias.
            if op.global {
                ev.add_global(op.name, value);
            } else {
                ev.add_global(&format!("__{}", op.name), value);
            }
        }
    }
    let nix_path: Vec<Value> = ev
        .search_path
        .iter()
        .map(|(prefix, path)| {
            Value::attrs(AttrSet::from_unsorted(vec![
                Attr {
                    name: ev.sym.path,
                    value: Value::string(path.clone()),
                    pos: None,
                },
                Attr {
                    name: ev.sym.prefix,
                    value: Value::string(prefix.clone()),
                    pos: None,
                },
            ]))
        })
        .collect();
    let pure = ev.io.mode == crate::io::Mode::Pure;
    let mut constants: Vec<(&str, Value, bool)> = vec![
        ("true", Value::Bool(true), true),
        ("false", Value::Bool(false), true),
        ("null", Value::Null, true),
        ("langVersion", Value::Int(6), false),
        ("nixVersion", Value::string(nix_version()), false),
        ("storeDir", Value::string(store_dir()), false),
        ("nixPath", Value::list(nix_path), false),
    ];
    // Pure evaluation has no clock and no host system: Nix leaves both out of `builtins`.
    if !pure {
        constants.push(("currentSystem", Value::string(ev.current_system.clone()), false));
    }
    // Read once, like Nix: every use in one evaluation sees the same time. The clock is
    // read when the value is first forced, so the IO gate logs only evaluations that use
    // it (a result cache must not keep those).
    if !pure {
        let clock = ThunkState::Apply(Box::new((Value::PrimOp(&READ_CLOCK), Value::Null)));
        constants.push(("currentTime", Value::Thunk(Thunk::new(clock)), false));
    }
    for (name, value, global) in constants {
        entries.push(Attr {
            name: Symbol::intern(name),
            value: value.clone(),
            pos: None,
        });
        if global {
            ev.add_global(name, value);
        } else {
            ev.add_global(&format!("__{name}"), value);
        }
    }
    // `derivation` is Nix code that refers to `builtins`: evaluated once the set exists.
    let derivation_cell = Thunk::new(ThunkState::Blackhole);
    entries.push(Attr {
        name: Symbol::intern("derivation"),
        value: Value::Thunk(derivation_cell.clone()),
        pos: None,
    });
    // `builtins.builtins` is the set itself: a cell filled once the set exists.
    let cell = Thunk::new(ThunkState::Blackhole);
    entries.push(Attr {
        name: Symbol::intern("builtins"),
        value: Value::Thunk(cell.clone()),
        pos: None,
    });
    let set = Value::attrs(AttrSet::from_unsorted(entries));
    cell.set(ThunkState::Done(set.clone()));
    ev.add_global("builtins", set);
    let derivation = derivation_function(ev);
    derivation_cell.set(ThunkState::Done(derivation.clone()));
    ev.add_global("derivation", derivation);
}

/// `currentTime`'s thunk: the clock, through the IO gate.
static READ_CLOCK: PrimOpDef = crate::prim!("currentTime", 1, |ev, _, _| {
    Ok(Value::Int(ev.io.current_time().unwrap_or(0)))
});

pub fn nix_version() -> String {
    std::env::var("RNIX_NIX_VERSION").unwrap_or_else(|_| "2.24.0".into())
}

pub fn store_dir() -> String {
    std::env::var("NIX_STORE_DIR").unwrap_or_else(|_| "/nix/store".into())
}

/// This host's Nix system name (`x86_64-linux`), the default `currentSystem`.
pub fn host_system() -> String {
    let arch = std::env::consts::ARCH;
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{arch}-{os}")
}

/// `derivation`, evaluated from its Nix source like Nix's `//builtin/derivation.nix`.
fn derivation_function(ev: &mut Evaluator) -> Value {
    let origin = rnix_eval_parser::Origin::Path("//builtin/derivation.nix".into());
    ev.eval_embedded(origin, derivation::DERIVATION_NIX)
        .unwrap_or_else(|e| panic!("the built-in derivation.nix must evaluate: {}", e.message))
}
