//! Diagnostics on stderr as Nix's logger writes them: every line goes through
//! `filterANSIEscapes`, which keeps colours (SGR sequences) only when stderr is a colour
//! terminal and drops every other escape; so `trace` of nixpkgs' coloured warnings, build
//! logs and daemon messages are plain text in a file or a pipe.

use std::io::Write;
use std::sync::OnceLock;

/// Nix's `shouldANSI` for stderr: `NO_COLOR` (non-empty) turns colours off,
/// `FORCE_COLOR` / `CLICOLOR_FORCE` on; otherwise a terminal whose `TERM` is not `dumb`.
pub fn stderr_wants_ansi() -> bool {
    static ANSI: OnceLock<bool> = OnceLock::new();
    *ANSI.get_or_init(|| {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        if set("NO_COLOR") {
            return false;
        }
        if set("FORCE_COLOR") || std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
            return true;
        }
        use std::io::IsTerminal;
        std::io::stderr().is_terminal() && !matches!(std::env::var_os("TERM"), Some(t) if t == "dumb")
    })
}

/// Modern Nix's `filterANSIEscapes(s, filterAll)`: CSI sequences are kept only when they
/// set colours (`...m`) and `keep_colours`; OSC sequences (hyperlinks) and other escapes
/// are dropped; a tab becomes spaces up to the next multiple of 8 columns; `\r` and BEL
/// are dropped. Columns count characters, not bytes.
pub fn filter_ansi(s: &[u8], keep_colours: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut col = 0usize;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            0x1b => {
                let start = i;
                i += 1;
                let mut last = 0u8;
                if s.get(i) == Some(&b'[') {
                    i += 1;
                    while i < s.len() && (0x30..=0x3f).contains(&s[i]) {
                        i += 1;
                    }
                    while i < s.len() && (0x20..=0x2f).contains(&s[i]) {
                        i += 1;
                    }
                    if i < s.len() && (0x40..=0x7e).contains(&s[i]) {
                        last = s[i];
                        i += 1;
                    }
                } else if s.get(i) == Some(&b']') {
                    i += 1;
                    while i < s.len() && s[i] != 0x1b && s[i] != 0x07 {
                        i += 1;
                    }
                    if i < s.len() {
                        i += 1;
                    }
                    if s.get(i) == Some(&b'\\') {
                        i += 1;
                    }
                } else if i < s.len() && (0x40..=0x5f).contains(&s[i]) {
                    i += 1;
                }
                if keep_colours && last == b'm' {
                    out.extend_from_slice(&s[start..i]);
                }
            }
            b'\t' => {
                i += 1;
                out.push(b' ');
                col += 1;
                while !col.is_multiple_of(8) {
                    out.push(b' ');
                    col += 1;
                }
            }
            b'\r' | 0x07 => i += 1,
            c => {
                out.push(c);
                i += 1;
                // UTF-8 continuation bytes do not start a column.
                if c & 0xc0 != 0x80 {
                    col += 1;
                }
            }
        }
    }
    out
}

/// Write `text` (one or more lines, without the final newline) to stderr as Nix's logger
/// does: filtered, then a newline.
pub fn eprint_line(text: &[u8]) {
    let mut line = filter_ansi(text, stderr_wants_ansi());
    line.push(b'\n');
    let _ = std::io::stderr().lock().write_all(&line);
}

#[cfg(test)]
mod tests {
    use super::filter_ansi;

    #[test]
    fn filters_like_nix() {
        let s = b"trace: \x1b[1;31mwarn\x1b[0m a\tb\rc\x07d\x1b]8;;http://x\x07L\x1b]8;;\x1b\\ e\x1bMf";
        assert_eq!(filter_ansi(s, false), b"trace: warn a   bcdL ef".to_vec());
        assert_eq!(
            filter_ansi(s, true),
            b"trace: \x1b[1;31mwarn\x1b[0m a   bcdL ef".to_vec()
        );
        // Non-colour CSI sequences (cursor movement) never pass.
        assert_eq!(filter_ansi(b"a\x1b[2Kb", true), b"ab".to_vec());
        // A multi-byte character is one column.
        assert_eq!(filter_ansi("é\tx".as_bytes(), false), "é       x".as_bytes().to_vec());
        // A truncated escape at the end is dropped.
        assert_eq!(filter_ansi(b"a\x1b[", false), b"a".to_vec());
    }
}
