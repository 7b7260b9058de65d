//! The daemon client against a real nix-daemon: each test starts its own
//! (`NIX_DAEMON_SOCKET_PATH=<tmp>/socket nix-daemon`, with `sandbox = false` and no
//! substituters in `NIX_CONFIG`, so builds run in this container and nothing goes to the
//! network) and kills it at the end. The store is the machine's real /nix/store.
//!
//! Older protocols are exercised by advertising a lower client version: the daemon then
//! speaks `min(ours, its own)`, exactly as it would to an older Nix.
//!
//! Without `nix-daemon` in PATH, every test prints why it is skipped and passes.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rnix_eval_store::daemon::{
    ActivityType, BuildMode, BuildStatus, ClientSettings, ConnectOptions, Connection, DerivedPath, LogEvent, PathInfo,
    ProtocolVersion, StoreError, PROTOCOL_VERSION,
};
use rnix_eval_store::derivation::{hash_derivation_modulo, output_paths_for_input_addressed};
use rnix_eval_store::{
    dump_to_vec, make_text_path, DaemonStore, Derivation, DerivationOutput, Hash, HashAlgo, ReadOnlyStore, Store,
};

const STORE: &str = "/nix/store";

/// The versions the version-sensitive tests run at: Nix 2.3's 1.21, the last old-form
/// `AddToStore` (1.24), the first new form (1.25), the new error form (1.26), the last
/// plain-path `BuildPaths` (1.29), the first `DerivedPath` one (1.30), the last without
/// `BuildPathsWithResults` (1.33), and the installed daemon's own (what 1.38 negotiates to).
const VERSIONS: [u64; 8] = [21, 24, 25, 26, 29, 30, 33, 38];

fn v(minor: u64) -> ProtocolVersion {
    ProtocolVersion::new(1, minor)
}

struct TestDaemon {
    child: Child,
    dir: PathBuf,
    socket: PathBuf,
}

fn nix_daemon_installed() -> bool {
    let found = Command::new("nix-daemon")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        eprintln!("SKIPPED: nix-daemon is not installed (not in PATH); the daemon tests need one");
    }
    found
}

/// Unique per test run, so builds and additions are new to the store.
fn nonce() -> String {
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    format!("{}-{}", t.as_nanos(), std::process::id())
}

/// Direct children of `pid` (from /proc).
fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            out.push(child);
        }
    }
    out
}

