//! A connection to a nix-daemon: the handshake, the stderr channel that follows every
//! operation, and the machinery operations share (timeouts, poisoning after faults, streaming
//! a payload while the daemon talks back). The operations themselves are in `ops.rs`.

use std::collections::BTreeSet;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::error::{DaemonError, Result, StoreError};
use super::log::{ActivityType, Field, LogCallback, LogEvent, ResultType, Verbosity};
use super::types::{ClientSettings, ProtocolVersion};
use super::wire::{self, invalid_data, read_string, read_u64, write_u64, FramedWriter};
use super::{op, stderr, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, WORKER_MAGIC_1, WORKER_MAGIC_2};
use crate::nar::NarIoError;

/// How to open a [`Connection`].
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// The version we advertise; the connection speaks `min(this, daemon's)`. Lower it to talk
    /// to a daemon as an older client would (1.21 ..= 1.38).
    pub client_version: ProtocolVersion,
    /// How long to wait for an answer during the handshake and the operations that cannot
    /// legitimately block (validity and path-info queries, NAR reads); builds, additions,
    /// temporary roots (which wait for a running garbage collector) and substitutions have
    /// no timeout. `None`: wait forever.
    pub timeout: Option<Duration>,
    /// Settings to send with `SetOptions` after the handshake; `None` leaves the daemon's
    /// own (its nix.conf).
    pub settings: Option<ClientSettings>,
    /// The daemon's store directory.
    pub store_dir: String,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            client_version: PROTOCOL_VERSION,
            timeout: Some(Duration::from_secs(120)),
            settings: None,
            store_dir: "/nix/store".to_string(),
        }
    }
}

/// An open, handshaken connection to a nix-daemon. Operations take `&mut self` and run one
/// at a time. After a transport or protocol fault the connection refuses further operations
/// with [`StoreError::Broken`]; an error the daemon reports leaves it usable.
pub struct Connection {
    pub(crate) reader: BufReader<UnixStream>,
    pub(crate) writer: BufWriter<UnixStream>,
    pub(crate) version: ProtocolVersion,
    daemon_version: ProtocolVersion,
    daemon_nix_version: Option<String>,
    trusted: Option<bool>,
    daemon_features: BTreeSet<String>,
    pub(crate) logger: LogCallback,
    pub(crate) timeout: Option<Duration>,
    pub(crate) broken: Option<String>,
    pub(crate) store_dir: String,
}

/// Internal failure of an operation, before it is described for the user.
pub(crate) enum OpError {
    Io(io::Error),
    Daemon(DaemonError),
    /// A daemon error after which the daemon hangs up.
    DaemonFatal(DaemonError),
    Store(StoreError),
}

impl From<io::Error> for OpError {
    fn from(e: io::Error) -> Self {
        OpError::Io(e)
    }
}

impl From<StoreError> for OpError {
    fn from(e: StoreError) -> Self {
        OpError::Store(e)
    }
}

pub(crate) type OpResult<T> = std::result::Result<T, OpError>;

fn discard_logs() -> LogCallback {
    Box::new(|_: &LogEvent| {})
}

impl Connection {
    /// Connects to the daemon socket at `socket`; log events are discarded until
    /// [`set_logger`](Connection::set_logger).
    pub fn connect(socket: &Path, options: &ConnectOptions) -> Result<Connection> {
        Connection::connect_with_logger(socket, options, discard_logs())
    }

    pub fn connect_with_logger(socket: &Path, options: &ConnectOptions, logger: LogCallback) -> Result<Connection> {
        let stream = UnixStream::connect(socket).map_err(|source| StoreError::Connect {
            socket: socket.to_path_buf(),
            source,
        })?;
        Connection::from_stream(stream, options, logger)
    }

