//! The module system of `fixtures/modlib` (a small `lib` of our own, so CI needs no
//! nixpkgs): `--options --json`, `--describe-option --json` (values, definitions, their
//! positions), module-system errors, failed assertions and warnings, against what Nix 2.8
//! computed (`fixtures/modlib/expected`, `fixtures/modlib/regen.sh`). With
//! `RNIX_NIXPKGS_LIB` (2026) or `RNIX_NIXPKGS` (20.09, without the freeform module), the
//! same fixture modules run on that real lib, compared with Nix live.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")).expect("the repository")
}

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(root())
        .env("NIX_PATH", "")
        .env("NO_COLOR", "1")
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .args(args)
        .output()
        .expect("run the evaluator")
}

fn rnix(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_rnix-eval"), args)
}

/// A checked-in expectation, with the repository's path put back.
fn expected(name: &str) -> String {
    let path = root().join("fixtures/modlib/expected").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.replace("@ROOT@", &root().display().to_string())
}

fn json_of(o: &Output, what: &str) -> Json {
    assert!(o.status.success(), "{what}: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn paths() -> Vec<String> {
    std::fs::read_to_string(root().join("fixtures/modlib/describe.list"))
        .expect("describe.list")
        .lines()
        .map(String::from)
        .collect()
}

/// One `--describe-option --json` object against `expect.nix`'s (Nix reading `options`
/// and `config` directly, and the places of each winning definition's file).
fn compare_described(ours: &Json, theirs: &Json, what: &str) {
    for key in [
        "name",
        "value",
        "type",
        "readOnly",
        "declarations",
        "description",
        "highestPrio",
    ] {
        assert_eq!(ours[key], theirs[key], "{key} of {what}");
    }
    for key in ["default", "example"] {
        assert_eq!(ours.get(key).unwrap_or(&Json::Null), &theirs[key], "{key} of {what}");
    }
    let defs = ours["definitions"].as_array().expect("definitions");
    let files: Vec<&Json> = defs.iter().map(|d| &d["file"]).collect();
    let values: Vec<&Json> = defs.iter().map(|d| &d["value"]).collect();
    assert_eq!(
        files,
        theirs["files"].as_array().unwrap().iter().collect::<Vec<_>>(),
        "files of {what}"
    );
    assert_eq!(
        values,
        theirs["definitions"].as_array().unwrap().iter().collect::<Vec<_>>(),
        "definitions of {what}"
    );
    let key = |p: &Json| {
        let n = |k: &str| p[k].as_i64().unwrap_or(-1);
        (
            n("line"),
            n("column"),
            n("priority"),
            n("order"),
            p["condition"] == true,
        )
    };
    let all = ours["allDefinitions"].as_array().expect("allDefinitions");
    for file in theirs["places"].as_array().unwrap() {
        let mut want: Vec<_> = file["places"].as_array().unwrap().iter().map(key).collect();
        let mut got: Vec<_> = all.iter().filter(|p| p["file"] == file["file"]).map(key).collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "places in {} for {what}", file["file"]);
    }
    // Every winner from a file with places has a line.
    for d in defs {
        let has_places = theirs["places"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["file"] == d["file"] && !f["places"].as_array().unwrap().is_empty());
        assert_eq!(d["line"].is_u64(), has_places, "line of a definition of {what}: {d}");
    }
}

/// The lines of an error message, trimmed, without `--show-trace` hints and source excerpts.
fn message_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches("error:").trim().to_string())
        .filter(|l| !l.is_empty() && !l.starts_with("(use '--show-trace'") && !l.starts_with("at ") && !l.contains('|'))
        .collect()
}

/// Every line of Nix's message is a line of ours, in the same order.
fn assert_contains_lines(nix: &str, ours: &str, what: &str) {
    let ours = message_lines(ours);
    let mut rest = ours.iter();
    for line in message_lines(nix) {
        assert!(
            rest.any(|l| *l == line),
            "{what}: Nix's line {line:?} is missing or out of order in ours:\n{}",
            ours.join("\n")
        );
    }
}

const ERRORS: &[(&str, &str)] = &[
    ("conflict", "server.port"),
    ("type", "server.port"),
    ("missing", "server.prot"),
    ("enum", "server.mode"),
    ("undefined", "server.tls.cert"),
    ("readOnly", "server.readOnlyName"),
];

