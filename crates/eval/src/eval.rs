//! The interpreter loop: evaluate a lowered expression in a frame to weak head normal
//! form. Laziness lives in [`Evaluator::thunk`] (what to defer) and [`Evaluator::force`]
//! (call-by-need with blackholing).

use crate::env::Env;
use crate::error::{ErrorKind, EvalError, EvalResult, TraceFrame};
use crate::rc::Rc;
use crate::stats::{self, Counter};
use crate::string_context::ContextBuilder;
use crate::value::{release, Attr, AttrSet, Closure, ListRef, NixString, Peek, PrimOpApp, Thunk, ThunkState, Value};
use crate::{bail, Evaluator};
use rnix_eval_parser::ast::{self, AttrName, AttrValue, BinOpKind, Expr, VarKind};
use rnix_eval_parser::show::identifier;
use rnix_eval_parser::{source, Span, Symbol};
use std::mem::{forget, replace};

impl Evaluator {
    /// Evaluate `expr` in `env` to weak head normal form.
    ///
    /// Tail positions (the body of `let`, `with` and `assert`, the branches of `if`, and
    /// the body of the lambda an application ends in) continue in this same call instead
    /// of recursing: a Nix call level then takes one native `eval` frame, not the five of
    /// `eval` -> `eval_apply` -> `call` -> `call_lambda` -> `eval` (recursion 2,000 deep
    /// spilled them out of the cache: 1.5x Nix's time). The calls entered so are counted
    /// in `call_depth` until this `eval` returns, as if each had returned in turn.
    #[inline(always)]
    pub fn eval(&mut self, expr: &'static Expr, env: &Env) -> EvalResult<Value> {
        self.eval_entered(expr, env, 0)
    }

    /// [`Evaluator::eval`] of the body of `entered` calls its caller counted in
    /// `call_depth`: they are uncounted here, with the calls entered in tail position.
    /// A caller that lowered the count itself after the call held the result in memory
    /// and moved it whole, right after `eval` wrote it in halves: a store-forwarding
    /// stall on every call of a builtin's function (`filter`, `foldl'`).
    pub fn eval_entered(&mut self, expr: &'static Expr, env: &Env, entered: usize) -> EvalResult<Value> {
        let mut entered = entered;
        let result = self.eval_steps(expr, env, &mut entered);
        self.call_depth -= entered;
        result
    }

    #[inline(always)]
    fn eval_steps(&mut self, mut expr: &'static Expr, outer: &Env, entered: &mut usize) -> EvalResult<Value> {
        self.check_stack(expr)?;
        // The frame the last tail step made (a `let`'s, a `with`'s, a called lambda's);
        // it replaces the previous one, which its parent pointer keeps alive if anything
        // can still reach it.
        let mut owned: Option<Env> = None;
        loop {
            let env = owned.as_ref().unwrap_or(outer);
            let frame = match expr {
                Expr::Int(i) => return Ok(Value::Int(*i)),
                Expr::Float(f) => return Ok(Value::Float(*f)),
                Expr::Str(_) | Expr::Path(_) => return Ok(self.literal(expr)),
                Expr::Var(var) => return self.eval_var(var, env),
                Expr::Select(sel) => return self.eval_select(sel, env),
                Expr::HasAttr(h) => return self.eval_has_attr(h, env),
                Expr::Apply(app) => match self.eval_apply(app, env)? {
                    Applied::Value(v) => return Ok(v),
                    Applied::Body(body, frame, calls) => {
                        *entered += calls;
                        expr = body;
                        frame
                    }
                },
                Expr::Lambda(l) => return Ok(closure(l, env)),
                Expr::Let(l) => {
                    let frame = self.new_frame(&l.slots, env);
                    expr = &l.body;
                    frame
                }
                Expr::Attrs(a) => return self.eval_attrs(a, env),
                Expr::List(items) => {
                    return Ok(Value::List(ListRef::collect(
                        items.iter().map(|e| self.thunk_outlined(e, env)),
                    )))
                }
                Expr::With(w) => {
                    let namespace = self.thunk_outlined(&w.namespace, env);
                    let frame = Env::with_slot(Some(env.clone()), namespace);
                    expr = &w.body;
                    frame
                }
                Expr::If(i) => {
                    expr = if self.eval_condition(&i.cond, env, i.span)? {
                        &i.then
                    } else {
                        &i.else_
                    };
                    continue;
                }
                Expr::Assert(a) => {
                    let cond = self.eval(&a.cond, env)?;
                    if !self.expect_bool_of(&cond, &a.cond, a.span)? {
                        return Err(self.failed_assertion(a, env));
                    }
                    expr = &a.body;
                    continue;
                }
                Expr::BinOp(b) => return self.eval_binop(b, env),
                Expr::Not(e, span) => {
                    let v = self.eval(e, env)?;
                    return Ok(Value::Bool(!self.expect_bool(&v, Some(*span))?));
                }
                Expr::Neg(e, span) => {
                    let v = self.eval(e, env)?;
                    return self.arith(BinOpKind::Sub, &Value::Int(0), &v, Some(*span));
                }
                Expr::Interpolate(i) => return self.eval_interpolate(i, env),
                Expr::CurPos(span) => return Ok(self.pos_attrs(*span)),
                Expr::Lazy(l) => {
                    expr = l.get().ok_or_else(|| corrupt_cache(l))?;
                    continue;
                }
            };
            owned = Some(frame);
        }
    }

    /// [`Evaluator::eval`] for the strict positions a variable fills most (a call's
    /// function, an `if`'s condition, a builtin's strict argument): an evaluated local is
    /// cloned where it is, without `eval`'s stack check, frame and dispatch (a fifth of
    /// all `eval`s on a NixOS system are such reads).
    #[inline(always)]
    pub(crate) fn eval_operand(&mut self, expr: &'static Expr, env: &Env) -> EvalResult<Value> {
        match crate::ops::peek_local(expr, env) {
            Some(v) => Ok(v.clone()),
            None => self.eval_or_literal(expr, env),
        }
    }

    /// `eval`, with an integer literal (`x / 3`, `n - 1`) answered without the call:
    /// `eval`'s prologue, dispatch and epilogue were 60 instructions for it.
    #[inline(always)]
    pub(crate) fn eval_or_literal(&mut self, expr: &'static Expr, env: &Env) -> EvalResult<Value> {
        match expr {
            Expr::Int(i) => Ok(Value::Int(*i)),
            expr => self.eval(expr, env),
        }
    }

    /// A lazy reference to `expr` in `env`. Constants, variables and lambdas need no
    /// thunk; variables share the cell they refer to, as Nix's `maybeThunk` does.
    #[inline(always)]
    pub fn thunk(&mut self, expr: &'static Expr, env: &Env) -> Value {
        // Counted as avoided here and taken back by `pending` when a thunk is made: two
        // adds, where reading the thunk counter before and after cost two calls.
        stats::bump(Counter::Avoided, 1);
        if let Expr::Var(ast::Var {
            kind: VarKind::Local { depth, slot },
            ..
        }) = expr
        {
            if let Some(v) = env.up(*depth).get(*slot) {
                return v.clone();
            }
        }
        self.thunk_rest(expr, env)
    }

    /// [`Evaluator::thunk`] past its inlined first case.
    #[inline(never)]
    fn thunk_rest(&mut self, expr: &'static Expr, env: &Env) -> Value {
        self.thunk_or_value(expr, env)
    }

    /// [`Evaluator::thunk`] out of line, for `eval`'s own loop (list elements, a `with`'s
    /// namespace): inlined there, it grew the frame and prologue every `eval` pays (+6
    /// instructions a call on `benches/programs/scopes`).
    #[inline(never)]
    fn thunk_outlined(&mut self, expr: &'static Expr, env: &Env) -> Value {
        self.thunk(expr, env)
    }