    /// Handshakes over an already connected stream (a socket pair in tests, an inherited fd).
    pub fn from_stream(stream: UnixStream, options: &ConnectOptions, logger: LogCallback) -> Result<Connection> {
        let v = options.client_version;
        if v.major() != 1 || v < MIN_PROTOCOL_VERSION || v > PROTOCOL_VERSION {
            return Err(StoreError::Invalid(format!(
                "cannot advertise protocol version {v}: this client speaks {MIN_PROTOCOL_VERSION} to {PROTOCOL_VERSION}"
            )));
        }
        let clone = stream.try_clone().map_err(|source| StoreError::Io {
            during: "opening the connection".into(),
            source,
        })?;
        let mut conn = Connection {
            reader: BufReader::with_capacity(64 * 1024, stream),
            writer: BufWriter::with_capacity(64 * 1024, clone),
            version: v,
            daemon_version: v,
            daemon_nix_version: None,
            trusted: None,
            daemon_features: BTreeSet::new(),
            logger,
            timeout: options.timeout,
            broken: None,
            store_dir: options.store_dir.clone(),
        };
        conn.run("performing the handshake", true, |c| c.handshake(v))?;
        if let Some(settings) = &options.settings {
            conn.set_options(settings)?;
        }
        Ok(conn)
    }

    fn handshake(&mut self, client_version: ProtocolVersion) -> OpResult<()> {
        // Something that is not a daemon may answer and hang up without reading, so
        // this write can fail (broken pipe) while its answer waits to be read: the
        // answer says more than the write error, which only counts if there is none.
        let sent = write_u64(&mut self.writer, WORKER_MAGIC_1).and_then(|()| self.writer.flush());
        let magic = match read_u64(&mut self.reader) {
            Ok(magic) => magic,
            Err(e) => {
                sent?;
                return Err(e.into());
            }
        };
        if magic != WORKER_MAGIC_2 {
            return Err(invalid_data(format!(
                "the socket did not answer like a nix-daemon (magic {magic:#x})"
            ))
            .into());
        }
        sent?;
        let daemon = ProtocolVersion(read_u64(&mut self.reader)?);
        if daemon.major() != 1 || daemon.0 >> 16 != 0 {
            return Err(StoreError::Unsupported(format!(
                "the nix-daemon speaks protocol {daemon}, which this client (1.x) does not"
            ))
            .into());
        }
        if daemon < MIN_PROTOCOL_VERSION {
            return Err(StoreError::Unsupported(format!(
                "the nix-daemon speaks protocol {daemon}, older than the {MIN_PROTOCOL_VERSION} (Nix 2.3) this client needs"
            ))
            .into());
        }
        self.daemon_version = daemon;
        self.version = client_version.min(daemon);
        write_u64(&mut self.writer, client_version.0)?;
        if self.version.at_least(38) {
            // We ask for no optional features.
            wire::write_strings::<_, &str>(&mut self.writer, &[])?;
            self.writer.flush()?;
            self.daemon_features = wire::read_string_set(&mut self.reader)?;
        }
        if self.version.at_least(14) {
            write_u64(&mut self.writer, 0)?; // obsolete CPU affinity
        }
        if self.version.at_least(11) {
            write_u64(&mut self.writer, 0)?; // obsolete reserveSpace
        }
        self.writer.flush()?;
        if self.version.at_least(33) {
            self.daemon_nix_version = Some(read_string(&mut self.reader)?);
        }
        if self.version.at_least(35) {
            self.trusted = match read_u64(&mut self.reader)? {
                0 => None,
                1 => Some(true),
                2 => Some(false),
                n => return Err(invalid_data(format!("bad trust flag {n} from the nix-daemon")).into()),
            };
        }
        self.stderr()
    }

    /// Sends `SetOptions`.
    pub fn set_options(&mut self, s: &ClientSettings) -> Result<()> {
        self.run("setting options", true, |c| {
            let w = &mut c.writer;
            for n in [
                op::SET_OPTIONS,
                s.keep_failed as u64,
                s.keep_going as u64,
                s.try_fallback as u64,
                s.verbosity.to_u64(),
                s.max_build_jobs,
                s.max_silent_time,
                1, // obsolete useBuildHook
                if s.verbose_build {
                    Verbosity::Error
                } else {
                    Verbosity::Vomit
                }
                .to_u64(),
                0, // obsolete logType
                0, // obsolete printBuildTrace
                s.build_cores,
                s.use_substitutes as u64,
            ] {
                write_u64(w, n)?;
            }
            if c.version.at_least(12) {
                write_u64(w, s.overrides.len() as u64)?;
                for (name, value) in &s.overrides {
                    wire::write_str(w, name)?;
                    wire::write_str(w, value)?;
                }
            }
            c.stderr()
        })
    }