#[test]
fn options_equal_nix() {
    let ours = json_of(&rnix(&["fixtures/modlib", "--options", "--json"]), "--options --json");
    let theirs: Json = serde_json::from_str(&expected("options.json")).unwrap();
    assert!(ours.as_array().is_some_and(|a| a.len() > 15), "{ours}");
    assert_eq!(ours, theirs);
}

#[test]
fn described_options_equal_nix() {
    for path in paths() {
        let ours = json_of(&rnix(&["fixtures/modlib", "--describe-option", &path, "--json"]), &path);
        let theirs: Json = serde_json::from_str(&expected(&format!("describe/{path}.json"))).unwrap();
        compare_described(&ours, &theirs, &path);
    }
    // From the module graph, definitions that did not win: overrides.nix's mkDefault (the
    // disabled legacy.nix is not looked at), and its false mkIf.
    let lost = |path: &str| -> Vec<Json> {
        let d = json_of(&rnix(&["fixtures/modlib", "--describe-option", path, "--json"]), path);
        let all = d["allDefinitions"].as_array().unwrap().clone();
        all.into_iter().filter(|p| p["won"] == false).collect()
    };
    let mode = lost("server.mode");
    assert_eq!(mode.len(), 1, "{mode:?}");
    assert!(mode[0]["file"].as_str().unwrap().ends_with("/overrides.nix") && mode[0]["priority"] == 1000);
    let limits = lost("server.limits");
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert!(limits[0]["file"].as_str().unwrap().ends_with("/overrides.nix") && limits[0]["condition"] == false);
}

#[test]
fn errors_hold_nix_messages() {
    for (case, option) in ERRORS {
        let ours = rnix(&["--eval", "fixtures/modlib/errors", "-A", case]);
        let err = String::from_utf8_lossy(&ours.stderr);
        assert_eq!(ours.status.code(), Some(1), "{case}: {err}");
        assert_contains_lines(&expected(&format!("errors/{case}.err")), &err, case);
        if *case != "missing" {
            let traced = rnix(&["--eval", "fixtures/modlib/errors", "-A", case, "--show-trace"]);
            let err = String::from_utf8_lossy(&traced.stderr);
            assert!(
                err.contains(&format!("while evaluating the option `{option}'")),
                "{case}: {err}"
            );
        }
    }
}

/// An error about an option of the root evaluation (`-A config.server.port` of
/// errors/system.nix) is followed by where each definition is, as Nix's
/// `unsafeGetAttrPos` says, and its value: the lib's message has neither lines nor, in
/// 20.09, values. With `lib`: `None` for lib.nix, else a real lib.
fn check_definitions_note(lib: Option<&str>) {
    let positions: Json = serde_json::from_str(&expected("errors/positions.json")).unwrap();
    let at = |i: usize| {
        let p = &positions[i];
        format!("{}:{}:{}", p["file"].as_str().unwrap(), p["line"], p["column"])
    };
    for (attr, wanted) in [
        (
            "config.server.port",
            vec![format!("- {}: 8080", at(0)), format!("- {}: 9090", at(1))],
        ),
        ("config.server.mode", vec![format!("- {}: \"turbo\"", at(2))]),
    ] {
        let mut args = vec!["--eval", "fixtures/modlib/errors/system.nix", "-A", attr];
        if let Some(lib) = lib {
            args.extend_from_slice(&["--arg", "lib", lib]);
        }
        let o = rnix(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        let option = attr.trim_start_matches("config.");
        assert!(
            err.contains(&format!("Definitions of `{option}' (found in the module files):")),
            "{err}"
        );
        for line in wanted {
            assert!(err.lines().any(|l| l.trim() == line), "{line:?} missing from:\n{err}");
        }
    }
}

#[test]
fn errors_name_definition_positions() {
    check_definitions_note(None);
}

#[test]
fn assertions_and_warnings_equal_nix() {
    let ours = rnix(&["--eval", "fixtures/modlib/checks.nix", "--arg", "failing", "true"]);
    assert_eq!(ours.status.code(), Some(1));
    let err = String::from_utf8_lossy(&ours.stderr);
    let nix = expected("errors/assertions.err");
    assert!(nix.contains("- server.port must be above 1024"), "{nix}");
    assert_contains_lines(&nix, &err, "assertions");

    let ours = rnix(&["--eval", "fixtures/modlib/checks.nix", "--arg", "failing", "false"]);
    assert!(ours.status.success());
    assert_eq!(String::from_utf8_lossy(&ours.stderr), expected("warnings.err"));
    assert_eq!(String::from_utf8_lossy(&ours.stdout), expected("warnings.out"));
}

/// The real libs given by the environment, each with whether it has freeformType.
fn real_libs() -> Vec<(PathBuf, bool)> {
    let installed = Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("skipped: nix-instantiate is not installed");
        return Vec::new();
    }
    let mut out = Vec::new();
    match std::env::var_os("RNIX_NIXPKGS_LIB") {
        Some(lib) => out.push((PathBuf::from(lib), true)),
        None => eprintln!("skipped: set RNIX_NIXPKGS_LIB to run fixtures/modlib on that lib"),
    }
    match std::env::var_os("RNIX_NIXPKGS") {
        Some(nixpkgs) => out.push((PathBuf::from(nixpkgs).join("lib"), false)),
        None => eprintln!("skipped: set RNIX_NIXPKGS to run fixtures/modlib on its lib"),
    }
    out
}

