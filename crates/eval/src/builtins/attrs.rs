//! Attribute-set builtins. `mapAttrs` keeps values lazy; names come out sorted by bytes.

use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::repeat::Repeated;
use crate::value::{Attr, AttrSet, ListBuilder, ListRef, SetBuilder, SetRef, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::show::identifier;
use rnix_eval_parser::{Span, Symbol};
use rustc_hash::FxHashSet;

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!("attrNames", 1, |ev, a, s| {
        let set = ev.expect_attrs(&a[0], s)?;
        Ok(Value::List(ListRef::collect(
            set.sorted_names().into_iter().map(|n| ev.symbol_string(n)),
        )))
    }),
    prim!("attrValues", 1, |ev, a, s| {
        let set = ev.expect_attrs(&a[0], s)?;
        Ok(Value::List(ListRef::collect(
            crate::attrset::sorted_by_name(&set.entries())
                .into_iter()
                .map(|e| e.value.clone()),
        )))
    }),
    prim!("getAttr", 2, |ev, a, s| {
        let name = ev.expect_known_attr_name(&a[0], s)?;
        let set = ev.expect_attrs(&a[1], s)?;
        match set.get(name) {
            Some(v) => ev.force(&v.clone()),
            None => bail!(s, "attribute '{}' missing", identifier(name.as_str())),
        }
    }),
    prim!("hasAttr", 2, |ev, a, s| {
        let name = ev.expect_known_attr_name(&a[0], s)?;
        let set = ev.expect_attrs(&a[1], s)?;
        Ok(Value::Bool(set.get(name).is_some()))
    }),
    prim!(global "removeAttrs", 2, remove_attrs),
    prim!("intersectAttrs", 2, |ev, a, s| {
        let x = ev.expect_attrs(&a[0], s)?;
        let y = ev.expect_attrs(&a[1], s)?;
        // Walk the smaller set and look its names up in the larger (as Nix does):
        // `callPackage` intersects a handful of formals with the whole package set.
        let set = if x.len() < y.len() {
            let (small, large) = (x.entries(), y);
            let found = small.iter().filter_map(|e| large.get_attr(e.name)).cloned();
            SetRef::collect(small.len(), found, true)
        } else {
            let (small, large) = (y.entries(), x);
            let found = small.iter().filter(|e| large.get(e.name).is_some()).cloned();
            SetRef::collect(small.len(), found, true)
        };
        Ok(Value::attrs_made(set))
    }),
    prim!("mapAttrs", 2, |ev, a, s| {
        let set = ev.expect_attrs(&a[1], s)?;
        let entries = set.entries();
        let mapped = entries.iter().map(|e| Attr {
            name: e.name,
            value: Value::apply2_thunk(a[0].clone(), ev.symbol_string(e.name), e.value.clone()),
            // Nix's `attrs.alloc(name)`: the mapped attribute has no position.
            pos: None,
        });
        Ok(Value::attrs_made(SetRef::collect(entries.len(), mapped, true)))
    }),
    prim!("catAttrs", 2, |ev, a, s| {
        let name = ev.expect_known_attr_name(&a[0], s)?;
        let l = ev.expect_list(&a[1], s)?;
        let mut out = ListBuilder::with_capacity(0);
        for item in l.iter() {
            if let Some(v) = ev.expect_attrs(item, s)?.get(name) {
                out.push(v.clone());
            }
        }
        Ok(Value::List(out.finish()))
    }),
    prim!("listToAttrs", 1, list_to_attrs),
    prim!("zipAttrsWith", 2, zip_attrs_with),
    prim!("groupBy", 2, group_by),
];

fn remove_attrs(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let set = ev.expect_attrs(&a[0], s)?;
    let names = ev.expect_list(&a[1], s)?;
    let mut remove = smallvec::SmallVec::<[rnix_eval_parser::Symbol; 8]>::new();
    for n in names.iter() {
        remove.push(ev.expect_known_attr_name(n, s)?);
    }
    // A few names (`removeAttrs args [ "name" "meta" ]`, most calls) are compared in the
    // small vector: building a hash set for them cost more than the lookups.
    let many: Option<FxHashSet<_>> = (remove.len() > 8).then(|| remove.iter().copied().collect());
    let removed = |name: &rnix_eval_parser::Symbol| match &many {
        Some(set) => set.contains(name),
        None => remove.contains(name),
    };
    let entries = set.entries();
    let kept = entries.iter().filter(|e| !removed(&e.name)).cloned();
    Ok(Value::attrs_made(SetRef::collect(entries.len(), kept, true)))
}

/// As modern Nix: every element's `name` first, in list order; then, in name order, the
/// `value` of the first element of each name alone (a later duplicate needs none).
fn list_to_attrs(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let l = ev.expect_list(&a[0], s)?;
    let mut named = Vec::with_capacity(l.len());
    for (i, item) in l.iter().enumerate() {
        let pair = ev.expect_attrs(item, s)?;
        let Some(name) = pair.get_early(ev.sym.name).cloned() else {
            bail!(s, "attribute 'name' missing");
        };
        named.push((ev.expect_attr_name(&name, s)?, i));
    }
    // Stable: the first element of a name comes first among its duplicates.
    named.sort_by_key(|&(name, _)| name);
    named.dedup_by_key(|&mut (name, _)| name);
    let mut entries = SetBuilder::with_capacity(named.len());
    for (name, i) in named {
        let pair = ev.expect_attrs(&l[i], s)?;
        let Some(value) = pair.get_attr_early(ev.sym.value) else {
            bail!(s, "attribute 'value' missing");
        };
        entries.push(Attr {
            name,
            value: value.value.clone(),
            pos: value.pos,
        });
    }
    Ok(Value::attrs_made(entries.finish(true)))
}

