//! The client against scripted fake daemons on a socket pair: protocol forms the installed
//! daemon cannot show (1.35+ handshakes, 1.37 build results, error traces) and faults (hangs,
//! hang-ups, garbage, early errors).

use std::collections::BTreeSet;
use std::io::{BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::wire::*;
use super::*;
use crate::hash::HashAlgo;

/// The daemon end of a socket pair.
struct Fake {
    r: BufReader<UnixStream>,
    w: UnixStream,
}

impl Fake {
    fn u64(&mut self) -> u64 {
        read_u64(&mut self.r).unwrap()
    }

    fn string(&mut self) -> String {
        read_string(&mut self.r).unwrap()
    }

    fn send(&mut self, n: u64) -> &mut Self {
        write_u64(&mut self.w, n).unwrap();
        self
    }

    fn send_str(&mut self, s: &str) -> &mut Self {
        write_str(&mut self.w, s).unwrap();
        self
    }

    /// The daemon side of the handshake; returns the negotiated version.
    fn handshake(&mut self, version: ProtocolVersion, nix: &str, trusted: u64, features: &[&str]) -> ProtocolVersion {
        assert_eq!(self.u64(), WORKER_MAGIC_1);
        self.send(WORKER_MAGIC_2).send(version.0);
        let v = ProtocolVersion(self.u64()).min(version);
        if v.at_least(38) {
            assert!(read_strings(&mut self.r).unwrap().is_empty());
            write_strings(&mut self.w, features).unwrap();
        }
        if v.at_least(14) && self.u64() != 0 {
            self.u64();
        }
        if v.at_least(11) {
            self.u64();
        }
        if v.at_least(33) {
            self.send_str(nix);
        }
        if v.at_least(35) {
            self.send(trusted);
        }
        self.send(stderr::LAST);
        v
    }

    /// Reads an `IsValidPath` request and answers it.
    fn is_valid_path(&mut self, valid: bool) {
        assert_eq!(self.u64(), op::IS_VALID_PATH);
        self.string();
        self.send(stderr::LAST).send(valid as u64);
    }
}

fn fake(script: impl FnOnce(&mut Fake) + Send + 'static) -> (UnixStream, JoinHandle<()>) {
    let (client, daemon) = UnixStream::pair().unwrap();
    let handle = std::thread::spawn(move || {
        let mut f = Fake {
            r: BufReader::new(daemon.try_clone().unwrap()),
            w: daemon,
        };
        script(&mut f);
    });
    (client, handle)
}

fn opts() -> ConnectOptions {
    ConnectOptions {
        timeout: Some(Duration::from_secs(10)),
        ..ConnectOptions::default()
    }
}

fn connect(client: UnixStream) -> Result<Connection> {
    Connection::from_stream(client, &opts(), Box::new(|_: &LogEvent| {}))
}

const P: &str = "/nix/store/g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-x";

#[test]
fn handshake_1_38_and_build_results_1_37() {
    let (client, daemon) = fake(|f| {
        let v = f.handshake(
            ProtocolVersion::new(1, 38),
            "2.31.0",
            1,
            &["realisation-with-path-not-hash"],
        );
        assert_eq!(v, ProtocolVersion::new(1, 38));
        assert_eq!(f.u64(), op::BUILD_PATHS_WITH_RESULTS);
        let targets = read_strings(&mut f.r).unwrap();
        assert_eq!(targets, [format!("{P}.drv!out")]);
        assert_eq!(f.u64(), 0); // normal mode
        f.send(stderr::START_ACTIVITY)
            .send(7)
            .send(3)
            .send(105)
            .send_str("building x");
        f.send(2).send(1).send_str(&format!("{P}.drv")).send(0).send(1).send(0); // fields, parent
        f.send(stderr::RESULT)
            .send(7)
            .send(101)
            .send(1)
            .send(1)
            .send_str("a log line");
        f.send(stderr::NEXT).send_str("a message\n");
        f.send(stderr::STOP_ACTIVITY).send(7);
        f.send(stderr::LAST);
        f.send(1).send_str(&targets[0]);
        f.send(0).send_str("").send(1).send(0).send(30).send(50); // Built, times, start, stop
        f.send(1).send(500_000_000).send(0); // cpuUser, no cpuSystem
        f.send(1)
            .send_str("sha256:6f869f9ea2823bda165e06076fd0de4366dead2c0e8d2dbbad277d4f15c373f5!out");
        f.send_str(r#"{"id":"x","outPath":"g1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-x","signatures":[]}"#);
    });
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let mut c = Connection::from_stream(
        client,
        &opts(),
        Box::new(move |e: &LogEvent| sink.lock().unwrap().push(e.clone())),
    )
    .unwrap();
    assert_eq!(c.protocol_version(), ProtocolVersion::new(1, 38));
    assert_eq!(c.daemon_nix_version(), Some("2.31.0"));
    assert_eq!(c.trusted(), Some(true));
    assert!(c.daemon_features().contains("realisation-with-path-not-hash"));
    let drv = format!("{P}.drv");
    let r = c
        .build_paths_with_results(&[DerivedPath::built(&drv, &["out".into()])], BuildMode::Normal)
        .unwrap();
    daemon.join().unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].status, BuildStatus::Built);
    assert_eq!((r[0].times_built, r[0].start_time, r[0].stop_time), (1, 30, 50));
    assert_eq!(r[0].cpu_user, Some(Duration::from_secs(500)));
    assert_eq!(r[0].cpu_system, None);
    assert_eq!(r[0].built_outputs["out"], P);
    let events = events.lock().unwrap();
    assert_eq!(
        events[0],
        LogEvent::StartActivity {
            id: 7,
            level: Verbosity::Info,
            kind: ActivityType::Build,
            text: "building x".into(),
            fields: vec![Field::String(drv), Field::Int(1)],
            parent: 0,
        }
    );
    assert_eq!(events[1].build_log_line(), Some("a log line"));
    assert_eq!(events[2], LogEvent::Message("a message".into()));
    assert_eq!(events[3], LogEvent::StopActivity { id: 7 });
}

