//! The server driven as an editor drives it. Expected values are facts about the texts
//! and the fixture workspace (`fixtures/lsp`): where names are bound, which options its
//! modules declare, with which descriptions.

mod common;

use common::{fixture, pos, uri, Client};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const SOURCE: &str = "let
  alpha = 1;
  beta = { inherit alpha; };
in
{ a = alpha + gamma; b = with beta; zeta; c = builtins.ma; d = import ./other.nix; e = builtins.attrNames beta; }
";

fn labels(items: &Value) -> Vec<String> {
    let list = items.get("items").unwrap_or(items);
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

fn text_params(path: &Path, position: Value) -> Value {
    json!({ "textDocument": { "uri": uri(path) }, "position": position })
}

#[test]
fn syntax_features_without_an_evaluation() {
    let dir = std::env::temp_dir().join(format!("rnix-eval-lsp-syntax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.nix");
    let mut c = Client::start(&dir, json!({}));
    c.open(&file, SOURCE);
    let diags = c.wait_for("textDocument/publishDiagnostics", Duration::from_secs(10), |_| true);
    let messages: Vec<&str> = diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    // `zeta` is under `with beta;`: only evaluation could tell.
    assert_eq!(messages, ["undefined variable 'gamma'"]);
    assert_eq!(diags["diagnostics"][0]["range"]["start"], pos(SOURCE, "gamma", 0, 0));

    let items = c.request(
        "textDocument/completion",
        text_params(&file, pos(SOURCE, "builtins.ma", 0, 11)),
    );
    let names = labels(&items);
    assert!(
        names.contains(&"map".into()) && names.contains(&"mapAttrs".into()),
        "{names:?}"
    );
    assert!(names.iter().all(|n| n.starts_with("ma")), "{names:?}");
    let items = c.request(
        "textDocument/completion",
        text_params(&file, pos(SOURCE, "alpha + ", 0, 2)),
    );
    assert!(labels(&items).contains(&"alpha".into()));

    let hover = c.request("textDocument/hover", text_params(&file, pos(SOURCE, "alpha +", 0, 1)));
    let text = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("{hover}"));
    assert!(text.contains("let binding, bound at line 2"), "{text}");
    let hover = c.request("textDocument/hover", text_params(&file, pos(SOURCE, "attrNames", 0, 1)));
    let text = hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("{hover}"));
    assert!(text.starts_with("`builtins.attrNames`"), "{text}");

    let def = c.request(
        "textDocument/definition",
        text_params(&file, pos(SOURCE, "alpha +", 0, 1)),
    );
    assert_eq!(def["range"]["start"], pos(SOURCE, "alpha = 1", 0, 0));
    // An imported path leads to its file once the file exists, and nowhere before.
    let other = text_params(&file, pos(SOURCE, "other.nix", 0, 0));
    let def = c.request("textDocument/definition", other.clone());
    assert!(def.is_null(), "{def}");
    std::fs::write(dir.join("other.nix"), "1\n").unwrap();
    let def = c.request("textDocument/definition", other);
    assert_eq!(def["uri"], uri(&dir.join("other.nix")));

    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&file) } }),
    );
    let names = labels_of(&symbols, "name");
    assert_eq!(names, ["alpha", "beta", "a", "b", "c", "d", "e"]);

    let rename = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri(&file) }, "position": pos(SOURCE, "alpha = 1", 0, 0), "newName": "omega" }),
    );
    let renamed = apply(SOURCE, &rename["changes"][uri(&file)]);
    assert!(renamed.contains("omega = 1;"), "{renamed}");
    assert!(
        renamed.contains("alpha = omega;"),
        "the set keeps its attribute name: {renamed}"
    );
    assert!(renamed.contains("a = omega + gamma"), "{renamed}");
    let refused = c.request_raw(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri(&file) }, "position": pos(SOURCE, "zeta", 0, 0), "newName": "x" }),
    );
    assert!(
        refused.get("error").is_some(),
        "a name under `with` is no binding: {refused}"
    );

    c.change(&file, 2, "{ a = 1 ");
    let diags = c.wait_for("textDocument/publishDiagnostics", Duration::from_secs(10), |p| {
        p["version"] == 2
    });
    assert!(
        diags["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("syntax error"),
        "{diags}"
    );
    c.shutdown();
    std::fs::remove_dir_all(&dir).unwrap();
}

