//! Name resolution over the lossless tree, with Nix's scoping rules: `let` and `rec`
//! bindings see each other, a lambda's formals see each other (defaults included),
//! `inherit x;` reads `x` from *outside* the set or `let` it is in, lexical bindings and
//! the globals win over every `with`, and a name no scope binds is undefined unless some
//! `with` encloses it (then only evaluation can tell).

use rnix::{SyntaxKind, SyntaxNode};
use rowan::TextRange;
use std::collections::{HashMap, HashSet};

/// What kind of construct binds a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingKind {
    Let,
    Rec,
    /// `x: ...`
    Lambda,
    /// `{ x, ... }: ...`: renaming it would change the function's callers.
    Formal,
    /// `{ ... }@x: ...`
    PatternBind,
}

/// An `inherit` entry a name appears in (renames rewrite `inherit x;` as `x = y;`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InheritSite {
    /// The whole `inherit ...;` entry.
    pub entry: TextRange,
    /// The text of `(e)` in `inherit (e) x;`.
    pub from: Option<String>,
}

/// One occurrence of a name where it is bound.
#[derive(Clone, Debug)]
pub struct Site {
    pub range: TextRange,
    pub inherit: Option<InheritSite>,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub name: String,
    pub kind: BindingKind,
    /// Every place that binds it (`a.b = 1; a.c = 2;` binds `a` twice), first one first.
    pub defs: Vec<Site>,
}

/// What a variable refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved {
    Binding(usize),
    Global,
    /// Not bound lexically but under a `with`: the `with`'s set may have it.
    With,
    Undefined,
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub range: TextRange,
    pub name: String,
    pub resolved: Resolved,
    /// Set when the reference is the `x` of a plain `inherit x;`.
    pub inherit: Option<InheritSite>,
}

/// A region of the text and the bindings visible in it (for completion).
#[derive(Clone, Debug)]
pub struct ScopeRange {
    pub range: TextRange,
    pub bindings: Vec<usize>,
    pub with: bool,
}

/// The resolution of one file.
#[derive(Clone, Debug, Default)]
pub struct Scopes {
    pub bindings: Vec<Binding>,
    pub references: Vec<Reference>,
    pub ranges: Vec<ScopeRange>,
}

impl Scopes {
    /// The binding whose definition or reference covers `offset`.
    pub fn binding_at(&self, offset: u32) -> Option<usize> {
        let hit = |r: &TextRange| r.start() <= offset.into() && offset <= u32::from(r.end());
        for (i, b) in self.bindings.iter().enumerate() {
            if b.defs.iter().any(|s| hit(&s.range)) {
                return Some(i);
            }
        }
        self.references
            .iter()
            .find(|r| hit(&r.range))
            .and_then(|r| match r.resolved {
                Resolved::Binding(i) => Some(i),
                _ => None,
            })
    }

    /// The reference at `offset`, if any.
    pub fn reference_at(&self, offset: u32) -> Option<&Reference> {
        self.references
            .iter()
            .find(|r| r.range.start() <= offset.into() && offset <= u32::from(r.range.end()))
    }

    /// The bindings visible at `offset`, innermost first, and whether a `with` encloses it.
    pub fn visible_at(&self, offset: u32) -> (Vec<usize>, bool) {
        let mut inside: Vec<&ScopeRange> = self
            .ranges
            .iter()
            .filter(|s| s.range.start() <= offset.into() && offset <= u32::from(s.range.end()))
            .collect();
        inside.sort_by_key(|s| std::cmp::Reverse(s.range.start()));
        let with = inside.iter().any(|s| s.with);
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for s in inside {
            for &b in &s.bindings {
                if seen.insert(self.bindings[b].name.clone()) {
                    out.push(b);
                }
            }
        }
        (out, with)
    }
}

/// Resolve every variable of the tree below `root`. `globals` are the names bound
/// outside any file (`builtins`, `import`, `true`, ...).
pub fn resolve(root: &SyntaxNode, globals: &HashSet<String>) -> Scopes {
    let mut r = Resolver {
        out: Scopes::default(),
        frames: Vec::new(),
        globals,
    };
    r.walk(root);
    r.out
}

struct Frame {
    names: HashMap<String, usize>,
    with: bool,
}

struct Resolver<'a> {
    out: Scopes,
    frames: Vec<Frame>,
    globals: &'a HashSet<String>,
}

/// The name an attribute spells statically (`a`, `"a"`, `${"a"}`: Nix makes a constant
/// string in `${ }` a static name), if it does.
fn static_name(attr: &SyntaxNode) -> Option<String> {
    match attr.kind() {
        SyntaxKind::NODE_IDENT => Some(attr.text().to_string()),
        SyntaxKind::NODE_STRING => plain_string(attr),
        SyntaxKind::NODE_DYNAMIC => constant_string(&attr.children().next()?),
        _ => None,
    }
}

