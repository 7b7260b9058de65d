//! The server's main loop: documents, their analyses, diagnostics, and the dispatch of
//! requests. Syntax answers are computed here at once; answers that need the evaluation
//! are computed on a thread of their own (which waits on the worker at most the query
//! timeout), so the loop never waits on evaluation.

use crate::supervisor::{Config, Event, Supervisor};
use crossbeam_channel::{select, Receiver};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::*;
use rnix_eval_ide::{Analysis, Names};
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub(crate) struct Doc {
    pub analysis: Analysis,
    pub version: i32,
}

pub(crate) struct Server {
    pub conn: Arc<Connection>,
    pub docs: HashMap<Url, Doc>,
    pub names: Arc<Names>,
    pub supervisor: Option<Arc<Supervisor>>,
    /// Evaluation errors by file, from the last evaluation.
    pub eval_diags: HashMap<PathBuf, Vec<Json>>,
    pub root: PathBuf,
    /// The document whose text changed last: where an evaluation error without a
    /// position is shown when there is no `flake.nix`.
    pub last_edited: Option<PathBuf>,
    pub loads: u64,
    /// The generation of the last check applied.
    pub checked: u64,
}

/// Options from the client's `initializationOptions`.
fn target(root: &Path, init: &Json) -> Option<Json> {
    let root_s = root.to_string_lossy();
    if let Some(flake) = init["flake"].as_str() {
        return Some(json!({ "root": root_s, "flake": flake }));
    }
    if let Some(expr) = init["expr"].as_str() {
        return Some(json!({ "root": root_s, "expr": expr }));
    }
    root.join("flake.nix")
        .exists()
        .then(|| json!({ "root": root_s, "flake": format!("path:{root_s}") }))
}

/// The names resolution needs: every global and the attributes of `builtins`, from an
/// evaluator made once.
fn global_names() -> Names {
    let mut ev = rnix_eval_core::Evaluator::new(rnix_eval_core::Options::default());
    let globals = ev.global_names.iter().map(|(s, _)| s.as_str().to_string()).collect();
    let mut builtins = Vec::new();
    if let Some(b) = ev.global("builtins") {
        if let Ok(rnix_eval_core::Value::Attrs(set)) = ev.force(&b) {
            builtins = set.entries().iter().map(|a| a.name.as_str().to_string()).collect();
        }
    }
    builtins.sort();
    Names { globals, builtins }
}

pub fn run(worker_args: Vec<String>) -> i32 {
    let (connection, io_threads) = crate::transport::stdio();
    let conn = Arc::new(connection);
    let (id, params) = match conn.initialize_start() {
        Ok(x) => x,
        Err(_) => return 1,
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    #[allow(deprecated)]
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| f.uri.to_file_path().ok())
        .or_else(|| params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()))
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("/"));
    let init = params.initialization_options.clone().unwrap_or(Json::Null);
    let ms = |key: &str, default: u64| Duration::from_millis(init[key].as_u64().unwrap_or(default));
    let (events_tx, events_rx) = crossbeam_channel::unbounded();
    let supervisor = target(&root, &init).and_then(|target| {
        let exe = std::env::current_exe().ok()?;
        let cfg = Config {
            exe,
            args: worker_args,
            target,
            rss_limit_kib: init["maxWorkerMemoryMiB"].as_u64().unwrap_or(4096) * 1024,
            load_timeout: ms("loadTimeoutMs", 300_000),
            query_timeout: ms("timeoutMs", 5_000),
            hang_timeout: ms("hangTimeoutMs", 60_000),
            debounce: ms("debounceMs", 200),
        };
        Some(Supervisor::start(cfg, events_tx))
    });
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into()]),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        ..Default::default()
    };
    let result = json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "rnix-eval", "version": env!("CARGO_PKG_VERSION") },
    });
    if conn.initialize_finish(id, result).is_err() {
        return 1;
    }
    let mut server = Server {
        conn: conn.clone(),
        docs: HashMap::new(),
        names: Arc::new(global_names()),
        supervisor,
        eval_diags: HashMap::new(),
        root,
        last_edited: None,
        loads: 0,
        checked: 0,
    };
    if let Some(s) = &server.supervisor {
        s.reload(Default::default(), None);
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        if watch {
            server.watch_nix_files();
        }
    }
    let clean = server.main_loop(events_rx);
    if let Some(s) = &server.supervisor {
        s.shutdown();
    }
    drop(server);
    // The connection's writer thread ends when every sender is gone.
    drop(conn);
    io_threads.join();
    if clean {
        0
    } else {
        1
    }
}

