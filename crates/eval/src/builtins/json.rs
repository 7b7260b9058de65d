//! `fromJSON`, following the nlohmann::json parser Nix uses, down to its error messages
//! (`[json.exception.parse_error.101] parse error at line 1, column 4: ...`).
//!
//! What nlohmann (and Nix's SAX callbacks) do that a generic JSON parser does not:
//! integers above `i64::MAX` that fit in `u64` are an error (modern Nix; 2.8 wrapped
//! them around), larger or smaller ones become floats; `-0` is the integer 0; a float
//! overflow is an error; a string with a NUL is an error (modern Nix; 2.8 cut it
//! there); the last of duplicate keys wins; the
//! "last read" text of an error runs from the last string or number token on.

use crate::error::{EvalError, EvalResult, TraceFrame};
use crate::value::{Attr, AttrSet, Value};
use crate::Evaluator;
use rnix_eval_parser::{Span, Symbol};

pub(super) fn from_json(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let text = ev.expect_plain_string(&a[0], span)?;
    parse(text.as_bytes()).map_err(|msg| {
        let mut e = EvalError::new(crate::error::ErrorKind::Eval, msg, None);
        e.trace.push(TraceFrame {
            span,
            message: "while decoding a JSON string".into(),
        });
        e
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Tok {
    True,
    False,
    Null,
    Str,
    Int(i64),
    /// Above `i64::MAX`: modern Nix refuses it (Nix 2.8 wrapped it to a negative int).
    UInt(u64),
    Float(f64),
    BeginArray,
    EndArray,
    BeginObject,
    EndObject,
    Colon,
    Comma,
    Eof,
    Error,
    /// Only in messages: what a value position expects.
    LiteralOrValue,
    /// Only in messages: no expectation.
    Nothing,
}

fn tok_name(t: Tok) -> &'static str {
    match t {
        Tok::True => "true literal",
        Tok::False => "false literal",
        Tok::Null => "null literal",
        Tok::Str => "string literal",
        Tok::Int(_) | Tok::UInt(_) | Tok::Float(_) => "number literal",
        Tok::BeginArray => "'['",
        Tok::EndArray => "']'",
        Tok::BeginObject => "'{'",
        Tok::EndObject => "'}'",
        Tok::Colon => "':'",
        Tok::Comma => "','",
        Tok::Eof => "end of input",
        Tok::Error => "<parse error>",
        Tok::LiteralOrValue => "'[', '{', or a literal",
        Tok::Nothing => "<uninitialized>",
    }
}

const CONTROL_NAMES: [&str; 32] = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI", "DLE",
    "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
];

/// nlohmann's lexer: byte at a time, with one byte of push-back, counting the
/// position the way its error messages report it.
struct Lexer<'a> {
    input: &'a [u8],
    pos: usize,
    /// The byte last read (`None`: end of input).
    current: Option<u8>,
    unget_next: bool,
    line: usize,
    column: usize,
    /// Raw bytes read since the last string/number token started.
    token_string: Vec<u8>,
    /// The decoded string or number text.
    buffer: Vec<u8>,
    error: &'static str,
    error_owned: String,
}

impl<'a> Lexer<'a> {
    fn get(&mut self) -> Option<u8> {
        self.column += 1;
        if self.unget_next {
            self.unget_next = false;
        } else {
            self.current = self.input.get(self.pos).copied();
            if self.current.is_some() {
                self.pos += 1;
            }
        }
        if let Some(c) = self.current {
            self.token_string.push(c);
            if c == b'\n' {
                self.line += 1;
                self.column = 0;
            }
        }
        self.current
    }

    fn unget(&mut self) {
        self.unget_next = true;
        if self.column == 0 {
            self.line = self.line.saturating_sub(1);
        } else {
            self.column -= 1;
        }
        if self.current.is_some() {
            self.token_string.pop();
        }
    }

    fn reset(&mut self) {
        self.buffer.clear();
        self.token_string.clear();
        if let Some(c) = self.current {
            self.token_string.push(c);
        }
    }

    fn fail(&mut self, msg: &'static str) -> Tok {
        self.error = msg;
        self.error_owned.clear();
        Tok::Error
    }

