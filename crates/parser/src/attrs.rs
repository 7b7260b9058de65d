//! Sets under construction during lowering.
//!
//! Attribute paths (`a.b.c = 1; a.d = 2;`) and literal sets given twice for one name are
//! merged before anything is lowered, because whether a definition ends up in a `rec`
//! frame depends on the merge.

use crate::source::Span;
use crate::symbol::Symbol;
use indexmap::IndexMap;
use rnix::ast as rast;

pub(crate) struct Collected {
    pub rec: bool,
    /// Static names in definition order (the order of frame slots).
    pub statics: IndexMap<Symbol, Entry>,
    /// Dynamic names stay syntax until the set is lowered: in a `rec` set they are
    /// evaluated inside its frame.
    pub dynamics: Vec<(rast::Attr, Pending, Span)>,
    /// Source expressions of `inherit (e)`, one per `inherit (e)` clause.
    pub inherit_sources: Vec<rast::Expr>,
}

pub(crate) struct Entry {
    pub value: Pending,
    pub span: Span,
}

pub(crate) enum Pending {
    Syntax(rast::Expr),
    /// A value bound to a static name (lambdas take the name for messages).
    Named(Symbol, rast::Expr),
    Nested(Box<Collected>),
    Inherit {
        name: Symbol,
    },
    InheritFrom {
        source: usize,
        name: Symbol,
    },
}

impl Collected {
    pub fn new(rec: bool) -> Self {
        Collected {
            rec,
            statics: IndexMap::new(),
            dynamics: Vec::new(),
            inherit_sources: Vec::new(),
        }
    }
}
