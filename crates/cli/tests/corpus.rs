//! Runs `rnix-eval` over the conformance corpus in `nix-tests/lang` and compares with the
//! outputs Nix produced (see `nix-tests/README.md`). Ends with `N passed, M failed`.
//!
//! `RNIX_CORPUS_FILTER=substring` runs only matching cases; `RNIX_CORPUS_VERBOSE=1` prints
//! every failure in full.
//!
//! The corpus runs twice against one fresh parse cache (`RNIX_EVAL_CACHE_DIR`): a cold
//! pass that fills it and a warm pass that reads it, which must give the same results.
//! The cold pass runs the cycle collector at every frame allocation after a frame was
//! released (`RNIX_EVAL_CYCLES=1`): whatever it frees too early changes a result there.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The parse cache of this run: a temporary directory, never the user's cache.
static CACHE_DIR: OnceLock<PathBuf> = OnceLock::new();
/// `RNIX_EVAL_CYCLES` of the current pass (`None`: the default).
static CYCLES: std::sync::Mutex<Option<&str>> = std::sync::Mutex::new(None);

const CASE_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    EvalOkay,
    EvalFail,
    ParseOkay,
    ParseFail,
}

struct Case {
    name: String,
    kind: Kind,
    dir: PathBuf,
}

/// Output as bytes: Nix strings need not be UTF-8, and Nix prints them as they are.
struct Outcome {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    timed_out: bool,
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../nix-tests/lang");
    let root = root.canonicalize().expect("nix-tests/lang exists");
    let filter = std::env::var("RNIX_CORPUS_FILTER").unwrap_or_default();
    let verbose = std::env::var_os("RNIX_CORPUS_VERBOSE").is_some();
    let mut cases: Vec<Case> = std::fs::read_dir(&root)
        .expect("read corpus")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".nix")?.to_string();
            let kind = if stem.starts_with("eval-okay-") {
                Kind::EvalOkay
            } else if stem.starts_with("eval-fail-") {
                Kind::EvalFail
            } else if stem.starts_with("parse-okay-") {
                Kind::ParseOkay
            } else if stem.starts_with("parse-fail-") {
                Kind::ParseFail
            } else {
                return None;
            };
            Some(Case {
                name: stem,
                kind,
                dir: root.clone(),
            })
        })
        .filter(|c| c.name.contains(&filter))
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));

    let cache = std::env::temp_dir().join(format!("rnix-eval-corpus-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    CACHE_DIR.set(cache.clone()).expect("set once");
    let (mut passed, mut failed) = (0, 0);
    // Failing cases whose main message is modern Nix's (first pass only).
    let (mut modern, mut failing) = (0, 0);
    let mut failures = Vec::new();
    for pass in ["cold", "warm"] {
        // The warm pass keeps the default threshold.
        *CYCLES.lock().unwrap() = (pass == "cold").then_some("1");
        for case in &cases {
            match check(case) {
                Ok(message_matches) => {
                    passed += 1;
                    if pass == "cold" {
                        if let Some(m) = message_matches {
                            failing += 1;
                            modern += usize::from(m);
                        }
                    }
                }
                Err(why) => {
                    if pass == "cold" && expects_failure(case) {
                        failing += 1;
                    }
                    failed += 1;
                    failures.push((format!("{} ({pass} parse cache)", case.name), why));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&cache);
    for (name, why) in &failures {
        if verbose {
            println!("FAIL {name}\n{why}\n");
        } else {
            let short: String = why.lines().take(6).collect::<Vec<_>>().join("\n    ");
            println!("FAIL {name}\n    {short}");
        }
    }
    println!("{modern} of {failing} messages as modern Nix");
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}

fn read(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

fn text(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// `haystack` with every `from` replaced by `to`, on bytes.
fn replace_bytes(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if !from.is_empty() && haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// The expected output: a `.modern` file (an intended difference from Nix 2.8, taken from
/// modern Nix) wins over the Nix 2.8 output.
fn expected(case: &Case, ext: &str) -> Result<Vec<u8>, String> {
    let base = case.dir.join(&case.name);
    if let Some(modern) = read(&base.with_extension("modern")) {
        return Ok(modern);
    }
    read(&base.with_extension(ext)).ok_or_else(|| format!("missing {}.{ext}", case.name))
}

fn flags(case: &Case) -> Vec<String> {
    match read(&case.dir.join(format!("{}.flags", case.name))) {
        Some(f) => text(&f).split_whitespace().map(String::from).collect(),
        None => vec!["--strict".into()],
    }
}

fn run(case: &Case, args: &[String]) -> Outcome {
    let bin = env!("CARGO_BIN_EXE_rnix-eval");
    let mut command = Command::new(bin);
    match *CYCLES.lock().unwrap() {
        Some(threshold) => command.env("RNIX_EVAL_CYCLES", threshold),
        None => command.env_remove("RNIX_EVAL_CYCLES"),
    };
    let mut child = command
        .args(args)
        .current_dir(&case.dir)
        .env("NIX_PATH", "")
        .env("RNIX_EVAL_CACHE_DIR", CACHE_DIR.get().expect("set in main"))
        .env("NO_COLOR", "1")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rnix-eval");
    let mut stdout_pipe = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > CASE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            timed_out = true;
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let dir = case.dir.to_string_lossy().into_owned();
    let clean = |b: Vec<u8>| replace_bytes(&b, dir.as_bytes(), b"/pwd");
    Outcome {
        code: status.and_then(|s| s.code()),
        stdout: clean(out_thread.join().unwrap()),
        stderr: clean(err_thread.join().unwrap()),
        timed_out,
    }
}

/// The error block as the corpus records it: from the first `error:` line up to a blank
/// line or the `--show-trace` hint.
fn error_block(stderr: &[u8]) -> String {
    let stderr = text(stderr);
    let mut out = String::new();
    let mut started = false;
    for line in stderr.lines() {
        if !started {
            if line.starts_with("error:") {
                started = true;
            } else {
                continue;
            }
        }
        if line.is_empty() || line.starts_with("(use '--show-trace'") {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A `.modern` file starting with `error:` expects a failure where Nix 2.8 succeeded.
fn expects_failure(case: &Case) -> bool {
    match read(&case.dir.join(format!("{}.modern", case.name))) {
        Some(m) => m.starts_with(b"error:"),
        None => matches!(case.kind, Kind::EvalFail | Kind::ParseFail),
    }
}

/// `Ok(Some(same))` for a case that must fail: whether its message is exactly the
/// expected one (a syntax error may pass with other wording when its expectation is Nix
/// 2.8's, see below, but does not count as modern Nix's message then).
fn check(case: &Case) -> Result<Option<bool>, String> {
    let file = format!("{}.nix", case.name);
    let args: Vec<String> = match case.kind {
        Kind::EvalOkay | Kind::EvalFail => {
            let mut a = vec!["--eval".to_string()];
            a.extend(flags(case));
            a.push(file);
            a
        }
        Kind::ParseOkay | Kind::ParseFail => vec!["--parse".into(), file],
    };
    let out = run(case, &args);
    if out.timed_out {
        return Err(format!("timed out after {CASE_TIMEOUT:?}"));
    }
    if out.code.is_none() {
        return Err(format!("killed by a signal (crash)\nstderr: {}", text(&out.stderr)));
    }
    if text(&out.stderr).contains("panicked at") {
        return Err(format!("panicked:\n{}", text(&out.stderr)));
    }
    match (expects_failure(case), case.kind) {
        (false, _) => {
            let mut want = expected(case, "exp")?;
            // The one difference every `--json` case has (KNOWN-DIFFERENCES.md): modern Nix
            // ends the JSON with a newline. Cases that differ only so need no `.modern`.
            let has_modern = case.dir.join(format!("{}.modern", case.name)).exists();
            if !has_modern && args.iter().any(|a| a == "--json") && !want.ends_with(b"\n") {
                want.push(b'\n');
            }
            if out.code != Some(0) {
                return Err(format!("exit {:?}, want 0\nstderr: {}", out.code, text(&out.stderr)));
            }
            if out.stdout != want {
                return Err(format!(
                    "stdout differs\n want: {}\n  got: {}",
                    text(&want),
                    text(&out.stdout)
                ));
            }
        }
        (true, _) => {
            let want = text(&expected(case, "err")?).into_owned();
            if out.code == Some(0) {
                return Err(format!("succeeded, want failure\nstdout: {}", text(&out.stdout)));
            }
            let got = error_block(&out.stderr);
            let same = matches_modern(&want, &got);
            // Syntax errors follow modern Nix's Bison grammar, whose token names differ
            // from 2.8's (`'if'`, not `IF`): without a `.modern` only the kind is checked.
            let has_modern = case.dir.join(format!("{}.modern", case.name)).exists();
            let lenient = !has_modern && want.starts_with("error: syntax error");
            let kind_only = lenient && got.starts_with("error: syntax error");
            if !same && !kind_only {
                return Err(format!("error differs\n want: {want}\n  got: {got}"));
            }
            return Ok(Some(same));
        }
    }
    Ok(None)
}

/// `got` equals `want`, where each `@VALUE@` of `want` stands for a value printed in the
/// message (text on one line). The bulk `.modern` files of `nix-tests/modernise.sh` use
/// it: Nix 2.8's message says nothing of the value modern Nix prints.
fn matches_modern(want: &str, got: &str) -> bool {
    let Some((head, rest)) = want.split_once("@VALUE@") else {
        return want == got;
    };
    let Some(tail) = got.strip_prefix(head) else {
        return false;
    };
    (1..=tail.len())
        .filter(|&n| tail.is_char_boundary(n) && !tail[..n].contains('\n'))
        .any(|n| matches_modern(rest, &tail[n..]))
}
