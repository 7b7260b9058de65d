//! A nesting limit, checked on tokens before the tree is built.
//!
//! Nix's Bison parser gives up with `memory exhausted` when its stack passes 10,000
//! entries (about 5,000 nested brackets). Building rowan trees that deep is also
//! quadratic (rowan hashes whole subtrees to deduplicate small nodes), so input past
//! the limit is rejected up front, as Nix rejects it.

use rnix::SyntaxKind::{self, *};

/// Deepest nesting accepted: Nix fails at 4,999 nested lists.
pub const MAX_DEPTH: usize = 4_998;

/// The byte offset where nesting first exceeds [`MAX_DEPTH`], if it does.
pub fn too_deep(text: &str) -> Option<usize> {
    // Each open bracket is a level; right-nested constructs (lambda bodies, `with`,
    // `assert`, `let`, `if`, right-associative operators) add levels until the
    // enclosing bracket closes or a `;`/`,` ends them.
    let mut stack: Vec<bool> = Vec::new(); // true = bracket, false = construct
    let mut offset = 0usize;
    for (kind, token) in rnix::tokenize(text) {
        let at = offset;
        offset += token.len();
        match kind {
            TOKEN_L_PAREN | TOKEN_L_BRACK | TOKEN_L_BRACE | TOKEN_INTERPOL_START | TOKEN_STRING_START => {
                stack.push(true)
            }
            TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_R_BRACE | TOKEN_INTERPOL_END | TOKEN_STRING_END => {
                while let Some(false) = stack.last() {
                    stack.pop();
                }
                stack.pop();
            }
            TOKEN_SEMICOLON | TOKEN_COMMA => {
                while let Some(false) = stack.last() {
                    stack.pop();
                }
            }
            k if opens_construct(k) => stack.push(false),
            _ => {}
        }
        if stack.len() > MAX_DEPTH {
            return Some(at);
        }
    }
    None
}

fn opens_construct(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        TOKEN_COLON
            | TOKEN_WITH
            | TOKEN_ASSERT
            | TOKEN_LET
            | TOKEN_IF
            | TOKEN_CONCAT
            | TOKEN_UPDATE
            | TOKEN_IMPLICATION
            | TOKEN_INVERT
            | TOKEN_SUB
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_brackets_are_rejected_shallow_accepted() {
        let ok = format!("{}{}", "[".repeat(4000), "]".repeat(4000));
        assert_eq!(too_deep(&ok), None);
        let deep = format!("{}{}", "[".repeat(6000), "]".repeat(6000));
        assert_eq!(too_deep(&deep), Some(MAX_DEPTH));
        // (`x:x:x` would be a URI; lambdas need the space.)
        let lambdas = "x: ".repeat(6000) + "x";
        assert!(too_deep(&lambdas).is_some());
        let sequence = "{ a = 1; } // ".repeat(100) + "{}";
        assert_eq!(too_deep(&sequence), None);
    }
}
