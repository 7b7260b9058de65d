//! Store writes in the background, for a sink such as the CLI's `DaemonSink`. Evaluation
//! computes every store path itself, so it need not wait for the daemon to make one: a
//! NixOS system writes about 1,900 objects, and asking the daemon about each (a temporary
//! root, then whether it is valid) was two round trips per object on the evaluator's
//! thread, 0.6 s of a 2.0 s run when all were valid already. Here a thread of its own,
//! with a connection of its own, writes them in order (inputs before what refers to
//! them), asks about a batch in one round trip and adds the texts and `.drv` files it
//! lacks in one more (the daemon answers requests in order, so they may follow each other
//! unanswered); the evaluator waits ([`WriteQueue::flush`]) only where it reads or builds
//! what it wrote, and before it prints a result.

use rnix_eval_core::store::{StoredDrv, StoredSource, StoredText};
use rnix_eval_store::{DaemonStore, Store};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

/// One store object to make valid at the path evaluation computed for it.
pub enum Write {
    /// A local file or tree (`"${./src}"`, `builtins.path`).
    Source { path: String, source: StoredSource },
    /// A text with references (`builtins.toFile`).
    Text { path: String, text: StoredText },
    /// A `.drv` file: its references are read from the text on the writer's thread.
    Drv { path: String, drv: StoredDrv },
}

impl Write {
    fn is_source(&self) -> bool {
        matches!(self, Write::Source { .. })
    }

    fn path(&self) -> &str {
        match self {
            Write::Source { path, .. } | Write::Text { path, .. } | Write::Drv { path, .. } => path,
        }
    }

    /// The name, bytes and references of a text or `.drv` file; `None` for a source.
    fn text(&self) -> Option<Result<Text<'_>, String>> {
        match self {
            Write::Source { .. } => None,
            Write::Text { text, .. } => Some(Ok((&text.name, &text.contents, text.references.clone()))),
            Write::Drv { drv, .. } => Some(
                drv.references()
                    .map(|refs| (drv.name.as_str(), drv.aterm.as_slice(), refs)),
            ),
        }
    }
}

/// A text's name, bytes and references, as `AddTextToStore` takes them.
type Text<'a> = (&'a str, &'a [u8], BTreeSet<String>);

enum Message {
    Write(Write),
    /// Answered once every earlier write is done: with the first failure, if any.
    Flush(Sender<Result<(), String>>),
}

/// Writes handed over are done in order on the writer's thread; a failure stops the
/// writes after it and is what every later [`WriteQueue::flush`] returns.
pub struct WriteQueue {
    messages: Option<Sender<Message>>,
    thread: Option<JoinHandle<()>>,
    /// Whether writes were handed over since the last successful flush.
    unflushed: bool,
}

/// Objects asked about in one round trip at most (an evaluation that outruns the writer
/// hands over many at once).
const MAX_BATCH: usize = 256;

impl WriteQueue {
    /// Starts the writer's thread; it connects with `open` at once, while evaluation goes
    /// on.
    pub fn start(open: impl FnOnce() -> Result<DaemonStore, String> + Send + 'static) -> WriteQueue {
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("store writer".into())
            .spawn(move || serve(receiver, open()))
            .ok();
        WriteQueue {
            messages: thread.is_some().then_some(sender),
            thread,
            unflushed: false,
        }
    }

    pub fn push(&mut self, write: Write) {
        self.unflushed = true;
        if let Some(messages) = &self.messages {
            // A writer that stopped is reported by the next flush.
            let _ = messages.send(Message::Write(write));
        }
    }

    /// Waits until everything pushed is valid in the store, or returns the first failure.
    pub fn flush(&mut self) -> Result<(), String> {
        if !self.unflushed {
            return Ok(());
        }
        let (reply, answer) = mpsc::channel();
        let sent = self
            .messages
            .as_ref()
            .is_some_and(|m| m.send(Message::Flush(reply)).is_ok());
        let answer = if sent { answer.recv().ok() } else { None };
        let result = answer.unwrap_or_else(|| Err("the store writer's thread stopped".into()));
        self.unflushed = result.is_err();
        result
    }
}

