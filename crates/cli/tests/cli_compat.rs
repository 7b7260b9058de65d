//! `rnix-eval` side by side with `nix-instantiate` (Nix 2.8, the reference) for the flags
//! and diagnostics a Nix user relies on: the same stdout, the same first `error:` line or
//! warning, the same exit code. Skipped, with a message, when Nix is not installed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn nix_installed() -> bool {
    Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

macro_rules! require_nix {
    () => {
        if !nix_installed() {
            eprintln!("skipped: nix-instantiate is not installed");
            return;
        }
    };
}

/// A fresh scratch directory.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rnix-cli-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(program: &str, args: &[&str], dir: &Path, stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env("NIX_PATH", "")
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env_remove("NO_COLOR")
        .env_remove("NIX_REMOTE")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn rnix(args: &[&str], dir: &Path) -> Output {
    run(env!("CARGO_BIN_EXE_rnix-eval"), args, dir, None, &[])
}

fn nix(args: &[&str], dir: &Path) -> Output {
    run("nix-instantiate", args, dir, None, &[])
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The lines of stderr that start with `prefix` (`error:`, `warning:`, `trace:`).
fn lines_with(o: &Output, prefix: &str) -> Vec<String> {
    text(&o.stderr)
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(String::from)
        .collect()
}

/// Same stdout, same exit code, same `error:` line.
fn assert_same(args: &[&str], dir: &Path) {
    let ours = rnix(args, dir);
    let theirs = nix(args, dir);
    assert_eq!(
        text(&ours.stdout),
        text(&theirs.stdout),
        "stdout of {args:?}\nours stderr: {}\nnix stderr: {}",
        text(&ours.stderr),
        text(&theirs.stderr)
    );
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit code of {args:?}: {}",
        text(&ours.stderr)
    );
    assert_eq!(
        lines_with(&ours, "error:"),
        lines_with(&theirs, "error:"),
        "errors of {args:?}"
    );
}

// ------------------------------------------------------------------ diagnostics

/// `--arg` and `--argstr` for one name: the last flag wins, whichever kind it is.
#[test]
fn last_auto_argument_wins() {
    if !nix_installed() {
        return;
    }
    let dir = scratch("autoargs");
    for args in [
        &["--eval", "-E", "{ x }: x", "--argstr", "x", "a", "--arg", "x", "2"][..],
        &["--eval", "-E", "{ x }: x", "--arg", "x", "1", "--argstr", "x", "b"],
        &[
            "--eval",
            "-E",
            "{ x, y }: [ x y ]",
            "--arg",
            "x",
            "1",
            "--argstr",
            "y",
            "b",
            "--arg",
            "y",
            "3",
            "--strict",
        ],
    ] {
        assert_same(args, &dir);
    }
}

/// Several `-A` paths: each result is printed as it comes, so a later failure keeps the
/// earlier results on stdout.
#[test]
fn results_before_a_failing_attribute_are_printed() {
    if !nix_installed() {
        return;
    }
    let dir = scratch("partial");
    assert_same(
        &[
            "--eval",
            "-E",
            "{ a = 1; b = throw \"x\"; c = 3; }",
            "-A",
            "a",
            "-A",
            "b",
            "-A",
            "c",
        ],
        &dir,
    );
}

/// `--xml` of a value that fails inside: the document so far, its open elements closed
/// as Nix's unwinding closes them; and the last of `--json`/`--xml` decides the format.
#[test]
fn xml_output_of_a_failing_value_and_the_last_format_flag() {
    require_nix!();
    let dir = scratch("xml-partial");
    let file = dir.join("partial.nix");
    std::fs::write(&file, "{ a = [ 1 { b = throw \"x\"; } ]; c = 2; }\n").unwrap();
    let file = file.to_str().unwrap();
    assert_same(&["--eval", "--strict", "--xml", file], &dir);
    assert_same(&["--eval", "--xml", file], &dir);
    let ok = dir.join("ok.nix");
    std::fs::write(&ok, "{ a = [ 1 2 ]; }\n").unwrap();
    let ok = ok.to_str().unwrap();
    assert_same(&["--eval", "--strict", "--json", "--xml", ok], &dir);
    assert_same(&["--eval", "--strict", "--xml", "--json", "--xml", ok], &dir);
}

/// A failure outside the module system does not call the file's function again (the
/// definitions note is only looked for when the error names an option): its traces are
/// not printed, as in Nix.
#[test]
fn an_error_does_not_call_the_root_again() {
    require_nix!();
    let dir = scratch("no-recall");
    let file = dir.join("f.nix");
    std::fs::write(&file, "{ n ? 1 }: builtins.trace \"called\" n\n").unwrap();
    let file = file.to_str().unwrap();
    let args = ["--eval", "--json", file];
    assert_same(&args, &dir);
    assert_eq!(
        lines_with(&rnix(&args, &dir), "trace:"),
        lines_with(&nix(&args, &dir), "trace:")
    );
}

/// A functor set (what `lib.makeOverridable` returns) is auto-called through
/// `__functor`, at the top and at each step of `-A`.
#[test]
fn functor_sets_are_auto_called() {
    if !nix_installed() {
        return;
    }
    let dir = scratch("functors");
    for args in [
        &["--eval", "-E", "{ __functor = s: { x ? 1 }: { a = x; }; }", "-A", "a"][..],
        &[
            "--eval",
            "-E",
            "{ f = { __functor = s: { x ? 1 }: { a = x; }; }; }",
            "-A",
            "f.a",
        ],
        &["--eval", "-E", "{ __functor = s: { x }: x; }", "--arg", "x", "1"],
        &[
            "--eval",
            "-E",
            "{ __functor = s: { x }: x; }",
            "--argstr",
            "x",
            "1",
            "-A",
            "",
        ],
    ] {
        assert_same(args, &dir);
    }
}

