//! Reading NARs off the wire: the daemon sends `NarFromPath`'s NAR unframed right after the
//! stderr channel ends, so the only way to find its end is to parse it. [`copy_nar`] parses
//! one NAR, copying every byte it consumes to a sink (file contents in chunks, so any size
//! streams), and stops exactly at its end.

use std::io::{self, Read, Write};

use super::wire::{invalid_data, padding, read_padding, read_u64};
use crate::nar::NAR_MAGIC;

/// Longest token (tag, file name, symlink target) accepted inside a NAR.
const MAX_TOKEN: u64 = 64 * 1024;
/// Deepest directory nesting accepted (a guard against a runaway stream).
const MAX_DEPTH: usize = 1024;
const CHUNK: usize = 64 * 1024;

/// Why [`copy_nar`] stopped: the source (a closed or confused daemon) or the sink.
#[derive(Debug)]
pub enum CopyNarError {
    Read(io::Error),
    Write(io::Error),
    /// Where a length was due came `STDERR_ERROR`: the daemon failed while dumping (it had
    /// already ended the stderr channel) and its error follows.
    DaemonError,
}

struct Tee<'a, R: Read + ?Sized, W: Write + ?Sized> {
    r: &'a mut R,
    w: &'a mut W,
    total: u64,
}

impl<R: Read + ?Sized, W: Write + ?Sized> Tee<'_, R, W> {
    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), CopyNarError> {
        self.r.read_exact(buf).map_err(CopyNarError::Read)?;
        self.w.write_all(buf).map_err(CopyNarError::Write)?;
        self.total += buf.len() as u64;
        Ok(())
    }

    fn u64(&mut self) -> Result<u64, CopyNarError> {
        let mut b = [0u8; 8];
        self.read_exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// A length, which may instead be the daemon's error marker.
    fn len(&mut self) -> Result<u64, CopyNarError> {
        match self.u64()? {
            super::stderr::ERROR => Err(CopyNarError::DaemonError),
            n => Ok(n),
        }
    }

    fn token(&mut self) -> Result<Vec<u8>, CopyNarError> {
        let len = self.len()?;
        if len > MAX_TOKEN {
            return Err(CopyNarError::Read(invalid_data(format!(
                "NAR from the nix-daemon has a {len}-byte token"
            ))));
        }
        let mut buf = vec![0u8; len as usize + padding(len)];
        self.read_exact(&mut buf)?;
        if buf[len as usize..].iter().any(|&b| b != 0) {
            return Err(CopyNarError::Read(invalid_data("non-zero padding in a NAR")));
        }
        buf.truncate(len as usize);
        Ok(buf)
    }

    fn expect(&mut self, want: &str) -> Result<(), CopyNarError> {
        let got = self.token()?;
        if got != want.as_bytes() {
            return Err(CopyNarError::Read(invalid_data(format!(
                "bad NAR from the nix-daemon: expected '{want}', got '{}'",
                String::from_utf8_lossy(&got)
            ))));
        }
        Ok(())
    }

    fn contents(&mut self) -> Result<(), CopyNarError> {
        let len = self.len()?;
        let mut buf = vec![0u8; CHUNK.min(len as usize).max(8)];
        let mut left = len;
        while left > 0 {
            let n = (buf.len() as u64).min(left) as usize;
            self.read_exact(&mut buf[..n])?;
            left -= n as u64;
        }
        let pad = padding(len);
        let mut p = [0u8; 8];
        self.read_exact(&mut p[..pad])?;
        if p.iter().any(|&b| b != 0) {
            return Err(CopyNarError::Read(invalid_data("non-zero padding in a NAR")));
        }
        Ok(())
    }

    fn node(&mut self, depth: usize) -> Result<(), CopyNarError> {
        if depth > MAX_DEPTH {
            return Err(CopyNarError::Read(invalid_data(
                "NAR from the nix-daemon is nested too deeply",
            )));
        }
        self.expect("(")?;
        self.expect("type")?;
        match self.token()?.as_slice() {
            b"regular" => loop {
                match self.token()?.as_slice() {
                    b")" => return Ok(()),
                    b"executable" => self.expect("")?,
                    b"contents" => self.contents()?,
                    other => return Err(bad_tag(other)),
                }
            },
            b"symlink" => {
                self.expect("target")?;
                self.token()?;
                self.expect(")")
            }
            b"directory" => loop {
                match self.token()?.as_slice() {
                    b")" => return Ok(()),
                    b"entry" => {
                        self.expect("(")?;
                        self.expect("name")?;
                        self.token()?;
                        self.expect("node")?;
                        self.node(depth + 1)?;
                        self.expect(")")?;
                    }
                    other => return Err(bad_tag(other)),
                }
            },
            other => Err(CopyNarError::Read(invalid_data(format!(
                "bad NAR from the nix-daemon: unknown file type '{}'",
                String::from_utf8_lossy(other)
            )))),
        }
    }
}

