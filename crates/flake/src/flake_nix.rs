//! Reading `flake.nix`: its `description`, `inputs` (with `follows` and nested
//! overrides), `nixConfig`, and a check that `outputs` is a function.

use rnix_eval_core::error::{ErrorKind, EvalError, EvalResult};
use rnix_eval_core::value::{AttrSet, Value};
use rnix_eval_core::Evaluator;
use rnix_eval_fetch::{Attrs, FlakeRef};
use std::collections::BTreeMap;

/// One entry of `inputs`.
#[derive(Clone, Debug)]
pub struct FlakeInput {
    pub reference: Option<FlakeRef>,
    pub is_flake: bool,
    /// `follows = "a/b"`, split.
    pub follows: Option<Vec<String>>,
    /// `inputs.X.inputs.Y...`: overrides of the input's own inputs.
    pub overrides: BTreeMap<String, FlakeInput>,
    /// `--override-input` set `reference`: the lock keeps the declared reference as the
    /// node's `original` (`cli_original`, once known), so that an override is not
    /// written into the lock file, and one that locks what is locked changes nothing.
    pub from_cli: bool,
    pub cli_original: Option<FlakeRef>,
}

/// An input is a flake unless it says `flake = false` (Nix's `FlakeInput::isFlake`).
/// A `follows` read back from a lock file and then overridden with `--override-input`
/// was made a non-flake when this was `false`.
impl Default for FlakeInput {
    fn default() -> Self {
        FlakeInput {
            reference: None,
            is_flake: true,
            follows: None,
            overrides: BTreeMap::new(),
            from_cli: false,
            cli_original: None,
        }
    }
}

pub struct FlakeNix {
    pub description: Option<String>,
    pub inputs: BTreeMap<String, FlakeInput>,
    /// `inputs.self.submodules = true` and `inputs.self.lfs` (Nix 2.27): how the flake's
    /// own source is fetched.
    pub self_attrs: Vec<(String, bool)>,
    /// `nixConfig`, reported to the user and never applied.
    pub nix_config: Vec<String>,
}

/// ` at FILE:LINE:COL`, as Nix appends a flake attribute's position to these messages
/// (`readFlake`, `expectType` in `src/libflake/flake.cc`); nothing without a position.
fn at(span: Option<rnix_eval_parser::Span>) -> String {
    let Some(span) = span else { return String::new() };
    let file = rnix_eval_parser::source::file(span.file);
    let (line, col) = file.line_col(span.start);
    format!(" at {}:{line}:{col}", file.display_name())
}

fn err(msg: String) -> Box<EvalError> {
    EvalError::new(ErrorKind::Eval, msg, None)
}

/// What `flake.nix` declares must be written out, not computed (`expectType` and
/// `forceTrivialValue` in Nix's `flake.cc`, 2.8 and modern alike): a value still to be
/// computed by anything but a set without dynamic names, a list or a function (an
/// application such as `import ./outputs.nix`, an interpolation, a selection) is refused
/// as "a thunk" without being evaluated; the rest is forced.
fn trivial(ev: &mut Evaluator, value: &Value, want: &str, span: Option<rnix_eval_parser::Span>) -> EvalResult<Value> {
    if let Value::Thunk(t) = value {
        let computed = match t.pending_expr() {
            Some(expr) => !is_trivial(expr),
            // An application a builtin made (Nix's `tApp`/`tPrimOpApp`).
            None => matches!(t.peek(), rnix_eval_core::value::Peek::Unevaluated),
        };
        if computed {
            return Err(err(format!("expected {want} but got a thunk{}", at(span))));
        }
    }
    ev.force(value)
}

/// Nix's `Value::isTrivial` for an unevaluated expression.
fn is_trivial(expr: &rnix_eval_parser::ast::Expr) -> bool {
    use rnix_eval_parser::ast::Expr;
    match expr {
        Expr::Attrs(a) => a.dynamic.is_empty(),
        Expr::Lambda(_) | Expr::List(_) => true,
        Expr::Lazy(l) => l.get().is_some_and(is_trivial),
        _ => false,
    }
}

