//! The evaluation worker: a process of its own (`rnix-eval lsp --worker`) that evaluates
//! the workspace's configuration once (`load`) and answers questions about it, one JSON
//! line in, one JSON line out. The evaluator never frees a whole evaluation (leaked ASTs,
//! `Rc` cycles through frames), so the server never reuses a worker for a second
//! configuration: a change means a new worker, and the old one's memory goes with its
//! process.

use crate::overlay::OverlayFs;
use rnix_eval_core::error::EvalResult;
use rnix_eval_core::value::Value;
use rnix_eval_core::{EvalError, Evaluator, Options};
use rnix_eval_modules::get_path;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// Serve requests from stdin until it closes.
pub fn serve() -> i32 {
    // Die with the server, even mid-evaluation (a crashed server leaves no workers).
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG only sets a signal number for this process.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    rnix_eval_core::with_eval_stack(1 << 30, |stack| {
        let mut state: Option<Loaded> = None;
        let stdin = std::io::stdin();
        let mut out = std::io::stdout().lock();
        for line in stdin.lock().lines() {
            let Ok(line) = line else { break };
            let Ok(req) = serde_json::from_str::<Json>(&line) else {
                continue;
            };
            let id = req["id"].clone();
            let mut reply = match handle(&mut state, &req, stack) {
                Ok(v) => v,
                Err(e) => json!({ "error": e }),
            };
            reply["id"] = id;
            if writeln!(out, "{reply}").and_then(|_| out.flush()).is_err() {
                break;
            }
        }
        0
    })
}

/// An evaluated configuration.
struct Loaded {
    ev: Evaluator,
    system: Value,
    lib: Option<Value>,
    /// The flake's source in the store and the workspace directory it is a copy of.
    source: Option<(String, PathBuf)>,
    host: Option<String>,
}

fn handle(state: &mut Option<Loaded>, req: &Json, stack: Option<usize>) -> Result<Json, String> {
    match req["op"].as_str() {
        Some("load") => {
            let (loaded, diagnostics) = match load(req, stack) {
                Ok(x) => x,
                // The configuration does not evaluate: say where, as a diagnostic.
                Err(d) => return Ok(json!({ "error": d["message"], "diagnostics": [d] })),
            };
            let hosts = loaded.host.clone();
            *state = Some(loaded);
            Ok(json!({ "diagnostics": diagnostics, "host": hosts }))
        }
        Some("names") => {
            let s = state.as_mut().ok_or("no configuration loaded")?;
            names(s, req).map_err(|e| e.message.clone())
        }
        Some("describe") => {
            let s = state.as_mut().ok_or("no configuration loaded")?;
            describe(s, req).map_err(|e| e.message.clone())
        }
        Some("rss") => Ok(json!({ "rss_kib": crate::rss::kib(std::process::id()).map(|r| r.0) })),
        _ => Err("unknown request".into()),
    }
}

