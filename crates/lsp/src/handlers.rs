//! Requests: LSP types to the IDE analyses and worker queries, and back.

use crate::convert::{offset, range};
use crate::server::Server;
use lsp_server::{RequestId, Response};
use lsp_types::*;
use rnix_eval_ide::{CompletionContext, CompletionKind, Target};
use serde_json::{json, Value as Json};
use std::collections::HashMap;

/// The request's parameters; `None` after answering InvalidParams when they are not
/// what the method takes.
fn params<T: serde::de::DeserializeOwned>(s: &Server, id: &RequestId, p: Json) -> Option<T> {
    match serde_json::from_value(p) {
        Ok(p) => Some(p),
        Err(e) => {
            s.send(Response::new_err(
                id.clone(),
                lsp_server::ErrorCode::InvalidParams as i32,
                format!("invalid parameters: {e}"),
            ));
            None
        }
    }
}

/// Answer on a thread of its own (the answer needs the evaluation).
fn later(s: &Server, id: RequestId, f: impl FnOnce() -> Json + Send + 'static) {
    let conn = s.conn.clone();
    std::thread::spawn(move || {
        let _ = conn.sender.send(Response::new_ok(id, f()).into());
    });
}

fn item(label: String, kind: CompletionKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label,
        kind: Some(match kind {
            CompletionKind::Variable => CompletionItemKind::VARIABLE,
            CompletionKind::Builtin => CompletionItemKind::FUNCTION,
            CompletionKind::Attribute => CompletionItemKind::FIELD,
            CompletionKind::Option => CompletionItemKind::PROPERTY,
        }),
        detail,
        ..Default::default()
    }
}

/// Which evaluated set a variable's attributes come from (`lib`, `pkgs`, `config`).
fn eval_root(var: &str) -> Option<&'static str> {
    match var {
        "lib" => Some("lib"),
        "pkgs" => Some("pkgs"),
        "config" => Some("options"),
        "options" => Some("options"),
        _ => None,
    }
}

pub fn completion(s: &mut Server, id: RequestId, p: Json) {
    let Some(p) = params::<CompletionParams>(s, &id, p) else {
        return;
    };
    let pos = p.text_document_position;
    let Some(doc) = s.docs.get(&pos.text_document.uri) else {
        return s.respond(id, Json::Null);
    };
    let a = &doc.analysis;
    let at = offset(&a.line_index, pos.position);
    let contexts = a.completion_context(at);
    let mut items: Vec<CompletionItem> = Vec::new();
    let mut queries = Vec::new();
    for ctx in &contexts {
        items.extend(
            a.complete(ctx, &s.names)
                .into_iter()
                .map(|c| item(c.label, c.kind, c.detail)),
        );
        match ctx {
            CompletionContext::Attr { var, path, partial, .. } => {
                if let Some(root) = eval_root(var) {
                    queries.push((json!({ "op": "names", "root": root, "path": path }), partial.clone()));
                }
            }
            CompletionContext::Option { path, partial, .. } => {
                queries.push((
                    json!({ "op": "names", "root": "options", "path": path }),
                    partial.clone(),
                ));
            }
            CompletionContext::Name { .. } => {}
        }
    }
    let Some(sup) = s.supervisor.clone().filter(|_| !queries.is_empty()) else {
        return s.respond(id, CompletionResponse::Array(items));
    };
    later(s, id, move || {
        for (query, partial) in queries {
            let Ok(reply) = sup.query(query) else { continue };
            for n in reply["names"].as_array().into_iter().flatten() {
                let Some(name) = n["name"].as_str() else { continue };
                if !name.starts_with(partial.as_str()) {
                    continue;
                }
                let option = n["option"].as_bool().unwrap_or(false);
                let kind = if option {
                    CompletionKind::Option
                } else {
                    CompletionKind::Attribute
                };
                let detail = option.then(|| "option".to_string());
                items.push(item(name.to_string(), kind, detail));
            }
        }
        json!(CompletionResponse::Array(items))
    });
}

pub fn hover(s: &mut Server, id: RequestId, p: Json) {
    let Some(p) = params::<HoverParams>(s, &id, p) else {
        return;
    };
    let pos = p.text_document_position_params;
    let Some(doc) = s.docs.get(&pos.text_document.uri) else {
        return s.respond(id, Json::Null);
    };
    let a = &doc.analysis;
    let at = offset(&a.line_index, pos.position);
    let syntax = a.hover(at).map(|h| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(range(&a.line_index, h.start, h.end)),
    });
    let option = a.option_path_at(at);
    let (Some(opt), Some(sup)) = (option, s.supervisor.clone()) else {
        return s.respond(id, syntax);
    };
    let r = range(&a.line_index, opt.start, opt.end);
    later(s, id, move || {
        match sup.query_current(json!({ "op": "describe", "path": opt.path })) {
            Ok(reply) => json!(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: reply["markdown"].as_str().unwrap_or("").to_string(),
                }),
                range: Some(r),
            }),
            Err(_) => json!(syntax),
        }
    });
}