    /// A thunk for `expr` in `env` whatever `expr` is, as Nix's `mkThunk`: command-line
    /// `--arg` values, which `nix-instantiate --eval` prints as `<CODE>` until forced.
    pub fn unevaluated(&mut self, expr: &'static Expr, env: &Env) -> Value {
        Value::Thunk(Thunk::new(ThunkState::Pending(expr, env.clone())))
    }

    /// The value of `expr` if it is known without evaluating anything that could fail,
    /// recurse or be observed (Nix's `maybeThunk` and more): constants, variables,
    /// lambdas, selections and `?` on evaluated sets, arithmetic on known integers;
    /// otherwise a thunk. Each arm builds its value in the result: an `Option` of the
    /// known value first, matched afterwards, was built in two 8-byte stores and read
    /// back as one 16-byte load, which the store buffer cannot forward (a stall on a
    /// third of `thunk`'s samples).
    #[inline(always)]
    fn thunk_or_value(&mut self, expr: &'static Expr, env: &Env) -> Value {
        let or_pending = |v: Option<Value>| v.unwrap_or_else(|| pending(expr, env));
        match expr {
            Expr::Int(i) => Value::Int(*i),
            Expr::Float(f) => Value::Float(*f),
            Expr::Str(_) | Expr::Path(_) => self.literal(expr),
            // A frame under construction may not have this slot yet (`rec { a = b;
            // b = 1; }`): then, as in Nix, the reference gets a thunk of its own.
            Expr::Var(ast::Var {
                kind: VarKind::Local { depth, slot },
                ..
            }) => match env.up(*depth).get(*slot) {
                Some(v) => v.clone(),
                None => pending(expr, env),
            },
            Expr::Var(ast::Var {
                kind: VarKind::Global(slot),
                ..
            }) => self.globals[*slot as usize].clone(),
            Expr::Lambda(l) if !self.thunks_as_nix => closure(l, env),
            // Nix's `ExprList::maybeThunk`: `[ ]` is a value, never a thunk (it shows in
            // error messages as `[ ]`, not `«thunk»`).
            Expr::List(items) if items.is_empty() => Value::list(Vec::new()),
            Expr::BinOp(b) if !self.thunks_as_nix => or_pending(cheap_int_binop(b, env)),
            Expr::Select(s) => match self.known_select(s, env) {
                // The value as it is, built in the result: passed through
                // `in_place_of_thunk` it was copied with one 16-byte load from the two
                // 8-byte stores that made it (a store-forwarding stall).
                Some(v) if !self.thunks_as_nix && !v.is_function() => v,
                Some(v) => self.in_place_of_thunk(v),
                None => pending(expr, env),
            },
            Expr::HasAttr(h) => {
                let known = self.known_has_attr(h, env).map(|v| self.in_place_of_thunk(v));
                or_pending(known)
            }
            Expr::Var(
                var @ ast::Var {
                    kind: VarKind::With(depths),
                    ..
                },
            ) => or_pending(self.known_with_var(var, depths, env)),
            _ => pending(expr, env),
        }
    }

    /// A string or path literal's value, shared by its evaluations (`literals.rs`).
    #[inline(always)]
    fn literal(&mut self, expr: &'static Expr) -> Value {
        self.literals.get(expr, || match expr {
            Expr::Str(s) => Value::string(s.as_bytes()),
            Expr::Path(p) => Value::path(&**p),
            _ => unreachable!("only string and path literals"),
        })
    }

    /// Force a value to weak head normal form (call-by-need). An evaluated thunk's value
    /// is read here, without the call: a third of `force_thunk`'s calls found it done.
    #[inline(always)]
    pub fn force(&mut self, v: &Value) -> EvalResult<Value> {
        match v {
            Value::Thunk(t) => match t.peek() {
                Peek::Done(v) => Ok(v.clone()),
                _ => self.force_thunk(t),
            },
            other => Ok(other.clone()),
        }
    }

    /// Evaluate `t`, which its caller found not evaluated: `force` and `eval_var` read an
    /// evaluated thunk's value themselves, so checking again here was done twice.
    fn force_thunk(&mut self, t: &Thunk) -> EvalResult<Value> {
        let state = t.replace(ThunkState::Blackhole);
        let result = match &state {
            ThunkState::Pending(expr, env) => self.eval(expr, env),
            ThunkState::Apply(_) | ThunkState::Apply2(_) | ThunkState::ApplyInt(..) => {
                return self.force_application(t, state)
            }
            // Without a position: the variable or selection that forced it adds its own
            // (`at_forcing_site`), as Nix reports the `forceValue` call's position.
            ThunkState::Blackhole => return Err(EvalError::new(ErrorKind::Eval, INFINITE_RECURSION, None)),
            // Not from `force` or `eval_var`; still right for any other caller.
            ThunkState::Done(v) => {
                let v = v.clone();
                t.restore(state);
                return Ok(v);
            }
        };
        match result {
            Ok(v) => {
                // A thunk that evaluated to another thunk's value stores the final value.
                t.restore(ThunkState::Done(v.clone()));
                // The frame's release inlined, not `ThunkState`'s out-of-line drop glue.
                if let ThunkState::Pending(_, env) = state {
                    drop(env);
                }
                // A plain move copied the value out of `eval`'s two 8-byte stores with one
                // 16-byte load: a store-forwarding stall on a third of these samples.
                Ok(crate::words::moved(v))
            }
            Err(e) => {
                // Restore so a later force (e.g. after `tryEval`) re-evaluates.
                let e = match &state {
                    ThunkState::Pending(expr, _) => at_forcing_site(e, expr.span()),
                    _ => e,
                };
                t.restore(state);
                Err(e)
            }
        }
    }

    /// An application cell (`map`'s, `mapAttrs'`...) is not blackholed while it runs, as
    /// Nix's `forceValue` calls a `tApp` without marking it: forced again inside its own
    /// evaluation, it runs again, so a cycle through it is reported where it reaches a
    /// thunk (at that attribute's definition, as Nix) or as a stack overflow. Out of
    /// line: inlined, it made every `force_thunk` heavier (+0.3% instructions on NixOS).
    #[inline(never)]
    fn force_application(&mut self, t: &Thunk, state: ThunkState) -> EvalResult<Value> {
        // The function is forced while the cell is still marked (a function whose own
        // evaluation needs the cell is a cycle either way), then the cell is put back.
        let result = match &state {
            // The forced function is moved on by its words: `force` returned it in 8-byte
            // stores, and a plain move stalled on most of these samples in
            // `benches/programs/derivations`.
            // (Not moved into a tuple with the arguments either: that was the same copy.)
            ThunkState::Apply(app) => {
                let f = self.force(&app.0);
                let x = app.1.clone();
                t.restore(state);
                f.and_then(|f| self.call(crate::words::moved(f), x, None))
            }
            ThunkState::Apply2(app) => {
                let f = self.force(&app.0);
                let (x, y) = (app.1.clone(), app.2.clone());
                t.restore(state);
                f.and_then(|f| self.call2(crate::words::moved(f), x, y, None))
            }
            ThunkState::ApplyInt(f, i) => {
                let (f, x) = (Value::Lambda(f.clone()), Value::Int(*i));
                t.restore(state);
                self.call(f, x, None)
            }
            _ => unreachable!("only applications"),
        }?;
        // Forced again inside, the cell may be done already: the same value, and what is
        // done is never replaced (a value in a cell may be looked at in place).
        if let Some(done) = t.done() {
            return Ok(done);
        }
        t.set(ThunkState::Done(result.clone()));
        // By its words: a plain move stalled on a third of these samples (`force_thunk`).
        Ok(crate::words::moved(result))
    }

    /// Force `v` and everything inside it (`--strict`, `deepSeq`).
    pub fn force_deep(&mut self, v: &Value) -> EvalResult<Value> {
        let v = self.force(v)?;
        let mut seen = rustc_hash::FxHashSet::default();
        self.force_deep_inner(&v, &mut seen)?;
        Ok(v)
    }

    fn force_deep_inner(&mut self, v: &Value, seen: &mut rustc_hash::FxHashSet<usize>) -> EvalResult<()> {
        self.value_level(None, |ev| ev.force_deep_level(v, seen))
    }

