//! Pathological input never crashes `rnix-eval`: cyclic and 1,000,000-deep values
//! through every printer and comparison, absurd sizes, and a 1.5 GiB address-space
//! limit (`ulimit -v`) end with exit 1 and an `error:` line, or succeed where Nix does;
//! never a signal, a panic or a Rust stack overflow.

use std::process::{Command, Output};

/// Below 2 GiB: a 1 GiB evaluation stack cannot be reserved next to a heap.
const ULIMIT_KB: u64 = 1_500_000;

/// Run `rnix-eval ARGS` through `sh`, under `ulimit -v kb` if given.
fn rnix(ulimit_kb: Option<u64>, args: &[&str]) -> Output {
    let limit = ulimit_kb.map(|kb| format!("ulimit -v {kb}; ")).unwrap_or_default();
    Command::new("sh")
        .arg("-c")
        .arg(format!("{limit}exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(args)
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env("NIX_PATH", "")
        .output()
        .expect("run rnix-eval")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit 0, or exit 1 with an `error:` line; nothing a crash leaves behind.
fn assert_clean(out: &Output, what: &str) {
    let err = stderr(out);
    let code = out.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "{what}: killed or odd exit {:?}: {err}",
        out.status
    );
    assert!(
        !err.contains("panicked") && !err.contains("overflowed its stack"),
        "{what}: {err}"
    );
    if code == Some(1) {
        assert!(
            err.lines().any(|l| l.starts_with("error:")),
            "{what}: no error line: {err}"
        );
    }
}

fn assert_error(out: &Output, what: &str, message: &str) {
    assert_clean(out, what);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what} succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr(out).contains(message), "{what}: {}", stderr(out));
}

fn assert_output(out: &Output, what: &str, stdout: &str) {
    assert_clean(out, what);
    assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), stdout, "{what}");
}

const CYCLIC: &str = "let x = { a = x; b = [ x ]; }; in x";
/// The common start of Nix's two messages: `stack overflow (possible infinite recursion)`
/// (native recursion, and value walks by default) and `stack overflow; max-call-depth
/// exceeded` (calls past the limit, and value walks past an explicit one, as modern Nix
/// counts them).
const OVERFLOW: &str = "error: stack overflow";

#[test]
fn cyclic_values_through_printers_and_comparisons() {
    let cases: &[(&str, &[&str])] = &[
        ("builtins.toJSON x", &["--eval"]),
        ("x", &["--eval", "--json"]),
        ("x", &["--eval", "--strict", "--json"]),
        ("let y = { a = y; b = [ y ]; }; in x == y", &["--eval"]),
        ("let y = [ y ]; z = [ z ]; in y < z", &["--eval"]),
        ("let y = [ y ]; in toString y", &["--eval"]),
        ("let o = { outPath = o; }; in \"${o}\"", &["--eval"]),
        (
            "derivation { name = \"c\"; system = \"x\"; builder = \"/b\"; __structuredAttrs = true; inherit x; }",
            &["--read-only"],
        ),
    ];
    for (body, flags) in cases {
        let expr = format!("let x = {{ a = x; b = [ x ]; }}; in {body}");
        let mut args = flags.to_vec();
        args.extend(["-E", &expr]);
        assert_error(&rnix(None, &args), body, OVERFLOW);
    }
    // Instantiating a value that contains itself walks it without end, as Nix's
    // `getDerivations` does (it ended in SIGABRT, without a message).
    for expr in [
        "let t = [ t ]; in t",
        "let t = { recurseForDerivations = true; me = t; }; in t",
    ] {
        assert_error(&rnix(None, &["--read-only", "-E", expr]), expr, OVERFLOW);
    }
    // Where Nix succeeds.
    let strict = rnix(None, &["--eval", "--strict", "-E", CYCLIC]);
    assert_output(&strict, "--strict", "{ a = «repeated»; b = [ «repeated» ]; }\n");
    let same = "let x = { a = x; }; in [ (x == x) (builtins.deepSeq x 1) ]";
    assert_output(
        &rnix(None, &["--eval", "--strict", "-E", same]),
        "== and deepSeq",
        "[ true 1 ]\n",
    );
}

#[test]
fn cyclic_xml_is_a_stack_overflow_as_in_nix() {
    // The output is quadratic in the depth (indentation): without a bound on the depth
    // it took 13.6 GB before running out of memory. Nix 2.8 reports its native stack's
    // overflow; so does rnix-eval, at the printers' depth bound, with or without a limit.
    for (flags, limit) in [
        (&["--eval", "--xml", "--strict"][..], Some(1_000_000)),
        (&["--eval", "--xml"][..], None),
        (&["--eval"][..], None),
    ] {
        let expr = if flags.len() == 1 {
            format!("builtins.toXML ({CYCLIC})")
        } else {
            CYCLIC.to_string()
        };
        let mut args = flags.to_vec();
        args.extend(["-E", &expr]);
        let out = rnix(limit, &args);
        assert_error(&out, "xml", "error: stack overflow (possible infinite recursion)");
        if flags.len() == 1 {
            // At the `builtins.toXML` call, as `toJSON`'s overflow is.
            assert!(stderr(&out).contains("at «string»:1:1:"), "{}", stderr(&out));
        }
    }
}