    /// The negotiated protocol version: `min(advertised, daemon's)`; it decides the form of
    /// every operation.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.version
    }

    /// The version the daemon advertised.
    pub fn daemon_protocol_version(&self) -> ProtocolVersion {
        self.daemon_version
    }

    /// The daemon's Nix version (protocol >= 1.33), e.g. `2.8.0`.
    pub fn daemon_nix_version(&self) -> Option<&str> {
        self.daemon_nix_version.as_deref()
    }

    /// Whether the daemon trusts us (protocol >= 1.35; `None` if it did not say).
    pub fn trusted(&self) -> Option<bool> {
        self.trusted
    }

    /// The protocol features the daemon offered (protocol >= 1.38); this client asks for
    /// none, so none is in use.
    pub fn daemon_features(&self) -> &BTreeSet<String> {
        &self.daemon_features
    }

    pub fn store_dir(&self) -> &str {
        &self.store_dir
    }

    pub fn set_logger(&mut self, logger: LogCallback) {
        self.logger = logger;
    }

    /// Why the connection is unusable, if it is.
    pub fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    /// Runs one operation: checks the connection is usable, sets the read timeout (`timed`:
    /// whether this operation gets one), and turns failures into [`StoreError`]s, marking the
    /// connection broken when the stream can no longer be trusted.
    pub(crate) fn run<T>(&mut self, during: &str, timed: bool, f: impl FnOnce(&mut Self) -> OpResult<T>) -> Result<T> {
        if let Some(cause) = &self.broken {
            return Err(StoreError::Broken { cause: cause.clone() });
        }
        let timeout = if timed {
            self.timeout.filter(|t| !t.is_zero())
        } else {
            None
        };
        if let Err(source) = self.reader.get_ref().set_read_timeout(timeout) {
            return Err(StoreError::Io {
                during: during.to_string(),
                source,
            });
        }
        let err = match f(self) {
            Ok(v) => return Ok(v),
            Err(OpError::Io(e)) => StoreError::from_io(during, e, timeout),
            Err(OpError::Daemon(e)) => {
                // A daemon that fails before it starts an operation's work sends the error
                // twice and hangs up; anything already waiting means we are out of step.
                if self.has_pending_data() {
                    self.broken = Some(format!("{e} (and the nix-daemon then sent more than expected)"));
                }
                return Err(StoreError::Daemon(e));
            }
            Err(OpError::DaemonFatal(e)) => {
                self.broken = Some(format!("{e} (after which the nix-daemon hangs up)"));
                return Err(StoreError::Daemon(e));
            }
            Err(OpError::Store(e)) => e,
        };
        if !err.keeps_connection() && self.broken.is_none() {
            self.broken = Some(err.to_string());
            let _ = self.writer.get_ref().shutdown(Shutdown::Both);
        }
        Err(err)
    }

    /// Whether the daemon sent more than the reply just read, or hung up (checked without
    /// blocking).
    fn has_pending_data(&mut self) -> bool {
        if !self.reader.buffer().is_empty() {
            return true;
        }
        if self.reader.get_ref().set_nonblocking(true).is_err() {
            return false;
        }
        // More data, or end of file (the daemon hung up); `WouldBlock` if nothing.
        let pending = self.reader.fill_buf().is_ok();
        let _ = self.reader.get_ref().set_nonblocking(false);
        pending
    }

    /// Flushes the request and processes the stderr channel up to `STDERR_LAST`.
    pub(crate) fn stderr(&mut self) -> OpResult<()> {
        self.writer.flush()?;
        process_stderr(&mut self.reader, &mut self.logger, self.version)
    }

    /// Sends a payload after the request already buffered (framed for the newer forms, raw for
    /// the old `AddToStore`) while a helper thread processes what the daemon says, as Nix
    /// does, so neither side can block the other. Returns when the daemon ends the stderr
    /// channel.
    pub(crate) fn stream_payload(
        &mut self,
        framed: bool,
        payload: &mut dyn FnMut(&mut dyn Write) -> std::result::Result<(), NarIoError>,
    ) -> OpResult<()> {
        self.writer.flush()?;
        self.reader.get_ref().set_read_timeout(None)?;
        let version = self.version;
        let done = AtomicBool::new(false);
        let sent = AtomicBool::new(false);
        let hung_up = AtomicBool::new(false);
        let Connection {
            reader, writer, logger, ..
        } = self;
        let (written, answered) = std::thread::scope(|s| {
            let reader_thread = s.spawn(|| {
                let r = process_stderr(reader, logger, version);
                done.store(true, Ordering::SeqCst);
                if r.is_err() && !sent.load(Ordering::SeqCst) {
                    // The daemon gave up before it had everything: a write blocked on a
                    // daemon that no longer reads must fail rather than hang.
                    hung_up.store(true, Ordering::SeqCst);
                    let _ = reader.get_ref().shutdown(Shutdown::Write);
                }
                r
            });
            let written = write_payload(writer, framed, &done, payload);
            sent.store(true, Ordering::SeqCst);
            if written.is_err() {
                // Whatever follows a partial payload is meaningless: hang up, which also
                // wakes the reader thread.
                let _ = writer.get_ref().shutdown(Shutdown::Both);
            }
            let answered = reader_thread
                .join()
                .unwrap_or_else(|_| Err(OpError::Io(io::Error::other("the log reader thread panicked"))));
            (written, answered)
        });
        if hung_up.load(Ordering::SeqCst) {
            self.broken = Some("the nix-daemon answered before it had all the data".into());
        }
        match (written, answered) {
            (Ok(()), answered) => answered,
            (Err(NarIoError::Write(_)), Err(OpError::Daemon(e))) => {
                self.broken = Some(format!("{e} (while we were still sending data)"));
                Err(OpError::Daemon(e))
            }
            (Err(NarIoError::Write(e)), Ok(())) => Err(OpError::Io(invalid_data(format!(
                "the nix-daemon finished before it had all the data ({e})"
            )))),
            (Err(NarIoError::Write(e)), Err(OpError::Io(re))) => {
                // Prefer the reader's view (usually: the daemon hung up).
                Err(OpError::Io(if re.kind() == io::ErrorKind::UnexpectedEof {
                    re
                } else {
                    e
                }))
            }
            (Err(NarIoError::Write(_)), Err(other)) => Err(other),
            (Err(local), _) => Err(OpError::Store(StoreError::Source(local))),
        }
    }
}

