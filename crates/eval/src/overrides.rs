//! `rec { __overrides = { ... }; ... }`: an old Nix feature that nixpkgs no longer uses
//! but Nix still implements (`ExprAttrs::eval`). The attributes of `__overrides` replace
//! the set's own (also for references inside the `rec`) and names the set lacks are added.
//!
//! As in Nix, the set's frame is made as for any `rec`, `__overrides` is forced in it
//! (a non-set fails there, and added names are known), and then the overridden
//! attributes' slots are replaced by the overrides' values. So a variable that
//! `__overrides` itself names is the set's own value (`{ b = a; c = b; }` gives `c` the
//! old `b`), while the rest of the set, evaluated later, sees the overrides.

use crate::env::Env;
use crate::error::{EvalResult, TraceFrame};
use crate::value::{Attr, Value};
use crate::Evaluator;
use rnix_eval_parser::ast::{self, AttrValue, BindingKind};

impl Evaluator {
    /// Rare (`rec { __overrides = ..; }`): out of line, so `eval_attrs` stays small.
    #[cold]
    #[inline(never)]
    pub(crate) fn eval_rec_with_overrides(
        &mut self,
        a: &'static ast::Attrs,
        overrides: &'static ast::AttrDef,
        env: &Env,
    ) -> EvalResult<Value> {
        // Every attribute of the set an unevaluated thunk, as Nix's `mkThunk` for a `rec`
        // with `__overrides`: a variable or a constant shared in place would be read
        // before the overrides replace it.
        let frame = Env::new(Some(env.clone()), a.frame.len());
        for (i, b) in a.frame.iter().enumerate() {
            // (`outer`: lowered without the frame, its value needs none of its names.)
            let scope = if b.outer { env } else { &frame };
            let v = match b.kind {
                BindingKind::Plain | BindingKind::InheritFrom => self.unevaluated(&b.value, scope),
                BindingKind::Inherit | BindingKind::InheritSource => self.thunk(&b.value, scope),
            };
            frame.set(i, v);
        }
        let AttrValue::Slot(own_slot) = overrides.value else {
            unreachable!("static attributes of a rec set live in its frame")
        };
        let overrides_value = frame.slot(own_slot);
        let forced = self
            .force(&overrides_value)
            .and_then(|v| self.expect_attrs(&v, Some(overrides.span)));
        let overrides_set = forced.map_err(|mut e| {
            e.trace.push(TraceFrame {
                span: Some(overrides.span),
                message: "while evaluating the `__overrides` attribute".into(),
            });
            e
        })?;
        for def in a.attrs.iter() {
            if let (AttrValue::Slot(i), Some(over)) = (&def.value, overrides_set.get_attr(def.name)) {
                frame.replace(*i as usize, over.value.clone());
            }
        }
        let mut entries = Vec::with_capacity(a.attrs.len() + overrides_set.len());
        for def in a.attrs.iter() {
            // Nix puts the override's attribute itself in the set: its value, its position
            // (`unsafeGetAttrPos`), and for `__overrides` itself too.
            if let Some(over) = overrides_set.get_attr(def.name) {
                entries.push(over.clone());
                continue;
            }
            let value = match &def.value {
                AttrValue::Slot(i) => frame.slot(*i),
                // Not overridden (checked above): its own value.
                AttrValue::Expr { expr, in_frame, .. } => self.thunk(expr, if *in_frame { &frame } else { env }),
            };
            entries.push(Attr {
                name: def.name,
                value,
                pos: def.pos,
            });
        }
        for added in overrides_set.entries().iter() {
            if !a.attrs.iter().any(|d| d.name == added.name) {
                entries.push(added.clone());
            }
        }
        entries.sort_unstable_by_key(|a| a.name);
        self.add_dynamic_attrs(a, &frame, entries)
    }
}
