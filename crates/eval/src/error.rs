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
    /// "Did you mean ...?" candidates, best first.
    pub suggestions: Vec<String>,
    /// The exit status the command line ends with, where Nix sets one (`withExitStatus`):
    /// 102 for a fetched file whose hash is not the one specified, as a build's hash
    /// mismatch. `None`: 1.
    pub exit_status: Option<u8>,
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
            suggestions: Vec::new(),
            exit_status: None,
        })
    }

    pub fn with_exit_status(mut self: Box<Self>, status: u8) -> Box<Self> {
        self.exit_status = Some(status);
        self
    }

    pub fn with_suggestions(mut self: Box<Self>, suggestions: Vec<String>) -> Box<Self> {
        self.suggestions = suggestions;
        self
    }

    pub fn is_catchable(&self) -> bool {
        matches!(self.kind, ErrorKind::Throw | ErrorKind::Assert)
    }

    /// Render as Nix does on stderr: `error: msg`, then the position and the source line.
    /// With `--show-trace`, as modern Nix: a bare `error:` line, the frames outermost
    /// first, then the error itself, indented under them.
    pub fn render(&self, show_trace: bool) -> String {
        let mut out = String::new();
        if show_trace && !self.trace.is_empty() {
            out.push_str("error:\n");
            for frame in self.trace.iter().rev() {
                out.push_str(&format!("       … {}\n", frame.message));
                if let Some(span) = frame.span {
                    out.push_str(&render_position(span));
                }
                out.push('\n');
            }
            out.push_str("       ");
        }
        out.push_str(&indent_message("error: ", &self.message));
        out.push('\n');
        if let Some(span) = self.span {
            out.push('\n');
            out.push_str(&render_position(span));
        }
        if !self.suggestions.is_empty() {
            out.push_str(&format!(
                "       Did you mean {}?\n",
                describe_suggestions(&self.suggestions)
            ));
        }
        if !show_trace && !self.trace.is_empty() {
            out.push_str("(use '--show-trace' to show detailed location information)\n");
        }
        out
    }
}

/// `prefix` and the message, continuation lines indented under its first line (`error: `
/// is seven columns wide), as Nix prints them; the `Try '... --help'` hint of a usage
/// error is Nix's separate line and stays unindented. As Nix's `indent` (both 2.8 and
/// modern), the message loses its trailing whitespace and newlines and every line its
/// trailing whitespace: a message starting with a newline (NixOS' `Failed assertions:`)
/// gives a bare `error:` line, and an empty line inside one (nixpkgs' unfree-package
/// message) is empty, not seven spaces.
fn indent_message(prefix: &str, message: &str) -> String {
    let message = message.trim_end_matches([' ', '\n', '\r', '\t']);
    let mut out = String::with_capacity(prefix.len() + message.len());
    for (i, line) in message.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let start = out.len();
        if i == 0 {
            out.push_str(prefix);
        } else if !line.starts_with("Try '") {
            out.push_str("       ");
        }
        out.push_str(line);
        let kept = out[start..].trim_end_matches([' ', '\r', '\t']).len();
        out.truncate(start + kept);
    }
    out
}

/// `       at file:line:col:` followed by the source lines around the position (the
/// line before, the line with a caret under the column, the line after), Nix's
/// `printCodeLines`: the line numbers right-aligned in five columns, each line without
/// its trailing whitespace (Nix's `indent` chomps every line). A last line that ends
/// the file with a newline has no line after it.
pub fn render_position(span: Span) -> String {
    let file = source::file(span.file);
    let (line, col) = file.line_col(span.start);
    let at = format!("       at {}:{}:{}:\n", file.display_name(), line, col);
    // A file that cannot be read again (or changed since): the position alone, as Nix.
    if file.line_text(line).is_none() {
        return at;
    }
    let mut out = at + "\n";
    let code = |out: &mut String, n: u32| {
        let text = format!("        {n:>5}| {}", file.line_text(n).unwrap_or_default());
        out.push_str(text.trim_end_matches([' ', '\t', '\r']));
        out.push('\n');
    };
    if line > 1 {
        code(&mut out, line - 1);
    }
    code(&mut out, line);
    out.push_str(&format!("             |{}^\n", " ".repeat(col as usize)));
    if file.has_line(line + 1) {
        code(&mut out, line + 1);
    }
    out
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
                let text = file.text().map(|t| t.to_string()).unwrap_or_default();
                report.with_source_code(miette::NamedSource::new(file.display_name(), text))
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

/// Nix's `Suggestions::bestMatches(..).trim()`: at most 5 names within edit distance 2,
/// ordered by distance, then name.
pub fn suggest<'a>(candidates: impl IntoIterator<Item = &'a str>, query: &str) -> Vec<String> {
    suggest_merged(candidates.into_iter().map(|c| (query, c)))
}

/// [`suggest`] over several failed lookups, each `(query, candidate)`: Nix merges the
/// `Suggestions` of each (`operator+=`, as a flake fragment's attribute paths all fail)
/// before trimming.
pub fn suggest_merged<'a, 'b>(pairs: impl IntoIterator<Item = (&'b str, &'a str)>) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = pairs.into_iter().map(|(q, c)| (levenshtein(q, c), c)).collect();
    scored.sort();
    scored.dedup();
    scored
        .into_iter()
        .take_while(|(d, _)| *d <= 2)
        .take(5)
        .map(|(_, c)| c.to_string())
        .collect()
}

fn describe_suggestions(s: &[String]) -> String {
    match s {
        [one] => one.clone(),
        _ => {
            let (last, init) = s.split_last().expect("non-empty");
            format!("one of {} or {}", init.join(", "), last)
        }
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut v0: Vec<usize> = (0..=b.len()).collect();
    let mut v1 = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        v1[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = if ca == cb { v0[j] } else { v0[j] + 1 };
            v1[j + 1] = (v0[j + 1] + 1).min(v1[j] + 1).min(sub);
        }
        std::mem::swap(&mut v0, &mut v1);
    }
    v0[b.len()]
}