pub fn definition(s: &mut Server, id: RequestId, p: Json) {
    let Some(p) = params::<GotoDefinitionParams>(s, &id, p) else {
        return;
    };
    let pos = p.text_document_position_params;
    let uri = pos.text_document.uri;
    let Some(doc) = s.docs.get(&uri) else {
        return s.respond(id, Json::Null);
    };
    let a = &doc.analysis;
    let at = offset(&a.line_index, pos.position);
    let dir = uri
        .to_file_path()
        .ok()
        .and_then(|f| f.parent().map(|d| d.to_path_buf()));
    match a.definition(at, dir.as_deref()) {
        Some(Target::Local { start, end }) => {
            let loc = Location::new(uri, range(&a.line_index, start, end));
            return s.respond(id, GotoDefinitionResponse::Scalar(loc));
        }
        Some(Target::File(path)) => {
            // A path to nothing (`import ./missing.nix`) leads nowhere, unless the editor
            // has it open (a new file not saved yet).
            let loc = Url::from_file_path(&path)
                .ok()
                .filter(|u| path.exists() || s.docs.contains_key(u))
                .map(|u| Location::new(u, Range::default()));
            return s.respond(id, loc.map(GotoDefinitionResponse::Scalar));
        }
        None => {}
    }
    let (Some(opt), Some(sup)) = (a.option_path_at(at), s.supervisor.clone()) else {
        return s.respond(id, Json::Null);
    };
    later(s, id, move || {
        let Ok(reply) = sup.query_current(json!({ "op": "describe", "path": opt.path })) else {
            return Json::Null;
        };
        let locations: Vec<Location> = reply["declarations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| {
                let uri = Url::from_file_path(d["file"].as_str()?).ok()?;
                let line = d["line"].as_u64().unwrap_or(0) as u32;
                Some(Location::new(
                    uri,
                    Range::new(Position::new(line, 0), Position::new(line, 0)),
                ))
            })
            .collect();
        json!(GotoDefinitionResponse::Array(locations))
    });
}

/// Symbols nested deeper than this are left out: the reply is serialized recursively on
/// `lsp-server`'s writer thread, whose stack a 7,000-deep set overflowed.
const MAX_SYMBOL_DEPTH: usize = 128;

#[allow(deprecated)]
fn symbol(a: &rnix_eval_ide::Analysis, s: rnix_eval_ide::DocSymbol, depth: usize) -> DocumentSymbol {
    let children = if depth < MAX_SYMBOL_DEPTH {
        s.children.into_iter().map(|c| symbol(a, c, depth + 1)).collect()
    } else {
        Vec::new()
    };
    DocumentSymbol {
        name: s.name,
        detail: None,
        kind: match s.kind {
            rnix_eval_ide::SymbolKind::Variable => SymbolKind::VARIABLE,
            rnix_eval_ide::SymbolKind::Field => SymbolKind::FIELD,
        },
        tags: None,
        deprecated: None,
        range: range(&a.line_index, s.range.0, s.range.1),
        selection_range: range(&a.line_index, s.name_range.0, s.name_range.1),
        children: Some(children),
    }
}

pub fn symbols(s: &mut Server, id: RequestId, p: Json) {
    let Some(p) = params::<DocumentSymbolParams>(s, &id, p) else {
        return;
    };
    let Some(doc) = s.docs.get(&p.text_document.uri) else {
        return s.respond(id, Json::Null);
    };
    let a = &doc.analysis;
    let out: Vec<DocumentSymbol> = a.symbols().into_iter().map(|x| symbol(a, x, 0)).collect();
    s.respond(id, DocumentSymbolResponse::Nested(out));
}

pub fn rename(s: &mut Server, id: RequestId, p: Json) {
    let Some(p) = params::<RenameParams>(s, &id, p) else {
        return;
    };
    let pos = p.text_document_position;
    let uri = pos.text_document.uri;
    let Some(doc) = s.docs.get(&uri) else {
        return s.respond(id, Json::Null);
    };
    let a = &doc.analysis;
    match a.rename(offset(&a.line_index, pos.position), &p.new_name) {
        Ok(edits) => {
            let edits = edits
                .into_iter()
                .map(|e| TextEdit::new(range(&a.line_index, e.start, e.end), e.text))
                .collect();
            let changes = HashMap::from([(uri, edits)]);
            s.respond(id, WorkspaceEdit::new(changes));
        }
        Err(message) => s.send(Response::new_err(
            id,
            lsp_server::ErrorCode::RequestFailed as i32,
            message,
        )),
    }
}
