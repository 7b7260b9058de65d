//! Control, types, arithmetic and import builtins.

use crate::error::{ErrorKind, EvalError, EvalResult, TraceFrame};
use crate::ops::as_float;
use crate::primops::PrimOpDef;
use crate::rc::Rc;
use crate::value::{Attr, AttrSet, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::ast::BinOpKind;
use rnix_eval_parser::Span;

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!(global "abort", 1, abort),
    prim!(global "throw", 1, throw),
    prim!(global "import", 1, import),
    prim!(global "isNull", 1, |ev, a, _| is(ev, &a[0], |v| matches!(v, Value::Null))),
    prim!(global "toString", 1, to_string),
    prim!(global "baseNameOf", 1, base_name_of),
    prim!(global "dirOf", 1, dir_of),
    prim!("typeOf", 1, |ev, a, _| Ok(Value::string(match a[0].evaluated() {
        Some(v) => v.type_of(),
        None => ev.force(&a[0])?.type_of(),
    }))),
    prim!("isAttrs", 1, |ev, a, _| is(ev, &a[0], |v| matches!(v, Value::Attrs(_)))),
    prim!("isBool", 1, |ev, a, _| is(ev, &a[0], |v| matches!(v, Value::Bool(_)))),
    prim!("isFloat", 1, |ev, a, _| is(ev, &a[0], |v| matches!(v, Value::Float(_)))),
    prim!("isInt", 1, |ev, a, _| is(ev, &a[0], |v| matches!(v, Value::Int(_)))),
    prim!("isList", 1, |ev, a, _| is(ev, &a[0], |v| matches!(v, Value::List(_)))),
    prim!("isString", 1, |ev, a, _| is(ev, &a[0], |v| matches!(
        v,
        Value::String(_)
    ))),
    prim!("isPath", 1, |ev, a, _| is(ev, &a[0], |v| matches!(v, Value::Path(_)))),
    prim!("isFunction", 1, |ev, a, _| is(ev, &a[0], Value::is_function)),
    prim!("seq", 2, |ev, a, _| {
        ev.force(&a[0])?;
        ev.force(&a[1])
    }),
    prim!("deepSeq", 2, |ev, a, _| {
        ev.force_deep(&a[0])?;
        ev.force(&a[1])
    }),
    prim!("tryEval", 1, try_eval),
    prim!("trace", 2, trace),
    prim!("addErrorContext", 2, add_error_context),
    prim!("functionArgs", 1, function_args),
    prim!(strict "add", 2, |ev, a, s| arith(ev, BinOpKind::Add, a, s)),
    prim!(strict "sub", 2, |ev, a, s| arith(ev, BinOpKind::Sub, a, s)),
    prim!(strict "mul", 2, |ev, a, s| arith(ev, BinOpKind::Mul, a, s)),
    prim!(strict "div", 2, |ev, a, s| arith(ev, BinOpKind::Div, a, s)),
    prim!(strict "lessThan", 2, |ev, a, s| Ok(Value::Bool(
        match (a[0].evaluated(), a[1].evaluated()) {
            (Some(Value::Int(x)), Some(Value::Int(y))) => x < y,
            _ => ev.compare(&a[0], &a[1], s)? == std::cmp::Ordering::Less,
        }
    ))),
    prim!("bitAnd", 2, |ev, a, s| Ok(Value::Int(
        ev.expect_int(&a[0], s)? & ev.expect_int(&a[1], s)?
    ))),
    prim!("bitOr", 2, |ev, a, s| Ok(Value::Int(
        ev.expect_int(&a[0], s)? | ev.expect_int(&a[1], s)?
    ))),
    prim!("bitXor", 2, |ev, a, s| Ok(Value::Int(
        ev.expect_int(&a[0], s)? ^ ev.expect_int(&a[1], s)?
    ))),
    prim!("ceil", 1, |ev, a, s| round_to_int(ev, &a[0], s, f64::ceil)),
    prim!("floor", 1, |ev, a, s| round_to_int(ev, &a[0], s, f64::floor)),
    prim!("getEnv", 1, |ev, a, s| {
        let name = ev.expect_plain_string(&a[0], s)?;
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let value = ev.io.get_env(std::ffi::OsStr::from_bytes(name.as_bytes()));
        Ok(Value::string(value.into_vec()))
    }),
    prim!("findFile", 2, find_file),
    prim!("unsafeGetAttrPos", 2, unsafe_get_attr_pos),
];

