//! `git` inputs from local repositories (`git+file://`), read with libgit2.
//!
//! Only tracked files are taken, as Nix does: a clean checkout at a revision comes from
//! the object database; a working tree with uncommitted changes (no `rev`/`ref` asked
//! for) takes the tracked files' current contents and has no `rev` (modern Nix gives
//! `dirtyRev`/`dirtyShortRev` instead).

use crate::{hash_tree, AttrValue, Attrs, FetchContext, FetchError, FetchResult, Tree};
use git2::{ObjectType, Repository, StatusOptions, TreeWalkMode, TreeWalkResult};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn git_err(e: git2::Error) -> FetchError {
    FetchError::Other(format!("git: {}", e.message()))
}

pub(crate) fn fetch(ctx: &FetchContext, input: &Attrs) -> FetchResult<Tree> {
    let Some(url) = input.get_str("url") else {
        return Err(FetchError::Other("git input lacks a 'url' attribute".into()));
    };
    let Some(root) = crate::local_file_path(url) else {
        return crate::from_store(ctx, input);
    };
    let repo = Repository::open(root)
        .map_err(|e| FetchError::Other(format!("opening Git repository '{root}': {}", e.message())))?;
    let wants_commit = input.get_str("rev").is_some() || input.get_str("ref").is_some();
    let mut tree = if !wants_commit && is_dirty(&repo)? {
        // Nix's `warnDirty` (on by default), in its words.
        eprintln!("warning: Git tree '{root}' is dirty");
        fetch_working_tree(ctx, input, &repo, Path::new(root))?
    } else {
        let (commit, ref_name) = resolve(&repo, input, root)?;
        fetch_commit(ctx, input, &repo, url, &commit, ref_name)?
    };
    if !wants_commit {
        tree.work_tree = Some(PathBuf::from(root));
    }
    Ok(tree)
}

/// Nix 2.8's `GitInputScheme::hasAllInfo`: the attributes a fetch would lock are all
/// there (`lastModified`, and `revCount` unless the input is shallow or names no `ref`, as
/// a dirty work tree's lock does not).
pub(crate) fn has_all_info(input: &Attrs) -> bool {
    input.get_str("narHash").is_some()
        && input.get("lastModified").is_some()
        && (input.get_bool("shallow").unwrap_or(false)
            || input.get_str("ref").is_none()
            || input.get("revCount").is_some())
}

/// Uncommitted changes to tracked files (untracked files do not make a tree dirty), or
/// no commit at all.
fn is_dirty(repo: &Repository) -> FetchResult<bool> {
    if repo.head().and_then(|h| h.peel_to_commit()).is_err() {
        return Ok(true);
    }
    let mut opts = StatusOptions::new();
    opts.include_untracked(false)
        .include_ignored(false)
        .exclude_submodules(true);
    Ok(!repo.statuses(Some(&mut opts)).map_err(git_err)?.is_empty())
}

/// The commit an input names: `rev`, else `ref`'s head, else `HEAD`; and the ref name
/// written into the lock (`HEAD`'s branch when none was given).
fn resolve<'r>(repo: &'r Repository, input: &Attrs, root: &str) -> FetchResult<(git2::Commit<'r>, Option<String>)> {
    let ref_name = input.get_str("ref").map(String::from);
    if let Some(rev) = input.get_str("rev") {
        // Modern Nix's `Input::getRev`: a SHA-1 in any of its encodings, else an error.
        let hash = rnix_eval_store::hash::Hash::parse_any(rev, Some(rnix_eval_store::hash::HashAlgo::Sha1))
            .map_err(|e| FetchError::Other(e.to_string()))?;
        let oid = git2::Oid::from_bytes(hash.as_bytes()).map_err(git_err)?;
        let commit = repo.find_commit(oid).map_err(|_| {
            let in_ref = ref_name.clone().or_else(|| head_branch(repo));
            missing_revision(oid, in_ref.as_deref().unwrap_or("HEAD"), root)
        })?;
        return Ok((commit, ref_name));
    }
    if let Some(name) = ref_name.as_deref().filter(|&n| n != "HEAD") {
        let full = if name.starts_with("refs/") {
            name.to_string()
        } else {
            format!("refs/heads/{name}")
        };
        let reference = repo
            .find_reference(&full)
            .or_else(|_| repo.find_reference(&format!("refs/tags/{name}")))
            .map_err(|_| FetchError::Other(format!("Cannot find Git reference '{name}' in repository")))?;
        return Ok((reference.peel_to_commit().map_err(git_err)?, ref_name));
    }
    let head = repo.head().map_err(git_err)?;
    // `ref = "HEAD"` stays `HEAD` in the lock; no ref is `HEAD`'s branch.
    let branch = ref_name.or_else(|| head.shorthand().ok().map(String::from));
    Ok((head.peel_to_commit().map_err(git_err)?, branch))
}

