//! What changed between two lock files, as Nix prints it under `updating lock file` and
//! `not writing modified lock file` (Nix's `LockFile::diff`): every input path of each
//! file, in order of path, as `• Added input 'a/b':`, `• Removed input 'a'` or
//! `• Updated input 'a':` with the locked reference (and its date) or the `follows`.

use crate::lockfile::{Edge, LockFile, NodeId, ROOT};
use rnix_eval_fetch::Attrs;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

/// An input path's edge, as it is printed and compared.
fn describe(lock: &LockFile, edge: &Edge) -> String {
    match edge {
        Edge::Follows(path) => format!("follows '{}'", path.join("/")),
        Edge::Node(id) => {
            let Some(locked) = &lock.nodes[*id].locked else {
                return "''".into();
            };
            let mut text = format!("'{}'", rnix_eval_fetch::flakeref::locked_to_string(locked));
            if let Some(secs) = locked.get_int("lastModified") {
                // `%Y-%m-%d` of the `%Y%m%d%H%M%S` form.
                let date = rnix_eval_fetch::last_modified_date(secs as i64);
                text.push_str(&format!(" ({}-{}-{})", &date[..4], &date[4..6], &date[6..8]));
            }
            text
        }
    }
}

/// An edge as Nix compares it (`equals`: the whole locked reference, or the `follows`
/// path), beside what is printed of it: a git input is printed without its `narHash`,
/// so an updated dirty work tree is listed with two equal lines, as Nix lists it.
#[derive(PartialEq)]
struct Described {
    locked: Option<Attrs>,
    text: String,
}

