//! Attribute sets: attributes sorted by symbol, and layers for `big // small`.
//!
//! A set is a sorted array of [`Attr`]s (24 bytes each, as Nix's) after a three-word
//! header, in one counted block ([`SetRef`], `set_ref.rs`). `//` of a large set
//! and a few names does not copy the large one: the result is a *layer*, the few
//! attributes over a shared reference to the set below ([`AttrSet::update_rc`]). nixpkgs
//! does this everywhere the package set is touched (`super // f self super` for each
//! overlay, `self // { recurseForDerivations = false; }`, `splicedPackages // { ... }`):
//! copied, those sets were 55 MB of the 109 MB of set entries a minimal NixOS system
//! keeps and 300 MB of the 475 MB of a two-machine NixOS VM test, none of it ever freed
//! (every stage of a package set stays reachable from the next).
//!
//! A lookup searches the layers top down: a set is at most [`MAX_DEPTH`] layers deep, and
//! lookups in large sets are rare (12,700 in the minimal system: `callPackage`'s
//! `intersectAttrs`, `pkgs.x`). Walking a layered set in order (`attrNames`, `mapAttrs`,
//! printing, `derivationStrict`) merges its layers into a copy for that walk.
//!
//! Invariants: `own` is sorted by symbol without duplicates; a name in a layer hides the
//! same name below it; a layered set's `Lower::len` counts each name once; an `AttrSet`
//! exists only in a `SetRef`'s block (it is unsized: its entries follow its header).

use crate::set_ref::SetRef;
use crate::value::Value;
use rnix_eval_parser::ast::SlotHint;
use rnix_eval_parser::Symbol;
use std::borrow::Cow;

#[derive(Clone)]
pub struct Attr {
    pub name: Symbol,
    pub value: Value,
    /// Where the attribute was defined (for `unsafeGetAttrPos`), if known.
    pub pos: Option<rnix_eval_parser::Pos>,
}

// Sets are arrays of these: 24 bytes, as Nix's `Attr` (a 12-byte span made them 32, and
// sets are the largest structure of a NixOS evaluation: ARCHITECTURE.md).
const _: () = assert!(std::mem::size_of::<Attr>() == 24);

impl Attr {
    /// Where the attribute was defined, as a span (empty, at the start).
    pub fn span(&self) -> Option<rnix_eval_parser::Span> {
        self.pos.map(rnix_eval_parser::Pos::span)
    }
}

/// A left operand of `//` with fewer names is copied: a layer costs a box and lookups.
const LAYER_MIN: usize = 16;
/// The right operand of a layered `//` has at most 1/8 of the left one's names.
const LAYER_RATIO: usize = 8;
/// Layers a set may have; the next `//` merges the layers above the bottom set into one.
const MAX_DEPTH: u8 = 8;

/// An attribute set: entries sorted by symbol, no duplicates. It lives in the block of
/// a [`SetRef`] (`set_ref.rs`), its entries after its header; a set being made is a
/// [`NewSet`].
#[repr(C)]
pub struct AttrSet {
    /// How many entries follow (`own.len()`, kept for the thin `SetRef`).
    pub(crate) len: usize,
    pub(crate) lower: Option<Box<Lower>>,
    /// Every attribute of a flat set; the top layer's of a layered one.
    pub(crate) own: [Attr],
}

/// A set not yet in its block: what the constructors and `//` make, for [`SetRef::new`]
/// (through `Value::attrs`).
#[derive(Default)]
pub struct NewSet {
    pub(crate) own: Vec<Attr>,
    pub(crate) lower: Option<Box<Lower>>,
}

