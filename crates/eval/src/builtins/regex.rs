//! `match` and `split`: POSIX extended regular expressions as libstdc++'s `std::regex`
//! (`std::regex::extended`) reads them, run by the `regex` crate.
//!
//! The pattern is translated byte by byte into `regex` syntax with Unicode off (so `.`
//! matches one byte, as in Nix) and `.` matching newlines:
//! - escapes: only `\` before one of `^$\.*+?()[]{}|` is allowed (so `\d`, `\n` and
//!   back-references are invalid, as in Nix);
//! - brackets: `]` first is literal, `\` is literal, `[:class:]` (including libstdc++'s
//!   `d`, `w`, `s`), `[.name.]` and `[=name=]` with POSIX collating names, ranges
//!   compared as signed `char`s; everything becomes an explicit byte class;
//! - a quantifier needs something to repeat (not after `(`, `|`, `^`, `$` or at the
//!   start); stacked quantifiers (`a**`, `a+?`) repeat the repetition (no lazy
//!   quantifiers in POSIX); `{` must start a valid bound, a lone `}` is literal.
//!
//! Matching: `match` is leftmost-first over the whole string, which is what libstdc++'s
//! depth-first executor finds; `split` walks matches as `regex_iterator` does. Compiled
//! patterns are cached, as Nix caches them.
//!
//! Not reproduced (libstdc++ executor details the `regex` crate cannot express): in
//! `split`, libstdc++'s POSIX mode tries both sides of every `|` and keeps the longer
//! match (`split "a|ab" "xabx"` splits at `ab`, here at `a`); a starred group that can
//! match empty takes one extra empty iteration there (`match "(a*)*" "aa"` captures
//! `""`, here `"aa"`).

use crate::error::EvalResult;
use crate::value::Value;
use crate::{bail, Evaluator};
use regex::bytes::{Captures, Regex};
use rnix_eval_parser::Span;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;

struct Compiled {
    /// For `split`: matches anywhere.
    search: Regex,
    /// For `match`: the whole string.
    whole: Regex,
}

thread_local! {
    static CACHE: RefCell<FxHashMap<Vec<u8>, Rc<Compiled>>> = RefCell::new(FxHashMap::default());
}

enum Invalid {
    Syntax,
    TooBig,
}

fn compile(ev: &mut Evaluator, v: &Value, span: Option<Span>) -> EvalResult<Rc<Compiled>> {
    let re = ev.expect_string(v, span)?;
    if let Some(c) = CACHE.with(|c| c.borrow().get(re.as_bytes()).cloned()) {
        return Ok(c);
    }
    let build = |pattern: String| {
        regex::bytes::RegexBuilder::new(&pattern)
            .size_limit(64 << 20)
            .build()
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => Invalid::TooBig,
                _ => Invalid::Syntax,
            })
    };
    let compiled = translate(re.as_bytes()).and_then(|t| {
        Ok(Compiled {
            search: build(format!("(?s-u){t}"))?,
            whole: build(format!("(?s-u)^(?:{t})$"))?,
        })
    });
    match compiled {
        Ok(c) => {
            let c = Rc::new(c);
            CACHE.with(|cache| cache.borrow_mut().insert(re.as_bytes().to_vec(), c.clone()));
            Ok(c)
        }
        Err(Invalid::Syntax) => bail!(span, "invalid regular expression '{}'", re),
        Err(Invalid::TooBig) => bail!(span, "memory limit exceeded by regular expression '{}'", re),
    }
}

fn bytes_to_value(b: &[u8]) -> Value {
    Value::string_copy(b)
}

fn groups(caps: &Captures) -> Value {
    Value::list(
        caps.iter()
            .skip(1)
            .map(|m| match m {
                Some(m) => bytes_to_value(m.as_bytes()),
                None => Value::Null,
            })
            .collect(),
    )
}

pub(super) fn regex_match(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let re = compile(ev, &a[0], s)?;
    let subject = ev.expect_string(&a[1], s)?;
    Ok(match re.whole.captures(subject.as_bytes()) {
        Some(caps) => groups(&caps),
        None => Value::Null,
    })
}

