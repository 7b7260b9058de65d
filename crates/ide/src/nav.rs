//! Where things are: definitions of variables and files, and the option path a module's
//! attribute stands for.

use crate::Analysis;
use rnix::{SyntaxKind, SyntaxNode};
use rowan::TextSize;
use std::path::{Path, PathBuf};

/// Where "go to definition" leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A range of this file.
    Local { start: u32, end: u32 },
    /// A file (an `import ./x.nix`, a path literal; a directory means its `default.nix`).
    File(PathBuf),
}

/// The option a module's attribute path names (`services.openssh.enable` in
/// `config.services.openssh = { enable = true; }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionPath {
    pub path: Vec<String>,
    /// The hovered component's range.
    pub start: u32,
    pub end: u32,
    /// Under `options`: the module declares it rather than defines it.
    pub declaring: bool,
}

impl Analysis {
    fn node_at(&self, offset: u32) -> Option<SyntaxNode> {
        let offset = TextSize::from(offset.min(self.text.len() as u32));
        let token = self.root.token_at_offset(offset).right_biased()?;
        token.parent()
    }

    /// The binding a variable refers to, or the file a path literal names (relative
    /// paths against `file_dir`).
    pub fn definition(&self, offset: u32, file_dir: Option<&Path>) -> Option<Target> {
        if let Some(r) = self.scopes.reference_at(offset) {
            if let crate::scope::Resolved::Binding(b) = r.resolved {
                let def = &self.scopes.bindings[b].defs[0];
                return Some(Target::Local {
                    start: def.range.start().into(),
                    end: def.range.end().into(),
                });
            }
        }
        let node = self.node_at(offset)?;
        let path_node = node.ancestors().find(|n| {
            matches!(
                n.kind(),
                SyntaxKind::NODE_PATH_ABS | SyntaxKind::NODE_PATH_REL | SyntaxKind::NODE_PATH_HOME
            )
        })?;
        if path_node.children().next().is_some() {
            return None; // interpolated: only evaluation knows it
        }
        let text = path_node.text().to_string();
        let path = match path_node.kind() {
            SyntaxKind::NODE_PATH_ABS => PathBuf::from(&text),
            SyntaxKind::NODE_PATH_HOME => PathBuf::from(std::env::var("HOME").ok()?).join(&text[2..]),
            _ => file_dir?.join(&text),
        };
        let path = if path.is_dir() { path.join("default.nix") } else { path };
        Some(Target::File(normalize(&path)))
    }

    /// The option path of the set entries enclosing `offset` (`config.` dropped), when
    /// the enclosing sets form a module's body: `None` inside a `let` binding or a
    /// dynamic attribute.
    pub fn option_prefix_at(&self, offset: u32) -> Option<Vec<String>> {
        let node = self.node_at(offset)?;
        let mut path = Vec::new();
        let mut cur = node;
        while let Some(parent) = cur.parent() {
            match parent.kind() {
                SyntaxKind::NODE_ATTRPATH_VALUE => {
                    if parent.parent().is_some_and(|p| p.kind() == SyntaxKind::NODE_LET_IN) {
                        return None;
                    }
                    if cur.kind() != SyntaxKind::NODE_ATTRPATH {
                        let attrpath = parent.children().find(|c| c.kind() == SyntaxKind::NODE_ATTRPATH)?;
                        let names = static_names(&attrpath)?;
                        path.splice(0..0, names);
                    }
                }
                SyntaxKind::NODE_ATTR_SET
                | SyntaxKind::NODE_APPLY
                | SyntaxKind::NODE_PAREN
                | SyntaxKind::NODE_LIST
                | SyntaxKind::NODE_WITH
                | SyntaxKind::NODE_LET_IN
                | SyntaxKind::NODE_IF_ELSE
                | SyntaxKind::NODE_BIN_OP
                | SyntaxKind::NODE_ATTRPATH
                | SyntaxKind::NODE_ERROR => {}
                // `x = { na };` being typed reads as formals without a body.
                SyntaxKind::NODE_PAT_ENTRY | SyntaxKind::NODE_PATTERN | SyntaxKind::NODE_LAMBDA
                    if parent
                        .ancestors()
                        .find(|a| a.kind() == SyntaxKind::NODE_LAMBDA)
                        .is_some_and(|l| is_set_being_typed(&l)) => {}
                _ => break,
            }
            cur = parent;
        }
        Some(path)
    }

    /// The option named by the attribute path component under `offset`.
    pub fn option_path_at(&self, offset: u32) -> Option<OptionPath> {
        let node = self.node_at(offset)?;
        let attr = node
            .ancestors()
            .find(|n| n.parent().is_some_and(|p| p.kind() == SyntaxKind::NODE_ATTRPATH))?;
        let attrpath = attr.parent()?;
        if attrpath.parent()?.kind() != SyntaxKind::NODE_ATTRPATH_VALUE {
            return None;
        }
        let mut path = self.option_prefix_at(attrpath.text_range().start().into())?;
        let index = attrpath.children().position(|c| c == attr)?;
        // Only the components up to the hovered one must be static: `virtualHosts` in
        // `services.nginx.virtualHosts.${name}.root` names an option.
        path.extend(static_names_of(attrpath.children().take(index + 1))?);
        let declaring = path.first().is_some_and(|p| p == "options");
        if matches!(path.first().map(String::as_str), Some("config" | "options")) {
            path.remove(0);
        }
        (!path.is_empty()).then(|| OptionPath {
            path,
            start: attr.text_range().start().into(),
            end: attr.text_range().end().into(),
            declaring,
        })
    }
}

impl Analysis {
    /// Where this module file declares the option `path` (an attribute under `options`
    /// whose option path is `path`): the offset of its last component. Libs record only
    /// the declaring file of an option.
    pub fn option_declaration(&self, path: &[String]) -> Option<u32> {
        let name = path.last()?;
        // A match inside a longer name gives that name's path, never `path`.
        self.text
            .match_indices(name.as_str())
            .map(|(at, _)| at as u32)
            .find(|&at| self.option_path_at(at).is_some_and(|p| p.declaring && p.path == path))
    }
}

/// The names of an attribute path, `None` if one is dynamic.
fn static_names(attrpath: &SyntaxNode) -> Option<Vec<String>> {
    static_names_of(attrpath.children())
}

/// The names of attribute path components, `None` if one is dynamic.
fn static_names_of(components: impl Iterator<Item = SyntaxNode>) -> Option<Vec<String>> {
    components
        .map(|a| match a.kind() {
            SyntaxKind::NODE_IDENT => Some(a.text().to_string()),
            SyntaxKind::NODE_STRING if a.children().next().is_none() => {
                Some(a.text().to_string().trim_matches('"').to_string())
            }
            _ => None,
        })
        .collect()
}

/// `a/./b/../c` as `a/c`, without touching the file system (symlinks stay).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// `x = { na };` while the attribute name is typed: rnix reads `{ na }` as a function's
/// formals whose `:` and body are missing (an error where the body goes), the value of
/// an attribute. A function written so is a syntax error anyway, so it is read as the set.
pub(crate) fn is_set_being_typed(lambda: &rnix::SyntaxNode) -> bool {
    let mut children = lambda.children();
    lambda.kind() == SyntaxKind::NODE_LAMBDA
        && children.next().is_some_and(|c| c.kind() == SyntaxKind::NODE_PATTERN)
        && children.next().is_some_and(|c| c.kind() == SyntaxKind::NODE_ERROR)
        && lambda
            .parent()
            .is_some_and(|p| p.kind() == SyntaxKind::NODE_ATTRPATH_VALUE)
}
