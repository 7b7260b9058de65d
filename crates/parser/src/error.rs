//! Errors found while parsing or lowering, with a source span for miette.

use crate::source::{self, Span};
use std::fmt;

#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    /// For an error Nix raises in its parser's actions (an attribute or formal defined
    /// twice, a dynamic name in `let`): the byte offset where the rule that raises it is
    /// reduced, the end of its binding or function. Of several errors Nix reports the one
    /// reduced first, and a syntax error only if its token comes before that
    /// (`error_order.rs`).
    pub reduced_at: Option<u32>,
}

impl ParseError {
    pub fn new(message: String, span: Span) -> Self {
        ParseError {
            message,
            span,
            reduced_at: None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

impl miette::Diagnostic for ParseError {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        None
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let len = (self.span.end - self.span.start).max(1) as usize;
        Some(Box::new(std::iter::once(miette::LabeledSpan::new(
            Some(self.span.describe()),
            self.span.start as usize,
            len,
        ))))
    }
}

impl ParseError {
    /// A self-contained miette report (with the file's text attached).
    pub fn to_report(&self) -> miette::Report {
        let file = source::file(self.span.file);
        let text = file.text().map(|t| t.to_string()).unwrap_or_default();
        miette::Report::new(self.clone()).with_source_code(miette::NamedSource::new(file.display_name(), text))
    }
}