#[test]
fn million_deep_values() {
    let deep = "let d = n: if n == 0 then [ ] else [ (d (n - 1)) ]; in";
    let cases = [
        ("d 1000000", &["--eval", "--strict"][..]),
        ("d 1000000", &["--eval", "--json"]),
        ("d 1000000", &["--eval", "--strict", "--xml"]),
        ("builtins.toJSON (d 1000000) == \"\"", &["--eval"]),
        ("d 1000000 == d 1000000", &["--eval"]),
        ("d 1000000 < d 1000001", &["--eval"]),
        ("builtins.deepSeq (d 1000000) 1", &["--eval"]),
        ("builtins.length (builtins.deepSeq (d 1000000) [ 1 ])", &["--eval"]),
    ];
    for (body, flags) in cases {
        let expr = format!("{deep} {body}");
        let mut args = flags.to_vec();
        args.extend(["-E", &expr]);
        // Under the limit (the degraded stack) and without.
        assert_clean(&rnix(Some(ULIMIT_KB), &args), body);
    }
    let nested = format!("{deep} builtins.deepSeq (d 1000000) 1");
    assert_clean(&rnix(None, &["--eval", "-E", &nested]), "deepSeq, 1 GiB stack");
}

/// Generated left-associative chains under a 400 MB limit, at lengths Nix 2.8 evaluates
/// (its answers: 100,000 `+` terms in 81 MB, 200,000 links of `f 1 1 ...` and `&&` in 45
/// and 72 MB; 200,000 `+` terms overflow its stack): lowering took 1.8 KB of stack a
/// link, and `stacker` panicked when it could not map more.
#[test]
fn long_chains_under_a_memory_limit() {
    let n = 200_000;
    let plus = format!("let x = 1; in {}", vec!["x"; n / 2].join(" + "));
    let apply = format!("let f = x: f; in builtins.isFunction (f {})", vec!["1"; n].join(" "));
    let and = format!("let t = true; in {}", vec!["t"; n].join(" && "));
    let dir = std::env::temp_dir().join(format!("rnix-chains-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, expr, want) in [
        ("plus", plus, "100000\n"),
        ("apply", apply, "true\n"),
        ("and", and, "true\n"),
    ] {
        // Too long for a command-line argument.
        let file = dir.join(format!("{name}.nix"));
        std::fs::write(&file, &expr).unwrap();
        let out = rnix(Some(400_000), &["--eval", file.to_str().unwrap()]);
        assert_output(&out, name, want);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn huge_sizes_are_out_of_memory_errors() {
    let cases = [
        "builtins.genList (x: x) 1000000000000",
        "builtins.length (builtins.genList (x: x) 10000000000)",
        "let d = s: n: if n == 0 then s else d (s + s) (n - 1); in builtins.stringLength (d \"x\" 32)",
        "let d = s: n: if n == 0 then s else d (builtins.concatStringsSep \"\" [ s s ]) (n - 1); in builtins.stringLength (d \"x\" 32)",
        "let d = s: n: if n == 0 then s else d (builtins.replaceStrings [ \"x\" ] [ \"xx\" ] s) (n - 1); in builtins.stringLength (d \"x\" 32)",
        "let d = l: n: if n == 0 then l else d (l ++ l) (n - 1); in builtins.length (d [ 1 ] 32)",
    ];
    for expr in cases {
        assert_error(&rnix(Some(ULIMIT_KB), &["--eval", "-E", expr]), expr, "out of memory");
    }
    // No limit but the machine's: an absurd count fails before allocating.
    let out = rnix(None, &["--eval", "-E", cases[0]]);
    assert_error(&out, "genList without a limit", "out of memory");
}

#[test]
fn a_memory_limit_degrades_the_stack() {
    let deep_calls = "let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 100000";
    // Every evaluation used to panic: the 1 GiB stack could not be reserved.
    assert_output(&rnix(Some(ULIMIT_KB), &["--eval", "-E", "1 + 2"]), "1 + 2", "3\n");
    assert_output(&rnix(Some(400_000), &["--eval", "-E", "1 + 2"]), "1 + 2, 400 MB", "3\n");
    // A debug build's frames are too big for 100,000 calls in the smaller stack.
    assert_clean(
        &rnix(Some(ULIMIT_KB), &["--eval", "-E", deep_calls]),
        "f 100000 under the limit",
    );
    let infinite = "let f = n: 1 + f (n + 1); in f 0";
    assert_error(
        &rnix(Some(ULIMIT_KB), &["--eval", "-E", infinite]),
        "infinite",
        "stack overflow",
    );
}

#[test]
fn deep_recursion_follows_the_stack() {
    let deep_calls = "let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 100000";
    assert_output(&rnix(None, &["--eval", "-E", deep_calls]), "f 100000", "100000\n");
    let infinite = "let f = n: 1 + f (n + 1); in f 0";
    assert_error(&rnix(None, &["--eval", "-E", infinite]), "infinite", OVERFLOW);
    // Calls in tail position take no native stack (`eval`'s loop), but the call limit
    // derived from the stack still stops them with Nix 2.8's message, as Nix's stack does.
    let infinite_tail = "let f = n: if n < 0 then 0 else f (n + 1); in f 0";
    assert_error(
        &rnix(None, &["--eval", "-E", infinite_tail]),
        "tail",
        "error: stack overflow (possible infinite recursion)",
    );
    let finite_tail = "let f = n: if n == 0 then 0 else f (n - 1); in f 100000";
    assert_output(&rnix(None, &["--eval", "-E", finite_tail]), "tail 100000", "0\n");
    // An explicit limit still applies, either way of giving it.
    for flags in [
        &["--max-call-depth", "1000"][..],
        &["--option", "max-call-depth", "1000"],
    ] {
        let mut args = flags.to_vec();
        args.extend(["--eval", "-E", deep_calls]);
        assert_error(
            &rnix(None, &args),
            "explicit limit",
            "stack overflow; max-call-depth exceeded",
        );
    }
}

#[test]
fn value_walks_follow_the_stack_unless_a_limit_is_given() {
    let deep = "let d = builtins.foldl' (t: h: { inherit h t; }) null (builtins.genList (x: x) 50000); in";
    let walks = ["builtins.stringLength (builtins.toJSON d)", "builtins.deepSeq d 1"];
    for walk in walks {
        let expr = format!("{deep} {walk}");
        assert_clean(&rnix(None, &["--eval", "-E", &expr]), walk);
        // Modern Nix's count of levels, when asked for.
        let out = rnix(None, &["--eval", "--max-call-depth", "10000", "-E", &expr]);
        assert_error(&out, walk, "stack overflow; max-call-depth exceeded");
    }
    // A cyclic value: Nix 2.8's message, the same in debug and release builds.
    let cyclic = "let x = { a = x; }; in builtins.toJSON x";
    assert_error(
        &rnix(None, &["--eval", "-E", cyclic]),
        "cyclic",
        "error: stack overflow (possible infinite recursion)",
    );
}

/// Infinite recursion that builds a longer string at each level fills memory long before
/// the deep evaluation stack ends (nixpkgs' `lib.generators.toPretty` of a type reached
/// 24 GB); the memory guard ends it with Nix's out-of-memory error at the limit.
#[test]
fn runaway_growth_ends_at_the_memory_limit() {
    let growing = "let x = { a = x; }; p = ind: v: \"{\\n\" + ind + p (ind + \"  \") v.a + \"}\"; in p \"\" x";
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(["--eval", "-E", growing])
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env("RNIX_EVAL_MAX_MEMORY_MIB", "300")
        .output()
        .expect("run rnix-eval");
    assert_error(&out, "growing recursion", "error: out of memory");
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
}

/// Errors of the file system are worded as Nix words them, never with Rust's
/// `(os error N)`; a source file that is not UTF-8 (which rnix-eval cannot read, where
/// Nix can) says so and where, not `stream did not contain valid UTF-8`.
#[test]
fn file_errors_read_as_nix_messages() {
    let dir = std::env::temp_dir().join(format!("rnix-file-errors-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plain"), "1").unwrap();
    std::os::unix::fs::symlink(dir.join("loop-b"), dir.join("loop-a")).unwrap();
    std::os::unix::fs::symlink(dir.join("loop-a"), dir.join("loop-b")).unwrap();
    std::fs::write(dir.join("latin1.nix"), b"# caf\xe9\n\"x\"\n").unwrap();
    let d = dir.to_string_lossy();
    for (expr, message) in [
        (
            format!("import {d}/plain/x.nix"),
            format!("opening file '{d}/plain/x.nix': Not a directory"),
        ),
        (
            format!("import {d}/loop-a"),
            format!("opening file '{d}/loop-a': Too many levels of symbolic links"),
        ),
        (
            format!("import {d}/latin1.nix"),
            format!("file '{d}/latin1.nix' is not UTF-8 text (an invalid byte at line 1, column 6)"),
        ),
    ] {
        let out = rnix(None, &["--eval", "-E", &expr]);
        assert_error(&out, &expr, &message);
        assert!(!stderr(&out).contains("os error"), "{expr}: {}", stderr(&out));
    }
    let out = rnix(None, &["--eval", &format!("{d}/latin1.nix")]);
    assert_error(
        &out,
        "a file argument",
        "is not UTF-8 text (an invalid byte at line 1, column 6)",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