impl NewSet {
    /// Names in the whole set, each counted once.
    pub fn len(&self) -> usize {
        names_in(self.own.len(), self.lower.as_deref())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The names in a set of `own` entries over `lower`, each counted once.
#[inline(always)]
fn names_in(own: usize, lower: Option<&Lower>) -> usize {
    match lower {
        None => own,
        Some(l) => l.len,
    }
}

/// What is under a layer.
pub(crate) struct Lower {
    pub(crate) base: SetRef,
    /// Names in the whole set, each counted once.
    pub(crate) len: usize,
    /// Layers down to the flat set (1: `base` is flat).
    depth: u8,
}

impl AttrSet {
    /// A flat set of `entries`, which must be sorted by symbol without duplicates.
    pub fn from_sorted(entries: Vec<Attr>) -> NewSet {
        debug_assert!(entries.windows(2).all(|w| w[0].name < w[1].name));
        NewSet {
            own: entries,
            lower: None,
        }
    }

    /// Build from unsorted entries; for duplicate names the first one wins.
    pub fn from_unsorted(mut entries: Vec<Attr>) -> NewSet {
        entries.sort_by_key(|a| a.name);
        entries.dedup_by_key(|a| a.name);
        AttrSet::from_sorted(entries)
    }

    /// Every attribute, sorted by symbol, when the set is not layered: a walk that needs
    /// no copy (`==` of small sets, where `entries`' `Cow` and its drop were a quarter of
    /// the time).
    #[inline]
    pub fn flat_entries(&self) -> Option<&[Attr]> {
        match &self.lower {
            None => Some(&self.own),
            Some(_) => None,
        }
    }

    /// Every attribute, sorted by symbol: a layered set merges its layers into a copy
    /// for the caller (kept, it would be a second copy of the set for as long as the set
    /// lives: most walks of a layered set are the one `derivationStrict` makes).
    #[inline]
    pub fn entries(&self) -> Cow<'_, [Attr]> {
        match &self.lower {
            None => Cow::Borrowed(&self.own),
            Some(l) => Cow::Owned(flatten(&self.own, l)),
        }
    }

    /// Every attribute of a flat set, or the top layer's of a layered one.
    #[inline(always)]
    pub(crate) fn own(&self) -> &[Attr] {
        &self.own
    }

    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.get_attr(name).map(|a| &a.value)
    }

    /// [`AttrSet::get`] for the names the evaluator itself asks every set for (`type`,
    /// `outPath`, `__functor`, `__toString`, `name`, `value`). They are interned before
    /// any program's name (`NIX_EARLY_SYMBOLS`), so they sort first: a scan from the
    /// front ends at the first entry or two, where the binary search took its full depth
    /// of dependent loads (a quarter of `==`'s time on sets of records was asking each
    /// for `type`). Right for any name, only quick for these.
    #[inline]
    pub fn get_early(&self, name: Symbol) -> Option<&Value> {
        self.get_attr_early(name).map(|a| &a.value)
    }

    /// [`AttrSet::get_early`], the attribute with its position.
    #[inline]
    pub fn get_attr_early(&self, name: Symbol) -> Option<&Attr> {
        if self.lower.is_some() {
            return self.get_attr(name);
        }
        for a in self.own.iter() {
            if a.name >= name {
                return (a.name == name).then_some(a);
            }
        }
        None
    }

    #[inline]
    pub fn get_attr(&self, name: Symbol) -> Option<&Attr> {
        let mut set = self;
        loop {
            if let Ok(i) = set.own.binary_search_by_key(&name, |a| a.name) {
                return Some(&set.own[i]);
            }
            match &set.lower {
                None => return None,
                Some(l) => set = &l.base,
            }
        }
    }

    /// [`AttrSet::get_attr`], answered from the index in `hint` when it holds the name, or
    /// proves it absent (the names on both sides of the index are below and above it:
    /// entries are sorted); otherwise searched, and the index found, or where the name
    /// would be, is left in `hint` (see `ast::SlotHint`). A `with` namespace that misses a
    /// name is asked again and again (`with pkgs; with lib;`: a name of `pkgs` misses
    /// `lib` every time), so misses are worth answering in one step too. In a layered set
    /// the hint serves the bottom layer, after the layers above it were searched.
    #[inline(always)]
    pub fn get_attr_hinted(&self, name: Symbol, hint: &SlotHint) -> Option<&Attr> {
        if self.lower.is_some() {
            return self.get_layered_hinted(name, hint);
        }
        let e = &self.own;
        let h = hint.get();
        let below = |i: usize| i == 0 || e[i - 1].name < name;
        match e.get(h) {
            Some(a) if a.name == name => return Some(a),
            Some(a) if name < a.name && below(h) => return None,
            None if h == e.len() && below(h) => return None,
            _ => {}
        }
        match e.binary_search_by_key(&name, |a| a.name) {
            Ok(i) => {
                hint.set(i);
                Some(&e[i])
            }
            Err(i) => {
                hint.set(i);
                None
            }
        }
    }

