//! Computing a flake's lock file (Nix's `lockFlake`/`computeLocks`): each input is taken
//! from the old lock when its `original` still matches (and no `--update-input` or
//! override touches it), else fetched and locked; a fetched flake's own inputs are locked
//! the same way, seeded from its own `flake.lock`; `follows` become path edges.

use crate::flake_nix::{self, FlakeInput};
use crate::lockfile::{Edge, LockFile, Node, NodeId, ROOT};
use crate::{FlakeOptions, SourceRef};
use rnix_eval_core::error::{ErrorKind, EvalError, EvalResult};
use rnix_eval_core::Evaluator;
use rnix_eval_fetch::{Attrs, FlakeRef};
use std::collections::BTreeMap;

type InputPath = Vec<String>;

pub(crate) struct Locker<'a> {
    pub ev: &'a mut Evaluator,
    pub opts: &'a FlakeOptions,
    pub lock: LockFile,
    /// `inputs.X.inputs.Y` overrides by the input path they apply to, with the input path
    /// of the flake that wrote them (its `follows` are relative to it).
    overrides: BTreeMap<InputPath, (FlakeInput, InputPath)>,
    /// The references of the flakes being locked above the current one (Nix's `parents`):
    /// a flake among its own ancestors is a circular import, not an endless descent.
    parents: Vec<Attrs>,
}

/// Where to continue in an old lock file: the graph, the node, and the input path that
/// prefixes its `follows` (empty for the flake's own lock file).
#[derive(Clone, Copy)]
pub(crate) struct OldNode<'o> {
    lock: &'o LockFile,
    id: NodeId,
    follows_prefix: &'o [String],
}

impl<'a> Locker<'a> {
    pub fn new(ev: &'a mut Evaluator, opts: &'a FlakeOptions) -> Self {
        Locker {
            ev,
            opts,
            lock: LockFile::default(),
            overrides: BTreeMap::new(),
            parents: Vec::new(),
        }
    }

    pub fn lock_root(
        &mut self,
        inputs: &BTreeMap<String, FlakeInput>,
        old: Option<&LockFile>,
        root: &SourceRef,
    ) -> EvalResult<()> {
        let old = old.map(|lock| OldNode {
            lock,
            id: ROOT,
            follows_prefix: &[],
        });
        self.compute(ROOT, inputs, &[], old, root)
    }

    fn compute(
        &mut self,
        node: NodeId,
        inputs: &BTreeMap<String, FlakeInput>,
        prefix: &[String],
        old: Option<OldNode>,
        parent: &SourceRef,
    ) -> EvalResult<()> {
        for (id, input) in inputs {
            let path: InputPath = prefix.iter().cloned().chain([id.clone()]).collect();
            for (name, o) in &input.overrides {
                let mut p = path.clone();
                p.push(name.clone());
                self.overrides.entry(p).or_insert_with(|| (o.clone(), prefix.to_vec()));
            }
        }
        for (id, declared) in inputs {
            let path: InputPath = prefix.iter().cloned().chain([id.clone()]).collect();
            let (input, declared_at) = match self.overrides.get(&path) {
                Some((o, at)) => (merge(declared, o), at.clone()),
                None => (declared.clone(), prefix.to_vec()),
            };
            if let Some(follows) = &input.follows {
                // `follows` are relative to the flake that wrote them (Nix 2.8 and later).
                let absolute = declared_at.iter().chain(follows.iter()).cloned().collect();
                self.lock.nodes[node].inputs.insert(id.clone(), Edge::Follows(absolute));
                continue;
            }
            let Some(reference) = &input.reference else {
                return Err(fail(format!(
                    "input '{}' has neither a 'url' nor a 'follows'",
                    path.join("/")
                )));
            };
            let updating = self
                .opts
                .update_inputs
                .iter()
                .any(|u| path.join("/").starts_with(u.as_str()));
            let touched = self
                .overrides
                .keys()
                .any(|k| k.len() > path.len() && k.starts_with(&path));
            let reusable = old.and_then(|o| match o.lock.nodes[o.id].inputs.get(id) {
                Some(Edge::Node(child)) => Some((o, *child)),
                _ => None,
            });
            if let Some((o, child)) = reusable.filter(|_| !updating && !touched && !self.opts.recreate) {
                let old_node = &o.lock.nodes[child];
                if old_node.original.as_ref() == Some(&original_attrs(reference)) && old_node.is_flake == input.is_flake
                {
                    if input.is_flake && self.has_stale_follows(old_node, &path) {
                        let relocked = self.relock_at_locked_revision(node, id, reference, parent, &path, o, child)?;
                        if relocked {
                            continue;
                        }
                    }
                    let copied = self.copy_subtree(o, child);
                    self.lock.nodes[node].inputs.insert(id.clone(), Edge::Node(copied));
                    continue;
                }
            }
            if self.opts.refuse_unlocked
                && reference.input.get_str("rev").is_none()
                && reference.input.get_str("narHash").is_none()
            {
                return Err(fail(format!(
                    "cannot update flake input '{}' in pure mode",
                    path.join("/")
                )));
            }
            let (tree_src, locked) = crate::fetch_reference(self.ev, reference, parent, &path)?;
            let child = self.lock.add(Node {
                inputs: BTreeMap::new(),
                locked: Some(locked),
                original: Some(original_attrs(reference)),
                is_flake: input.is_flake,
            });
            self.lock.nodes[node].inputs.insert(id.clone(), Edge::Node(child));
            if input.is_flake {
                let flake_file = tree_src.flake_file();
                let child_flake = flake_nix::read(self.ev, &flake_file, &reference.to_url())?;
                let own_lock = crate::read_lock_file(self.ev, &tree_src.lock_file())?;
                let child_old = own_lock.as_ref().map(|lock| OldNode {
                    lock,
                    id: ROOT,
                    follows_prefix: &path,
                });
                self.compute_below(reference, child, &child_flake.inputs, &path, child_old, &tree_src)?;
            }
        }
        Ok(())
    }

