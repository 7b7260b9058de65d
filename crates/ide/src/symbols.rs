//! The outline of a file: `let` bindings and set attributes, nested as written.

use crate::Analysis;
use rnix::{SyntaxKind, SyntaxNode};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A `let` binding.
    Variable,
    /// An attribute of a set.
    Field,
}

#[derive(Clone, Debug)]
pub struct DocSymbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The whole entry, and the name in it.
    pub range: (u32, u32),
    pub name_range: (u32, u32),
    pub children: Vec<DocSymbol>,
}

impl Analysis {
    pub fn symbols(&self) -> Vec<DocSymbol> {
        let mut out = Vec::new();
        collect(&self.root, &mut out);
        out
    }
}

fn range(n: &SyntaxNode) -> (u32, u32) {
    (n.text_range().start().into(), n.text_range().end().into())
}

fn collect(node: &SyntaxNode, out: &mut Vec<DocSymbol>) {
    for child in node.children() {
        let kind = if node.kind() == SyntaxKind::NODE_LET_IN {
            SymbolKind::Variable
        } else {
            SymbolKind::Field
        };
        match child.kind() {
            SyntaxKind::NODE_ATTRPATH_VALUE => {
                let Some(path) = child.children().find(|c| c.kind() == SyntaxKind::NODE_ATTRPATH) else {
                    continue;
                };
                let mut children = Vec::new();
                for c in child.children().filter(|c| c.kind() != SyntaxKind::NODE_ATTRPATH) {
                    collect_expr(&c, &mut children);
                }
                out.push(DocSymbol {
                    name: path.text().to_string(),
                    kind,
                    range: range(&child),
                    name_range: range(&path),
                    children,
                });
            }
            SyntaxKind::NODE_INHERIT => {
                for attr in child.children().filter(|c| c.kind() != SyntaxKind::NODE_INHERIT_FROM) {
                    out.push(DocSymbol {
                        name: attr.text().to_string(),
                        kind,
                        range: range(&child),
                        name_range: range(&attr),
                        children: Vec::new(),
                    });
                }
            }
            _ => collect_expr(&child, out),
        }
    }
}

/// Symbols below an expression: the entries of the sets and `let`s in it.
fn collect_expr(node: &SyntaxNode, out: &mut Vec<DocSymbol>) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || collect(node, out))
}
