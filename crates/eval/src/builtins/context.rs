//! String context builtins. A context element is encoded as Nix encodes it: a plain store
//! path (a source), `=DRV` (a derivation with its whole closure) or `!OUTPUT!DRV` (one
//! output of a derivation). The set is ordered by those strings, as Nix's `PathSet`.

use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::primops::PrimOpDef;
use crate::rc::Rc;
use crate::string_context::{Context, ContextBuilder, ContextElem};
use crate::value::{Attr, AttrSet, NixString, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::{Span, Symbol};
use std::collections::BTreeMap;

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!("unsafeDiscardStringContext", 1, |ev, a, s| {
        let v = ev.coerce_to_string(&a[0], s, false, true)?;
        if v.context.is_none() {
            return Ok(Value::String(v));
        }
        Ok(Value::string(v.bytes.clone()))
    }),
    prim!("hasContext", 1, |ev, a, s| {
        let v = ev.expect_string(&a[0], s)?;
        Ok(Value::Bool(v.context.is_some()))
    }),
    prim!("unsafeDiscardOutputDependency", 1, |ev, a, s| {
        let v = ev.coerce_to_string(&a[0], s, false, true)?;
        let context = v
            .context
            .iter()
            .flat_map(|c| c.iter())
            .map(|e| ContextElem::from(e.strip_prefix('=').unwrap_or(e)))
            .collect();
        Ok(with_context(v.bytes.clone(), Context::from_elems(context)))
    }),
    prim!("addDrvOutputDependencies", 1, add_drv_output_dependencies),
    prim!("getContext", 1, get_context),
    prim!("appendContext", 2, append_context),
];

fn with_context(s: bytes::Bytes, context: Option<Context>) -> Value {
    Value::String(Rc::new(NixString::new(s, context)))
}

/// Modern Nix: turn the one plain `.drv` path in a string's context into `=DRV`.
fn add_drv_output_dependencies(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let v = ev.coerce_to_string(&a[0], span, false, true)?;
    let elements: Vec<&str> = v.context.iter().flat_map(|c| c.iter()).collect();
    if elements.len() != 1 {
        bail!(
            span,
            "context of string '{}' must have exactly one element, but has {}",
            v,
            elements.len()
        );
    }
    let element = elements[0];
    let deep = if element.starts_with('=') {
        element.to_string()
    } else if let Some(rest) = element.strip_prefix('!') {
        let output = rest.split('!').next().unwrap_or("");
        bail!(
            span,
            "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '{output}'"
        );
    } else if !element.ends_with(".drv") {
        bail!(span, "path '{element}' is not a derivation");
    } else {
        format!("={element}")
    };
    Ok(with_context(v.bytes.clone(), Some(Context::single(deep))))
}

#[derive(Default)]
struct ContextInfo {
    path: bool,
    all_outputs: bool,
    outputs: Vec<String>,
}

fn get_context(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let v = ev.expect_string(&a[0], span)?;
    let mut infos: BTreeMap<String, ContextInfo> = BTreeMap::new();
    for element in v.context.iter().flat_map(|c| c.iter()) {
        if let Some(drv) = element.strip_prefix('=') {
            infos.entry(drv.to_string()).or_default().all_outputs = true;
        } else if let Some((output, drv)) = element.strip_prefix('!').and_then(|r| r.split_once('!')) {
            infos
                .entry(drv.to_string())
                .or_default()
                .outputs
                .push(output.to_string());
        } else {
            infos.entry(element.to_string()).or_default().path = true;
        }
    }
    let entries = infos
        .into_iter()
        .map(|(path, info)| {
            let mut fields = Vec::new();
            if info.path {
                fields.push(attr("path", Value::Bool(true)));
            }
            if info.all_outputs {
                fields.push(attr("allOutputs", Value::Bool(true)));
            }
            if !info.outputs.is_empty() {
                let list = info.outputs.into_iter().map(Value::string).collect();
                fields.push(attr("outputs", Value::list(list)));
            }
            attr(&path, Value::attrs(AttrSet::from_unsorted(fields)))
        })
        .collect();
    Ok(Value::attrs(AttrSet::from_unsorted(entries)))
}

fn append_context(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let orig = ev.expect_string(&a[0], span)?;
    let mut context = ContextBuilder::from(orig.context.as_ref());
    let additions = ev.expect_attrs(&a[1], span)?;
    let dir = ev.store.dir.clone();
    for entry in additions.entries().iter() {
        let key = entry.name.as_str();
        let at = entry.span().or(span);
        if !rnix_eval_store::store_path::is_store_path(&dir, key) {
            // Nix 2.8 prints the name as an identifier: quoted unless it is a plain one.
            bail!(
                at,
                "Context key '{}' is not a store path",
                rnix_eval_parser::show::identifier(key)
            );
        }
        // Nix (`ensurePath`, except in read-only mode): the path must be valid in the
        // store written to, or be substituted.
        ev.store
            .ensure_valid(key)
            .map_err(|m| EvalError::new(ErrorKind::Eval, m, at))?;
        let info = ev.expect_attrs(&entry.value, at)?;
        if let Some(v) = info.get(Symbol::intern("path")).cloned() {
            if ev.expect_bool(&v, at)? {
                context.insert(key);
            }
        }
        if let Some(v) = info.get(Symbol::intern("allOutputs")).cloned() {
            if ev.expect_bool(&v, at)? {
                if !key.ends_with(".drv") {
                    bail!(
                        at,
                        "Tried to add all-outputs context of \"{key}\", which is not a derivation, to a string"
                    );
                }
                context.insert(format!("={key}"));
            }
        }
        if let Some(v) = info.get(Symbol::intern("outputs")).cloned() {
            let outputs = ev.expect_list(&v, at)?;
            if !outputs.is_empty() && !key.ends_with(".drv") {
                bail!(
                    at,
                    "Tried to add derivation output context of \"{key}\", which is not a derivation, to a string"
                );
            }
            for output in outputs.iter() {
                let name = ev.expect_string_no_ctx(output, at)?;
                context.insert(format!("!{name}!{key}"));
            }
        }
    }
    Ok(with_context(orig.bytes.clone(), context.finish()))
}

fn attr(name: &str, value: Value) -> Attr {
    Attr {
        name: Symbol::intern(name),
        value,
        pos: None,
    }
}
