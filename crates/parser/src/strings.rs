//! String literals, following Nix's lexer (`lexer.l`) and `stripIndentation` exactly.
//!
//! rnix keeps a string's raw text; the escapes, the `\r` normalisation and the
//! indentation stripping of `''` strings are done here. Indented-string text is first
//! cut into the tokens Nix's lexer would produce, because escaped characters end the
//! leading whitespace of a line and so change the indentation that is stripped.

use crate::ast::{self, Expr};
use crate::lower::{LResult, Lowerer};
use rnix::ast as rast;
use rnix::{NodeOrToken, SyntaxKind};
use rowan::ast::AstNode;

enum Raw {
    Text(String),
    Interp(Option<rast::Expr>, rast::Interpol),
}

pub(crate) fn lower_str(l: &mut Lowerer, s: &rast::Str) -> LResult<Expr> {
    if let Some(text) = plain_text(s) {
        return Ok(Expr::Str(text.into()));
    }
    let span = l.span(s);
    let mut indented = false;
    let mut raw = Vec::new();
    for child in s.syntax().children_with_tokens() {
        match child {
            NodeOrToken::Token(t) => match t.kind() {
                SyntaxKind::TOKEN_STRING_START => indented = t.text() == "''",
                SyntaxKind::TOKEN_STRING_CONTENT => {
                    if t.text().contains('\0') {
                        return Err(null_byte(l, &t, indented));
                    }
                    raw.push(Raw::Text(t.text().to_string()))
                }
                _ => {}
            },
            NodeOrToken::Node(n) => {
                if let Some(i) = rast::Interpol::cast(n) {
                    raw.push(Raw::Interp(i.expr(), i));
                }
            }
        }
    }
    // (expression, is literal text, start)
    let mut parts: Vec<(Expr, bool, u32)> = Vec::new();
    if indented {
        let tokens = indented_tokens(raw);
        for part in strip_indentation(tokens) {
            match part {
                // Modern Nix drops the empty fragments stripping leaves behind.
                StrippedPart::Text(t) if t.is_empty() => {}
                StrippedPart::Text(t) => parts.push((Expr::Str(t.into()), true, span.start)),
                StrippedPart::Interp(e, node) => {
                    let start = l.span(&node).start;
                    parts.push((l.lower_opt(e, &node)?, false, start))
                }
            }
        }
    } else {
        for r in raw {
            parts.push(match r {
                Raw::Text(t) => (Expr::Str(unescape(&t).into()), true, span.start),
                Raw::Interp(e, node) => {
                    let start = l.span(&node).start;
                    (l.lower_opt(e, &node)?, false, start)
                }
            });
        }
    }
    // A `''` string left with one string literal is that literal, also when it is an
    // interpolated one (`''${"x"}''`): Nix's `stripIndentation` returns a lone `ExprString`
    // part as it is, which makes `${''${"x"}''}` a static attribute name.
    let only_literal = parts.len() == 1 && (parts[0].1 || (indented && matches!(parts[0].0, Expr::Str(_))));
    let part_starts: Box<[u32]> = parts.iter().map(|p| p.2).collect();
    let mut parts: Vec<Expr> = parts.into_iter().map(|(e, _, _)| e).collect();
    Ok(match parts.len() {
        0 => Expr::Str("".into()),
        1 if only_literal => parts.pop().unwrap(),
        _ => Expr::Interpolate(Box::new(ast::Interpolate {
            parts: parts.into_boxed_slice(),
            part_starts,
            is_string: true,
            span,
        })),
    })
}

