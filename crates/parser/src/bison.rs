//! Syntax errors worded and placed exactly as modern Nix's Bison parser reports them.
//!
//! rnix's hand-written parser finds the error; this module then re-reads the text the way
//! Nix does, with a port of its flex lexer (`src/libexpr/lexer.l`) and an LALR(1) driver
//! over Bison's own tables for `src/libexpr/parser.y` (`bison_tables.rs`), and returns the
//! message of `lalr1.cc`'s `yysyntax_error_` (`syntax error, unexpected ')', expecting
//! '}' or ','`: the expected tokens are listed only when there are at most four) at the
//! lookahead token. Only the text is checked: no semantic actions, so errors Nix finds
//! while building the tree (duplicate attributes, ...) are left to the lowering.

use crate::bison_tables as t;
use std::cell::Cell;

/// A token as Bison sees it: its symbol kind and its byte offset.
#[derive(Clone, Copy, Debug)]
struct Token {
    kind: i32,
    at: usize,
}

const S_EOF: i32 = 0;
const S_UNDEF: i32 = 2;
const S_ID: i32 = 3;
const S_STR: i32 = 4;
const S_IND_STR: i32 = 5;
const S_INT: i32 = 6;
const S_FLOAT: i32 = 7;
const S_PATH: i32 = 8;
const S_HPATH: i32 = 9;
const S_SPATH: i32 = 10;
const S_PATH_END: i32 = 11;
const S_URI: i32 = 12;
const S_DOLLAR_CURLY: i32 = 34;
const S_IND_OPEN: i32 = 35;
const S_IND_CLOSE: i32 = 36;

const KEYWORDS: [(&str, i32); 10] = [
    ("if", 13),
    ("then", 14),
    ("else", 15),
    ("assert", 16),
    ("with", 17),
    ("let", 18),
    ("in", 19),
    ("rec", 20),
    ("inherit", 21),
    ("or", 31),
];

const OPERATORS: [(&str, i32); 13] = [
    ("...", 37),
    ("==", 22),
    ("!=", 23),
    ("<=", 24),
    (">=", 25),
    ("&&", 28),
    ("||", 29),
    ("->", 30),
    ("//", 26),
    ("++", 27),
    ("<|", 32),
    ("|>", 33),
    ("${", S_DOLLAR_CURLY),
];

/// The first syntax error of `text` as Nix reports it: message and byte offset. `None`
/// when Nix's grammar accepts the text (the error is then not a syntax error).
pub fn syntax_error(text: &str) -> Option<(String, usize)> {
    drive(text, usize::MAX).err()
}

/// Entries Nix's parser stack may hold: Bison's `YYMAXDEPTH` (10,000) less its
/// `YYHEADROOM` (2). One more and Nix fails with `memory exhausted`.
pub const MAX_STACK: usize = 9_998;

/// The byte offset of the token at which Nix's parser stack outgrows [`MAX_STACK`]
/// (`memory exhausted`), if it does before the text ends or a syntax error.
pub fn stack_exhausted(text: &str) -> Option<usize> {
    match drive(text, MAX_STACK) {
        Err((message, at)) if message == EXHAUSTED => Some(at),
        _ => None,
    }
}

const EXHAUSTED: &str = "memory exhausted";

/// Where Nix stops reading `text` when its grammar accepts it before a NUL byte:
/// `lexer.l` returns the NUL as character 0, Bison's end-of-file token, and the rest of
/// the file is never read (`1<NUL> + ` is 1). `None` when the grammar rejects the text
/// or reads it to its end.
pub fn end_at_nul(text: &str) -> Option<usize> {
    if !text.contains('\0') {
        return None;
    }
    drive(text, usize::MAX)
        .ok()
        .filter(|&end| text.as_bytes().get(end) == Some(&0))
}