/// A `${ }`'s expression that is a string without interpolation (in parentheses or not).
fn constant_string(e: &SyntaxNode) -> Option<String> {
    match e.kind() {
        SyntaxKind::NODE_PAREN => constant_string(&e.children().next()?),
        SyntaxKind::NODE_STRING => plain_string(e),
        _ => None,
    }
}

/// The value of a string literal without interpolation when it is plain text: a `"..."`
/// without escapes, or a one-line `''...''` (its indentation is stripped).
fn plain_string(s: &SyntaxNode) -> Option<String> {
    if s.children().next().is_some() {
        return None;
    }
    let t = s.text().to_string();
    if let Some(inner) = t.strip_prefix("''").and_then(|r| r.strip_suffix("''")) {
        let plain = !inner.contains(['\n', '\'', '$', '\\']);
        return plain.then(|| inner.trim_start_matches(' ').to_string());
    }
    let inner = t.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['\\', '$'])).then(|| inner.to_string())
}

/// Whether an attribute could be a constant string Nix makes static, in a form
/// [`static_name`] does not read (escapes, a multi-line indented string): the set's
/// names are then not all known.
fn maybe_static(attr: &SyntaxNode) -> bool {
    match attr.kind() {
        SyntaxKind::NODE_STRING => attr.children().next().is_none(),
        SyntaxKind::NODE_DYNAMIC => attr
            .children()
            .next()
            .is_some_and(|e| matches!(e.kind(), SyntaxKind::NODE_STRING | SyntaxKind::NODE_PAREN)),
        _ => false,
    }
}

fn is_entry(n: &SyntaxNode) -> bool {
    matches!(n.kind(), SyntaxKind::NODE_ATTRPATH_VALUE | SyntaxKind::NODE_INHERIT)
}