/// Evaluate `path` (a `flake.nix`) and read what locking needs.
pub fn read(ev: &mut Evaluator, path: &str, flake_name: &str) -> EvalResult<FlakeNix> {
    if let Ok((_, text)) = ev.read_source(path, None) {
        if !rnix_eval_parser::is_attr_set_literal(&text) {
            return Err(err(format!("file '{path}' must be an attribute set")));
        }
    }
    let value = ev.eval_file(path)?;
    let set = ev.expect_attrs(&value, None)?;
    let mut flake = FlakeNix {
        description: None,
        inputs: BTreeMap::new(),
        self_attrs: Vec::new(),
        nix_config: Vec::new(),
    };
    // In `readFlake`'s order: each known attribute, then any other is refused.
    let entries = set.entries();
    let get = |name: &str| entries.iter().find(|a| a.name.as_str() == name);
    if let Some(attr) = get("description") {
        let description = trivial(ev, &attr.value, "a string", attr.span())?;
        flake.description = Some(ev.expect_string(&description, attr.span())?.to_string());
    }
    if let Some(attr) = get("inputs") {
        let inputs = trivial(ev, &attr.value, "a set", attr.span())?;
        let inputs = ev.expect_attrs(&inputs, attr.span())?;
        let flake_dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        flake.self_attrs = self_attrs(ev, &inputs)?;
        flake.inputs = read_inputs(ev, &inputs, flake_dir)?;
    }
    let Some(outputs_attr) = get("outputs") else {
        return Err(err(format!("flake '{flake_name}' lacks attribute 'outputs'")));
    };
    let outputs = trivial(ev, &outputs_attr.value, "a function", outputs_attr.span())?;
    let Value::Lambda(closure) = &outputs else {
        return Err(err(format!(
            "expected a function but got {}{}",
            outputs.type_desc(),
            at(outputs_attr.span())
        )));
    };
    // Arguments of `outputs` not declared in `inputs` are registry inputs, as in Nix.
    if let Some(formals) = &closure.lambda.formals {
        for formal in formals.entries.iter() {
            let name = formal.name.as_str();
            if name != "self" && !flake.inputs.contains_key(name) {
                let mut attrs = Attrs::new();
                attrs.set("type", "indirect");
                attrs.set("id", name);
                flake.inputs.insert(
                    name.to_string(),
                    FlakeInput {
                        reference: Some(FlakeRef {
                            input: attrs,
                            subdir: String::new(),
                        }),
                        is_flake: true,
                        ..FlakeInput::default()
                    },
                );
            }
        }
    }
    if let Some(attr) = get("nixConfig") {
        let cfg = trivial(ev, &attr.value, "a set", attr.span())?;
        let cfg = ev.expect_attrs(&cfg, attr.span())?;
        for setting in cfg.entries().iter() {
            check_setting(ev, setting)?;
        }
        flake.nix_config = cfg.entries().iter().map(|a| a.name.as_str().to_string()).collect();
    }
    let known = ["description", "inputs", "outputs", "nixConfig"];
    if let Some(other) = entries.iter().find(|a| !known.contains(&a.name.as_str())) {
        return Err(err(format!(
            "flake '{flake_name}' has an unsupported attribute '{}',{}",
            other.name.as_str(),
            at(other.span())
        )));
    }
    Ok(flake)
}

/// A `nixConfig` setting must be a string, path, integer, Boolean or list of strings
/// (`parseFlake` in Nix's `flake.cc`, 2.8 and modern alike), though rnix-eval never
/// applies it. (Nix names the list's type, not the element's, in the first message.)
fn check_setting(ev: &mut Evaluator, setting: &rnix_eval_core::value::Attr) -> EvalResult<()> {
    let name = setting.name.as_str();
    let value = trivial(ev, &setting.value, "a setting", setting.span())?;
    match &value {
        Value::String(_) | Value::Path(_) | Value::Int(_) | Value::Bool(_) => Ok(()),
        Value::List(items) => {
            for item in items.iter() {
                if !matches!(ev.force(item)?, Value::String(_)) {
                    return Err(err(format!(
                        "list element in flake configuration setting '{name}' is a list while a string is expected"
                    )));
                }
            }
            Ok(())
        }
        other => Err(err(format!(
            "flake configuration setting '{name}' is {}",
            rnix_eval_core::show_value::show_type(other)
        ))),
    }
}

/// `inputs.self`: modern Nix's `applySelfAttrs` takes `submodules` and `lfs` (Booleans)
/// and nothing else.
fn self_attrs(ev: &mut Evaluator, inputs: &AttrSet) -> EvalResult<Vec<(String, bool)>> {
    let Some(own) = inputs.entries().iter().find(|a| a.name.as_str() == "self").cloned() else {
        return Ok(Vec::new());
    };
    let set = trivial(ev, &own.value, "a set", own.span())?;
    let set = ev.expect_attrs(&set, own.span())?;
    let mut out = Vec::new();
    for attr in set.entries().iter() {
        let name = attr.name.as_str();
        if name != "submodules" && name != "lfs" {
            return Err(err(format!("flake 'self' attribute '{name}' is not supported")));
        }
        let v = trivial(ev, &attr.value, "a Boolean", attr.span())?;
        out.push((name.to_string(), ev.expect_bool(&v, attr.span())?));
    }
    Ok(out)
}