/// Run the parser over `text`: the offset of the end-of-file token it accepted at, or the
/// first syntax error (`memory exhausted` when the stack outgrows `max_stack`).
fn drive(text: &str, max_stack: usize) -> Result<usize, (String, usize)> {
    let mut end = text.len();
    let mut lexer = Lexer {
        s: text.as_bytes(),
        i: 0,
        states: vec![State::Initial],
        path_run: Cell::new((0, 0)),
        scheme_run: Cell::new((0, 0)),
        no_comment_end_from: usize::MAX,
    };
    let mut stack: Vec<u16> = vec![0];
    let mut lookahead: Option<Token> = None;
    // Where the last token read starts: Bison's `yylloc`, which `memory exhausted` is
    // reported at when the overflow comes between two reads.
    let mut last_at = 0;
    loop {
        let state = *stack.last().expect("never empty");
        if stack.len() > max_stack {
            let at = lookahead.map_or(last_at, |tok| tok.at);
            return Err((EXHAUSTED.into(), at));
        }
        if state == t::FINAL {
            return Ok(end);
        }
        let mut n = t::YYPACT[state as usize] as i32;
        let mut default = n == t::PACT_NINF as i32;
        if !default {
            let tok = match lookahead {
                Some(tok) => tok,
                None => match lexer.next() {
                    Ok(tok) => {
                        if tok.kind == S_EOF {
                            end = tok.at;
                        }
                        last_at = tok.at;
                        *lookahead.insert(tok)
                    }
                    Err(e) => return Err(e),
                },
            };
            n += tok.kind;
            if !(0..=t::LAST).contains(&n) || t::YYCHECK[n as usize] as i32 != tok.kind {
                default = true;
            } else {
                let action = t::YYTABLE[n as usize] as i32;
                if action > 0 {
                    stack.push(action as u16);
                    lookahead = None;
                    continue;
                }
                if action == t::TABLE_NINF as i32 {
                    return Err(report(state, tok));
                }
                reduce(&mut stack, -action as usize);
                continue;
            }
        }
        if default {
            let rule = t::YYDEFACT[state as usize] as usize;
            if rule == 0 {
                let tok = match lookahead {
                    Some(tok) => tok,
                    None => Token {
                        kind: -2,
                        at: text.len(),
                    },
                };
                return Err(report(state, tok));
            }
            reduce(&mut stack, rule);
        }
    }
}

fn reduce(stack: &mut Vec<u16>, rule: usize) {
    let len = t::YYR2[rule] as usize;
    stack.truncate(stack.len() - len);
    let lhs = t::YYR1[rule] as i32;
    let top = *stack.last().expect("never empty") as i32;
    let r = t::YYPGOTO[(lhs - t::NTOKENS) as usize] as i32 + top;
    let next = if (0..=t::LAST).contains(&r) && t::YYCHECK[r as usize] as i32 == top {
        t::YYTABLE[r as usize] as u16
    } else {
        t::YYDEFGOTO[(lhs - t::NTOKENS) as usize] as u16
    };
    stack.push(next);
}

/// `yysyntax_error_`: the unexpected token and, when at most four, the expected ones.
fn report(state: u16, tok: Token) -> (String, usize) {
    if tok.kind < 0 {
        return ("syntax error".into(), tok.at);
    }
    let mut expected = Vec::new();
    let n = t::YYPACT[state as usize] as i32;
    if n != t::PACT_NINF as i32 {
        let begin = if n < 0 { -n } else { 0 };
        let end = (t::LAST - n + 1).min(t::NTOKENS);
        for x in begin..end {
            let i = (x + n) as usize;
            if t::YYCHECK[i] as i32 == x && x != 1 && t::YYTABLE[i] != t::TABLE_NINF {
                if expected.len() == 4 {
                    expected.clear();
                    break;
                }
                expected.push(t::SYMBOL_NAMES[x as usize]);
            }
        }
    }
    let mut msg = format!("syntax error, unexpected {}", t::SYMBOL_NAMES[tok.kind as usize]);
    if !expected.is_empty() {
        msg.push_str(", expecting ");
        msg.push_str(&expected.join(" or "));
    }
    (msg, tok.at)
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Initial,
    Default,
    String,
    IndString,
    InPath,
    InPathSlash,
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
    states: Vec<State>,
    /// The last runs of path characters and of URI scheme characters scanned (start, end):
    /// every token inside a run looks ahead to its end, so `1+1+...` and `a.a...` rescanned
    /// the rest of the run at each token (quadratic: 40,000 terms took 4 s).
    path_run: Cell<(usize, usize)>,
    scheme_run: Cell<(usize, usize)>,
    /// A position from which no `*/` follows (found by a failed search), so that a run of
    /// unterminated `/*` is not searched again at each one.
    no_comment_end_from: usize,
}