/// Matches as libstdc++'s `regex_iterator` visits them: after a non-empty match the
/// next search starts at its end, and may find an empty match right there; after an
/// empty match the search goes on one byte further.
pub(super) fn regex_split(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let re = compile(ev, &a[0], s)?;
    let subject = ev.expect_string(&a[1], s)?;
    let hay = subject.as_bytes();
    let mut out = Vec::new();
    let (mut last, mut from) = (0, 0);
    while from <= hay.len() {
        let Some(caps) = re.search.captures_at(hay, from) else {
            break;
        };
        let m = caps.get(0).expect("group 0 always matches");
        out.push(bytes_to_value(&hay[last..m.start()]));
        out.push(groups(&caps));
        last = m.end();
        from = if m.is_empty() { m.end() + 1 } else { m.end() };
    }
    out.push(bytes_to_value(&hay[last..]));
    Ok(Value::list(out))
}

// ------------------------------------------------------------------ translation

const SPECIAL: &[u8] = b"^$\\.*+?()[]{}|";

/// What the last emitted item was, for where quantifiers may go.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    /// Start of the pattern, of a group, or of an alternative: nothing to repeat.
    Nothing,
    /// `^` or `$`: libstdc++ rejects a quantifier after an assertion.
    Assertion,
    /// An atom, starting at this offset of the output.
    Atom(usize),
    /// A quantified atom starting at this offset (stacking wraps it in a group).
    Quantified(usize),
}

fn translate(p: &[u8]) -> Result<String, Invalid> {
    let mut out = String::new();
    // Per open group: the `Last` to restore once the group closes (its start).
    let mut groups: Vec<usize> = Vec::new();
    let mut last = Last::Nothing;
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        i += 1;
        match c {
            b'*' | b'+' | b'?' | b'{' => {
                let quant = if c == b'{' {
                    let (q, next) = bound(p, i)?;
                    i = next;
                    q
                } else {
                    (c as char).to_string()
                };
                match last {
                    Last::Nothing | Last::Assertion => return Err(Invalid::Syntax),
                    Last::Atom(start) => {
                        out.push_str(&quant);
                        last = Last::Quantified(start);
                    }
                    Last::Quantified(start) => {
                        out.insert_str(start, "(?:");
                        out.push(')');
                        out.push_str(&quant);
                    }
                }
            }
            b'^' | b'$' => {
                out.push(c as char);
                last = Last::Assertion;
            }
            b'|' => {
                out.push('|');
                last = Last::Nothing;
            }
            b'(' => {
                groups.push(out.len());
                out.push('(');
                last = Last::Nothing;
            }
            b')' => {
                let start = groups.pop().ok_or(Invalid::Syntax)?;
                out.push(')');
                last = Last::Atom(start);
            }
            b'[' => {
                let start = out.len();
                i = bracket(p, i, &mut out)?;
                last = Last::Atom(start);
            }
            b'.' => {
                last = Last::Atom(out.len());
                out.push('.');
            }
            b'\\' => {
                let e = *p.get(i).ok_or(Invalid::Syntax)?;
                if !SPECIAL.contains(&e) {
                    return Err(Invalid::Syntax);
                }
                i += 1;
                last = Last::Atom(out.len());
                byte_literal(&mut out, e);
            }
            _ => {
                last = Last::Atom(out.len());
                byte_literal(&mut out, c);
            }
        }
    }
    if !groups.is_empty() {
        return Err(Invalid::Syntax);
    }
    Ok(out)
}

fn byte_literal(out: &mut String, b: u8) {
    write!(out, "\\x{b:02X}").unwrap();
}

/// `{n}`, `{n,}` or `{n,m}` after the `{` at `i`: the `regex` syntax and the next offset.
fn bound(p: &[u8], mut i: usize) -> Result<(String, usize), Invalid> {
    let number = |i: &mut usize| -> Option<u32> {
        let start = *i;
        while *i < p.len() && p[*i].is_ascii_digit() {
            *i += 1;
        }
        std::str::from_utf8(&p[start..*i]).ok()?.parse().ok()
    };
    let min = number(&mut i).ok_or(Invalid::Syntax)?;
    let max = if p.get(i) == Some(&b',') {
        i += 1;
        if p.get(i) == Some(&b'}') {
            None
        } else {
            Some(number(&mut i).ok_or(Invalid::Syntax)?)
        }
    } else {
        Some(min)
    };
    if p.get(i) != Some(&b'}') {
        return Err(Invalid::Syntax);
    }
    if matches!(max, Some(m) if m < min) {
        return Err(Invalid::Syntax);
    }
    // libstdc++ stops at 100000 NFA states; the regex crate's own limit is lower for
    // big counts, and both report it as a size problem.
    if min > 100_000 || max.is_some_and(|m| m > 100_000) {
        return Err(Invalid::TooBig);
    }
    let q = match max {
        Some(m) if m == min => format!("{{{min}}}"),
        Some(m) => format!("{{{min},{m}}}"),
        None => format!("{{{min},}}"),
    };
    Ok((q, i + 1))
}

