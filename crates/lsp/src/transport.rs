//! The stdio transport: `lsp-server`'s `Connection::stdio`, except that a message that is
//! not valid JSON-RPC (a body that is not JSON, a bad header) is reported on stderr and
//! skipped, and a bad frame is recovered from at the next header (`read_frame`).
//! `lsp-server`'s reader ended the connection on the first such message, and the server
//! exited at once, with status 0 and no word.

use crossbeam_channel::{bounded, Receiver, Sender};
use lsp_server::{Connection, Message};
use std::io::{self, BufRead, Write};
use std::thread;

/// The reader and writer threads, joined when the server ends.
pub struct IoThreads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<()>,
}

impl IoThreads {
    pub fn join(self) {
        let _ = self.writer.join();
        // The reader may be blocked on stdin after `exit`; it ends with the process.
        drop(self.reader);
    }
}

pub fn stdio() -> (Connection, IoThreads) {
    let (writer_tx, writer_rx): (Sender<Message>, Receiver<Message>) = bounded(0);
    let writer = thread::Builder::new()
        .name("rnix-eval-lsp-writer".into())
        .spawn(move || {
            // Locked per message: the reader answers malformed requests itself.
            for msg in writer_rx {
                let mut out = io::stdout().lock();
                if msg.write(&mut out).and_then(|_| out.flush()).is_err() {
                    return;
                }
            }
        })
        .expect("spawn the LSP writer");
    let (reader_tx, reader_rx) = bounded(0);
    let reader = thread::Builder::new()
        .name("rnix-eval-lsp-reader".into())
        .spawn(move || read_messages(io::stdin().lock(), &reader_tx))
        .expect("spawn the LSP reader");
    let conn = Connection {
        sender: writer_tx,
        receiver: reader_rx,
    };
    (conn, IoThreads { reader, writer })
}

/// Forward messages until end of input, `exit`, or a read that fails; malformed ones
/// are skipped.
fn read_messages(mut input: impl BufRead, to: &Sender<Message>) {
    loop {
        let body = match read_frame(&mut input) {
            Ok(Some(body)) => body,
            Ok(None) | Err(_) => return,
        };
        // A request whose id `lsp-server` cannot hold would be read as a notification
        // (its `Message` is untagged) and never answered.
        if let Some(reply) = malformed_reply(&body) {
            eprintln!("rnix-eval lsp: answering a malformed request: {reply}");
            let mut out = io::stdout().lock();
            let frame = format!("Content-Length: {}\r\n\r\n{reply}", reply.len());
            if out.write_all(frame.as_bytes()).and_then(|_| out.flush()).is_err() {
                return;
            }
            continue;
        }
        match serde_json::from_slice::<Message>(&body) {
            Ok(msg) => {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if to.send(msg).is_err() || exit {
                    return;
                }
            }
            Err(e) => eprintln!("rnix-eval lsp: skipping a malformed message: {e}"),
        }
    }
}

/// JSON-RPC's answer to a message that is not a request `lsp-server` can take: a body
/// that is no JSON is a parse error (`-32700`, id null); a request whose id it cannot hold
/// (beyond `i32`, a fraction, `null`) or that is otherwise malformed is an invalid
/// request (`-32600`) answered with its own id when that is a number or a string, so the
/// client waiting on it is not left waiting. A notification gets no answer.
fn malformed_reply(body: &[u8]) -> Option<String> {
    let (code, message, id) = match serde_json::from_slice::<serde_json::Value>(body) {
        Err(_) => (-32700, "Parse error", serde_json::Value::Null),
        Ok(v) => {
            // A response from the client (no `method`) is never answered.
            v.get("method")?;
            let id = v.get("id")?;
            let id = match id {
                // What `lsp-server` reads: no error.
                serde_json::Value::String(_) => return None,
                serde_json::Value::Number(n) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => return None,
                serde_json::Value::Number(_) => id.clone(),
                _ => serde_json::Value::Null,
            };
            (
                -32600,
                "Invalid Request: the id must be a string or a 32-bit integer",
                id,
            )
        }
    };
    let reply = serde_json::json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } });
    Some(reply.to_string())
}

/// The largest body read: a bigger `Content-Length` is taken for garbage.
const MAX_BODY: usize = 1 << 30;

/// The next message's body: header lines up to an empty one, then `Content-Length`
/// bytes. Frames go wrong in clients (a length counted in characters, not bytes; a
/// missing header): a line that is no header is taken for the rest of a bad frame, and a
/// `Content-Length:` found inside it starts the next header, so the stream recovers at
/// the next good frame instead of never parsing again. `None` at the end of input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    const HEADER: &str = "content-length:";
    let mut length = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if let Some(n) = length.take() {
                let mut body = vec![0; n];
                input.read_exact(&mut body)?;
                return Ok(Some(body));
            }
            continue;
        }
        // Any other line is another header (`Content-Type`) or garbage.
        if let Some(at) = text.to_ascii_lowercase().rfind(HEADER) {
            if at > 0 {
                eprintln!("rnix-eval lsp: skipping the rest of a malformed message");
            }
            length = text[at + HEADER.len()..]
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n <= MAX_BODY);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_requests_are_answered_with_their_id() {
        let reply = |body: &str| {
            malformed_reply(body.as_bytes()).map(|r| serde_json::from_str::<serde_json::Value>(&r).unwrap())
        };
        let big = reply(r#"{"jsonrpc":"2.0","id":2147483648,"method":"shutdown"}"#).unwrap();
        assert_eq!(
            (big["id"].as_u64(), big["error"]["code"].as_i64()),
            (Some(2147483648), Some(-32600))
        );
        let null = reply(r#"{"jsonrpc":"2.0","id":null,"method":"shutdown"}"#).unwrap();
        assert!(null["id"].is_null());
        let garbage = reply("{not json").unwrap();
        assert_eq!(
            (garbage["id"].is_null(), garbage["error"]["code"].as_i64()),
            (true, Some(-32700))
        );
        // A notification or a response is never answered.
        assert!(reply(r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":1}"#).is_none());
        assert!(reply(r#"{"jsonrpc":"2.0","id":1.5,"result":null}"#).is_none());
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_messages_are_skipped() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = [
            framed("{bad}"),
            framed("[]"),
            framed(r#"{"jsonrpc":"2.0","method":123}"#),
            framed(good),
        ]
        .concat();
        let (tx, rx) = bounded(8);
        read_messages(io::Cursor::new(input.into_bytes()), &tx);
        let got: Vec<Message> = rx.try_iter().collect();
        assert_eq!(got.len(), 1);
        assert!(matches!(&got[0], Message::Notification(n) if n.method == "initialized"));
    }

    /// A length too short (counted in characters: `é` is two bytes), a frame without a
    /// length, LF-only header lines: the next good frame is read.
    #[test]
    fn bad_frames_are_recovered_from() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let short = r#"{"jsonrpc":"2.0","method":"x","params":{"t":"é"}}"#;
        let input = [
            format!("Content-Length: {}\r\n\r\n{short}", short.chars().count()),
            framed(good),
            format!("Content-Type: x\r\n\r\n{good}"),
            framed(good),
            format!("Content-Length: {}\n\n{good}", good.len()),
            format!("Content-Length: 99999999999999999999\r\n\r\n{good}"),
            framed(good),
        ]
        .concat();
        let (tx, rx) = bounded(8);
        read_messages(io::Cursor::new(input.into_bytes()), &tx);
        let got: Vec<Message> = rx.try_iter().collect();
        assert_eq!(got.len(), 4, "{got:?}");
    }
}
