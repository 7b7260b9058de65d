//! What the cursor is completing, and the answers that need no evaluation (variables in
//! scope, globals, `builtins.` names).

use crate::{Analysis, Names};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Variable,
    Builtin,
    Attribute,
    Option,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
}

/// What the text before the cursor asks for. `start` is where the partial name begins
/// (the range the editor replaces).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompletionContext {
    /// A name on its own: variables in scope and globals.
    Name { partial: String, start: u32 },
    /// `var.a.b.part`, where `var` is bound (or a global): attributes of that set.
    Attr {
        var: String,
        path: Vec<String>,
        partial: String,
        start: u32,
    },
    /// An option path in a module: `path` is the enclosing sets' path and what was typed.
    Option {
        path: Vec<String>,
        partial: String,
        start: u32,
    },
}

impl Analysis {
    /// Every reading of the cursor position, most specific first (a name at the start of
    /// a set entry is both a variable and, in a module, an option name).
    pub fn completion_context(&self, offset: u32) -> Vec<CompletionContext> {
        let bytes = self.text.as_bytes();
        let offset = (offset as usize).min(bytes.len());
        let is_word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'\'' | b'-' | b'.');
        let mut begin = offset;
        while begin > 0 && is_word(bytes[begin - 1]) {
            begin -= 1;
        }
        let chain = &self.text[begin..offset];
        let mut parts: Vec<String> = chain.split('.').map(String::from).collect();
        let partial = parts.pop().unwrap_or_default();
        let start = (offset - partial.len()) as u32;
        let prefix = self.option_prefix_at(begin as u32);
        if parts.is_empty() {
            let mut out = vec![CompletionContext::Name {
                partial: partial.clone(),
                start,
            }];
            let before = self.text[..begin].trim_end();
            if before.ends_with('{') || before.ends_with(';') {
                if let Some(mut path) = prefix {
                    if path.first().is_some_and(|p| p == "config") {
                        path.remove(0);
                    }
                    // Where a set's next attribute name goes (`services.openssh = { | }`),
                    // a variable cannot be written: only option names.
                    if self.starts_a_set_entry(before.len()) {
                        out.clear();
                    }
                    out.push(CompletionContext::Option { path, partial, start });
                }
            }
            return out;
        }
        let var = parts[0].clone();
        let (visible, _) = self.scopes.visible_at(begin as u32);
        let bound = visible.iter().any(|&b| self.scopes.bindings[b].name == var);
        let reference = self.scopes.reference_at(begin as u32);
        let is_variable =
            bound || reference.is_some_and(|r| r.resolved != crate::scope::Resolved::Undefined) || var == "builtins";
        if is_variable {
            return vec![CompletionContext::Attr {
                var,
                path: parts[1..].to_vec(),
                partial,
                start,
            }];
        }
        match prefix {
            Some(mut path) => {
                path.extend(parts);
                if path.first().is_some_and(|p| p == "config") {
                    path.remove(0);
                }
                vec![CompletionContext::Option { path, partial, start }]
            }
            None => Vec::new(),
        }
    }

    /// Whether the `{` or `;` that ends at `end` opens a set or ends one of its entries, so
    /// that what follows it is an attribute name (not `with e;`, `assert e;` or formals).
    fn starts_a_set_entry(&self, end: usize) -> bool {
        use rnix::SyntaxKind as K;
        let Some(at) = end.checked_sub(1) else { return false };
        let Some(token) = self.root.token_at_offset((at as u32).into()).right_biased() else {
            return false;
        };
        match (token.kind(), token.parent().map(|p| p.kind())) {
            (K::TOKEN_L_BRACE, Some(K::NODE_PATTERN)) => token
                .parent()
                .and_then(|p| p.parent())
                .is_some_and(|l| crate::nav::is_set_being_typed(&l)),
            (K::TOKEN_L_BRACE, Some(parent)) => matches!(parent, K::NODE_ATTR_SET),
            (K::TOKEN_SEMICOLON, Some(parent)) => matches!(parent, K::NODE_ATTRPATH_VALUE | K::NODE_INHERIT),
            _ => false,
        }
    }

    /// The answers of the syntax alone: names in scope and globals for
    /// [`CompletionContext::Name`], `builtins.` attributes. Empty for the rest.
    pub fn complete(&self, context: &CompletionContext, names: &Names) -> Vec<Completion> {
        match context {
            CompletionContext::Name { partial, start } => {
                let (visible, _) = self.scopes.visible_at(*start);
                let mut out: Vec<Completion> = visible
                    .iter()
                    .map(|&b| &self.scopes.bindings[b])
                    .filter(|b| b.name.starts_with(partial.as_str()))
                    .map(|b| Completion {
                        label: b.name.clone(),
                        kind: CompletionKind::Variable,
                        detail: None,
                    })
                    .collect();
                let mut globals: Vec<&String> = names
                    .globals
                    .iter()
                    .filter(|g| !g.starts_with("__") && g.starts_with(partial.as_str()))
                    .filter(|g| !out.iter().any(|c| &c.label == *g))
                    .collect();
                globals.sort();
                out.extend(globals.into_iter().map(|g| Completion {
                    label: g.clone(),
                    kind: CompletionKind::Builtin,
                    detail: None,
                }));
                out
            }
            CompletionContext::Attr { var, path, partial, .. } if var == "builtins" && path.is_empty() => names
                .builtins
                .iter()
                .filter(|b| b.starts_with(partial.as_str()))
                .map(|b| Completion {
                    label: b.clone(),
                    kind: CompletionKind::Builtin,
                    detail: crate::builtin_doc(b).map(|d| d.lines().next().unwrap_or("").to_string()),
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}