#[test]
fn handshake_1_35_untrusted() {
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 35), "2.15.0", 2, &[]);
        f.is_valid_path(true);
    });
    let mut c = connect(client).unwrap();
    assert_eq!(c.trusted(), Some(false));
    assert!(c.daemon_features().is_empty());
    assert!(c.is_valid_path(P).unwrap());
    daemon.join().unwrap();
}

#[test]
fn daemon_errors_both_forms() {
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        assert_eq!(f.u64(), op::IS_VALID_PATH);
        f.string();
        f.send(stderr::ERROR).send_str("Error").send(0).send_str("Error");
        f.send_str("\x1b[31;1mboom\x1b[0m at '\x1b[35;1mx\x1b[0m'").send(0);
        f.send(1).send(0).send_str("while doing something");
        f.is_valid_path(true);
    });
    let mut c = connect(client).unwrap();
    let e = c.is_valid_path(P).unwrap_err();
    assert_eq!(e.to_string(), "boom at 'x'");
    let StoreError::Daemon(d) = &e else { panic!("{e:?}") };
    assert_eq!(d.traces, ["while doing something"]);
    assert_eq!(d.status, None);
    // The connection goes on.
    assert!(c.is_valid_path(P).unwrap());
    daemon.join().unwrap();

    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 21), "", 0, &[]);
        assert_eq!(f.u64(), op::IS_VALID_PATH);
        f.string();
        f.send(stderr::ERROR)
            .send_str("\x1b[31;1merror:\x1b[0m boom\n       second line")
            .send(100);
    });
    let mut c = connect(client).unwrap();
    assert_eq!(c.protocol_version(), ProtocolVersion::new(1, 21));
    assert!(c.daemon_nix_version().is_none() && c.trusted().is_none());
    let e = c.is_valid_path(P).unwrap_err();
    assert_eq!(e.to_string(), "boom\nsecond line");
    let StoreError::Daemon(d) = &e else { panic!("{e:?}") };
    assert_eq!(d.status, Some(100));
    daemon.join().unwrap();
}

#[test]
fn an_error_sent_twice_breaks_the_connection() {
    // A daemon that fails before it starts the work sends the error twice and hangs up.
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        f.u64();
        f.string();
        let mut reply = Vec::new();
        for _ in 0..2 {
            write_u64(&mut reply, stderr::ERROR).unwrap();
            write_str(&mut reply, "Error").unwrap();
            write_u64(&mut reply, 0).unwrap();
            write_str(&mut reply, "Error").unwrap();
            write_str(&mut reply, "bad request").unwrap();
            write_u64(&mut reply, 0).unwrap();
            write_u64(&mut reply, 0).unwrap();
        }
        // In one write, as the daemon flushes both at once.
        f.w.write_all(&reply).unwrap();
    });
    let mut c = connect(client).unwrap();
    let e = c.is_valid_path(P).unwrap_err();
    daemon.join().unwrap();
    assert_eq!(e.to_string(), "bad request");
    let e = c.is_valid_path(P).unwrap_err();
    assert!(matches!(e, StoreError::Broken { .. }), "{e:?}");
    assert!(e.to_string().contains("bad request"), "{e}");
}

