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

/// Intern every name `root` spells (identifiers, constant string attribute names, and
/// the names operators read: `-` reads `__sub`, `<p>` reads `__findFile` and
/// `__nixPath`) in the order of their first occurrence; returns them in that order.
pub fn intern_in_source_order(root: &rnix::SyntaxNode) -> Vec<Symbol> {
    let mut seen = FxHashSet::default();
    let mut order = Vec::new();
    let mut add = |name: &str| {
        let sym = Symbol::intern(name);
        if seen.insert(sym) {
            order.push(sym);
        }
    };
    for token in root.descendants_with_tokens().filter_map(|e| e.into_token()) {
        match token.kind() {
            K::TOKEN_IDENT => add(token.text()),
            K::TOKEN_SUB => add("__sub"),
            K::TOKEN_MUL => add("__mul"),
            K::TOKEN_DIV => add("__div"),
            K::TOKEN_LESS | K::TOKEN_LESS_OR_EQ | K::TOKEN_MORE | K::TOKEN_MORE_OR_EQ => add("__lessThan"),
            K::TOKEN_PATH_SEARCH => {
                add("__findFile");
                add("__nixPath");
            }
            K::TOKEN_STRING_CONTENT if is_plain_attr_name(&token) => add(token.text()),
            _ => {}
        }
    }
    order
}

/// `"name"` in an attribute path: one piece of text without escapes (others are interned
/// when lowered, unescaped).
fn is_plain_attr_name(token: &rnix::SyntaxToken) -> bool {
    let Some(string) = token.parent().filter(|p| p.kind() == K::NODE_STRING) else {
        return false;
    };
    let in_path = string.parent().is_some_and(|p| p.kind() == K::NODE_ATTRPATH);
    let single = string
        .children_with_tokens()
        .filter(|e| e.kind() == K::TOKEN_STRING_CONTENT)
        .count()
        == 1
        && string.children().next().is_none();
    let plain = string.first_token().is_some_and(|t| t.text() == "\"") && !token.text().contains('\\');
    in_path && single && plain
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
