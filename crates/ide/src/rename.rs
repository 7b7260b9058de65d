//! Renaming a local binding: every definition and reference, `inherit` included
//! (`inherit x;` whose `x` is renamed becomes `x = y;`, keeping the attribute's name).

use crate::scope::{BindingKind, Resolved};
use crate::Analysis;

/// Replace `start..end` by `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: u32,
    pub end: u32,
    pub text: String,
}

fn is_identifier(name: &str) -> bool {
    // (`__curPos` is a token of its own: as a name it would read the source position.)
    const KEYWORDS: [&str; 11] = [
        "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or", "__curPos",
    ];
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-'))
        && !KEYWORDS.contains(&name)
}

impl Analysis {
    /// The edits renaming the binding at `offset` to `new_name`.
    pub fn rename(&self, offset: u32, new_name: &str) -> Result<Vec<Edit>, String> {
        if !is_identifier(new_name) {
            return Err(format!("'{new_name}' is not a Nix identifier"));
        }
        let b = self
            .scopes
            .binding_at(offset)
            .ok_or("no local binding here: only let, rec, and function arguments can be renamed")?;
        let binding = &self.scopes.bindings[b];
        if binding.kind == BindingKind::Formal {
            return Err(format!(
                "'{}' is a formal argument: renaming it would change what callers pass",
                binding.name
            ));
        }
        if binding.kind == BindingKind::Rec {
            return Err(format!(
                "'{}' is an attribute of a rec set: renaming it would change the set's attribute names",
                binding.name
            ));
        }
        self.check_capture(b, new_name)?;
        let old = &binding.name;
        let mut edits = Vec::new();
        // `inherit a x b;` loses `x` and gains an entry after it.
        let inherit_edit =
            |edits: &mut Vec<Edit>, range: rowan::TextRange, entry: rowan::TextRange, entry_text: String| {
                edits.push(Edit {
                    start: range.start().into(),
                    end: range.end().into(),
                    text: String::new(),
                });
                edits.push(Edit {
                    start: entry.end().into(),
                    end: entry.end().into(),
                    text: format!(" {entry_text}"),
                });
            };
        for def in &binding.defs {
            match &def.inherit {
                None => edits.push(Edit {
                    start: def.range.start().into(),
                    end: def.range.end().into(),
                    text: new_name.to_string(),
                }),
                Some(site) => {
                    let value = match &site.from {
                        Some(from) => format!("({from}).{old}"),
                        None => old.clone(),
                    };
                    inherit_edit(&mut edits, def.range, site.entry, format!("{new_name} = {value};"));
                }
            }
        }
        for r in &self.scopes.references {
            if r.resolved != Resolved::Binding(b) {
                continue;
            }
            match &r.inherit {
                None => edits.push(Edit {
                    start: r.range.start().into(),
                    end: r.range.end().into(),
                    text: new_name.to_string(),
                }),
                Some(site) => inherit_edit(&mut edits, r.range, site.entry, format!("{old} = {new_name};")),
            }
        }
        edits.sort_by_key(|e| (e.start, e.end));
        Ok(edits)
    }

    /// Refuse a new name that would change what some variable refers to: one already
    /// bound beside `b`, one bound between `b` and a reference to it (the reference would
    /// be captured), or one that `b` would now shadow for an existing reference.
    fn check_capture(&self, b: usize, new_name: &str) -> Result<(), String> {
        let scopes = &self.scopes;
        if scopes
            .ranges
            .iter()
            .filter(|r| r.bindings.contains(&b))
            .any(|r| r.bindings.iter().any(|&o| scopes.bindings[o].name == new_name))
        {
            return Err(format!("'{new_name}' is already bound in the same scope"));
        }
        // Innermost first: where `b` and the first binding called `new_name` stand.
        let order = |offset: u32| {
            let (visible, _) = scopes.visible_at(offset);
            let at = |pred: &dyn Fn(usize) -> bool| visible.iter().position(|&o| pred(o));
            (at(&|o| o == b), at(&|o| scopes.bindings[o].name == new_name))
        };
        for r in &scopes.references {
            let offset = u32::from(r.range.start());
            // `inherit x;` becomes `x = NEW;`, whose value is read inside the scope the
            // `inherit` is in (a `let` or `rec` set binding `NEW` would capture it).
            if r.resolved == Resolved::Binding(b)
                && r.inherit.is_some()
                && scopes.ranges.iter().any(|range| {
                    range.range.contains_range(r.range)
                        && range
                            .bindings
                            .iter()
                            .any(|&o| o != b && scopes.bindings[o].name == new_name)
                })
            {
                return Err(format!(
                    "renaming to '{new_name}' would make an inherited value resolve to another binding"
                ));
            }
            if r.resolved == Resolved::Binding(b) {
                if let (Some(own), Some(other)) = order(offset) {
                    if other < own {
                        return Err(format!(
                            "renaming to '{new_name}' would make a reference resolve to another binding"
                        ));
                    }
                }
            } else if r.name == new_name {
                let (own, other) = order(offset);
                let shadowed = match (own, other) {
                    (Some(_), None) => true,
                    (Some(own), Some(other)) => own < other,
                    _ => false,
                };
                if shadowed {
                    return Err(format!(
                        "renaming to '{new_name}' would capture an existing reference to '{new_name}'"
                    ));
                }
            }
        }
        Ok(())
    }
}