/// Lists of at most this many sets are zipped by merging them ([`zip_merged`]); longer
/// ones by hashing the names ([`Groups`]), since the merge looks at every set's next name
/// for each name.
const MERGED_SETS: usize = 8;

fn zip_attrs_with(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    ev.expect_function(&a[0], s)?;
    let list = ev.expect_list(&a[1], s)?;
    if list.len() <= MERGED_SETS {
        let mut sets: smallvec::SmallVec<[SetRef; MERGED_SETS]> = smallvec::SmallVec::new();
        for set in list.iter() {
            sets.push(ev.expect_attrs(set, s)?);
        }
        return Ok(zip_merged(ev, &a[0], &sets));
    }
    let mut grouped = Groups::default();
    for set in list.iter() {
        let set = ev.expect_attrs(set, s)?;
        for e in set.entries().iter() {
            grouped.push(e.name, e.value.clone());
        }
    }
    let entries = grouped
        .sorted()
        .map(|(name, values)| Attr {
            name,
            value: Value::apply2_thunk(a[0].clone(), ev.symbol_string(name), Value::list(values)),
            pos: None,
        })
        .collect();
    Ok(Value::attrs(AttrSet::from_sorted(entries)))
}

/// `zipAttrsWith f sets` of a few sets, by merging their entries, which sets keep in name
/// order: each name's values are the sets' next entries of that name, so its list is made
/// at its size at once. The module system zips a few small sets on every merge of
/// definitions; hashing every name into growing vectors took 1.5x Nix's time there.
fn zip_merged(ev: &mut Evaluator, f: &Value, sets: &[SetRef]) -> Value {
    let entries: smallvec::SmallVec<[std::borrow::Cow<[Attr]>; MERGED_SETS]> =
        sets.iter().map(|set| set.entries()).collect();
    // The names counted first, so that the set is made at its size: a block made larger
    // is copied into one of the right size when it is sealed.
    let mut next = [0usize; MERGED_SETS];
    let mut names = 0;
    while let Some((name, _)) = least_next(&entries, &next) {
        advance_past(&entries, &mut next, name, |_| {});
        names += 1;
    }
    let mut next = [0usize; MERGED_SETS];
    let mut out = SetBuilder::with_capacity(names);
    while let Some((name, count)) = least_next(&entries, &next) {
        let mut values = ListBuilder::with_capacity(count);
        advance_past(&entries, &mut next, name, |v| values.push(v.clone()));
        let value = Value::apply2_thunk(f.clone(), ev.symbol_string(name), Value::List(values.finish()));
        out.push(Attr { name, value, pos: None });
    }
    Value::attrs_made(out.finish(true))
}

/// The least of the sets' next names (`next[i]` is set `i`'s next entry), and how many
/// sets have it next.
fn least_next(entries: &[std::borrow::Cow<[Attr]>], next: &[usize; MERGED_SETS]) -> Option<(Symbol, usize)> {
    let mut least: Option<(Symbol, usize)> = None;
    for (e, &i) in entries.iter().zip(next.iter()) {
        let Some(attr) = e.get(i) else { continue };
        least = match least {
            Some((name, count)) if attr.name == name => Some((name, count + 1)),
            Some((name, count)) if attr.name > name => Some((name, count)),
            _ => Some((attr.name, 1)),
        };
    }
    least
}

/// Step past `name` in each set that has it next, passing its value to `take`, in the
/// sets' order.
fn advance_past(
    entries: &[std::borrow::Cow<[Attr]>],
    next: &mut [usize; MERGED_SETS],
    name: Symbol,
    mut take: impl FnMut(&Value),
) {
    for (e, i) in entries.iter().zip(next.iter_mut()) {
        if let Some(attr) = e.get(*i).filter(|attr| attr.name == name) {
            take(&attr.value);
            *i += 1;
        }
    }
}

fn group_by(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let f = ev.expect_function(&a[0], s)?;
    let l = ev.expect_list(&a[1], s)?;
    let mut grouped = Groups::default();
    let mut calls = Repeated::default();
    for x in l.iter() {
        let key = ev.call_again(&mut calls, &f, x.clone(), s)?;
        let key = ev.expect_attr_name(&key, s)?;
        grouped.push(key, x.clone());
    }
    let entries = grouped
        .sorted()
        .map(|(name, v)| Attr {
            name,
            value: Value::list(v),
            pos: None,
        })
        .collect();
    Ok(Value::attrs(AttrSet::from_sorted(entries)))
}

/// Values grouped by name in first-seen order, found by hashing (a sorted vector's
/// inserts made `zipAttrsWith` and `groupBy` quadratic in the number of names).
#[derive(Default)]
struct Groups {
    index: rustc_hash::FxHashMap<Symbol, usize>,
    groups: Vec<(Symbol, Vec<Value>)>,
}

impl Groups {
    fn push(&mut self, name: Symbol, value: Value) {
        match self.index.get(&name) {
            Some(&i) => self.groups[i].1.push(value),
            None => {
                self.index.insert(name, self.groups.len());
                self.groups.push((name, vec![value]));
            }
        }
    }

    /// The groups in symbol order, as sets store their entries.
    fn sorted(mut self) -> impl Iterator<Item = (Symbol, Vec<Value>)> {
        self.groups.sort_unstable_by_key(|g| g.0);
        self.groups.into_iter()
    }
}
