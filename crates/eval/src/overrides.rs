//! `rec { __overrides = { ... }; ... }`: an old Nix feature that nixpkgs no longer uses
//! but Nix still implements (`ExprAttrs::eval`). The attributes of `__overrides` replace
//! the set's own (also for references inside the `rec`) and names the set lacks are added.
//!
//! Frame slots are written once, so instead of replacing a slot after the fact (as Nix
//! does), each slot gets a thunk that answers with the override when there is one and
//! with the slot's own value otherwise; `__overrides` is forced when the set is made, as
//! in Nix, so a non-set fails there and added names are known.

use crate::env::Env;
use crate::error::{EvalResult, TraceFrame};
use crate::primops::PrimOpDef;
use crate::rc::Rc;
use crate::value::{Attr, PrimOpApp, Thunk, ThunkState, Value};
use crate::Evaluator;
use rnix_eval_parser::ast::{self, AttrValue};
use rnix_eval_parser::{Span, Symbol};

/// `overrideOr name overrides own`: `overrides.${name}` if present, else `own`.
static OVERRIDE_OR: PrimOpDef = PrimOpDef {
    name: "__overrideOr",
    arity: 3,
    func: override_or,
    global: false,
    strict: false,
};

fn override_or(ev: &mut Evaluator, a: &[Value], _span: Option<Span>) -> EvalResult<Value> {
    let Value::String(name) = &a[0] else {
        unreachable!("the name is a string made below")
    };
    if let Value::Attrs(set) = ev.force(&a[1])? {
        if let Some(v) = set.get(Symbol::intern_bytes(name.as_bytes())) {
            return ev.force(&v.clone());
        }
    }
    ev.force(&a[2])
}

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
        let frame = Env::new(Some(env.clone()), a.frame.len());
        let AttrValue::Slot(own_slot) = overrides.value else {
            unreachable!("static attributes of a rec set live in its frame")
        };
        let at = |b: &ast::Binding| if b.outer { env } else { &frame };
        let own_binding = &a.frame[own_slot as usize];
        let overrides_value = self.thunk(&own_binding.value, at(own_binding));
        frame.set(own_slot as usize, overrides_value.clone());
        let slot_names: Vec<Option<Symbol>> = (0..a.frame.len())
            .map(|i| {
                a.attrs
                    .iter()
                    .find(|d| matches!(d.value, AttrValue::Slot(s) if s as usize == i))
                    .map(|d| d.name)
            })
            .collect();
        for (i, b) in a.frame.iter().enumerate() {
            if i == own_slot as usize {
                continue;
            }
            let own = self.thunk(&b.value, at(b));
            let v = match slot_names[i] {
                Some(name) => self.overridable(name, &overrides_value, own),
                None => own,
            };
            frame.set(i, v);
        }
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

    fn overridable(&mut self, name: Symbol, overrides: &Value, own: Value) -> Value {
        let f = Value::PrimOpApp(Rc::new(PrimOpApp {
            op: &OVERRIDE_OR,
            args: vec![Value::string(name.as_bytes())],
        }));
        Value::Thunk(Thunk::new(ThunkState::Apply2(Box::new((f, overrides.clone(), own)))))
    }
}