/// A token inside a bracket expression (libstdc++'s `_M_scan_in_bracket`).
enum BTok<'a> {
    End,
    Dash,
    Char(u8),
    Collating(&'a [u8]),
    Equivalence(&'a [u8]),
    Class(&'a [u8]),
}

fn bracket_token<'a>(p: &'a [u8], i: &mut usize, at_start: bool) -> Result<BTok<'a>, Invalid> {
    let c = *p.get(*i).ok_or(Invalid::Syntax)?;
    *i += 1;
    Ok(match c {
        b'-' => BTok::Dash,
        b'[' if matches!(p.get(*i), Some(b':' | b'.' | b'=')) => {
            let kind = p[*i];
            let start = *i + 1;
            // The name runs to the next `kind`, which must be followed by `]`.
            let end = start + p[start..].iter().position(|&b| b == kind).ok_or(Invalid::Syntax)?;
            if p.get(end + 1) != Some(&b']') {
                return Err(Invalid::Syntax);
            }
            *i = end + 2;
            let name = &p[start..end];
            match kind {
                b':' => BTok::Class(name),
                b'.' => BTok::Collating(name),
                _ => BTok::Equivalence(name),
            }
        }
        b']' if !at_start => BTok::End,
        c => BTok::Char(c),
    })
}

/// The pending single character of a bracket (it may still start a range).
#[derive(Clone, Copy, PartialEq)]
enum Pending {
    Nothing,
    Char(u8),
    Class,
}

/// A bracket expression after its `[` at `i`, as an explicit byte class (libstdc++'s
/// `_M_expression_term`). Returns the offset after the closing `]`.
fn bracket(p: &[u8], mut i: usize, out: &mut String) -> Result<usize, Invalid> {
    let mut set = [false; 256];
    let negate = p.get(i) == Some(&b'^');
    if negate {
        i += 1;
    }
    let mut last = Pending::Nothing;
    let mut tok = bracket_token(p, &mut i, true)?;
    // A leading `-` is an ordinary character.
    if let BTok::Dash = tok {
        tok = BTok::Char(b'-');
    }
    fn flush(set: &mut [bool; 256], last: Pending) {
        if let Pending::Char(c) = last {
            set[c as usize] = true;
        }
    }
    loop {
        match tok {
            BTok::End => break,
            BTok::Char(c) => {
                flush(&mut set, last);
                last = Pending::Char(c);
            }
            BTok::Collating(name) => {
                let c = collating_element(name).ok_or(Invalid::Syntax)?;
                flush(&mut set, last);
                last = Pending::Char(c);
            }
            BTok::Equivalence(name) => {
                // In the C locale an equivalence class is just its character.
                let c = collating_element(name).ok_or(Invalid::Syntax)?;
                flush(&mut set, last);
                set[c as usize] = true;
                last = Pending::Class;
            }
            BTok::Class(name) => {
                let class = class_bytes(name).ok_or(Invalid::Syntax)?;
                flush(&mut set, last);
                (0..=255u8).filter(|&b| class(b)).for_each(|b| set[b as usize] = true);
                last = Pending::Class;
            }
            BTok::Dash => {
                let next = bracket_token(p, &mut i, false)?;
                let hi = match (last, next) {
                    // `-]`: a literal dash at the end.
                    (_, BTok::End) => {
                        flush(&mut set, last);
                        set[b'-' as usize] = true;
                        break;
                    }
                    (Pending::Char(_), BTok::Char(c)) => c,
                    (Pending::Char(_), BTok::Dash) => b'-',
                    // A range must start and end with single characters, and a dash
                    // after a range or class cannot start another.
                    _ => return Err(Invalid::Syntax),
                };
                let Pending::Char(lo) = last else {
                    return Err(Invalid::Syntax);
                };
                // libstdc++ compares plain `char`s, which are signed.
                let (l, h) = (lo as i8, hi as i8);
                if l > h {
                    return Err(Invalid::Syntax);
                }
                (0..=255u8)
                    .filter(|&b| (l..=h).contains(&(b as i8)))
                    .for_each(|b| set[b as usize] = true);
                last = Pending::Nothing;
            }
        }
        tok = bracket_token(p, &mut i, false)?;
    }
    flush(&mut set, last);
    if negate {
        set.iter_mut().for_each(|b| *b = !*b);
    }
    emit_class(out, &set);
    Ok(i)
}

