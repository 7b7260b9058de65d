use super::*;
use std::time::Duration;

fn recorder() -> Recorder {
    Recorder {
        immutable: vec![PathBuf::from("/nix/store")],
        started_ns: now_ns(),
    }
}

/// Files written just now would count as written during the evaluation.
fn settle() {
    std::thread::sleep(Duration::from_millis(30));
}

fn valid(deps: &[Dep]) -> bool {
    Validator::default().check(deps, now_secs()).is_ok()
}

#[test]
fn changes_of_what_was_read_are_seen() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("a.nix"), "1").unwrap();
    std::fs::create_dir(d.join("dir")).unwrap();
    std::fs::write(d.join("dir/x"), "x").unwrap();
    settle();
    let reads = [
        Read::File(d.join("a.nix")),
        Read::Dir(d.join("dir")),
        Read::Stat(d.join("maybe")),
        Read::Tree(d.join("dir")),
    ];
    let deps = recorder().record(&reads).unwrap();
    assert!(valid(&deps));
    // Same size, other contents: re-hashed (the entry is racy: recorded this second).
    std::fs::write(d.join("a.nix"), "2").unwrap();
    assert!(!valid(&deps[..1]));
    std::fs::write(d.join("a.nix"), "1").unwrap();
    assert!(valid(&deps[..1]), "same contents again");
    std::fs::write(d.join("dir/y"), "").unwrap();
    assert!(!valid(&deps[1..2]), "added file in a listed directory");
    assert!(!valid(&deps[3..4]), "added file in a walked tree");
    std::fs::write(d.join("maybe"), "").unwrap();
    assert!(!valid(&deps[2..3]), "pathExists flipped");
}

#[test]
fn clock_and_files_changed_during_evaluation_are_uncacheable() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(recorder().record(&[Read::Clock]).is_err());
    let r = recorder();
    std::fs::write(tmp.path().join("late"), "").unwrap();
    assert!(r.record(&[Read::File(tmp.path().join("late"))]).is_err());
}

#[test]
fn environment_is_compared() {
    let deps = recorder()
        .record(&[Read::Env("RNIX_RESULT_CACHE_TEST_UNSET".into())])
        .unwrap();
    assert!(valid(&deps));
    let other = vec![Dep::Env {
        name: "RNIX_RESULT_CACHE_TEST_UNSET".into(),
        value: Some(b"x".to_vec()),
    }];
    assert!(!valid(&other));
}

#[test]
fn entries_round_trip_and_corrupt_ones_miss() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), "data").unwrap();
    settle();
    let deps = recorder()
        .record(&[Read::File(tmp.path().join("f")), Read::Tree(tmp.path().to_path_buf())])
        .unwrap();
    let entry = Entry {
        deps,
        recorded_at: now_secs(),
        stdout: b"out\n".to_vec(),
        stderr: b"trace: x\n".to_vec(),
        exit_code: 0,
        store: vec![
            StoreObject::Text {
                path: "/nix/store/a-t".into(),
                name: "t".into(),
                contents: "c".into(),
                references: vec!["/nix/store/b".into()],
            },
            StoreObject::Drv {
                path: "/nix/store/a-d.drv".into(),
                name: "d.drv".into(),
                aterm: "Derive(...)".into(),
            },
        ],
    };
    assert_eq!(Entry::decode(&entry.encode()), Some(entry.clone()));
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = Cache {
        dir: cache_dir.path().to_path_buf(),
        max_bytes: 1 << 20,
    };
    let key = KeyBuilder::new("test").field(b"x").finish();
    cache.store(&key, &entry).unwrap();
    assert_eq!(cache.lookup(&key, &mut Validator::default()), Ok(entry));
    let path = cache.dir.join(key.hex());
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    assert_eq!(cache.lookup(&key, &mut Validator::default()), Err(Miss::Corrupt));
}

#[test]
fn eviction_keeps_the_bound_and_drops_the_oldest() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache {
        dir: tmp.path().to_path_buf(),
        max_bytes: 10_000,
    };
    let entry = Entry {
        stdout: vec![b'x'; 3000],
        ..Entry::default()
    };
    let keys: Vec<Key> = (0..6u8).map(|i| KeyBuilder::new("t").field(&[i]).finish()).collect();
    for k in &keys {
        cache.store(k, &entry).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(cache.size() <= 10_000, "{}", cache.size());
    assert!(
        cache.lookup(&keys[0], &mut Validator::default()).is_err(),
        "oldest evicted"
    );
    assert!(cache.lookup(&keys[5], &mut Validator::default()).is_ok(), "newest kept");
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn a_git_work_tree_depends_on_tracked_files_and_the_index_only() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("flake.nix"), "{}").unwrap();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "x"]);
    settle();
    let url = format!("git+file://{}", d.display());
    let deps = recorder().record(&[Read::Fetch(url.clone())]).unwrap();
    assert!(valid(&deps));
    std::fs::create_dir(d.join("ignored-build")).unwrap();
    std::fs::write(d.join("ignored-build/big"), "untracked").unwrap();
    assert!(valid(&deps), "untracked files are no part of the tree");
    std::fs::write(d.join("flake.nix"), "{ }").unwrap();
    assert!(!valid(&deps), "a tracked file changed");
    std::fs::write(d.join("flake.nix"), "{}").unwrap();
    assert!(valid(&deps));
    git(d, &["add", "ignored-build/big"]);
    assert!(!valid(&deps), "the index changed");
    // Locked to a revision: nothing to check.
    let locked = recorder().record(&[Read::Fetch(format!("{url}?rev=0123"))]).unwrap();
    assert!(locked.is_empty());
}
