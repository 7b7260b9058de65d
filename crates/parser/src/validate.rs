//! What rnix's error-tolerant parser accepts but Nix's grammar does not, checked on the
//! tree rnix built (an iterative walk, so deep input cannot overflow the stack):
//!
//! - a parenthesis closed by another bracket: rnix takes any token after `(expr` as the
//!   closing one, so `(1]` read as `1`;
//! - a function as a bare operand: Nix's application and operator operands are
//!   select-expressions, so `f x: x`, `[ x: x ]` and `1 + x: x` are syntax errors
//!   (Nix stops at the `:`), where rnix reads a lambda argument;
//! - an indented string as an attribute name (`{ ''a'' = 1; }`, `x.''a''`, `inherit
//!   ''a'';`): Nix's `attr` and `string_attr` take only `"` strings and `${...}`;
//! - a path followed by `${...}` after a space or comment (`./a ${x}`): rnix makes the
//!   interpolation part of the path, with the trivia inside the path node, where Nix's
//!   lexer has ended the path.

use rnix::SyntaxKind::{self, *};
use rnix::{NixLanguage, SyntaxNode, SyntaxToken};
use rowan::{GreenNodeData, Language, NodeOrToken};

/// The first construct Nix would reject: the offending token and Nix's message.
pub fn check(root: &SyntaxNode) -> Option<(SyntaxToken, String)> {
    if !has_candidate(root.green()) {
        return None;
    }
    for node in root.descendants() {
        match node.kind() {
            NODE_PAREN => {
                let Some(last) = tokens(&node).filter(|t| !t.kind().is_trivia()).last() else {
                    continue;
                };
                if last.kind() != TOKEN_R_PAREN && last.kind() != TOKEN_L_PAREN {
                    let message = format!("syntax error, unexpected '{}', expecting ')'", last.text());
                    return Some((last, message));
                }
            }
            NODE_LAMBDA => {
                let operand = node.parent().map(|p| p.kind());
                if !matches!(operand, Some(NODE_APPLY | NODE_LIST | NODE_BIN_OP | NODE_UNARY_OP)) {
                    continue;
                }
                let Some(colon) = tokens(&node).find(|t| t.kind() == TOKEN_COLON) else {
                    continue;
                };
                let message = match expected_after(&node) {
                    Some(what) => format!("syntax error, unexpected ':', expecting {what}"),
                    None => "syntax error, unexpected ':'".to_string(),
                };
                return Some((colon, message));
            }
            NODE_PATH_ABS | NODE_PATH_HOME | NODE_PATH_REL => {
                let mut children = node.children_with_tokens();
                if !children.any(|c| c.kind().is_trivia()) {
                    continue;
                }
                let Some(interpolation) = children.find_map(|c| c.into_node()) else {
                    continue;
                };
                let Some(open) = tokens(&interpolation).next() else {
                    continue;
                };
                let message = match expected_after(&node) {
                    Some(what) => format!("syntax error, unexpected '${{', expecting {what}"),
                    None => "syntax error, unexpected '${'".to_string(),
                };
                return Some((open, message));
            }
            NODE_STRING if matches!(node.parent().map(|p| p.kind()), Some(NODE_ATTRPATH | NODE_INHERIT)) => {
                let Some(open) = tokens(&node).next() else { continue };
                if open.kind() == TOKEN_STRING_START && open.text() == "''" {
                    return Some((open, "syntax error, unexpected start of an indented string".into()));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether some node may break one of the rules, judged on the green tree alone (a
/// superset of what [`check`] reports): walking the tree with cursors makes a cursor node
/// for every node, a twentieth of a parse, and nearly every file has no candidate.
fn has_candidate(root: &GreenNodeData) -> bool {
    let kind = |raw| NixLanguage::kind_from_raw(raw);
    let mut stack = vec![(root, NODE_ROOT)];
    while let Some((node, parent)) = stack.pop() {
        let this = kind(node.kind());
        let mut tokens = node.children().filter_map(NodeOrToken::into_token);
        let candidate = match this {
            NODE_PAREN => tokens
                .rfind(|t| !kind(t.kind()).is_trivia())
                .is_some_and(|t| !matches!(kind(t.kind()), TOKEN_R_PAREN | TOKEN_L_PAREN)),
            NODE_LAMBDA => matches!(parent, NODE_APPLY | NODE_LIST | NODE_BIN_OP | NODE_UNARY_OP),
            NODE_STRING if matches!(parent, NODE_ATTRPATH | NODE_INHERIT) => {
                tokens.next().is_some_and(|t| t.text() == "''")
            }
            NODE_PATH_ABS | NODE_PATH_HOME | NODE_PATH_REL => tokens.any(|t| kind(t.kind()).is_trivia()),
            _ => false,
        };
        if candidate {
            return true;
        }
        stack.extend(
            node.children()
                .filter_map(NodeOrToken::into_node)
                .map(|child| (child, this)),
        );
    }
    false
}

/// What Nix's parser expects where an expression ending with `node` stops: found by
/// climbing through the constructs `node` is the last part of.
fn expected_after(node: &SyntaxNode) -> Option<&'static str> {
    let mut node = node.clone();
    loop {
        let parent = node.parent()?;
        let index = expr_children(&parent).position(|c| c == node);
        let last = index.is_some() && index.map(|i| i + 1) == Some(expr_children(&parent).count());
        match parent.kind() {
            NODE_ROOT => return Some("end of file"),
            NODE_PAREN => return Some("')'"),
            NODE_ATTRPATH_VALUE => return Some("';'"),
            NODE_INTERPOL | NODE_DYNAMIC => return Some("'}'"),
            NODE_IF_ELSE => match index {
                Some(0) => return Some("THEN"),
                Some(1) => return Some("ELSE"),
                _ => {}
            },
            NODE_ASSERT | NODE_WITH if !last => return Some("';'"),
            NODE_APPLY | NODE_BIN_OP | NODE_UNARY_OP | NODE_LAMBDA | NODE_LET_IN | NODE_ASSERT | NODE_WITH => {}
            _ => return None,
        }
        node = parent;
    }
}

fn tokens(node: &SyntaxNode) -> impl Iterator<Item = SyntaxToken> {
    node.children_with_tokens().filter_map(|c| c.into_token())
}

fn expr_children(node: &SyntaxNode) -> impl Iterator<Item = SyntaxNode> {
    node.children().filter(|c| !is_part(c.kind()))
}

/// Nodes that are parts of a construct rather than expressions in it.
fn is_part(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        NODE_ATTRPATH_VALUE | NODE_INHERIT | NODE_IDENT_PARAM | NODE_PATTERN | NODE_PAT_BIND | NODE_PAT_ENTRY
    )
}