    /// [`Locker::compute`] for the inputs of the flake `reference`, refusing a flake that
    /// is already being locked above (Nix 2.8: `found circular import of flake`).
    fn compute_below(
        &mut self,
        reference: &FlakeRef,
        node: NodeId,
        inputs: &BTreeMap<String, FlakeInput>,
        prefix: &[String],
        old: Option<OldNode>,
        source: &SourceRef,
    ) -> EvalResult<()> {
        let original = original_attrs(reference);
        if self.parents.contains(&original) {
            return Err(fail(format!("found circular import of flake '{}'", reference.to_url())));
        }
        self.parents.push(original);
        let result = self.compute(node, inputs, prefix, old, source);
        self.parents.pop();
        result
    }

    /// A kept input whose old lock has a `follows` that no override asks for any more:
    /// the override was removed (or the flake's own inputs changed), so, as Nix's
    /// `mustRefetch`, its inputs are locked again.
    fn has_stale_follows(&self, old_node: &crate::lockfile::Node, path: &[String]) -> bool {
        old_node.inputs.iter().any(|(name, edge)| {
            let mut p = path.to_vec();
            p.push(name.clone());
            matches!(edge, Edge::Follows(_)) && !self.overrides.contains_key(&p)
        })
    }

    /// Lock the inputs of the flake at the old lock's node `child` again, its own
    /// revision kept: fetched at the locked reference, its `flake.nix` read, and each of
    /// its inputs kept from the old lock where it still matches. `false` when the locked
    /// source cannot be fetched (the old subtree is then kept as it is).
    #[allow(clippy::too_many_arguments)]
    fn relock_at_locked_revision(
        &mut self,
        node: NodeId,
        id: &str,
        reference: &FlakeRef,
        parent: &SourceRef,
        path: &[String],
        o: OldNode,
        child: NodeId,
    ) -> EvalResult<bool> {
        let old_node = &o.lock.nodes[child];
        let Some(mut locked) = old_node.locked.clone() else {
            return Ok(false);
        };
        let subdir = locked.get_str("dir").map(String::from).unwrap_or_default();
        locked.remove("dir");
        let locked_ref = FlakeRef { input: locked, subdir };
        let Ok((tree_src, _)) = crate::fetch_reference(self.ev, &locked_ref, parent, path) else {
            return Ok(false);
        };
        let new_child = self.lock.add(crate::lockfile::Node {
            inputs: BTreeMap::new(),
            ..old_node.clone()
        });
        self.lock.nodes[node]
            .inputs
            .insert(id.to_string(), Edge::Node(new_child));
        let child_flake = flake_nix::read(self.ev, &tree_src.flake_file(), &reference.to_url())?;
        let old_here = OldNode { id: child, ..o };
        self.compute_below(
            reference,
            new_child,
            &child_flake.inputs,
            path,
            Some(old_here),
            &tree_src,
        )?;
        Ok(true)
    }

    /// Copy a node and what it reaches from an old lock file into the new one.
    fn copy_subtree(&mut self, old: OldNode, id: NodeId) -> NodeId {
        let source = &old.lock.nodes[id];
        let new_id = self.lock.add(Node {
            inputs: BTreeMap::new(),
            ..source.clone()
        });
        for (name, edge) in &source.inputs {
            let e = match edge {
                Edge::Node(child) => Edge::Node(self.copy_subtree(old, *child)),
                Edge::Follows(p) => Edge::Follows(old.follows_prefix.iter().chain(p.iter()).cloned().collect()),
            };
            self.lock.nodes[new_id].inputs.insert(name.clone(), e);
        }
        new_id
    }
}

/// An override replaces what it sets.
fn merge(declared: &FlakeInput, o: &FlakeInput) -> FlakeInput {
    let mut m = declared.clone();
    if o.follows.is_some() {
        m.follows = o.follows.clone();
        m.reference = None;
    }
    if o.reference.is_some() {
        m.reference = o.reference.clone();
        m.follows = None;
    }
    m
}

/// `original` in the lock: the reference as written, with its `dir`.
pub(crate) fn original_attrs(r: &FlakeRef) -> Attrs {
    let mut a = r.input.clone();
    if !r.subdir.is_empty() {
        a.set("dir", r.subdir.as_str());
    }
    a
}

pub(crate) fn fail(msg: String) -> Box<EvalError> {
    EvalError::new(ErrorKind::Eval, msg, None)
}
