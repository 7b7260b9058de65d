//! Byte offsets to (line, UTF-16 column) and back: LSP positions count UTF-16 code units.

/// The starts of the lines of one text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Where each character outside ASCII starts: a line without one converts columns
    /// by subtraction (a generated file of one 200 KB line made every conversion a scan
    /// of the line, and an outline of its symbols quadratic).
    wide: Vec<u32>,
    text: String,
}

impl LineIndex {
    /// Lines end at `\n`, `\r\n` or a lone `\r`, the three the protocol names (and Nix's
    /// lexer counts: the same starts as evaluation's positions).
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            starts: rnix_eval_parser::source::line_starts(text),
            wide: text
                .char_indices()
                .filter(|(_, c)| !c.is_ascii())
                .map(|(i, _)| i as u32)
                .collect(),
            text: text.to_string(),
        }
    }

    /// Whether bytes `start..end` are all ASCII (one byte, one UTF-16 unit each).
    fn ascii(&self, start: usize, end: usize) -> bool {
        let i = self.wide.partition_point(|&w| (w as usize) < start);
        self.wide.get(i).is_none_or(|&w| w as usize >= end)
    }

    /// 0-based line and UTF-16 column of a byte offset (clamped to the text).
    pub fn position(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.text.len() as u32);
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        if self.ascii(start, end) {
            return (line as u32, (end - start) as u32);
        }
        let col = self.text[start..end].encode_utf16().count();
        (line as u32, col as u32)
    }

    /// The byte offset of a 0-based line and UTF-16 column (clamped to the line's end).
    pub fn offset(&self, line: u32, col: u32) -> u32 {
        let Some(&start) = self.starts.get(line as usize) else {
            return self.text.len() as u32;
        };
        let end = match self.starts.get(line as usize + 1) {
            // Before the line's terminator: `\r\n` is two bytes, the others one.
            Some(&next) if self.text.as_bytes()[..next as usize].ends_with(b"\r\n") => next as usize - 2,
            Some(&next) => next as usize - 1,
            None => self.text.len(),
        };
        if self.ascii(start as usize, end) {
            return (start as usize + col as usize).min(end) as u32;
        }
        let mut units = 0;
        for (i, c) in self.text[start as usize..end].char_indices() {
            if units >= col as usize {
                return start + i as u32;
            }
            units += c.len_utf16();
        }
        end as u32
    }

    /// 0-based line of a 1-based line number as evaluation reports it, by byte offset.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.starts.get(line as usize).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        let idx = LineIndex::new("a = 1;\nb = \"é😀x\";\n");
        let x = "a = 1;\nb = \"é😀".len() as u32;
        assert_eq!(idx.position(x), (1, 8));
        assert_eq!(idx.offset(1, 8), x);
        assert_eq!(idx.offset(0, 99), 6);
        assert_eq!(idx.position(999), (2, 0));
    }

    /// Columns on ASCII lines come by subtraction, and agree with the scan on lines
    /// that have wide characters before and after the position.
    #[test]
    fn ascii_lines_and_wide_characters_agree() {
        let text = "let a = 1; in a\nx = \"é\"; y = 2;\n😀 = 3;";
        let idx = LineIndex::new(text);
        for offset in 0..=text.len() as u32 {
            if !text.is_char_boundary(offset as usize) {
                continue;
            }
            let (line, col) = idx.position(offset);
            let start = idx.line_start(line).unwrap() as usize;
            assert_eq!(
                col as usize,
                text[start..offset as usize].encode_utf16().count(),
                "{offset}"
            );
            assert_eq!(idx.offset(line, col), offset, "{offset}");
        }
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let idx = LineIndex::new("a\r\nbc\rd\n");
        assert_eq!(idx.position(3), (1, 0));
        assert_eq!(idx.position(6), (2, 0));
        // A column past the end of a line stops before its terminator.
        assert_eq!(idx.offset(0, 9), 1);
        assert_eq!(idx.offset(1, 9), 5);
        assert_eq!(idx.offset(2, 1), 7);
    }
}
