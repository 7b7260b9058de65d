//! The entry file format: a magic line, a length-prefixed body, and the body's blake3
//! hash. Anything that does not decode exactly (truncated, flipped bytes, an older
//! layout) is `None`, and the caller evaluates as if there were no entry.

/// Start of every entry; bumped with any change of the layout.
pub(crate) const MAGIC: &[u8; 8] = b"RNXRES3\n";

/// Upper bound for one length field, so a corrupt count never allocates much.
const MAX_LEN: u64 = 1 << 32;

#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn bytes(&mut self, v: &[u8]) {
        self.u64(v.len() as u64);
        self.buf.extend_from_slice(v);
    }

    pub(crate) fn str(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }

    pub(crate) fn opt_bytes(&mut self, v: Option<&[u8]>) {
        match v {
            None => self.u8(0),
            Some(b) => {
                self.u8(1);
                self.bytes(b);
            }
        }
    }

    /// Magic, body, checksum.
    pub(crate) fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.buf.len() + 48);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.buf);
        out.extend_from_slice(blake3::hash(&self.buf).as_bytes());
        out
    }
}

pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The body of an entry whose magic and checksum are right.
    pub(crate) fn open(file: &'a [u8]) -> Option<Reader<'a>> {
        let rest = file.strip_prefix(MAGIC.as_slice())?;
        let split = rest.len().checked_sub(32)?;
        let (body, sum) = rest.split_at(split);
        (blake3::hash(body).as_bytes() == sum).then_some(Reader { data: body })
    }

    pub(crate) fn at_end(&self) -> bool {
        self.data.is_empty()
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.data.len() < n {
            return None;
        }
        let (head, tail) = self.data.split_at(n);
        self.data = tail;
        Some(head)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.take(8).map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub(crate) fn i64(&mut self) -> Option<i64> {
        self.take(8).map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u64()?;
        if n > MAX_LEN {
            return None;
        }
        self.take(n as usize)
    }

    pub(crate) fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    pub(crate) fn opt_bytes(&mut self) -> Option<Option<&'a [u8]>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.bytes()?)),
            _ => None,
        }
    }

    /// A count of items that each take at least `min_size` bytes: bounded by what is left.
    pub(crate) fn count(&mut self, min_size: usize) -> Option<usize> {
        let n = self.u64()?;
        (n <= (self.data.len() / min_size.max(1)) as u64).then_some(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_corruption_is_refused() {
        let mut w = Writer::default();
        w.str("hello");
        w.u64(7);
        w.opt_bytes(None);
        let file = w.finish();
        let mut r = Reader::open(&file).unwrap();
        assert_eq!(r.string().as_deref(), Some("hello"));
        assert_eq!(r.u64(), Some(7));
        assert_eq!(r.opt_bytes(), Some(None));
        assert!(r.at_end());
        for cut in 0..file.len() {
            assert!(Reader::open(&file[..cut]).is_none(), "truncated at {cut}");
        }
        for i in 0..file.len() {
            let mut bad = file.clone();
            bad[i] ^= 0x40;
            assert!(Reader::open(&bad).is_none(), "flipped byte {i}");
        }
    }
}
