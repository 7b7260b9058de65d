//! IDE analyses of one Nix file over its lossless syntax tree: no evaluation, so they
//! answer at once and whatever state the configuration is in. A language server (or any
//! tool) builds an [`Analysis`] per file version and asks it; everything is in byte
//! offsets ([`LineIndex`] converts to editor positions). What needs evaluation (option
//! paths, `lib.`/`pkgs.` names) is only *located* here ([`Analysis::option_path_at`],
//! [`Analysis::completion_context`]); the caller answers it from an evaluation.

mod builtin_docs;
mod complete;
mod line_index;
mod nav;
mod rename;
pub mod scope;
mod symbols;

pub use builtin_docs::builtin_doc;
pub use complete::{Completion, CompletionContext, CompletionKind};
pub use line_index::LineIndex;
pub use nav::{OptionPath, Target};
pub use rename::Edit;
pub use symbols::{DocSymbol, SymbolKind};

use rnix::SyntaxNode;
use scope::{Resolved, Scopes};
use std::collections::HashSet;

/// The names bound outside any file, which resolution and completion need.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Every global (`builtins`, `import`, `map`, `true`, `__add`, ...).
    pub globals: HashSet<String>,
    /// The attribute names of `builtins`.
    pub builtins: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found without evaluating, with its byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub start: u32,
    pub end: u32,
    pub severity: Severity,
    pub message: String,
}

/// Hover text (Markdown) for a byte range.
#[derive(Clone, Debug)]
pub struct Hover {
    pub start: u32,
    pub end: u32,
    pub markdown: String,
}

/// One file version, parsed and resolved.
pub struct Analysis {
    pub text: String,
    pub root: SyntaxNode,
    pub scopes: Scopes,
    pub line_index: LineIndex,
}

impl Analysis {
    pub fn new(text: &str, names: &Names) -> Analysis {
        let parsed = rnix_eval_parser::parse(text);
        let root = parsed.syntax();
        let scopes = scope::resolve(&root, &names.globals);
        Analysis {
            text: text.to_string(),
            root,
            scopes,
            line_index: LineIndex::new(text),
        }
    }

    /// The syntax error (Nix's wording), or else every undefined variable. Names under a
    /// `with` are never reported: only evaluation knows the `with`'s set. With a syntax
    /// error only that is reported, as Nix does: the tree after it is the parser's
    /// recovery (`let a = 1; b = ; c = 2; in c` reads the name `c` as a variable).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some((start, end, message)) = rnix_eval_parser::check_syntax(&self.text) {
            out.push(Diagnostic {
                start,
                end,
                severity: Severity::Error,
                message,
            });
            return out;
        }
        for r in &self.scopes.references {
            if r.resolved == Resolved::Undefined {
                out.push(Diagnostic {
                    start: r.range.start().into(),
                    end: r.range.end().into(),
                    severity: Severity::Error,
                    message: format!("undefined variable '{}'", r.name),
                });
            }
        }
        out
    }

    /// Hover for a variable (where it is bound) or a builtin (its documentation).
    pub fn hover(&self, offset: u32) -> Option<Hover> {
        let r = self.scopes.reference_at(offset);
        if let Some(b) = self.scopes.binding_at(offset) {
            let binding = &self.scopes.bindings[b];
            let def = &binding.defs[0];
            let (line, _) = self.line_index.position(def.range.start().into());
            let kind = match binding.kind {
                scope::BindingKind::Let => "let binding",
                scope::BindingKind::Rec => "rec attribute",
                scope::BindingKind::Lambda => "function argument",
                scope::BindingKind::Formal => "formal argument",
                scope::BindingKind::PatternBind => "argument set",
            };
            let range = r.map(|r| r.range).unwrap_or(def.range);
            return Some(Hover {
                start: range.start().into(),
                end: range.end().into(),
                markdown: format!(
                    "`{}`: {kind}, bound at line {}\n\n```nix\n{}\n```",
                    binding.name,
                    line + 1,
                    self.binding_line(def.range.start().into())
                ),
            });
        }
        // `builtins.name` or a global that is a builtin.
        let (start, end, name) = match r {
            Some(r) if r.resolved == Resolved::Global => (r.range.start().into(), r.range.end().into(), r.name.clone()),
            _ => {
                let (start, end, chain) = self.chain_at(offset)?;
                let name = chain.strip_prefix("builtins.")?;
                (start, end, name.to_string())
            }
        };
        let doc = builtin_doc(name.trim_start_matches("__"))?;
        Some(Hover {
            start,
            end,
            markdown: format!("`builtins.{}`\n\n{doc}", name.trim_start_matches("__")),
        })
    }

    /// The source line a binding starts on, trimmed (for hover).
    fn binding_line(&self, offset: u32) -> &str {
        let (line, _) = self.line_index.position(offset);
        let start = self.line_index.line_start(line).unwrap_or(0) as usize;
        let end = self.text[start..]
            .find(['\n', '\r'])
            .map(|e| start + e)
            .unwrap_or(self.text.len());
        self.text[start..end].trim()
    }

    /// The dotted name (`a.b.c`) around `offset`, with its byte range.
    fn chain_at(&self, offset: u32) -> Option<(u32, u32, String)> {
        let bytes = self.text.as_bytes();
        let is_word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'\'' | b'-' | b'.');
        let mut start = (offset as usize).min(bytes.len());
        while start > 0 && is_word(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = (offset as usize).min(bytes.len());
        while end < bytes.len() && is_word(bytes[end]) {
            end += 1;
        }
        (start < end).then(|| (start as u32, end as u32, self.text[start..end].to_string()))
    }
}
