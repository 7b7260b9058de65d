//! String coercion (`coerceToString`): what `"${x}"`, `+` and `toString` accept.

use crate::error::EvalResult;
use crate::rc::Rc;
use crate::value::{NixString, Value};
use crate::{bail, Evaluator};
use rnix_eval_parser::Span;

impl Evaluator {
    /// `coerce_more` is `toString`'s extra leniency (ints, floats, bools, null, lists);
    /// `copy_to_store` is set where Nix would copy a path into the store (interpolation).
    pub fn coerce_to_string(
        &mut self,
        v: &Value,
        span: Option<Span>,
        coerce_more: bool,
        copy_to_store: bool,
    ) -> EvalResult<Rc<NixString>> {
        // An evaluated string (most calls): one clone, where forcing cloned the value and
        // dropped it after cloning the string out of it.
        if let Some(Value::String(s)) = v.evaluated() {
            return Ok(s.clone());
        }
        self.check_native_stack(span)?;
        let v = self.force(v)?;
        match &v {
            Value::String(s) => Ok(s.clone()),
            Value::Path(p) => {
                if copy_to_store {
                    let store_path = self.copy_path_to_store(&canonical_path(p), span)?;
                    let context = Some(crate::string_context::Context::single(store_path.as_str()));
                    return Ok(Rc::new(NixString::new(store_path, context)));
                }
                Ok(Rc::new(NixString::copy_from(canonical_path(p).as_bytes())))
            }
            Value::Attrs(set) => {
                if let Some(f) = set.get_early(self.sym.to_string).cloned() {
                    let f = self.force(&f)?;
                    let result = self.call(f, v.clone(), span)?;
                    return self.coerce_to_string(&result, span, coerce_more, copy_to_store);
                }
                if let Some(out) = set.get_early(self.sym.out_path).cloned() {
                    return self.coerce_to_string(&out, span, coerce_more, copy_to_store);
                }
                bail!(span, "cannot coerce {}", crate::show_value::coerce_found(&v))
            }
            Value::Int(i) if coerce_more => Ok(Rc::new(NixString::from_int(*i))),
            Value::Float(f) if coerce_more => Ok(Rc::new(NixString::plain(float_to_string(*f)))),
            Value::Bool(true) if coerce_more => Ok(Rc::new(NixString::plain("1"))),
            Value::Bool(false) | Value::Null if coerce_more => Ok(Rc::new(NixString::plain(""))),
            Value::List(items) if coerce_more => {
                let mut out = Vec::new();
                let mut context = crate::string_context::ContextBuilder::default();
                for (i, item) in items.iter().enumerate() {
                    let s = self.coerce_to_string(item, span, coerce_more, copy_to_store)?;
                    out.extend_from_slice(s.as_bytes());
                    crate::eval::merge_context(&mut context, &s);
                    // Nix separates elements with a space, except after an empty list.
                    if i + 1 < items.len() {
                        let forced = self.force(item)?;
                        if !matches!(&forced, Value::List(l) if l.is_empty()) {
                            out.push(b' ');
                        }
                    }
                }
                Ok(Rc::new(NixString::new(out, context.finish())))
            }
            other => bail!(span, "cannot coerce {}", crate::show_value::coerce_found(other)),
        }
    }
}

/// A path value as `coerceToString` gives it: canonical. Only a `~/...` literal is kept
/// as written in the value (Nix's `HPATH`; `==` and printing see it so), and nearly
/// every path is canonical already, so it is checked before it is copied.
pub(crate) fn canonical_path(p: &str) -> std::borrow::Cow<'_, str> {
    rnix_eval_parser::paths::canonical(p)
}

/// `toString` of a float: C++'s `std::to_string` (`%f`), which Nix uses; the C library
/// writes `nan`/`-nan` and `inf`/`-inf` where Rust writes `NaN` and `inf`.
fn float_to_string(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    // A float with at most six decimals that are not all zero (`i * 0.25`, whole numbers)
    // is the integer `f * 1e6`: the product is within half a unit of it, so rounding the
    // exact value gives it too. Rust's exact formatting takes its slow bignum path
    // (Dragon) for just these values (a quarter of a `toString` loop's time).
    let micros = f * 1e6;
    if micros.fract() == 0.0 && micros.abs() < (1u64 << 53) as f64 {
        let m = micros.abs() as u64;
        let sign = if f.is_sign_negative() { "-" } else { "" };
        return format!("{sign}{}.{:06}", m / 1_000_000, m % 1_000_000);
    }
    format!("{f:.6}")
}

#[cfg(test)]
mod tests {
    use super::canonical_path;

    /// Every float the integer path answers prints as `format!("{:.6}")` (C's `%f`) does.
    #[test]
    fn floats_with_few_decimals_print_as_exact_formatting_does() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.25,
            -0.75,
            1e9 + 0.5,
            4503599627.370496,
            123456789.0,
        ];
        values.extend((-2000..2000).map(|i| i as f64 * 0.125));
        values.extend((0..200).map(|i| i as f64 * 0.1));
        values.extend((0..200).map(|i| 9007199254.740991 - i as f64));
        for f in values {
            assert_eq!(super::float_to_string(f), format!("{f:.6}"), "{f:e}");
        }
    }

    #[test]
    fn paths_are_coerced_canonical() {
        assert_eq!(canonical_path("/root/a/.."), "/root");
        assert_eq!(canonical_path("/root/./a"), "/root/a");
        assert_eq!(canonical_path("/root/."), "/root");
        assert_eq!(canonical_path("/"), "/");
        assert!(matches!(
            canonical_path("/nix/store/x-a.b"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
