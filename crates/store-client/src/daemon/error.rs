//! Errors of the daemon client and the [`Store`](crate::store::Store)s. Each fault gives one
//! error whose `Display` is a complete sentence for the user.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use super::log::{strip_ansi, Verbosity};
use super::types::BuildStatus;
use crate::nar::NarIoError;

/// An error the daemon reported (`STDERR_ERROR`). `Display` is its message, without ANSI
/// colours; [`raw_message`](DaemonError::raw_message) keeps them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaemonError {
    /// The message as sent (Nix colours quoted values with ANSI escapes).
    pub raw_message: String,
    pub level: Verbosity,
    /// The exit status old daemons (protocol < 1.26) send with their errors.
    pub status: Option<u64>,
    /// The error's trace lines (protocol >= 1.26), innermost first.
    pub traces: Vec<String>,
}

impl DaemonError {
    /// The message without ANSI escapes (and without the `error: ` that daemons before
    /// protocol 1.26 put in front of it).
    pub fn message(&self) -> String {
        let plain = strip_ansi(&self.raw_message);
        match plain.strip_prefix("error: ") {
            // Old daemons send the error as Nix prints it: continuation lines are indented
            // to align with the text after the prefix.
            Some(rest) if self.status.is_some() => rest
                .split('\n')
                .enumerate()
                .map(|(i, line)| {
                    if i == 0 {
                        line
                    } else {
                        line.strip_prefix("       ").unwrap_or(line)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            _ => plain,
        }
    }
}

impl fmt::Display for DaemonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for DaemonError {}

/// Everything that can go wrong talking to a store.
#[derive(Debug)]
pub enum StoreError {
    /// No daemon listening (or not allowed): "cannot connect to the nix-daemon at '…': …".
    Connect { socket: PathBuf, source: io::Error },
    /// The daemon closed the connection (or died) in the middle of `during`.
    Closed { during: String },
    /// The daemon did not answer within the timeout while `during`.
    Timeout { during: String, timeout: Duration },
    /// Another I/O failure on the connection.
    Io { during: String, source: io::Error },
    /// The daemon sent something this client cannot make sense of.
    Protocol { during: String, message: String },
    /// The daemon refused or failed the operation; `Display` is its message.
    Daemon(DaemonError),
    /// A build finished with a failure status; `Display` is the daemon's message.
    BuildFailed {
        target: String,
        status: BuildStatus,
        message: String,
    },
    /// The connection is unusable after an earlier fault (reconnect to go on).
    Broken { cause: String },
    /// The daemon's protocol is too old or too new for this client, or for an operation.
    Unsupported(String),
    /// Reading a local file to send failed.
    Source(NarIoError),
    /// A bad argument (a path outside the store, a bad name, a bad store URI).
    Invalid(String),
    /// The store cannot do this (a read-only store asked to build).
    ReadOnly(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Connect { socket, source } => {
                write!(
                    f,
                    "cannot connect to the nix-daemon at '{}': {source}",
                    socket.display()
                )
            }
            StoreError::Closed { during } => write!(f, "the nix-daemon closed the connection while {during}"),
            StoreError::Timeout { during, timeout } => {
                let secs = timeout.as_secs_f64();
                write!(f, "the nix-daemon did not answer for {secs} seconds while {during}")
            }
            StoreError::Io { during, source } => {
                write!(f, "talking to the nix-daemon failed while {during}: {source}")
            }
            StoreError::Protocol { during, message } => {
                write!(f, "nix-daemon protocol error while {during}: {message}")
            }
            StoreError::Daemon(e) => e.fmt(f),
            StoreError::BuildFailed { message, .. } => f.write_str(&strip_ansi(message)),
            StoreError::Broken { cause } => {
                write!(
                    f,
                    "the connection to the nix-daemon is unusable after an earlier error: {cause}"
                )
            }
            StoreError::Unsupported(m) | StoreError::Invalid(m) | StoreError::ReadOnly(m) => f.write_str(m),
            StoreError::Source(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Connect { source, .. } | StoreError::Io { source, .. } => Some(source),
            StoreError::Daemon(e) => Some(e),
            StoreError::Source(e) => Some(e),
            _ => None,
        }
    }
}

impl StoreError {
    /// Classifies an I/O error on the daemon connection while `during`.
    pub(crate) fn from_io(during: &str, e: io::Error, timeout: Option<Duration>) -> StoreError {
        use io::ErrorKind::*;
        let during = during.to_string();
        match e.kind() {
            UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe | NotConnected => {
                StoreError::Closed { during }
            }
            WouldBlock | TimedOut => StoreError::Timeout {
                during,
                timeout: timeout.unwrap_or_default(),
            },
            InvalidData => StoreError::Protocol {
                during,
                message: e.to_string(),
            },
            _ => StoreError::Io { during, source: e },
        }
    }

    /// Whether the connection can still be used after this error.
    pub(crate) fn keeps_connection(&self) -> bool {
        matches!(
            self,
            StoreError::Daemon(_)
                | StoreError::BuildFailed { .. }
                | StoreError::Invalid(_)
                | StoreError::Unsupported(_)
                | StoreError::ReadOnly(_)
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
