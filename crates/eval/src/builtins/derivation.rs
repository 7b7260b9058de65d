//! `derivationStrict`: turn a set of attributes into a `.drv` (Nix's `prim_derivationStrict`),
//! and the `derivation` wrapper around it.
//!
//! Every string that goes into the derivation carries a context; the union of those
//! contexts becomes the derivation's inputs: `=drv` (a `drvPath`) pulls in the whole
//! closure of the `.drv`, `!out!drv` (an output path) one output, a plain path a source.

use crate::error::{EvalResult, TraceFrame};
use crate::primops::PrimOpDef;
use crate::rc::Rc;
use crate::string_context::{Context, ContextBuilder};
use crate::value::{Attr, AttrSet, NixString, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::{Span, Symbol};
use rnix_eval_store::derivation::{Derivation, DerivationOutput};
use rnix_eval_store::hash::{Hash, HashAlgo};
use rnix_eval_store::store_path::{self, FileIngestionMethod};
use std::collections::BTreeSet;

pub(super) static PRIMOPS: &[PrimOpDef] = &[prim!(global "derivationStrict", 1, derivation_strict)];

/// The `derivation` function: Nix implements it in Nix on top of `derivationStrict`, and so
/// do we, so that laziness (`drvPath`/`outPath` are only computed when used), the
/// attributes it adds and its printed form are Nix's.
pub(super) const DERIVATION_NIX: &str = r#"/* This is the implementation of the ‘derivation’ builtin function.
   It's actually a wrapper around the ‘derivationStrict’ primop. */

drvAttrs @ { outputs ? [ "out" ], ... }:

let

  strict = derivationStrict drvAttrs;

  commonAttrs = drvAttrs // (builtins.listToAttrs outputsList) //
    {
      all = map (x: x.value) outputsList;
      inherit drvAttrs;
    };

  outputToAttrListElement = outputName:
    { name = outputName;
      value = commonAttrs // {
        outPath = builtins.getAttr outputName strict;
        drvPath = strict.drvPath;
        type = "derivation";
        inherit outputName;
      };
    };

  outputsList = map outputToAttrListElement outputs;

in (builtins.head outputsList).value
"#;

/// What the attributes say about outputs, gathered while they are processed in order.
struct OutputSpec {
    names: BTreeSet<String>,
    hash: Option<String>,
    hash_algo: String,
    recursive: Option<bool>,
}

fn derivation_strict(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let attrs = ev.expect_attrs(&a[0], span)?;
    let Some(name_attr) = attrs.get_attr(ev.sym.name).cloned() else {
        bail!(span, "attribute 'name' missing");
    };
    let name_span = name_attr.span().or(span);
    let drv_name = ev.expect_string_no_ctx(&name_attr.value, span).map_err(|mut e| {
        e.trace.push(TraceFrame {
            span: name_span,
            message: "while evaluating the derivation attribute 'name'".into(),
        });
        e
    })?;
    if let Some(why) = bad_name(&drv_name) {
        bail!(
            name_span,
            "invalid derivation name: {why}. Please pass a different 'name'."
        );
    }
    let structured = match attrs.get(Symbol::intern("__structuredAttrs")) {
        Some(v) => ev.expect_bool(&v.clone(), span)?,
        None => false,
    };
    let ignore_nulls = match attrs.get(Symbol::intern("__ignoreNulls")) {
        Some(v) => ev.expect_bool(&v.clone(), span)?,
        None => false,
    };

    let mut drv = Derivation::default();
    let mut context = ContextBuilder::default();
    let mut json = b"{".to_vec();
    let mut spec = OutputSpec {
        names: BTreeSet::from(["out".to_string()]),
        hash: None,
        hash_algo: String::new(),
        recursive: None,
    };
    let entries = attrs.entries();
    for attr in crate::attrset::sorted_by_name(&entries) {
        let key = attr.name.as_str();
        if key == "__ignoreNulls" {
            continue;
        }
        let processed = process_attr(
            ev,
            attr,
            name_span,
            ignore_nulls,
            structured,
            &mut drv,
            &mut context,
            &mut json,
            &mut spec,
        );
        processed.map_err(|mut e| {
            e.trace.push(TraceFrame {
                span: name_span,
                message: format!("while evaluating the attribute '{key}' of the derivation '{drv_name}'"),
            });
            e
        })?;
    }
    if structured {
        json.push(b'}');
        drv.env.insert(b"__json".to_vec(), json);
    }
    add_inputs(ev, &mut drv, context.finish().as_ref(), name_span)?;

    if drv.builder.is_empty() {
        bail!(name_span, "required attribute 'builder' missing");
    }
    if drv.platform.is_empty() {
        bail!(name_span, "required attribute 'system' missing");
    }
    if drv_name.ends_with(".drv") {
        bail!(name_span, "derivation names are not allowed to end in '.drv'");
    }
    let dir = ev.store.dir.clone();
    if let Some(hash_text) = &spec.hash {
        if spec.names.len() != 1 || !spec.names.contains("out") {
            bail!(
                name_span,
                "multiple outputs are not supported in fixed-output derivations"
            );
        }
        let hash = parse_output_hash(hash_text, &spec.hash_algo).map_err(|m| err(name_span, m))?;
        let method = FileIngestionMethod::from_recursive(spec.recursive.unwrap_or(false));
        let out = store_path::make_fixed_output_path(&dir, &drv_name, method, &hash, std::iter::empty::<&str>());
        crate::store::check_path_name(&dir, &out).map_err(|m| err(name_span, m))?;
        drv.env.insert(b"out".to_vec(), out.clone().into_bytes());
        let algo = format!("{}{}", method.prefix(), hash.algo().name());
        drv.outputs.insert(
            "out".into(),
            DerivationOutput {
                path: out,
                hash_algo: algo,
                hash: hash.to_base16(),
            },
        );
    } else {
        // Hash the derivation with empty output paths, then fill them in.
        for name in &spec.names {
            drv.env.insert(name.clone().into_bytes(), Vec::new());
            drv.outputs.insert(name.clone(), DerivationOutput::default());
        }
        let modulo = ev.store.modulo_hash(&drv, true).map_err(|m| err(name_span, m))?;
        for name in &spec.names {
            let path = store_path::make_output_path(&dir, name, &modulo, &drv_name);
            crate::store::check_path_name(&dir, &path).map_err(|m| err(name_span, m))?;
            drv.env.insert(name.clone().into_bytes(), path.clone().into_bytes());
            drv.outputs.get_mut(name).expect("inserted above").path = path;
        }
    }

    let outputs: Vec<(String, String)> = drv.outputs.iter().map(|(n, o)| (n.clone(), o.path.clone())).collect();
    let drv_path = ev.store.add_derivation(&drv_name, drv).map_err(|m| err(name_span, m))?;
    let mut entries = vec![Attr {
        name: Symbol::intern("drvPath"),
        value: string_with_context(&drv_path, format!("={drv_path}")),
        pos: None,
    }];
    for (name, path) in outputs {
        entries.push(Attr {
            name: Symbol::intern(&name),
            value: string_with_context(&path, format!("!{name}!{drv_path}")),
            pos: None,
        });
    }
    Ok(Value::attrs(AttrSet::from_unsorted(entries)))
}

