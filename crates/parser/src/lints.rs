//! Modern Nix's literal lints (`lint-absolute-path-literals`, `lint-short-path-literals`,
//! `lint-url-literals`): each `ignore` (the default), `warn` (a warning on stderr when the
//! file is parsed) or `fatal` (a parse error). Source: `parser.y` (`path_start`, `URI`)
//! and `eval-settings.hh` of NixOS/nix.
//!
//! The settings are per thread (the evaluation thread sets them once). Warnings are
//! printed while lowering, so a file is never taken from the parse cache while a lint is
//! on (see [`all_ignored`]): a cached tree would skip them.

use crate::error::ParseError;
use crate::source::{self, Span};
use std::cell::Cell;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Diagnose {
    #[default]
    Ignore,
    Warn,
    Fatal,
}

impl Diagnose {
    /// A setting's value as Nix spells it.
    pub fn parse(value: &str) -> Option<Diagnose> {
        match value {
            "ignore" => Some(Diagnose::Ignore),
            "warn" => Some(Diagnose::Warn),
            "fatal" => Some(Diagnose::Fatal),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Default, Debug)]
pub struct Lints {
    pub absolute_paths: Diagnose,
    pub short_paths: Diagnose,
    pub urls: Diagnose,
}

thread_local! {
    static LINTS: Cell<Lints> = const { Cell::new(Lints {
        absolute_paths: Diagnose::Ignore,
        short_paths: Diagnose::Ignore,
        urls: Diagnose::Ignore,
    }) };
}

pub fn set(lints: Lints) {
    LINTS.with(|l| l.set(lints));
}

pub fn all_ignored() -> bool {
    let l = LINTS.with(Cell::get);
    [l.absolute_paths, l.short_paths, l.urls]
        .iter()
        .all(|d| *d == Diagnose::Ignore)
}

/// The first literal segment of a path literal (`/tmp/foo`, `foo/bar`, `~/x`).
pub(crate) fn check_path(literal: &str, span: Span) -> Result<(), ParseError> {
    let lints = LINTS.with(Cell::get);
    if literal.starts_with('/') {
        diagnose(lints.absolute_paths, span, "lint-absolute-path-literals", |_| {
            format!("absolute path literals are not portable. Consider replacing path literal '{literal}' by a string, relative path, or parameter")
        })
    } else if literal.starts_with('~') {
        diagnose(lints.absolute_paths, span, "lint-absolute-path-literals", |_| {
            format!("home path literals are not portable. Consider replacing path literal '{literal}' by a string, relative path, or parameter")
        })
    } else if !literal.starts_with('.') {
        diagnose(lints.short_paths, span, "lint-short-path-literals", |_| {
            format!("relative path literal '{literal}' should be prefixed with '.' for clarity: './{literal}'")
        })
    } else {
        Ok(())
    }
}

/// An unquoted URL (`http://example.com`).
pub(crate) fn check_url(literal: &str, span: Span) -> Result<(), ParseError> {
    let lints = LINTS.with(Cell::get);
    diagnose(lints.urls, span, "lint-url-literals", |fatal| {
        let how = if fatal { "disallowed" } else { "discouraged" };
        format!("URL literals are {how}. Consider using a string literal \"{literal}\" instead")
    })
}

fn diagnose(setting: Diagnose, span: Span, name: &str, message: impl FnOnce(bool) -> String) -> Result<(), ParseError> {
    match setting {
        Diagnose::Ignore => Ok(()),
        Diagnose::Fatal => Err(ParseError::new(format!("{} ({name})", message(true)), span)),
        Diagnose::Warn => {
            let text = warning(&format!("{} ({name})", message(false)), span);
            eprint!("{text}");
            Ok(())
        }
    }
}

/// `warning: MSG`, the position and the lines around it, in modern Nix's layout
/// (`printCodeLines`: the line before, the line with a caret, the line after).
fn warning(message: &str, span: Span) -> String {
    let file = source::file(span.file);
    let (line, col) = file.line_col(span.start);
    let text = file.text().unwrap_or_default();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = format!(
        "warning: {message}\n         at {}:{line}:{col}:\n",
        file.display_name()
    );
    let width = (line as usize + 1).min(lines.len()).to_string().len();
    let code = |out: &mut String, n: usize| {
        if let Some(text) = lines.get(n - 1) {
            out.push_str(&format!("{:>w$}{n:>width$}| {text}", "", w = 14));
            let trimmed_len = out.trim_end_matches(' ').len();
            out.truncate(trimmed_len);
            out.push('\n');
        }
    };
    let line = line as usize;
    if line > 1 {
        code(&mut out, line - 1);
    }
    code(&mut out, line);
    out.push_str(&format!(
        "{:>w$}| {}^\n",
        "",
        " ".repeat(col as usize - 1),
        w = 14 + width
    ));
    if line < lines.len() {
        code(&mut out, line + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_as_nix_spells_them() {
        assert_eq!(Diagnose::parse("warn"), Some(Diagnose::Warn));
        assert_eq!(Diagnose::parse("fatal"), Some(Diagnose::Fatal));
        assert_eq!(Diagnose::parse("ignore"), Some(Diagnose::Ignore));
        assert_eq!(Diagnose::parse("error"), None);
    }
}