fn write_payload(
    writer: &mut BufWriter<UnixStream>,
    framed: bool,
    done: &AtomicBool,
    payload: &mut dyn FnMut(&mut dyn Write) -> std::result::Result<(), NarIoError>,
) -> std::result::Result<(), NarIoError> {
    if framed {
        let mut framer = FramedWriter::with_abort(writer, done);
        {
            let mut buffered = BufWriter::with_capacity(64 * 1024, &mut framer);
            payload(&mut buffered)?;
            buffered.flush().map_err(NarIoError::Write)?;
        }
        framer.finish().map_err(NarIoError::Write)
    } else {
        payload(writer)?;
        writer.flush().map_err(NarIoError::Write)
    }
}

fn read_fields<R: Read + ?Sized>(r: &mut R) -> io::Result<Vec<Field>> {
    let n = read_u64(r)?;
    if n > 1024 {
        return Err(invalid_data(format!("{n} log fields from the nix-daemon")));
    }
    (0..n)
        .map(|_| match read_u64(r)? {
            0 => Ok(Field::Int(read_u64(r)?)),
            1 => Ok(Field::String(read_string(r)?)),
            t => Err(invalid_data(format!("unknown log field type {t} from the nix-daemon"))),
        })
        .collect()
}

/// Reads an error in the form of protocol >= 1.26.
fn read_error_26<R: Read + ?Sized>(r: &mut R) -> io::Result<DaemonError> {
    let kind = read_string(r)?;
    if kind != "Error" {
        return Err(invalid_data(format!("unknown error type '{kind}' from the nix-daemon")));
    }
    let level = Verbosity::from_u64(read_u64(r)?);
    let _name = read_string(r)?; // no longer used
    let raw_message = read_string(r)?;
    if read_u64(r)? != 0 {
        return Err(invalid_data("error positions from the nix-daemon are not supported"));
    }
    let n = read_u64(r)?;
    if n > 10_000 {
        return Err(invalid_data(format!("{n} error traces from the nix-daemon")));
    }
    let mut traces = Vec::new();
    for _ in 0..n {
        if read_u64(r)? != 0 {
            return Err(invalid_data("error positions from the nix-daemon are not supported"));
        }
        traces.push(read_string(r)?);
    }
    Ok(DaemonError {
        raw_message,
        level,
        status: None,
        traces,
    })
}