fn strings(v: &Json) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Evaluate the target (a flake's host, or an expression) with the editor's buffers
/// overlaid, then its toplevel (or whole `config`) for the errors to show.
/// Errors are diagnostics (`{ file, start, end, message }`, the position when known).
fn load(req: &Json, stack: Option<usize>) -> Result<(Loaded, Vec<Json>), Json> {
    let target = &req["target"];
    let overlay: HashMap<PathBuf, Vec<u8>> = req["overlay"]
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((PathBuf::from(k), v.as_str()?.as_bytes().to_vec())))
                .collect()
        })
        .unwrap_or_default();
    // The changed file is being typed: while it does not parse, no evaluation of it can
    // answer (a lazily read module fails at the first query), so the load is refused and
    // the last one that loaded keeps answering. It took over before, and completion in a
    // half-typed line answered with nothing, depending on which side of the switch the
    // request fell.
    if let Some(file) = req["file"].as_str() {
        if let Some(text) = overlay.get(Path::new(file)) {
            if let Some((start, end, message)) = rnix_eval_parser::check_syntax(&String::from_utf8_lossy(text)) {
                return Err(json!({ "file": file, "start": start, "end": end, "message": message }));
            }
        }
    }
    let root = PathBuf::from(target["root"].as_str().unwrap_or("/"));
    let flake = target["flake"].as_str();
    let stack_budget = stack
        .map(|s| s - (16 << 20).min(s / 8))
        .unwrap_or(Options::default().stack_budget);
    let options = Options {
        max_call_depth: stack_budget / 512,
        call_limit_is_stack: true,
        stack_budget,
        mode: if flake.is_some() {
            rnix_eval_core::io::Mode::Pure
        } else {
            rnix_eval_core::io::Mode::Impure
        },
        ..Options::default()
    };
    let mut ev = Evaluator::new(options);
    rnix_eval_flake::install(&mut ev);
    let fs = OverlayFs::new(overlay);
    let aliases = fs.aliases();
    ev.io = rnix_eval_core::io::Io::new(Box::new(fs), ev.io.mode.clone(), rnix_eval_core::store_dir());
    let mut source = None;
    let mut host = None;
    let system = match flake {
        Some(reference) => {
            let (flake_ref, fragment) = reference.split_once('#').unwrap_or((reference, ""));
            let opts = rnix_eval_flake::FlakeOptions {
                write_lock_file: false,
                ..Default::default()
            };
            let locked = rnix_eval_flake::lock_flake(&mut ev, flake_ref, &root, &opts)
                .map_err(|e| locate(&mut ev, &root, &source, &e))?;
            let store_path = locked.source.store_path.clone();
            {
                let mut aliases = aliases.lock().unwrap_or_else(|e| e.into_inner());
                aliases.push((PathBuf::from(&store_path), root.clone()));
                // A copy (a git work tree's tracked files) is read where it is mounted.
                if let Some(local) = ev.io.mounted(&store_path).filter(|l| *l != root) {
                    aliases.push((local.to_path_buf(), root.clone()));
                }
            }
            source = Some((store_path, root.clone()));
            let value =
                rnix_eval_flake::call_flake(&mut ev, &locked).map_err(|e| locate(&mut ev, &root, &source, &e))?;
            let file = req["file"].as_str().map(PathBuf::from);
            let (name, system) =
                pick_host(&mut ev, &value, fragment, file.as_deref(), &source).map_err(|e| json!({ "message": e }))?;
            host = Some(name);
            system
        }
        None => {
            let expr = target["expr"]
                .as_str()
                .ok_or_else(|| json!({ "message": "no flake and no expression to evaluate" }))?;
            ev.eval_source(rnix_eval_parser::Origin::String, &root.to_string_lossy(), expr)
                .map_err(|e| locate(&mut ev, &root, &source, &e))?
        }
    };
    let lib = rnix_eval_modules::find_lib(&mut ev, &system).ok().flatten();
    let mut loaded = Loaded {
        ev,
        system,
        lib,
        source,
        host,
    };
    // Only the checking worker builds the configuration; the one answering queries
    // forces no more than they ask for.
    let diagnostics = match req["check"].as_bool() == Some(true) {
        true => match check(&mut loaded) {
            Ok(()) => Vec::new(),
            Err(e) => vec![locate(&mut loaded.ev, &root, &loaded.source, &e)],
        },
        false => Vec::new(),
    };
    Ok((loaded, diagnostics))
}

