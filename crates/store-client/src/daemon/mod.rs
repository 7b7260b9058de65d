//! A client for the nix-daemon's worker protocol (Nix's `RemoteStore` over a Unix socket).
//!
//! - [`wire`]: the wire format (numbers, padded strings, lists, framed payloads).
//! - [`Connection`]: the handshake, version negotiation and the stderr channel; one method
//!   per operation (`ops.rs`), each in the form the negotiated version calls for.
//! - [`LogEvent`]: what the daemon reports while it works, handed to a callback.
//! - [`StoreError`]: one clear error per fault (no daemon, daemon gone mid-operation,
//!   refused operation, failed build, timeout).
//!
//! Daemons from Nix 2.3 (protocol 1.21) to the newest (1.38) are supported; a connection
//! speaks `min(advertised, daemon's)`, so a lower advertised version makes a new daemon
//! answer as an old one would.

mod connection;
mod error;
mod log;
pub mod nar_stream;
mod ops;
#[cfg(test)]
mod tests;
mod types;
pub mod wire;

pub use connection::{daemon_socket_path, default_socket_path, ConnectOptions, Connection};
pub use error::{DaemonError, StoreError};
pub use log::{strip_ansi, ActivityType, Field, LogCallback, LogEvent, ResultType, Verbosity};
pub use ops::{regular_file_nar, AddPayload};
pub use types::{
    BuildMode, BuildResult, BuildStatus, ClientSettings, DerivedPath, Missing, OutputSpec, PathInfo, ProtocolVersion,
};

/// What a client sends first.
pub const WORKER_MAGIC_1: u64 = 0x6e69_7863;
/// What a daemon answers.
pub const WORKER_MAGIC_2: u64 = 0x6478_696f;
/// The newest protocol this client speaks (Nix 2.30+ daemons advertise 1.38).
pub const PROTOCOL_VERSION: ProtocolVersion = ProtocolVersion::new(1, 38);
/// The oldest daemon protocol this client accepts (Nix 2.3).
pub const MIN_PROTOCOL_VERSION: ProtocolVersion = ProtocolVersion::new(1, 21);

/// Operation codes (Nix's `WorkerProto::Op`), those this client sends.
pub mod op {
    pub const IS_VALID_PATH: u64 = 1;
    pub const ADD_TO_STORE: u64 = 7;
    pub const ADD_TEXT_TO_STORE: u64 = 8;
    pub const BUILD_PATHS: u64 = 9;
    pub const ENSURE_PATH: u64 = 10;
    pub const ADD_TEMP_ROOT: u64 = 11;
    pub const ADD_INDIRECT_ROOT: u64 = 12;
    pub const SET_OPTIONS: u64 = 19;
    pub const QUERY_PATH_INFO: u64 = 26;
    pub const QUERY_VALID_PATHS: u64 = 31;
    pub const NAR_FROM_PATH: u64 = 38;
    pub const QUERY_MISSING: u64 = 40;
    pub const QUERY_DERIVATION_OUTPUT_MAP: u64 = 41;
    pub const ADD_MULTIPLE_TO_STORE: u64 = 44;
    pub const BUILD_PATHS_WITH_RESULTS: u64 = 46;
}

/// Message codes of the stderr channel.
pub mod stderr {
    /// A log line.
    pub const NEXT: u64 = 0x6f6c_6d67;
    /// The daemon wants data from the client.
    pub const READ: u64 = 0x6461_7461;
    /// The daemon sends data for a sink.
    pub const WRITE: u64 = 0x6461_7416;
    /// The operation's work is done; its result follows.
    pub const LAST: u64 = 0x616c_7473;
    /// The operation failed.
    pub const ERROR: u64 = 0x6378_7470;
    pub const START_ACTIVITY: u64 = 0x5354_5254;
    pub const STOP_ACTIVITY: u64 = 0x5354_4f50;
    pub const RESULT: u64 = 0x5253_4c54;
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
