//! Nix syntax for rnix-eval.
//!
//! Source text is parsed by rnix into a lossless rowan tree ([`parse`]), which tooling
//! (formatters, an LSP) can use as is. [`lower`] turns that tree into the evaluator's
//! [`ast::Expr`]: sugar removed, attribute paths merged, variables resolved to frame slots.
//! [`show`] prints a lowered expression the way `nix-instantiate --parse` does.

pub mod ast;
pub mod ast_codec;
mod attrs;
pub mod bison;
mod bison_tables;
pub mod cache;
pub mod depth;
pub mod error;
mod error_order;
pub mod intern_order;
pub mod lints;
mod lower;
mod moves;
pub mod pack;
pub mod paths;
pub mod show;
pub mod source;
mod strings;
pub mod symbol;
mod validate;

pub use error::ParseError;
pub use lower::{GlobalNames, Globals};
pub use source::{FileId, Origin, Pos, Span};
pub use symbol::Symbol;

use rowan::ast::AstNode;

/// The lossless syntax tree of a file, with rnix's syntax errors.
pub fn parse(text: &str) -> rnix::Parse<rnix::Root> {
    rnix::Root::parse(&comments_end_at_cr(text))
}

/// [`parse`], unless nesting passes Nix's limit ([`depth::too_deep`]): then the offset
/// where it does. The text is tokenized once for both (tokenizing was a fifth of a parse,
/// and it ran twice).
fn parse_within_depth(text: &str) -> Result<rnix::Parse<rnix::Root>, usize> {
    let text = comments_end_at_cr(text);
    let tokens: Vec<rnix::Token<'_>> = rnix::tokenize(&text).collect();
    if let Some(at) = depth::too_deep_in(&tokens, &text) {
        return Err(at);
    }
    Ok(rnix::Root::parse_tokens(&tokens))
}

/// Whether the file is an attribute set literal (`{ ... }` or `rec { ... }`, in any
/// parentheses), as Nix requires of a `flake.nix` (`evalFile` with `mustBeTrivial`).
/// A text with syntax errors counts as one: parsing it for evaluation reports them.
pub fn is_attr_set_literal(text: &str) -> bool {
    let parsed = parse(text);
    if !parsed.errors().is_empty() {
        return true;
    }
    let mut expr = parsed.tree().expr();
    while let Some(rnix::ast::Expr::Paren(p)) = &expr {
        expr = p.expr();
    }
    matches!(expr, Some(rnix::ast::Expr::AttrSet(_)))
}

/// Nix's lexer ends a `#` comment at a carriage return as well as at a newline (and
/// reads the CR as white space): `1 # c<CR>+ 2` is 3. rnix's comments run to the
/// newline, so a lone CR inside a `#` comment becomes a newline here; the text keeps
/// its length, so every span stays valid. (A CR before a newline changes nothing.)
fn comments_end_at_cr(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return text.into();
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut offset = 0;
    for (kind, token) in rnix::tokenize(text) {
        if kind == rnix::SyntaxKind::TOKEN_COMMENT && token.starts_with('#') {
            for (i, b) in token.bytes().enumerate() {
                if b == b'\r' && token.as_bytes().get(i + 1) != Some(&b'\n') {
                    bytes[offset + i] = b'\n';
                }
            }
        }
        offset += token.len();
    }
    String::from_utf8(bytes)
        .expect("one ASCII byte replaced by another")
        .into()
}

/// Register `text`, parse it and lower it. `base_dir` is the directory relative path
/// literals resolve against.
pub fn parse_and_lower(
    origin: Origin,
    base_dir: String,
    text: &str,
    globals: &dyn Globals,
) -> Result<ast::Expr, ParseError> {
    parse_and_lower_scoped(origin, base_dir, text, globals, &[])
}

/// As [`parse_and_lower`], never through the parse cache: for sources built into the
/// binary (`derivation.nix`, `fetchurl.nix`), which are not files on disk.
pub fn parse_and_lower_embedded(
    origin: Origin,
    base_dir: String,
    text: &str,
    globals: &dyn Globals,
) -> Result<ast::Expr, ParseError> {
    let file = source::add_embedded_file(origin, base_dir.clone(), text);
    parse_and_lower_uncached(file, base_dir, text, globals, &[]).map(|(expr, _)| expr)
}