impl Server {
    /// Serve until `exit`; `false` when it came without `shutdown` first (the protocol's
    /// exit code 1) or the client went away.
    fn main_loop(&mut self, events: Receiver<Event>) -> bool {
        let receiver = self.conn.receiver.clone();
        let mut events = events;
        // After `shutdown` requests are refused (InvalidRequest) and notifications
        // dropped until `exit`, as the protocol says; `lsp-server`'s `handle_shutdown`
        // ended the server on any message but `exit`.
        let mut shut_down = false;
        loop {
            select! {
                recv(receiver) -> msg => {
                    let Ok(msg) = msg else { return false };
                    match msg {
                        Message::Request(req) if shut_down => self.send(Response::new_err(
                            req.id,
                            lsp_server::ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".into(),
                        )),
                        Message::Request(req) if req.method == request::Shutdown::METHOD => {
                            shut_down = true;
                            self.respond(req.id, ());
                        }
                        Message::Request(req) => self.request(req),
                        Message::Notification(n) if n.method == notification::Exit::METHOD => return shut_down,
                        Message::Notification(_) if shut_down => {}
                        Message::Notification(n) => self.notification(n),
                        Message::Response(_) => {}
                    }
                }
                recv(events) -> event => match event {
                    Ok(event) => self.event(event),
                    // Every sender is gone (no workspace to evaluate): a closed channel is
                    // always ready, and selecting on it again spun a core at 100%.
                    Err(_) => events = crossbeam_channel::never(),
                },
            }
        }
    }