fn emit_class(out: &mut String, set: &[bool; 256]) {
    if !set.iter().any(|&b| b) {
        // Nothing matches (e.g. a negated class of every byte).
        out.push_str(r"[^\x00-\xFF]");
        return;
    }
    out.push('[');
    let mut b = 0usize;
    while b < 256 {
        if set[b] {
            let start = b;
            while b + 1 < 256 && set[b + 1] {
                b += 1;
            }
            write!(out, "\\x{start:02X}-\\x{b:02X}").unwrap();
        }
        b += 1;
    }
    out.push(']');
}

/// The C locale's character classes, plus libstdc++'s `d`, `w` and `s`.
fn class_bytes(name: &[u8]) -> Option<fn(u8) -> bool> {
    Some(match name {
        b"alnum" => |b: u8| b.is_ascii_alphanumeric(),
        b"alpha" => |b: u8| b.is_ascii_alphabetic(),
        b"blank" => |b: u8| b == b' ' || b == b'\t',
        b"cntrl" => |b: u8| b < 0x20 || b == 0x7f,
        b"digit" | b"d" => |b: u8| b.is_ascii_digit(),
        b"graph" => |b: u8| b.is_ascii_graphic(),
        b"lower" => |b: u8| b.is_ascii_lowercase(),
        b"print" => |b: u8| b.is_ascii_graphic() || b == b' ',
        b"punct" => |b: u8| b.is_ascii_punctuation(),
        b"space" | b"s" => |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
        b"upper" => |b: u8| b.is_ascii_uppercase(),
        b"xdigit" => |b: u8| b.is_ascii_hexdigit(),
        b"w" => |b: u8| b.is_ascii_alphanumeric() || b == b'_',
        _ => return None,
    })
}

/// POSIX collating element names (`[.hyphen.]`), as libstdc++'s table of the ASCII
/// characters: control names, punctuation names, and letters/digits by name.
fn collating_element(name: &[u8]) -> Option<u8> {
    #[rustfmt::skip]
    const NAMES: [&str; 128] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "alert", "backspace", "tab", "newline", "vertical-tab",
        "form-feed", "carriage-return", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN",
        "EM", "SUB", "ESC", "IS4", "IS3", "IS2", "IS1", "space", "exclamation-mark", "quotation-mark", "number-sign",
        "dollar-sign", "percent-sign", "ampersand", "apostrophe", "left-parenthesis", "right-parenthesis", "asterisk",
        "plus-sign", "comma", "hyphen", "period", "slash", "zero", "one", "two", "three", "four", "five", "six",
        "seven", "eight", "nine", "colon", "semicolon", "less-than-sign", "equals-sign", "greater-than-sign",
        "question-mark", "commercial-at", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "left-square-bracket", "backslash",
        "right-square-bracket", "circumflex", "underscore", "grave-accent", "a", "b", "c", "d", "e", "f", "g", "h",
        "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
        "left-curly-bracket", "vertical-line", "right-curly-bracket", "tilde", "DEL",
    ];
    NAMES.iter().position(|n| n.as_bytes() == name).map(|i| i as u8)
}

#[cfg(test)]
mod tests {
    use super::translate;

    fn ok(p: &str) -> bool {
        translate(p.as_bytes()).is_ok()
    }

    #[test]
    fn validity_follows_libstdcxx() {
        for p in [
            "a**", "a+?", "()", "a||b", "", "}", "]", "[]a]", "[^]a]", "[%--]", "[-a]", "[a-]", "[\\]",
        ] {
            assert!(ok(p), "{p} should be valid");
        }
        for p in [
            "*a", "a|*b", "^*", "a{", "a{,2}", "a{2,1}", "(", ")", "\\d", "\\1", "[]", "[a", "[z-a]",
        ] {
            assert!(!ok(p), "{p} should be invalid");
        }
        for p in ["[[:digit:]-z]", "[a-c-e]", "[[:word:]]", "[[.-.]]", "a\\"] {
            assert!(!ok(p), "{p} should be invalid");
        }
    }
}