/// As [`parse_and_lower`], with an outermost frame binding `scope` (slot `i` is
/// `scope[i]`) in front of the globals: `scopedImport`'s static environment.
pub fn parse_and_lower_scoped(
    origin: Origin,
    base_dir: String,
    text: &str,
    globals: &dyn Globals,
    scope: &[Symbol],
) -> Result<ast::Expr, ParseError> {
    // Only plain files are cached: `-E`/stdin text is typed once, and `scopedImport`'s
    // outer frame would have to be part of the key. Small files too: 10,000 imported
    // files of 400 bytes took 0.47 s parsed each time (Nix 2.8: 0.35 s), 0.15 s from the
    // cache (`cache::store` hands entries over in batches, so a first run pays little).
    let cached = match &origin {
        Origin::Path(path) if scope.is_empty() && lints::all_ignored() => cache::dir().map(|dir| {
            let home = std::env::var("HOME").ok();
            let key = cache::key(&cache::KeyInput {
                globals: globals.fingerprint(),
                path,
                base_dir: &base_dir,
                home: home.as_deref(),
                text,
            });
            (dir, key)
        }),
        _ => None,
    };
    let file = source::add_file(origin, base_dir.clone(), text);
    if let Some((dir, key)) = &cached {
        if let Some(expr) = cache::load(dir, key, file) {
            return Ok(expr);
        }
    }
    let (expr, names) = parse_and_lower_uncached(file, base_dir, text, globals, scope)?;
    if let Some((dir, key)) = &cached {
        cache::store(dir, key, &expr, &names);
    }
    Ok(expr)
}

fn parse_and_lower_uncached(
    file: FileId,
    base_dir: String,
    text: &str,
    globals: &dyn Globals,
    scope: &[Symbol],
) -> Result<(ast::Expr, Vec<Symbol>), ParseError> {
    let parsed = parse_within_depth(text).map_err(|at| {
        let span = Span {
            file,
            start: at as u32,
            end: at as u32 + 1,
        };
        ParseError::new("memory exhausted".into(), span)
    })?;
    let invalid = if parsed.errors().is_empty() {
        validate::check(parsed.tree().syntax())
    } else {
        None
    };
    // Nix stops reading at a NUL byte where its grammar can end: the rest is not parsed.
    if !parsed.errors().is_empty() || invalid.is_some() {
        if let Some(end) = bison::end_at_nul(text) {
            return parse_and_lower_uncached(file, base_dir, &text[..end], globals, scope);
        }
    }
    if let Some(err) = parsed.errors().first() {
        let syntax = nix_syntax_error(file, text, err);
        return Err(error_order::with_syntax_error(file, text, &parsed, syntax));
    }
    if let Some((token, message)) = invalid {
        let r = token.text_range();
        let span = Span {
            file,
            start: r.start().into(),
            end: r.end().into(),
        };
        let syntax = bison_error(file, text).unwrap_or(ParseError::new(message, span));
        return Err(error_order::with_syntax_error(file, text, &parsed, syntax));
    }
    let root = parsed.tree();
    let names = intern_order::intern_in_source_order(root.syntax());
    let mut lowerer = lower::Lowerer::new(file, base_dir, globals).with_outer_frame(scope);
    match lowerer.lower_root(&root) {
        Err(e) if e.message.starts_with("syntax error") || e.message.starts_with("invalid ") => {
            Err(bison_error(file, text).unwrap_or(e))
        }
        Err(e) => Err(error_order::first_reduced(file, root.syntax(), e)),
        other => other.map(|mut expr| {
            moves::mark(&mut expr);
            (expr, names)
        }),
    }
}

/// The syntax error rnix found, as Nix words and places it ([`bison_error`]) when Nix's
/// grammar rejects the text too, else in rnix's words: evaluation and editors
/// (`check_syntax`) report the same message.
fn nix_syntax_error(file: FileId, text: &str, err: &rnix::ParseError) -> ParseError {
    bison_error(file, text).unwrap_or_else(|| syntax_error(file, text, err))
}

/// The syntax error as modern Nix words and places it ([`bison`]), when Nix's grammar
/// rejects the text.
fn bison_error(file: FileId, text: &str) -> Option<ParseError> {
    let (message, at) = bison::syntax_error(text)?;
    // One character: the span must end on a character boundary.
    let end = (at + 1..=text.len()).find(|&e| text.is_char_boundary(e)).unwrap_or(at);
    Some(ParseError::new(
        message,
        Span {
            file,
            start: at as u32,
            end: end as u32,
        },
    ))
}

/// The first syntax error of `text` as evaluation would report it (Nix's wording, with
/// its byte range), without registering the file or lowering it: for editors, which
/// check every keystroke. `None` when the text parses.
pub fn check_syntax(text: &str) -> Option<(u32, u32, String)> {
    let file = FileId::DETACHED;
    let parsed = match parse_within_depth(text) {
        Ok(parsed) => parsed,
        Err(at) => return Some((at as u32, at as u32 + 1, "memory exhausted".into())),
    };
    // Nix stops reading at a NUL byte where its grammar can end (`bison::end_at_nul`).
    if let Some(end) = bison::end_at_nul(text) {
        return check_syntax(&text[..end]);
    }
    let syntax = match (parsed.errors().first(), validate::check(parsed.tree().syntax())) {
        (Some(err), _) => Some(nix_syntax_error(file, text, err)),
        (None, Some((token, message))) => Some(ParseError::new(message, Span::new(file, token.text_range()))),
        (None, None) => None,
    };
    // What the lowering refuses (an attribute or formal defined twice, a dynamic name in
    // a `let`), with every name taken for a global: undefined variables are the
    // editor's own analysis.
    let e = source::with_detached(text, || match syntax {
        Some(syntax) => Some(error_order::with_syntax_error(file, text, &parsed, syntax)),
        None => {
            let root = parsed.tree();
            let lowered = lower::Lowerer::new(file, "/".into(), &error_order::AnyName).lower_root(&root);
            Some(error_order::first_reduced(file, root.syntax(), lowered.err()?))
        }
    })?;
    Some((e.span.start, e.span.end, e.message))
}