/// Modern Nix's lexer refuses a NUL byte in a string literal (Nix 2.8 cut the string
/// there), naming the literal text as its lexer token holds it: unescaped for `"`
/// strings; raw for `''` strings, without the blanks and newline their opening `''`
/// takes.
fn null_byte(l: &Lowerer, t: &rnix::SyntaxToken, indented: bool) -> crate::ParseError {
    let raw = t.text();
    let (text, skip) = if indented {
        let blanks = raw.len() - raw.trim_start_matches(' ').len();
        let skip = if raw[blanks..].starts_with('\n') { blanks + 1 } else { 0 };
        (raw[skip..].to_string(), skip)
    } else {
        (unescape(raw), 0)
    };
    let start = u32::from(t.text_range().start()) + skip as u32;
    let span = crate::Span {
        file: l.file,
        start,
        end: start + 1,
    };
    let shown = text.replace('\0', "\u{2400}");
    l.err(
        span,
        format!("input string '{shown}' cannot be represented as Nix string because it contains null bytes"),
    )
}

/// The text of `"..."` without interpolation, escapes or carriage returns, which is the
/// string's value as written: most strings, lowered without the general path's buffers.
fn plain_text(s: &rast::Str) -> Option<String> {
    let mut text = String::new();
    for (i, child) in s.syntax().children_with_tokens().enumerate() {
        let token = child.into_token()?;
        match (i, token.kind()) {
            (0, SyntaxKind::TOKEN_STRING_START) if token.text() == "\"" => {}
            (1, SyntaxKind::TOKEN_STRING_CONTENT) => {
                if token.text().contains(['\\', '\r', '\0']) {
                    return None;
                }
                text = token.text().to_string();
            }
            (1 | 2, SyntaxKind::TOKEN_STRING_END) => {}
            _ => return None,
        }
    }
    Some(text)
}

/// Nix's `unescapeStr`: `\n`, `\r`, `\t`, `\x` -> `x`; a raw CR or CR LF becomes LF.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            },
            '\r' => {
                out.push('\n');
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            other => out.push(other),
        }
    }
    out
}

enum Part {
    /// Literal text; `indentation` is false for escapes and lone `$`/`'`, which Nix
    /// lexes as separate tokens that end a line's leading whitespace.
    Token {
        text: String,
        indentation: bool,
    },
    Interp(Option<rast::Expr>, rast::Interpol),
}

/// Cut raw indented-string content into Nix's lexer tokens.
fn indented_tokens(raw: Vec<Raw>) -> Vec<Part> {
    let mut out = Vec::new();
    for (i, r) in raw.into_iter().enumerate() {
        match r {
            Raw::Interp(e, node) => out.push(Part::Interp(e, node)),
            Raw::Text(mut text) => {
                if i == 0 {
                    // The opening `''` swallows spaces followed by a newline.
                    let spaces = text.bytes().take_while(|&b| b == b' ').count();
                    if text.as_bytes().get(spaces) == Some(&b'\n') {
                        text.drain(..=spaces);
                    }
                }
                lex_indented(&text, &mut out);
            }
        }
    }
    out
}

