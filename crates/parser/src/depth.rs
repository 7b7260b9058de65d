//! A nesting limit, checked before the tree is built.
//!
//! Nix's Bison parser gives up with `memory exhausted` when its stack passes 10,000
//! entries. What an entry is depends on the construct (a parenthesis takes one, a list
//! two, `let ... in` three until its body ends, a flat chain of negations one), so the
//! check runs Nix's own grammar over the text (`bison.rs`) and watches its stack: the
//! limit is Nix's for every construct. (An estimate from brackets and keywords rejected
//! 5,000-term `+ -1` chains Nix accepts and accepted 4,000 nested `let`s it rejects.)
//! Building rowan trees that deep is also quadratic (rowan hashes whole subtrees to
//! deduplicate small nodes), so input past the limit is rejected up front, as Nix
//! rejects it.

use rnix::SyntaxKind::{self, *};

/// Stack entries one token can add at most: its shift, and the empty rules (`binds`,
/// `formals`, string parts) reduced before it. A text of fewer tokens than the stack
/// limit over this cannot reach the limit, and is not driven through the grammar.
const MAX_ENTRIES_PER_TOKEN: usize = 4;

/// The byte offset where Nix's parser stack first outgrows its limit, if it does.
pub fn too_deep(text: &str) -> Option<usize> {
    too_deep_in(&rnix::tokenize(text).collect::<Vec<_>>(), text)
}