/// The host of `nixosConfigurations`: the one named, else the first whose modules read
/// `file` (the access log after forcing its `options`), else the first.
fn pick_host(
    ev: &mut Evaluator,
    flake: &Value,
    name: &str,
    file: Option<&Path>,
    source: &Option<(String, PathBuf)>,
) -> Result<(String, Value), String> {
    let configs = get_path(ev, flake, &["nixosConfigurations"])
        .map_err(|e| e.message.clone())?
        .ok_or("the flake has no nixosConfigurations")?;
    let Value::Attrs(set) = ev.force(&configs).map_err(|e| e.message.clone())? else {
        return Err("nixosConfigurations is not a set".into());
    };
    let hosts: Vec<(String, Value)> = set
        .entries()
        .iter()
        .map(|a| (a.name.as_str().to_string(), a.value.clone()))
        .collect();
    if !name.is_empty() {
        let name = name.strip_prefix("nixosConfigurations.").unwrap_or(name);
        return hosts
            .into_iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| format!("the flake has no nixosConfigurations.{name}"));
    }
    let first = hosts.first().cloned().ok_or("nixosConfigurations is empty")?;
    let (Some(file), Some((store, root)), true) = (file, source, hosts.len() > 1) else {
        return Ok(first);
    };
    let Ok(rel) = file.strip_prefix(root) else {
        return Ok(first);
    };
    let wanted = [file.to_path_buf(), Path::new(store).join(rel)];
    for (name, system) in &hosts {
        ev.io.log = Some(Vec::new());
        let _ = get_path(ev, system, &["options"]).and_then(|o| o.map(|o| ev.force(&o).map(|_| ())).transpose());
        let log = ev.io.log.take().unwrap_or_default();
        let read = log.iter().any(|a| match a {
            rnix_eval_core::io::Access::File(p) => wanted.iter().any(|w| Path::new(p) == w),
            _ => false,
        });
        if read {
            return Ok((name.clone(), system.clone()));
        }
    }
    Ok(first)
}

/// Force what building the configuration would: the toplevel's `drvPath`, else the whole
/// `config` (a bare module system).
fn check(s: &mut Loaded) -> EvalResult<()> {
    let ev = &mut s.ev;
    if let Some(top) = get_path(ev, &s.system, &["config", "system", "build", "toplevel"])? {
        if let Some(drv) = get_path(ev, &top, &["drvPath"])? {
            ev.force(&drv)?;
            return Ok(());
        }
        rnix_eval_core::print::print_value(ev, &top, true)?;
        return Ok(());
    }
    if let Some(config) = get_path(ev, &s.system, &["config"])? {
        rnix_eval_core::print::to_json(ev, &config, None, true)?;
    }
    Ok(())
}

/// An evaluation error at the innermost position inside the workspace (the error's own
/// span, else the first trace frame there), with the file as a workspace path. An error
/// with no position there that names a workspace file (the module system's "The option
/// value `a.b' in `/ws/configuration.nix' is not of type ...", whose positions are all in
/// nixpkgs' `lib`) is placed in that file, at the option's name if the text spells it.
/// [`located`], reading the texts evaluation reads (the editor's unsaved buffers).
fn locate(ev: &mut Evaluator, root: &Path, source: &Option<(String, PathBuf)>, e: &EvalError) -> Json {
    let ws = Workspace {
        root: root.to_path_buf(),
        source: source.clone(),
    };
    let mut read = |p: &Path| {
        let bytes = ev.io.read_file(&p.to_string_lossy()).ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    };
    located(&ws, &mut read, e)
}

fn located(ws: &Workspace, read: &mut dyn FnMut(&Path) -> Option<String>, e: &EvalError) -> Json {
    let spans = std::iter::once(e.span).chain(e.trace.iter().map(|t| t.span)).flatten();
    let mut located = None;
    for span in spans {
        let file = rnix_eval_parser::source::file(span.file);
        let name = map_to_workspace(&ws.source, &file.display_name());
        let inside = ws.contains(&name);
        if located.is_none() || inside {
            located = Some((name, span.start, span.end));
        }
        if inside {
            break;
        }
    }
    let outside = located.as_ref().is_none_or(|(name, ..)| !ws.contains(name));
    if outside {
        if let Some(found) = mentioned_file(ws, read, &e.message) {
            located = Some(found);
        }
    }
    match located {
        Some((file, start, end)) => json!({ "file": file, "start": start, "end": end, "message": e.message }),
        None => json!({ "message": e.message }),
    }
}

