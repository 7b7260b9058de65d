//! The worker protocol's wire format (Nix's `src/libutil/serialise.cc`), over any
//! [`Read`]/[`Write`]:
//!
//! - numbers (and booleans, enum tags) are u64 little-endian;
//! - byte strings are their length as a number, the bytes, then zeros up to a multiple of 8;
//! - lists and sets are a count followed by the items;
//! - the newer `AddToStore`/`AddMultipleToStore` send their payload *framed*: chunks, each a
//!   length (no padding) and raw bytes, ended by an empty chunk ([`FramedWriter`]).
//!
//! Reads check what they can (zero padding, plausible lengths) and report a malformed stream
//! as [`io::ErrorKind::InvalidData`], so a caller can tell a confused daemon from a closed one.

use std::collections::BTreeSet;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// The longest string we accept from the daemon (log lines, messages, paths). NAR contents
/// are streamed, not read as one string.
pub const MAX_STRING_LEN: u64 = 64 << 20;

/// The most items we accept in one list or set (a corrupted count would otherwise make us
/// loop on garbage for a long time).
pub const MAX_LIST_LEN: u64 = 1 << 24;

pub(crate) fn invalid_data(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Zero bytes needed after `len` bytes to reach a multiple of 8.
pub fn padding(len: u64) -> usize {
    ((8 - len % 8) % 8) as usize
}

pub fn write_u64<W: Write + ?Sized>(w: &mut W, n: u64) -> io::Result<()> {
    w.write_all(&n.to_le_bytes())
}

pub fn write_bool<W: Write + ?Sized>(w: &mut W, b: bool) -> io::Result<()> {
    write_u64(w, b as u64)
}

/// A byte string: length, bytes, padding.
pub fn write_bytes<W: Write + ?Sized>(w: &mut W, s: &[u8]) -> io::Result<()> {
    write_u64(w, s.len() as u64)?;
    w.write_all(s)?;
    w.write_all(&[0u8; 8][..padding(s.len() as u64)])
}

pub fn write_str<W: Write + ?Sized>(w: &mut W, s: &str) -> io::Result<()> {
    write_bytes(w, s.as_bytes())
}

/// A list of strings, in the given order.
pub fn write_strings<W: Write + ?Sized, S: AsRef<str>>(w: &mut W, items: &[S]) -> io::Result<()> {
    write_u64(w, items.len() as u64)?;
    items.iter().try_for_each(|s| write_str(w, s.as_ref()))
}

/// A set of strings (store path sets are sent this way), in sorted order as Nix's `std::set`.
pub fn write_string_set<W: Write + ?Sized>(w: &mut W, items: &BTreeSet<String>) -> io::Result<()> {
    write_u64(w, items.len() as u64)?;
    items.iter().try_for_each(|s| write_str(w, s))
}

pub fn read_u64<R: Read + ?Sized>(r: &mut R) -> io::Result<u64> {
    let mut buf = [0u8; 8];
    r.read_exact(&mut buf)?;
    Ok(u64::from_le_bytes(buf))
}

/// A boolean: any non-zero number is true, as in Nix (`readInt` then a cast).
pub fn read_bool<R: Read + ?Sized>(r: &mut R) -> io::Result<bool> {
    Ok(read_u64(r)? != 0)
}

/// Reads and checks the zero padding after `len` bytes of a string.
pub fn read_padding<R: Read + ?Sized>(r: &mut R, len: u64) -> io::Result<()> {
    let pad = padding(len);
    if pad > 0 {
        let mut buf = [0u8; 8];
        r.read_exact(&mut buf[..pad])?;
        if buf[..pad].iter().any(|&b| b != 0) {
            return Err(invalid_data("non-zero padding in a string from the nix-daemon"));
        }
    }
    Ok(())
}

/// A byte string of at most `max` bytes. The buffer grows with the data received, so a bogus
/// length on a closed stream fails with `UnexpectedEof` instead of allocating it.
pub fn read_bytes_max<R: Read + ?Sized>(r: &mut R, max: u64) -> io::Result<Vec<u8>> {
    let len = read_u64(r)?;
    if len > max {
        return Err(invalid_data(format!(
            "string of {len} bytes from the nix-daemon (at most {max} expected)"
        )));
    }
    let mut out = Vec::with_capacity(len.min(64 * 1024) as usize);
    let got = Read::take(&mut *r, len).read_to_end(&mut out)?;
    if (got as u64) < len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    read_padding(r, len)?;
    Ok(out)
}

pub fn read_bytes<R: Read + ?Sized>(r: &mut R) -> io::Result<Vec<u8>> {
    read_bytes_max(r, MAX_STRING_LEN)
}

/// A string; bytes that are not UTF-8 (a build log may have any) are replaced.
pub fn read_string<R: Read + ?Sized>(r: &mut R) -> io::Result<String> {
    let bytes = read_bytes(r)?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn read_count<R: Read + ?Sized>(r: &mut R) -> io::Result<u64> {
    let n = read_u64(r)?;
    if n > MAX_LIST_LEN {
        return Err(invalid_data(format!("list of {n} items from the nix-daemon")));
    }
    Ok(n)
}

pub fn read_strings<R: Read + ?Sized>(r: &mut R) -> io::Result<Vec<String>> {
    let n = read_count(r)?;
    (0..n).map(|_| read_string(r)).collect()
}

pub fn read_string_set<R: Read + ?Sized>(r: &mut R) -> io::Result<BTreeSet<String>> {
    let n = read_count(r)?;
    (0..n).map(|_| read_string(r)).collect()
}

/// A set of store paths, each checked to be a store path in `store_dir`.
pub fn read_store_path_set<R: Read + ?Sized>(r: &mut R, store_dir: &str) -> io::Result<BTreeSet<String>> {
    let set = read_string_set(r)?;
    for p in &set {
        check_store_path(store_dir, p)?;
    }
    Ok(set)
}

/// A store path from the daemon, checked.
pub fn read_store_path<R: Read + ?Sized>(r: &mut R, store_dir: &str) -> io::Result<String> {
    let p = read_string(r)?;
    check_store_path(store_dir, &p)?;
    Ok(p)
}

/// A string that is either empty (none) or a store path.
pub fn read_opt_store_path<R: Read + ?Sized>(r: &mut R, store_dir: &str) -> io::Result<Option<String>> {
    let p = read_string(r)?;
    if p.is_empty() {
        return Ok(None);
    }
    check_store_path(store_dir, &p)?;
    Ok(Some(p))
}

fn check_store_path(store_dir: &str, p: &str) -> io::Result<()> {
    if crate::store_path::is_store_path(store_dir, p) {
        Ok(())
    } else {
        Err(invalid_data(format!(
            "the nix-daemon sent '{p}', which is not a store path"
        )))
    }
}

/// A [`Write`] that sends every `write` as one frame (length + bytes, no padding) and
/// [`finish`](FramedWriter::finish) the empty frame that ends the stream. Put a buffer in
/// front of it: each write becomes a frame.
///
/// `abort`, when set (the daemon already answered, with an error), makes further writes fail
/// instead of sending data the daemon no longer reads.
pub struct FramedWriter<'a, W: Write + ?Sized> {
    inner: &'a mut W,
    abort: Option<&'a AtomicBool>,
}

impl<'a, W: Write + ?Sized> FramedWriter<'a, W> {
    pub fn new(inner: &'a mut W) -> Self {
        FramedWriter { inner, abort: None }
    }

    pub fn with_abort(inner: &'a mut W, abort: &'a AtomicBool) -> Self {
        FramedWriter {
            inner,
            abort: Some(abort),
        }
    }

    /// Sends the terminating empty frame and flushes.
    pub fn finish(self) -> io::Result<()> {
        write_u64(self.inner, 0)?;
        self.inner.flush()
    }
}

impl<W: Write + ?Sized> Write for FramedWriter<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.abort.is_some_and(|a| a.load(Ordering::SeqCst)) {
            return Err(io::Error::other("the nix-daemon stopped reading the data"));
        }
        if data.is_empty() {
            // An empty frame would end the stream.
            return Ok(0);
        }
        write_u64(self.inner, data.len() as u64)?;
        self.inner.write_all(data)?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Reads a framed stream (what [`FramedWriter`] writes) to its end; for tests and fake daemons.
pub fn read_framed<R: Read + ?Sized>(r: &mut R) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let len = read_u64(r)?;
        if len == 0 {
            return Ok(out);
        }
        if len > MAX_STRING_LEN {
            return Err(invalid_data(format!("frame of {len} bytes")));
        }
        let got = Read::take(&mut *r, len).read_to_end(&mut out)?;
        if (got as u64) < len {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufWriter, Cursor};

    #[test]
    fn numbers_and_strings() {
        let mut out = Vec::new();
        write_u64(&mut out, 0x6e697863).unwrap();
        write_str(&mut out, "abc").unwrap();
        write_str(&mut out, "").unwrap();
        write_bytes(&mut out, b"12345678").unwrap();
        assert_eq!(&out[..8], &[0x63, 0x78, 0x69, 0x6e, 0, 0, 0, 0]);
        assert_eq!(&out[8..24], b"\x03\0\0\0\0\0\0\0abc\0\0\0\0\0");
        assert_eq!(&out[24..32], &[0u8; 8]);
        assert_eq!(out.len(), 48);
        let mut r = Cursor::new(out);
        assert_eq!(read_u64(&mut r).unwrap(), 0x6e697863);
        assert_eq!(read_string(&mut r).unwrap(), "abc");
        assert_eq!(read_string(&mut r).unwrap(), "");
        assert_eq!(read_bytes(&mut r).unwrap(), b"12345678");
        assert_eq!(read_u64(&mut r).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn lists_and_sets() {
        let mut out = Vec::new();
        write_strings(&mut out, &["b", "a"]).unwrap();
        let set: BTreeSet<String> = ["z".to_string(), "y".to_string()].into();
        write_string_set(&mut out, &set).unwrap();
        let mut r = Cursor::new(out);
        assert_eq!(read_strings(&mut r).unwrap(), ["b", "a"]);
        assert_eq!(read_strings(&mut r).unwrap(), ["y", "z"]);
    }

    #[test]
    fn bad_input_is_invalid_data() {
        // Non-zero padding.
        let mut r = Cursor::new(b"\x01\0\0\0\0\0\0\0a\0\0\x01\0\0\0\0".to_vec());
        assert_eq!(read_string(&mut r).unwrap_err().kind(), io::ErrorKind::InvalidData);
        // An absurd length.
        let mut r = Cursor::new(u64::MAX.to_le_bytes().to_vec());
        assert_eq!(read_string(&mut r).unwrap_err().kind(), io::ErrorKind::InvalidData);
        // A length longer than what follows.
        let mut r = Cursor::new(b"\x10\0\0\0\0\0\0\0abc".to_vec());
        assert_eq!(read_string(&mut r).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        // Not a store path.
        let mut out = Vec::new();
        write_strings(&mut out, &["/tmp/x"]).unwrap();
        let e = read_store_path_set(&mut Cursor::new(out), "/nix/store").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn framing() {
        let mut out = Vec::new();
        {
            let mut fw = FramedWriter::new(&mut out);
            fw.write_all(b"hello").unwrap();
            fw.write_all(b"").unwrap();
            fw.write_all(b" world!!!").unwrap();
            fw.finish().unwrap();
        }
        // Frames carry no padding.
        assert_eq!(&out[..13], b"\x05\0\0\0\0\0\0\0hello");
        assert_eq!(out.len(), 8 + 5 + 8 + 9 + 8);
        assert_eq!(read_framed(&mut Cursor::new(&out)).unwrap(), b"hello world!!!");

        // Behind a buffer, small writes are gathered into one frame.
        let mut out = Vec::new();
        {
            let mut fw = FramedWriter::new(&mut out);
            let mut bw = BufWriter::new(&mut fw);
            for _ in 0..100 {
                bw.write_all(b"ab").unwrap();
            }
            bw.flush().unwrap();
            drop(bw);
            fw.finish().unwrap();
        }
        assert_eq!(out.len(), 8 + 200 + 8);

        let abort = AtomicBool::new(true);
        let mut out = Vec::new();
        let mut fw = FramedWriter::with_abort(&mut out, &abort);
        assert!(fw.write_all(b"x").is_err());
    }
}