impl Drop for WriteQueue {
    /// Finishes the writes handed over (the connection's temporary roots end with it).
    fn drop(&mut self) {
        self.messages = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The writer's loop: each write message starts a batch of the writes already waiting.
fn serve(messages: Receiver<Message>, store: Result<DaemonStore, String>) {
    let (mut store, mut failure) = match store {
        Ok(store) => (Some(store), None),
        Err(e) => (None, Some(e)),
    };
    let mut held = None;
    loop {
        let message = match held.take() {
            Some(m) => m,
            None => match messages.recv() {
                Ok(m) => m,
                Err(_) => return,
            },
        };
        match message {
            Message::Flush(reply) => {
                let _ = reply.send(failure.clone().map_or(Ok(()), Err));
            }
            Message::Write(first) => {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match messages.try_recv() {
                        Ok(Message::Write(w)) => batch.push(w),
                        Ok(flush) => {
                            held = Some(flush);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                if let (None, Some(store)) = (&failure, store.as_mut()) {
                    failure = write_batch(store, &batch).err();
                }
            }
        }
    }
}

/// Roots the batch's paths and asks which are valid in one round trip, then adds the
/// others in order: texts in a row in one round trip, each source on its own (its NAR
/// streams).
fn write_batch(store: &mut DaemonStore, batch: &[Write]) -> Result<(), String> {
    let paths: Vec<&str> = batch.iter().map(Write::path).collect();
    let valid = store
        .root_and_query_valid(&paths)
        .map_err(|e| failed(&paths, e.to_string()))?;
    let missing: Vec<&Write> = batch.iter().filter(|w| !valid.contains(w.path())).collect();
    for run in missing.chunk_by(|a, b| a.is_source() == b.is_source()) {
        if run[0].is_source() {
            for write in run {
                if let Write::Source { path, source } = write {
                    add_source(store, path, source)?;
                }
            }
        } else {
            add_texts(store, run)?;
        }
    }
    Ok(())
}

fn add_source(store: &mut DaemonStore, path: &str, source: &StoredSource) -> Result<(), String> {
    let made = store
        .add_source(
            &source.name,
            Path::new(&source.local_path),
            source.recursive,
            &source.excluded,
        )
        .map_err(|e| failed(&[path], e.to_string()))?;
    check_made(&[path], &[made])
}

fn add_texts(store: &mut DaemonStore, run: &[&Write]) -> Result<(), String> {
    let paths: Vec<&str> = run.iter().map(|w| w.path()).collect();
    let texts = run
        .iter()
        .map(|w| w.text().expect("a run of texts"))
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| failed(&paths, e))?;
    let texts: Vec<(&str, &[u8], &BTreeSet<String>)> = texts.iter().map(|(n, t, r)| (*n, *t, r)).collect();
    let made = store.add_texts(&texts).map_err(|e| failed(&paths, e.to_string()))?;
    check_made(&paths, &made)
}

/// Every path as computed, or the first the daemon made otherwise.
fn check_made(paths: &[&str], made: &[String]) -> Result<(), String> {
    match paths.iter().zip(made).find(|(p, m)| **p != m.as_str()) {
        Some((path, m)) => Err(failed(&[path], format!("the daemon made '{m}' instead"))),
        None => Ok(()),
    }
}

/// Nix's words for a failed write, naming the first object of those written together.
fn failed(paths: &[&str], e: String) -> String {
    match paths {
        [one] => format!("writing '{one}' to the store: {e}"),
        [first, rest @ ..] => format!("writing '{first}' (and {} more) to the store: {e}", rest.len()),
        [] => format!("writing to the store: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(path: &str) -> Write {
        Write::Text {
            path: path.into(),
            text: StoredText {
                name: "t".into(),
                contents: b"x".to_vec(),
                references: BTreeSet::new(),
            },
        }
    }

    #[test]
    fn nothing_pushed_flushes_without_the_writer() {
        let mut queue = WriteQueue::start(|| Err("never connected".into()));
        assert_eq!(queue.flush(), Ok(()));
    }

    #[test]
    fn a_failure_is_what_every_later_flush_returns() {
        let mut queue = WriteQueue::start(|| Err("cannot connect to the nix-daemon".into()));
        queue.push(text("/nix/store/00000000000000000000000000000000-t"));
        assert_eq!(queue.flush(), Err("cannot connect to the nix-daemon".into()));
        // Not forgotten once reported: evaluation must not go on as if it was written.
        assert_eq!(queue.flush(), Err("cannot connect to the nix-daemon".into()));
        queue.push(text("/nix/store/11111111111111111111111111111111-t"));
        assert_eq!(queue.flush(), Err("cannot connect to the nix-daemon".into()));
    }

    #[test]
    fn dropping_the_queue_ends_its_thread() {
        let mut queue = WriteQueue::start(|| Err("no daemon".into()));
        queue.push(text("/nix/store/00000000000000000000000000000000-t"));
        drop(queue);
    }

    #[test]
    fn failure_messages_name_the_first_object() {
        assert_eq!(
            failed(&["/nix/store/a"], "boom".into()),
            "writing '/nix/store/a' to the store: boom"
        );
        assert_eq!(
            failed(&["/nix/store/a", "/nix/store/b", "/nix/store/c"], "boom".into()),
            "writing '/nix/store/a' (and 2 more) to the store: boom"
        );
    }
}
