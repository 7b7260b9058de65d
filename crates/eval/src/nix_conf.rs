//! The evaluation settings of Nix's configuration: `nix.conf` files and `NIX_CONFIG`, read
//! as Nix reads them (`src/libstore/globals.cc`, `loadConfFile`; `src/libutil/config.cc`,
//! `applyConfig`), before the command line's `--option`s, which override them. NixOS
//! writes `nix-path` there (`nix.nixPath` without channels), so `<nixpkgs>` depends on it.
//!
//! Only the settings evaluation reads are taken ([`EVAL_SETTINGS`]): the daemon reads its
//! own configuration for store and build settings.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Settings of a configuration that change what evaluation does.
const EVAL_SETTINGS: &[&str] = &[
    "nix-path",
    "system",
    "eval-system",
    "pure-eval",
    "restrict-eval",
    "allow-import-from-derivation",
    "max-call-depth",
    "show-trace",
    "abort-on-warn",
    "trace-verbose",
    "lint-absolute-path-literals",
    "lint-short-path-literals",
    "lint-url-literals",
];

/// The evaluation settings of this process's configuration, in the order they apply
/// (`extra-NAME` kept as such: the caller appends it).
pub fn eval_pairs() -> &'static [(String, String)] {
    static PAIRS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut pairs = Vec::new();
        for file in conf_files() {
            read_file(&file, false, &mut pairs, 0);
        }
        if let Ok(text) = std::env::var("NIX_CONFIG") {
            parse(&text, None, &mut pairs, 0);
        }
        pairs.retain(|(name, _)| EVAL_SETTINGS.contains(&name.strip_prefix("extra-").unwrap_or(name)));
        pairs
    })
}

/// `NIX_CONF_DIR/nix.conf` (`/etc/nix`), then `NIX_USER_CONF_FILES` or, without it,
/// `nix/nix.conf` under each of `XDG_CONFIG_DIRS` and `XDG_CONFIG_HOME`, the most
/// important last.
fn conf_files() -> Vec<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let mut files = vec![PathBuf::from(env("NIX_CONF_DIR").unwrap_or_else(|| "/etc/nix".into())).join("nix.conf")];
    if let Some(list) = env("NIX_USER_CONF_FILES") {
        files.extend(std::env::split_paths(&list));
        return files;
    }
    let dirs = env("XDG_CONFIG_DIRS").unwrap_or_else(|| "/etc/xdg".into());
    let mut user: Vec<PathBuf> = std::env::split_paths(&dirs).map(|d| d.join("nix/nix.conf")).collect();
    // Nix lists XDG_CONFIG_HOME first and applies the list from the last.
    user.reverse();
    let home = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(home) = home {
        user.push(home.join("nix/nix.conf"));
    }
    files.extend(user);
    files
}

/// Includes deeper than this are ignored (a file including itself).
const MAX_INCLUDES: u32 = 32;

fn read_file(path: &Path, required: bool, out: &mut Vec<(String, String)>, depth: u32) {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, path.parent(), out, depth),
        Err(_) if !required => {}
        Err(e) => crate::term::eprint_line(
            format!("warning: cannot read configuration file '{}': {e}", path.display()).as_bytes(),
        ),
    }
}

/// The `name = value` lines of a configuration text (`#` starts a comment), and its
/// `include FILE` / `!include FILE` lines (relative to `dir`; `!` if it may be missing).
fn parse(text: &str, dir: Option<&Path>, out: &mut Vec<(String, String)>, depth: u32) {
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            [kw @ ("include" | "!include"), file] if depth < MAX_INCLUDES => {
                let file = dir.map_or_else(|| PathBuf::from(file), |d| d.join(file));
                read_file(&file, *kw == "include", out, depth + 1);
            }
            [name, "=", value @ ..] => out.push((name.to_string(), value.join(" "))),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_assignments_comments_and_includes() {
        let dir = std::env::temp_dir().join(format!("rnix-nix-conf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("more.conf"), "system = foo-bar\n").unwrap();
        let mut out = Vec::new();
        let text = "# a comment\nnix-path = a=/x  b=/y # trailing\n\ninclude more.conf\n!include absent.conf\nbad line\nextra-nix-path = c=/z\n";
        parse(text, Some(&dir), &mut out, 0);
        let want = [
            ("nix-path", "a=/x b=/y"),
            ("system", "foo-bar"),
            ("extra-nix-path", "c=/z"),
        ];
        assert_eq!(out, want.map(|(n, v)| (n.to_string(), v.to_string())));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