fn is_path_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'+')
}

fn is_id_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_id_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'\'' | b'-')
}

fn is_scheme_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')
}

fn is_uri_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"%/?:@&=+$,-_.!~*'".contains(&c)
}

impl Lexer<'_> {
    fn at(&self, k: usize) -> Option<u8> {
        self.s.get(self.i + k).copied()
    }

    fn state(&self) -> State {
        *self.states.last().expect("never empty")
    }

    fn pop(&mut self) {
        if self.states.len() > 1 {
            self.states.pop();
        }
    }

    fn token(&mut self, kind: i32, len: usize) -> Result<Token, (String, usize)> {
        let tok = Token { kind, at: self.i };
        self.i += len;
        Ok(tok)
    }

    fn next(&mut self) -> Result<Token, (String, usize)> {
        match self.state() {
            State::Initial | State::Default => self.next_default(),
            State::String => self.next_string(),
            State::IndString => self.next_ind_string(),
            State::InPath | State::InPathSlash => self.next_in_path(),
        }
    }

    /// Length of `{PATH_CHAR}+` from `k`.
    fn path_chars(&self, k: usize) -> usize {
        self.run_from(self.i + k, &self.path_run, is_path_char)
    }

    /// How many bytes from `at` on satisfy `pred`, remembered in `run` for later
    /// positions inside the same run.
    fn run_from(&self, at: usize, run: &Cell<(usize, usize)>, pred: fn(u8) -> bool) -> usize {
        let at = at.min(self.s.len());
        let (start, end) = run.get();
        if start <= at && at < end {
            return end - at;
        }
        let len = self.s[at..].iter().take_while(|c| pred(**c)).count();
        run.set((at, at + len));
        len
    }

    /// `(\/{PATH_CHAR}+)+\/?` from `k`: its length.
    fn path_tail(&self, mut k: usize) -> usize {
        let start = k;
        while self.at(k) == Some(b'/') && self.path_chars(k + 1) > 0 {
            k += 1 + self.path_chars(k + 1);
        }
        if k > start && self.at(k) == Some(b'/') {
            k += 1;
        }
        k - start
    }

    fn next_default(&mut self) -> Result<Token, (String, usize)> {
        // Whitespace and comments.
        loop {
            match self.at(0) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.i += 1,
                Some(b'#') => {
                    while !matches!(self.at(0), None | Some(b'\r' | b'\n')) {
                        self.i += 1;
                    }
                }
                Some(b'/') if self.at(1) == Some(b'*') => {
                    let rest = &self.s[self.i + 2..];
                    let end = if self.i + 2 >= self.no_comment_end_from {
                        None
                    } else {
                        rest.windows(2).position(|w| w == b"*/")
                    };
                    match end {
                        Some(p) => self.i += 2 + p + 2,
                        // An unterminated comment is `/` then `*`.
                        None => {
                            self.no_comment_end_from = self.no_comment_end_from.min(self.i + 2);
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
        let Some(c) = self.at(0) else {
            return Ok(Token {
                kind: S_EOF,
                at: self.s.len(),
            });
        };
        // Longest match; on a tie the earlier rule of lexer.l wins.
        let mut best: (usize, i32) = (1, -1);
        let mut consider = |len: usize, kind: i32| {
            if len > best.0 || (len == best.0 && best.1 == -1) {
                best = (len, kind);
            }
        };
        for (op, kind) in OPERATORS {
            if self.s[self.i..].starts_with(op.as_bytes()) {
                consider(op.len(), kind);
            }
        }
        if is_id_start(c) {
            let len = self.s[self.i..].iter().take_while(|c| is_id_char(**c)).count();
            let word = &self.s[self.i..self.i + len];
            let kind = KEYWORDS
                .iter()
                .find(|(k, _)| k.as_bytes() == word)
                .map_or(S_ID, |k| k.1);
            consider(len, kind);
        }
        let digits = self.s[self.i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            consider(digits, S_INT);
        }
        if let Some(len) = self.float_len() {
            consider(len, S_FLOAT);
        }
        // `{PATH_SEG}\$\{` and `{HPATH_START}\$\{` (rule 1000: a path with interpolation).
        let seg = self.path_chars(0);
        if self.at(seg) == Some(b'/') && self.at(seg + 1) == Some(b'$') && self.at(seg + 2) == Some(b'{') {
            consider(seg + 3, 1000);
        }
        if c == b'~' && self.at(1) == Some(b'/') && self.at(2) == Some(b'$') && self.at(3) == Some(b'{') {
            consider(4, 1001);
        }
        let tail = self.path_tail(seg);
        if tail > 0 && !(tail == 1 && seg == 0) {
            consider(seg + tail, S_PATH);
        }
        if c == b'~' {
            let tail = self.path_tail(1);
            if tail > 1 {
                consider(1 + tail, S_HPATH);
            }
        }
        if c == b'<' {
            let mut k = 1 + self.path_chars(1);
            if k > 1 {
                while self.at(k) == Some(b'/') && self.path_chars(k + 1) > 0 {
                    k += 1 + self.path_chars(k + 1);
                }
                if self.at(k) == Some(b'>') {
                    consider(k + 1, S_SPATH);
                }
            }
        }
        if c.is_ascii_alphabetic() {
            let scheme = 1 + self.run_from(self.i + 1, &self.scheme_run, is_scheme_char);
            if self.at(scheme) == Some(b':') {
                let rest = self.s[self.i + scheme + 1..]
                    .iter()
                    .take_while(|c| is_uri_char(**c))
                    .count();
                if rest > 0 {
                    consider(scheme + 1 + rest, S_URI);
                }
            }
        }
        if c == b'\'' && self.at(1) == Some(b'\'') {
            let spaces = self.s[self.i + 2..].iter().take_while(|c| **c == b' ').count();
            let len = if self.at(2 + spaces) == Some(b'\n') {
                3 + spaces
            } else {
                2
            };
            consider(len, S_IND_OPEN);
        }
        let (len, kind) = best;
        match kind {
            -1 => self.single(c),
            1000 | 1001 => {
                // PATH_START: the segment is a PATH (or HPATH) that ends in a slash.
                let len = if kind == 1000 { seg + 1 } else { 2 };
                self.states.push(State::InPathSlash);
                self.token(if kind == 1000 { S_PATH } else { S_HPATH }, len)
            }
            S_PATH | S_HPATH => {
                let slash = self.s[self.i + len - 1] == b'/';
                self.states.push(if slash { State::InPathSlash } else { State::InPath });
                self.token(kind, len)
            }
            S_DOLLAR_CURLY => {
                self.states.push(State::Default);
                self.token(kind, len)
            }
            S_IND_OPEN => {
                self.states.push(State::IndString);
                self.token(kind, len)
            }
            32 | 33 => Err((
                "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it".into(),
                self.i,
            )),
            S_INT => {
                let text = std::str::from_utf8(&self.s[self.i..self.i + len]).unwrap_or("");
                if text.parse::<i64>().is_err() {
                    return Err((format!("invalid integer '{text}'"), self.i));
                }
                self.token(kind, len)
            }
            _ => self.token(kind, len),
        }
    }

    /// `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?`
    fn float_len(&self) -> Option<usize> {
        let digits_from = |k: usize| {
            self.s[(self.i + k).min(self.s.len())..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count()
        };
        let mut k = match self.at(0)? {
            b'1'..=b'9' => {
                let d = digits_from(0);
                if self.at(d) != Some(b'.') {
                    return None;
                }
                d + 1 + digits_from(d + 1)
            }
            b'0' | b'.' => {
                let dot = usize::from(self.at(0) == Some(b'0'));
                if self.at(dot) != Some(b'.') || digits_from(dot + 1) == 0 {
                    return None;
                }
                dot + 1 + digits_from(dot + 1)
            }
            _ => return None,
        };
        if matches!(self.at(k), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.at(k + 1), Some(b'+' | b'-')));
            let d = digits_from(k + 1 + sign);
            if d > 0 {
                k += 1 + sign + d;
            }
        }
        Some(k)
    }

    /// A single character: `{`, `}`, `"` change the lexer state; anything else is its
    /// own token (Bison's "invalid token" when the grammar has no such character).
    fn single(&mut self, c: u8) -> Result<Token, (String, usize)> {
        match c {
            b'{' => self.states.push(State::Default),
            b'}' if self.state() != State::Initial => self.pop(),
            b'"' => self.states.push(State::String),
            _ => {}
        }
        let kind = if (c as i32) <= t::CODE_MAX {
            t::TRANSLATE_TABLE[c as usize] as i32
        } else {
            S_UNDEF
        };
        self.token(kind, 1)
    }

    fn next_string(&mut self) -> Result<Token, (String, usize)> {
        let mut k = 0;
        loop {
            match self.at(k) {
                None | Some(b'"') => break,
                Some(b'\\') => {
                    if self.at(k + 1).is_none() {
                        break;
                    }
                    k += 2;
                }
                Some(b'$') => match self.at(k + 1) {
                    Some(b'{') | None => break,
                    Some(b'"') => {
                        k += 1;
                        break;
                    }
                    Some(b'\\') => {
                        if self.at(k + 2).is_none() {
                            break;
                        }
                        k += 3;
                    }
                    Some(_) => k += 2,
                },
                Some(_) => k += 1,
            }
        }
        if k > 0 {
            return self.token(S_STR, k);
        }
        match (self.at(0), self.at(1)) {
            (Some(b'$'), Some(b'{')) => {
                self.states.push(State::Default);
                self.token(S_DOLLAR_CURLY, 2)
            }
            (Some(b'"'), _) => {
                self.pop();
                self.token(t::TRANSLATE_TABLE[b'"' as usize] as i32, 1)
            }
            // `$` or `\` at the end of the input: lexer.l returns end of file there.
            (Some(_), _) => Ok(Token {
                kind: S_EOF,
                at: self.i,
            }),
            (None, _) => Ok(Token {
                kind: S_EOF,
                at: self.s.len(),
            }),
        }
    }

    fn next_ind_string(&mut self) -> Result<Token, (String, usize)> {
        let mut k = 0;
        loop {
            match (self.at(k), self.at(k + 1)) {
                (Some(b'$'), Some(c)) if c != b'{' && c != b'\'' => k += 2,
                (Some(b'\''), Some(c)) if c != b'\'' && c != b'$' => k += 2,
                (Some(c), _) if c != b'$' && c != b'\'' => k += 1,
                _ => break,
            }
        }
        if k > 0 {
            return self.token(S_IND_STR, k);
        }
        match (self.at(0), self.at(1), self.at(2)) {
            (None, _, _) => Ok(Token {
                kind: S_EOF,
                at: self.s.len(),
            }),
            (Some(b'\''), Some(b'\''), Some(b'$' | b'\'')) => self.token(S_IND_STR, 3),
            (Some(b'\''), Some(b'\''), Some(b'\\')) => {
                let len = if self.at(3).is_some() { 4 } else { 2 };
                if len == 2 {
                    self.pop();
                    return self.token(S_IND_CLOSE, 2);
                }
                self.token(S_IND_STR, len)
            }
            (Some(b'$'), Some(b'{'), _) => {
                self.states.push(State::Default);
                self.token(S_DOLLAR_CURLY, 2)
            }
            (Some(b'\''), Some(b'\''), _) => {
                self.pop();
                self.token(S_IND_CLOSE, 2)
            }
            _ => self.token(S_IND_STR, 1),
        }
    }

    fn next_in_path(&mut self) -> Result<Token, (String, usize)> {
        if self.at(0) == Some(b'$') && self.at(1) == Some(b'{') {
            self.pop();
            self.states.push(State::InPath);
            self.states.push(State::Default);
            return self.token(S_DOLLAR_CURLY, 2);
        }
        // `{PATH}|{PATH_SEG}|{PATH_CHAR}+`
        let seg = self.path_chars(0);
        let mut len = seg;
        let tail = self.path_tail(seg);
        if tail > 0 {
            len = seg + tail;
        } else if self.at(seg) == Some(b'/') {
            len = seg + 1;
        }
        if len > 0 {
            self.pop();
            let slash = self.s[self.i + len - 1] == b'/';
            self.states.push(if slash { State::InPathSlash } else { State::InPath });
            return self.token(S_STR, len);
        }
        if self.state() == State::InPathSlash {
            return Err(("path has a trailing slash".into(), self.i));
        }
        self.pop();
        Ok(Token {
            kind: S_PATH_END,
            at: self.i,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{end_at_nul, syntax_error};

    fn msg(text: &str) -> Option<String> {
        syntax_error(text).map(|(m, _)| m)
    }

    #[test]
    fn accepts_nix() {
        for ok in [
            "1",
            "{ a = 1; inherit b; inherit (c) d; }",
            "x: { y ? 1, ... }@z: x.y or 2",
            "let a = \"x${b}y\"; in ''a ''${x} ${y}''",
            "./a/${b}/c ~/x <nixpkgs/lib> http://e.org/x",
            "if a then b else c",
            "[ 1.5 .5 1e3 a.b ]",
            "/* c */ a # d\n+ b",
        ] {
            assert_eq!(msg(ok), None, "{ok}");
        }
    }

    /// Long runs of path or scheme characters and of unterminated `/*`, each token of which
    /// looked ahead to the run's end (Nix 2.8 words the first two the same, and takes 43 s
    /// and 10 s for them).
    #[test]
    fn long_runs_are_lexed_once() {
        let terms = "1+".repeat(40_000) + ";";
        assert_eq!(
            syntax_error(&terms),
            Some(("syntax error, unexpected ';'".into(), 80_000))
        );
        let selects = "x.".repeat(40_000) + ";";
        assert!(msg(&selects).unwrap().starts_with("syntax error, unexpected ';'"));
        let schemes = "a+".repeat(40_000) + ";";
        assert_eq!(msg(&schemes).unwrap(), "syntax error, unexpected ';'");
        let comments = "/*".repeat(40_000);
        assert_eq!(
            syntax_error(&comments),
            Some(("syntax error, unexpected '*'".into(), 5))
        );
    }

    #[test]
    fn words_errors_as_bison() {
        assert_eq!(
            msg("if 1 else").unwrap(),
            "syntax error, unexpected 'else', expecting 'then'"
        );
        assert_eq!(msg("&& true").unwrap(), "syntax error, unexpected '&&'");
        assert_eq!(
            msg("a.assert").unwrap(),
            "syntax error, unexpected 'assert', expecting identifier or 'or' or '${' or '\"'"
        );
        assert_eq!(msg("(\n").unwrap(), "syntax error, unexpected end of file");
        assert_eq!(
            msg("a 1\"$").unwrap(),
            "syntax error, unexpected end of file, expecting '\"'"
        );
        assert_eq!(
            syntax_error("123 é").unwrap(),
            (
                "syntax error, unexpected invalid token, expecting end of file".into(),
                4
            )
        );
        assert_eq!(msg("./a/ 1").unwrap(), "path has a trailing slash");
        // Only ` `, tab, CR and newline are white space.
        for space in ["\x0b", "\x0c", "\u{a0}", "\u{3000}"] {
            assert_eq!(
                syntax_error(&format!("1 +{space}2")).unwrap(),
                ("syntax error, unexpected invalid token".into(), 3)
            );
        }
    }

    #[test]
    fn nul_ends_the_input() {
        assert_eq!(end_at_nul("1\0 + ]"), Some(1));
        assert_eq!(end_at_nul("\"a\0\"\0)"), Some(4));
        assert_eq!(end_at_nul("1 + 2"), None);
        assert_eq!(end_at_nul("1 +\0 2"), None);
        assert_eq!(msg("1 +\0 2").unwrap(), "syntax error, unexpected end of file");
    }
}