/// The `is*` type predicates: force `v` and test it.
fn is(ev: &mut Evaluator, v: &Value, test: fn(&Value) -> bool) -> EvalResult<Value> {
    // Mostly evaluated (`isAttrs v && v._type == ..`): tested in place, where forcing
    // cloned the value and dropped it again through `Value`'s out-of-line drop glue.
    if let Some(v) = v.evaluated() {
        return Ok(Value::Bool(test(v)));
    }
    let forced = ev.force(v)?;
    let answer = test(&forced);
    crate::value::release(forced);
    Ok(Value::Bool(answer))
}

fn arith(ev: &mut Evaluator, op: BinOpKind, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    // Evaluated integers, the usual operands (`builtins.sub n 1`), are read in place;
    // overflow and division by zero take the path below, which reports them.
    if let (Some(Value::Int(x)), Some(Value::Int(y))) = (a[0].evaluated(), a[1].evaluated()) {
        if let Some(v) = crate::ops::int_arith(op, *x, *y) {
            return Ok(Value::Int(v));
        }
    }
    let x = ev.force(&a[0])?;
    let y = ev.force(&a[1])?;
    if op == BinOpKind::Add {
        for v in [&x, &y] {
            if !matches!(v, Value::Int(_) | Value::Float(_)) {
                return Err(crate::show_value::type_error("an integer", v, span));
            }
        }
    }
    ev.arith(op, &x, &y, span)
}

fn expect_number(ev: &mut Evaluator, v: &Value, span: Option<Span>) -> EvalResult<f64> {
    match ev.force(v)? {
        v @ (Value::Int(_) | Value::Float(_)) => Ok(as_float(&v)),
        other => Err(crate::show_value::type_error("a float", &other, span)),
    }
}

/// `ceil`/`floor` as modern Nix's `prim_ceil`/`prim_floor`: a result outside the integer
/// range is an error (Nix 2.8 and a plain cast gave `i64::MIN`/`i64::MAX`), and an integer
/// argument is returned as it is, unless going through a float changed it (NixOS/nix#12899).
fn round_to_int(ev: &mut Evaluator, v: &Value, span: Option<Span>, round: fn(f64) -> f64) -> EvalResult<Value> {
    const INT_MIN: f64 = i64::MIN as f64; // a power of 2: exact
    let value = expect_number(ev, v, span)?;
    let rounded = round(value);
    let int = match ev.force(v)? {
        Value::Int(i) => Some(i),
        _ => None,
    };
    if !(INT_MIN..-INT_MIN).contains(&rounded) {
        match int {
            Some(i) => bail!(
                span,
                "Due to a bug (see https://github.com/NixOS/nix/issues/12899) the NixInt argument {i} caused undefined behavior in previous Nix versions.\n\tFuture Nix versions might implement the correct behavior."
            ),
            None => bail!(span, "NixFloat argument {} is not in the range of NixInt", rnix_eval_parser::show::format_float(value)),
        }
    }
    let result = rounded as i64;
    if let Some(i) = int.filter(|&i| i != result) {
        bail!(
            span,
            "Due to a bug (see https://github.com/NixOS/nix/issues/12899) a loss of precision occurred in previous Nix versions because the NixInt argument {i} was rounded to {result}.\n\tFuture Nix versions might implement the correct behavior."
        );
    }
    Ok(Value::Int(result))
}

fn abort(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let msg = ev.coerce_to_string(&a[0], span, false, true)?;
    Err(EvalError::new(
        ErrorKind::Abort,
        format!("evaluation aborted with the following error message: '{}'", msg),
        span,
    ))
}

fn throw(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let msg = ev.coerce_to_string(&a[0], span, false, true)?;
    Err(EvalError::new(ErrorKind::Throw, msg.to_str_lossy().into_owned(), span))
}

fn to_string(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    Ok(Value::String(ev.coerce_to_string(&a[0], span, true, false)?))
}

/// The path or string argument of `import`, `baseNameOf`, ... as a path string.
pub(crate) fn expect_path_string(ev: &mut Evaluator, v: &Value, span: Option<Span>) -> EvalResult<String> {
    // Imports go through the text-based path code: a non-UTF-8 path is made lossy.
    Ok(super::files::realise_path(ev, v, span)?.to_str_lossy().into_owned())
}

fn import(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let path = expect_path_string(ev, &a[0], span)?;
    ev.import_path(&path, span)
}

fn base_name_of(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let s = ev.coerce_to_string(&a[0], span, false, false)?;
    let mut p = s.as_bytes();
    if p.ends_with(b"/") && p.len() > 1 {
        p = &p[..p.len() - 1];
    }
    let base = match p.iter().rposition(|&c| c == b'/') {
        Some(i) => &p[i + 1..],
        None => p,
    };
    let base = s.bytes.slice_ref(base);
    Ok(Value::String(Rc::new(crate::value::NixString::new(
        base,
        s.context.clone(),
    ))))
}