/// Where the workspace is: its directory and, for a flake, the store copy evaluation reads.
struct Workspace {
    root: PathBuf,
    source: Option<(String, PathBuf)>,
}

impl Workspace {
    fn contains(&self, path: &Path) -> bool {
        self.root != Path::new("/") && path.starts_with(&self.root)
    }
}

/// The first workspace file `message` names (quoted as the module system quotes paths),
/// with the range of the first quoted option path's final name in its text (as a whole
/// word), else its start.
fn mentioned_file(
    ws: &Workspace,
    read: &mut dyn FnMut(&Path) -> Option<String>,
    message: &str,
) -> Option<(PathBuf, u32, u32)> {
    let quoted: Vec<&str> = message.split(['`', '\'', '"']).skip(1).step_by(2).collect();
    let file = quoted
        .iter()
        .map(|q| map_to_workspace(&ws.source, q))
        .find(|p| ws.contains(p))?;
    let text = read(&file).unwrap_or_default();
    let option_name = quoted
        .iter()
        .find(|q| !q.contains('/') && q.contains('.'))
        .and_then(|q| q.rsplit('.').next());
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '\'');
    let at = option_name.and_then(|name| {
        text.match_indices(name)
            .map(|(i, _)| i)
            .find(|&i| !ident(text[..i].chars().next_back()) && !ident(text[i + name.len()..].chars().next()))
            .map(|i| (i, name.len()))
    });
    let (start, len) = at.unwrap_or((0, 0));
    Some((file, start as u32, (start + len) as u32))
}

/// A path as the editor can open it: the flake's store copy mapped back to the workspace,
/// and an input's file to the local folder behind its mount (a `path:` or `git+file:`
/// nixpkgs read in place, never copied to the store; go to definition led to a store path
/// that did not exist).
fn workspace_path(s: &Loaded, path: &str) -> PathBuf {
    let mapped = map_to_workspace(&s.source, path);
    if mapped.as_os_str() != path {
        return mapped;
    }
    s.ev.io.translate(path)
}

fn map_to_workspace(source: &Option<(String, PathBuf)>, path: &str) -> PathBuf {
    if let Some((store, root)) = source {
        if let Some(rest) = path.strip_prefix(store.as_str()) {
            return root.join(rest.trim_start_matches('/'));
        }
    }
    PathBuf::from(path)
}

fn is_option(ev: &mut Evaluator, v: &Value) -> EvalResult<bool> {
    let Some(t) = get_path(ev, v, &["_type"])? else {
        return Ok(false);
    };
    Ok(matches!(ev.force(&t)?, Value::String(s) if s.as_bytes() == b"option"))
}

/// The attribute names below `root.path` (`root`: `options`, `lib`, `pkgs`, `config`);
/// for options, whether each is an option or a set of them.
fn names(s: &mut Loaded, req: &Json) -> EvalResult<Json> {
    let root = req["root"].as_str().unwrap_or("options");
    let path = strings(&req["path"]);
    let start = match root {
        "lib" => s.lib.clone(),
        "pkgs" => match get_path(&mut s.ev, &s.system, &["pkgs"])? {
            Some(p) => Some(p),
            None => get_path(&mut s.ev, &s.system, &["config", "_module", "args", "pkgs"])?,
        },
        other => get_path(&mut s.ev, &s.system, &[other])?,
    };
    let Some(mut cur) = start else {
        return Ok(json!({ "names": [] }));
    };
    let ev = &mut s.ev;
    for p in &path {
        if root == "options" && is_option(ev, &cur)? {
            return Ok(json!({ "names": [] }));
        }
        match get_path(ev, &cur, &[p.as_str()])? {
            Some(next) => cur = next,
            None => return Ok(json!({ "names": [] })),
        }
    }
    if root == "options" && is_option(ev, &cur)? {
        return Ok(json!({ "names": [] }));
    }
    let Value::Attrs(set) = ev.force(&cur)? else {
        return Ok(json!({ "names": [] }));
    };
    let entries: Vec<(String, Value)> = set
        .entries()
        .iter()
        .map(|a| (a.name.as_str().to_string(), a.value.clone()))
        .collect();
    let mut out = Vec::new();
    for (name, value) in entries {
        if name.starts_with('_') && root == "options" {
            continue;
        }
        let option = root == "options" && is_option(ev, &value).unwrap_or(false);
        out.push(json!({ "name": name, "option": option }));
    }
    Ok(json!({ "names": out }))
}

