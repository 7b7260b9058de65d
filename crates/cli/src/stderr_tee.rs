//! Stderr copied as it is written, for the result cache: fd 2 becomes a pipe whose
//! reader thread writes each chunk to the real stderr at once and keeps a copy (up to a
//! bound). Writes to stdout are ordered after everything written to stderr before them
//! by [`StderrTee::sync`] (a terminal shows both in one stream).

use std::io::Write;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// More stderr than this is not kept (the run is then not cached).
const MAX_COPY: usize = 4 << 20;

/// The real stderr while a tee is active (else -1), for a last message before `_exit`
/// (out of memory), which the tee's reader would never forward.
static REAL_STDERR: AtomicI32 = AtomicI32::new(-1);

/// The fd a dying process writes its last words to.
pub fn real_stderr() -> libc::c_int {
    match REAL_STDERR.load(Ordering::Relaxed) {
        -1 => 2,
        fd => fd,
    }
}

pub struct StderrTee {
    saved: libc::c_int,
    reader: std::thread::JoinHandle<Option<Vec<u8>>>,
    /// Written through the pipe by `sync`; the reader drops it and counts it.
    marker: Vec<u8>,
    synced: Arc<(Mutex<u64>, Condvar)>,
}

/// Writes all of `data` to `fd`.
fn write_fd(fd: libc::c_int, mut data: &[u8]) {
    while !data.is_empty() {
        // SAFETY: a plain write of a live buffer.
        let w = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
        if w < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        if w <= 0 {
            return;
        }
        data = &data[w as usize..];
    }
}

impl StderrTee {
    pub fn start() -> Option<StderrTee> {
        // Decided once, on the real stderr, before it becomes a pipe.
        rnix_eval_core::term::stderr_wants_ansi();
        let mut fds = [0; 2];
        // SAFETY: plain fd calls; every fd made here is closed on each path.
        let saved = unsafe {
            if libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
                return None;
            }
            let saved = libc::fcntl(2, libc::F_DUPFD_CLOEXEC, 3);
            if saved < 0 || libc::dup2(fds[1], 2) < 0 {
                if saved >= 0 {
                    libc::close(saved);
                }
                libc::close(fds[0]);
                libc::close(fds[1]);
                return None;
            }
            libc::close(fds[1]);
            saved
        };
        REAL_STDERR.store(saved, Ordering::Relaxed);
        let read_fd = fds[0];
        let marker = format!(
            "\0rnix-eval-sync-{}-{:?}\0",
            std::process::id(),
            std::time::Instant::now()
        )
        .into_bytes();
        let synced = Arc::new((Mutex::new(0u64), Condvar::new()));
        let (m, s) = (marker.clone(), synced.clone());
        let reader = std::thread::spawn(move || read_loop(read_fd, saved, &m, &s));
        Some(StderrTee {
            saved,
            reader,
            marker,
            synced,
        })
    }

    /// Wait until everything written to stderr so far has reached the real stderr.
    pub fn sync(&self) {
        let (count, cv) = &*self.synced;
        let want = *count.lock().unwrap_or_else(|e| e.into_inner()) + 1;
        // One write of less than PIPE_BUF bytes: never interleaved with other writes.
        write_fd(2, &self.marker);
        let guard = count.lock().unwrap_or_else(|e| e.into_inner());
        let _ = cv.wait_timeout_while(guard, Duration::from_secs(2), |n| *n < want);
    }

    /// Put the real stderr back; the copy, unless it overflowed.
    pub fn stop(self) -> Option<Vec<u8>> {
        let _ = std::io::stderr().flush();
        // SAFETY: `saved` is our duplicate of the real stderr; restoring fd 2 closes the
        // pipe's last writer, so the reader ends.
        unsafe {
            libc::dup2(self.saved, 2);
        }
        REAL_STDERR.store(-1, Ordering::Relaxed);
        let copy = self.reader.join().ok().flatten();
        // SAFETY: the reader, which wrote to `saved`, has ended.
        unsafe {
            libc::close(self.saved);
        }
        copy
    }
}

/// Forward what arrives on `read_fd` to `out`, keep a copy, and count (and drop) each
/// marker. A tail that could be the start of a marker waits for the next read.
fn read_loop(read_fd: libc::c_int, out: libc::c_int, marker: &[u8], synced: &(Mutex<u64>, Condvar)) -> Option<Vec<u8>> {
    let mut copy = Some(Vec::new());
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    let forward = |data: &[u8], copy: &mut Option<Vec<u8>>| {
        write_fd(out, data);
        if let Some(c) = copy {
            c.extend_from_slice(data);
            if c.len() > MAX_COPY {
                *copy = None;
            }
        }
    };
    loop {
        // SAFETY: a plain read into a live buffer.
        let n = unsafe { libc::read(read_fd, chunk.as_mut_ptr().cast(), chunk.len()) };
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        if n <= 0 {
            break;
        }
        pending.extend_from_slice(&chunk[..n as usize]);
        while let Some(at) = pending.windows(marker.len()).position(|w| w == marker) {
            forward(&pending[..at], &mut copy);
            pending.drain(..at + marker.len());
            let (count, cv) = synced;
            *count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            cv.notify_all();
        }
        let keep = (1..marker.len().min(pending.len() + 1))
            .rev()
            .find(|&k| pending.ends_with(&marker[..k]))
            .unwrap_or(0);
        let upto = pending.len() - keep;
        forward(&pending[..upto], &mut copy);
        pending.drain(..upto);
    }
    forward(&pending, &mut copy);
    // SAFETY: our read end, closed once.
    unsafe {
        libc::close(read_fd);
    }
    copy
}