/// Nix's message for a `rev` the repository does not have.
fn missing_revision(oid: git2::Oid, in_ref: &str, root: &str) -> FetchError {
    FetchError::Other(format!(
        "Cannot find Git revision '{oid}' in ref '{in_ref}' of repository '{root}'! Please make sure that \
         the rev exists on the ref you've specified or add allRefs = true; to fetchGit."
    ))
}

/// The branch `HEAD` is on: the ref Nix names when none was given.
fn head_branch(repo: &Repository) -> Option<String> {
    let head = repo.find_reference("HEAD").ok()?;
    let target = head.symbolic_target().ok()??;
    Some(target.strip_prefix("refs/heads/").unwrap_or(target).to_string())
}

fn fetch_commit(
    ctx: &FetchContext,
    input: &Attrs,
    repo: &Repository,
    url: &str,
    commit: &git2::Commit,
    ref_name: Option<String>,
) -> FetchResult<Tree> {
    let submodules = wants_submodules(input);
    let rev = commit.id().to_string();
    // `v2`: submodules became empty folders (a tree hashed before lacked them).
    let with = if submodules { "-submodules" } else { "" };
    let key = format!("git-v2-{}-{rev}{with}", blake3::hash(url.as_bytes()).to_hex());
    let (nar_hash, rev_count) = match cached(ctx, &key) {
        Some(hit) => hit,
        None => {
            let scratch = ctx.cache.scratch()?;
            write_commit_tree(repo, commit, &scratch, submodules)?;
            let (hash, _, _) = hash_tree(&scratch, &mut |_| true)?;
            ctx.cache.commit(&scratch, &hash.to_nix32())?;
            let mut walk = repo.revwalk().map_err(git_err)?;
            walk.push(commit.id()).map_err(git_err)?;
            let count = walk.count() as u64;
            ctx.cache.set_record(&key, &format!("{} {count}", hash.to_sri()));
            (hash, count)
        }
    };
    let mut locked = input.clone();
    if let Some(r) = ref_name {
        locked.set("ref", r);
    }
    locked.set("rev", rev);
    // A shallow clone cannot count its history: Nix locks no `revCount` for it (and
    // `fetchGit` then gives 0).
    if !input.get_bool("shallow").unwrap_or(false) {
        locked.set("revCount", rev_count);
    }
    locked.set("lastModified", commit.time().seconds().max(0) as u64);
    locked.set("narHash", nar_hash.to_sri());
    Ok(Tree {
        store_path: ctx.source_path(&nar_hash, "source"),
        local: local_tree(ctx, &nar_hash),
        locked,
        work_tree: None,
    })
}

/// A revision's NAR hash and commit count, if an earlier fetch recorded them and its
/// tree is still at hand.
fn cached(ctx: &FetchContext, key: &str) -> Option<(rnix_eval_store::hash::Hash, u64)> {
    let record = ctx.cache.record(key)?;
    let (hash, count) = record.trim().split_once(' ')?;
    let hash = crate::parse_sri(hash).ok()?;
    let tree = local_tree(ctx, &hash);
    tree.exists().then_some((hash, count.parse().ok()?))
}

/// The store path when valid, else the fetcher cache's copy.
fn local_tree(ctx: &FetchContext, hash: &rnix_eval_store::hash::Hash) -> PathBuf {
    let store = PathBuf::from(ctx.source_path(hash, "source"));
    if store.exists() {
        store
    } else {
        ctx.cache.tree(&hash.to_nix32())
    }
}

/// Write the files of `commit` below `dest`, with their modes and symlinks.
/// `?submodules=1`, `fetchGit { submodules = true; }`.
fn wants_submodules(input: &Attrs) -> bool {
    matches!(
        input.get("submodules"),
        Some(AttrValue::Bool(true)) | Some(AttrValue::Int(1..))
    ) || input.get_str("submodules") == Some("1")
}

/// The files of `commit` under `dest`; with `submodules`, each submodule's files at the
/// commit its entry records, read from the submodule's repository in the work tree (Nix
/// clones it from its URL; a submodule that is not checked out here is an error).
fn write_commit_tree(repo: &Repository, commit: &git2::Commit, dest: &Path, submodules: bool) -> FetchResult<()> {
    let tree = commit.tree().map_err(git_err)?;
    let mut failure = None;
    tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
        let path = dest.join(dir).join(&name);
        let result = (|| -> FetchResult<()> {
            match entry.kind() {
                Some(ObjectType::Tree) => std::fs::create_dir_all(&path)?,
                Some(ObjectType::Blob) => {
                    let blob = repo.find_blob(entry.id()).map_err(git_err)?;
                    write_entry(&path, entry.filemode(), blob.content())?;
                }
                Some(ObjectType::Commit) if submodules => {
                    std::fs::create_dir_all(&path)?;
                    let at = format!("{dir}{name}");
                    let sub = open_submodule(repo, &at)?;
                    let commit = sub.find_commit(entry.id()).map_err(|_| {
                        FetchError::Other(format!(
                            "cannot fetch git submodule '{at}': its revision {} is not in its checkout",
                            entry.id()
                        ))
                    })?;
                    write_commit_tree(&sub, &commit, &path, true)?;
                }
                // A submodule is an empty folder, as `git archive` (Nix 2.8) and modern
                // Nix ("treat submodules as an empty directory") leave it.
                Some(ObjectType::Commit) => std::fs::create_dir_all(&path)?,
                _ => {}
            }
            Ok(())
        })();
        match result {
            Ok(()) => TreeWalkResult::Ok,
            Err(e) => {
                failure = Some(e);
                TreeWalkResult::Abort
            }
        }
    })
    .map_err(git_err)?;
    failure.map_or(Ok(()), Err)
}