    fn scan(&mut self) -> Tok {
        loop {
            match self.get() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => continue,
                c => {
                    return match c {
                        Some(b'[') => Tok::BeginArray,
                        Some(b']') => Tok::EndArray,
                        Some(b'{') => Tok::BeginObject,
                        Some(b'}') => Tok::EndObject,
                        Some(b':') => Tok::Colon,
                        Some(b',') => Tok::Comma,
                        Some(b't') => self.literal(b"true", Tok::True),
                        Some(b'f') => self.literal(b"false", Tok::False),
                        Some(b'n') => self.literal(b"null", Tok::Null),
                        Some(b'"') => self.string(),
                        Some(b'-' | b'0'..=b'9') => self.number(),
                        None => Tok::Eof,
                        Some(_) => self.fail("invalid literal"),
                    }
                }
            }
        }
    }

    fn literal(&mut self, word: &[u8], tok: Tok) -> Tok {
        for &want in &word[1..] {
            if self.get() != Some(want) {
                return self.fail("invalid literal");
            }
        }
        tok
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0;
        for _ in 0..4 {
            let d = (self.get()? as char).to_digit(16)?;
            v = v * 16 + d;
        }
        Some(v)
    }

    fn string(&mut self) -> Tok {
        self.reset();
        loop {
            let Some(c) = self.get() else {
                return self.fail("invalid string: missing closing quote");
            };
            match c {
                b'"' => return Tok::Str,
                b'\\' => {
                    let decoded = match self.get() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => match self.unicode_escape() {
                            Ok(ch) => ch,
                            Err(msg) => return self.fail(msg),
                        },
                        _ => return self.fail("invalid string: forbidden character after backslash"),
                    };
                    let mut utf8 = [0; 4];
                    self.buffer.extend_from_slice(decoded.encode_utf8(&mut utf8).as_bytes());
                }
                0..=0x1f => {
                    let name = CONTROL_NAMES[c as usize];
                    let alt = match c {
                        8 => " or \\b",
                        9 => " or \\t",
                        10 => " or \\n",
                        12 => " or \\f",
                        13 => " or \\r",
                        _ => "",
                    };
                    self.error_owned = format!(
                        "invalid string: control character U+{:04X} ({name}) must be escaped to \\u{:04X}{alt}",
                        c, c
                    );
                    return Tok::Error;
                }
                0x20..=0x7f => self.buffer.push(c),
                // nlohmann accepts only well-formed UTF-8 (Unicode 3.9, table 3-7).
                _ => {
                    const CONT: (u8, u8) = (0x80, 0xBF);
                    let rest: &[(u8, u8)] = match c {
                        0xC2..=0xDF => &[CONT],
                        0xE0 => &[(0xA0, 0xBF), CONT],
                        0xE1..=0xEC | 0xEE..=0xEF => &[CONT, CONT],
                        0xED => &[(0x80, 0x9F), CONT],
                        0xF0 => &[(0x90, 0xBF), CONT, CONT],
                        0xF1..=0xF3 => &[CONT, CONT, CONT],
                        0xF4 => &[(0x80, 0x8F), CONT, CONT],
                        _ => return self.fail("invalid string: ill-formed UTF-8 byte"),
                    };
                    self.buffer.push(c);
                    for &(lo, hi) in rest {
                        match self.get() {
                            Some(b) if (lo..=hi).contains(&b) => self.buffer.push(b),
                            _ => return self.fail("invalid string: ill-formed UTF-8 byte"),
                        }
                    }
                }
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, &'static str> {
        const HEX: &str = "invalid string: '\\u' must be followed by 4 hex digits";
        let first = self.hex4().ok_or(HEX)?;
        let code = if (0xD800..=0xDBFF).contains(&first) {
            if self.get() != Some(b'\\') || self.get() != Some(b'u') {
                return Err("invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF");
            }
            let second = self.hex4().ok_or(HEX)?;
            if !(0xDC00..=0xDFFF).contains(&second) {
                return Err("invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF");
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else if (0xDC00..=0xDFFF).contains(&first) {
            return Err("invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF");
        } else {
            first
        };
        char::from_u32(code).ok_or(HEX)
    }

    fn digits(&mut self) -> Option<u8> {
        loop {
            match self.get() {
                Some(d @ b'0'..=b'9') => self.buffer.push(d),
                other => return other,
            }
        }
    }

    fn number(&mut self) -> Tok {
        self.reset();
        let mut c = self.current;
        let mut is_float = false;
        if c == Some(b'-') {
            self.buffer.push(b'-');
            c = self.get();
            if !matches!(c, Some(b'0'..=b'9')) {
                return self.fail("invalid number; expected digit after '-'");
            }
        }
        self.buffer.push(c.unwrap_or(b'0'));
        c = if c == Some(b'0') { self.get() } else { self.digits() };
        if c == Some(b'.') {
            is_float = true;
            self.buffer.push(b'.');
            match self.get() {
                Some(d @ b'0'..=b'9') => self.buffer.push(d),
                _ => return self.fail("invalid number; expected digit after '.'"),
            }
            c = self.digits();
        }
        if let Some(e @ (b'e' | b'E')) = c {
            is_float = true;
            self.buffer.push(e);
            let mut d = self.get();
            if let Some(sign @ (b'+' | b'-')) = d {
                self.buffer.push(sign);
                d = self.get();
                if !matches!(d, Some(b'0'..=b'9')) {
                    return self.fail("invalid number; expected digit after exponent sign");
                }
            } else if !matches!(d, Some(b'0'..=b'9')) {
                return self.fail("invalid number; expected '+', '-', or digit after exponent");
            }
            self.buffer.push(d.unwrap_or(b'0'));
            self.digits();
        }
        self.unget();
        let text = std::str::from_utf8(&self.buffer).unwrap_or("0");
        if !is_float {
            if text.starts_with('-') {
                if let Ok(i) = text.parse::<i64>() {
                    return Tok::Int(i);
                }
            } else if let Ok(u) = text.parse::<u64>() {
                return i64::try_from(u).map_or(Tok::UInt(u), Tok::Int);
            }
        }
        Tok::Float(text.parse().unwrap_or(f64::INFINITY))
    }

    /// nlohmann's `get_token_string`: control characters as `<U+XXXX>`. Nix prints other
    /// bytes as they are; messages here are text, so invalid UTF-8 shows as U+FFFD.
    fn token_string(&self) -> String {
        let mut out = String::new();
        for chunk in self.token_string.utf8_chunks() {
            for ch in chunk.valid().chars() {
                if (ch as u32) < 0x20 {
                    out.push_str(&format!("<U+{:04X}>", ch as u32));
                } else {
                    out.push(ch);
                }
            }
            if !chunk.invalid().is_empty() {
                out.push(char::REPLACEMENT_CHARACTER);
            }
        }
        out
    }

    fn error_message(&self) -> &str {
        if self.error_owned.is_empty() {
            self.error
        } else {
            &self.error_owned
        }
    }

    fn syntax_error(&self, last: Tok, expected: Tok, context: &str) -> String {
        let mut msg = format!("syntax error while parsing {context} - ");
        if last == Tok::Error {
            msg.push_str(&format!(
                "{}; last read: '{}'",
                self.error_message(),
                self.token_string()
            ));
        } else {
            msg.push_str(&format!("unexpected {}", tok_name(last)));
        }
        if expected != Tok::Nothing {
            msg.push_str(&format!("; expected {}", tok_name(expected)));
        }
        format!(
            "[json.exception.parse_error.101] parse error at line {}, column {}: {msg}",
            self.line + 1,
            self.column
        )
    }
}

enum Frame {
    List(Vec<Value>),
    /// Entries so far and the key of the value being parsed.
    Object(Vec<(Symbol, Value)>, Symbol),
}

/// Nix strings cannot hold NUL bytes: modern Nix's `forceNoNullByte` message (Nix 2.8
/// cut the string at the first NUL).
pub(crate) fn no_null_bytes(bytes: &[u8]) -> Result<(), String> {
    if !bytes.contains(&0) {
        return Ok(());
    }
    let shown = String::from_utf8_lossy(bytes).replace('\0', "\u{2400}");
    Err(format!(
        "input string '{shown}' cannot be represented as Nix string because it contains null bytes"
    ))
}

fn finish_object(entries: Vec<(Symbol, Value)>) -> Value {
    // Later duplicates win: reversed, the last entry of each name is the first one.
    let attrs: Vec<Attr> = entries
        .into_iter()
        .rev()
        .map(|(name, value)| Attr { name, value, pos: None })
        .collect();
    Value::attrs(AttrSet::from_unsorted(attrs))
}

/// Parse a whole JSON text; the error is Nix's message.
pub(crate) fn parse(text: &[u8]) -> Result<Value, String> {
    let mut input = text;
    // nlohmann skips a byte order mark by reading it: its three bytes count in the
    // columns of the first line's errors.
    let mut column = 0;
    if let Some(rest) = input.strip_prefix(b"\xEF\xBB\xBF") {
        input = rest;
        column = 3;
    }
    let mut lx = Lexer {
        input,
        pos: 0,
        current: None,
        unget_next: false,
        line: 0,
        column,
        token_string: Vec::new(),
        buffer: Vec::new(),
        error: "",
        error_owned: String::new(),
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut tok = lx.scan();
    loop {
        // Parse one value starting at `tok`.
        let mut value = match tok {
            Tok::BeginArray => {
                tok = lx.scan();
                if tok == Tok::EndArray {
                    Value::list(Vec::new())
                } else {
                    stack.push(Frame::List(Vec::new()));
                    continue;
                }
            }
            Tok::BeginObject => {
                tok = lx.scan();
                if tok == Tok::EndObject {
                    Value::attrs(crate::value::NewSet::default())
                } else {
                    let key = object_key(&mut lx, tok)?;
                    stack.push(Frame::Object(Vec::new(), key));
                    tok = lx.scan();
                    continue;
                }
            }
            Tok::True => Value::Bool(true),
            Tok::False => Value::Bool(false),
            Tok::Null => Value::Null,
            Tok::Str => {
                no_null_bytes(&lx.buffer)?;
                Value::string(lx.buffer.clone())
            }
            Tok::Int(i) => Value::Int(i),
            Tok::UInt(u) => return Err(format!("unsigned json number {u} outside of Nix integer range")),
            Tok::Float(f) => {
                if !f.is_finite() {
                    return Err(format!(
                        "[json.exception.out_of_range.406] number overflow parsing '{}'",
                        lx.token_string()
                    ));
                }
                Value::Float(f)
            }
            Tok::Error => return Err(lx.syntax_error(tok, Tok::Nothing, "value")),
            _ => return Err(lx.syntax_error(tok, Tok::LiteralOrValue, "value")),
        };
        // Attach it to the enclosing containers, closing those that end here.
        loop {
            match stack.last_mut() {
                None => {
                    let next = lx.scan();
                    if next != Tok::Eof {
                        return Err(lx.syntax_error(next, Tok::Eof, "value"));
                    }
                    return Ok(value);
                }
                Some(Frame::List(items)) => {
                    items.push(value);
                    tok = lx.scan();
                    match tok {
                        Tok::Comma => {
                            tok = lx.scan();
                            break;
                        }
                        Tok::EndArray => {
                            let Some(Frame::List(items)) = stack.pop() else {
                                unreachable!()
                            };
                            value = Value::list(items);
                        }
                        _ => return Err(lx.syntax_error(tok, Tok::EndArray, "array")),
                    }
                }
                Some(Frame::Object(entries, key)) => {
                    entries.push((*key, value));
                    tok = lx.scan();
                    match tok {
                        Tok::Comma => {
                            tok = lx.scan();
                            *key = object_key(&mut lx, tok)?;
                            tok = lx.scan();
                            break;
                        }
                        Tok::EndObject => {
                            let Some(Frame::Object(entries, _)) = stack.pop() else {
                                unreachable!()
                            };
                            value = finish_object(entries);
                        }
                        _ => return Err(lx.syntax_error(tok, Tok::EndObject, "object")),
                    }
                }
            }
        }
    }
}

/// A key (already scanned as `tok`) and the `:` after it.
fn object_key(lx: &mut Lexer, tok: Tok) -> Result<Symbol, String> {
    if tok != Tok::Str {
        return Err(lx.syntax_error(tok, Tok::Str, "object key"));
    }
    no_null_bytes(&lx.buffer)?;
    let key = Symbol::intern(&String::from_utf8_lossy(&lx.buffer));
    let sep = lx.scan();
    if sep != Tok::Colon {
        return Err(lx.syntax_error(sep, Tok::Colon, "object separator"));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn err(s: &str) -> String {
        parse(s.as_bytes()).err().unwrap_or_default()
    }

    #[test]
    fn errors_read_like_nlohmann() {
        assert!(err("[1] x").ends_with(
            "column 5: syntax error while parsing value - invalid literal; last read: '1] x'; expected end of input"
        ));
        assert!(err("tru").contains("column 4: syntax error while parsing value - invalid literal; last read: 'tru'"));
        assert!(err("{\"a\" 1}").contains(
            "column 6: syntax error while parsing object separator - unexpected number literal; expected ':'"
        ));
        assert_eq!(
            err("1e400"),
            "[json.exception.out_of_range.406] number overflow parsing '1e400'"
        );
    }

    #[test]
    fn strings_must_be_well_formed_utf8() {
        let ill = |b: &[u8]| parse(b).err().unwrap_or_default();
        // As Nix 2.8 reports `builtins.fromJSON` of a Latin-1 string.
        assert!(ill(b"\"caf\xe9 x\"").starts_with(
            "[json.exception.parse_error.101] parse error at line 1, column 6: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"caf"
        ));
        for bad in [
            &b"\"\xc3\""[..],
            b"\"\xc0\x80\"",
            b"\"\xed\xa0\x80\"",
            b"\"\xf4\x90\x80\x80\"",
            b"\"\xff\"",
        ] {
            assert!(ill(bad).contains("ill-formed UTF-8 byte"), "{bad:?}");
        }
        match parse("\"é€😀\"".as_bytes()) {
            Ok(crate::value::Value::String(s)) => assert_eq!(s.as_bytes(), "é€😀".as_bytes()),
            _ => panic!("valid UTF-8 parses"),
        }
    }
}