#[allow(clippy::too_many_arguments)]
fn process_attr(
    ev: &mut Evaluator,
    attr: &Attr,
    name_span: Option<Span>,
    ignore_nulls: bool,
    structured: bool,
    drv: &mut Derivation,
    context: &mut ContextBuilder,
    json: &mut Vec<u8>,
    spec: &mut OutputSpec,
) -> EvalResult<()> {
    let key = attr.name.as_str();
    if ignore_nulls && matches!(ev.force(&attr.value)?, Value::Null) {
        return Ok(());
    }
    match key {
        "__contentAddressed" | "__impure" => {
            if ev.expect_bool(&attr.value, name_span)? {
                let feature = if key == "__impure" {
                    "impure-derivations"
                } else {
                    "ca-derivations"
                };
                bail!(name_span, "experimental Nix feature '{feature}' is disabled; use '--extra-experimental-features {feature}' to override");
            }
            return Ok(());
        }
        "args" => {
            let items = ev.expect_list(&attr.value, name_span)?;
            for item in items.iter() {
                let s = ev.coerce_to_string(item, name_span, true, true)?;
                crate::eval::merge_context(context, &s);
                drv.args.push(s.as_bytes().to_vec());
            }
            return Ok(());
        }
        _ => {}
    }
    if structured {
        if key == "__structuredAttrs" {
            return Ok(());
        }
        let value_json = crate::print::to_json_with_context(ev, &attr.value, name_span, context)?;
        if json.len() > 1 {
            json.push(b',');
        }
        crate::print::json_string(json, attr.name.as_bytes());
        json.push(b':');
        json.extend_from_slice(&value_json);
        match key {
            "builder" => {
                let s = ev.expect_string(&attr.value, name_span)?;
                crate::eval::merge_context(context, &s);
                drv.builder = s.as_bytes().to_vec();
            }
            "system" => drv.platform = ev.expect_string_no_ctx(&attr.value, name_span)?,
            "outputHash" => spec.hash = Some(ev.expect_string_no_ctx(&attr.value, name_span)?),
            "outputHashAlgo" => spec.hash_algo = ev.expect_string_no_ctx(&attr.value, name_span)?,
            "outputHashMode" => {
                let mode = ev.expect_string_no_ctx(&attr.value, name_span)?;
                spec.recursive = Some(hash_mode(&mode, name_span)?);
            }
            "outputs" => {
                let items = ev.expect_list(&attr.value, name_span)?;
                let mut names = Vec::new();
                for item in items.iter() {
                    names.push(ev.expect_string_no_ctx(item, name_span)?);
                }
                spec.names = output_names(names, name_span)?;
            }
            _ => {}
        }
        return Ok(());
    }
    let s = ev.coerce_to_string(&attr.value, attr.span().or(name_span), true, true)?;
    crate::eval::merge_context(context, &s);
    let bytes = s.as_bytes().to_vec();
    // Names, systems and hashes are text (a byte that is not UTF-8 becomes U+FFFD there).
    let s = s.to_str_lossy().into_owned();
    match key {
        "builder" => drv.builder = bytes.clone(),
        "system" => drv.platform = s.clone(),
        "outputHash" => spec.hash = Some(s.clone()),
        "outputHashAlgo" => spec.hash_algo = s.clone(),
        "outputHashMode" => spec.recursive = Some(hash_mode(&s, name_span)?),
        "outputs" => {
            spec.names = output_names(
                s.split([' ', '\t', '\n', '\r'])
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect(),
                name_span,
            )?
        }
        _ => {}
    }
    drv.env.insert(attr.name.as_bytes().to_vec(), bytes);
    Ok(())
}