fn labels_of(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i[key].as_str().unwrap().to_string())
        .collect()
}

/// Apply LSP text edits (in ascending order, as the server sends them) to `text`.
fn apply(text: &str, edits: &Value) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + p["character"].as_u64().unwrap() as usize
    };
    let mut out = text.to_string();
    for e in edits.as_array().unwrap().iter().rev() {
        let (s, t) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(s..t, e["newText"].as_str().unwrap());
    }
    out
}

fn options() -> Value {
    json!({ "debounceMs": 0, "timeoutMs": 20000 })
}

#[test]
fn a_flake_workspace_evaluated() {
    let root = fixture();
    let web = root.join("hosts/web.nix");
    let text = std::fs::read_to_string(&web).unwrap();
    let mut c = Client::start(&root, options());
    c.open(&web, &text);
    // The first host in name order is `db`; `web` is the one whose modules read the file.
    let loaded = c.wait_for("rnix-eval/loaded", Duration::from_secs(120), |p| p["host"] == "web");
    assert!(loaded["error"].is_null(), "{loaded}");

    let hover = c.request("textDocument/hover", text_params(&web, pos(&text, "greeting", 0, 2)));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("services.web.greeting"), "{md}");
    assert!(md.contains("The text of the front page."), "{md}");
    assert!(md.contains("string"), "the type: {md}");
    assert!(md.contains("welcome to web"), "the value: {md}");

    let declaring = root.join("modules/web.nix");
    let line = std::fs::read_to_string(&declaring)
        .unwrap()
        .lines()
        .position(|l| l.contains("greeting = lib.mkOption"))
        .unwrap();
    let def = c.request(
        "textDocument/definition",
        text_params(&web, pos(&text, "greeting", 0, 2)),
    );
    assert_eq!(def[0]["uri"], uri(&declaring));
    assert!(md.contains(&format!("Declared by:* {}", declaring.display())), "{md}");
    assert_eq!(def[0]["range"]["start"]["line"], line);

    // Options below the enclosing `services.web = { ... }`.
    let edited = text.replace("      enable = true;\n", "      enable = true;\n      gre\n");
    c.change(&web, 2, &edited);
    // Each edit starts a load beside the worker that answers; under load an answer can
    // come from either side of the switch, so ask until the options come (or 30 s pass:
    // a loaded machine, such as CI building beside the tests, needs more than 10).
    let complete = |c: &mut Client, text: &str, needle: &str, shift: usize, want: &dyn Fn(&[String]) -> bool| {
        let mut items = Value::Null;
        for _ in 0..300 {
            items = c.request(
                "textDocument/completion",
                text_params(&web, pos(text, needle, 0, shift)),
            );
            if want(&labels(&items)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        items
    };
    let items = complete(&mut c, &edited, "gre\n", 3, &|l| l.contains(&"greeting".into()));
    assert!(labels(&items).contains(&"greeting".into()), "{items}");
    // A path typed in the module's `config`.
    let edited = text.replace("    networking.hostName", "    services.we\n    networking.hostName");
    c.change(&web, 3, &edited);
    let items = complete(&mut c, &edited, "services.we", 11, &|l| l == ["web"]);
    assert_eq!(labels(&items), ["web"]);
    let items = c.request(
        "textDocument/completion",
        text_params(&web, pos(&edited, "lib }", 0, 0)),
    );
    let _ = items;

    // Unsaved text is what evaluation sees.
    let renamed = text.replace("hostName = \"web\"", "hostName = \"web2\"");
    c.change(&web, 5, &renamed);
    c.wait_for("rnix-eval/loaded", Duration::from_secs(120), |p| {
        p["loads"].as_u64() >= Some(2) && p["error"].is_null()
    });
    let md = hover_text(&mut c, &web, &renamed);
    let mut tries = 0;
    let mut md = md;
    while !md.contains("welcome to web2") && tries < 100 {
        std::thread::sleep(Duration::from_millis(100));
        md = hover_text(&mut c, &web, &renamed);
        tries += 1;
    }
    assert!(md.contains("welcome to web2"), "{md}");

    // An evaluation error lands on the line that caused it.
    let broken = text.replace("config.networking.hostName}", "config.networking.hostNam}");
    c.change(&web, 6, &broken);
    let diags = c.wait_for("textDocument/publishDiagnostics", Duration::from_secs(120), |p| {
        p["uri"] == uri(&web)
            && p["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["message"].as_str().unwrap().contains("hostNam'"))
    });
    let d = diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("hostNam'"))
        .unwrap();
    assert_eq!(d["source"], "rnix-eval (evaluation)");
    assert!(d["message"].as_str().unwrap().contains("hostNam"), "{d}");
    assert_eq!(d["range"]["start"]["line"], pos(&broken, "hostNam}", 0, 0)["line"]);

    // A query waits for the load its edit asked for: hover right after an edit describes
    // the edited text, not the evaluation before the edit (which answered at once).
    let again = text.replace("hostName = \"web\"", "hostName = \"web3\"");
    c.change(&web, 7, &again);
    let md = hover_text(&mut c, &web, &again);
    assert!(md.contains("welcome to web3"), "{md}");
    c.shutdown();
}

fn hover_text(c: &mut Client, file: &Path, text: &str) -> String {
    let hover = c.request("textDocument/hover", text_params(file, pos(text, "greeting", 0, 2)));
    hover["contents"]["value"].as_str().unwrap_or("").to_string()
}

#[test]
fn a_hanging_evaluation_never_blocks_the_server() {
    let root = fixture();
    let web = root.join("hosts/web.nix");
    let text = std::fs::read_to_string(&web).unwrap();
    let options = json!({ "debounceMs": 100, "timeoutMs": 2000, "loadTimeoutMs": 3000, "hangTimeoutMs": 4000 });
    let mut c = Client::start(&root, options);
    c.open(&web, &text);
    c.wait_for("rnix-eval/loaded", Duration::from_secs(120), |p| p["host"] == "web");
    let loads = |c: &mut Client| c.request("rnix-eval/status", json!(null))["loads"].as_u64().unwrap();
    let before = loads(&mut c);
    // Exponential time, no memory.
    let hang = text.replace(
        "greeting = \"welcome",
        "greeting = let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in toString (fib 80) + \"",
    );
    c.change(&web, 2, &hang);
    c.wait_for("rnix-eval/loaded", Duration::from_secs(120), |p| {
        p["loads"] == before + 1
    });
    // Building the configuration gives up after its timeout, and says so.
    let checked = c.wait_for("rnix-eval/checked", Duration::from_secs(60), |p| !p["error"].is_null());
    assert!(
        checked["error"].as_str().unwrap().contains("no answer within 3000 ms"),
        "{checked}"
    );
    // Syntax answers come at once, and other options from the evaluation.
    let enable = |c: &mut Client| {
        let h = c.request("textDocument/hover", text_params(&web, pos(&hang, "enable", 0, 1)));
        h["contents"]["value"].as_str().unwrap_or("").to_string()
    };
    let started = std::time::Instant::now();
    let hover = c.request("textDocument/hover", text_params(&web, pos(&hang, "port;", 0, 0)));
    assert!(
        hover["contents"]["value"].as_str().unwrap().contains("let binding"),
        "{hover}"
    );
    assert!(enable(&mut c).contains("Whether to run the web server."));
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    // Hovering the hanging option answers within the request timeout (without a value).
    let started = std::time::Instant::now();
    let md = hover_text(&mut c, &web, &hang);
    assert!(!md.contains("Value"), "{md}");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    // The busy worker is found hung and replaced by a fresh evaluation, which answers.
    std::thread::sleep(Duration::from_secs(4));
    let _ = enable(&mut c);
    c.wait_for("rnix-eval/loaded", Duration::from_secs(60), |p| {
        p["loads"] == before + 2
    });
    assert!(enable(&mut c).contains("Whether to run the web server."));
    c.shutdown();
}

#[test]
fn an_expression_instead_of_the_flake() {
    let root = fixture();
    let web = root.join("hosts/web.nix");
    let text = std::fs::read_to_string(&web).unwrap();
    let expr =
        "(import ./lib.nix).evalModules { modules = [ ./modules/web.nix ./modules/system.nix ./hosts/web.nix ]; }";
    let mut c = Client::start(&root, json!({ "debounceMs": 0, "timeoutMs": 20000, "expr": expr }));
    c.open(&web, &text);
    let loaded = c.wait_for("rnix-eval/loaded", Duration::from_secs(120), |_| true);
    assert!(loaded["error"].is_null() && loaded["host"].is_null(), "{loaded}");
    let md = hover_text(&mut c, &web, &text);
    assert!(
        md.contains("The text of the front page.") && md.contains("welcome to web"),
        "{md}"
    );
    c.shutdown();
}

/// The protocol's rules for errors: parameters that are not the method's get
/// InvalidParams, a second `initialize` and anything but `exit` after `shutdown` get
/// InvalidRequest (the server stays up and exits with 0 on `exit`), a refused rename is
/// RequestFailed, and closing a document clears its diagnostics.
#[test]
fn protocol_errors_as_the_protocol_says() {
    let dir = std::env::temp_dir().join(format!("rnix-eval-lsp-protocol-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.nix");
    let mut c = Client::start(&dir, json!({}));
    let code = |r: &Value| r["error"]["code"].as_i64();
    assert_eq!(code(&c.request_raw("textDocument/hover", json!([1, 2]))), Some(-32602));
    assert_eq!(
        code(&c.request_raw("initialize", json!({ "capabilities": {} }))),
        Some(-32600)
    );
    let text = "let a = 1; b = 2; in a + b + gamma";
    c.open(&file, text);
    let diags = c.wait_for("textDocument/publishDiagnostics", Duration::from_secs(10), |d| {
        !d["diagnostics"].as_array().unwrap().is_empty()
    });
    assert_eq!(diags["diagnostics"][0]["message"], "undefined variable 'gamma'");
    let rename = json!({
        "textDocument": { "uri": common::uri(&file) },
        "position": pos(text, "a = 1", 0, 0),
        "newName": "b",
    });
    assert_eq!(code(&c.request_raw("textDocument/rename", rename)), Some(-32803));
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": common::uri(&file) } }),
    );
    let cleared = c.wait_for("textDocument/publishDiagnostics", Duration::from_secs(10), |d| {
        d["diagnostics"].as_array().unwrap().is_empty()
    });
    assert_eq!(cleared["uri"], json!(common::uri(&file)));
    c.shutdown_with(|c| {
        let r = c.request_raw(
            "textDocument/hover",
            text_params(&file, json!({ "line": 0, "character": 0 })),
        );
        assert_eq!(code(&r), Some(-32600), "{r}");
        c.notify("textDocument/didOpen", json!({}));
    });
}

/// An evaluation error of an older text is never shown on a newer one: a text with a
/// syntax error is not checked, and the check of the text before it (`throw "boom"`),
/// ending afterwards, was published on it (5 of 15 times at 0.2-0.3 s between edits).
#[test]
fn a_check_of_an_older_text_is_not_shown_on_a_newer_one() {
    let root = fixture();
    let web = root.join("hosts/web.nix");
    let text = std::fs::read_to_string(&web).unwrap();
    // The check of this text takes a second (the sum), its load does not (the host name
    // is lazy): the newer text's load fails while the check still runs.
    let boom = text.replace(
        "hostName = \"web\";",
        "hostName = builtins.seq (builtins.foldl' builtins.add 0 (builtins.genList (x: x) 4000000)) (throw \"boom\");",
    );
    let broken = text.replace("hostName = \"web\";", "hostName = \"web\"");
    assert!(boom != text && broken != text, "the fixture names its host");
    let mut c = Client::start(&root, json!({ "debounceMs": 50 }));
    c.open(&web, &text);
    let loaded = c.wait_for("rnix-eval/loaded", Duration::from_secs(120), |p| p["host"] == "web");
    assert!(loaded["error"].is_null(), "{loaded}");
    let mut version = 1;
    for gap_ms in [100, 200, 300] {
        version += 2;
        c.change(&web, version - 1, &boom);
        std::thread::sleep(Duration::from_millis(gap_ms));
        c.change(&web, version, &broken);
        let seen = c.collect(Duration::from_secs(4));
        let last = seen
            .iter()
            .rfind(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri(&web))
            .expect("diagnostics of the edited file");
        let messages: Vec<&str> = last["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["message"].as_str())
            .collect();
        assert_eq!(last["params"]["version"], version, "{last}");
        assert!(
            messages.iter().all(|m| !m.contains("boom")),
            "{gap_ms} ms: {messages:?}"
        );
        assert!(messages.iter().any(|m| m.starts_with("syntax error")), "{messages:?}");
    }
    c.shutdown();
}
