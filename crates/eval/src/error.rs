//! Evaluation errors: Nix's messages, a source span, and a trace of what was being
//! evaluated (shown with `--show-trace`).

use rnix_eval_parser::source;
use rnix_eval_parser::{ParseError, Span};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `throw`: caught by `tryEval`.
    Throw,
    /// A failed `assert`: caught by `tryEval`.
    Assert,
    /// `abort`: never caught.
    Abort,
    /// Everything else (type errors, missing attributes, ...).
    Eval,
    /// Syntax errors, also from `import`.
    Parse,
}

#[derive(Clone, Debug)]
pub struct EvalError {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Option<Span>,
    pub trace: Vec<TraceFrame>,
}

#[derive(Clone, Debug)]
pub struct TraceFrame {
    pub span: Option<Span>,
    pub message: String,
}

pub type EvalResult<T> = Result<T, Box<EvalError>>;

impl EvalError {
    pub fn new(kind: ErrorKind, message: impl Into<String>, span: Option<Span>) -> Box<EvalError> {
        Box::new(EvalError {
            kind,
            message: message.into(),
            span,
            trace: Vec::new(),
        })
    }

    pub fn is_catchable(&self) -> bool {
        matches!(self.kind, ErrorKind::Throw | ErrorKind::Assert)
    }

    /// Render as Nix does on stderr: `error: msg`, then the position and the source line.
    pub fn render(&self, show_trace: bool) -> String {
        let mut out = String::new();
        if show_trace {
            for frame in self.trace.iter().rev() {
                out.push_str(&format!("       … {}\n", frame.message));
                if let Some(span) = frame.span {
                    out.push_str(&render_position(span));
                }
                out.push('\n');
            }
        }
        out.push_str(&format!("error: {}\n", self.message));
        if let Some(span) = self.span {
            out.push('\n');
            out.push_str(&render_position(span));
        }
        if !show_trace && !self.trace.is_empty() {
            out.push_str("(use '--show-trace' to show detailed location information)\n");
        }
        out
    }
}

/// `       at file:line:col:` followed by the source line and a caret, Nix's layout.
pub fn render_position(span: Span) -> String {
    let file = source::file(span.file);
    let (line, col) = file.line_col(span.start);
    let text = file.line_text(line);
    let gutter = format!("{line}");
    let pad = " ".repeat(gutter.len());
    format!(
        "       at {}:{}:{}:\n\n       {} {}| {}\n       {} {}| {}^\n\n",
        file.display_name(),
        line,
        col,
        "    ",
        gutter,
        text,
        "    ",
        pad,
        " ".repeat((col as usize).saturating_sub(1))
    )
}

impl From<ParseError> for Box<EvalError> {
    fn from(e: ParseError) -> Self {
        EvalError::new(ErrorKind::Parse, e.message, Some(e.span))
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

impl miette::Diagnostic for EvalError {
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        let len = (span.end - span.start).max(1) as usize;
        Some(Box::new(std::iter::once(miette::LabeledSpan::new(
            Some(span.describe()),
            span.start as usize,
            len,
        ))))
    }
}

impl EvalError {
    /// A miette report with the source text attached, for library users and tooling.
    pub fn to_report(&self) -> miette::Report {
        let report = miette::Report::new(self.clone());
        match self.span {
            Some(span) => {
                let file = source::file(span.file);
                report.with_source_code(miette::NamedSource::new(file.display_name(), file.text.to_string()))
            }
            None => report,
        }
    }
}

#[macro_export]
macro_rules! bail {
    ($span:expr, $($fmt:tt)*) => {
        return Err($crate::error::EvalError::new($crate::error::ErrorKind::Eval, format!($($fmt)*), $span))
    };
}