/// Hover text and declarations of one option: through `rnix-eval-modules` (the
/// evaluation's own nixpkgs `lib`) when there is one, else read from the option's
/// attributes directly (a module system of one's own).
fn describe(s: &mut Loaded, req: &Json) -> EvalResult<Json> {
    let path = strings(&req["path"]);
    let has_nixpkgs_lib = match &s.lib {
        Some(lib) => get_path(&mut s.ev, lib, &["optionAttrSetToDocList"])?.is_some(),
        None => false,
    };
    let (markdown, declarations) = if has_nixpkgs_lib {
        let lib = s.lib.clone().expect("checked");
        let info =
            rnix_eval_modules::describe_option(&mut s.ev, &lib, &s.system, &path, rnix_eval_modules::Render::Text)?;
        let value = match &info.value {
            Ok(v) => text(v),
            Err(e) => format!("error: {}", e.message),
        };
        let shown = |f: &String| workspace_path(s, f).display().to_string();
        let defined: Vec<String> = info.definitions.iter().map(|d| shown(&d.file)).collect();
        let md = crate::hover_text::option_markdown(&crate::hover_text::OptionDoc {
            name: info.name.clone(),
            type_desc: text(&info.type_desc),
            description: text(&info.description),
            default: info.default.as_ref().map(text),
            value: Some(value),
            declared: info.declarations.iter().map(shown).collect(),
            defined,
        });
        (md, info.declarations.clone())
    } else {
        generic_describe(s, &path)?
    };
    let declarations: Vec<Json> = declarations
        .iter()
        .map(|f| {
            let file = workspace_path(s, f);
            let line = declaration_line(&file, &path);
            json!({ "file": file, "line": line })
        })
        .collect();
    Ok(json!({ "markdown": markdown, "declarations": declarations }))
}

