//! The stdio transport: `lsp-server`'s `Connection::stdio`, except that a message that is
//! not valid JSON-RPC (a body that is not JSON, a bad header) is reported on stderr and
//! skipped. `lsp-server`'s reader ended the connection on the first such message, and the
//! server exited at once, with status 0 and no word.

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
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for msg in writer_rx {
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

/// Forward messages until end of input, `exit`, or a read that fails for a reason other
/// than a malformed message; malformed ones are skipped.
fn read_messages(mut input: impl BufRead, to: &Sender<Message>) {
    loop {
        match Message::read(&mut input) {
            Ok(Some(msg)) => {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if to.send(msg).is_err() || exit {
                    return;
                }
            }
            Ok(None) => return,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                eprintln!("rnix-eval lsp: skipping a malformed message: {e}");
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