#[test]
fn a_silent_daemon_times_out() {
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        // Read the request, never answer, stay connected a while.
        f.u64();
        std::thread::sleep(Duration::from_secs(2));
    });
    let options = ConnectOptions {
        timeout: Some(Duration::from_millis(200)),
        ..ConnectOptions::default()
    };
    let mut c = Connection::from_stream(client, &options, Box::new(|_: &LogEvent| {})).unwrap();
    let start = Instant::now();
    let e = c.is_valid_path(P).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(
        e.to_string(),
        format!("the nix-daemon did not answer for 0.2 seconds while checking whether '{P}' is valid")
    );
    let e = c.is_valid_path(P).unwrap_err();
    assert!(matches!(e, StoreError::Broken { .. }), "{e:?}");
    daemon.join().unwrap();
}

#[test]
fn hang_ups_and_garbage() {
    // Gone during the handshake.
    let (client, daemon) = fake(|f| {
        f.u64();
    });
    let e = connect(client).err().unwrap();
    assert_eq!(
        e.to_string(),
        "the nix-daemon closed the connection while performing the handshake"
    );
    daemon.join().unwrap();

    // Not a daemon.
    let (client, daemon) = fake(|f| {
        f.w.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").unwrap();
    });
    let e = connect(client).err().unwrap();
    assert!(matches!(e, StoreError::Protocol { .. }), "{e:?}");
    assert!(e.to_string().contains("did not answer like a nix-daemon"), "{e}");
    daemon.join().unwrap();

    // Too old.
    let (client, daemon) = fake(|f| {
        f.u64();
        f.send(WORKER_MAGIC_2).send(ProtocolVersion::new(1, 20).0);
        let _ = f.r.read(&mut [0u8; 8]);
    });
    let e = connect(client).err().unwrap();
    assert!(matches!(e, StoreError::Unsupported(_)), "{e:?}");
    assert!(e.to_string().contains("1.20"), "{e}");
    daemon.join().unwrap();

    // Gone in the middle of an answer.
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        f.u64();
        f.string();
        f.send(stderr::NEXT);
    });
    let mut c = connect(client).unwrap();
    let e = c.is_valid_path(P).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("the nix-daemon closed the connection while checking whether '{P}' is valid")
    );
    daemon.join().unwrap();

    // An unknown message, and a request for data no operation offers.
    for (code, what) in [
        (0x1234u64, "unknown message type 0x1234"),
        (stderr::READ, "STDERR_READ"),
    ] {
        let (client, daemon) = fake(move |f| {
            f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
            f.u64();
            f.string();
            f.send(code);
            // The client stops reading at the bad code and may have hung up already.
            let _ = write_u64(&mut f.w, 8);
        });
        let mut c = connect(client).unwrap();
        let e = c.is_valid_path(P).unwrap_err();
        assert!(matches!(e, StoreError::Protocol { .. }), "{e:?}");
        assert!(e.to_string().contains(what), "{e}");
        assert!(c.broken().is_some());
        daemon.join().unwrap();
    }
}

#[test]
fn pipelined_requests_failing_midway_break_the_connection() {
    // The daemon refuses the first of two temporary roots: the answers to the second root
    // and to the query are still to come, so the connection is out of step.
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        for _ in 0..2 {
            assert_eq!(f.u64(), op::ADD_TEMP_ROOT);
            f.string();
        }
        assert_eq!(f.u64(), op::QUERY_VALID_PATHS);
        assert_eq!(read_strings(&mut f.r).unwrap().len(), 2);
        assert_eq!(f.u64(), 0, "no substitution");
        f.send(stderr::ERROR).send_str("Error").send(0).send_str("Error");
        f.send_str("no roots today").send(0).send(0);
        f.send(stderr::LAST).send(1);
        f.send(stderr::LAST).send(0);
    });
    let mut c = connect(client).unwrap();
    let q = "/nix/store/a1w7hy3qg1w7hy3qg1w7hy3qg1w7hy3q-y";
    let e = c.add_temp_roots_and_query_valid(&[P, q]).unwrap_err();
    assert_eq!(e.to_string(), "no roots today");
    assert!(c.broken().is_some());
    daemon.join().unwrap();

    // Answered in order, the valid subset comes back.
    let (client, daemon) = fake(move |f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        for _ in 0..2 {
            assert_eq!(f.u64(), op::ADD_TEMP_ROOT);
            f.string();
        }
        assert_eq!(f.u64(), op::QUERY_VALID_PATHS);
        read_strings(&mut f.r).unwrap();
        f.u64();
        f.send(stderr::LAST).send(1).send(stderr::LAST).send(1);
        f.send(stderr::LAST);
        write_strings(&mut f.w, &[q]).unwrap();
        f.is_valid_path(true);
    });
    let mut c = connect(client).unwrap();
    let valid = c.add_temp_roots_and_query_valid(&[P, q]).unwrap();
    assert_eq!(valid, [q.to_string()].into());
    assert!(c.is_valid_path(P).unwrap(), "still in step");
    daemon.join().unwrap();
}

