//! With `RNIX_NIXPKGS` (nixpkgs 20.09): a flake workspace whose host is a NixOS system;
//! completion of `services.openss` and hover on `services.openssh.enable` answer with
//! nixpkgs' option and its description. Prints the time to the first answer (opening
//! the file to the hover's answer, the evaluation included), to a warm answer, and the
//! peak memory of server and worker. Skipped, with a message, when unset.

mod common;

use common::{pos, uri, Client};
use serde_json::json;
use std::time::{Duration, Instant};

const CONFIGURATION: &str = "{ config, pkgs, ... }:
{
  boot.loader.grub.device = \"/dev/sda\";
  fileSystems.\"/\".device = \"/dev/sda1\";
  services.openssh.enable = true;
}
";

#[test]
fn nixos_options_from_nixpkgs() {
    let Some(nixpkgs) = std::env::var_os("RNIX_NIXPKGS") else {
        eprintln!("skipped: set RNIX_NIXPKGS to a nixpkgs 20.09 checkout");
        return;
    };
    let checkout = std::path::Path::new(&nixpkgs).canonicalize().unwrap();
    let dir = std::env::temp_dir().join(format!("rnix-eval-lsp-nixos-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let flake = format!(
        "{{\n  inputs.nixpkgs.url = \"path:{}\";\n  outputs = {{ self, nixpkgs }}: {{\n    \
         nixosConfigurations.machine = nixpkgs.lib.nixosSystem {{ system = \"x86_64-linux\"; modules = [ ./configuration.nix ]; }};\n  }};\n}}\n",
        std::path::Path::new(&nixpkgs).canonicalize().unwrap().display()
    );
    std::fs::write(dir.join("flake.nix"), flake).unwrap();
    let file = dir.join("configuration.nix");
    std::fs::write(&file, CONFIGURATION).unwrap();

    let started = Instant::now();
    let mut c = Client::start(&dir, json!({ "debounceMs": 0, "timeoutMs": 60000 }));
    c.open(&file, CONFIGURATION);
    // Asked while the first evaluation runs: the answer waits for it (`timeoutMs`).
    let hover_params = json!({ "textDocument": { "uri": uri(&file) }, "position": pos(CONFIGURATION, "enable", 0, 1) });
    let hover = c.request("textDocument/hover", hover_params.clone());
    let first = started.elapsed();
    let loaded = c.wait_for("rnix-eval/loaded", Duration::from_secs(600), |_| true);
    assert!(loaded["error"].is_null(), "{loaded}");
    let md = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("{hover}"));
    assert!(md.contains("services.openssh.enable"), "{md}");
    assert!(md.contains("Whether to enable the OpenSSH secure shell daemon"), "{md}");

    // Go to definition: each declaration's `mkOption` line, not the first line naming
    // the option (filesystems.nix binds a `fileSystems` in a `let` above its option).
    let defs = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri(&file) }, "position": pos(CONFIGURATION, "fileSystems", 0, 1) }),
    );
    let defs = if defs.is_array() {
        defs.as_array().unwrap().clone()
    } else {
        vec![defs]
    };
    assert!(defs.len() >= 2, "{defs:?}");
    for def in &defs {
        let target = def["uri"].as_str().unwrap_or_else(|| panic!("{def}"));
        // The checkout the flake input points at, or its store path once something copied
        // it there (an earlier test writing the input through the daemon): never a store
        // path that does not exist.
        let path = url_path(target);
        let path = std::path::Path::new(&path);
        assert!(
            path.starts_with(&checkout) || (path.starts_with("/nix/store") && path.exists()),
            "{target}"
        );
        let text = std::fs::read_to_string(url_path(target)).unwrap_or_else(|e| panic!("{target}: {e}"));
        let line = def["range"]["start"]["line"].as_u64().unwrap() as usize;
        let at = text.lines().nth(line).unwrap_or("");
        assert!(at.contains("fileSystems = mkOption"), "{target}:{line}: {at}");
    }

    let warm_start = Instant::now();
    let again = c.request("textDocument/hover", hover_params);
    let warm = warm_start.elapsed();
    assert_eq!(again["contents"], hover["contents"]);
    // The configuration, built by the checking worker: no errors.
    let checked = c.wait_for("rnix-eval/checked", Duration::from_secs(900), |_| true);
    assert!(checked["error"].is_null(), "{checked}");

    let typed = CONFIGURATION.replace(
        "  services.openssh.enable",
        "  services.openss\n  services.openssh.enable",
    );
    c.change(&file, 2, &typed);
    let completion_start = Instant::now();
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri(&file) }, "position": pos(&typed, "services.openss\n", 0, 15) }),
    );
    let completion = completion_start.elapsed();
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"openssh"), "{labels:?}");
    let status = c.request("rnix-eval/status", json!(null));
    eprintln!(
        "NixOS 20.09 host: first answer {:.2} s (load {} ms), configuration built in {} ms, warm hover {} ms, \
         completion {} ms; peak RSS server {} KiB, workers {} KiB",
        first.as_secs_f64(),
        loaded["millis"],
        checked["millis"],
        warm.as_millis(),
        completion.as_millis(),
        status["serverPeakKiB"],
        status["workersPeakKiB"],
    );
    c.shutdown();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The path of a `file://` URI (nixpkgs paths have no characters that need escapes).
fn url_path(uri: &str) -> String {
    uri.strip_prefix("file://").unwrap_or(uri).to_string()
}