    /// Ask the client to report changes of the workspace's Nix files and lock files.
    fn watch_nix_files(&self) {
        let watchers = ["**/*.nix", "**/flake.lock"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.into()),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "rnix-eval-watch".into(),
            method: notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions { watchers }).ok(),
        };
        let params = RegistrationParams {
            registrations: vec![registration],
        };
        self.send(Request::new(
            RequestId::from("rnix-eval-watch".to_string()),
            request::RegisterCapability::METHOD.into(),
            params,
        ));
    }

    pub fn send(&self, msg: impl Into<Message>) {
        let _ = self.conn.sender.send(msg.into());
    }

    pub fn respond(&self, id: RequestId, result: impl serde::Serialize) {
        self.send(Response::new_ok(id, result));
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                self.update(p.text_document.uri, &p.text_document.text, p.text_document.version);
            }
            notification::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                if let Some(change) = p.content_changes.into_iter().last() {
                    self.update(p.text_document.uri, &change.text, p.text_document.version);
                }
            }
            // A file saved or changed on disk (a checkout, another editor): evaluate again.
            notification::DidSaveTextDocument::METHOD | notification::DidChangeWatchedFiles::METHOD => {
                self.reload(None);
            }
            notification::DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                self.docs.remove(&p.text_document.uri);
                // Its problems leave the editor's list with it.
                self.notify_diagnostics(p.text_document.uri, Vec::new(), None);
                // The file on disk is what evaluation reads now.
                self.reload(None);
            }
            _ => {}
        }
    }

    /// A new text for a document: analyse it, publish its diagnostics, evaluate again.
    fn update(&mut self, uri: Url, text: &str, version: i32) {
        let analysis = Analysis::new(text, &self.names);
        self.docs.insert(uri.clone(), Doc { analysis, version });
        // The evaluation's errors in this file were placed in the old text: they would
        // be published with the new version at stale positions until it ends again.
        if let Ok(path) = uri.to_file_path() {
            self.eval_diags.remove(&path);
            self.last_edited = Some(path);
        }
        self.publish(&uri);
        self.reload(uri.to_file_path().ok());
    }

    fn reload(&self, file: Option<PathBuf>) {
        let Some(s) = &self.supervisor else { return };
        let overlay = self
            .docs
            .iter()
            .filter_map(|(uri, d)| {
                Some((
                    uri.to_file_path().ok()?.to_string_lossy().into_owned(),
                    json!(d.analysis.text),
                ))
            })
            .collect();
        s.reload(overlay, file.map(|f| f.to_string_lossy().into_owned()));
    }

    /// Syntax diagnostics of an open document and the evaluation's errors in its file.
    fn publish(&self, uri: &Url) {
        let Some(doc) = self.docs.get(uri) else { return };
        let a = &doc.analysis;
        let range = |start: u32, end: u32| crate::convert::range(&a.line_index, start, end);
        let mut diags: Vec<lsp_types::Diagnostic> = a
            .diagnostics()
            .into_iter()
            .map(|d| lsp_types::Diagnostic {
                range: range(d.start, d.end),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("rnix-eval".into()),
                message: d.message,
                ..Default::default()
            })
            .collect();
        if let Ok(path) = uri.to_file_path() {
            for e in self.eval_diags.get(&path).into_iter().flatten() {
                let start = e["start"].as_u64().unwrap_or(0) as u32;
                let end = e["end"].as_u64().unwrap_or(start as u64) as u32;
                let d = eval_diagnostic(range(start, end), e);
                // The evaluation meets the syntax error the document shows already.
                if !diags.iter().any(|s| s.range == d.range && s.message == d.message) {
                    diags.push(d);
                }
            }
        }
        self.notify_diagnostics(uri.clone(), diags, Some(doc.version));
    }

    fn notify_diagnostics(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            notification::PublishDiagnostics::METHOD.into(),
            params,
        ));
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Loaded {
                diagnostics,
                error,
                host,
                millis,
            } => {
                self.loads += 1;
                // A configuration that does not load has nothing to check: its error is
                // the diagnostic.
                if error.is_some() {
                    self.set_eval_diagnostics(diagnostics, error.as_deref());
                }
                let params = json!({ "host": host, "millis": millis, "error": error, "loads": self.loads });
                self.send(Notification::new("rnix-eval/loaded".into(), params));
            }
            Event::Checked {
                generation,
                diagnostics,
                error,
                millis,
            } => {
                if generation < self.checked {
                    return;
                }
                self.checked = generation;
                self.set_eval_diagnostics(diagnostics, error.as_deref());
                let params = json!({ "generation": generation, "millis": millis, "error": error });
                self.send(Notification::new("rnix-eval/checked".into(), params));
            }
        }
    }

    /// Replace the evaluation's diagnostics (`error`: why there are none to give) and
    /// publish them, clearing files that had some.
    fn set_eval_diagnostics(&mut self, diagnostics: Vec<Json>, error: Option<&str>) {
        let mut by_file: HashMap<PathBuf, Vec<Json>> = HashMap::new();
        // An error without a position goes on the flake, or else on the file last edited.
        let flake = self.root.join("flake.nix");
        let fallback = match (flake.exists(), &self.last_edited) {
            (false, Some(edited)) => edited.clone(),
            _ => flake,
        };
        for d in diagnostics {
            let file = d["file"]
                .as_str()
                .map(PathBuf::from)
                .unwrap_or_else(|| fallback.clone());
            by_file.entry(file).or_default().push(d);
        }
        if let (Some(e), true) = (error, by_file.is_empty()) {
            by_file
                .entry(fallback)
                .or_default()
                .push(json!({ "start": 0, "end": 0, "message": format!("evaluation failed: {e}") }));
        }
        let old = std::mem::replace(&mut self.eval_diags, by_file);
        let mut files: Vec<PathBuf> = old.into_keys().collect();
        files.extend(self.eval_diags.keys().cloned());
        files.sort();
        files.dedup();
        for file in files {
            let Ok(uri) = Url::from_file_path(&file) else { continue };
            if self.docs.contains_key(&uri) {
                self.publish(&uri);
                continue;
            }
            // A file the editor has not opened: positions from the disk's text.
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let index = rnix_eval_ide::LineIndex::new(&text);
            let diags = self
                .eval_diags
                .get(&file)
                .into_iter()
                .flatten()
                .map(|e| {
                    let start = e["start"].as_u64().unwrap_or(0) as u32;
                    let end = e["end"].as_u64().unwrap_or(start as u64) as u32;
                    eval_diagnostic(crate::convert::range(&index, start, end), e)
                })
                .collect();
            self.notify_diagnostics(uri, diags, None);
        }
    }

    fn request(&mut self, req: Request) {
        let Request { id, method, params } = req;
        match method.as_str() {
            request::Completion::METHOD => crate::handlers::completion(self, id, params),
            request::HoverRequest::METHOD => crate::handlers::hover(self, id, params),
            request::GotoDefinition::METHOD => crate::handlers::definition(self, id, params),
            request::DocumentSymbolRequest::METHOD => crate::handlers::symbols(self, id, params),
            request::Rename::METHOD => crate::handlers::rename(self, id, params),
            request::Initialize::METHOD => self.send(Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidRequest as i32,
                "the server is initialized already".into(),
            )),
            "rnix-eval/status" => {
                let server = crate::rss::kib(std::process::id());
                let sup = self.supervisor.as_ref();
                let worker = sup.and_then(|s| s.worker_pid()).and_then(crate::rss::kib);
                let peak = sup.map(|s| s.peak_worker_kib.load(std::sync::atomic::Ordering::SeqCst));
                self.respond(
                    id,
                    json!({
                        "serverRssKiB": server.map(|s| s.0),
                        "serverPeakKiB": server.map(|s| s.1),
                        "workerRssKiB": worker.map(|w| w.0),
                        "workerPeakKiB": worker.map(|w| w.1),
                        "workersPeakKiB": peak,
                        "loads": self.loads,
                    }),
                );
            }
            _ => self.send(Response::new_err(
                id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("unknown request {method}"),
            )),
        }
    }
}

fn eval_diagnostic(range: Range, e: &Json) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("rnix-eval (evaluation)".into()),
        message: e["message"].as_str().unwrap_or("evaluation error").to_string(),
        ..Default::default()
    }
}
