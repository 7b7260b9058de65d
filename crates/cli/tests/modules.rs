//! `--options --json` and `--describe-option --json` on `fixtures/modules` against what
//! Nix 2.8 computes with the same nixpkgs `lib`: `lib.optionAttrSetToDocList options`,
//! and `config.<path>`, `options.<path>.{type,declarations,files,definitions,highestPrio}`
//! read directly (not through our `describe.nix`). The 2026 lib comes from
//! `RNIX_NIXPKGS_LIB`, the 20.09 one from `RNIX_NIXPKGS`; each is skipped, with a message,
//! when its variable is unset or Nix is not installed.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn libs() -> Vec<PathBuf> {
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
        Some(lib) => out.push(PathBuf::from(lib)),
        None => eprintln!("skipped: set RNIX_NIXPKGS_LIB to a nixpkgs `lib` to check the module fixtures with it"),
    }
    match std::env::var_os("RNIX_NIXPKGS") {
        Some(nixpkgs) => out.push(PathBuf::from(nixpkgs).join("lib")),
        None => eprintln!("skipped: set RNIX_NIXPKGS to a nixpkgs to check the module fixtures with its lib"),
    }
    out
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(root())
        .env("NIX_PATH", "")
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .args(args)
        .output()
        .expect("run the evaluator")
}