    /// One level of a walk into a value (`deepSeq`, `--strict`, `toJSON`): it counts as a
    /// call, as modern Nix's `addCallDepth` there, against an explicit `max-call-depth`
    /// only ([`Options::max_value_depth`](crate::Options)). By default the native stack
    /// bounds the walk, as Nix 2.8's: a deep but finite value is walked, a cyclic one
    /// stops with Nix 2.8's `stack overflow (possible infinite recursion)`.
    pub(crate) fn value_level<T>(
        &mut self,
        span: Option<Span>,
        walk: impl FnOnce(&mut Self) -> EvalResult<T>,
    ) -> EvalResult<T> {
        if self.call_depth >= self.max_value_depth {
            bail!(span, "stack overflow; max-call-depth exceeded");
        }
        self.call_depth += 1;
        let result = walk(self);
        self.call_depth -= 1;
        result
    }

    fn force_deep_level(&mut self, v: &Value, seen: &mut rustc_hash::FxHashSet<usize>) -> EvalResult<()> {
        self.check_native_stack(None)?;
        match v {
            Value::Attrs(a) => {
                if !seen.insert(crate::value::SetRef::as_ptr(a) as usize) {
                    return Ok(());
                }
                for attr in a.entries().iter() {
                    let inner = self.force(&attr.value).map_err(|mut e| {
                        e.trace.push(TraceFrame {
                            span: attr.span(),
                            message: format!("while evaluating the attribute '{}'", identifier(attr.name.as_str())),
                        });
                        e
                    })?;
                    self.force_deep_inner(&inner, seen)?;
                }
            }
            Value::List(l) => {
                if !seen.insert(ListRef::as_ptr(l) as usize) {
                    return Ok(());
                }
                for item in l.iter() {
                    let inner = self.force(item)?;
                    self.force_deep_inner(&inner, seen)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Read a variable and force it, cloning only the final value.
    #[inline(always)]
    fn eval_var(&mut self, var: &'static ast::Var, env: &Env) -> EvalResult<Value> {
        let pending = match &var.kind {
            VarKind::Local { depth, slot } => {
                let frame = env.up(*depth);
                match frame.get(*slot).expect("a slot of a built frame") {
                    Value::Thunk(t) => {
                        if let Some(v) = t.done() {
                            return Ok(v);
                        }
                        t.clone()
                    }
                    v => return Ok(v.clone()),
                }
            }
            VarKind::Global(slot) => return self.force(&self.globals[*slot as usize].clone()),
            VarKind::With(_) => {
                let v = self.lookup_var(var, env)?;
                return self.force(&v).map_err(|e| at_forcing_site(e, Some(var.span)));
            }
        };
        self.force_thunk(&pending)
            .map_err(|e| at_forcing_site(e, Some(var.span)))
    }

    #[inline(always)]
    fn lookup_var(&mut self, var: &'static ast::Var, env: &Env) -> EvalResult<Value> {
        match &var.kind {
            VarKind::Local { depth, slot } => Ok(env.up(*depth).slot(*slot)),
            VarKind::Global(slot) => Ok(self.globals[*slot as usize].clone()),
            VarKind::With(depths) => {
                if let Some(v) = self.with_cache.get(var, env, depths) {
                    return Ok(v);
                }
                let (found, level) = self.lookup_with(var, env, depths)?;
                self.with_cache.remember(var, env, depths, level, &found);
                Ok(found)
            }
        }
    }

    /// Search the `with` frames of `var`, innermost first, forcing namespaces as needed:
    /// the value and the index of the `with` that had it.
    fn lookup_with(
        &mut self,
        var: &'static ast::Var,
        env: &Env,
        depths: &[ast::WithFrame],
    ) -> EvalResult<(Value, usize)> {
        for (level, (frame, with)) in env.frames_at(depths).enumerate() {
            match lookup_in_evaluated_namespace(frame, var.name, &with.hint) {
                Some(Some(v)) => return Ok((v, level)),
                Some(None) => continue,
                None => {}
            }
            let ns = frame.slot(0);
            let ns = self.force(&ns)?;
            let Value::Attrs(set) = &ns else {
                return Err(crate::show_value::type_error("a set", &ns, Some(var.span)));
            };
            if let Some(a) = set.get_attr_hinted(var.name, &with.hint) {
                return Ok((a.value.clone(), level));
            }
        }
        bail!(Some(var.span), "undefined variable '{}'", var.name)
    }

    /// A new frame whose slots are lazy bindings evaluated in the frame itself.
    #[inline(never)]
    fn new_frame(&mut self, bindings: &'static [ast::Binding], parent: &Env) -> Env {
        let frame = Env::new(Some(parent.clone()), bindings.len());
        for (i, b) in bindings.iter().enumerate() {
            let v = self.thunk(&b.value, if b.outer { parent } else { &frame });
            frame.set(i, v);
        }
        frame
    }

    #[inline(never)]
    fn eval_attrs(&mut self, a: &'static ast::Attrs, env: &Env) -> EvalResult<Value> {
        if a.rec {
            if let Some(def) = a.attrs.iter().find(|d| d.name == self.sym.overrides) {
                return self.eval_rec_with_overrides(a, def, env);
            }
        }
        let frame = if a.frame.is_empty() && !a.rec {
            None
        } else if a.rec {
            Some(self.new_frame(&a.frame, env))
        } else {
            // Only the `inherit (e)` sources, evaluated in the enclosing env.
            let frame = Env::new(Some(env.clone()), a.frame.len());
            for (i, b) in a.frame.iter().enumerate() {
                let v = self.thunk(&b.value, env);
                frame.set(i, v);
            }
            Some(frame)
        };
        if a.dynamic.is_empty() {
            // Made in the set's block directly: one allocation.
            let mut entries = crate::value::SetBuilder::with_capacity(a.attrs.len());
            for def in a.order.in_order(&a.attrs) {
                entries.push(self.static_attr(def, frame.as_ref(), env));
            }
            return Ok(Value::attrs_made(entries.finish(true)));
        }
        let mut entries = Vec::with_capacity(a.attrs.len() + a.dynamic.len());
        for def in a.order.in_order(&a.attrs) {
            entries.push(self.static_attr(def, frame.as_ref(), env));
        }
        // Dynamic names are evaluated in the set's scope (the frame for `rec`).
        let scope = if a.rec {
            frame.clone().expect("frame")
        } else {
            env.clone()
        };
        self.add_dynamic_attrs(a, &scope, entries)
    }

    /// The attribute `def` of a set literal, its value lazy in `frame` (a `rec` set's, or
    /// its `inherit (e)` sources') or `env`.
    #[inline(always)]
    fn static_attr(&mut self, def: &'static ast::AttrDef, frame: Option<&Env>, env: &Env) -> Attr {
        let value = match &def.value {
            AttrValue::Slot(i) => frame.expect("rec sets have a frame").slot(*i),
            AttrValue::Expr { expr, in_frame, .. } => {
                let e = if *in_frame { frame.expect("frame") } else { env };
                self.thunk(expr, e)
            }
        };
        Attr {
            name: def.name,
            value,
            pos: def.pos,
        }
    }

    /// The dynamic attributes of `a` added to its static ones (`entries`, sorted).
    pub(crate) fn add_dynamic_attrs(
        &mut self,
        a: &'static ast::Attrs,
        scope: &Env,
        entries: Vec<Attr>,
    ) -> EvalResult<Value> {
        let mut entries = entries;
        for d in a.dynamic.iter() {
            let name = self.eval(&d.name, scope)?;
            let name = match name {
                Value::Null => continue,
                Value::String(s) => {
                    crate::no_ctx::check_no_ctx(&s, Some(d.span))?;
                    self.name_cache.intern(&s)
                }
                other => return Err(crate::show_value::type_error("a string", &other, Some(d.span))),
            };
            let idx = entries.partition_point(|a| a.name < name);
            if let Some(existing) = entries.get(idx).filter(|a| a.name == name) {
                let at = existing.span().unwrap_or(d.span).describe();
                bail!(
                    Some(d.span),
                    "dynamic attribute '{}' already defined at {}",
                    identifier(name.as_str()),
                    at
                );
            }
            let value = self.thunk(&d.value, scope);
            entries.insert(
                idx,
                Attr {
                    name,
                    value,
                    pos: d.span.pos(),
                },
            );
        }
        Ok(Value::attrs(AttrSet::from_sorted(entries)))
    }

    pub(crate) fn attr_name(&mut self, name: &'static AttrName, env: &Env) -> EvalResult<Symbol> {
        match name {
            AttrName::Static(s) => Ok(*s),
            AttrName::Dynamic(e) => {
                let v = self.eval_operand(e, env)?;
                match &v {
                    Value::String(s) => {
                        // The span only for the error: finding it walks the expression.
                        if s.context.is_some() {
                            crate::no_ctx::check_no_ctx(s, e.span())?;
                        }
                        Ok(self.name_cache.intern(s))
                    }
                    other => Err(crate::show_value::type_error("a string", other, e.span())),
                }
            }
        }
    }

    #[inline(never)]
    fn eval_select(&mut self, sel: &'static ast::Select, env: &Env) -> EvalResult<Value> {
        if let Some(slot) = sel.builtin {
            stats::bump(Counter::Lookups, 1);
            let v = self.globals[slot as usize].clone();
            return self.force(&v);
        }
        // A local variable's set with every step evaluated (`lib.mkIf`, `cfg.enable`):
        // the result is cloned where it is, without raising and dropping the count of
        // every set on the way.
        if let Some(v) = select_local_in_place(sel, env) {
            stats::bump(Counter::Lookups, sel.path.len() as u64);
            return Ok(v.clone());
        }
        let mut v = self.eval_operand(&sel.expr, env)?;
        for (name, hint) in sel.path.iter().zip(sel.hints.iter()) {
            let sym = self.attr_name(name, env)?;
            stats::bump(Counter::Lookups, 1);
            let next = match &v {
                Value::Attrs(set) => match set.get_attr_hinted(sym, hint) {
                    // Evaluated already (most reads of a NixOS `config`): its value, without
                    // raising and dropping the thunk's count around `force`.
                    Some(attr) => match attr.value.evaluated() {
                        Some(done) => {
                            v = done.clone();
                            continue;
                        }
                        // An infinite recursion is placed where the attribute is defined,
                        // as Nix's `ExprSelect` forces it (`pos2`).
                        // The position stays a `Pos` until an error needs it: turning it
                        // into a span searches the file table (1.5% of a NixOS system).
                        None => Some((attr.value.clone(), attr.pos)),
                    },
                    None => None,
                },
                other if sel.default.is_none() => {
                    return Err(crate::show_value::type_error("a set", other, Some(sel.span)))
                }
                _ => None,
            };
            match next {
                Some((n, pos)) => {
                    v = self
                        .force(&n)
                        .map_err(|e| at_forcing_site(e, pos.map(rnix_eval_parser::Pos::span).or(Some(sel.span))))?
                }
                None => match &sel.default {
                    Some(d) => return self.eval(d, env),
                    None => {
                        let hints = match &v {
                            Value::Attrs(set) => crate::error::suggest(set.names(), sym.as_str()),
                            _ => Vec::new(),
                        };
                        let err = EvalError::new(
                            ErrorKind::Eval,
                            format!("attribute '{}' missing", identifier(sym.as_str())),
                            Some(sel.span),
                        );
                        return Err(err.with_suggestions(hints));
                    }
                },
            }
        }
        Ok(v)
    }

    #[inline(never)]
    fn eval_has_attr(&mut self, h: &'static ast::HasAttr, env: &Env) -> EvalResult<Value> {
        let mut v = self.eval_operand(&h.expr, env)?;
        let last = h.path.len() - 1;
        for (i, (name, hint)) in h.path.iter().zip(h.hints.iter()).enumerate() {
            let sym = self.attr_name(name, env)?;
            let Value::Attrs(set) = &v else {
                return Ok(Value::Bool(false));
            };
            match set.get_attr_hinted(sym, hint).map(|a| &a.value) {
                Some(_) if i == last => return Ok(Value::Bool(true)),
                Some(n) => {
                    let n = n.clone();
                    v = self.force(&n)?
                }
                None => return Ok(Value::Bool(false)),
            }
        }
        Ok(Value::Bool(true))
    }

    /// Apply a function value to one (lazy) argument.
    #[inline(always)]
    pub fn call(&mut self, f: Value, arg: Value, span: Option<Span>) -> EvalResult<Value> {
        self.call_ref(&f, arg, span)
    }

    /// [`Evaluator::call`] of a function the caller keeps: builtins that call the same
    /// function for every element (`filter`, `foldl'`, `sort`, ...) need not raise and
    /// drop its count each time.
    pub fn call_ref(&mut self, f: &Value, arg: Value, span: Option<Span>) -> EvalResult<Value> {
        match f {
            Value::Lambda(closure) => self.call_lambda(closure, arg, span),
            Value::PrimOp(op) => {
                if op.arity == 1 {
                    // The argument where it is: copied into an array, it was one 16-byte
                    // load of the caller's two 8-byte stores (a store-forwarding stall).
                    self.call_primop(op, std::slice::from_ref(&arg), span)
                } else {
                    Ok(Value::PrimOpApp(Rc::new(PrimOpApp { op, args: vec![arg] })))
                }
            }
            // The last argument of a builtin applied to one or two before: its arguments
            // in an array on the stack, without the vector a partial application needs.
            Value::PrimOpApp(app) if app.args.len() + 1 == app.op.arity && app.args.len() <= 2 => {
                // The new argument moved into the array by its words, as above.
                if let [x] = app.args.as_slice() {
                    let mut args = [x.clone(), Value::Null];
                    crate::value::put_by_words(&mut args[1], arg);
                    self.call_primop(app.op, &args, span)
                } else {
                    let mut args = [app.args[0].clone(), app.args[1].clone(), Value::Null];
                    crate::value::put_by_words(&mut args[2], arg);
                    self.call_primop(app.op, &args, span)
                }
            }
            Value::PrimOpApp(app) => {
                // Room for the new argument at once: a clone has exactly the old length,
                // and the push then reallocated (157,000 times on a minimal NixOS system).
                let mut args = Vec::with_capacity(app.args.len() + 1);
                args.extend(app.args.iter().cloned());
                args.push(arg);
                if args.len() == app.op.arity {
                    self.call_primop(app.op, &args, span)
                } else {
                    Ok(Value::PrimOpApp(Rc::new(PrimOpApp { op: app.op, args })))
                }
            }
            Value::Attrs(set) if set.get_early(self.sym.functor).is_some() => {
                // A set whose `__functor` leads back to a set (`f = { __functor = f; }`)
                // recurses here without a call to count: as in Nix 2.8, the stack ends it.
                self.check_native_stack(span)?;
                let functor = set.get_early(self.sym.functor).unwrap().clone();
                let functor = self.force(&functor)?;
                let partial = self.call(functor, f.clone(), span)?;
                self.call(partial, arg, span)
            }
            Value::Thunk(_) => {
                let f = self.force(f)?;
                self.call(f, arg, span)
            }
            other => Err(crate::show_value::not_a_function(other, span)),
        }
    }

    fn call_primop(
        &mut self,
        op: &'static crate::primops::PrimOpDef,
        args: &[Value],
        span: Option<Span>,
    ) -> EvalResult<Value> {
        stats::bump(Counter::PrimOpCalls, 1);
        if self.profiler.is_some() {
            return self.call_primop_profiled(op, args, span);
        }
        (op.func)(self, args, span)
    }

    /// `f a b c`: evaluate the head once, then apply the arguments. A builtin that gets
    /// all its arguments here is called directly, without partial-application values.
    /// The last call, when it is a lambda's, is left to [`Evaluator::eval`]'s loop
    /// ([`Applied::Body`]).
    #[inline(never)]
    fn eval_apply(&mut self, app: &'static ast::Apply, env: &Env) -> EvalResult<Applied> {
        // The applications from the outermost in, in an array: a `SmallVec`'s checks on
        // every push and index were 2% of `benches/programs/modules`' instructions.
        let mut spine: [&'static ast::Apply; SPINE] = [app; SPINE];
        let mut len = 1;
        let mut head = app;
        while let Expr::Apply(inner) = &head.func {
            if len == SPINE {
                return self.eval_apply_long(app, env);
            }
            head = inner;
            spine[len] = inner;
            len += 1;
        }
        self.apply_spine(&spine[..len], env)
    }

    /// [`Evaluator::eval_apply`] of more than [`SPINE`] arguments at once.
    #[inline(never)]
    fn eval_apply_long(&mut self, app: &'static ast::Apply, env: &Env) -> EvalResult<Applied> {
        let mut spine = vec![app];
        let mut head = app;
        while let Expr::Apply(inner) = &head.func {
            head = inner;
            spine.push(inner);
        }
        self.apply_spine(&spine, env)
    }

    /// Apply the head of `spine` (its last element's function) to the arguments.
    #[inline(always)]
    fn apply_spine(&mut self, spine: &[&'static ast::Apply], env: &Env) -> EvalResult<Applied> {
        let head = spine[spine.len() - 1];
        let mut f = self.eval_operand(&head.func, env)?;
        let mut i = spine.len();
        while i > 0 {
            if let Value::PrimOp(op) = &f {
                if op.arity == 2 && i >= 2 {
                    // The common case (`lessThan`, `sub`, `elem`, `map`, `filter`, ...)
                    // without a vector: moving results into one stalled on store
                    // forwarding.
                    let op = *op;
                    // Each argument is written into its slot where it is made: building
                    // `[x, y]` from locals copied `x` with one 16-byte load from its two
                    // 8-byte halves, a store-forwarding stall that was a quarter of this
                    // function's time on `benches/programs/foldl`.
                    // (`forget` of the `Null` replaced: no call to drop it.)
                    let mut args = [Value::Null, Value::Null];
                    if op.strict {
                        forget(replace(&mut args[0], self.eval_operand(&spine[i - 1].arg, env)?));
                        forget(replace(&mut args[1], self.eval_operand(&spine[i - 2].arg, env)?));
                    } else {
                        forget(replace(&mut args[0], self.thunk(&spine[i - 1].arg, env)));
                        forget(replace(&mut args[1], self.thunk(&spine[i - 2].arg, env)));
                    }
                    i -= 2;
                    let result = self.call_primop(op, &args, Some(spine[i].span));
                    let [x, y] = args;
                    release(x);
                    release(y);
                    // `f` is a builtin: nothing to drop.
                    forget(replace(&mut f, result?));
                    continue;
                }
                if op.arity == 3 && i >= 3 && !op.strict {
                    // `foldl'`, `substring`, `replaceStrings`: as above.
                    let op = *op;
                    let mut args = [Value::Null, Value::Null, Value::Null];
                    forget(replace(&mut args[0], self.thunk(&spine[i - 1].arg, env)));
                    forget(replace(&mut args[1], self.thunk(&spine[i - 2].arg, env)));
                    forget(replace(&mut args[2], self.thunk(&spine[i - 3].arg, env)));
                    i -= 3;
                    let result = self.call_primop(op, &args, Some(spine[i].span));
                    let [x, y, z] = args;
                    release(x);
                    release(y);
                    release(z);
                    forget(replace(&mut f, result?));
                    continue;
                }
                if op.arity > 1 && op.arity <= i {
                    let op = *op;
                    let mut args: smallvec::SmallVec<[Value; 4]> = smallvec::SmallVec::new();
                    for k in 0..op.arity {
                        let arg = &spine[i - 1 - k].arg;
                        args.push(if op.strict {
                            self.eval_operand(arg, env)?
                        } else {
                            self.thunk(arg, env)
                        });
                    }
                    i -= op.arity;
                    f = self.call_primop(op, &args, Some(spine[i].span))?;
                    continue;
                }
            }
            let step = spine[i - 1];
            if i >= 3 && self.profiler.is_none() {
                if let Some((inner, k)) = self.curried_chain(&f, i) {
                    let frame = self.enter_chain(&f, &spine[i - k..i], env);
                    if i == k {
                        return Ok(Applied::Body(&inner.body, frame, k));
                    }
                    f = self.eval_entered(&inner.body, &frame, k)?;
                    i -= k;
                    continue;
                }
            }
            if i >= 2 {
                if let Some(inner) = self.curried_body(&f) {
                    let a = self.thunk(&step.arg, env);
                    let b = self.thunk(&spine[i - 2].arg, env);
                    if i == 2 && self.profiler.is_none() {
                        let frame = self.enter_curried(&f, a, b);
                        return Ok(Applied::Body(&inner.body, frame, 2));
                    }
                    f = self.call_curried(&f, inner, a, b)?;
                    i -= 2;
                    continue;
                }
            }
            let arg = self.thunk(&step.arg, env);
            if i == 1 && self.profiler.is_none() {
                if let Value::Lambda(closure) = &f {
                    let frame = self.enter_lambda(closure, arg, Some(step.span))?;
                    return Ok(Applied::Body(&closure.lambda.body, frame, 1));
                }
            }
            // By its words: `thunk_rest` returned it in 8-byte stores (a stall).
            f = self.call(f, crate::words::moved(arg), Some(step.span))?;
            i -= 1;
        }
        Ok(Applied::Value(f))
    }

    /// `f a b`. When `f` is `x: y: body`, as most two-argument functions (`foldl'`
    /// operators, `sort` comparators, `mapAttrs` functions) are, both frames are made
    /// directly and the closure for `y: body` that `f a` would return is never built.
    pub fn call2(&mut self, f: Value, a: Value, b: Value, span: Option<Span>) -> EvalResult<Value> {
        self.call2_ref(&f, a, b, span)
    }

    /// [`Evaluator::call2`] of a function the caller keeps (see [`Evaluator::call_ref`]).
    pub fn call2_ref(&mut self, f: &Value, a: Value, b: Value, span: Option<Span>) -> EvalResult<Value> {
        if let Some(inner) = self.curried_body(f) {
            return self.call_curried(f, inner, a, b);
        }
        let partial = self.call_ref(f, a, span)?;
        self.call(partial, b, span)
    }

    /// For `f` = `x: y: body` (plain arguments, no patterns): the inner lambda `y: body`,
    /// unless two more calls would pass `--max-call-depth` (then the ordinary path
    /// reports it).
    #[inline]
    pub(crate) fn curried_body(&self, f: &Value) -> Option<&'static ast::Lambda> {
        let Value::Lambda(closure) = f else {
            return None;
        };
        if !is_plain(closure.lambda) || self.call_depth + 2 > self.max_call_depth {
            return None;
        }
        match &closure.lambda.body {
            Expr::Lambda(inner) if is_plain(inner) => Some(inner),
            _ => None,
        }
    }

    /// For `f` = `x1: x2: x3: ... body` (plain arguments) given at most `args` arguments:
    /// the innermost lambda of the first `k` (3 or more) and `k`, unless `k` more calls
    /// would pass `--max-call-depth`. `lib.compareLists cmp (tail a) (tail b)` and
    /// `splitByAndCompare p yes no` made a closure for each argument but the last two.
    #[inline]
    fn curried_chain(&self, f: &Value, args: usize) -> Option<(&'static ast::Lambda, usize)> {
        let Value::Lambda(closure) = f else {
            return None;
        };
        let mut lambda = closure.lambda;
        if !is_plain(lambda) {
            return None;
        }
        let mut k = 1;
        while k < args.min(MAX_CHAIN) {
            match &lambda.body {
                Expr::Lambda(inner) if is_plain(inner) => lambda = inner,
                _ => break,
            }
            k += 1;
        }
        (k >= 3 && self.call_depth + k <= self.max_call_depth).then_some((lambda, k))
    }

    /// The `k` calls of [`Evaluator::curried_chain`] up to the innermost body: counted,
    /// and one frame of one slot per argument (`steps`, the applications from the
    /// innermost out, give the arguments last to first); the caller lowers `call_depth`
    /// by `k` after the body.
    fn enter_chain(&mut self, f: &Value, steps: &[&'static ast::Apply], env: &Env) -> Env {
        let Value::Lambda(closure) = f else {
            unreachable!("curried_chain only accepts lambdas")
        };
        let k = steps.len();
        stats::bump(Counter::FunctionCalls, k as u64);
        self.call_depth += k;
        let mut frame = closure.env.clone();
        for step in steps.iter().rev() {
            let arg = self.thunk(&step.arg, env);
            frame = Env::with_slot(Some(frame), arg);
        }
        frame
    }

    /// Apply `f` = `x: inner` where `inner` = `y: body` to `a` and `b`: exactly what two
    /// calls do (two frames, two levels of call depth), minus the intermediate closure.
    fn call_curried(&mut self, f: &Value, inner: &'static ast::Lambda, a: Value, b: Value) -> EvalResult<Value> {
        let Value::Lambda(closure) = f else {
            unreachable!("curried_body only accepts lambdas")
        };
        if self.profiler.is_some() {
            stats::bump(Counter::FunctionCalls, 2);
            return self.call_curried_profiled(closure, inner, a, b);
        }
        let frame = self.enter_curried(f, a, b);
        self.eval_entered(&inner.body, &frame, 2)
    }

    /// The two calls of [`Evaluator::call_curried`] up to its body: counted, and the
    /// body's frame made; the caller lowers `call_depth` by 2 after the body.
    #[inline(always)]
    fn enter_curried(&mut self, f: &Value, a: Value, b: Value) -> Env {
        let Value::Lambda(closure) = f else {
            unreachable!("curried_body only accepts lambdas")
        };
        stats::bump(Counter::FunctionCalls, 2);
        self.call_depth += 2;
        let outer = Env::with_slot(Some(closure.env.clone()), a);
        Env::with_slot(Some(outer), b)
    }

    /// A call of `closure` up to its body: counted against `max-call-depth` and its frame
    /// made; the caller lowers `call_depth` by 1 after the body.
    #[inline]
    fn enter_lambda(&mut self, closure: &Closure, arg: Value, span: Option<Span>) -> EvalResult<Env> {
        self.count_call(span)?;
        let frame = self.lambda_frame(closure, closure.lambda, arg, span);
        if frame.is_err() {
            self.call_depth -= 1;
        }
        frame
    }

    fn call_lambda(&mut self, closure: &Closure, arg: Value, span: Option<Span>) -> EvalResult<Value> {
        let lambda = closure.lambda;
        self.count_call(span)?;
        if self.profiler.is_some() {
            return self.call_lambda_profiled(closure, arg, span);
        }
        self.call_lambda_inner(closure, lambda, arg, span, 1)
    }

    /// The call of `closure` after its caller counted `entered` calls, which are
    /// uncounted when it returns (by [`Evaluator::eval_entered`], so that the body's
    /// result is written where the caller reads it).
    #[inline(never)]
    pub(crate) fn call_lambda_inner(
        &mut self,
        closure: &Closure,
        lambda: &'static ast::Lambda,
        arg: Value,
        span: Option<Span>,
        entered: usize,
    ) -> EvalResult<Value> {
        let frame = match self.lambda_frame(closure, lambda, arg, span) {
            Ok(frame) => frame,
            Err(e) => {
                self.call_depth -= entered;
                return Err(e);
            }
        };
        self.eval_entered(&lambda.body, &frame, entered)
    }

    /// The frame a call of `closure` evaluates its body in: the argument, or the
    /// formals matched against it.
    #[inline]
    fn lambda_frame(
        &mut self,
        closure: &Closure,
        lambda: &'static ast::Lambda,
        arg: Value,
        span: Option<Span>,
    ) -> EvalResult<Env> {
        let Some(formals) = &lambda.formals else {
            return Ok(Env::with_slot(Some(closure.env.clone()), arg));
        };
        let forced = self.force(&arg)?;
        let Value::Attrs(args) = &forced else {
            return Err(crate::show_value::type_error("a set", &forced, span));
        };
        let frame = Env::new(Some(closure.env.clone()), lambda.frame_size as usize);
        let mut used = 0usize;
        for (i, formal) in formals.entries.iter().enumerate() {
            match args.get_attr_hinted(formal.name, &formal.hint) {
                Some(a) => {
                    used += 1;
                    frame.set(i, a.value.clone());
                }
                None => match &formal.default {
                    Some(d) => {
                        let v = self.thunk(d, &frame);
                        frame.set(i, v)
                    }
                    // Nix checks the formals in symbol order (first interned first).
                    None => {
                        let required = formals.entries.iter().filter(|f| f.default.is_none());
                        let missing = required.map(|f| f.name).filter(|&n| args.get(n).is_none()).min();
                        return Err(missing_argument(lambda, missing.unwrap_or(formal.name)));
                    }
                },
            }
        }
        if !formals.ellipsis && used < args.len() {
            // The first in the set's own (symbol) order, as Nix walks its bindings.
            for attr in args.entries().iter() {
                if !formals.entries.iter().any(|f| f.name == attr.name) {
                    return Err(unexpected_argument(lambda, formals, attr.name));
                }
            }
        }
        if lambda.arg.is_some() {
            frame.set(formals.entries.len(), arg);
        }
        Ok(frame)
    }

    /// One more call level, against `max-call-depth`; the caller lowers `call_depth` after
    /// the body.
    #[inline(always)]
    fn count_call(&mut self, span: Option<Span>) -> EvalResult<()> {
        self.call_depth += 1;
        if self.call_depth > self.max_call_depth {
            self.call_depth -= 1;
            return Err(self.call_depth_exceeded(span));
        }
        stats::bump(Counter::FunctionCalls, 1);
        Ok(())
    }

    /// `max-call-depth` passed. The CLI's default limit stands for the native stack
    /// (`Evaluator::call_limit_is_stack`), and calls in tail position do not use the
    /// stack, so runaway recursion gets Nix 2.8's stack overflow either way.
    #[cold]
    pub(crate) fn call_depth_exceeded(&self, span: Option<Span>) -> Box<EvalError> {
        if self.call_limit_is_stack {
            return stack_overflow(span);
        }
        EvalError::new(ErrorKind::Eval, "stack overflow; max-call-depth exceeded", span)
    }

    #[inline(never)]
    fn eval_interpolate(&mut self, i: &'static ast::Interpolate, env: &Env) -> EvalResult<Value> {
        // Coerce every part first, then copy them into one buffer of the exact size.
        let mut parts: smallvec::SmallVec<[Rc<NixString>; 8]> = smallvec::SmallVec::new();
        let mut context = ContextBuilder::default();
        let mut first_is_path = false;
        for (n, part) in i.parts.iter().enumerate() {
            let v = self.eval_operand(part, env)?;
            if n == 0 && !i.is_string {
                first_is_path = true;
            }
            if n == 0 && matches!(v, Value::Path(_)) && !i.is_string {
                first_is_path = true;
            }
            let at = Span {
                start: i.part_starts[n],
                end: i.part_starts[n],
                ..i.span
            };
            let s = self.coerce_to_string(&v, Some(at), false, !first_is_path)?;
            merge_context(&mut context, &s);
            parts.push(s);
        }
        let out = NixString::concat(parts.iter().map(|s| s.as_bytes()));
        if first_is_path {
            if !context.is_empty() {
                bail!(
                    Some(i.span),
                    "a string that refers to a store path cannot be appended to a path"
                );
            }
            // Paths are text here: non-UTF-8 parts are made lossy.
            return Ok(Value::path(rnix_eval_parser::paths::canon_path(
                &String::from_utf8_lossy(&out),
            )));
        }
        Ok(Value::String(Rc::new(NixString::new(out, context.finish()))))
    }

    /// `{ file, line, column }` for `__curPos` and `unsafeGetAttrPos`; `null` in text
    /// that is no file (`-E`, stdin), as modern Nix's `mkPos` gives (Nix 2.8 named the
    /// file after the text itself).
    pub fn pos_attrs(&mut self, span: Span) -> Value {
        let file = source::file(span.file);
        if !matches!(file.origin, source::Origin::Path(_)) {
            return Value::Null;
        }
        let (line, col) = file.line_col(span.start);
        let entries = vec![
            Attr {
                name: Symbol::intern("column"),
                value: Value::Int(col as i64),
                pos: None,
            },
            Attr {
                name: Symbol::intern("file"),
                value: Value::string(file.display_name()),
                pos: None,
            },
            Attr {
                name: Symbol::intern("line"),
                value: Value::Int(line as i64),
                pos: None,
            },
        ];
        Value::attrs(AttrSet::from_unsorted(entries))
    }

    /// Fail cleanly instead of overflowing the native stack. The span is read only on
    /// failure: loading it up front was a cache miss on every `eval` (7% of its samples).
    #[inline]
    fn check_stack(&self, expr: &Expr) -> EvalResult<()> {
        if self.below_stack_limit() {
            return Err(stack_overflow(expr.span()));
        }
        Ok(())
    }

    /// The same guard for the recursive Rust walks over values (`==`, `toJSON`, string
    /// coercion, `deepSeq`, the printers): a cyclic or very deep value would otherwise
    /// overflow the native stack without any `eval` in between to notice.
    #[inline]
    pub fn check_native_stack(&self, span: Option<Span>) -> EvalResult<()> {
        if self.below_stack_limit() {
            return Err(stack_overflow(span));
        }
        Ok(())
    }

    /// Whether the native stack has passed the evaluation budget.
    #[inline]
    pub fn below_stack_limit(&self) -> bool {
        let marker = 0u8;
        (&marker as *const u8 as usize) < self.stack_limit
    }

    #[inline(always)]
    pub fn expect_bool(&mut self, v: &Value, span: Option<Span>) -> EvalResult<bool> {
        if let Value::Bool(b) = v {
            return Ok(*b);
        }
        self.force_bool(v, span)
    }

    /// [`Evaluator::expect_bool`] of the value of `expr`, whose error points at `expr`
    /// (at `at` when it has no span of its own). The span is only computed on the slow
    /// path: `Expr::span` cost `&&`/`||`/`if`-heavy code 2% of its instructions.
    #[inline(always)]
    pub(crate) fn expect_bool_of(&mut self, v: &Value, expr: &Expr, at: Span) -> EvalResult<bool> {
        if let Value::Bool(b) = v {
            return Ok(*b);
        }
        self.force_bool(v, expr.span().or(Some(at)))
    }

    #[cold]
    fn force_bool(&mut self, v: &Value, span: Option<Span>) -> EvalResult<bool> {
        match self.force(v)? {
            Value::Bool(b) => Ok(b),
            other => Err(crate::show_value::type_error("a Boolean", &other, span)),
        }
    }
}

pub(crate) fn merge_context(into: &mut ContextBuilder, s: &NixString) {
    into.add(s.context.as_ref());
}

/// Nix's `lookupVar(noEval = true)`: find a `with` variable without forcing anything,
/// with the index of the `with` that had it. `None` if a namespace that would be
/// searched first is not evaluated yet. (Nix asks
/// whether a lookup has read the namespace, not whether it is evaluated: the two differ
/// only for `==` on functions, see `nix-tests/KNOWN-DIFFERENCES.md`, and asking Nix's
/// question made a thunk of each name in `with pkgs; [ a b c ]`: +5% instructions on
/// `benches/programs/with-lib`.)
fn lookup_with_evaluated(env: &Env, depths: &[ast::WithFrame], name: Symbol) -> Option<(Value, usize)> {
    for (level, (frame, with)) in env.frames_at(depths).enumerate() {
        if let Some(found) = lookup_in_evaluated_namespace(frame, name, &with.hint)? {
            return Some((found, level));
        }
    }
    None
}

/// What [`Evaluator::eval_apply`] leaves to [`Evaluator::eval`]: the application's value,
/// or the body of the lambda its last call entered, with that call's frame and the calls
/// entered (already counted in `call_depth`).
enum Applied {
    Value(Value),
    Body(&'static Expr, Env, usize),
}

const INFINITE_RECURSION: &str = "infinite recursion encountered";

/// `x: body`: a lambda whose frame is its one argument (no `{ ... }` pattern), the kind
/// [`Evaluator::curried_body`] and [`Evaluator::curried_chain`] enter directly.
#[inline(always)]
fn is_plain(l: &ast::Lambda) -> bool {
    l.formals.is_none() && l.arg.is_some()
}

/// The function `l` defined in `env`: it holds the frame above the `let`/`rec` frames it
/// never names ([`ast::Lambda::skip`]).
#[inline(always)]
fn closure(l: &'static ast::Lambda, env: &Env) -> Value {
    Value::Lambda(Rc::new(Closure {
        lambda: l,
        env: env.up(l.skip).clone(),
    }))
}

/// An infinite recursion found by forcing a thunk under evaluation gets the position of
/// the innermost expression that forced it (the variable or selection, else the thunk's
/// own expression), as Nix's `forceValue(v, pos)` reports it.
#[cold]
#[inline(never)]
pub(crate) fn at_forcing_site(mut e: Box<EvalError>, span: Option<Span>) -> Box<EvalError> {
    if e.span.is_none() && e.message == INFINITE_RECURSION {
        e.span = span;
    }
    e
}

/// `'name'` or `'anonymous lambda'`, as modern Nix's `callFunction` names a function.
fn describe_lambda(lambda: &ast::Lambda) -> String {
    match lambda.name {
        Some(name) => format!("'{name}'"),
        None => "'anonymous lambda'".into(),
    }
}

/// Modern Nix's message, at the function (`EvalState::callFunction`). Cold and out of
/// line, like every error of the recursive interpreter functions.
#[cold]
#[inline(never)]
fn missing_argument(lambda: &ast::Lambda, name: Symbol) -> Box<EvalError> {
    EvalError::new(
        ErrorKind::Eval,
        format!(
            "function {} called without required argument '{}'",
            describe_lambda(lambda),
            identifier(name.as_str())
        ),
        Some(lambda.span),
    )
}

/// As [`missing_argument`], with "Did you mean" suggestions among the formals.
#[cold]
#[inline(never)]
fn unexpected_argument(lambda: &ast::Lambda, formals: &ast::Formals, name: Symbol) -> Box<EvalError> {
    let names = formals.entries.iter().map(|f| f.name.as_str());
    let suggestions = crate::error::suggest(names, name.as_str());
    EvalError::new(
        ErrorKind::Eval,
        format!(
            "function {} called with unexpected argument '{}'",
            describe_lambda(lambda),
            identifier(name.as_str())
        ),
        Some(lambda.span),
    )
    .with_suggestions(suggestions)
}

#[cold]
#[inline(never)]
fn stack_overflow(span: Option<Span>) -> Box<EvalError> {
    EvalError::new(ErrorKind::Eval, "stack overflow (possible infinite recursion)", span)
}

/// An already-evaluated integer: a literal, or a local variable whose cell holds one.
#[inline]
fn known_int(e: &Expr, env: &Env) -> Option<i64> {
    match e {
        Expr::Int(i) => Some(*i),
        Expr::Var(ast::Var {
            kind: VarKind::Local { depth, slot },
            ..
        }) => match env.up(*depth).get(*slot)? {
            Value::Int(i) => Some(*i),
            Value::Thunk(t) => match t.peek() {
                Peek::Done(Value::Int(i)) => Some(*i),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

impl Evaluator {
    /// `x.a.b` when `x` and every attribute on the path are evaluated already: the value
    /// itself instead of a thunk to select it later (a NixOS evaluation passes
    /// `cfg.enable`, `config.foo.bar` and `types.str` as arguments by the million). Only
    /// then: the selection can neither fail nor recurse, so its laziness is not
    /// observable, and an unevaluated attribute keeps the thunk that reports infinite
    /// recursion where the attribute is defined. A thunk not made holds no frame: this
    /// is a memory step more than a time step.
    #[inline]
    fn known_select(&mut self, sel: &'static ast::Select, env: &Env) -> Option<Value> {
        if sel.builtin.is_some() {
            return None;
        }
        self.with_known_base(&sel.expr, env, |base| select_evaluated(base, sel))
    }

    /// `x ? a.b` when `x` and the attributes before the last name are evaluated: a
    /// boolean at once, as [`Evaluator::known_select`] (NixOS modules test `cfg ? foo`).
    #[inline]
    fn known_has_attr(&mut self, h: &'static ast::HasAttr, env: &Env) -> Option<Value> {
        self.with_known_base(&h.expr, env, |base| {
            let mut v = base.evaluated()?;
            let last = h.path.len() - 1;
            for (i, (name, hint)) in h.path.iter().zip(h.hints.iter()).enumerate() {
                let (ast::AttrName::Static(sym), Value::Attrs(set)) = (name, v) else {
                    // Not a set: `false`; a dynamic name: evaluated later.
                    return matches!(name, ast::AttrName::Static(_)).then_some(Value::Bool(false));
                };
                match set.get_attr_hinted(*sym, hint) {
                    None => return Some(Value::Bool(false)),
                    Some(_) if i == last => return Some(Value::Bool(true)),
                    Some(attr) => v = attr.value.evaluated()?,
                }
            }
            None
        })
    }

    /// Run `f` on the value of the variable `base` if it is known without evaluating
    /// anything (a local slot, or a `with` name in evaluated namespaces).
    #[inline]
    fn with_known_base(
        &mut self,
        base: &'static Expr,
        env: &Env,
        f: impl FnOnce(&Value) -> Option<Value>,
    ) -> Option<Value> {
        match base {
            Expr::Var(ast::Var {
                kind: VarKind::Local { depth, slot },
                ..
            }) => f(env.up(*depth).get(*slot)?),
            Expr::Var(
                var @ ast::Var {
                    kind: VarKind::With(depths),
                    ..
                },
            ) => f(&self.known_with_var(var, depths, env)?),
            _ => None,
        }
    }

    /// The `with` variable `var` if its namespaces are evaluated: the cache's answer
    /// (`with_cache.rs`), else a search that does not force (and is remembered).
    #[inline]
    fn known_with_var(&mut self, var: &'static ast::Var, depths: &[ast::WithFrame], env: &Env) -> Option<Value> {
        if let Some(v) = self.with_cache.get(var, env, depths) {
            return Some(v);
        }
        let (v, level) = lookup_with_evaluated(env, depths, var.name)?;
        self.with_cache.remember(var, env, depths, level, &v);
        Some(v)
    }

    /// A known value that stands where Nix has a thunk of its own: with
    /// [`Evaluator::thunks_as_nix`] an unevaluated `__known v` (a lazily printed value
    /// shows `<CODE>` where Nix's does); a function in a new evaluated cell, since
    /// functions are equal under `==` only as the same cell (`[ s.f ] == [ s.f ]` is false
    /// in Nix, each selection being a thunk); anything else as it is. None of them holds
    /// a frame, which is what the thunk would have done.
    #[inline]
    fn in_place_of_thunk(&self, v: Value) -> Value {
        if self.thunks_as_nix {
            Value::Thunk(Thunk::new(ThunkState::Apply(Box::new((Value::PrimOp(&KNOWN), v)))))
        } else if v.is_function() {
            Value::Thunk(Thunk::new(ThunkState::Done(v)))
        } else {
            v
        }
    }
}

/// The value at `sel`'s path (static names only) in `base`, if it and every step are
/// evaluated.
#[inline]
fn select_evaluated(base: &Value, sel: &ast::Select) -> Option<Value> {
    select_in_place(base, sel).cloned()
}

/// Arguments [`Evaluator::eval_apply`] collects in place; deeper applications use a vector.
const SPINE: usize = 6;

/// The most curried calls entered at once ([`Evaluator::curried_chain`]).
const MAX_CHAIN: usize = SPINE;

/// [`select_evaluated`] without the clone: the value where it is, for operators that only
/// read it (`a.name < b.name` in a `sort` comparator).
#[inline]
pub(crate) fn select_in_place<'a>(base: &'a Value, sel: &ast::Select) -> Option<&'a Value> {
    let mut v = base.evaluated()?;
    for (name, hint) in sel.path.iter().zip(sel.hints.iter()) {
        let (ast::AttrName::Static(sym), Value::Attrs(set)) = (name, v) else {
            return None;
        };
        v = set.get_attr_hinted(*sym, hint)?.value.evaluated()?;
    }
    Some(v)
}

/// `x.a.b` where `x` is an evaluated local (not `builtins.NAME`, read from the globals)
/// and every step is evaluated: the value where it is.
#[inline(always)]
pub(crate) fn select_local_in_place<'a>(sel: &ast::Select, env: &'a Env) -> Option<&'a Value> {
    if sel.builtin.is_some() {
        return None;
    }
    select_in_place(crate::ops::peek_local(&sel.expr, env)?, sel)
}

/// `known x`: `x`. The thunk a known value gets in `--eval` without `--strict`
/// ([`Evaluator::in_place_of_thunk`]).
static KNOWN: crate::primops::PrimOpDef = crate::primops::PrimOpDef {
    name: "__known",
    arity: 1,
    func: |ev, a, _| ev.force(&a[0]),
    global: false,
    strict: false,
};

/// A thunk for `expr` in `env`, made by [`Evaluator::thunk`] (which counted it avoided).
#[inline]
fn pending(expr: &'static Expr, env: &Env) -> Value {
    stats::bump(Counter::Avoided, u64::MAX); // wrapping: minus one
    Value::Thunk(Thunk::new(ThunkState::Pending(expr, env.clone())))
}

/// A subtree of a parse-cache entry that passed its checksum yet does not decode: a bug
/// or a changed file under a running evaluation, reported instead of a wrong value.
#[cold]
#[inline(never)]
fn corrupt_cache(l: &rnix_eval_parser::ast_codec::LazyExpr) -> Box<EvalError> {
    let name = source::file(l.file()).display_name();
    EvalError::new(
        ErrorKind::Eval,
        format!("the parse cache entry of '{name}' is corrupt; remove the parse cache (RNIX_EVAL_PARSE_CACHE=0 turns it off)"),
        None,
    )
}

/// `a - 1` and friends on integers that are already known, computed at once instead of
/// allocating a thunk. Only when the result cannot be an error, so laziness is not
/// observable: overflow (an error) still gets a thunk.
#[inline]
fn cheap_int_binop(b: &ast::BinOp, env: &Env) -> Option<Value> {
    if !matches!(b.op, BinOpKind::Add | BinOpKind::Sub | BinOpKind::Mul) {
        return None;
    }
    let x = known_int(&b.lhs, env)?;
    let y = known_int(&b.rhs, env)?;
    let r = match b.op {
        BinOpKind::Add => x.checked_add(y),
        BinOpKind::Sub => x.checked_sub(y),
        _ => x.checked_mul(y),
    }?;
    Some(Value::Int(r))
}

/// Look `name` up in the namespace of the `with` frame `env` without cloning the set:
/// `None` if the namespace is not an evaluated set yet, `Some(found)` otherwise.
#[inline]
fn lookup_in_evaluated_namespace(env: &Env, name: Symbol, hint: &ast::SlotHint) -> Option<Option<Value>> {
    let set = crate::with_cache::evaluated_namespace(env)?;
    Some(set.get_attr_hinted(name, hint).map(|a| a.value.clone()))
}