/// The repository of the submodule at `path` (relative to `repo`'s work tree).
fn open_submodule(repo: &Repository, path: &str) -> FetchResult<Repository> {
    let opened = match repo.workdir() {
        Some(workdir) => Repository::open(workdir.join(path)),
        None => repo.find_submodule(path).and_then(|s| s.open()),
    };
    opened.map_err(|_| {
        FetchError::Other(format!(
            "cannot fetch git submodule '{path}': it is not checked out (rnix-eval reads submodules from the local work tree)"
        ))
    })
}

/// The tracked files of `repo`'s index under `prefix`, as `git ls-files` lists them: a
/// submodule's entry is not a file; with `submodules`, the tracked files of each checked
/// out submodule are listed under its path (`--recurse-submodules`).
fn tracked_files(repo: &Repository, prefix: &Path, submodules: bool, files: &mut HashSet<PathBuf>) -> FetchResult<()> {
    let index = repo.index().map_err(git_err)?;
    for entry in index.iter() {
        let path = String::from_utf8_lossy(&entry.path);
        let rel = prefix.join(path.as_ref());
        if entry.mode != 0o160000 {
            files.insert(rel);
        } else if submodules {
            // One that is not checked out lists nothing, as in `git ls-files`.
            if let Ok(sub) = open_submodule(repo, &path) {
                tracked_files(&sub, &rel, true, files)?;
            }
        }
    }
    Ok(())
}

fn write_entry(path: &Path, mode: i32, content: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if mode == 0o120000 {
        let target = String::from_utf8_lossy(content).into_owned();
        return std::os::unix::fs::symlink(target, path);
    }
    std::fs::write(path, content)?;
    if mode == 0o100755 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

/// A dirty working tree: the tracked files as they are now.
fn fetch_working_tree(ctx: &FetchContext, input: &Attrs, repo: &Repository, root: &Path) -> FetchResult<Tree> {
    let mut files = HashSet::new();
    let mut dirs = HashSet::new();
    // Without `submodules`, a submodule is left out of a dirty tree, as Nix 2.8's
    // `git ls-files` filter does; with it, its tracked files are in.
    tracked_files(repo, Path::new(""), wants_submodules(input), &mut files)?;
    for rel in &files {
        let mut parent = rel.parent();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
            dirs.insert(p.to_path_buf());
            parent = p.parent();
        }
    }
    let tracked = |p: &Path| match p.strip_prefix(root) {
        Ok(rel) => rel.as_os_str().is_empty() || files.contains(rel) || dirs.contains(rel),
        Err(_) => false,
    };
    let (hash, _, _) = hash_tree(root, &mut |p| tracked(p))?;
    let local = local_tree(ctx, &hash);
    if !local.exists() {
        let scratch = ctx.cache.scratch()?;
        copy_tracked(root, &scratch, &files)?;
        ctx.cache.commit(&scratch, &hash.to_nix32())?;
    }
    let head = repo.head().and_then(|h| h.peel_to_commit()).ok();
    let mut locked = input.clone();
    locked.set(
        "lastModified",
        head.as_ref().map_or(0, |c| c.time().seconds().max(0) as u64),
    );
    if let Some(c) = &head {
        let rev = c.id().to_string();
        locked.set("dirtyShortRev", format!("{}-dirty", &rev[..7]));
        locked.set("dirtyRev", format!("{rev}-dirty"));
    }
    locked.set("narHash", hash.to_sri());
    Ok(Tree {
        store_path: ctx.source_path(&hash, "source"),
        local,
        locked,
        work_tree: None,
    })
}

fn copy_tracked(root: &Path, dest: &Path, files: &HashSet<PathBuf>) -> FetchResult<()> {
    for rel in files {
        let from = root.join(rel);
        let to = dest.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&from) else {
            continue;
        };
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if meta.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&from)?, &to)?;
        } else if meta.is_file() {
            std::fs::copy(&from, &to)?;
        }
    }
    Ok(())
}

/// Stage a new file as Nix does for a lock file it created (`git add --intent-to-add`),
/// so the next evaluation sees it as tracked. Best effort, as in Nix.
pub fn intent_to_add(file: &Path) {
    let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
        return;
    };
    let _ = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["add", "--force", "--intent-to-add", "--"])
        .arg(name)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}