fn json_of(o: &Output, what: &str) -> Json {
    assert!(o.status.success(), "{what}: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn rnix(lib: &Path, flags: &[&str]) -> Output {
    let lib_arg = format!("import {}", lib.display());
    let mut args = vec!["fixtures/modules/basic.nix", "--arg", "lib", &lib_arg];
    args.extend_from_slice(flags);
    run(env!("CARGO_BIN_EXE_rnix-eval"), &args)
}

fn nix(lib: &Path, body: &str) -> Json {
    let expr = format!(
        "let lib = import {}; sys = import ./fixtures/modules/basic.nix {{ inherit lib; }}; in {body}",
        lib.display()
    );
    json_of(
        &run("nix-instantiate", &["--eval", "--strict", "--json", "-E", &expr]),
        &expr,
    )
}

#[test]
fn option_list_equals_nix() {
    for lib in libs() {
        let ours = json_of(&rnix(&lib, &["--options", "--json"]), "rnix-eval --options --json");
        let theirs = nix(&lib, "lib.optionAttrSetToDocList sys.options");
        assert!(ours.as_array().is_some_and(|a| a.len() > 15));
        assert_eq!(ours, theirs, "option list with {}", lib.display());
    }
}

/// Options of several types, set plainly, through `imports`, with `mkDefault`,
/// `mkForce`, `mkIf` (true and false), `mkBefore`/`mkAfter`, by a submodule and a default.
const PATHS: &[&str] = &[
    "server.enable",
    "server.port",
    "server.hostName",
    "server.debug",
    "server.mode",
    "server.extraFlags",
    "server.limits",
    "server.package",
    "server.users",
    "server.summary",
];

#[test]
fn described_options_equal_nix() {
    for lib in libs() {
        let lib_arg = format!("import {}", lib.display());
        let ours = |path: &str| {
            let args = [
                "fixtures/modules/basic.nix",
                "--arg",
                "lib",
                &lib_arg,
                "--describe-option",
                path,
                "--json",
            ];
            json_of(&run(env!("CARGO_BIN_EXE_rnix-eval"), &args), path)
        };
        let theirs = |body: &str| nix(&lib, body);
        for path in PATHS {
            compare_described(path, &lib.display().to_string(), ours(path), "sys", "lib", &theirs);
        }
    }
}

/// A NixOS 20.09 system with openssh, nginx, postgresql, users and a module of its own:
/// single options, and the names of the whole option list (the full `--options --json`
/// needs nixpkgs' Haskell package set for some defaults, which the test nixpkgs lacks;
/// both Nix and rnix-eval then fail with the same error).
#[test]
fn nixos_options_equal_nix() {
    let Some(nixpkgs) = std::env::var_os("RNIX_NIXPKGS") else {
        eprintln!("skipped: set RNIX_NIXPKGS to a nixpkgs 20.09 to check options of a NixOS system");
        return;
    };
    if libs().is_empty() {
        return;
    }
    let nix_path = format!("nixpkgs={}", Path::new(&nixpkgs).display());
    let with_path = |program: &str, args: &[&str]| {
        Command::new(program)
            .current_dir(root())
            .env("NIX_PATH", &nix_path)
            .env("RNIX_EVAL_PARSE_CACHE", "0")
            .args(args)
            .output()
            .expect("run the evaluator")
    };
    let theirs = |body: &str| {
        let expr = format!("let sys = import ./fixtures/modules/nixos-system.nix; in {body}");
        json_of(
            &with_path("nix-instantiate", &["--eval", "--strict", "--json", "-E", &expr]),
            &expr,
        )
    };
    for path in [
        "services.openssh.enable",
        "services.openssh.permitRootLogin",
        "networking.hostName",
        "services.nginx.enable",
        "services.postgresql.enable",
        "users.motd",
        "site.motd",
        "users.users",
    ] {
        let args = ["fixtures/modules/nixos-system.nix", "--describe-option", path, "--json"];
        let ours = json_of(&with_path(env!("CARGO_BIN_EXE_rnix-eval"), &args), path);
        compare_described(path, "nixos 20.09", ours, "sys", "sys.pkgs.lib", &theirs);
    }
    // users.motd is defined (under a true mkIf) in the system's own module file: its
    // line and column as Nix's unsafeGetAttrPos gives them there.
    let motd = json_of(
        &with_path(
            env!("CARGO_BIN_EXE_rnix-eval"),
            &[
                "fixtures/modules/nixos-system.nix",
                "--describe-option",
                "users.motd",
                "--json",
            ],
        ),
        "users.motd",
    );
    let pos = theirs(
        "builtins.unsafeGetAttrPos \"motd\" (import ./fixtures/modules/nixos-motd.nix \
         { inherit (sys) config; lib = sys.pkgs.lib; }).config.users",
    );
    let def = &motd["definitions"][0];
    assert!(def["file"].as_str().unwrap().ends_with("/nixos-motd.nix"), "{motd}");
    assert_eq!((&def["line"], &def["column"]), (&pos["line"], &pos["column"]), "{motd}");
    let names = with_path(
        env!("CARGO_BIN_EXE_rnix-eval"),
        &["fixtures/modules/nixos-system.nix", "--options"],
    );
    assert!(names.status.success(), "{}", String::from_utf8_lossy(&names.stderr));
    let ours: Vec<Json> = String::from_utf8_lossy(&names.stdout)
        .lines()
        .map(|l| Json::String(l.into()))
        .collect();
    let expected = theirs("map (o: o.name) (sys.pkgs.lib.optionAttrSetToDocList sys.options)");
    assert!(ours.len() > 5000, "{} options", ours.len());
    assert_eq!(&ours, expected.as_array().expect("a list"), "option names");
}

/// `ours` (one `--describe-option --json` object) against Nix reading the option
/// directly: `config.<path>`, `options.<path>` and its `optionAttrSetToDocList` entry.
fn compare_described(path: &str, with: &str, ours: Json, sys: &str, lib: &str, theirs: &dyn Fn(&str) -> Json) {
    let opt = format!("l.getAttrFromPath path {sys}.options");
    compare_option(path, with, ours, sys, lib, &opt, theirs)
}

/// As [`compare_described`], the option being the Nix expression `opt`.
fn compare_option(path: &str, with: &str, ours: Json, sys: &str, lib: &str, opt: &str, theirs: &dyn Fn(&str) -> Json) {
    let loc = path
        .split('.')
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(" ");
    let theirs = theirs(&format!(
        "let l = {lib}; path = [ {loc} ]; opt = {opt}; \
         doc = builtins.head (l.optionAttrSetToDocList {{ x = opt; }}); \
         value = l.getAttrFromPath path {sys}.config; in {{ \
         inherit value; pretty = l.generators.toPretty {{ }} value; \
         prettyDefs = map (l.generators.toPretty {{ }}) opt.definitions; type = opt.type.description; \
         inherit (opt) files definitions highestPrio; readOnly = opt.readOnly or false; \
         declarations = doc.declarations; description = doc.description; \
         default = doc.default or null; example = doc.example or null; }}"
    ));
    let what = format!("{path} with {with}");
    assert_eq!(ours["name"], Json::String(path.to_string()), "{what}");
    // Values JSON cannot carry as they are (derivations, functions) are the lib's own
    // `toPretty` text, so that describing never builds or forces more than printing does.
    if ours["value"]["_type"] == "literalExpression" {
        assert_eq!(
            ours["value"]["text"], theirs["pretty"],
            "value text of {path} with {with}"
        );
    } else {
        assert_eq!(ours["value"], theirs["value"], "value of {path} with {with}");
    }
    for key in ["type", "readOnly", "declarations", "description", "highestPrio"] {
        assert_eq!(ours[key], theirs[key], "{key} of {what}");
    }
    for key in ["default", "example"] {
        assert_eq!(ours.get(key).unwrap_or(&Json::Null), &theirs[key], "{key} of {what}");
    }
    let defs = ours["definitions"].as_array().expect("definitions");
    let files: Vec<&Json> = defs.iter().map(|d| &d["file"]).collect();
    assert_eq!(
        files,
        theirs["files"].as_array().unwrap().iter().collect::<Vec<_>>(),
        "files of {what}"
    );
    assert_eq!(
        defs.len(),
        theirs["definitions"].as_array().unwrap().len(),
        "definitions of {what}"
    );
    for (i, d) in defs.iter().enumerate() {
        if d["value"]["_type"] == "literalExpression" {
            assert_eq!(d["value"]["text"], theirs["prettyDefs"][i], "definition {i} of {what}");
        } else {
            assert_eq!(d["value"], theirs["definitions"][i], "definition {i} of {what}");
        }
    }
}

/// Options inside a submodule's value: with the 2026 lib, the merged options of that value
/// (`valueMeta`, read by Nix directly); with 20.09, the declaration and `config.<path>`.
#[test]
fn options_inside_submodules() {
    let inside = [
        (
            "server.users.alice.home",
            "sys.options.server.users.valueMeta.attrs.alice.configuration.options.home",
        ),
        (
            "server.users.alice.admin",
            "sys.options.server.users.valueMeta.attrs.alice.configuration.options.admin",
        ),
        (
            "server.tls.cert",
            "sys.options.server.tls.valueMeta.configuration.options.cert",
        ),
    ];
    for lib in libs() {
        let lib_arg = format!("import {}", lib.display());
        let theirs = |body: &str| nix(&lib, body);
        let has_meta = theirs("sys.options.server.tls ? valueMeta") == Json::Bool(true);
        for (path, opt) in inside {
            let args = [
                "fixtures/modules/basic.nix",
                "--arg",
                "lib",
                &lib_arg,
                "--describe-option",
                path,
                "--json",
            ];
            let ours = json_of(&run(env!("CARGO_BIN_EXE_rnix-eval"), &args), path);
            if has_meta {
                compare_option(path, &lib.display().to_string(), ours, "sys", "lib", opt, &theirs);
            } else {
                assert_eq!(ours["definitionsKnown"], Json::Bool(false), "{path}");
                let loc = path
                    .split('.')
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(" ");
                assert_eq!(
                    ours["value"],
                    theirs(&format!("lib.getAttrFromPath [ {loc} ] sys.config")),
                    "{path}"
                );
            }
        }
        let o = rnix(&lib, &["--describe-option", "server.tls.cret"]);
        assert!(String::from_utf8_lossy(&o.stderr).contains("Did you mean server.tls.cert?"));
    }
}

#[test]
fn unknown_option_suggests() {
    for lib in libs() {
        let o = rnix(&lib, &["--describe-option", "server.prot"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.starts_with("error: option 'server.prot' does not exist"), "{err}");
        assert!(err.contains("Did you mean server.port?"), "{err}");
        let o = rnix(&lib, &["--describe-option", "server"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("is a set of options, not an option"), "{err}");
    }
}

#[test]
fn human_description() {
    for lib in libs() {
        let o = rnix(&lib, &["--describe-option", "server.extraFlags"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // The value as the lib's `toPretty` prints it (one line in 20.09, several later).
        let value = out.split("\n\nType:").next().unwrap_or("");
        assert!(value.starts_with("server.extraFlags\n\nValue:\n  ["), "{out}");
        assert!(
            value.contains("--first")
                && value.find("--first") < value.find("--quiet")
                && value.find("--quiet") < value.find("--last"),
            "{out}"
        );
        assert!(out.contains("\nType:\n  list of string"), "{out}");
        assert!(out.contains("fixtures/modules/users.nix"), "{out}");
    }
}

/// Definition positions against Nix's `builtins.unsafeGetAttrPos` on the same attributes
/// of the fixture modules (imported by the test itself, not through our `locate.nix`):
/// the winners' lines and columns, and with the 2026 lib (whose `graph` lists every
/// module file) the definitions that lost: a beaten `mkDefault`, a false `mkIf`.
#[test]
fn definition_positions_equal_nix() {
    for lib in libs() {
        let pos = |body: &str| {
            let p = nix(
                &lib,
                &format!(
                    "let m = f: import (./fixtures/modules + \"/${{f}}\") {{ inherit lib; inherit (sys) config; }}; \
                     o = (m \"overrides.nix\").config.contents; in {body}"
                ),
            );
            (p["line"].as_u64().unwrap(), p["column"].as_u64().unwrap())
        };
        let describe = |path: &str| json_of(&rnix(&lib, &["--describe-option", path, "--json"]), path);
        let at = |d: &Json| (d["line"].as_u64().unwrap_or(0), d["column"].as_u64().unwrap_or(0));
        let file = |d: &Json| {
            d["file"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        };

        let flags = describe("server.extraFlags");
        let defs = flags["definitions"].as_array().unwrap();
        let server = pos("builtins.unsafeGetAttrPos \"extraFlags\" (m \"server.nix\").server");
        let users = pos("builtins.unsafeGetAttrPos \"extraFlags\" (m \"users.nix\").server");
        let merged = pos("builtins.unsafeGetAttrPos \"extraFlags\" (builtins.elemAt o 2).server");
        let got: Vec<(String, (u64, u64), Option<i64>)> =
            defs.iter().map(|d| (file(d), at(d), d["order"].as_i64())).collect();
        let modern = has_graph(&lib);
        let expected = vec![
            ("<unknown-file>".to_string(), (0, 0), modern.then_some(500)),
            ("overrides.nix".to_string(), merged, None),
            ("server.nix".to_string(), server, None),
            ("users.nix".to_string(), users, Some(1500)),
            ("overrides.nix".to_string(), merged, Some(1500)),
        ];
        assert_eq!(got, expected, "server.extraFlags with {}", lib.display());
        assert!(defs.iter().all(|d| d["priority"] == 100));

        let mode = describe("server.mode");
        let won = &mode["definitions"][0];
        assert_eq!(
            (file(won), at(won)),
            (
                "server.nix".into(),
                pos("builtins.unsafeGetAttrPos \"mode\" (m \"server.nix\").server")
            )
        );
        let all = mode["allDefinitions"].as_array().unwrap();
        let lost: Vec<&Json> = all.iter().filter(|p| p["won"] == false).collect();
        if modern {
            let default = pos("builtins.unsafeGetAttrPos \"mode\" (builtins.elemAt o 0).server");
            assert_eq!(lost.len(), 1, "{mode}");
            assert_eq!(
                (file(lost[0]), at(lost[0]), lost[0]["priority"].as_i64()),
                ("overrides.nix".into(), default, Some(1000))
            );

            let limits = describe("server.limits");
            let off: Vec<&Json> = limits["allDefinitions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["condition"] == false)
                .collect();
            let expected = pos("builtins.unsafeGetAttrPos \"limits\" (builtins.elemAt o 1).content.server");
            assert_eq!(off.len(), 1, "{limits}");
            assert_eq!(
                (file(off[0]), at(off[0]), off[0]["won"].clone()),
                ("overrides.nix".into(), expected, Json::Bool(false))
            );
        } else {
            // 20.09 keeps only the winners' files: the losing mkDefault's file is unknown.
            assert!(lost.is_empty(), "{mode}");
        }
    }
}

fn has_graph(lib: &Path) -> bool {
    nix(lib, "sys ? graph") == Json::Bool(true)
}