fn generic_describe(s: &mut Loaded, path: &[String]) -> EvalResult<(String, Vec<String>)> {
    let refs: Vec<&str> = path.iter().map(String::as_str).collect();
    let ev = &mut s.ev;
    let mut opt_path = vec!["options"];
    opt_path.extend(&refs);
    let Some(opt) = get_path(ev, &s.system, &opt_path)? else {
        return Err(EvalError::new(
            rnix_eval_core::ErrorKind::Eval,
            format!("no option '{}'", path.join(".")),
            None,
        ));
    };
    if !is_option(ev, &opt)? {
        return Err(EvalError::new(
            rnix_eval_core::ErrorKind::Eval,
            format!("'{}' is a set of options", path.join(".")),
            None,
        ));
    }
    let field = |ev: &mut Evaluator, name: &[&str]| -> Option<String> {
        let v = get_path(ev, &opt, name).ok()??;
        show(ev, &v)
    };
    let type_desc = field(ev, &["type", "description"])
        .or_else(|| field(ev, &["type", "name"]))
        .or_else(|| field(ev, &["type"]))
        .unwrap_or_default();
    let description = field(ev, &["description"]).unwrap_or_default();
    let default = field(ev, &["default"]);
    let declared = match get_path(ev, &opt, &["declarations"])? {
        Some(d) => match ev.force(&d)? {
            Value::List(items) => {
                let items: Vec<Value> = items.iter().cloned().collect();
                items.iter().filter_map(|i| show(ev, i)).collect()
            }
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    let mut config_path = vec!["config"];
    config_path.extend(&refs);
    let value = match get_path(ev, &s.system, &config_path) {
        Ok(Some(v)) => show(ev, &v),
        Ok(None) => None,
        Err(e) => Some(format!("error: {}", e.message)),
    };
    let md = crate::hover_text::option_markdown(&crate::hover_text::OptionDoc {
        name: path.join("."),
        type_desc,
        description,
        default,
        value,
        declared: declared
            .iter()
            .map(|d| workspace_path(s, d).display().to_string())
            .collect(),
        defined: Vec::new(),
    });
    Ok((md, declared))
}

/// A value for people: strings as they are, the rest as JSON, else as Nix prints it.
fn show(ev: &mut Evaluator, v: &Value) -> Option<String> {
    match ev.force(v).ok()? {
        Value::String(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        Value::Path(p) => Some(p.to_string()),
        other => match rnix_eval_core::print::to_json(ev, &other, None, true) {
            Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            Err(_) => rnix_eval_core::print::print_value(ev, &other, false)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
        },
    }
}

/// Rendered option documentation: text as it is, documentation shapes by their `text`.
fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => "null".into(),
        Json::Object(o) if o.contains_key("text") => text(&o["text"]),
        other => other.to_string(),
    }
}

/// The 0-based line of `file` where the option `path` is declared: libs record only the
/// declaring file. The attribute whose option path (as the editor computes it for a module
/// file: under `options`, through nested sets) is `path`; else the first line binding its
/// last name (`name =` or `name.`); else 0.
fn declaration_line(file: &Path, path: &[String]) -> u32 {
    let Ok(text) = std::fs::read_to_string(file) else {
        return 0;
    };
    let name = path.last().map(String::as_str).unwrap_or("");
    if name.is_empty() {
        return 0;
    }
    let analysis = rnix_eval_ide::Analysis::new(&text, &rnix_eval_ide::Names::default());
    if let Some(at) = analysis.option_declaration(path) {
        return analysis.line_index.position(at).0;
    }
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        for (pos, _) in t.match_indices(name) {
            let before_ok = pos == 0 || !t.as_bytes()[pos - 1].is_ascii_alphanumeric();
            let after = t[pos + name.len()..].trim_start();
            if before_ok && (after.starts_with('=') && !after.starts_with("==") || after.starts_with('.')) {
                return i as u32;
            }
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The module system's errors name the defining file in their message; their
    /// positions are all in nixpkgs' `lib`. Placed in the file, at the option's name.
    #[test]
    fn an_error_naming_a_workspace_file_is_placed_at_the_option_in_it() {
        let ws = Workspace {
            root: PathBuf::from("/ws"),
            source: Some(("/nix/store/abc-source".into(), PathBuf::from("/ws"))),
        };
        let text = "{ ... }: {\n  services.nginx.enable = \"yes\";\n}\n";
        let mut read = |p: &Path| (p == Path::new("/ws/configuration.nix")).then(|| text.to_string());
        for message in [
            "The option value `services.nginx.enable' in `/ws/configuration.nix' is not of type `boolean'.",
            "The option value `services.nginx.enable' in `/nix/store/abc-source/configuration.nix' is not of type `boolean'.",
        ] {
            let (file, start, end) = mentioned_file(&ws, &mut read, message).expect("a workspace file");
            assert_eq!(file, Path::new("/ws/configuration.nix"));
            assert_eq!((start as usize, end as usize), (text.find("enable").unwrap(), text.find(" = ").unwrap()));
        }
        let (file, start, end) = mentioned_file(
            &ws,
            &mut read,
            "The option `services.nginxx' defined in `/ws/configuration.nix' does not exist.",
        )
        .expect("a workspace file");
        assert_eq!((file.as_path(), start, end), (Path::new("/ws/configuration.nix"), 0, 0));
        assert!(mentioned_file(&ws, &mut read, "value is a string while a set was expected").is_none());
        assert!(mentioned_file(&ws, &mut read, "in `/elsewhere/x.nix'").is_none());
    }
}