fn hash_mode(mode: &str, span: Option<Span>) -> EvalResult<bool> {
    match mode {
        "recursive" => Ok(true),
        "flat" => Ok(false),
        other => bail!(span, "invalid value '{other}' for 'outputHashMode' attribute"),
    }
}

/// Modern Nix's `checkName` (`src/libstore/path.cc`), which `derivationStrict` applies to
/// the name first (`checkDerivationName` in `src/libexpr/primops.cc`) and `fetchurl` to
/// the name of the path it will make.
pub(super) fn bad_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("name must not be empty".into());
    }
    if name.len() > 211 {
        return Some(format!("name '{name}' must be no longer than 211 characters"));
    }
    for dots in [".", ".."] {
        if name == dots {
            return Some(format!("name '{name}' is not valid"));
        }
        if name.strip_prefix(dots).is_some_and(|rest| rest.starts_with('-')) {
            return Some(format!(
                "name '{name}' is not valid: first dash-separated component must not be '{dots}'"
            ));
        }
    }
    let bad = name
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_' | '?' | '=')))?;
    Some(format!("name '{name}' contains illegal character '{bad}'"))
}

fn output_names(names: Vec<String>, span: Option<Span>) -> EvalResult<BTreeSet<String>> {
    let mut set = BTreeSet::new();
    for name in names {
        if set.contains(&name) {
            bail!(span, "duplicate derivation output '{name}'");
        }
        // The result already has a `drvPath` attribute (modern Nix; Nix 2.8 refused `drv`).
        if name == "drvPath" {
            bail!(span, "invalid derivation output name 'drvPath'");
        }
        set.insert(name);
    }
    if set.is_empty() {
        bail!(span, "derivation cannot have an empty set of outputs");
    }
    Ok(set)
}

/// Turn the collected context into `inputDrvs` and `inputSrcs`.
fn add_inputs(
    ev: &mut Evaluator,
    drv: &mut Derivation,
    context: Option<&Context>,
    span: Option<Span>,
) -> EvalResult<()> {
    for entry in context.iter().flat_map(|c| c.iter()) {
        if let Some(drv_path) = entry.strip_prefix('=') {
            // The builder sees the `.drv` itself, so its whole closure is an input.
            let closure = ev.store.closure(drv_path).map_err(|m| err(span, m))?;
            for path in closure {
                if path.ends_with(".drv") {
                    let outputs = ev.store.output_names(&path).map_err(|m| err(span, m))?;
                    drv.input_drvs.insert(path.clone(), outputs);
                }
                drv.input_srcs.insert(path);
            }
        } else if let Some(rest) = entry.strip_prefix('!') {
            let Some((output, drv_path)) = rest.split_once('!') else {
                bail!(span, "invalid string context element '{entry}'");
            };
            drv.input_drvs
                .entry(drv_path.to_string())
                .or_default()
                .insert(output.to_string());
        } else {
            drv.input_srcs.insert(entry.to_string());
        }
    }
    Ok(())
}

/// `newHashAllowEmpty(outputHash, parseHashTypeOpt(outputHashAlgo))`.
pub(super) fn parse_output_hash(text: &str, algo: &str) -> Result<Hash, String> {
    // Nix's `parseHashTypeOpt`: an unknown name counts as no type at all.
    let algo = HashAlgo::from_name(algo);
    if text.is_empty() {
        let Some(algo) = algo else {
            return Err("empty hash requires explicit hash type".into());
        };
        let zero = Hash::from_bytes(algo, &vec![0u8; algo.size()]).expect("right size");
        eprintln!("warning: found empty hash, assuming '{}'", zero.to_sri());
        return Ok(zero);
    }
    Hash::parse_any(text, algo).map_err(|e| e.to_string())
}

fn err(span: Option<Span>, message: String) -> Box<crate::EvalError> {
    crate::EvalError::new(crate::ErrorKind::Eval, message, span)
}

pub(super) fn string_with_context(s: &str, element: String) -> Value {
    Value::String(Rc::new(NixString::new(s.to_string(), Some(Context::single(element)))))
}
