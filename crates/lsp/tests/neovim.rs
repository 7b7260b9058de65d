//! A real editor as the client: headless Neovim (its built-in LSP client) opens a module
//! of `fixtures/lsp` and asks for hover and completion (`neovim.lua`). Skipped, with a
//! message, when `nvim` is not installed (Debian: `apt-get install neovim`).

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn neovim_hover_and_completion() {
    if Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("skipped: no nvim on PATH (apt-get install neovim)");
        return;
    }
    let out = std::env::temp_dir().join(format!("rnix-eval-lsp-nvim-{}.txt", std::process::id()));
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/neovim.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "-n", "-i", "NONE", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("RNIX_LSP_BIN", env!("CARGO_BIN_EXE_rnix-eval-lsp"))
        .env("RNIX_LSP_ROOT", common::fixture())
        .env("RNIX_LSP_OUT", &out)
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("start nvim");
    let deadline = Instant::now() + Duration::from_secs(180);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let report = std::fs::read_to_string(&out).expect("the script's report");
    let _ = std::fs::remove_file(&out);
    assert!(report.contains("loaded web\n"), "{report}");
    let hover = report
        .lines()
        .find(|l| l.starts_with("hover "))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        hover.contains("services.web.greeting") && hover.contains("The text of the front page."),
        "{report}"
    );
    assert!(report.lines().any(|l| l == "completion greeting"), "{report}");
}