pub fn lower(
    file: FileId,
    base_dir: String,
    root: &rnix::Root,
    globals: &dyn Globals,
) -> Result<ast::Expr, ParseError> {
    intern_order::intern_in_source_order(root.syntax());
    let mut lowerer = lower::Lowerer::new(file, base_dir, globals);
    let mut expr = lowerer.lower_root(root)?;
    moves::mark(&mut expr);
    Ok(expr)
}

/// Map one of rnix's errors to Nix's wording (`syntax error, unexpected ...`).
fn syntax_error(file: FileId, text: &str, err: &rnix::ParseError) -> ParseError {
    use rnix::ParseError as E;
    let end = text.len() as u32;
    let at = |r: rowan::TextRange| Span {
        file,
        start: r.start().into(),
        end: r.end().into(),
    };
    let eof = Span { file, start: end, end };
    // rnix rejects `./a/` as a syntax error; Nix has a message of its own for it.
    if let E::UnexpectedWanted(_, r, _) | E::Unexpected(r) | E::UnexpectedExtra(r) = err {
        let s = snippet(text, *r);
        if s.len() > 1 && s.ends_with('/') && (s.contains('/') && !s.contains(' ')) {
            return ParseError::new("path has a trailing slash".into(), at(*r));
        }
    }
    let (msg, span) = match err {
        E::Unexpected(r) => (format!("syntax error, unexpected '{}'", snippet(text, *r)), at(*r)),
        E::UnexpectedExtra(r) => (format!("syntax error, unexpected '{}'", snippet(text, *r)), at(*r)),
        E::UnexpectedWanted(_, r, wanted) => (
            format!(
                "syntax error, unexpected '{}', expecting {}",
                snippet(text, *r),
                describe_kinds(wanted)
            ),
            at(*r),
        ),
        E::UnexpectedDoubleBind(r) => ("syntax error, unexpected '@'".to_string(), at(*r)),
        E::UnexpectedEOF => ("syntax error, unexpected end of file".to_string(), eof),
        E::UnexpectedEOFWanted(wanted) => (
            format!(
                "syntax error, unexpected end of file, expecting {}",
                describe_kinds(wanted)
            ),
            eof,
        ),
        E::DuplicatedArgs(r, name) => (format!("duplicate formal function argument '{name}'"), at(*r)),
        E::RecursionLimitExceeded => ("syntax error, expression nested too deeply".to_string(), eof),
        other => (format!("syntax error, {other}"), eof),
    };
    ParseError::new(msg, span)
}

fn snippet(text: &str, r: rowan::TextRange) -> String {
    let s = &text[usize::from(r.start())..usize::from(r.end())];
    s.chars().take(20).collect()
}

fn describe_kinds(kinds: &[rnix::SyntaxKind]) -> String {
    kinds
        .iter()
        .map(|k| {
            format!("{k:?}")
                .trim_start_matches("TOKEN_")
                .trim_start_matches("NODE_")
                .to_lowercase()
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Byte offset -> the root node's text range helper for tooling.
pub fn root_range(root: &rnix::Root) -> rowan::TextRange {
    root.syntax().text_range()
}

#[cfg(test)]
mod tests {
    /// Editors get the syntax error in Nix's words, as evaluation reports it, not in
    /// rnix's token names (`expecting ident or or or cur_pos`).
    #[test]
    fn check_syntax_words_errors_as_nix() {
        let text = "{ config, ... }: {\n  config.services.web.\n}\n";
        let (start, _, message) = super::check_syntax(text).expect("a syntax error");
        assert_eq!(
            message,
            "syntax error, unexpected '}', expecting identifier or 'or' or '${' or '\"'"
        );
        assert_eq!(start as usize, text.rfind('}').unwrap());
    }

    /// Editors see the error evaluation reports (Nix 2.8 gives the same two answers:
    /// `nix-tests/lang/parse-fail-*-before-*`).
    #[test]
    fn check_syntax_reports_what_nix_reduces_first() {
        let text = "[ { a = 1; a = 2; } then ]";
        let (start, _, message) = super::check_syntax(text).expect("an error");
        assert!(message.starts_with("attribute 'a' already defined at"), "{message}");
        assert_eq!(start as usize, text.rfind("a =").unwrap());
        let (_, _, message) = super::check_syntax("{ a, a }: 1 +").expect("an error");
        assert_eq!(message, "syntax error, unexpected end of file");
        let text = "{ b = { c = 1; c = 2; }; a = 1; a = 2; }";
        let (start, _, message) = super::check_syntax(text).expect("an error");
        assert!(message.starts_with("attribute 'c' already defined at"), "{message}");
        assert_eq!(start as usize, text.find("c = 2").unwrap());
    }
}