impl Resolver<'_> {
    /// Deeply nested text (which rnix parses on `stacker` segments too) must not
    /// overflow the server's stack.
    fn walk(&mut self, node: &SyntaxNode) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.walk_node(node))
    }

    fn walk_node(&mut self, node: &SyntaxNode) {
        match node.kind() {
            SyntaxKind::NODE_IDENT => self.reference(node, None, self.frames.len()),
            SyntaxKind::NODE_LET_IN | SyntaxKind::NODE_LEGACY_LET => self.recursive_set(node, BindingKind::Let),
            SyntaxKind::NODE_ATTR_SET => {
                let rec = node.children_with_tokens().any(|c| c.kind() == SyntaxKind::TOKEN_REC);
                if rec {
                    self.recursive_set(node, BindingKind::Rec)
                } else {
                    for child in node.children() {
                        if is_entry(&child) {
                            self.entry(&child, self.frames.len());
                        } else {
                            self.walk(&child);
                        }
                    }
                }
            }
            SyntaxKind::NODE_LAMBDA => self.lambda(node),
            SyntaxKind::NODE_WITH => {
                let mut children = node.children();
                if let Some(ns) = children.next() {
                    self.walk(&ns);
                }
                self.frames.push(Frame {
                    names: HashMap::new(),
                    with: true,
                });
                self.out.ranges.push(ScopeRange {
                    range: node.text_range(),
                    bindings: Vec::new(),
                    with: true,
                });
                for c in children {
                    self.walk(&c);
                }
                self.frames.pop();
            }
            SyntaxKind::NODE_SELECT | SyntaxKind::NODE_HAS_ATTR => {
                for c in node.children() {
                    if c.kind() == SyntaxKind::NODE_ATTRPATH {
                        self.attrpath(&c);
                    } else {
                        self.walk(&c);
                    }
                }
            }
            SyntaxKind::NODE_ATTRPATH => self.attrpath(node),
            _ => {
                for c in node.children() {
                    self.walk(&c);
                }
            }
        }
    }

    /// Only the dynamic parts of an attribute path (`${e}`, interpolated strings) hold
    /// variables; its plain names are attribute names.
    fn attrpath(&mut self, node: &SyntaxNode) {
        for attr in node.children() {
            if attr.kind() != SyntaxKind::NODE_IDENT {
                for c in attr.children() {
                    self.walk(&c);
                }
            }
        }
    }

    /// One entry of a set or `let`; plain `inherit`s resolve in the first `outer` frames.
    fn entry(&mut self, entry: &SyntaxNode, outer: usize) {
        if entry.kind() == SyntaxKind::NODE_INHERIT {
            let from = entry.children().find(|c| c.kind() == SyntaxKind::NODE_INHERIT_FROM);
            if let Some(from) = &from {
                self.walk(from);
                return;
            }
            for attr in entry.children() {
                if attr.kind() == SyntaxKind::NODE_IDENT {
                    let site = InheritSite {
                        entry: entry.text_range(),
                        from: None,
                    };
                    self.reference(&attr, Some(site), outer);
                } else {
                    for c in attr.children() {
                        self.walk(&c);
                    }
                }
            }
            return;
        }
        for c in entry.children() {
            if c.kind() == SyntaxKind::NODE_ATTRPATH {
                self.attrpath(&c);
            } else {
                self.walk(&c);
            }
        }
    }

    /// `let` and `rec { }`: every entry's first name is bound in the whole node.
    fn recursive_set(&mut self, node: &SyntaxNode, kind: BindingKind) {
        let mut names: HashMap<String, usize> = HashMap::new();
        // A name this analysis cannot read may be one Nix binds: then, as under a `with`,
        // no variable of the node is reported undefined.
        let mut open = false;
        for entry in node.children().filter(is_entry) {
            let sites: Vec<(SyntaxNode, Option<InheritSite>)> = if entry.kind() == SyntaxKind::NODE_INHERIT {
                let from = entry
                    .children()
                    .find(|c| c.kind() == SyntaxKind::NODE_INHERIT_FROM)
                    .and_then(|f| f.children().next())
                    .map(|e| e.text().to_string());
                let site = InheritSite {
                    entry: entry.text_range(),
                    from,
                };
                entry
                    .children()
                    .filter(|c| c.kind() != SyntaxKind::NODE_INHERIT_FROM)
                    .map(|a| (a, Some(site.clone())))
                    .collect()
            } else {
                entry
                    .children()
                    .find(|c| c.kind() == SyntaxKind::NODE_ATTRPATH)
                    .and_then(|p| p.children().next())
                    .map(|a| (a, None))
                    .into_iter()
                    .collect()
            };
            for (attr, inherit) in sites {
                let Some(name) = static_name(&attr) else {
                    open |= maybe_static(&attr);
                    continue;
                };
                let site = Site {
                    range: attr.text_range(),
                    inherit,
                };
                match names.get(&name) {
                    Some(&b) => self.out.bindings[b].defs.push(site),
                    None => {
                        names.insert(name.clone(), self.out.bindings.len());
                        self.out.bindings.push(Binding {
                            name,
                            kind,
                            defs: vec![site],
                        });
                    }
                }
            }
        }
        let outer = self.frames.len();
        self.out.ranges.push(ScopeRange {
            range: node.text_range(),
            bindings: names.values().copied().collect(),
            with: open,
        });
        self.frames.push(Frame { names, with: open });
        for c in node.children() {
            if is_entry(&c) {
                self.entry(&c, outer);
            } else {
                self.walk(&c);
            }
        }
        self.frames.pop();
    }

    fn bind(&mut self, names: &mut HashMap<String, usize>, ident: &SyntaxNode, kind: BindingKind) {
        let name = ident.text().to_string();
        let id = self.out.bindings.len();
        self.out.bindings.push(Binding {
            name: name.clone(),
            kind,
            defs: vec![Site {
                range: ident.text_range(),
                inherit: None,
            }],
        });
        names.insert(name, id);
    }

    fn lambda(&mut self, node: &SyntaxNode) {
        let mut names = HashMap::new();
        let mut defaults = Vec::new();
        let mut body = Vec::new();
        for c in node.children() {
            match c.kind() {
                SyntaxKind::NODE_IDENT_PARAM => {
                    if let Some(i) = c.children().find(|i| i.kind() == SyntaxKind::NODE_IDENT) {
                        self.bind(&mut names, &i, BindingKind::Lambda);
                    }
                }
                SyntaxKind::NODE_PATTERN => {
                    for p in c.children() {
                        let kind = match p.kind() {
                            SyntaxKind::NODE_PAT_ENTRY => BindingKind::Formal,
                            SyntaxKind::NODE_PAT_BIND => BindingKind::PatternBind,
                            _ => continue,
                        };
                        let mut parts = p.children();
                        if let Some(i) = parts.next().filter(|i| i.kind() == SyntaxKind::NODE_IDENT) {
                            self.bind(&mut names, &i, kind);
                        }
                        defaults.extend(parts);
                    }
                }
                _ => body.push(c),
            }
        }
        self.out.ranges.push(ScopeRange {
            range: node.text_range(),
            bindings: names.values().copied().collect(),
            with: false,
        });
        self.frames.push(Frame { names, with: false });
        for c in defaults.iter().chain(&body) {
            self.walk(c);
        }
        self.frames.pop();
    }

    /// A variable read, resolved in the first `depth` frames.
    fn reference(&mut self, ident: &SyntaxNode, inherit: Option<InheritSite>, depth: usize) {
        let name = ident.text().to_string();
        let frames = &self.frames[..depth];
        let resolved = if let Some(b) = frames.iter().rev().find_map(|f| f.names.get(&name)) {
            Resolved::Binding(*b)
        } else if self.globals.contains(&name) {
            Resolved::Global
        } else if frames.iter().any(|f| f.with) {
            Resolved::With
        } else {
            Resolved::Undefined
        };
        self.out.references.push(Reference {
            range: ident.text_range(),
            name,
            resolved,
            inherit,
        });
    }
}
