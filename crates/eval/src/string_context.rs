//! A string's context: the store paths it refers to, shared between the strings that
//! carry it.
//!
//! An element is encoded as Nix encodes it: a plain store path (a source), `=DRV` (a
//! derivation with its whole closure) or `!OUTPUT!DRV` (one output of a derivation). A
//! [`Context`] is never empty (a string without context has `None`), and its elements are
//! sorted by their text and distinct, as Nix's `PathSet`.
//!
//! Why shared: every `"${pkg}/bin/foo"` of a NixOS evaluation carries its package's
//! context, and most strings with context carry exactly one element. As a
//! `Box<BTreeSet<String>>` that one element cost a B-tree leaf (about 280 bytes) plus a
//! copy of the path, copied again by every `substring`, interpolation and `toString`.
//! Now a string that takes another's context takes a handle to it; a merged context
//! copies handles to the elements, never their text.

use crate::rc::{Rc, Retire};

/// One context element, shared by every context that holds it.
pub type ContextElem = std::rc::Rc<str>;

/// A non-empty, sorted, duplicate-free set of context elements. One word, so
/// `Option<Context>` in every [`NixString`](crate::value::NixString) is one word too.
#[derive(Clone)]
pub struct Context(Rc<Elems>);

struct Elems(Box<[ContextElem]>);

impl Retire for Elems {}

impl Context {
    /// A context of one element.
    pub fn single(elem: impl Into<ContextElem>) -> Context {
        Context(Rc::new(Elems(Box::new([elem.into()]))))
    }

    /// The context of these elements, in any order and with repeats; `None` if there are
    /// none.
    pub fn from_elems(mut elems: Vec<ContextElem>) -> Option<Context> {
        if elems.is_empty() {
            return None;
        }
        elems.sort_unstable();
        elems.dedup();
        Some(Context(Rc::new(Elems(elems.into_boxed_slice()))))
    }

    /// The elements, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.elems().iter().map(|e| &**e)
    }

    pub fn len(&self) -> usize {
        self.elems().len()
    }

    /// Never true: a context has at least one element.
    pub fn is_empty(&self) -> bool {
        false
    }

    fn elems(&self) -> &[ContextElem] {
        &self.0 .0
    }
}

impl PartialEq for Context {
    fn eq(&self, other: &Context) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || self.elems() == other.elems()
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The union of the contexts of the parts of a string being built (interpolation,
/// `+`, `concatStringsSep`, `toJSON`, a derivation's attributes).
///
/// The first context is kept as it is and the elements of the others are only collected;
/// [`finish`](Self::finish) sorts once. So a string built from parts that carry the same
/// context (or none) shares that context, and `n` parts with distinct contexts cost
/// `O(n log n)`, not `n` merges. A context added again right after itself (one
/// replacement's, many times over) is collected once.
#[derive(Default)]
pub struct ContextBuilder {
    first: Option<Context>,
    more: Vec<ContextElem>,
    last: Option<Context>,
}

impl ContextBuilder {
    /// A builder that starts from `context`.
    pub fn from(context: Option<&Context>) -> ContextBuilder {
        ContextBuilder {
            first: context.cloned(),
            more: Vec::new(),
            last: None,
        }
    }

    /// Add the elements of `context`, if any.
    pub fn add(&mut self, context: Option<&Context>) {
        let Some(context) = context else { return };
        match &self.first {
            None => self.first = Some(context.clone()),
            Some(first) if Rc::ptr_eq(&first.0, &context.0) => {}
            Some(_) if self.last.as_ref().is_some_and(|l| Rc::ptr_eq(&l.0, &context.0)) => {}
            Some(_) => {
                self.more.extend(context.elems().iter().cloned());
                self.last = Some(context.clone());
            }
        }
    }

    /// Add one element.
    pub fn insert(&mut self, elem: impl Into<ContextElem>) {
        self.more.push(elem.into());
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_none() && self.more.is_empty()
    }

    /// The union; the first context itself when the others added nothing new to it.
    pub fn finish(self) -> Option<Context> {
        let ContextBuilder { first, mut more, .. } = self;
        let Some(first) = first else {
            return Context::from_elems(more);
        };
        if more.is_empty() {
            return Some(first);
        }
        let first_len = first.len();
        more.extend(first.elems().iter().cloned());
        more.sort_unstable();
        more.dedup();
        if more.len() == first_len {
            // Everything added was in `first` already.
            return Some(first);
        }
        Some(Context(Rc::new(Elems(more.into_boxed_slice()))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(elems: &[&str]) -> Context {
        Context::from_elems(elems.iter().map(|e| ContextElem::from(*e)).collect()).unwrap()
    }

    fn texts(c: &Option<Context>) -> Vec<String> {
        c.iter().flat_map(|c| c.iter()).map(str::to_string).collect()
    }

    #[test]
    fn elements_are_sorted_and_distinct() {
        let c = ctx(&["/s/b", "=/s/a.drv", "/s/b", "!out!/s/a.drv"]);
        assert_eq!(c.iter().collect::<Vec<_>>(), ["!out!/s/a.drv", "/s/b", "=/s/a.drv"]);
        assert!(Context::from_elems(Vec::new()).is_none());
    }

    #[test]
    fn parts_with_one_context_share_it() {
        let a = ctx(&["/s/a"]);
        let mut b = ContextBuilder::default();
        b.add(None);
        b.add(Some(&a));
        b.add(Some(&a.clone()));
        b.add(Some(&ctx(&["/s/a"])));
        let out = b.finish().unwrap();
        assert!(Rc::ptr_eq(&out.0, &a.0), "a context added to itself is not copied");
    }

    #[test]
    fn distinct_contexts_are_united() {
        let mut b = ContextBuilder::from(Some(&ctx(&["/s/c", "/s/a"])));
        b.add(Some(&ctx(&["/s/b", "/s/a"])));
        b.insert("/s/d");
        assert_eq!(texts(&b.finish()), ["/s/a", "/s/b", "/s/c", "/s/d"]);
        let mut empty = ContextBuilder::default();
        assert!(empty.is_empty());
        empty.insert("/s/x");
        assert_eq!(texts(&empty.finish()), ["/s/x"]);
        assert!(ContextBuilder::default().finish().is_none());
    }

    #[test]
    fn equal_contexts_compare_equal() {
        assert_eq!(ctx(&["/s/a", "/s/b"]), ctx(&["/s/b", "/s/a"]));
        assert_ne!(ctx(&["/s/a"]), ctx(&["/s/a", "/s/b"]));
    }
}
