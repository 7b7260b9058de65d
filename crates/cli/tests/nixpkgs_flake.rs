//! With `RNIX_NIXPKGS` (nixpkgs 20.09): a flake with nixpkgs as a `path:` input and one
//! with it as a `git+file:` input (the checkout copied into a fresh git repository)
//! define a NixOS host with `nixpkgs.lib.nixosSystem`; `rnix-eval --read-only --flake
//! DIR#host` must print the toplevel `.drv` path `nix eval` gives, and write the same
//! lock file; and `DIR#hello`, `legacyPackages.<system>.hello` as most flakes take a
//! package (pure mode: nixpkgs' `impure.nix` must see its probes fail quietly), must
//! print the `.drv` path Nix gives. Skipped, with a message, when `RNIX_NIXPKGS` is unset
//! or Nix or git is missing.

mod support;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::git;

const HOST_FLAKE: &str = r#"{
  inputs.nixpkgs.url = "@URL@";
  outputs = { self, nixpkgs }: {
    packages.x86_64-linux.hello = nixpkgs.legacyPackages.x86_64-linux.hello;
    nixosConfigurations.host = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ({ ... }: {
        boot.loader.grub.device = "/dev/sda";
        fileSystems."/".device = "/dev/sda1";
        services.openssh.enable = true;
        networking.hostName = "host";
        system.configurationRevision = self.rev or "dirty";
      }) ];
    };
  };
}
"#;

fn new_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "init"]);
}

fn copy_tree(from: &Path, to: &Path) {
    let ok = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "copying {} failed", from.display());
}

/// `nix eval --raw DIR#ATTR`.
fn nix_eval_raw(dir: &Path, registry: &Path, attr: &str) -> String {
    let out = Command::new("nix")
        .args([
            "--extra-experimental-features",
            "nix-command flakes",
            "--option",
            "flake-registry",
        ])
        .arg(registry)
        .args(["eval", "--raw", attr])
        .current_dir(dir)
        .output()
        .expect("run nix");
    assert!(
        out.status.success(),
        "nix eval failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A host flake in `dir` using nixpkgs at `url`, committed; returns Nix's drv paths (the
/// host's toplevel, `hello`) and lock.
fn nix_answer(dir: &Path, url: &str, registry: &Path) -> (String, String, String) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("flake.nix"), HOST_FLAKE.replace("@URL@", url)).unwrap();
    new_repo(dir);
    let host = nix_eval_raw(
        dir,
        registry,
        ".#nixosConfigurations.host.config.system.build.toplevel.drvPath",
    );
    let hello = nix_eval_raw(dir, registry, ".#hello.drvPath");
    let lock = std::fs::read_to_string(dir.join("flake.lock")).unwrap();
    // Start rnix-eval from the same state: the lock file Nix wrote (and staged) removed.
    git(dir, &["rm", "-q", "--cached", "flake.lock"]);
    std::fs::remove_file(dir.join("flake.lock")).unwrap();
    (host, hello, lock)
}

fn rnix_drv(dir: &Path, cache: &Path, fragment: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(["--read-only", "--flake", fragment])
        .current_dir(dir)
        .env("RNIX_EVAL_FETCH_CACHE", cache)
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .output()
        .expect("run rnix-eval");
    assert!(
        out.status.success(),
        "{fragment}: rnix-eval failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn nixos_host_flakes_match_nix() {
    let Some(nixpkgs) = std::env::var_os("RNIX_NIXPKGS") else {
        eprintln!("skipped: set RNIX_NIXPKGS to a nixpkgs 20.09 checkout to compare NixOS host flakes with Nix");
        return;
    };
    if Command::new("nix").arg("--version").output().is_err() || Command::new("git").arg("--version").output().is_err()
    {
        eprintln!("skipped: nix or git is not installed");
        return;
    }
    let work: PathBuf = std::env::temp_dir().join(format!("rnix-nixpkgs-flake-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let registry = work.join("registry.json");
    std::fs::write(&registry, r#"{"flakes":[],"version":2}"#).unwrap();
    let repo = work.join("nixpkgs");
    copy_tree(Path::new(&nixpkgs), &repo);
    let _ = std::fs::remove_dir_all(repo.join(".git"));
    new_repo(&repo);
    let cache = work.join("fetch-cache");
    for (tag, url) in [
        ("git", format!("git+file://{}", repo.display())),
        ("path", format!("path:{}", repo.display())),
    ] {
        let dir = work.join(format!("host-{tag}"));
        let (want, want_hello, want_lock) = nix_answer(&dir, &url, &registry);
        assert_eq!(rnix_drv(&dir, &cache, ".#host"), want, "{tag}: toplevel drv path");
        assert_eq!(rnix_drv(&dir, &cache, ".#hello"), want_hello, "{tag}: hello drv path");
        let lock = std::fs::read_to_string(dir.join("flake.lock")).unwrap();
        assert_eq!(lock, want_lock, "{tag}: lock file");
    }
    let _ = std::fs::remove_dir_all(&work);
}
