//! With `RNIX_NIXPKGS` pointing at a nixpkgs checkout: instantiate nixpkgs' `hello` and a
//! small NixOS system with Nix (which writes the `.drv` closure to the store) and with
//! `rnix-eval --read-only`, and compare every `.drv` in the closure byte for byte.
//! Skipped, with a message, when `RNIX_NIXPKGS` is unset or Nix is not installed.

use std::path::Path;
use std::process::Command;

#[test]
fn hello_closure_matches_nix() {
    compare_closure("hello", &["-E", "import <nixpkgs> {}", "-A", "hello"]);
}

/// A NixOS system with a boot loader, a root file system and one service.
const NIXOS_SYSTEM: &str = r#"(import <nixpkgs/nixos> {
  configuration = { ... }: {
    boot.loader.grub.device = "/dev/sda";
    fileSystems."/" = { device = "/dev/sda1"; fsType = "ext4"; };
    services.openssh.enable = true;
  };
}).system"#;

#[test]
fn nixos_system_closure_matches_nix() {
    compare_closure("nixos system", &["-E", NIXOS_SYSTEM]);
}

fn compare_closure(what: &str, args: &[&str]) {
    let Some(nixpkgs) = std::env::var_os("RNIX_NIXPKGS") else {
        eprintln!("skipped: set RNIX_NIXPKGS to a nixpkgs checkout to compare the {what} .drv closure with Nix");
        return;
    };
    let nix_path = format!("nixpkgs={}", Path::new(&nixpkgs).display());
    let nix = Command::new("nix-instantiate")
        .env("NIX_PATH", &nix_path)
        .args(args)
        .output();
    let nix = match nix {
        Ok(out) if out.status.success() => out,
        Ok(out) => panic!("nix-instantiate failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            eprintln!("skipped: nix-instantiate is not installed");
            return;
        }
    };
    let tag = what.replace(' ', "-");
    let scratch = std::env::temp_dir().join(format!("rnix-nixpkgs-{tag}-{}", std::process::id()));
    let ours = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        // Never the user's parse cache (tests/parse_cache.rs covers the cache).
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env("NIX_PATH", &nix_path)
        .arg("--read-only")
        .arg("--write-drvs-to")
        .arg(&scratch)
        .args(args)
        .output()
        .expect("run rnix-eval");
    assert!(
        ours.status.success(),
        "rnix-eval failed: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&nix.stdout)
    );

    let root = String::from_utf8_lossy(&nix.stdout).trim().to_string();
    let closure = Command::new("nix-store")
        .args(["-qR", &root])
        .output()
        .expect("nix-store -qR");
    let drvs: Vec<String> = String::from_utf8_lossy(&closure.stdout)
        .lines()
        .filter(|p| p.ends_with(".drv"))
        .map(String::from)
        .collect();
    let mut differing = Vec::new();
    for drv in &drvs {
        let want = std::fs::read(drv).expect("read Nix's .drv");
        let base = drv.rsplit('/').next().unwrap_or(drv);
        if std::fs::read(scratch.join(base)).ok().as_deref() != Some(&want[..]) {
            differing.push(drv.clone());
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    eprintln!(
        "{what}: {} .drv files in the closure, {} differ",
        drvs.len(),
        differing.len()
    );
    assert!(differing.is_empty(), "differing .drv files: {differing:#?}");
}

/// `-A config.users.users --strict --json` of a NixOS configuration: the users hold
/// packages (`shell`), which JSON prints as their `outPath` without forcing anything else
/// of them. Same bytes as Nix (plus modern Nix's final newline).
#[test]
fn nixos_users_strict_json_matches_nix() {
    let Some(nixpkgs) = std::env::var_os("RNIX_NIXPKGS") else {
        eprintln!("skipped: set RNIX_NIXPKGS to a nixpkgs checkout to compare a NixOS --strict --json output with Nix");
        return;
    };
    let nix_path = format!("nixpkgs={}", Path::new(&nixpkgs).display());
    let config = r#"(import <nixpkgs/nixos> {
  configuration = { ... }: {
    boot.loader.grub.device = "/dev/sda";
    fileSystems."/" = { device = "/dev/sda1"; fsType = "ext4"; };
    users.users.alice = { isNormalUser = true; };
  };
}).config.users.users"#;
    let args = ["--eval", "--strict", "--json", "-E", config];
    let Ok(nix) = Command::new("nix-instantiate")
        .env("NIX_PATH", &nix_path)
        .args(args)
        .output()
    else {
        eprintln!("skipped: nix-instantiate is not installed");
        return;
    };
    assert!(nix.status.success(), "{}", String::from_utf8_lossy(&nix.stderr));
    let ours = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env("NIX_PATH", &nix_path)
        .args(args)
        .output()
        .expect("run rnix-eval");
    assert!(ours.status.success(), "{}", String::from_utf8_lossy(&ours.stderr));
    let mut want = nix.stdout.clone();
    want.push(b'\n');
    assert_eq!(String::from_utf8_lossy(&ours.stdout), String::from_utf8_lossy(&want));
}