#[test]
fn real_libs_equal_nix() {
    for (lib, freeform) in real_libs() {
        let lib_arg = format!("import {}", lib.display());
        let freeform_arg = freeform.to_string();
        let with = |extra: &[&str]| {
            let mut args = vec![
                "--arg",
                "lib",
                lib_arg.as_str(),
                "--arg",
                "freeform",
                freeform_arg.as_str(),
            ];
            args.extend_from_slice(extra);
            args.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let call = |program: &str, args: Vec<String>| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run(program, &args)
        };
        let ours = json_of(
            &call(
                env!("CARGO_BIN_EXE_rnix-eval"),
                with(&["fixtures/modlib", "--options", "--json"]),
            ),
            "options",
        );
        let expr = format!(
            "let sys = import ./fixtures/modlib {{ lib = {lib_arg}; freeform = {freeform_arg}; }}; in sys.lib.optionAttrSetToDocList sys.options"
        );
        let theirs = json_of(
            &run("nix-instantiate", &["--eval", "--strict", "--json", "-E", &expr]),
            &expr,
        );
        assert_eq!(ours, theirs, "options with {}", lib.display());
        for path in paths() {
            if path == "server.settings" && !freeform {
                continue;
            }
            let what = format!("{path} with {}", lib.display());
            let ours = json_of(
                &call(
                    env!("CARGO_BIN_EXE_rnix-eval"),
                    with(&["fixtures/modlib", "--describe-option", &path, "--json"]),
                ),
                &what,
            );
            let theirs = json_of(
                &call(
                    "nix-instantiate",
                    with(&[
                        "--eval",
                        "--strict",
                        "--json",
                        "fixtures/modlib/expect.nix",
                        "--argstr",
                        "path",
                        &path,
                    ]),
                ),
                &what,
            );
            compare_described(&ours, &theirs, &what);
        }
        for (case, _) in ERRORS {
            let args = ["--eval", "fixtures/modlib/errors", "--arg", "lib", &lib_arg, "-A", case];
            let nix = run("nix-instantiate", &args);
            let ours = rnix(&args);
            assert_eq!(ours.status.code(), Some(1), "{case}");
            assert_eq!(nix.status.code(), Some(1), "{case}");
            let what = format!("{case} with {}", lib.display());
            assert_contains_lines(
                &String::from_utf8_lossy(&nix.stderr),
                &String::from_utf8_lossy(&ours.stderr),
                &what,
            );
        }
        check_definitions_note(Some(&lib_arg));
        for failing in ["true", "false"] {
            let args = [
                "--eval",
                "fixtures/modlib/checks.nix",
                "--arg",
                "lib",
                &lib_arg,
                "--arg",
                "failing",
                failing,
            ];
            let nix = run("nix-instantiate", &args);
            let ours = rnix(&args);
            assert_eq!(ours.status.code(), nix.status.code(), "checks, failing = {failing}");
            assert_eq!(ours.stdout, nix.stdout, "checks, failing = {failing}");
            assert_contains_lines(
                &String::from_utf8_lossy(&nix.stderr),
                &String::from_utf8_lossy(&ours.stderr),
                "checks",
            );
        }
    }
}