fn kill(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

impl TestDaemon {
    fn start(tag: &str) -> Option<TestDaemon> {
        if !nix_daemon_installed() {
            return None;
        }
        let dir = std::env::temp_dir().join(format!("rnix-daemon-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("socket");
        let log = fs::File::create(dir.join("daemon.log")).unwrap();
        let child = Command::new("nix-daemon")
            .env("NIX_DAEMON_SOCKET_PATH", &socket)
            .env("NIX_CONFIG", "sandbox = false\nsubstituters =\n")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting nix-daemon");
        let daemon = TestDaemon { child, dir, socket };
        let deadline = Instant::now() + Duration::from_secs(30);
        while UnixStream::connect(&daemon.socket).is_err() {
            assert!(
                Instant::now() < deadline,
                "nix-daemon did not open {} in 30 s",
                daemon.socket.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(daemon)
    }

    fn options(&self, minor: u64) -> ConnectOptions {
        ConnectOptions {
            client_version: v(minor),
            settings: Some(ClientSettings {
                use_substitutes: false,
                ..ClientSettings::default()
            }),
            ..ConnectOptions::default()
        }
    }

    fn connect(&self, minor: u64) -> Connection {
        Connection::connect(&self.socket, &self.options(minor)).unwrap()
    }

    fn store(&self, minor: u64) -> DaemonStore {
        DaemonStore::connect(&self.socket, self.options(minor)).unwrap()
    }

    /// The per-connection worker processes the daemon forked.
    fn workers(&self) -> Vec<u32> {
        children_of(self.child.id())
    }

    fn kill_all(&mut self) {
        for w in self.workers() {
            kill(w);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for TestDaemon {
    fn drop(&mut self) {
        self.kill_all();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn nix_store(args: &[&str]) -> (bool, String) {
    let out = Command::new("nix-store")
        .args(args)
        .env_remove("NIX_REMOTE")
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// A derivation `derivation { name; builder = "/bin/sh"; args = ["-c" script];
/// system = "x86_64-linux"; }`: its .drv text, .drv path and output path.
fn trivial_drv(name: &str, script: &str) -> (String, String, String) {
    let mut drv = Derivation {
        platform: "x86_64-linux".into(),
        builder: "/bin/sh".into(),
        args: vec!["-c".into(), script.into()],
        ..Derivation::default()
    };
    drv.outputs.insert("out".into(), DerivationOutput::default());
    for (k, val) in [
        ("builder", "/bin/sh"),
        ("name", name),
        ("out", ""),
        ("system", "x86_64-linux"),
    ] {
        drv.env.insert(k.into(), val.into());
    }
    let h = hash_derivation_modulo(&drv, true, &mut |_| Err::<Hash, ()>(())).unwrap();
    let out = output_paths_for_input_addressed(STORE, name, &h, ["out"])["out"].clone();
    drv.outputs.get_mut("out").unwrap().path = out.clone();
    drv.env.insert("out".into(), out.clone().into_bytes());
    let drv_path = drv.drv_path(STORE, name);
    (
        String::from_utf8(drv.to_aterm()).expect("ASCII test derivation"),
        drv_path,
        out,
    )
}

fn make_tree(root: &Path, tag: &str) {
    fs::create_dir_all(root.join("sub/deeper")).unwrap();
    fs::write(root.join("file.txt"), format!("hello {tag}\n")).unwrap();
    fs::write(root.join("run.sh"), "#!/bin/sh\necho hi\n").unwrap();
    fs::set_permissions(root.join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
    symlink("file.txt", root.join("link")).unwrap();
    fs::write(root.join("sub/nested"), vec![7u8; 100_000]).unwrap();
    fs::write(root.join("sub/deeper/x"), "x").unwrap();
    fs::write(root.join("sub/secret"), "left out").unwrap();
    fs::create_dir_all(root.join("skipped-dir/inner")).unwrap();
    fs::write(root.join("skipped-dir/inner/y"), "y").unwrap();
}

#[test]
fn handshake_and_versions() {
    let Some(d) = TestDaemon::start("handshake") else {
        return;
    };
    let c = d.connect(PROTOCOL_VERSION.minor());
    let daemon_v = c.daemon_protocol_version();
    assert_eq!(daemon_v.major(), 1);
    assert!(daemon_v.at_least(21), "{daemon_v}");
    assert_eq!(c.protocol_version(), daemon_v.min(PROTOCOL_VERSION));
    eprintln!(
        "daemon: Nix {:?}, protocol {daemon_v}; negotiated {}; trusted {:?}",
        c.daemon_nix_version(),
        c.protocol_version(),
        c.trusted()
    );
    if daemon_v.at_least(33) {
        let nix_version = c.daemon_nix_version().unwrap();
        assert!(nix_version.starts_with(|ch: char| ch.is_ascii_digit()), "{nix_version}");
    }
    for minor in VERSIONS {
        let mut c = d.connect(minor);
        assert_eq!(c.protocol_version(), v(minor).min(daemon_v));
        assert_eq!(c.daemon_nix_version().is_some(), c.protocol_version().at_least(33));
        assert_eq!(c.trusted().is_some(), c.protocol_version().at_least(35));
        // The connection works after the handshake and SetOptions.
        assert!(!c
            .is_valid_path("/nix/store/00000000000000000000000000000000-nope")
            .unwrap());
    }
    // Versions this client cannot speak are refused before anything is sent.
    for bad in [v(20), v(39), ProtocolVersion::new(2, 0)] {
        let opts = ConnectOptions {
            client_version: bad,
            ..ConnectOptions::default()
        };
        let e = Connection::connect(&d.socket, &opts).err().unwrap();
        assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    }
}

#[test]
fn add_text_matches_nix() {
    let Some(d) = TestDaemon::start("text") else { return };
    let n = nonce();
    for minor in VERSIONS {
        let mut store = d.store(minor);
        let dep_text = format!("dependency {n} {minor}");
        let dep = store.add_text("dep", dep_text.as_bytes(), &BTreeSet::new()).unwrap();
        let dep_hash = Hash::digest(HashAlgo::Sha256, dep_text.as_bytes());
        assert_eq!(dep, make_text_path(STORE, "dep", &dep_hash, []));

        let text = format!("refers to {dep}\n");
        let refs: BTreeSet<String> = [dep.clone()].into();
        let path = store.add_text("main-text", text.as_bytes(), &refs).unwrap();
        let hash = Hash::digest(HashAlgo::Sha256, text.as_bytes());
        assert_eq!(path, make_text_path(STORE, "main-text", &hash, [dep.as_str()]));
        assert_eq!(
            path,
            ReadOnlyStore::default()
                .add_text("main-text", text.as_bytes(), &refs)
                .unwrap()
        );
        assert!(store.is_valid_path(&path).unwrap());
        assert_eq!(fs::read_to_string(&path).unwrap(), text);

        // `nix-store --query --hash` is the SHA-256 of the file's NAR.
        let file_nar = rnix_eval_store::daemon::regular_file_nar(text.as_bytes());
        let nar_hash = Hash::digest(HashAlgo::Sha256, &file_nar);
        let (ok, out) = nix_store(&["--query", "--hash", &path]);
        assert!(ok, "{out}");
        assert_eq!(out.trim(), format!("sha256:{}", nar_hash.to_nix32()));
        let (ok, out) = nix_store(&["-q", "--references", &path]);
        assert!(ok, "{out}");
        assert_eq!(out.trim(), dep);

        // QueryPathInfo agrees.
        let conn = store.connection().unwrap();
        let info = conn.query_path_info(&path).unwrap().unwrap();
        assert_eq!(info.nar_hash, nar_hash);
        assert_eq!(info.nar_size, file_nar.len() as u64);
        assert_eq!(info.references, refs);
        assert_eq!(info.deriver, None);
        assert!(info.registration_time > 1_600_000_000);
        assert_eq!(info.ca, Some(format!("text:sha256:{}", hash.to_nix32())));
        // QueryValidPaths, AddTempRoot, EnsurePath on valid paths.
        let missing = "/nix/store/00000000000000000000000000000000-missing".to_string();
        let asked: BTreeSet<String> = [path.clone(), dep.clone(), missing.clone()].into();
        let valid = conn.query_valid_paths(&asked, false).unwrap();
        assert_eq!(valid, [path.clone(), dep.clone()].into());
        conn.add_temp_root(&path).unwrap();
        conn.ensure_path(&path).unwrap();
        assert_eq!(conn.query_path_info(&missing).unwrap(), None);
        assert!(!conn.is_valid_path(&missing).unwrap());
        // The same questions pipelined: one answer per request, in order, and the
        // connection in step afterwards.
        let pipelined = conn.add_temp_roots_and_query_valid(&[&missing, &path, &dep]).unwrap();
        assert_eq!(pipelined, [path.clone(), dep.clone()].into());
        assert!(conn.is_valid_path(&path).unwrap());
        assert_eq!(store.root_and_query_valid(&[&missing]).unwrap(), BTreeSet::new());
        // Texts added in one round trip, the second referring to the first.
        let first_text = format!("pipelined {n} {minor}");
        let first = make_text_path(
            STORE,
            "first",
            &Hash::digest(HashAlgo::Sha256, first_text.as_bytes()),
            [],
        );
        let second_text = format!("after {first}");
        let second_refs: BTreeSet<String> = [first.clone()].into();
        let none = BTreeSet::new();
        let made = store
            .add_texts(&[
                ("first", first_text.as_bytes(), &none),
                ("second", second_text.as_bytes(), &second_refs),
            ])
            .unwrap();
        let second_hash = Hash::digest(HashAlgo::Sha256, second_text.as_bytes());
        assert_eq!(
            made,
            [
                first.clone(),
                make_text_path(STORE, "second", &second_hash, [first.as_str()])
            ]
        );
        let (ok, out) = nix_store(&["-q", "--references", &made[1]]);
        assert!(ok, "{out}");
        assert_eq!(out.trim(), first);
        assert!(store.is_valid_path(&made[1]).unwrap(), "still in step");
    }
}

#[test]
fn add_source_matches_read_only_store() {
    let Some(d) = TestDaemon::start("source") else { return };
    let n = nonce();
    let root = d.dir.join("tree");
    make_tree(&root, &n);
    let excluded = vec![root.join("sub/secret"), root.join("skipped-dir")];
    for minor in VERSIONS {
        let mut store = d.store(minor);
        let expected = ReadOnlyStore::default()
            .add_source("tree", &root, true, &excluded)
            .unwrap();
        let path = store.add_source("tree", &root, true, &excluded).unwrap();
        assert_eq!(path, expected, "protocol 1.{minor}");
        let (ok, out) = nix_store(&["--verify-path", &path]);
        assert!(ok && out.trim().is_empty(), "{out}");
        assert!(Path::new(&path).join("sub/nested").exists());
        assert!(!Path::new(&path).join("sub/secret").exists());
        assert!(!Path::new(&path).join("skipped-dir").exists());
        assert!(fs::symlink_metadata(Path::new(&path).join("link"))
            .unwrap()
            .file_type()
            .is_symlink());
        let mode = fs::metadata(Path::new(&path).join("run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert!(mode & 0o100 != 0);

        // NarFromPath gives the filtered NAR of the local tree.
        let mut nar = Vec::new();
        let conn = store.connection().unwrap();
        let size = conn.nar_from_path(&path, &mut nar).unwrap();
        assert_eq!(size, nar.len() as u64);
        assert_eq!(nar, dump_to_vec(Path::new(&path)).unwrap());
        let info = conn.query_path_info(&path).unwrap().unwrap();
        assert_eq!(info.nar_hash, Hash::digest(HashAlgo::Sha256, &nar));
        assert!(info.ca.unwrap().starts_with("fixed:r:sha256:"));
        // The connection is still in step after streaming.
        assert!(conn.is_valid_path(&path).unwrap());

        // Flat: the file's own hash.
        let file = root.join("file.txt");
        let flat = store.add_source("file.txt", &file, false, &[]).unwrap();
        assert_eq!(
            flat,
            ReadOnlyStore::default()
                .add_source("file.txt", &file, false, &[])
                .unwrap()
        );
        assert_eq!(fs::read(&flat).unwrap(), fs::read(&file).unwrap());
        let (ok, out) = nix_store(&["--verify-path", &flat]);
        assert!(ok && out.trim().is_empty(), "{out}");
    }
    // A flat source must be a file; a missing source is a local error, and the store goes on.
    let mut store = d.store(38);
    let e = store.add_source("tree", &root, false, &[]).unwrap_err();
    assert!(e.to_string().contains("is not a regular file"), "{e}");
    let e = store.add_source("gone", &d.dir.join("gone"), true, &[]).unwrap_err();
    assert!(e.to_string().starts_with("getting status of"), "{e}");
    let e = store.add_source("bad name", &root, true, &[]).unwrap_err();
    assert!(e.to_string().contains("illegal character"), "{e}");
    let ok = store.add_text("ok", n.as_bytes(), &BTreeSet::new()).unwrap();
    assert!(store.is_valid_path(&ok).unwrap());
}

#[test]
fn add_multiple_to_store() {
    let Some(d) = TestDaemon::start("multiple") else { return };
    let mut c = d.connect(38);
    if !c.protocol_version().at_least(32) {
        eprintln!("SKIPPED: the daemon has no AddMultipleToStore");
        return;
    }
    let n = nonce();
    let (a, a_nar) = PathInfo::for_text(STORE, "multi-a", format!("a {n}").as_bytes(), &BTreeSet::new());
    let refs: BTreeSet<String> = [a.path.clone()].into();
    let (b, b_nar) = PathInfo::for_text(STORE, "multi-b", format!("b {n} {}", a.path).as_bytes(), &refs);
    c.add_multiple_to_store(&[(a.clone(), &a_nar), (b.clone(), &b_nar)], false, false)
        .unwrap();
    let info = c.query_path_info(&b.path).unwrap().unwrap();
    assert_eq!(info.references, refs);
    assert_eq!(info.nar_hash, b.nar_hash);
    let (ok, out) = nix_store(&["--verify-path", &a.path]);
    assert!(ok && out.trim().is_empty(), "{out}");
    // Older protocols say so instead of sending what the daemon would not understand.
    let mut old = d.connect(31);
    let e = old.add_multiple_to_store(&[(a, &a_nar)], false, false).unwrap_err();
    assert!(matches!(e, StoreError::Unsupported(_)), "{e}");
}

type Events = Arc<Mutex<Vec<LogEvent>>>;

fn collect_logs(store: &mut DaemonStore) -> Events {
    let events: Events = Arc::default();
    let sink = events.clone();
    store.set_logger(Box::new(move |e: &LogEvent| sink.lock().unwrap().push(e.clone())));
    events
}

#[test]
fn build_trivial_derivation() {
    let Some(d) = TestDaemon::start("build") else { return };
    let n = nonce();
    for minor in VERSIONS {
        let mut store = d.store(minor);
        let events = collect_logs(&mut store);
        let name = format!("trivial-{minor}");
        let script = format!("echo building now {n}; echo hi > $out");
        let (aterm, drv_path, out) = trivial_drv(&name, &script);
        let added = store
            .add_text(&format!("{name}.drv"), aterm.as_bytes(), &BTreeSet::new())
            .unwrap();
        assert_eq!(added, drv_path);

        let conn = store.connection().unwrap();
        let missing = conn.query_missing(&[DerivedPath::built(&drv_path, &[])]).unwrap();
        assert_eq!(missing.will_build, [drv_path.clone()].into(), "1.{minor}");
        assert!(!conn.is_valid_path(&out).unwrap());
        if conn.protocol_version().at_least(22) {
            let outputs = conn.query_derivation_output_map(&drv_path).unwrap();
            assert_eq!(outputs["out"], Some(out.clone()));
        }

        let results = store.build(&[(drv_path.clone(), vec!["out".into()])]).unwrap();
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].status, BuildStatus::Built);
        assert_eq!(results[0].built_outputs["out"], out);
        assert_eq!(fs::read_to_string(&out).unwrap(), "hi\n");
        assert!(store.is_valid_path(&out).unwrap());

        // Building again: nothing to do.
        let again = store.build(&[(drv_path.clone(), vec![])]).unwrap();
        assert!(again[0].is_success(), "{:?}", again[0]);
        assert_eq!(again[0].built_outputs["out"], out);

        let events = events.lock().unwrap();
        let log: Vec<&str> = events.iter().filter_map(|e| e.build_log_line()).collect();
        assert!(
            log.iter().any(|l| l.contains(&format!("building now {n}"))),
            "1.{minor}: {events:?}"
        );
        assert!(events.iter().any(|e| matches!(
            e,
            LogEvent::StartActivity {
                kind: ActivityType::Build,
                ..
            }
        )));
    }
}

#[test]
fn failing_build_gives_the_daemons_error() {
    let Some(d) = TestDaemon::start("fail") else { return };
    let n = nonce();
    for minor in [21, 33, 38] {
        let mut store = d.store(minor);
        let name = format!("failing-{minor}");
        let (aterm, drv_path, _) = trivial_drv(&name, &format!("echo failing on purpose {n} >&2; exit 3"));
        store
            .add_text(&format!("{name}.drv"), aterm.as_bytes(), &BTreeSet::new())
            .unwrap();
        let e = store.build(&[(drv_path.clone(), vec![])]).unwrap_err();
        let msg = e.to_string();
        eprintln!("1.{minor}: {msg}");
        assert!(msg.contains(&drv_path) && msg.contains("failed"), "{msg}");
        // The daemon's message, without the "error: " and indentation old daemons add.
        assert!(msg.starts_with("builder for '"), "{msg}");
        assert!(msg.contains(&format!("\n> failing on purpose {n}")), "{msg}");
        assert!(!msg.contains('\x1b'), "{msg:?}");
        if store.connection().unwrap().protocol_version().at_least(34) {
            assert!(matches!(e, StoreError::BuildFailed { .. }), "{e:?}");
        } else {
            assert!(matches!(e, StoreError::Daemon(_)), "{e:?}");
        }
        // The store is usable afterwards.
        assert!(store.is_valid_path(&drv_path).unwrap());
        // The low-level call reports the failure as a result.
        let conn = store.connection().unwrap();
        if conn.protocol_version().at_least(34) {
            let r = conn
                .build_paths_with_results(&[DerivedPath::built(&drv_path, &[])], BuildMode::Normal)
                .unwrap();
            assert!(!r[0].is_success());
            assert!(r[0].error_msg.contains("failed"), "{:?}", r[0]);
        }
    }
}

#[test]
fn refused_operations_give_the_daemons_message() {
    let Some(d) = TestDaemon::start("refused") else { return };
    for minor in [21, 26, 38] {
        let mut c = d.connect(minor);
        let missing = "/nix/store/00000000000000000000000000000000-not-there";
        // A reference that is not valid.
        let refs: BTreeSet<String> = [missing.to_string()].into();
        let e = c.add_text_to_store("refers-to-nothing", b"x", &refs).unwrap_err();
        eprintln!("1.{minor}: {e}\n  {e:?}");
        assert!(matches!(e, StoreError::Daemon(_)), "{e:?}");
        assert!(e.to_string().contains(missing), "{e}");
        assert!(c.broken().is_none());
        // Nothing to substitute from.
        let e = c.ensure_path(missing).unwrap_err();
        eprintln!("1.{minor}: {e}");
        assert!(matches!(e, StoreError::Daemon(_)), "{e:?}");
        assert!(e.to_string().contains(missing), "{e}");
        // Still in step.
        assert!(!c.is_valid_path(missing).unwrap());
        // The daemon fails NarFromPath after ending the stderr channel, then hangs up.
        let e = c.nar_from_path(missing, &mut Vec::new()).unwrap_err();
        eprintln!("1.{minor}: {e}");
        assert!(matches!(e, StoreError::Daemon(_)), "{e:?}");
        assert!(e.to_string().contains(missing), "{e}");
        let e = c.is_valid_path(missing).unwrap_err();
        assert!(matches!(e, StoreError::Broken { .. }), "{e:?}");
        // Paths outside the store are refused here, without bothering the daemon.
        let mut c = d.connect(minor);
        let e = c.is_valid_path("/tmp/x").unwrap_err();
        assert_eq!(e.to_string(), "path '/tmp/x' is not in the Nix store");
        assert!(!c.is_valid_path(missing).unwrap());
    }
}

#[test]
fn absent_socket_and_killed_daemon() {
    let Some(mut d) = TestDaemon::start("faults") else {
        return;
    };
    // No socket at all.
    let nowhere = d.dir.join("no-such-socket");
    let e = DaemonStore::connect(&nowhere, ConnectOptions::default()).err().unwrap();
    assert_eq!(
        e.to_string(),
        format!(
            "cannot connect to the nix-daemon at '{}': No such file or directory (os error 2)",
            nowhere.display()
        )
    );
    // A socket nobody listens on.
    let stale = d.dir.join("stale-socket");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    let e = DaemonStore::connect(&stale, ConnectOptions::default()).err().unwrap();
    assert!(
        e.to_string().starts_with("cannot connect to the nix-daemon at '"),
        "{e}"
    );

    // The daemon's worker dies in the middle of a build.
    let n = nonce();
    for minor in [21, 38] {
        let mut store = d.store(minor);
        let name = format!("slow-{minor}");
        let (aterm, drv_path, _) = trivial_drv(&name, &format!("echo started {n}; /bin/sleep 15; echo hi > $out"));
        store
            .add_text(&format!("{name}.drv"), aterm.as_bytes(), &BTreeSet::new())
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        store.set_logger(Box::new(move |e: &LogEvent| {
            if e.build_log_line().is_some_and(|l| l.starts_with("started")) {
                let _ = tx.lock().unwrap().send(());
            }
        }));
        let before = d.workers();
        let started = Instant::now();
        let result = std::thread::scope(|s| {
            let builder = s.spawn(|| store.build(&[(drv_path.clone(), vec![])]));
            rx.recv_timeout(Duration::from_secs(60))
                .expect("the build did not start");
            // Kill every worker (the connection's own process and its builder's parent).
            for w in d.workers() {
                kill(w);
            }
            builder.join().unwrap()
        });
        let e = result.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(12),
            "took {:?}",
            started.elapsed()
        );
        assert!(matches!(e, StoreError::Closed { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            format!("the nix-daemon closed the connection while building '{drv_path}'")
        );
        assert!(!before.is_empty());
        // The next operation opens a new connection (the daemon itself is still there),
        // which roots again what the store added through the old one.
        assert!(store.is_valid_path(&drv_path).unwrap());
        let rooted = d.workers().iter().any(|w| {
            let roots = fs::read(format!("/nix/var/nix/temproots/{w}")).unwrap_or_default();
            roots.split(|&b| b == 0).any(|p| p == drv_path.as_bytes())
        });
        assert!(rooted, "no worker holds a temporary root for {drv_path}");
    }

    // The whole daemon goes away.
    let mut store = d.store(38);
    d.kill_all();
    let e = store
        .is_valid_path("/nix/store/00000000000000000000000000000000-x")
        .unwrap_err();
    eprintln!("{e}");
    assert!(
        matches!(e, StoreError::Closed { .. }) || matches!(e, StoreError::Connect { .. }),
        "{e:?}"
    );
    let e = store
        .is_valid_path("/nix/store/00000000000000000000000000000000-x")
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("cannot connect to the nix-daemon at '{}'", d.socket.display())),
        "{e}"
    );
}

#[test]
fn log_events_reach_the_callback_from_streaming_ops() {
    // Additions stream their payload from a helper thread; the callback must still run.
    let Some(d) = TestDaemon::start("logs") else { return };
    let mut store = d.store(38);
    let events = collect_logs(&mut store);
    let dir = d.dir.join("big");
    fs::create_dir_all(&dir).unwrap();
    let mut f = fs::File::create(dir.join("blob")).unwrap();
    let chunk = vec![0x5au8; 1 << 20];
    for _ in 0..8 {
        f.write_all(&chunk).unwrap();
    }
    writeln!(f, "{}", nonce()).unwrap();
    drop(f);
    let path = store.add_source("big", &dir, true, &[]).unwrap();
    assert_eq!(
        path,
        ReadOnlyStore::default().add_source("big", &dir, true, &[]).unwrap()
    );
    let (ok, out) = nix_store(&["--verify-path", &path]);
    assert!(ok && out.trim().is_empty(), "{out}");
    drop(events);
}