/// Every input path reachable from the root (each node walked once, as Nix's
/// `flattenLockFile`), with its edge described.
fn flatten(lock: &LockFile) -> BTreeMap<Vec<String>, Described> {
    fn walk(
        lock: &LockFile,
        node: NodeId,
        prefix: &[String],
        done: &mut HashSet<NodeId>,
        out: &mut BTreeMap<Vec<String>, Described>,
    ) {
        if !done.insert(node) {
            return;
        }
        for (name, edge) in &lock.nodes[node].inputs {
            let mut path = prefix.to_vec();
            path.push(name.clone());
            out.entry(path.clone()).or_insert_with(|| Described {
                locked: match edge {
                    Edge::Node(id) => lock.nodes[*id].locked.clone(),
                    Edge::Follows(_) => None,
                },
                text: describe(lock, edge),
            });
            if let Edge::Node(child) = edge {
                walk(lock, *child, &path, done, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(lock, ROOT, &[], &mut HashSet::new(), &mut out);
    out
}

/// The changes from `old` to `new`, one line per change (and its reference lines), each
/// ending in a newline; empty when the locked inputs are the same.
pub fn diff(old: &LockFile, new: &LockFile) -> String {
    let (old, new) = (flatten(old), flatten(new));
    let mut out = String::new();
    let (mut i, mut j) = (old.iter().peekable(), new.iter().peekable());
    loop {
        // Both lists are in order of input path: the smaller path is the one only its
        // side has.
        let order = match (i.peek(), j.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((a, _)), Some((b, _))) => a.cmp(b),
        };
        match order {
            Ordering::Less => {
                let (path, _) = i.next().expect("peeked");
                out.push_str(&format!("• Removed input '{}'\n", path.join("/")));
            }
            Ordering::Greater => {
                let (path, added) = j.next().expect("peeked");
                out.push_str(&format!("• Added input '{}':\n    {}\n", path.join("/"), added.text));
            }
            Ordering::Equal => {
                let ((path, was), (_, now)) = (i.next().expect("peeked"), j.next().expect("peeked"));
                if was != now {
                    out.push_str(&format!(
                        "• Updated input '{}':\n    {}\n  → {}\n",
                        path.join("/"),
                        was.text,
                        now.text
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockfile::Node;
    use rnix_eval_fetch::Attrs;

    fn path_node(path: &str, modified: u64) -> Node {
        let mut locked = Attrs::new();
        locked.set("type", "path");
        locked.set("path", path);
        locked.set("lastModified", modified);
        locked.set("narHash", "sha256-Mzg+QlSRgsEefvBUchqYti3joc88hVYIZZ/XtDnTh5Y=");
        Node {
            locked: Some(locked),
            original: Some(Attrs::new()),
            is_flake: true,
            ..Node::default()
        }
    }

    fn git_node(rev: Option<&str>, nar_hash: &str) -> Node {
        let mut locked = Attrs::new();
        locked.set("type", "git");
        locked.set("url", "file:///w/dep");
        locked.set("lastModified", 1650000000u64);
        locked.set("narHash", nar_hash);
        if let Some(rev) = rev {
            locked.set("ref", "main");
            locked.set("rev", rev);
            locked.set("revCount", 1u64);
        }
        Node {
            locked: Some(locked),
            original: Some(Attrs::new()),
            is_flake: true,
            ..Node::default()
        }
    }

    /// Nix 2.8's lines for a git input (a differential flake hunt, `--update-input dep`):
    /// the reference without `narHash`, `lastModified` or `revCount`; and a dirty work
    /// tree that changed is listed although both lines print alike.
    #[test]
    fn git_inputs_are_listed_as_nix_lists_them() {
        let lock_of = |node: Node| {
            let mut lock = LockFile::default();
            let id = lock.add(node);
            lock.nodes[ROOT].inputs.insert("dep".into(), Edge::Node(id));
            lock
        };
        let (r1, r2) = (
            "128490878599b99367c4f812db071ccb3043810b",
            "b4793ee37abc16c57b332477b35f08b97804e6a5",
        );
        let (h1, h2) = (
            "sha256-XjTVLcD19Ay4nnLvQh/MNh0yE+NYrQqPTnD8tGSZCiM=",
            "sha256-Mzg+QlSRgsEefvBUchqYti3joc88hVYIZZ/XtDnTh5Y=",
        );
        assert_eq!(
            diff(&lock_of(git_node(Some(r1), h1)), &lock_of(git_node(Some(r2), h2))),
            format!(
                "• Updated input 'dep':\n    'git+file:///w/dep?ref=main&rev={r1}' (2022-04-15)\n  → 'git+file:///w/dep?ref=main&rev={r2}' (2022-04-15)\n"
            )
        );
        assert_eq!(
            diff(&lock_of(git_node(None, h1)), &lock_of(git_node(None, h2))),
            "• Updated input 'dep':\n    'git+file:///w/dep' (2022-04-15)\n  → 'git+file:///w/dep' (2022-04-15)\n"
        );
        assert_eq!(diff(&lock_of(git_node(None, h1)), &lock_of(git_node(None, h1))), "");
    }

    /// The lines Nix 2.8 printed for the same change (`nix eval` of a flake whose `u`
    /// moved, `v` and a `follows` were added and `w` removed).
    #[test]
    fn changes_are_listed_as_nix_lists_them() {
        let mut old = LockFile::default();
        let u1 = old.add(path_node("/tmp/ld/u1", 1600000000));
        let w = old.add(path_node("/tmp/ld/w", 1600000000));
        old.nodes[ROOT].inputs.insert("u".into(), Edge::Node(u1));
        old.nodes[ROOT].inputs.insert("w".into(), Edge::Node(w));
        let mut new = LockFile::default();
        let u2 = new.add(path_node("/tmp/ld/u2", 1600000000));
        let v = new.add(path_node("/tmp/ld/w", 1600000000));
        new.nodes[ROOT].inputs.insert("u".into(), Edge::Node(u2));
        new.nodes[ROOT].inputs.insert("v".into(), Edge::Node(v));
        new.nodes[ROOT]
            .inputs
            .insert("x".into(), Edge::Follows(vec!["v".into()]));
        let hash = "narHash=sha256-Mzg+QlSRgsEefvBUchqYti3joc88hVYIZZ%2fXtDnTh5Y=";
        let want = format!(
            "• Updated input 'u':\n    'path:/tmp/ld/u1?lastModified=1600000000&{hash}' (2020-09-13)\n  → 'path:/tmp/ld/u2?lastModified=1600000000&{hash}' (2020-09-13)\n\
             • Added input 'v':\n    'path:/tmp/ld/w?lastModified=1600000000&{hash}' (2020-09-13)\n\
             • Removed input 'w'\n\
             • Added input 'x':\n    follows 'v'\n"
        );
        assert_eq!(diff(&old, &new), want);
        assert_eq!(diff(&new, &new), "");
    }
}