/// [`too_deep`] of `text` already tokenized (the tree is built from the same tokens).
pub fn too_deep_in(tokens: &[rnix::Token<'_>], text: &str) -> Option<usize> {
    // The tokens that are not trivia, and the `let`, `with` and `assert` keywords among
    // them (a bound on the depth of a chain of those, in constructs).
    let (mut significant, mut chain_keywords) = (0usize, 0usize);
    for (kind, _) in tokens {
        if !matches!(kind, TOKEN_WHITESPACE | TOKEN_COMMENT) {
            significant += 1;
            chain_keywords += usize::from(matches!(kind, TOKEN_LET | TOKEN_WITH | TOKEN_ASSERT));
        }
    }
    if significant.saturating_mul(MAX_ENTRIES_PER_TOKEN) < crate::bison::MAX_STACK {
        return None;
    }
    // Driving the grammar costs a tenth of a parse: only texts whose estimate comes
    // within a factor of ten of the limit are driven, or that hold enough `let`, `with`
    // and `assert` keywords for a chain of them to: the estimate undercounts such chains
    // (Bison keeps three entries each until the body ends), and 4,000 nested `let`s, which
    // Nix refuses, were accepted.
    if estimate(tokens) < crate::bison::MAX_STACK / 10
        && chain_keywords.saturating_mul(CHAIN) < crate::bison::MAX_STACK / 10
    {
        return None;
    }
    crate::bison::stack_exhausted(text)
}

/// Stack entries a `let ... in`, `with ...;` or `assert ...;` keeps until its body ends.
const CHAIN: usize = 3;

/// Stack entries a parenthesis takes; everything else that nests takes two.
const PAREN: usize = 1;
const OTHER: usize = 2;

/// A quick estimate of the deepest nesting of `tokens`, in parser stack entries: within
/// a factor of three of Bison's count for brackets and the constructs that nest until a
/// `;`, `,` or closing bracket. It undercounts chains of `let`/`with`/`assert` (ended at
/// their `;` here, where Bison keeps three entries each until the body ends).
fn estimate(tokens: &[rnix::Token<'_>]) -> usize {
    // Each open bracket is a level; right-nested constructs (lambda bodies, `with`,
    // `assert`, `let`, `if`, right-associative operators) add levels until the
    // enclosing bracket closes or a `;`/`,` ends them.
    let mut stack: Vec<(bool, usize)> = Vec::new(); // (is a bracket, entries)
    let mut entries = 0usize;
    let mut deepest = 0usize;
    // Whether the last token that is not trivia ends an operand: a `-` after one is the
    // left-associative binary minus, which Bison reduces at once (`1 - 1 - ... - 1`
    // never grows its stack); anywhere else it is a negation, which nests.
    let mut after_operand = false;
    for &(kind, _) in tokens {
        if matches!(kind, TOKEN_WHITESPACE | TOKEN_COMMENT) {
            continue;
        }
        let binary_minus = kind == TOKEN_SUB && after_operand;
        after_operand = ends_operand(kind);
        if binary_minus {
            continue;
        }
        let pushed = match kind {
            TOKEN_L_PAREN => Some((true, PAREN)),
            TOKEN_L_BRACK | TOKEN_L_BRACE | TOKEN_INTERPOL_START | TOKEN_STRING_START => Some((true, OTHER)),
            k if opens_construct(k) => Some((false, OTHER)),
            TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_R_BRACE | TOKEN_INTERPOL_END | TOKEN_STRING_END => {
                pop_constructs(&mut stack, &mut entries);
                if let Some((_, n)) = stack.pop() {
                    entries -= n;
                }
                None
            }
            TOKEN_SEMICOLON => {
                pop_constructs(&mut stack, &mut entries);
                None
            }
            // Formals are right-recursive in Nix's grammar: each one stays on the stack
            // until the closing brace (the brace's entries grow).
            TOKEN_COMMA => {
                pop_constructs(&mut stack, &mut entries);
                if let Some((true, n)) = stack.last_mut() {
                    *n += OTHER;
                    entries += OTHER;
                }
                None
            }
            _ => None,
        };
        if let Some(entry) = pushed {
            stack.push(entry);
            entries += entry.1;
        }
        deepest = deepest.max(entries);
    }
    deepest
}

/// Constructs end where an enclosing bracket closes or at `;`/`,`.
fn pop_constructs(stack: &mut Vec<(bool, usize)>, entries: &mut usize) {
    while let Some(&(false, n)) = stack.last() {
        stack.pop();
        *entries -= n;
    }
}

fn ends_operand(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        TOKEN_IDENT
            | TOKEN_INTEGER
            | TOKEN_FLOAT
            | TOKEN_URI
            | TOKEN_PATH_ABS
            | TOKEN_PATH_HOME
            | TOKEN_PATH_REL
            | TOKEN_PATH_SEARCH
            | TOKEN_CUR_POS
            | TOKEN_R_PAREN
            | TOKEN_R_BRACK
            | TOKEN_R_BRACE
            | TOKEN_STRING_END
            | TOKEN_INTERPOL_END
    )
}

fn opens_construct(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        TOKEN_COLON
            // `a.b or c.d or e`: right-recursive, as the constructs below.
            | TOKEN_OR
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
    fn keyword_chains_stop_where_nix_stops() {
        // Nix 2.8 (`nix-instantiate --parse`): the last chain it parses and the first it
        // refuses with `memory exhausted`. The bracket estimate alone let these through.
        for (unit, parsed) in [("let a = 1; in ", 3331), ("with x; ", 3332), ("assert true; ", 3332)] {
            assert_eq!(too_deep(&(unit.repeat(parsed) + "1")), None, "{unit:?} x {parsed}");
            assert!(
                too_deep(&(unit.repeat(parsed + 1) + "1")).is_some(),
                "{unit:?} x {}",
                parsed + 1
            );
        }
    }

    #[test]
    fn deep_brackets_are_rejected_shallow_accepted() {
        let ok = format!("{}{}", "[".repeat(4000), "]".repeat(4000));
        assert_eq!(too_deep(&ok), None);
        let deep = format!("{}{}", "[".repeat(6000), "]".repeat(6000));
        assert!(too_deep(&deep).is_some());
        let parens = format!("{}1{}", "(".repeat(9000), ")".repeat(9000));
        assert_eq!(too_deep(&parens), None);
        let too_many = format!("{}1{}", "(".repeat(10000), ")".repeat(10000));
        assert!(too_deep(&too_many).is_some());
        // (`x:x:x` would be a URI; lambdas need the space.)
        let lambdas = "x: ".repeat(6000) + "x";
        assert!(too_deep(&lambdas).is_some());
        let sequence = "{ a = 1; } // ".repeat(100) + "{}";
        assert_eq!(too_deep(&sequence), None);
        // Binary minus is left-associative: Nix evaluates a 20,000-operand chain.
        let minus = "1 - ".repeat(20_000) + "1";
        assert_eq!(too_deep(&minus), None);
        let minus_tight = "1-".repeat(20_000) + "1";
        assert_eq!(too_deep(&minus_tight), None);
        // Flat negations and `+ -1` chains take one entry each (Nix: 9,996 negations).
        let negations = "- ".repeat(6000) + "1";
        assert_eq!(too_deep(&negations), None);
        let negations = "- ".repeat(10_000) + "1";
        assert!(too_deep(&negations).is_some());
        let plus_negative = "0".to_string() + &" + -1".repeat(6000);
        assert_eq!(too_deep(&plus_negative), None);
        // Nested lists take two entries a level, strings in strings two (Nix: 4,999 and
        // 4,998 levels).
        let lists = format!("{}{}", "[".repeat(4998), "]".repeat(4998));
        assert_eq!(too_deep(&lists), None);
        let lists = format!("{}{}", "[".repeat(4999), "]".repeat(4999));
        assert!(too_deep(&lists).is_some());
        let strings = format!("\"{}x{}\"", "${\"".repeat(4997), "\"}".repeat(4997));
        assert_eq!(too_deep(&strings), None);
    }

    /// rnix's path heuristic scanned the rest of `a.a.a...` at every name: 200,000
    /// selections took minutes. Each run of path characters is now scanned once.
    #[test]
    fn long_selection_chains_tokenize_in_linear_time() {
        let text = format!("x{} or 1", ".a".repeat(200_000));
        let start = std::time::Instant::now();
        assert_eq!(too_deep(&text), None);
        assert!(crate::parse(&text).errors().is_empty());
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    /// rowan re-hashed every interned tree from its leaves when its node cache grew, so
    /// a chain of small nodes (`a&&a&&...`, no spaces) parsed in quadratic time.
    /// (The tree is 200,000 levels deep and is dropped recursively, as the evaluator
    /// does on its own large stack.)
    #[test]
    fn long_tight_operator_chains_parse_in_linear_time() {
        let run = || {
            let text = "a&&".repeat(200_000) + "a";
            let start = std::time::Instant::now();
            assert!(crate::parse(&text).errors().is_empty());
            start.elapsed()
        };
        let elapsed = std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn(run)
            .unwrap()
            .join()
            .unwrap();
        assert!(elapsed < std::time::Duration::from_secs(20), "{elapsed:?}");
    }
}
