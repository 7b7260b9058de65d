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
    /// `--update-input a/b` as input paths.
    updates: Vec<InputPath>,
    /// Those of `updates` that named an input met while locking.
    updates_used: Vec<InputPath>,
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
            updates: opts
                .update_inputs
                .iter()
                .map(|u| u.split('/').map(String::from).collect())
                .collect(),
            updates_used: Vec::new(),
        }
    }

    /// The `--update-input` paths that named no input of the flake (after locking).
    pub fn unused_updates(&self) -> impl Iterator<Item = &InputPath> {
        self.updates.iter().filter(|u| !self.updates_used.contains(u))
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
        self.compute(ROOT, inputs, &[], &[], old, root, false)
    }

    /// Lock `inputs` (a flake's own, or the inputs an old lock file gives a kept node) as
    /// the inputs of `node`. `follows_base` is what their `follows` are relative to: the
    /// flake's input path, or for inputs read from an old lock file, that file's prefix.
    /// `trust_lock`: the inputs come from an old lock file already checked (modern Nix's
    /// `trustLock`).
    #[allow(clippy::too_many_arguments)]
    fn compute(
        &mut self,
        node: NodeId,
        inputs: &BTreeMap<String, FlakeInput>,
        prefix: &[String],
        follows_base: &[String],
        old: Option<OldNode>,
        parent: &SourceRef,
        trust_lock: bool,
    ) -> EvalResult<()> {
        for (id, input) in inputs {
            let path: InputPath = prefix.iter().cloned().chain([id.clone()]).collect();
            self.add_overrides(input, &path, prefix);
        }
        for (id, declared) in inputs {
            let path: InputPath = prefix.iter().cloned().chain([id.clone()]).collect();
            let (input, declared_at) = match self.overrides.get(&path) {
                Some((o, at)) => (merge(declared, o), at.clone()),
                None => (declared.clone(), follows_base.to_vec()),
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
            // Only the input named by `--update-input` itself is fetched anew; its own
            // inputs come from its lock file, as for any input fetched (Nix's
            // `inputUpdates.count`).
            let updating = self.updates.contains(&path);
            if updating {
                self.updates_used.push(path.clone());
            }
            let kept = old
                .filter(|_| !updating)
                .and_then(|o| match o.lock.nodes[o.id].inputs.get(id) {
                    Some(Edge::Node(child)) => Some((o, *child)),
                    _ => None,
                })
                .filter(|(o, child)| o.lock.nodes[*child].original.as_ref() == Some(&original_attrs(reference)));
            if let Some((o, child)) = kept {
                self.keep(node, id, reference, &path, o, child, parent, trust_lock)?;
                continue;
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
            // Nix's `lockFlake`: for a command-line override, "we use the *original*
            // ref" (the declared one) as `original`.
            let original = input.cli_original.as_ref().unwrap_or(reference);
            let child = self.lock.add(Node {
                inputs: BTreeMap::new(),
                locked: Some(locked),
                original: Some(original_attrs(original)),
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
                self.compute_below(
                    reference,
                    child,
                    &child_flake.inputs,
                    &path,
                    &path,
                    child_old,
                    &tree_src,
                    false,
                )?;
            }
        }
        Ok(())
    }

    /// `inputs.X.inputs.Y...` overrides at any depth, kept by the input path they apply
    /// to; the first one written (the outermost flake's) wins.
    fn add_overrides(&mut self, input: &FlakeInput, path: &[String], declared_at: &[String]) {
        for (name, o) in &input.overrides {
            let mut p = path.to_vec();
            p.push(name.clone());
            if o.reference.is_some() || o.follows.is_some() {
                self.overrides
                    .entry(p.clone())
                    .or_insert_with(|| (o.clone(), declared_at.to_vec()));
            }
            self.add_overrides(o, &p, declared_at);
        }
    }

    /// An input whose old lock entry still matches keeps its locked revision (and its
    /// `flake = false` or not, whatever it says now). Its inputs are those of the old
    /// lock, where overrides may still change them; the flake is read again at its
    /// locked revision only when `--update-input` names an input below it or, unless the
    /// lock is trusted, when a `follows` of the old lock is no longer asked for (Nix's
    /// `mustRefetch`).
    #[allow(clippy::too_many_arguments)]
    fn keep(
        &mut self,
        node: NodeId,
        id: &str,
        reference: &FlakeRef,
        path: &[String],
        o: OldNode,
        child: NodeId,
        parent: &SourceRef,
        trust_lock: bool,
    ) -> EvalResult<()> {
        let old_node = &o.lock.nodes[child];
        let mut must_refetch = self.updates.iter().any(|u| u.len() > path.len() && u.starts_with(path));
        let mut lock_inputs = BTreeMap::new();
        for (name, edge) in &old_node.inputs {
            if must_refetch {
                break;
            }
            let input = match edge {
                Edge::Node(n) => {
                    let n = &o.lock.nodes[*n];
                    FlakeInput {
                        reference: n.original.clone().map(FlakeRef::from_attrs),
                        is_flake: n.is_flake,
                        ..FlakeInput::default()
                    }
                }
                Edge::Follows(target) => {
                    let mut p = path.to_vec();
                    p.push(name.clone());
                    if !trust_lock && !self.overrides.contains_key(&p) {
                        must_refetch = true;
                        break;
                    }
                    FlakeInput {
                        follows: Some(target.clone()),
                        ..FlakeInput::default()
                    }
                }
            };
            lock_inputs.insert(name.clone(), input);
        }
        let here = OldNode { id: child, ..o };
        let refetched = if must_refetch {
            self.fetch_locked(old_node, parent, path)
        } else {
            None
        };
        if must_refetch && refetched.is_none() {
            // The locked source cannot be fetched: the old subtree is kept as it is.
            let copied = self.copy_subtree(o, child);
            self.lock.nodes[node].inputs.insert(id.to_string(), Edge::Node(copied));
            return Ok(());
        }
        let new_child = self.lock.add(Node {
            inputs: BTreeMap::new(),
            ..old_node.clone()
        });
        self.lock.nodes[node]
            .inputs
            .insert(id.to_string(), Edge::Node(new_child));
        if let Some(tree_src) = refetched {
            let flake = flake_nix::read(self.ev, &tree_src.flake_file(), &reference.to_url())?;
            return self.compute_below(
                reference,
                new_child,
                &flake.inputs,
                path,
                path,
                Some(here),
                &tree_src,
                false,
            );
        }
        self.compute(
            new_child,
            &lock_inputs,
            path,
            o.follows_prefix,
            Some(here),
            parent,
            true,
        )
    }

    /// [`Locker::compute`] for the inputs of the flake `reference`, refusing a flake that
    /// is already being locked above (Nix 2.8: `found circular import of flake`).
    #[allow(clippy::too_many_arguments)]
    fn compute_below(
        &mut self,
        reference: &FlakeRef,
        node: NodeId,
        inputs: &BTreeMap<String, FlakeInput>,
        prefix: &[String],
        follows_base: &[String],
        old: Option<OldNode>,
        source: &SourceRef,
        trust_lock: bool,
    ) -> EvalResult<()> {
        let original = original_attrs(reference);
        if self.parents.contains(&original) {
            return Err(fail(format!("found circular import of flake '{}'", reference.to_url())));
        }
        self.parents.push(original);
        let result = self.compute(node, inputs, prefix, follows_base, old, source, trust_lock);
        self.parents.pop();
        result
    }

    /// The source of an old lock entry at its locked revision; `None` when it cannot be
    /// fetched.
    fn fetch_locked(&mut self, old_node: &Node, parent: &SourceRef, path: &[String]) -> Option<SourceRef> {
        let locked_ref = FlakeRef::from_attrs(old_node.locked.clone()?);
        crate::fetch_reference(self.ev, &locked_ref, parent, path)
            .ok()
            .map(|(tree, _)| tree)
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
        if o.from_cli {
            // The declaration this command-line override replaces, for `original`.
            m.cli_original = o.cli_original.clone().or_else(|| declared.reference.clone());
        }
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
