//! With `RNIX_AUX_CORE` pointing at a checkout of `auxolotl/core` (a 2024 nixpkgs: `lib`,
//! the modern stdenv and about 1,000 packages): the `.drv` paths of packages that stdenv
//! builds (compilers, interpreters, Nix itself, cross-cutting libraries) are Nix's. A
//! `.drv` path is the hash of the file's text, so equal paths mean byte-identical
//! derivations. Both evaluators write to the store (`--read-write-mode`): the package set
//! imports the `packages.nix` of directories it first copies to the store. Skipped, with a
//! message, when the variable is unset or Nix is not installed.

mod support;

use std::process::Command;
use support::Daemon;

/// Packages whose derivations go through most of the 2024 stdenv: the bootstrap stages,
/// wrappers, setup hooks, `meta` checks, multiple outputs, `passthru` and overrides.
const PACKAGES: &[&str] = &[
    "stdenv",
    "stdenvNoCC",
    "bash",
    "coreutils",
    "gcc",
    "glibc",
    "glibcLocales",
    "binutils",
    "perl",
    "python3",
    "python312",
    "openssl",
    "curl",
    "git",
    "cmake",
    "meson",
    "ninja",
    "rustc",
    "cargo",
    "llvm_18",
    "clang",
    "nix",
    "lix",
    "sqlite",
    "libxml2",
    "zstd",
    "xz",
    "boost",
    "gfortran",
    "guile",
    "mercurial",
    "man-db",
    "linux-pam",
];

#[test]
fn package_drv_paths_match_nix() {
    let Some(aux) = std::env::var_os("RNIX_AUX_CORE") else {
        eprintln!(
            "skipped: set RNIX_AUX_CORE to an auxolotl/core checkout to compare its packages' .drv paths with Nix"
        );
        return;
    };
    if !support::have("nix-instantiate") {
        eprintln!("skipped: nix-instantiate is not installed");
        return;
    }
    let names: Vec<String> = PACKAGES.iter().map(|n| format!("\"{n}\"")).collect();
    let expr = format!(
        "let pkgs = import {} {{ system = \"x86_64-linux\"; }}; in map (n: pkgs.${{n}}.drvPath) [ {} ]",
        std::path::Path::new(&aux).display(),
        names.join(" ")
    );
    let args = ["--eval", "--strict", "--json", "--read-write-mode", "-E", &expr];
    let nix = Command::new("nix-instantiate")
        .env("NIX_PATH", "")
        .args(args)
        .output()
        .expect("run nix-instantiate");
    assert!(
        nix.status.success(),
        "nix-instantiate failed: {}",
        String::from_utf8_lossy(&nix.stderr)
    );

    let dir = std::env::temp_dir().join(format!("rnix-aux-core-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let daemon = Daemon::start(&dir);
    let uri = format!("unix://{}", daemon.socket.display());
    let ours = support::rnix_eval(&dir.join("fetch"))
        .args(["--store", &uri])
        .args(args)
        .output()
        .expect("run rnix-eval");
    drop(daemon);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        ours.status.success(),
        "rnix-eval failed: {}",
        String::from_utf8_lossy(&ours.stderr)
    );

    let paths = |out: &[u8]| -> Vec<String> { serde_json::from_slice(out).expect("a JSON list of paths") };
    let (want, got) = (paths(&nix.stdout), paths(&ours.stdout));
    let differing: Vec<String> = PACKAGES
        .iter()
        .zip(want.iter().zip(&got))
        .filter(|(_, (w, g))| w != g)
        .map(|(name, (w, g))| format!("{name}: Nix {w}, rnix-eval {g}"))
        .collect();
    assert!(differing.is_empty(), "different .drv paths:\n{}", differing.join("\n"));
    assert_eq!(want.len(), PACKAGES.len());
}