fn lex_indented(text: &str, out: &mut Vec<Part>) {
    let b = text.as_bytes();
    let mut i = 0;
    let push = |out: &mut Vec<Part>, t: &str, indentation: bool| {
        out.push(Part::Token {
            text: t.to_string(),
            indentation,
        })
    };
    while i < b.len() {
        // The plain run: ([^$']|\$[^{']|'[^'$])+
        let start = i;
        loop {
            if i >= b.len() {
                break;
            }
            match b[i] {
                b'$' if i + 1 < b.len() && b[i + 1] != b'{' && b[i + 1] != b'\'' => i += 1 + utf8_len(b[i + 1]),
                b'\'' if i + 1 < b.len() && b[i + 1] != b'\'' && b[i + 1] != b'$' => i += 1 + utf8_len(b[i + 1]),
                b'$' | b'\'' => break,
                c => i += utf8_len(c),
            }
        }
        if i > start {
            push(out, &text[start..i], true);
            continue;
        }
        let rest = &text[i..];
        if rest.starts_with("''$") {
            push(out, "$", false);
            i += 3;
        } else if rest.starts_with("'''") {
            push(out, "''", false);
            i += 3;
        } else if rest.starts_with("''\\") && rest.len() > 3 {
            let len = utf8_len(b[i + 3]);
            let escaped = &rest[2..3 + len];
            // A CR LF after the backslash is one escaped newline, as in unescapeStr.
            let (escaped, extra) = if escaped == "\\\r" && rest[3 + len..].starts_with('\n') {
                ("\\\r\n", 1)
            } else {
                (escaped, 0)
            };
            push(out, &unescape(escaped), false);
            i += 3 + len + extra;
        } else if rest.starts_with('$') {
            push(out, "$", false);
            i += 1;
        } else {
            // A lone `'`.
            push(out, "'", false);
            i += 1;
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Nix's `stripIndentation` (parser.y), step for step.
fn strip_indentation(parts: Vec<Part>) -> Vec<StrippedPart> {
    let mut at_start_of_line = true;
    let mut min_indent = 1_000_000usize;
    let mut cur_indent = 0usize;
    for p in &parts {
        match p {
            Part::Token {
                text,
                indentation: true,
            } => {
                for c in text.bytes() {
                    if at_start_of_line {
                        if c == b' ' {
                            cur_indent += 1;
                        } else if c == b'\n' {
                            cur_indent = 0;
                        } else {
                            at_start_of_line = false;
                            min_indent = min_indent.min(cur_indent);
                        }
                    } else if c == b'\n' {
                        at_start_of_line = true;
                        cur_indent = 0;
                    }
                }
            }
            _ => {
                if at_start_of_line {
                    at_start_of_line = false;
                    min_indent = min_indent.min(cur_indent);
                }
            }
        }
    }

    let mut out = Vec::with_capacity(parts.len());
    at_start_of_line = true;
    let mut cur_dropped = 0usize;
    let n = parts.len();
    for (idx, p) in parts.into_iter().enumerate() {
        match p {
            Part::Interp(e, node) => {
                at_start_of_line = false;
                cur_dropped = 0;
                out.push(StrippedPart::Interp(e, node));
            }
            Part::Token { text, .. } => {
                let mut s2 = String::with_capacity(text.len());
                for c in text.chars() {
                    if at_start_of_line {
                        if c == ' ' {
                            if cur_dropped >= min_indent {
                                s2.push(c);
                            }
                            cur_dropped += 1;
                        } else if c == '\n' {
                            cur_dropped = 0;
                            s2.push(c);
                        } else {
                            at_start_of_line = false;
                            cur_dropped = 0;
                            s2.push(c);
                        }
                    } else {
                        s2.push(c);
                        if c == '\n' {
                            at_start_of_line = true;
                        }
                    }
                }
                // Remove the last line if it is empty and consists only of spaces.
                if idx == n - 1 {
                    if let Some(p) = s2.rfind('\n') {
                        if s2[p + 1..].bytes().all(|b| b == b' ') {
                            s2.truncate(p + 1);
                        }
                    }
                }
                out.push(StrippedPart::Text(s2));
            }
        }
    }
    out
}

enum StrippedPart {
    Text(String),
    Interp(Option<rast::Expr>, rast::Interpol),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_rules() {
        assert_eq!(unescape(r"a\nb\tc\rd\$\{\\"), "a\nb\tc\rd${\\");
        assert_eq!(unescape("x\r\ny\rz"), "x\ny\nz");
    }

    #[test]
    fn indented_lexing_splits_escapes() {
        let mut out = Vec::new();
        lex_indented("  a''$b'''c''\\nd$'e", &mut out);
        let texts: Vec<(String, bool)> = out
            .into_iter()
            .map(|p| match p {
                Part::Token { text, indentation } => (text, indentation),
                Part::Interp(..) => unreachable!(),
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                ("  a".to_string(), true),
                ("$".to_string(), false),
                ("b".to_string(), true),
                ("''".to_string(), false),
                ("c".to_string(), true),
                ("\n".to_string(), false),
                ("d".to_string(), true),
                ("$".to_string(), false),
                ("'e".to_string(), true),
            ]
        );
    }
}