/// Where Nix says an infinite recursion or a failed `assert a == b` is: the variable or
/// selection that forced the thunk under evaluation (or the selected attribute's
/// definition, Nix's `pos2`), the assertion (the message of the
/// latter is modern Nix's, so only the `at` lines are compared); a duplicate formal.
#[test]
fn error_positions_as_nix() {
    if !nix_installed() {
        return;
    }
    let dir = scratch("positions");
    std::fs::write(
        dir.join("assert.nix"),
        "rec { x = 1; y = { z = assert x == 2; 3; }; }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("overlay.nix"),
        "let pkgs = { hello = pkgs.hello; }; in pkgs.hello\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("json.nix"),
        "{ services.foo = { port = 1; check = x: x; }; }\n",
    )
    .unwrap();
    for args in [
        &["--eval", "-E", "let x = x; in x"][..],
        &["--eval", "-E", "rec { a = b; b = a; }.a"],
        &["--eval", "-E", "let xs = [ 1 ] ++ xs; in xs"],
        &["--eval", "overlay.nix"],
        // Through a cell of `mapAttrs`/`map`, which Nix does not blackhole: at the
        // definition of the attribute the function selects.
        &[
            "--eval",
            "-E",
            "let opt = { value = cfg.x + 1; }; cfg = builtins.mapAttrs (n: v: v.value) { x = opt; }; in cfg.x",
        ],
        &[
            "--eval",
            "-E",
            "let o = { v = builtins.head c + 1; }; c = map (x: x.v) [ o ]; in builtins.head c",
        ],
        &["--eval", "--strict", "assert.nix"],
        // A function in `toJSON`: at the function, a builtin at its attribute.
        &["--eval", "-E", "builtins.toJSON (import ./json.nix)"],
        &["--eval", "-E", "builtins.toJSON { a = builtins.add 1; }"],
        // A part that is no string: at its `${`, in strings, indented strings and paths.
        &["--eval", "-E", "let x = { }; in \"a ${\"b\"} c ${x}\""],
        &["--eval", "-E", "''\n  one\n    ${toString 1} ${ [ ] }\n''"],
        &["--eval", "-E", "let d = \"d\"; in ./a/${d}/${{ }}"],
        &["--eval", "-E", "\"a ${{ b = 1; }}\""],
        &["--eval", "-E", "let x = { }; in ./a/${x}"],
        &["--eval", "-E", "let x = { __toString = s: 1; }; in \"a ${x} b\""],
        // An `@` name that is also a formal: at the lambda, either way round.
        &["--eval", "-E", "(a@{ a }: a) { a = 1; }"],
        &["--eval", "-E", "({ b, a }@a: a) { a = 1; }"],
    ] {
        let (ours, theirs) = (rnix(args, &dir), nix(args, &dir));
        assert_eq!(ours.status.code(), theirs.status.code(), "exit code of {args:?}");
        assert_eq!(
            lines_with(&ours, "       at "),
            lines_with(&theirs, "       at "),
            "positions of {args:?}\nours: {}\nnix: {}",
            text(&ours.stderr),
            text(&theirs.stderr)
        );
    }
}