    #[inline(never)]
    fn get_layered_hinted(&self, name: Symbol, hint: &SlotHint) -> Option<&Attr> {
        let mut set = self;
        while let Some(l) = &set.lower {
            if let Ok(i) = set.own.binary_search_by_key(&name, |a| a.name) {
                return Some(&set.own[i]);
            }
            set = &l.base;
        }
        set.get_attr_hinted(name, hint)
    }

    pub fn len(&self) -> usize {
        names_in(self.own.len(), self.lower.as_deref())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Attributes stored in this set itself (a layered set's top layer).
    pub fn own_len(&self) -> usize {
        self.own.len()
    }

    /// Layers in this set (0: flat).
    pub fn depth(&self) -> u8 {
        self.lower.as_ref().map_or(0, |l| l.depth)
    }

    /// `a // b`: a layer of `b` over `a` when `a` is large and `b` has few names, or of
    /// `a`'s names that `b` lacks over `b` when it is the other way round (`{ defaults }
    /// // args`); else a merged copy (see the module documentation). The result is a new
    /// set even when it has `b`'s attributes only (an empty layer): Nix makes one, and
    /// its printer tells sets apart by identity (`«repeated»`).
    pub fn update_rc(a: &SetRef, b: &SetRef) -> SetRef {
        let (a_len, b_len) = (a.len(), b.len());
        if a_len >= LAYER_MIN && b_len * LAYER_RATIO <= a_len {
            return AttrSet::layer_over(b.entries().to_vec(), a);
        }
        if b_len >= LAYER_MIN && a_len * LAYER_RATIO <= b_len {
            let missing: Vec<Attr> = a
                .entries()
                .iter()
                .filter(|x| b.get_attr(x.name).is_none())
                .cloned()
                .collect();
            return AttrSet::layer_over(missing, b);
        }
        a.update(b)
    }

    /// The set of `top` over `base`, names of `top` winning; past [`MAX_DEPTH`] the layers
    /// above the bottom set and `top` become one layer over it (or one flat set, when
    /// that layer would not be small beside it).
    fn layer_over(top: Vec<Attr>, base: &SetRef) -> SetRef {
        let Some(lower) = base.lower.as_ref().filter(|l| l.depth >= MAX_DEPTH) else {
            return AttrSet::layer(top, base.clone(), base.depth() + 1);
        };
        let (tops, bottom) = layers(&base.own, lower);
        let top = merge_layers(&tops, top);
        if top.len() * LAYER_RATIO > bottom.len() {
            return SetRef::collect(bottom.own.len() + top.len(), Merged::new(&bottom.own, &top), true);
        }
        AttrSet::layer(top, bottom.clone(), 1)
    }

    fn layer(top: Vec<Attr>, base: SetRef, depth: u8) -> SetRef {
        let added = top.iter().filter(|t| base.get_attr(t.name).is_none()).count();
        SetRef::new(NewSet {
            lower: Some(Box::new(Lower {
                len: base.len() + added,
                base,
                depth,
            })),
            own: top,
        })
    }

    /// `self // other`, merged into a new flat set (in its block directly): entries of
    /// `other` win.
    pub fn update(&self, other: &AttrSet) -> SetRef {
        let (a, b) = (self.entries(), other.entries());
        SetRef::collect(a.len() + b.len(), Merged::new(&a, &b), true)
    }

    /// Names in storage (symbol) order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        let names: Vec<&'static str> = self.entries().iter().map(|a| a.name.as_str()).collect();
        names.into_iter()
    }

    /// Names in Nix's order: sorted by their bytes.
    pub fn sorted_names(&self) -> Vec<Symbol> {
        by_name(self.entries().iter().map(|a| a.name), |&n| n)
    }

    /// Every counted reference this set holds, for the cycle collector: the values of its
    /// own attributes go to `value`; the set under it is returned.
    pub(crate) fn visit_values(&self, value: impl FnMut(&Value)) -> Option<&SetRef> {
        self.own.iter().map(|a| &a.value).for_each(value);
        self.lower.as_ref().map(|l| &l.base)
    }
}

/// `entries` (of [`AttrSet::entries`]) in Nix's order: sorted by name bytes.
pub fn sorted_by_name(entries: &[Attr]) -> Vec<&Attr> {
    by_name(entries.iter(), |a| a.name)
}

/// `items` sorted by the bytes of their (distinct) names. Each name's text is read from
/// the symbol table once, not at every comparison, and names are compared by their first
/// eight bytes as one integer before `memcmp`: `attrNames` of a 50-name set spent 45% of
/// its time in those lookups and `memcmp` calls. Sets whose names were interned in
/// alphabetical order (most small literal sets) are already sorted and only checked.
fn by_name<T>(items: impl ExactSizeIterator<Item = T>, name: impl Fn(&T) -> Symbol) -> Vec<T> {
    let mut keyed: Vec<(NameKey, T)> = Vec::with_capacity(items.len());
    keyed.extend(items.map(|item| (NameKey::of(name(&item)), item)));
    if !keyed.is_sorted_by(|a, b| a.0 <= b.0) {
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
    keyed.into_iter().map(|(_, item)| item).collect()
}

/// A name ordered as its bytes: the first eight, big-endian and zero-padded, decide unless
/// they are equal (a shorter name then sorts first, as a prefix does, or the rest decides).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct NameKey {
    prefix: u64,
    bytes: &'static [u8],
}

impl NameKey {
    fn of(name: Symbol) -> NameKey {
        let bytes = name.as_bytes();
        let mut head = [0u8; 8];
        let n = bytes.len().min(8);
        head[..n].copy_from_slice(&bytes[..n]);
        NameKey {
            prefix: u64::from_be_bytes(head),
            bytes,
        }
    }
}

/// The layers of the set `own` over `lower`, top first, and the flat set under them.
fn layers<'a>(own: &'a [Attr], lower: &'a Lower) -> (Vec<&'a [Attr]>, &'a SetRef) {
    let mut tops = vec![own];
    let mut base = &lower.base;
    while let Some(l) = &base.lower {
        tops.push(&base.own);
        base = &l.base;
    }
    (tops, base)
}

