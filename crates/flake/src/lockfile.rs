//! `flake.lock`: a graph of nodes (the root, and one per locked input), read from versions
//! 5-7 and written as version 7 exactly as Nix writes it (`LockFile::toJSON`: nodes named
//! by the input that first reaches them in a depth-first walk in input order, `_2`, `_3`
//! for clashes; keys sorted; two-space indentation; a final newline).

use rnix_eval_fetch::{AttrValue, Attrs};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, HashMap};

pub type NodeId = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edge {
    Node(NodeId),
    /// `follows`: a path of input names from the root.
    Follows(Vec<String>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    pub inputs: BTreeMap<String, Edge>,
    /// `None` for the root.
    pub locked: Option<Attrs>,
    pub original: Option<Attrs>,
    pub is_flake: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockFile {
    /// `nodes[0]` is the root.
    pub nodes: Vec<Node>,
}

impl Default for LockFile {
    fn default() -> Self {
        LockFile {
            nodes: vec![Node {
                is_flake: true,
                ..Node::default()
            }],
        }
    }
}

pub const ROOT: NodeId = 0;

impl LockFile {
    pub fn add(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Modern Nix's `LockFile::findInput`: follow `path` of input names from the root to
    /// a node (`None` when it leads nowhere). A `follows` that leads back to a path being
    /// followed (`inputs.x.follows = "x"`, or `b/x` following `b/x/y`) is an error, `follow
    /// cycle detected: [x -> x]`; Nix 2.8 accepted such a lock and recursed without end
    /// where the input was used. As in Nix, the paths already followed are kept for the
    /// whole search, siblings' included.
    pub fn find_input(&self, path: &[String]) -> Result<Option<NodeId>, String> {
        self.find_within(path, &mut Vec::new())
    }

    fn find_within(&self, path: &[String], visited: &mut Vec<Vec<String>>) -> Result<Option<NodeId>, String> {
        if let Some(at) = visited.iter().position(|p| p.as_slice() == path) {
            let cycle: Vec<String> = visited[at..]
                .iter()
                .chain([&path.to_vec()])
                .map(|p| p.join("/"))
                .collect();
            return Err(format!("follow cycle detected: [{}]", cycle.join(" -> ")));
        }
        visited.push(path.to_vec());
        let mut id = ROOT;
        for name in path {
            id = match self.nodes[id].inputs.get(name) {
                None => return Ok(None),
                Some(Edge::Node(n)) => *n,
                Some(Edge::Follows(target)) => match self.find_within(target, visited)? {
                    Some(n) => n,
                    None => return Ok(None),
                },
            };
        }
        Ok(Some(id))
    }

    /// Modern Nix's `LockFile::check`, run on a lock before it is used or written: every
    /// non-empty `follows` leads to an input, without a cycle; the inputs are checked in
    /// the order of their paths (`getAllInputs`' map).
    pub fn check(&self) -> Result<(), String> {
        let mut all = BTreeMap::new();
        let mut done = vec![false; self.nodes.len()];
        self.all_inputs(ROOT, &mut Vec::new(), &mut done, &mut all);
        for (path, target) in all {
            if !target.is_empty() && self.find_input(target)?.is_none() {
                return Err(format!(
                    "input '{}' follows a non-existent input '{}'",
                    path.join("/"),
                    target.join("/")
                ));
            }
        }
        Ok(())
    }

    /// The `follows` of every input reachable from `id`, by input path (each node walked
    /// once, as `getAllInputs` does).
    fn all_inputs<'a>(
        &'a self,
        id: NodeId,
        prefix: &mut Vec<String>,
        done: &mut [bool],
        all: &mut BTreeMap<Vec<String>, &'a [String]>,
    ) {
        if std::mem::replace(&mut done[id], true) {
            return;
        }
        for (name, edge) in &self.nodes[id].inputs {
            prefix.push(name.clone());
            match edge {
                Edge::Node(child) => self.all_inputs(*child, prefix, done, all),
                Edge::Follows(target) => {
                    all.insert(prefix.clone(), target.as_slice());
                }
            }
            prefix.pop();
        }
    }

    /// Parse the lock file at `path` (named in errors, as modern Nix names it).
    pub fn parse(text: &str, path: &str) -> Result<LockFile, String> {
        let json: Json = serde_json::from_str(text).map_err(|e| format!("invalid lock file: {e}"))?;
        let version = json["version"].as_u64().unwrap_or(0);
        if !(5..=7).contains(&version) {
            return Err(format!("lock file '{path}' has unsupported version {version}"));
        }
        let nodes = json["nodes"].as_object().ok_or("lock file lacks 'nodes'")?;
        let root_key = json["root"].as_str().ok_or("lock file lacks 'root'")?;
        let mut ids: HashMap<&str, NodeId> = HashMap::new();
        ids.insert(root_key, ROOT);
        for key in nodes.keys().filter(|k| k.as_str() != root_key) {
            let n = ids.len();
            ids.insert(key, n);
        }
        let mut out = vec![Node::default(); ids.len()];
        for (key, node) in nodes {
            let id = ids[key.as_str()];
            let n = &mut out[id];
            n.is_flake = node.get("flake").and_then(Json::as_bool).unwrap_or(true);
            n.locked = node.get("locked").map(json_attrs).transpose()?;
            // Version 5 kept `narHash` and `lastModified` in `info`: Nix merges it into
            // `locked` (`getFlakeRef(json, "locked", "info")`).
            if let (Some(locked), Some(info)) = (n.locked.as_mut(), node.get("info")) {
                for (k, v) in json_attrs(info)?.iter() {
                    locked.set(k, v.clone());
                }
            }
            if id != ROOT {
                check_locked(n.locked.as_ref())?;
            }
            n.original = node.get("original").map(json_attrs).transpose()?;
            // Nix's `LockedNode`: every input records what it was asked for.
            if id != ROOT && n.original.is_none() {
                return Err("attribute 'original' missing in lock file".into());
            }
            match node.get("inputs") {
                None => {}
                Some(Json::Object(inputs)) => {
                    for (name, target) in inputs {
                        let edge = match target {
                            // Nix's `LockFile`: an input edge to the root node is refused.
                            Json::String(k) if ids.get(k.as_str()) == Some(&ROOT) => {
                                return Err("lock file contains cycle to root node".into())
                            }
                            Json::String(k) => Edge::Node(
                                *ids.get(k.as_str())
                                    .ok_or(format!("lock file references missing node '{k}'"))?,
                            ),
                            Json::Array(path) => {
                                Edge::Follows(path.iter().filter_map(|p| p.as_str().map(String::from)).collect())
                            }
                            other => return Err(not_a_string(other)),
                        };
                        n.inputs.insert(name.clone(), edge);
                    }
                }
                // nlohmann's iteration of a scalar yields the scalar, read as a node name.
                Some(other) => return Err(not_a_string(other)),
            }
        }
        Ok(LockFile { nodes: out })
    }

    /// The text Nix writes.
    pub fn to_json_text(&self) -> String {
        let mut names: HashMap<NodeId, String> = HashMap::new();
        let mut taken = std::collections::HashSet::new();
        let mut nodes = Map::new();
        self.dump(ROOT, "root".into(), &mut names, &mut taken, &mut nodes);
        let json = json!({ "nodes": Json::Object(nodes), "root": "root", "version": 7 });
        let mut text = serde_json::to_string_pretty(&json).expect("JSON values serialise");
        text.push('\n');
        text
    }

    fn dump(
        &self,
        id: NodeId,
        key: String,
        names: &mut HashMap<NodeId, String>,
        taken: &mut std::collections::HashSet<String>,
        out: &mut Map<String, Json>,
    ) -> String {
        if let Some(k) = names.get(&id) {
            return k.clone();
        }
        let key = if taken.insert(key.clone()) {
            key
        } else {
            (2..)
                .map(|n| format!("{key}_{n}"))
                .find(|k| taken.insert(k.clone()))
                .expect("some suffix is free")
        };
        names.insert(id, key.clone());
        let node = &self.nodes[id];
        let mut n = Map::new();
        if !node.inputs.is_empty() {
            let mut inputs = Map::new();
            for (name, edge) in &node.inputs {
                let v = match edge {
                    Edge::Node(child) => Json::String(self.dump(*child, name.clone(), names, taken, out)),
                    Edge::Follows(path) => Json::Array(path.iter().cloned().map(Json::String).collect()),
                };
                inputs.insert(name.clone(), v);
            }
            n.insert("inputs".into(), Json::Object(inputs));
        }
        if let (Some(locked), Some(original)) = (&node.locked, &node.original) {
            n.insert("locked".into(), attrs_json(locked));
            n.insert("original".into(), attrs_json(original));
            if !node.is_flake {
                n.insert("flake".into(), Json::Bool(false));
            }
        }
        out.insert(key.clone(), Json::Object(n));
        key
    }
}

pub fn attrs_json(attrs: &Attrs) -> Json {
    let mut m = Map::new();
    for (k, v) in attrs.iter() {
        let j = match v {
            AttrValue::Str(s) => Json::String(s.clone()),
            AttrValue::Int(n) => Json::from(*n),
            AttrValue::Bool(b) => Json::Bool(*b),
        };
        m.insert(k.clone(), j);
    }
    Json::Object(m)
}

/// Modern Nix's `LockedNode` constructor: an entry must pin its source by a revision or
/// a content hash (a relative `path:` input is pinned by its parent). Nix 2.8 says
/// "lockfile contains mutable lock".
fn check_locked(locked: Option<&Attrs>) -> Result<(), String> {
    let Some(locked) = locked else {
        return Err("attribute 'locked' missing in lock file".into());
    };
    // Modern Nix's `PathInputScheme::inputFromAttrs` (Nix 2.8: `unsupported path input
    // attribute 'extra'`).
    if locked.get_str("type") == Some("path") {
        const PATH_ATTRS: [&str; 7] = ["type", "path", "dir", "rev", "revCount", "lastModified", "narHash"];
        if let Some((name, _)) = locked.iter().find(|(k, _)| !PATH_ATTRS.contains(&k.as_str())) {
            return Err(format!("input attribute '{name}' not supported by scheme 'path'"));
        }
    }
    let relative = locked.get_str("type") == Some("path") && !locked.get_str("path").unwrap_or("/").starts_with('/');
    if locked.get_str("rev").is_some() || locked.get_str("narHash").is_some() || relative {
        return Ok(());
    }
    Err(format!(
        "Lock file contains unlocked input '{}'. Use '--allow-dirty-locks' to accept this lock file.",
        attrs_json(locked)
    ))
}

fn json_attrs(j: &Json) -> Result<Attrs, String> {
    let obj = j.as_object().ok_or("lock file node attributes must be an object")?;
    let mut attrs = Attrs::new();
    for (k, v) in obj {
        match v {
            Json::String(s) => attrs.set(k, s.as_str()),
            Json::Bool(b) => attrs.set(k, *b),
            Json::Number(n) => attrs.set(
                k,
                n.as_u64()
                    .ok_or(format!("lock file attribute '{k}' is not a natural number"))?,
            ),
            _ => return Err(format!("lock file attribute '{k}' has an unsupported type")),
        }
    }
    Ok(attrs)
}

/// nlohmann's error for a JSON value read as a string (Nix reads an input edge so).
fn not_a_string(v: &Json) -> String {
    let kind = match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    };
    format!("[json.exception.type_error.302] type must be string, but is {kind}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_lock_files_round_trip_byte_for_byte() {
        // Both written by Nix 2.8's `nix flake lock`: git inputs where `a`'s input `b`
        // follows the root's `b`; and `path:` inputs, one with `flake = false`.
        for text in [
            include_str!("../testdata/git-follows.lock"),
            include_str!("../testdata/path-inputs.lock"),
        ] {
            let lock = LockFile::parse(text, "flake.lock").unwrap();
            assert_eq!(lock.to_json_text(), text);
        }
        let lock = LockFile::parse(include_str!("../testdata/git-follows.lock"), "flake.lock").unwrap();
        assert_eq!(
            lock.find_input(&["a".into(), "b".into()]),
            lock.find_input(&["b".into()])
        );
    }

    /// Nix's `LockedNode` refuses a node without `original`, and modern Nix's path
    /// scheme an attribute it does not know; both were read and the lock rewritten.
    #[test]
    fn malformed_nodes_are_refused() {
        let text = include_str!("../testdata/path-inputs.lock");
        let mut json: Json = serde_json::from_str(text).unwrap();
        let nodes = json["nodes"].as_object_mut().unwrap();
        let input = nodes.keys().find(|k| k.as_str() != "root").unwrap().clone();
        let mut no_original = json.clone();
        no_original["nodes"][&input].as_object_mut().unwrap().remove("original");
        assert_eq!(
            LockFile::parse(&no_original.to_string(), "flake.lock").err().as_deref(),
            Some("attribute 'original' missing in lock file")
        );
        json["nodes"][&input]["locked"]["extra"] = Json::String("1".into());
        assert_eq!(
            LockFile::parse(&json.to_string(), "flake.lock").err().as_deref(),
            Some("input attribute 'extra' not supported by scheme 'path'")
        );
        // Nix 2.8's messages (modern Nix's `LockFile` reads these alike).
        let cases = [
            (r#"{"dep":"root"}"#, "lock file contains cycle to root node"),
            (
                "5",
                "[json.exception.type_error.302] type must be string, but is number",
            ),
            (
                r#"{"dep":true}"#,
                "[json.exception.type_error.302] type must be string, but is boolean",
            ),
        ];
        for (inputs, message) in cases {
            let text = format!(r#"{{"nodes":{{"root":{{"inputs":{inputs}}}}},"root":"root","version":7}}"#);
            assert_eq!(
                LockFile::parse(&text, "flake.lock").err().as_deref(),
                Some(message),
                "{inputs}"
            );
        }
    }

    #[test]
    fn follows_cycles_fail_the_check_as_in_modern_nix() {
        // Modern Nix's `doFind` messages (Nix 2.8 accepted these locks and recursed
        // without end where such an input was used).
        let path = |p: &str| p.split('/').map(String::from).collect::<Vec<_>>();
        let follows = |to: &str| Edge::Follows(path(to));
        let mut lock = LockFile::default();
        lock.nodes[ROOT].inputs.insert("x".into(), follows("x"));
        assert_eq!(
            lock.find_input(&path("x")),
            Err("follow cycle detected: [x -> x]".into())
        );
        assert_eq!(lock.check(), Err("follow cycle detected: [x -> x]".into()));
        let mut lock = LockFile::default();
        lock.nodes[ROOT].inputs.insert("a".into(), follows("b"));
        lock.nodes[ROOT].inputs.insert("b".into(), follows("a"));
        assert_eq!(lock.check(), Err("follow cycle detected: [b -> a -> b]".into()));
        // `b/x` following `b/x/y` runs back through itself.
        let mut lock = LockFile::default();
        let b = lock.add(Node::default());
        lock.nodes[ROOT].inputs.insert("b".into(), Edge::Node(b));
        lock.nodes[b].inputs.insert("x".into(), follows("b/x/y"));
        assert_eq!(lock.check(), Err("follow cycle detected: [b/x/y -> b/x/y]".into()));
        // A follows that leads nowhere, and one to an existing input.
        lock.nodes[b].inputs.insert("x".into(), follows("b"));
        assert_eq!(lock.check(), Ok(()));
        lock.nodes[ROOT].inputs.insert("y".into(), follows("missing"));
        assert_eq!(
            lock.check(),
            Err("input 'y' follows a non-existent input 'missing'".into())
        );
    }

    #[test]
    fn clashing_node_names_get_suffixes() {
        let mut lock = LockFile::default();
        let leaf = |url: &str| Node {
            locked: Some({
                let mut a = Attrs::new();
                a.set("type", "path");
                a.set("path", url);
                a
            }),
            original: Some(Attrs::new()),
            is_flake: true,
            ..Node::default()
        };
        let inner = lock.add(leaf("/b1"));
        let mut a = leaf("/a");
        a.inputs.insert("b".into(), Edge::Node(inner));
        let a = lock.add(a);
        let b = lock.add(leaf("/b2"));
        lock.nodes[ROOT].inputs.insert("a".into(), Edge::Node(a));
        lock.nodes[ROOT].inputs.insert("b".into(), Edge::Node(b));
        let text = lock.to_json_text();
        assert!(text.contains("\"b\": \"b_2\""), "{text}");
    }
}
