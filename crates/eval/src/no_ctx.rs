//! `forceStringNoCtx`: strings that must not refer to store paths (attribute names,
//! regexes, versions, environment names, ...). A string without context pays one
//! `context.is_none()` check; the error is built out of line.

use crate::error::{EvalError, EvalResult};
use crate::rc::Rc;
use crate::value::{NixString, Value};
use crate::Evaluator;
use rnix_eval_parser::{Span, Symbol};

impl Evaluator {
    /// `forceStringNoCtx`, keeping the string's bytes.
    pub fn expect_plain_string(&mut self, v: &Value, span: Option<Span>) -> EvalResult<Rc<NixString>> {
        let s = self.expect_string(v, span)?;
        check_no_ctx(&s, span)?;
        Ok(s)
    }

    /// `forceStringNoCtx` as text (names, hashes, systems: invalid UTF-8 is replaced).
    pub fn expect_string_no_ctx(&mut self, v: &Value, span: Option<Span>) -> EvalResult<String> {
        let s = self.expect_plain_string(v, span)?;
        Ok(s.to_str_lossy().into_owned())
    }

    /// An attribute name given as a value made for it (`listToAttrs`, `groupBy`): a new
    /// string each time, interned directly.
    pub fn expect_attr_name(&mut self, v: &Value, span: Option<Span>) -> EvalResult<Symbol> {
        let s = self.expect_plain_string(v, span)?;
        Ok(Symbol::intern_bytes(s.as_bytes()))
    }

    /// An attribute name given as a value that is mostly the same string object each time
    /// (`hasAttr`, `getAttr`, `catAttrs`, `removeAttrs`: a literal, whose value is shared by
    /// its evaluations, or a name from `attrNames`): interned through the name cache
    /// (`name_cache.rs`). The module system's `removeAttrs` of a literal list interned 20
    /// names for each module evaluated.
    pub fn expect_known_attr_name(&mut self, v: &Value, span: Option<Span>) -> EvalResult<Symbol> {
        let s = self.expect_plain_string(v, span)?;
        Ok(self.name_cache.intern(&s))
    }
}

/// Fails when `s` has a context, as `forceStringNoCtx` does.
#[inline]
pub(crate) fn check_no_ctx(s: &NixString, span: Option<Span>) -> EvalResult<()> {
    match &s.context {
        None => Ok(()),
        Some(context) => match context.iter().next() {
            None => Ok(()),
            Some(first) => Err(no_ctx_error(s, first, span)),
        },
    }
}

#[cold]
#[inline(never)]
fn no_ctx_error(s: &NixString, first: &str, span: Option<Span>) -> Box<EvalError> {
    EvalError::new(
        crate::ErrorKind::Eval,
        format!(
            "the string '{}' is not allowed to refer to a store path (such as '{}')",
            s,
            display_context_elem(first)
        ),
        span,
    )
}

/// A context element as modern Nix shows it to users (`NixStringContextElem::display`):
/// `DRV^OUT` for an output, `DRV (deep)` for a whole closure, the path for a source.
/// Nix 2.8 printed the encoded form (`!OUT!DRV`, `=DRV`).
pub(crate) fn display_context_elem(raw: &str) -> String {
    if let Some(drv) = raw.strip_prefix('=') {
        return format!("{drv} (deep)");
    }
    if let Some((output, drv)) = raw.strip_prefix('!').and_then(|r| r.split_once('!')) {
        return format!("{drv}^{output}");
    }
    raw.to_string()
}

#[cfg(test)]
mod tests {
    use super::display_context_elem;

    #[test]
    fn context_elements_shown_as_derived_paths() {
        let drv = "/nix/store/l9ldjc53ry43x24hvq73jx7dx0489mhj-a.drv";
        assert_eq!(display_context_elem(&format!("!out!{drv}")), format!("{drv}^out"));
        assert_eq!(display_context_elem(&format!("={drv}")), format!("{drv} (deep)"));
        assert_eq!(display_context_elem(drv), drv);
    }
}