/// `AddToStore` of `big_nar` as `x`, the addition the framed-payload faults are tried on.
fn add_big_nar(c: &mut Connection) -> Result<String> {
    c.add_to_store(
        "x",
        HashAlgo::Sha256,
        &BTreeSet::new(),
        false,
        AddPayload::Nar(&mut big_nar),
    )
}

fn big_nar(w: &mut dyn Write) -> std::result::Result<(), crate::nar::NarIoError> {
    let data = vec![1u8; 1 << 20];
    let e = crate::nar::NarIoError::Write;
    write_str(w, crate::nar::NAR_MAGIC).map_err(e)?;
    for t in ["(", "type", "regular", "contents"] {
        write_str(w, t).map_err(e)?;
    }
    write_u64(w, 64 << 20).map_err(e)?;
    for _ in 0..64 {
        w.write_all(&data).map_err(e)?;
    }
    write_str(w, ")").map_err(e)
}

#[test]
fn add_to_store_framed_and_its_faults() {
    // A normal framed addition: the payload arrives whole and the path info follows.
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        assert_eq!(f.u64(), op::ADD_TO_STORE);
        assert_eq!(f.string(), "x");
        assert_eq!(f.string(), "fixed:r:sha256");
        assert!(read_strings(&mut f.r).unwrap().is_empty());
        assert_eq!(f.u64(), 0);
        f.send(stderr::NEXT).send_str("receiving");
        let nar = read_framed(&mut f.r).unwrap();
        assert_eq!(nar.len(), 24 + 4 * 16 + 8 + (64 << 20) + 16);
        f.send(stderr::LAST).send_str(P);
        f.send_str("")
            .send_str(&"0".repeat(64))
            .send(0)
            .send(0)
            .send(nar.len() as u64);
        f.send(1)
            .send(0)
            .send_str("fixed:r:sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
    });
    let mut c = connect(client).unwrap();
    let path = add_big_nar(&mut c).unwrap();
    assert_eq!(path, P);
    daemon.join().unwrap();

    // The daemon refuses at once and stops reading: an error, no hang.
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        f.u64();
        f.string();
        f.string();
        f.u64();
        f.u64();
        f.send(stderr::ERROR).send_str("Error").send(0).send_str("Error");
        f.send_str("no space left").send(0).send(0);
        std::thread::sleep(Duration::from_secs(3));
    });
    let mut c = connect(client).unwrap();
    let start = Instant::now();
    let e = add_big_nar(&mut c).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    assert_eq!(e.to_string(), "no space left");
    assert!(c.broken().is_some());
    daemon.join().unwrap();

    // The daemon dies half-way through the payload.
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        f.u64();
        f.string();
        f.string();
        f.u64();
        f.u64();
        let len = f.u64();
        assert!(len <= 1 << 20);
        let mut buf = vec![0u8; len as usize];
        f.r.read_exact(&mut buf).unwrap();
    });
    let mut c = connect(client).unwrap();
    let e = add_big_nar(&mut c).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the nix-daemon closed the connection while adding 'x' to the store"
    );
    daemon.join().unwrap();

    // A local read error: reported as such, the connection dropped.
    let (client, daemon) = fake(|f| {
        f.handshake(ProtocolVersion::new(1, 34), "2.8.0", 0, &[]);
        let mut rest = Vec::new();
        let _ = f.r.read_to_end(&mut rest);
    });
    let mut c = connect(client).unwrap();
    let e = c
        .add_to_store(
            "x",
            HashAlgo::Sha256,
            &BTreeSet::new(),
            false,
            AddPayload::Nar(&mut |_| Err(crate::nar::NarIoError::Truncated("/src/f".into()))),
        )
        .unwrap_err();
    assert_eq!(e.to_string(), "reading file '/src/f': unexpected end-of-file");
    assert!(c.broken().is_some());
    daemon.join().unwrap();
}

#[test]
fn socket_selection() {
    // Only the explicit-URI forms: the environment is shared with other tests.
    assert_eq!(
        daemon_socket_path(Some("unix:///run/nix/sock")).unwrap(),
        std::path::PathBuf::from("/run/nix/sock")
    );
    assert_eq!(
        daemon_socket_path(Some("unix:///run/nix/sock?trusted=1")).unwrap(),
        std::path::PathBuf::from("/run/nix/sock")
    );
    assert_eq!(daemon_socket_path(Some("daemon")).unwrap(), default_socket_path());
    assert!(daemon_socket_path(Some("ssh://host")).is_err());
    assert!(daemon_socket_path(Some("unix://relative")).is_err());
}
