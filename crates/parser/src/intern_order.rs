//! Names are interned in the order the file spells them, before lowering.
//!
//! A set's attributes are evaluated (`--strict`, `deepSeq`, `==` of sets, which of two
//! `throw`s is reported, the order of `trace` output) in the order of their symbols, and a
//! symbol's number is the order of its first interning, as in modern Nix, whose parser
//! interns names as it reads them. The lowerer meets names in another order (a set's
//! static names before its values), and the parse cache decodes its symbol table in the
//! order the encoder met them: a cold and a warm run disagreed (`{ a = x.zz2 or 0; zz1 =
//! 1; t = { zz2 = throw ...; zz1 = throw ...; }; }`). Interning here first, and writing
//! this order as the cache's table, gives both runs the source order.

use crate::symbol::Symbol;
use rnix::SyntaxKind as K;
use rustc_hash::FxHashSet;

/// Intern every name `root` spells (identifiers, plain quoted attribute names, and the
/// names operators read: `-` reads `__sub`, `<p>` reads `__findFile` and `__nixPath`) in
/// the order of their first occurrence; returns them in that order. Walks the green tree
/// with a stack of its own: rowan's cursor API allocates a node handle per node, which
/// made a cold NixOS evaluation 5% slower.
pub fn intern_in_source_order(root: &rnix::SyntaxNode) -> Vec<Symbol> {
    // Texts already met: a name is interned once, at its first occurrence (one hash of
    // the text per occurrence instead of the interner's borrow, hash and a second set).
    let mut seen: FxHashSet<String> = FxHashSet::default();
    let mut order = Vec::new();
    let mut add = |name: &str| {
        if !seen.contains(name) {
            seen.insert(name.to_string());
            order.push(Symbol::intern(name));
        }
    };
    let green = root.green();
    let mut stack = vec![(kind(green.kind()), green.children())];
    while let Some((parent, children)) = stack.last_mut() {
        let parent = *parent;
        let Some(child) = children.next() else {
            stack.pop();
            continue;
        };
        match child {
            rowan::NodeOrToken::Node(node) => {
                let node_kind = kind(node.kind());
                if node_kind == K::NODE_STRING && parent == K::NODE_ATTRPATH {
                    if let Some(name) = plain_string(node) {
                        add(name);
                    }
                }
                stack.push((node_kind, node.children()));
            }
            rowan::NodeOrToken::Token(token) => match kind(token.kind()) {
                K::TOKEN_IDENT => add(token.text()),
                other => operator_names(other).iter().for_each(|name| add(name)),
            },
        }
    }
    order
}

/// The names an operator token reads: Nix parses `a - b` as `__sub a b` (likewise `*`,
/// `/`, the comparisons) and `<p>` as `__findFile __nixPath "p"`, so a binding of such a
/// name takes the operator over. Empty for other tokens.
pub(crate) fn operator_names(token: K) -> &'static [&'static str] {
    match token {
        K::TOKEN_SUB => &["__sub"],
        K::TOKEN_MUL => &["__mul"],
        K::TOKEN_DIV => &["__div"],
        K::TOKEN_LESS | K::TOKEN_LESS_OR_EQ | K::TOKEN_MORE | K::TOKEN_MORE_OR_EQ => &["__lessThan"],
        K::TOKEN_PATH_SEARCH => &["__findFile", "__nixPath"],
        _ => &[],
    }
}

fn kind(raw: rowan::SyntaxKind) -> K {
    <rnix::NixLanguage as rowan::Language>::kind_from_raw(raw)
}

/// The text of `"name"`: one piece without escapes (others are interned when lowered,
/// unescaped).
fn plain_string(string: &rowan::GreenNodeData) -> Option<&str> {
    let mut parts = string.children();
    let (Some(open), Some(content), Some(close), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let (open, content, close) = (open.into_token()?, content.into_token()?, close.into_token()?);
    let plain = open.text() == "\""
        && kind(content.kind()) == K::TOKEN_STRING_CONTENT
        && kind(close.kind()) == K::TOKEN_STRING_END
        && !content.text().contains('\\');
    plain.then(|| content.text())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&'static str> {
        let parsed = crate::parse(text);
        use rowan::ast::AstNode;
        intern_in_source_order(parsed.tree().syntax())
            .into_iter()
            .map(Symbol::as_str)
            .collect()
    }

    #[test]
    fn names_in_the_order_the_text_spells_them() {
        assert_eq!(
            names(r#"let x = { }; in rec { a = x.zz2 or 0; zz1 = 1; "q r" = a - <p>; "e\n" = 1; }"#),
            ["x", "a", "zz2", "zz1", "q r", "__sub", "__findFile", "__nixPath"]
        );
        assert_eq!(names(r#"{ "s" = 1; s2 = "t"; }"#), ["s", "s2"]);
    }
}