fn bad_tag(tag: &[u8]) -> CopyNarError {
    CopyNarError::Read(invalid_data(format!(
        "bad NAR from the nix-daemon: unexpected '{}'",
        String::from_utf8_lossy(tag)
    )))
}

/// Reads exactly one NAR from `r`, writing every byte of it to `w`; returns its size.
pub fn copy_nar<R: Read + ?Sized, W: Write + ?Sized>(r: &mut R, w: &mut W) -> Result<u64, CopyNarError> {
    let mut tee = Tee { r, w, total: 0 };
    tee.expect(NAR_MAGIC)?;
    tee.node(0)?;
    Ok(tee.total)
}

/// The contents of the single regular file a NAR holds, or `None` if it holds something else.
pub fn regular_file_from_nar(nar: &[u8]) -> Option<Vec<u8>> {
    fn token(r: &mut &[u8]) -> Option<Vec<u8>> {
        let len = read_u64(r).ok()?;
        if len > r.len() as u64 {
            return None;
        }
        let mut buf = vec![0u8; len as usize];
        r.read_exact(&mut buf).ok()?;
        read_padding(r, len).ok()?;
        Some(buf)
    }
    let r = &mut &nar[..];
    for want in [NAR_MAGIC, "(", "type", "regular"] {
        if token(r)? != want.as_bytes() {
            return None;
        }
    }
    let mut tag = token(r)?;
    if tag == b"executable" {
        token(r)?;
        tag = token(r)?;
    }
    if tag != b"contents" {
        return None;
    }
    let contents = token(r)?;
    (token(r)? == b")" && r.is_empty()).then_some(contents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nar::dump_to_vec;
    use std::fs;
    use std::io::Cursor;
    use std::os::unix::fs::{symlink, PermissionsExt};
    use std::path::PathBuf;

    fn tmp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rnix-narstream-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn copies_exactly_one_nar() {
        let dir = tmp("tree");
        let root = dir.join("t");
        fs::create_dir_all(root.join("sub/deeper")).unwrap();
        fs::write(root.join("a"), b"hello").unwrap();
        fs::write(root.join("sub/x.sh"), b"#!/bin/sh\n").unwrap();
        fs::set_permissions(root.join("sub/x.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
        fs::write(root.join("sub/deeper/big"), &big).unwrap();
        symlink("../a", root.join("sub/link")).unwrap();
        let nar = dump_to_vec(&root).unwrap();
        let mut stream = nar.clone();
        stream.extend_from_slice(b"trailing bytes of the next reply");
        let mut r = Cursor::new(stream);
        let mut out = Vec::new();
        assert_eq!(copy_nar(&mut r, &mut out).unwrap(), nar.len() as u64);
        assert_eq!(out, nar);
        assert_eq!(r.position(), nar.len() as u64);

        // Truncated: a read error, not a hang or a panic.
        let mut out = Vec::new();
        match copy_nar(&mut Cursor::new(&nar[..nar.len() - 20]), &mut out) {
            Err(CopyNarError::Read(e)) => assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof),
            other => panic!("{other:?}"),
        }
        // Garbage.
        match copy_nar(
            &mut Cursor::new(b"\x05\0\0\0\0\0\0\0hello\0\0\0".to_vec()),
            &mut Vec::new(),
        ) {
            Err(CopyNarError::Read(e)) => assert_eq!(e.kind(), io::ErrorKind::InvalidData),
            other => panic!("{other:?}"),
        }

        let file_nar = dump_to_vec(&root.join("sub/x.sh")).unwrap();
        assert_eq!(regular_file_from_nar(&file_nar).unwrap(), b"#!/bin/sh\n");
        assert_eq!(regular_file_from_nar(&nar), None);
        let _ = fs::remove_dir_all(&dir);
    }
}