fn read_inputs(ev: &mut Evaluator, set: &AttrSet, flake_dir: &str) -> EvalResult<BTreeMap<String, FlakeInput>> {
    let mut out = BTreeMap::new();
    // `self` is the flake itself (`self_attrs`), never an input.
    for attr in set.entries().iter().filter(|a| a.name.as_str() != "self") {
        let input = read_input(ev, attr.name.as_str(), &attr.value, attr.span(), flake_dir)?;
        out.insert(attr.name.as_str().to_string(), input);
    }
    Ok(out)
}

/// Modern Nix's `parseFlakeInput`: `url = ./sub` is `path:sub`, relative to the flake;
/// a path outside the flake's folder is refused.
fn path_input_url(path: &str, flake_dir: &str, span: Option<rnix_eval_parser::Span>) -> EvalResult<String> {
    match path.strip_prefix(flake_dir) {
        Some("") => Ok("path:.".to_string()),
        Some(rest) if rest.starts_with('/') => Ok(format!("path:{}", &rest[1..])),
        _ => Err(err(format!(
            "input attribute path '{path}'{} must be in the same source tree as '{flake_dir}'",
            at(span)
        ))),
    }
}

/// One input as Nix's `parseFlakeInput` reads it: a set of `url`, `flake`, `follows`,
/// `inputs` and, with a `type`, the input's attributes (a string is an error there too).
fn read_input(
    ev: &mut Evaluator,
    name: &str,
    value: &Value,
    span: Option<rnix_eval_parser::Span>,
    flake_dir: &str,
) -> EvalResult<FlakeInput> {
    let value = trivial(ev, value, "a set", span)?;
    let mut input = FlakeInput::default();
    let parse = |url: &str| FlakeRef::parse(url, None).map_err(|e| err(format!("input '{name}': {}", e.0)));
    let Value::Attrs(set) = &value else {
        return Err(err(format!("expected a set but got {}{}", value.type_desc(), at(span))));
    };
    let mut attrs = Attrs::new();
    let mut url = None;
    for attr in set.entries().iter() {
        match attr.name.as_str() {
            "url" => {
                let v = trivial(ev, &attr.value, "a string or a path", attr.span())?;
                url = Some(match &v {
                    Value::Path(p) => path_input_url(p, flake_dir, attr.span())?,
                    _ => ev.expect_string(&v, attr.span())?.to_str_lossy().into_owned(),
                });
            }
            "flake" => {
                let v = trivial(ev, &attr.value, "a Boolean", attr.span())?;
                input.is_flake = ev.expect_bool(&v, attr.span())?;
            }
            "follows" => {
                let v = trivial(ev, &attr.value, "a string", attr.span())?;
                let f = ev.expect_string(&v, attr.span())?.to_str_lossy().into_owned();
                input.follows = Some(f.split('/').filter(|p| !p.is_empty()).map(String::from).collect());
            }
            "inputs" => {
                let nested = trivial(ev, &attr.value, "a set", attr.span())?;
                let nested = ev.expect_attrs(&nested, attr.span())?;
                input.overrides = read_inputs(ev, &nested, flake_dir)?;
            }
            other => {
                let v = ev.force(&attr.value)?;
                match &v {
                    Value::Bool(b) => attrs.set(other, *b),
                    Value::Int(n) if *n >= 0 => attrs.set(other, *n as u64),
                    _ => attrs.set(other, ev.expect_string(&v, attr.span())?.to_str_lossy().into_owned()),
                }
            }
        }
    }
    if attrs.get_str("type").is_some() {
        if let Some(url) = url {
            attrs.set("url", url);
        }
        input.reference = Some(FlakeRef::from_attrs(attrs));
    } else if let Some((unexpected, _)) = attrs.iter().next() {
        return Err(err(format!(
            "unexpected flake input attribute '{unexpected}',{}",
            at(span)
        )));
    } else if let Some(url) = url {
        input.reference = Some(parse(&url)?);
    } else if input.follows.is_none() && !input.overrides.is_empty() {
        // Only overrides of a declared input: no reference of its own.
    } else if input.follows.is_none() {
        let mut attrs = Attrs::new();
        attrs.set("type", "indirect");
        attrs.set("id", name);
        input.reference = Some(FlakeRef {
            input: attrs,
            subdir: String::new(),
        });
    }
    Ok(input)
}