/// The whole of stderr as Nix prints it: the source lines around an error's position
/// (the line before and after, none after the file's last line, empty lines without
/// trailing spaces), line numbers right-aligned in five columns, and a message's lines
/// without trailing whitespace (a NixOS `Failed assertions:` message starts with a
/// newline: a bare `error:` line; nixpkgs' unfree message has empty lines in it).
#[test]
fn error_layout_as_nix() {
    require_nix!();
    let dir = scratch("layout");
    let mut long = "\n".repeat(119);
    long.push_str("1 + \"a\"\n");
    for (name, text) in [
        ("middle.nix", "let\n  x = 1;\nin\n  x + \"a\"\n  + 2\n"),
        ("last.nix", "let\n  x = 1;\n\nin\n  x + 2 + \"a\"\n"),
        ("empty.nix", "let x = 1;\n\nin x + \"a\"\n\n"),
        ("long.nix", long.as_str()),
        ("suggest.nix", "{ abc = 1; }.abd\n"),
        (
            "assertions.nix",
            "let f = x: if x then throw \"\\nFailed assertions:\\n- a  \\n\\n  b \\n\" else 1; in f true\n",
        ),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    for file in ["middle.nix", "last.nix", "empty.nix", "long.nix", "suggest.nix"] {
        let args = ["--eval", file];
        let (ours, theirs) = (rnix(&args, &dir), nix(&args, &dir));
        assert_eq!(ours.status.code(), theirs.status.code(), "exit code of {file}");
        assert_eq!(text(&ours.stderr), text(&theirs.stderr), "stderr of {file}");
    }
    // `throw` has a position in modern Nix, none in Nix 2.8: the message alone.
    let message = |o: &Output| text(&o.stderr).split("\n\n       at ").next().unwrap().to_string();
    let args = ["--eval", "assertions.nix"];
    let (ours, theirs) = (rnix(&args, &dir), nix(&args, &dir));
    assert_eq!(message(&ours), text(&theirs.stderr).trim_end_matches('\n'));
}

/// A function at the top with an argument nothing supplies: the message and modern Nix's
/// explanation under it (`src/libexpr/eval.cc`, `autoCallFunction`; Nix 2.8 words the
/// same explanation after an empty line with the old manual's address).
#[test]
fn missing_automatic_argument_is_explained() {
    require_nix!();
    let dir = scratch("autocall");
    let args = ["--eval", "-E", "{ x }: x", "-A", "x"];
    let (ours, theirs) = (rnix(&args, &dir), nix(&args, &dir));
    assert_eq!(ours.status.code(), theirs.status.code());
    let (ours, theirs) = (text(&ours.stderr), text(&theirs.stderr));
    let first = |s: &str| s.lines().next().unwrap_or_default().to_string();
    assert_eq!(first(&ours), first(&theirs));
    let explanation = |s: &str| {
        s.lines()
            .skip(1)
            .map(str::trim)
            .take_while(|l| !l.starts_with("at "))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let modern = explanation(&theirs).replace(
        "https://nixos.org/manual/nix/stable/#ss-functions.",
        "https://nix.dev/manual/nix/stable/language/syntax.html#functions.",
    );
    assert_eq!(explanation(&ours), modern);
    assert!(ours.contains("('x')\n       Nix attempted"), "{ours}");
}

const COLOURED_TRACE: &str = r#"builtins.trace (builtins.fromJSON "\"\\u001b[1;31mwarning:\\u001b[0m a\\tb\\rc\"") 1"#;

/// A `trace` of a coloured string (nixpkgs' old `lib.warn`) to a pipe: no escapes, tabs
/// expanded, `\r` dropped, as Nix's logger writes it.
#[test]
fn trace_to_a_pipe_has_no_colours() {
    require_nix!();
    let dir = scratch("trace");
    let ours = rnix(&["--eval", "-E", COLOURED_TRACE], &dir);
    let theirs = nix(&["--eval", "-E", COLOURED_TRACE], &dir);
    assert_eq!(ours.stderr, theirs.stderr);
    assert!(!ours.stderr.contains(&0x1b));
    assert_eq!(ours.stdout, theirs.stdout);
}

/// On a terminal (through `script`) colours pass, unless `NO_COLOR` is set.
#[test]
fn trace_to_a_terminal_keeps_colours_unless_no_color() {
    require_nix!();
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let dir = scratch("tty");
    let expr = COLOURED_TRACE.replace('\\', "\\\\").replace('"', "\\\"");
    for no_color in [false, true] {
        let through_tty = |program: &str| {
            let inner = format!("{program} --eval -E \"{expr}\"");
            let env: &[(&str, &str)] = if no_color { &[("NO_COLOR", "1")] } else { &[] };
            run("script", &["-qc", &inner, "/dev/null"], &dir, None, env).stdout
        };
        let ours = through_tty(env!("CARGO_BIN_EXE_rnix-eval"));
        let theirs = through_tty("nix-instantiate");
        assert_eq!(text(&ours), text(&theirs), "NO_COLOR={no_color}");
        assert_eq!(ours.contains(&0x1b), !no_color);
    }
}

/// Error messages are filtered the same way.
#[test]
fn error_with_escapes_to_a_pipe() {
    require_nix!();
    let dir = scratch("err");
    let expr = r#"throw (builtins.fromJSON "\"\\u001b[31mred\\u001b[0m\"")"#;
    let ours = rnix(&["--eval", "-E", expr], &dir);
    assert!(!ours.stderr.contains(&0x1b), "{}", text(&ours.stderr));
    assert_same(&["--eval", "-E", expr], &dir);
}

// ------------------------------------------------------------------ flags

/// Flags Nix 2.8 takes as they are: same stdout, stderr errors and exit code.
#[test]
fn flags_nix_accepts() {
    require_nix!();
    let dir = scratch("flags");
    std::fs::write(dir.join("a.nix"), "{ x = 1; y = { z = \"s\"; }; }\n").unwrap();
    let cases: &[&[&str]] = &[
        &["--eval", "-E", "-E", "1 + 2"],
        &["--eval", "--strict", "--strict", "a.nix"],
        &["--eval", "-v", "a.nix", "-A", "x"],
        &["--eval", "-v", "-v", "--verbose", "a.nix"],
        &["--eval", "-vvv", "a.nix"],
        &["--eval", "--timeout", "5", "a.nix"],
        &["--eval", "--option", "max-call-depth", "100", "a.nix"],
        &["--eval", "--option", "show-trace", "true", "-E", "throw \"x\""],
        &["--eval", "--option", "allow-import-from-derivation", "false", "a.nix"],
        &["--eval", "--option", "substituters", "", "a.nix"],
        &[
            "--eval",
            "--option",
            "extra-experimental-features",
            "nix-command",
            "a.nix",
        ],
        &["--eval", "-E"],
        &["--eval", "--dry-run", "a.nix"],
        &["--eval", "-A", "--strict", "a.nix"],
    ];
    for args in cases {
        assert_same(args, &dir);
    }
}

/// A bad command line: Nix's one `error:` line, exit 1 (clap would exit 2 and suggest
/// `--version` for `--verbos`).
#[test]
fn bad_flags_exit_1_as_nix() {
    require_nix!();
    let dir = scratch("badflags");
    let cases: &[&[&str]] = &[
        &["--eval", "--no-such-flag", "-E", "1"],
        &["--eval", "--verbos", "-E", "1"],
        &["--eval", "-E", "1", "--option"],
        &["--eval", "-E", "1", "--option", "foo"],
        &["--eval", "-E", "1", "--arg", "x"],
        &["--eval", "-E", "1", "-A"],
        &["--eval", "-E", "1", "--add-root"],
        // Not split into short flags: the whole argument is named.
        &["--eval", "-E", "-(1.5)"],
        &["--eval", "-E", "-1e300"],
    ];
    for args in cases {
        let ours = rnix(args, &dir);
        let theirs = nix(args, &dir);
        assert_eq!(ours.status.code(), Some(1), "{args:?}: {}", text(&ours.stderr));
        assert_eq!(theirs.status.code(), Some(1));
        assert_eq!(lines_with(&ours, "error:"), lines_with(&theirs, "error:"), "{args:?}");
        assert!(
            !text(&ours.stderr).contains("similar argument"),
            "{}",
            text(&ours.stderr)
        );
    }
}

/// `-` reads the expression from stdin, also with `-E`, alone or with other inputs: once,
/// and before them, wherever it is given (Nix's `readStdin`).
#[test]
fn stdin_expression() {
    require_nix!();
    let dir = scratch("stdin");
    std::fs::write(dir.join("str.nix"), "\"hello\"").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--eval", "-E", "-"], "1 + 2"),
        (&["--eval", "-"], "{ a = 1; }"),
        (&["--eval", "-", "-A", "a"], "{ a = 1; }"),
        (&["--eval", "--strict", "-E", "-"], "{ a = [ 1 2 ]; }"),
        (&["--eval", "str.nix", "-"], "{ a = \"stdin\"; }"),
        (&["--eval", "-E", "1", "-"], "{ a = \"stdin\"; }"),
        (&["--eval", "-", "-"], "{ a = \"stdin\"; }"),
        (&["--eval", "str.nix", "-"], ""),
    ];
    for (args, input) in cases {
        let ours = run(env!("CARGO_BIN_EXE_rnix-eval"), args, &dir, Some(input), &[]);
        let theirs = run("nix-instantiate", args, &dir, Some(input), &[]);
        assert_eq!(
            text(&ours.stdout),
            text(&theirs.stdout),
            "{args:?}: {}",
            text(&ours.stderr)
        );
        assert_eq!(ours.status.code(), theirs.status.code());
    }
}

/// `--find-file`: search path lookups printed one per line; a missing one is an error.
#[test]
fn find_file() {
    require_nix!();
    let dir = scratch("findfile");
    std::fs::create_dir_all(dir.join("root/sub")).unwrap();
    let root = format!("pkgs={}", dir.join("root").display());
    let other = format!("{}", dir.display());
    for args in [
        vec!["--find-file", "pkgs", "-I", &root],
        vec!["--find-file", "pkgs/sub", "root", "-I", &root, "-I", &other],
        vec!["--find-file", "-I", &root],
        vec!["--find-file", "missing", "-I", &root],
    ] {
        assert_same(&args, &dir);
    }
}

/// `--add-root` (with `--read-only`/`--readonly-mode`: no daemon needed): the root's path is
/// printed and it links to the `.drv`, as nix-instantiate does; without it Nix's
/// garbage-collector warning is printed.
#[test]
fn add_root_and_gc_warning() {
    require_nix!();
    let dir = scratch("addroot");
    std::fs::write(
        dir.join("d.nix"),
        "let d = derivation { name = \"r\"; system = \"x\"; builder = \"/bin/sh\"; outputs = [ \"out\" \"dev\" ]; }; in { a = d; b = d.dev; }\n",
    )
    .unwrap();
    let ours = rnix(&["--readonly-mode", "--add-root", "ours", "d.nix"], &dir);
    let theirs = nix(&["--readonly-mode", "--add-root", "theirs", "d.nix"], &dir);
    assert!(ours.status.success(), "{}", text(&ours.stderr));
    assert_eq!(
        text(&ours.stdout).replace("/ours", "/ROOT"),
        text(&theirs.stdout).replace("/theirs", "/ROOT")
    );
    for suffix in ["", "-2"] {
        assert_eq!(
            std::fs::read_link(dir.join(format!("ours{suffix}"))).unwrap(),
            std::fs::read_link(dir.join(format!("theirs{suffix}"))).unwrap()
        );
    }
    let ours = rnix(&["--readonly-mode", "d.nix", "-A", "a"], &dir);
    let theirs = nix(&["--readonly-mode", "d.nix", "-A", "a"], &dir);
    assert_eq!(text(&ours.stdout), text(&theirs.stdout));
    assert_eq!(lines_with(&ours, "warning:"), lines_with(&theirs, "warning:"));
    assert_eq!(lines_with(&ours, "warning:").len(), 1);
    // --dry-run instantiates without writing, as --readonly-mode.
    let ours = rnix(&["--dry-run", "d.nix", "-A", "a"], &dir);
    let theirs = nix(&["--dry-run", "d.nix", "-A", "a"], &dir);
    assert_eq!(text(&ours.stdout), text(&theirs.stdout), "{}", text(&ours.stderr));
}

/// `--raw` (modern nix-instantiate, as `nix eval --raw`): the value coerced to a string
/// (a path is copied to the store), no quotes, no newline. The expected text comes from
/// Nix 2.8's `nix eval --raw`.
#[test]
fn raw_output() {
    require_nix!();
    let dir = scratch("raw");
    std::fs::write(dir.join("f.txt"), "x").unwrap();
    for expr in [
        r#""a \"quoted\"\nline""#,
        r#"{ outPath = "/some/path"; }"#,
        r#"{ __toString = self: "str"; }"#,
        "1",
        "./f.txt",
    ] {
        let ours = rnix(&["--eval", "--raw", "-E", expr], &dir);
        let theirs = run(
            "nix",
            &[
                "--extra-experimental-features",
                "nix-command",
                "eval",
                "--impure",
                "--raw",
                "--read-only",
                "--expr",
                expr,
            ],
            &dir,
            None,
            &[],
        );
        assert_eq!(
            text(&ours.stdout),
            text(&theirs.stdout),
            "{expr}: {}",
            text(&ours.stderr)
        );
        assert_eq!(ours.status.code(), theirs.status.code(), "{expr}");
        let first_words = |o: &Output| {
            lines_with(o, "error:")
                .first()
                .map(|l| l.chars().take(30).collect::<String>())
        };
        assert_eq!(first_words(&ours), first_words(&theirs), "{expr}");
    }
}

/// `--trace-verbose` makes `traceVerbose` print as `trace` (Nix 2.10+; the expectation
/// is Nix 2.8's `trace`); without it nothing is printed.
#[test]
fn trace_verbose() {
    require_nix!();
    let dir = scratch("traceverbose");
    let ours = rnix(
        &[
            "--eval",
            "--trace-verbose",
            "-E",
            r#"builtins.traceVerbose { a = "x"; } 1"#,
        ],
        &dir,
    );
    let theirs = nix(&["--eval", "-E", r#"builtins.trace { a = "x"; } 1"#], &dir);
    assert_eq!(text(&ours.stdout), text(&theirs.stdout));
    assert_eq!(text(&ours.stderr), text(&theirs.stderr));
    let quiet = rnix(&["--eval", "-E", r#"builtins.traceVerbose "x" 1"#], &dir);
    assert_eq!(text(&quiet.stderr), "");
    let via_option = rnix(
        &[
            "--eval",
            "--option",
            "trace-verbose",
            "true",
            "-E",
            r#"builtins.traceVerbose "x" 1"#,
        ],
        &dir,
    );
    assert_eq!(text(&via_option.stderr), "trace: x\n");
}

/// Settings Nix 2.8 does not have, as modern Nix handles them (`src/libexpr/primops.cc`
/// `prim_warn`, `src/libutil/config.cc`): abort-on-warn fails after the warning, and is
/// not caught by tryEval; max-call-depth limits calls; unknown names and bad values warn.
#[test]
fn modern_settings() {
    let dir = scratch("modern");
    let warn = r#"builtins.tryEval (builtins.warn "careful" 1)"#;
    let out = rnix(&["--eval", "--option", "abort-on-warn", "true", "-E", warn], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("evaluation warning: careful\n"), "{err}");
    assert!(
        err.contains("error: aborting to reveal stack trace of warning, as abort-on-warn is set"),
        "{err}"
    );
    let out = rnix(&["--eval", "--option", "abort-on-warn", "false", "-E", warn], &dir);
    assert_eq!(text(&out.stdout), "{ success = true; value = 1; }\n");
    // `NIX_ABORT_ON_WARN=1` is its default (`EvalSettings`' constructor); an option wins.
    let env = [("NIX_ABORT_ON_WARN", "1"), ("RNIX_EVAL_NO_CACHE", "1")];
    let out = run(
        env!("CARGO_BIN_EXE_rnix-eval"),
        &["--eval", "-E", warn],
        &dir,
        None,
        &env,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let args = ["--eval", "--option", "abort-on-warn", "false", "-E", warn];
    let out = run(env!("CARGO_BIN_EXE_rnix-eval"), &args, &dir, None, &env);
    assert_eq!(text(&out.stdout), "{ success = true; value = 1; }\n");

    let deep = "let f = n: if n == 0 then 0 else f (n - 1); in f 50";
    let out = rnix(&["--eval", "--option", "max-call-depth", "20", "-E", deep], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("max-call-depth exceeded"),
        "{}",
        text(&out.stderr)
    );
    // The flag, given after the option, wins.
    let out = rnix(
        &[
            "--eval",
            "--option",
            "max-call-depth",
            "20",
            "--max-call-depth",
            "100",
            "-E",
            deep,
        ],
        &dir,
    );
    assert_eq!(text(&out.stdout), "0\n", "{}", text(&out.stderr));

    // An explicit limit bounds `toXML`'s walk too, a level a call (`printValueAsXML`'s
    // `addCallDepth`): a value that never ends stops there, and one within it is printed.
    let endless = "builtins.toXML (let f = n: { inner = f (n + 1); }; in f 0)";
    let out = rnix(&["--eval", "--max-call-depth", "100", "-E", endless], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("error: stack overflow; max-call-depth exceeded"),
        "{err}"
    );
    let finite =
        "builtins.stringLength (builtins.toXML (let f = n: if n == 40 then 0 else { inner = f (n + 1); }; in f 0))";
    let out = rnix(&["--eval", "--max-call-depth", "100", "-E", finite], &dir);
    assert_eq!(text(&out.stdout), "14994\n", "{}", text(&out.stderr));

    let out = rnix(
        &[
            "--eval",
            "--option",
            "foo",
            "1",
            "--option",
            "show-trace",
            "maybe",
            "--option",
            "max-call-depth",
            "x",
            "-E",
            "1",
        ],
        &dir,
    );
    assert_eq!(text(&out.stdout), "1\n");
    assert_eq!(
        lines_with(&out, "warning:"),
        [
            "warning: Boolean setting 'show-trace' has invalid value 'maybe'",
            "warning: setting 'max-call-depth' has invalid value 'x'",
            "warning: unknown setting 'foo'",
        ]
    );
}

/// Every Nix setting is also a flag (`--max-jobs 4`, `--sandbox`, `--no-sandbox`, `-j`,
/// `-k`, `-K`), and logging flags (`--quiet`, `-Q`, `--log-format`) are accepted; the
/// `system` setting is `builtins.currentSystem`.
#[test]
fn setting_flags_as_nix() {
    require_nix!();
    let dir = scratch("settingflags");
    let cases: &[&[&str]] = &[
        &["--eval", "--quiet", "-Q", "--no-build-output", "-E", "1"],
        &["--eval", "--log-format", "bar", "--repair", "--debug", "-E", "1"],
        &[
            "--eval",
            "-k",
            "--keep-going",
            "-K",
            "--keep-failed",
            "--fallback",
            "-E",
            "1",
        ],
        &[
            "--eval",
            "-j",
            "4",
            "--max-jobs",
            "2",
            "--cores",
            "2",
            "--max-silent-time",
            "5",
            "-E",
            "1",
        ],
        &[
            "--eval",
            "--sandbox",
            "--no-sandbox",
            "--builders",
            "",
            "--substituters",
            "",
            "-E",
            "1",
        ],
        &["--eval", "--no-show-trace", "-E", "1"],
        &["--eval", "--system", "aarch64-linux", "-E", "builtins.currentSystem"],
        &[
            "--eval",
            "--option",
            "system",
            "riscv64-linux",
            "-E",
            "builtins.currentSystem",
        ],
        &["--eval", "-E", "builtins.currentSystem"],
        &["--eval", "-E", "1", "--max-jobs"],
        &["--eval", "-E", "1", "-L"],
    ];
    for args in cases {
        assert_same(args, &dir);
    }
}

/// A lone carriage return ends a line, as `\n` and `\r\n` do (Nix's lexer, `adjustLoc`):
/// error positions, `__curPos` and `unsafeGetAttrPos` count it.
#[test]
fn lone_carriage_returns_end_lines() {
    require_nix!();
    let dir = scratch("lone-cr");
    std::fs::write(dir.join("error.nix"), "let\r  x = 1;\r in\r x + \"\"").unwrap();
    std::fs::write(
        dir.join("positions.nix"),
        "[ __curPos\r (builtins.unsafeGetAttrPos \"b\" { a = 1;\r\n b = 2; }) ]",
    )
    .unwrap();
    let (ours, theirs) = (
        rnix(&["--eval", "error.nix"], &dir),
        nix(&["--eval", "error.nix"], &dir),
    );
    assert_eq!(ours.status.code(), theirs.status.code());
    assert_eq!(lines_with(&ours, "       at "), lines_with(&theirs, "       at "));
    assert_same(&["--eval", "--strict", "positions.nix"], &dir);
}

/// Input Nix refuses is refused (the wording differs: toml11's multi-line report, Nix
/// 2.8's `getting status of` where modern Nix checks the store path's form first).
#[test]
fn refused_as_nix_refuses() {
    require_nix!();
    let dir = scratch("refused");
    for expr in [
        // Not UTF-8, in a string and in a comment.
        r#"builtins.fromTOML "a = \"${builtins.substring 0 1 "é"}\"""#,
        r#"builtins.fromTOML "a = 1 # ${builtins.substring 0 1 "é"}""#,
        // Not store paths: too short, a character outside the hash alphabet.
        r#"builtins.storePath "/nix/store/foo""#,
        r#"builtins.storePath "/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-a""#,
    ] {
        let args = ["--eval", "-E", expr];
        let (ours, theirs) = (rnix(&args, &dir), nix(&args, &dir));
        assert_eq!(theirs.status.code(), Some(1), "Nix accepted {expr}");
        assert_eq!(ours.status.code(), Some(1), "{expr}: {}", text(&ours.stdout));
        assert_eq!(lines_with(&ours, "error:").len(), 1, "{expr}: {}", text(&ours.stderr));
    }
}

/// An argument that is not UTF-8 is refused with a usage error, not a panic (clap reads
/// arguments as strings; Nix takes any bytes).
#[test]
fn an_argument_that_is_not_utf8_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("non-utf8-arg");
    for args in [
        vec![&b"--eval"[..], b"-E", b"\"\xe9\""],
        vec![&b"--eval"[..], b"/tmp/\xe9.nix"],
        vec![&b"\xe9"[..]],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
            .current_dir(&dir)
            .args(args.iter().map(|a| std::ffi::OsStr::from_bytes(a)))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        assert!(text(&out.stderr).starts_with("error: "), "{}", text(&out.stderr));
    }
}

/// A position in text that is no file (`-E`) is no position, as modern Nix's `mkPos` and
/// `posToXML` have it (Nix 2.8 used the text as the file name: KNOWN-DIFFERENCES.md); in a
/// file the positions are Nix 2.8's.
#[test]
fn positions_outside_files_are_null() {
    require_nix!();
    let dir = scratch("positions-in-text");
    let expr = r#"[ __curPos (builtins.unsafeGetAttrPos "a" { a = 1; }) ]"#;
    let ours = rnix(&["--eval", "--strict", "-E", expr], &dir);
    assert_eq!(text(&ours.stdout), "[ null null ]\n");
    let xml = text(&rnix(&["--eval", "--xml", "-E", "x: x"], &dir).stdout);
    assert!(xml.contains(r#"<function column="1" line="1">"#), "{xml}");
    std::fs::write(dir.join("positions.nix"), expr).unwrap();
    assert_same(&["--eval", "--strict", "positions.nix"], &dir);
    assert_same(&["--eval", "--xml", "positions.nix"], &dir);
}

/// Evaluation settings from `NIX_CONFIG` and `nix.conf` files (`XDG_CONFIG_HOME`,
/// `NIX_USER_CONF_FILES`, `include`), under `-I` and `--option`s, as Nix reads them.
#[test]
fn configuration_settings_as_nix() {
    require_nix!();
    let dir = scratch("nix-conf");
    std::fs::create_dir_all(dir.join("xdg/nix")).unwrap();
    std::fs::write(
        dir.join("xdg/nix/nix.conf"),
        "nix-path = a=/tmp b=/usr # comment\ninclude more.conf\n",
    )
    .unwrap();
    std::fs::write(dir.join("xdg/nix/more.conf"), "extra-nix-path = c=/c\n").unwrap();
    std::fs::write(dir.join("user.conf"), "system = from-user-conf\n").unwrap();
    let xdg = dir.join("xdg");
    let xdg = xdg.to_str().unwrap();
    let user = dir.join("user.conf");
    let user = user.to_str().unwrap();
    let expr = r#"[ builtins.nixPath (builtins.currentSystem or "pure") ]"#;
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: &[Case] = &[
        (&[("NIX_CONFIG", "nix-path = foo=/tmp")], &[]),
        (&[("NIX_CONFIG", "system = foo-bar")], &["--option", "nix-path", "o=/o"]),
        (&[("NIX_CONFIG", "pure-eval = true")], &[]),
        (&[("XDG_CONFIG_HOME", xdg)], &["-I", "i=/i"]),
        (
            &[("XDG_CONFIG_HOME", xdg), ("NIX_CONFIG", "extra-nix-path = z=/z")],
            &[],
        ),
        (
            &[("NIX_USER_CONF_FILES", user), ("XDG_CONFIG_HOME", xdg)],
            &["--option", "extra-nix-path", "e=/e"],
        ),
    ];
    for (env, flags) in cases {
        let mut args = vec!["--eval", "--strict"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["-E", expr]);
        // Without `NIX_PATH`, which modern Nix puts over the configuration (below).
        let ours = run_without_nix_path(env!("CARGO_BIN_EXE_rnix-eval"), &args, &dir, env);
        let theirs = run_without_nix_path("nix-instantiate", &args, &dir, env);
        assert_eq!(
            text(&ours.stdout),
            text(&theirs.stdout),
            "{env:?} {flags:?}: {}",
            text(&ours.stderr)
        );
        assert_eq!(ours.status.code(), theirs.status.code(), "{env:?} {flags:?}");
    }
}

/// [`run`] with `NIX_PATH` unset unless `env` sets it.
fn run_without_nix_path(program: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env_remove("NIX_PATH")
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env_remove("NIX_REMOTE")
        .args(args)
        .envs(env.iter().copied());
    cmd.output().unwrap()
}

/// The search path's precedence as modern Nix's `tests/functional/nix_path.sh` states and
/// checks it (its table: `NIX_PATH` overrides the configuration's `nix-path` and
/// `extra-nix-path`, files and `NIX_CONFIG`; the command line's `nix-path` overrides
/// `NIX_PATH`; `extra-nix-path` appends; `-I` comes first). Nix 2.8 let the configuration
/// win over `NIX_PATH` (KNOWN-DIFFERENCES.md), so the expectations are that test's.
#[test]
fn nix_path_precedence_as_modern_nix() {
    let dir = scratch("nix-path-precedence");
    let root = dir.to_str().unwrap().to_string();
    let dirs = [
        "from-nix-path-file",
        "from-NIX_PATH",
        "from-nix-path",
        "from-extra-nix-path",
        "from-I",
    ];
    for d in dirs {
        std::fs::create_dir_all(dir.join(d)).unwrap();
        std::fs::write(dir.join(d).join(format!("only-{d}.nix")), "").unwrap();
    }
    std::fs::create_dir_all(dir.join("etc")).unwrap();
    std::fs::write(
        dir.join("etc/nix.conf"),
        format!("nix-path = test={root}/from-nix-path-file\n"),
    )
    .unwrap();
    let conf_dir = format!("{root}/etc");
    let from = |d: &str| format!("test={root}/{d}");
    let find = |nix_path: Option<&str>, flags: &[&str], file: &str| -> Option<String> {
        let mut args: Vec<&str> = flags.to_vec();
        args.extend(["--find-file", file]);
        let mut env = vec![
            ("NIX_CONF_DIR", conf_dir.as_str()),
            ("NIX_USER_CONF_FILES", "/dev/null"),
        ];
        env.extend(nix_path.map(|p| ("NIX_PATH", p)));
        let out = run_without_nix_path(env!("CARGO_BIN_EXE_rnix-eval"), &args, &dir, &env);
        out.status.success().then(|| text(&out.stdout).trim_end().to_string())
    };
    let at = |d: &str, file: &str| Some(format!("{root}/{d}{file}"));
    let (env_path, i, np, extra) = (
        from("from-NIX_PATH"),
        from("from-I"),
        from("from-nix-path"),
        from("from-extra-nix-path"),
    );
    // nix.conf in the absence of NIX_PATH; NIX_PATH over nix.conf.
    assert_eq!(find(None, &[], "test"), at("from-nix-path-file", ""));
    assert_eq!(find(Some(&env_path), &[], "test"), at("from-NIX_PATH", ""));
    let bare = format!("test={root}");
    assert_eq!(find(Some(&bare), &[], "test/only-from-nix-path-file.nix"), None);
    // -I extends nix.conf and NIX_PATH, and comes first.
    assert_eq!(
        find(None, &["-I", &i], "test/only-from-I.nix"),
        at("from-I", "/only-from-I.nix")
    );
    let file_entry = "test/only-from-nix-path-file.nix";
    assert_eq!(
        find(None, &["-I", &i], file_entry),
        at("from-nix-path-file", "/only-from-nix-path-file.nix")
    );
    assert_eq!(find(Some(&env_path), &["-I", &i], "test"), at("from-I", ""));
    assert_eq!(
        find(Some(&env_path), &["-I", &i], "test/only-from-NIX_PATH.nix"),
        at("from-NIX_PATH", "/only-from-NIX_PATH.nix")
    );
    // --nix-path overrides NIX_PATH and nix.conf.
    assert_eq!(
        find(Some(&env_path), &["--nix-path", &np], "test"),
        at("from-nix-path", "")
    );
    assert_eq!(
        find(Some(&env_path), &["--nix-path", &np], "test/only-from-NIX_PATH.nix"),
        None
    );
    assert_eq!(find(None, &["--nix-path", &np], "test"), at("from-nix-path", ""));
    assert_eq!(find(None, &["--nix-path", &np], file_entry), None);
    // --extra-nix-path extends nix.conf; -I extends --nix-path.
    assert_eq!(
        find(None, &["--extra-nix-path", &extra], "test/only-from-extra-nix-path.nix"),
        at("from-extra-nix-path", "/only-from-extra-nix-path.nix")
    );
    assert_eq!(
        find(None, &["--extra-nix-path", &extra], "test"),
        at("from-nix-path-file", "")
    );
    assert_eq!(
        find(None, &["--nix-path", &np, "-I", &i], "test/only-from-I.nix"),
        at("from-I", "/only-from-I.nix")
    );
    assert_eq!(
        find(None, &["--nix-path", &np, "-I", &i], "test/only-from-nix-path.nix"),
        at("from-nix-path", "/only-from-nix-path.nix")
    );
    // NIX_PATH overrides NIX_CONFIG's nix-path and extra-nix-path too (the table's
    // "nix-path in env" and "extra-nix-path in env" rows).
    let expr = ["--eval", "--strict", "-E", "builtins.nixPath"];
    for config in ["nix-path = foo=/tmp", "extra-nix-path = foo=/tmp"] {
        let env = [
            ("NIX_CONFIG", config),
            ("NIX_PATH", "x=/y"),
            ("NIX_USER_CONF_FILES", "/dev/null"),
        ];
        let out = run_without_nix_path(env!("CARGO_BIN_EXE_rnix-eval"), &expr, &dir, &env);
        assert_eq!(
            text(&out.stdout),
            "[ { path = \"/y\"; prefix = \"x\"; } ]\n",
            "{config}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `fetchurl` and `fetchTarball` given a hash answer with the fixed-output path when it
/// is already in the store, without downloading (Nix's `fetch` in `fetchTree.cc`): a
/// pinned `fetchTarball` evaluates offline once fetched. The paths are added with
/// `nix-store --add-fixed`; the URLs cannot be reached. As Nix 2.8, with and without a
/// store connection (`--read-write-mode`).
#[test]
fn fetches_already_in_the_store_need_no_download() {
    require_nix!();
    let dir = scratch("fetched");
    let nonce = format!("{:?}", std::time::SystemTime::now());
    std::fs::create_dir_all(dir.join("source")).unwrap();
    std::fs::write(dir.join("blob.txt"), format!("fetched {nonce}\n")).unwrap();
    std::fs::write(dir.join("source/a.txt"), format!("in a tree {nonce}\n")).unwrap();
    let tool = |program: &str, args: &[&str]| {
        let out = Command::new(program).current_dir(&dir).args(args).output().unwrap();
        assert!(out.status.success(), "{program} {args:?}: {}", text(&out.stderr));
        text(&out.stdout).trim().to_string()
    };
    let added = tool("nix-store", &["--add-fixed", "sha256", "blob.txt"]);
    let flat = tool("nix-hash", &["--type", "sha256", "--flat", "--base32", "blob.txt"]);
    tool("nix-store", &["--add-fixed", "--recursive", "sha256", "source"]);
    let nar = tool("nix-hash", &["--type", "sha256", "--base32", "source"]);
    let expr = format!(
        r#"[ (builtins.fetchurl {{ url = "https://unreachable.invalid/blob.txt"; sha256 = "{flat}"; }})
            (builtins.fetchTarball {{ url = "https://unreachable.invalid/x.tar.gz"; sha256 = "{nar}"; }}) ]"#
    );
    let env = [("RNIX_EVAL_NO_CACHE", "1")];
    let theirs = run(
        "nix-instantiate",
        &["--eval", "--strict", "-E", &expr],
        &dir,
        None,
        &env,
    );
    assert!(text(&theirs.stdout).contains(&added), "{}", text(&theirs.stderr));
    for mode in [&[][..], &["--read-write-mode"][..]] {
        let mut args = vec!["--eval", "--strict"];
        args.extend_from_slice(mode);
        args.extend(["-E", &expr]);
        let ours = run(env!("CARGO_BIN_EXE_rnix-eval"), &args, &dir, None, &env);
        assert_eq!(
            text(&ours.stdout),
            text(&theirs.stdout),
            "{mode:?}: {}",
            text(&ours.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