/// The layers `tops` (top first) with `above` over all of them, merged into one: higher
/// layers win.
fn merge_layers(tops: &[&[Attr]], above: Vec<Attr>) -> Vec<Attr> {
    tops.iter().fold(above, |above, layer| merge(layer, &above))
}

/// The attributes of a layer `own` over `lower`, merged.
fn flatten(own: &[Attr], lower: &Lower) -> Vec<Attr> {
    let (tops, bottom) = layers(own, lower);
    merge(&bottom.own, &merge_layers(&tops, Vec::new()))
}

/// `a // b` of two sorted attribute slices: entries of `b` win.
fn merge(a: &[Attr], b: &[Attr]) -> Vec<Attr> {
    Merged::new(a, b).collect()
}

/// The entries of `a // b`, in order, for a vector or a set's block to take.
enum Merged<'a> {
    /// Both sides compared name by name.
    Both { a: &'a [Attr], b: &'a [Attr] },
    /// One side has few names (`pkgs // { x = ..; }`, overlays; `{ x = ..; } // args`,
    /// defaults before arguments): each of the `few` is searched for in `many`, and the
    /// runs of `many` between them are taken without comparing their names. On a shared
    /// name the `few` entry wins if `few_wins` (it is the right operand), else `many`'s.
    Few {
        many: &'a [Attr],
        few: &'a [Attr],
        few_wins: bool,
        /// How many entries of `many` are left before `few[0]`, once searched.
        run_end: Option<usize>,
    },
}

