//! Which of several errors in one text Nix reports.
//!
//! Nix finds an attribute or formal defined twice, or a dynamic name in `let`, in its
//! parser's actions (`addAttr`, `validateFormals`), so it reports the one whose rule is
//! reduced first: a binding at its `;`, a function or `let` where it ends. Its parser
//! stops at the first syntax error, so such an error reduced before the unexpected token
//! is reported instead of the syntax error (`[ { a = 1; a = 2; } then ]`). The lowering
//! finds these errors in its own order (a set's names before its values), so each set,
//! `let` and function that starts before the error it found is checked on its own for
//! one reduced earlier. Only error paths pay for this.

use crate::error::ParseError;
use crate::lower::{Globals, Lowerer};
use crate::source::FileId;
use crate::symbol::Symbol;
use rnix::ast as rast;
use rnix::SyntaxKind::{NODE_ATTR_SET, NODE_ERROR, NODE_LAMBDA, NODE_LEGACY_LET, NODE_LET_IN, TOKEN_ERROR};
use rowan::ast::AstNode;

/// Of the parser-action errors in `root`, the one Nix's parser raises first, given that
/// the lowering of `root` found `found`.
pub(crate) fn first_reduced(file: FileId, root: &rnix::SyntaxNode, found: ParseError) -> ParseError {
    match found.reduced_at {
        Some(at) => reduced_before(file, root, at).unwrap_or(found),
        None => found,
    }
}

/// What Nix reports for a text whose first syntax error is `syntax`: a parser-action
/// error reduced before the unexpected token, else the syntax error.
pub(crate) fn with_syntax_error(
    file: FileId,
    text: &str,
    parsed: &rnix::Parse<rnix::Root>,
    syntax: ParseError,
) -> ParseError {
    let root = parsed.tree();
    match reduced_before(file, root.syntax(), syntax.span.start + 1) {
        Some(first) if is_complete(root.syntax(), text, &first) => first,
        _ => syntax,
    }
}

/// A function or `let` is reduced where it ends only if its text is a whole expression:
/// rnix's node for `{ a, a }: 1 +` ends where the unexpected end of file is.
fn is_complete(root: &rnix::SyntaxNode, text: &str, error: &ParseError) -> bool {
    let Some(end) = error.reduced_at else { return false };
    let at = rowan::TextSize::from(error.span.start);
    let Some(token) = root.token_at_offset(at).right_biased() else {
        return true;
    };
    let reduced_at_end = token
        .parent_ancestors()
        .find(|node| matches!(node.kind(), NODE_LAMBDA | NODE_LET_IN) && u32::from(node.text_range().end()) == end);
    match reduced_at_end {
        Some(node) => crate::bison::syntax_error(&text[node.text_range()]).is_none(),
        None => true,
    }
}

/// The parser-action error reduced first, if one is reduced before `limit`: each set,
/// `let` and function that starts before `limit` is checked on its own (a binding is
/// reduced before its set ends), so the work is linear in the text.
fn reduced_before(file: FileId, root: &rnix::SyntaxNode, mut limit: u32) -> Option<ParseError> {
    // Where rnix's error nodes and tokens start, in order: a node with one inside is
    // checked only up to it.
    let errors: Vec<u32> = root
        .descendants_with_tokens()
        .filter(|e| matches!(e.kind(), NODE_ERROR | TOKEN_ERROR))
        .map(|e| e.text_range().start().into())
        .collect();
    let first_error_in = |range: rowan::TextRange| {
        let (start, end) = (u32::from(range.start()), u32::from(range.end()));
        let i = errors.partition_point(|&at| at < start);
        errors.get(i).copied().filter(|&at| at < end)
    };
    let mut first = None;
    let mut lowerer = Lowerer::new(file, "/".into(), &AnyName);
    let mut walk = root.preorder();
    while let Some(event) = walk.next() {
        let rowan::WalkEvent::Enter(node) = event else { continue };
        if u32::from(node.text_range().start()) >= limit {
            walk.skip_subtree();
            continue;
        }
        if !matches!(node.kind(), NODE_ATTR_SET | NODE_LET_IN | NODE_LEGACY_LET | NODE_LAMBDA) {
            continue;
        }
        let first_error = first_error_in(node.text_range());
        let Some(expr) = rast::Expr::cast(node) else { continue };
        if let Err(e) = lowerer.check_actions(&expr, first_error) {
            if let Some(at) = e.reduced_at.filter(|&at| at < limit) {
                limit = at;
                first = Some(e);
            }
        }
    }
    first
}

/// Globals in which every name is found: undefined variables are reported after parsing,
/// so they never come before these errors.
pub(crate) struct AnyName;

impl Globals for AnyName {
    fn lookup(&self, _: Symbol) -> Option<u32> {
        Some(0)
    }

    fn fingerprint(&self) -> [u8; 32] {
        [0; 32]
    }
}