fn dir_of_str(p: &str) -> &str {
    match p.rfind('/') {
        None => ".",
        Some(0) => "/",
        Some(i) => &p[..i],
    }
}

fn dir_of_bytes(p: &bytes::Bytes) -> bytes::Bytes {
    match p.iter().rposition(|&c| c == b'/') {
        None => bytes::Bytes::from_static(b"."),
        Some(0) => bytes::Bytes::from_static(b"/"),
        Some(i) => p.slice(..i),
    }
}

fn dir_of(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let v = ev.force(&a[0])?;
    if let Value::Path(p) = &v {
        return Ok(Value::path(dir_of_str(&crate::coerce::canonical_path(p))));
    }
    let s = ev.coerce_to_string(&v, span, false, false)?;
    Ok(Value::String(Rc::new(crate::value::NixString::new(
        dir_of_bytes(&s.bytes),
        s.context.clone(),
    ))))
}

fn try_eval(ev: &mut Evaluator, a: &[Value], _span: Option<Span>) -> EvalResult<Value> {
    let depth = ev.call_depth;
    let (value, success) = match ev.force(&a[0]) {
        Ok(v) => (v, true),
        Err(e) if e.is_catchable() => {
            ev.call_depth = depth;
            (Value::Bool(false), false)
        }
        Err(e) => return Err(e),
    };
    Ok(Value::attrs(AttrSet::from_unsorted(vec![
        Attr {
            name: *ev
                .sym
                .success
                .get_or_init(|| rnix_eval_parser::Symbol::intern("success")),
            value: Value::Bool(success),
            pos: None,
        },
        Attr {
            name: ev.sym.value,
            value,
            pos: None,
        },
    ])))
}

pub(super) fn trace(ev: &mut Evaluator, a: &[Value], _span: Option<Span>) -> EvalResult<Value> {
    let v = ev.force(&a[0])?;
    // The bytes as they are, as Nix writes them.
    let mut line = b"trace: ".to_vec();
    match &v {
        Value::String(s) => line.extend_from_slice(s.as_bytes()),
        other => line.extend(crate::print::print_value(ev, other, false)?),
    };
    crate::term::eprint_line(&line);
    ev.force(&a[1])
}

fn add_error_context(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    match ev.force(&a[1]) {
        Ok(v) => Ok(v),
        // The message is made only now, and a failure to make it replaces the error
        // (Nix's `catch` runs `coerceToString` and its exception escapes): tryEval
        // cannot catch `addErrorContext 1 (throw "x")`.
        Err(mut e) => {
            let msg = ev.coerce_to_string(&a[0], span, false, false)?;
            e.trace.push(TraceFrame {
                span: None,
                message: msg.to_str_lossy().into_owned(),
            });
            Err(e)
        }
    }
}

fn function_args(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    match ev.force(&a[0])? {
        Value::Lambda(c) => {
            let entries = match &c.lambda.formals {
                Some(f) => f
                    .entries
                    .iter()
                    .map(|f| Attr {
                        name: f.name,
                        value: Value::Bool(f.default.is_some()),
                        pos: f.span.pos(),
                    })
                    .collect(),
                None => Vec::new(),
            };
            Ok(Value::attrs(AttrSet::from_unsorted(entries)))
        }
        Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(Value::attrs(crate::value::NewSet::default())),
        _ => bail!(span, "'functionArgs' requires a function"),
    }
}

fn find_file(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let list = ev.expect_list(&a[0], span)?;
    let lookup = ev.expect_plain_string(&a[1], span)?;
    let mut entries = Vec::with_capacity(list.len());
    for item in list.iter() {
        let set = ev.expect_attrs(item, span)?;
        let prefix = match set.get(ev.sym.prefix) {
            Some(p) => ev.expect_string_no_ctx(&p.clone(), span)?,
            None => String::new(),
        };
        let Some(path) = set.get(ev.sym.path).cloned() else {
            bail!(span, "attribute 'path' missing");
        };
        let path = ev
            .coerce_to_string(&path, span, false, false)?
            .to_str_lossy()
            .into_owned();
        entries.push((prefix, path));
    }
    let found = ev.find_file(&entries, &lookup.to_str_lossy(), span)?;
    Ok(Value::path(found.as_str()))
}

fn unsafe_get_attr_pos(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let name = ev.expect_known_attr_name(&a[0], span)?;
    let set = ev.expect_attrs(&a[1], span)?;
    match set.get_attr(name).and_then(|attr| attr.span()) {
        Some(pos) => Ok(ev.pos_attrs(pos)),
        None => Ok(Value::Null),
    }
}