impl<'a> Merged<'a> {
    fn new(a: &'a [Attr], b: &'a [Attr]) -> Merged<'a> {
        if b.len() * 16 < a.len() {
            Merged::Few {
                many: a,
                few: b,
                few_wins: true,
                run_end: None,
            }
        } else if a.len() * 16 < b.len() {
            Merged::Few {
                many: b,
                few: a,
                few_wins: false,
                run_end: None,
            }
        } else {
            Merged::Both { a, b }
        }
    }
}

impl Iterator for Merged<'_> {
    type Item = Attr;

    #[inline(always)]
    fn next(&mut self) -> Option<Attr> {
        match self {
            Merged::Both { a, b } => {
                let next = match (a.first(), b.first()) {
                    (Some(x), Some(y)) if x.name < y.name => {
                        *a = &a[1..];
                        x
                    }
                    (Some(x), Some(y)) => {
                        if x.name == y.name {
                            *a = &a[1..];
                        }
                        *b = &b[1..];
                        y
                    }
                    (Some(x), None) => {
                        *a = &a[1..];
                        x
                    }
                    (None, Some(y)) => {
                        *b = &b[1..];
                        y
                    }
                    (None, None) => return None,
                };
                Some(next.clone())
            }
            Merged::Few {
                many,
                few,
                few_wins,
                run_end,
            } => loop {
                let Some(attr) = few.first() else {
                    let (next, rest) = many.split_first()?;
                    *many = rest;
                    return Some(next.clone());
                };
                let end = *run_end.get_or_insert_with(|| many.partition_point(|x| x.name < attr.name));
                if end > 0 {
                    let next = &many[0];
                    *many = &many[1..];
                    *run_end = Some(end - 1);
                    return Some(next.clone());
                }
                *few = &few[1..];
                *run_end = None;
                let shared = many.first().is_some_and(|x| x.name == attr.name);
                if shared && *few_wins {
                    *many = &many[1..];
                }
                if *few_wins || !shared {
                    return Some(attr.clone());
                }
            },
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (x, y) = match self {
            Merged::Both { a, b } => (a.len(), b.len()),
            Merged::Few { many, few, .. } => (many.len(), few.len()),
        };
        (x.max(y), Some(x + y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nix's order of names is their bytes' order, whatever the order they were interned
    /// in; names sharing their first eight bytes, prefixes and non-ASCII bytes included.
    #[test]
    fn names_sort_by_their_bytes() {
        let names = [
            "zeta",
            "abcdefghi",
            "abcdefgh",
            "abcdefgg",
            "abcdefgh2",
            "a",
            "",
            "B",
            "b",
            "é",
            "e",
            "aaaaaaaaaz",
            "aaaaaaaaa",
            "aaaaaaaab",
            "Z",
            "_type",
            "a-b",
            "a.b",
            "~",
            "\u{7f}",
        ];
        let symbols: Vec<Symbol> = names.iter().map(|n| Symbol::intern(n)).collect();
        let mut want: Vec<&str> = names.to_vec();
        want.sort_by(|x, y| x.as_bytes().cmp(y.as_bytes()));
        let got: Vec<&str> = by_name(symbols.iter().copied(), |&s| s)
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(got, want);
        // Already in order: returned as it is.
        let sorted: Vec<Symbol> = want.iter().map(|n| Symbol::intern(n)).collect();
        assert_eq!(by_name(sorted.iter().copied(), |&s| s), sorted);
    }

    fn attr(name: &str, v: i64) -> Attr {
        Attr {
            name: Symbol::intern(name),
            value: Value::Int(v),
            pos: None,
        }
    }

    fn set(names: impl IntoIterator<Item = u32>, v: i64) -> SetRef {
        SetRef::new(AttrSet::from_unsorted(
            names.into_iter().map(|n| attr(&format!("u{n}"), v)).collect(),
        ))
    }

    /// `set` as a new block of its own (an unshared copy).
    fn copy(set: &AttrSet) -> SetRef {
        SetRef::new(AttrSet::from_sorted(set.entries().to_vec()))
    }

    fn show(s: &AttrSet) -> Vec<(Symbol, i64)> {
        s.entries()
            .iter()
            .map(|a| match a.value {
                Value::Int(i) => (a.name, i),
                _ => unreachable!(),
            })
            .collect()
    }

    /// The model: a map where later updates win.
    fn model(sets: &[&AttrSet]) -> Vec<(Symbol, i64)> {
        let mut m = std::collections::BTreeMap::new();
        for s in sets {
            for (n, v) in show(s) {
                m.insert(n, v);
            }
        }
        let mut out: Vec<_> = m.into_iter().collect();
        out.sort_by_key(|(n, _)| *n);
        out
    }

    /// `get_early` answers as `get` for every name, early-interned or not, in flat and
    /// layered sets.
    #[test]
    fn early_lookups_agree_with_binary_search() {
        let early = ["outPath", "type", "name", "value", "__functor", "__toString"];
        let flat = SetRef::new(AttrSet::from_unsorted(
            ["type", "value", "late1", "late2"].iter().map(|n| attr(n, 1)).collect(),
        ));
        let layered = flat.update(&set([1, 2], 2)).update(&set([3], 3));
        let asked = early.iter().chain(&["late1", "late2", "u1", "u3", "absent"]);
        for s in [&flat, &layered, &set(0..0, 0)] {
            for name in asked.clone() {
                let name = Symbol::intern(name);
                let (want, got) = (s.get(name), s.get_early(name));
                assert_eq!(want.is_some(), got.is_some(), "{}", name.as_str());
                assert!(want.zip(got).is_none_or(|(w, g)| std::ptr::eq(w, g)));
            }
        }
    }

    /// `a // b` takes `b`'s value for a shared name and keeps the names sorted, whether
    /// it merges both (similar sizes) or looks the smaller side's few names up in the other.
    #[test]
    fn updates_of_small_and_large_sets_agree() {
        let big = set(0..100, 1);
        for few in [vec![], vec![0], vec![99], vec![50, 200], vec![300, 5, 7]] {
            let small = set(few.clone(), 2);
            let fast = big.update(&small);
            let mut slow = copy(&big);
            assert!(slow.update_in_place(&small));
            assert_eq!(show(&fast), show(&slow), "{few:?}");
            assert_eq!(show(&fast), model(&[&big, &small]));
            // The few on the left: the large set's values win.
            let fast = small.update(&big);
            let mut slow = copy(&small);
            assert!(slow.update_in_place(&big));
            assert_eq!(show(&fast), show(&slow), "{few:?} // big");
            assert_eq!(show(&fast), model(&[&small, &big]));
            // A shared set is not changed in place.
            let shared = small.clone();
            let mut other = small.clone();
            assert!(!other.update_in_place(&big));
            assert_eq!(show(&shared), show(&other));
        }
    }

    /// A chain of updates, layered and collapsed past `MAX_DEPTH`, answers every lookup,
    /// length and walk as the same updates copied.
    #[test]
    fn layered_updates_agree_with_copies() {
        let base = set(0..1000, 0);
        let mut layered = copy(&base);
        let mut applied: Vec<SetRef> = vec![base];
        let mut depths = vec![];
        for step in 0..40u32 {
            // New names, overrides of the base and of earlier layers.
            let names = [2000 + step, step * 7 % 1000, 2000 + step / 2, 5000 + step * 3];
            let layer = set(names, i64::from(step) + 1);
            let next = AttrSet::update_rc(&layered, &layer);
            depths.push(next.depth());
            applied.push(layer);
            layered = next;
            let refs: Vec<&AttrSet> = applied.iter().map(|s| &**s).collect();
            let want = model(&refs);
            assert_eq!(layered.len(), want.len(), "len after {step}");
            for (name, v) in &want {
                assert!(matches!(layered.get(*name), Some(Value::Int(x)) if x == v), "{name:?}");
                let hint = SlotHint::default();
                let got = layered.get_attr_hinted(*name, &hint).map(|a| a.name);
                assert_eq!(got, Some(*name));
            }
            assert!(layered.get(Symbol::intern("absent")).is_none());
            if step % 9 == 0 {
                assert_eq!(show(&layered), want, "walk after {step}");
            }
        }
        assert!(depths.contains(&MAX_DEPTH), "{depths:?}");
        assert!(depths.iter().all(|&d| d <= MAX_DEPTH), "{depths:?}");
        // In place into the top layer, as an unshared accumulator takes a few names.
        let mut owned = layered;
        let extra = set([1, 9000, 2003], 99);
        assert!(owned.update_in_place(&extra));
        assert!(owned.depth() > 0);
        let refs: Vec<&AttrSet> = applied.iter().chain([&extra]).map(|s| &**s).collect();
        assert_eq!(show(&owned), model(&refs));
        assert_eq!(owned.len(), model(&refs).len());
    }

    /// Small left operands and large right ones are copied, not layered.
    #[test]
    fn only_large_sets_take_layers() {
        let update = |a: &SetRef, b: &SetRef| AttrSet::update_rc(a, b);
        let small = set(0..(LAYER_MIN as u32 - 1), 0);
        assert_eq!(update(&small, &set([1], 1)).depth(), 0);
        let big = set(0..1000, 0);
        assert_eq!(update(&big, &set(0..500, 1)).depth(), 0);
        assert_eq!(update(&big, &set(0..100, 1)).depth(), 1);
        // Few names on the left: those the right lacks go over it.
        let under = update(&set([5, 2000], 1), &big);
        assert_eq!(under.depth(), 1);
        assert_eq!(show(&under), model(&[&set([5, 2000], 1), &big]));
        // All of them there: still a set of its own (an empty layer), not `b`.
        let all_there = update(&set([5, 7], 1), &big);
        assert_eq!((all_there.depth(), all_there.own_len()), (1, 0));
        assert_eq!(show(&all_there), show(&big));
    }

    #[test]
    fn hinted_lookups_check_the_name_at_the_hint() {
        let set = SetRef::new(AttrSet::from_unsorted(vec![attr("a", 0), attr("b", 1), attr("c", 2)]));
        let hint = SlotHint::default();
        let value = |a: Option<&Attr>| match a.map(|a| &a.value) {
            Some(Value::Int(i)) => Some(*i),
            _ => None,
        };
        // Wrong, then stale, then out-of-range hints all fall back to the search.
        assert_eq!(value(set.get_attr_hinted(Symbol::intern("c"), &hint)), Some(2));
        assert_eq!(value(set.get_attr_hinted(Symbol::intern("a"), &hint)), Some(0));
        hint.set(99);
        assert_eq!(value(set.get_attr_hinted(Symbol::intern("b"), &hint)), Some(1));
        assert_eq!(value(set.get_attr_hinted(Symbol::intern("zz"), &hint)), None);
        let small = SetRef::default();
        assert_eq!(value(small.get_attr_hinted(Symbol::intern("b"), &hint)), None);
        // A miss leaves where the name would be; the next lookup of a present name at a
        // hint that proves another name absent still finds it.
        let names: Vec<Symbol> = set.entries().iter().map(|a| a.name).collect();
        for probe in ["a", "b", "c", "zz", "a0", ""] {
            let sym = Symbol::intern(probe);
            for start in 0..=names.len() + 1 {
                hint.set(start);
                let want = names.iter().position(|&n| n == sym).map(|i| i as i64);
                assert_eq!(value(set.get_attr_hinted(sym, &hint)), want, "{probe} from {start}");
                assert_eq!(value(set.get_attr_hinted(sym, &hint)), want, "{probe} again");
            }
        }
    }
}
