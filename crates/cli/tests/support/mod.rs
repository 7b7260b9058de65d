//! Helpers shared by the CLI test binaries (each includes this with `mod support;`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// git in `dir` with a fixed identity and dates and no user configuration, so fixture
/// repositories get the same commits on every machine. Panics with git's stderr on failure.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "fixture")
        .env("GIT_AUTHOR_EMAIL", "fixture@example.org")
        .env("GIT_COMMITTER_NAME", "fixture")
        .env("GIT_COMMITTER_EMAIL", "fixture@example.org")
        .env("GIT_AUTHOR_DATE", "@1600000000 +0000")
        .env("GIT_COMMITTER_DATE", "@1600000000 +0000")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether `tool --version` runs: tests needing Nix, git or tar skip without them.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The `rnix-eval` under test, isolated: no search path, no colour, fetched trees in
/// `fetch_cache`, no parse or result cache.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn rnix_eval(fetch_cache: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rnix-eval"));
    command
        .env("NIX_PATH", "")
        .env("NO_COLOR", "1")
        .env("RNIX_EVAL_FETCH_CACHE", fetch_cache)
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env("RNIX_EVAL_NO_CACHE", "1");
    command
}

/// A private nix-daemon for the store writes of `--read-write-mode`, killed on drop.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub struct Daemon {
    child: std::process::Child,
    pub socket: PathBuf,
}

impl Daemon {
    #[allow(dead_code)]
    pub fn start(dir: &Path) -> Daemon {
        let socket = dir.join("socket");
        let child = Command::new("nix-daemon")
            .env("NIX_DAEMON_SOCKET_PATH", &socket)
            .env("NIX_CONFIG", "sandbox = false\nsubstituters =\n")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start nix-daemon");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !socket.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "nix-daemon did not create its socket"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Daemon { child, socket }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("pkill").args(["-9", "-P", &pid]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