/// Reads the error that follows `STDERR_ERROR`, in the form of the protocol version.
pub(crate) fn read_error<R: Read + ?Sized>(r: &mut R, version: ProtocolVersion) -> io::Result<DaemonError> {
    if version.at_least(26) {
        return read_error_26(r);
    }
    let raw_message = read_string(r)?;
    let status = read_u64(r)?;
    Ok(DaemonError {
        raw_message,
        level: Verbosity::Error,
        status: Some(status),
        traces: Vec::new(),
    })
}

/// Processes the stderr channel until `STDERR_LAST` (`Ok`) or `STDERR_ERROR`
/// (`OpError::Daemon`), handing everything else to `logger`.
pub(crate) fn process_stderr<R: Read + ?Sized>(
    r: &mut R,
    logger: &mut LogCallback,
    version: ProtocolVersion,
) -> OpResult<()> {
    loop {
        let event = match read_u64(r)? {
            stderr::LAST => return Ok(()),
            stderr::ERROR => return Err(OpError::Daemon(read_error(r, version)?)),
            stderr::NEXT => {
                let mut s = read_string(r)?;
                while s.ends_with('\n') {
                    s.pop();
                }
                LogEvent::Message(s)
            }
            stderr::START_ACTIVITY => LogEvent::StartActivity {
                id: read_u64(r)?,
                level: Verbosity::from_u64(read_u64(r)?),
                kind: ActivityType::from_u64(read_u64(r)?),
                text: read_string(r)?,
                fields: read_fields(r)?,
                parent: read_u64(r)?,
            },
            stderr::STOP_ACTIVITY => LogEvent::StopActivity { id: read_u64(r)? },
            stderr::RESULT => LogEvent::Result {
                activity: read_u64(r)?,
                kind: ResultType::from_u64(read_u64(r)?),
                fields: read_fields(r)?,
            },
            stderr::READ => {
                return Err(invalid_data(
                    "the nix-daemon asked for data (STDERR_READ), which no operation of this client provides",
                )
                .into())
            }
            stderr::WRITE => {
                return Err(invalid_data(
                    "the nix-daemon sent data (STDERR_WRITE), which no operation of this client expects",
                )
                .into())
            }
            other => return Err(invalid_data(format!("unknown message type {other:#x} from the nix-daemon")).into()),
        };
        logger(&event);
    }
}

/// Where the default daemon socket is: `$NIX_DAEMON_SOCKET_PATH`, else
/// `/nix/var/nix/daemon-socket/socket`.
pub fn default_socket_path() -> PathBuf {
    match std::env::var_os("NIX_DAEMON_SOCKET_PATH") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from("/nix/var/nix/daemon-socket/socket"),
    }
}

/// The daemon socket to use: the `--store` URI if given, else `$NIX_REMOTE`, where
/// `unix:///path` names a socket and `daemon`, `auto` or nothing mean the default socket
/// ([`default_socket_path`]). Other store URIs (`local`, `ssh://…`) are not daemon sockets.
pub fn daemon_socket_path(store_uri: Option<&str>) -> Result<PathBuf> {
    let env = std::env::var("NIX_REMOTE").ok();
    let uri = match store_uri {
        Some(u) => u,
        None => env.as_deref().unwrap_or(""),
    };
    let uri = uri.trim();
    // Store parameters (`?key=value`) do not matter to us.
    let (base, _params) = uri.split_once('?').unwrap_or((uri, ""));
    match base {
        "" | "daemon" | "auto" | "unix://" => Ok(default_socket_path()),
        _ => match base.strip_prefix("unix://") {
            Some(path) if path.starts_with('/') => Ok(PathBuf::from(path)),
            Some(path) => Err(StoreError::Invalid(format!(
                "store URI '{uri}' does not name an absolute socket path ('{path}')"
            ))),
            None => Err(StoreError::Invalid(format!(
                "store URI '{uri}' is not a nix-daemon socket (use 'daemon' or 'unix:///path/to/socket')"
            ))),
        },
    }
}
