//! `match` and `split`: POSIX extended regular expressions as libstdc++'s `std::regex`
//! (`std::regex::extended`) reads them and as its depth-first executor (`_Executor<...,
//! __dfs_mode=true>`, the one `regex_match`/`regex_search` use) runs them.
//!
//! Parsing follows libstdc++'s scanner and compiler, byte by byte:
//! - escapes: only `\` before one of `.[\()*+?{|^$` is allowed (libstdc++'s
//!   `_M_extended_spec_char`: so `\]`, `\}`, `\d`, `\n` and back-references are
//!   invalid, as in Nix);
//! - brackets: `]` first is literal, `\` is literal, `[:class:]` (including libstdc++'s
//!   `d`, `w`, `s`), `[.name.]` and `[=name=]` with POSIX collating names, ranges
//!   compared as signed `char`s; everything becomes an explicit byte set;
//! - a quantifier needs something to repeat (not after `(`, `|`, `^`, `$` or at the
//!   start); stacked quantifiers (`a**`, `a+?`) repeat the repetition (no lazy
//!   quantifiers in POSIX); `{` must start a valid bound, a lone `}` is literal;
//! - `.` is any byte, newlines included (libstdc++'s POSIX `_AnyMatcher` excludes NUL,
//!   which a Nix string cannot contain);
//! - the automaton may not exceed libstdc++'s 100000 states, counted as its compiler
//!   inserts them (`{n,m}` clones its operand, leaving the original unused), else
//!   "memory limit exceeded".
//!
//! Matching reproduces the executor exactly. The pattern becomes an automaton of the
//! same shape as libstdc++'s (group 0 around everything, `a|b|c` as nested
//! alternative states tried left first, `*`/`+`/`?`/`{n,m}` as greedy repeat states
//! with clones for bounds, group begin/end, `^`/`$`, byte sets, accept), run with the
//! same depth-first order, on an explicit heap stack (libstdc++ recurses once per
//! subject byte; Nix 2.8 can crash on long subjects, this cannot):
//! - an alternative explores BOTH sides, even after the left one accepted, and an accept
//!   only replaces the recorded result if it ends strictly further ("POSIX longest",
//!   `_M_handle_accept`): the longest match wins, with the captures of the first path
//!   that reached that length (`split "a|ab" "xabx"` splits at `ab`);
//! - a repeat state tries its body, then (only if nothing accepted yet) what follows;
//!   per repeat state a (position, count) pair lets its body run at most twice at the
//!   same position (`_M_rep_once_more`), so a body that matched empty gets one extra
//!   pass (`match "(a*)*" "aa"` captures `""`);
//! - once something accepted, only the right sides of alternatives still being
//!   unwound are explored (with the "accepted" flag cleared, then or-ed back), so a
//!   repeat never tries a lower-priority continuation after an accepted one, while an
//!   alternative's later side can still win by being longer;
//! - captures are set on group begin/end and undone on backtracking; the result is a
//!   copy of them at the winning accept; `^` holds only at offset 0 and `$` only at the
//!   end (no multiline).
//!
//! `match` is `regex_match` (an accept counts only at the end of the subject). `split`
//! walks matches as `regex_iterator` does: a search tries each start offset in turn;
//! after an empty match it first retries at the same offset with `match_not_null |
//! match_continuous` (an accept at the start offset does not count), then searches from
//! the next byte.
//!
//! Speed: every pattern is also translated to the `regex` crate (bytes, Unicode off).
//! Whether a match exists, and the leftmost offset where one starts, do not depend on
//! the executor's preferences, so the crate answers "no match" for `match` and finds
//! the next start offset for `split` (the executor then runs only there). When the
//! pattern has no `|` and no quantifier whose operand can match the empty string, the
//! executor's only choices are greedy repeats of non-empty bodies, so its first
//! accepting path (and no other is ever recorded: nothing but an alternative explores
//! past an accept, and the repeat-count limit never triggers) is the crate's
//! leftmost-first match: such patterns run entirely in the crate. Compiled patterns are
//! cached, as Nix caches them.

use crate::error::EvalResult;
use crate::rc::{Rc, Retire};
use crate::value::Value;
use crate::{bail, Evaluator};
use regex::bytes::Regex;
use rnix_eval_parser::Span;
use rustc_hash::FxHashMap;
use std::cell::{OnceCell, RefCell};
use std::fmt::Write;

/// A compiled pattern. The crate's two automata and the executor's are built on first
/// use: `match` needs only `whole`, `split` only `search` (building both was half of
/// the time of a program matching 80,000 distinct patterns).
struct Compiled {
    /// The pattern in the `regex` crate's syntax.
    translated: String,
    ast: Ast,
    /// For `split`: matches anywhere (`None` if the crate cannot compile the pattern).
    search: OnceCell<Option<Regex>>,
    /// For `match`: the whole string.
    whole: OnceCell<Option<Regex>>,
    nfa: OnceCell<Nfa>,
    /// The pattern is a literal, maybe between `.*`s (`lib.hasInfix`'s `.*${escapeRegex
    /// infix}.*`): `match` compares bytes.
    literal: Option<Literal>,
}

impl Retire for Compiled {}

impl Compiled {
    fn search(&self) -> Option<&Regex> {
        self.search
            .get_or_init(|| build(format!("(?s-u){}", self.translated)))
            .as_ref()
    }

    fn whole(&self) -> Option<&Regex> {
        self.whole
            .get_or_init(|| build(format!("(?s-u)^(?:{})$", self.translated)))
            .as_ref()
    }

    fn nfa(&self) -> &Nfa {
        self.nfa.get_or_init(|| Nfa::new(&self.ast))
    }

    /// Capture groups, group 0 included (the crate forgets groups under `{0}`).
    fn groups(&self) -> usize {
        self.ast.groups as usize
    }
}

/// The translation is valid `regex` syntax; the crate may still refuse it for its own
/// limits (size, nesting), and then the executor does everything.
fn build(pattern: String) -> Option<Regex> {
    regex::bytes::RegexBuilder::new(&pattern)
        .size_limit(64 << 20)
        .nest_limit(1000)
        .build()
        .ok()
}

/// `.*`? LITERAL `.*`?: what a whole-string match of it means.
struct Literal {
    any_before: bool,
    text: Vec<u8>,
    any_after: bool,
}

impl Literal {
    /// The pattern as a literal: only ordinary bytes and escaped special ones (`\.`),
    /// optionally after and before `.*` (`.` matches every byte: Nix strings hold no NUL).
    fn of(p: &[u8]) -> Option<Literal> {
        let (any_before, rest) = match p.strip_prefix(b".*") {
            Some(rest) => (true, rest),
            None => (false, p),
        };
        let (any_after, body) = match rest.strip_suffix(b".*") {
            Some(body) => (true, body),
            None => (false, rest),
        };
        let mut text = Vec::with_capacity(body.len());
        let mut bytes = body.iter();
        while let Some(&b) = bytes.next() {
            match b {
                b'\\' => match bytes.next() {
                    Some(&e) if ESCAPABLE.contains(&e) => text.push(e),
                    _ => return None,
                },
                // Every escapable character is special unescaped, and so are `]` and `}`.
                b if ESCAPABLE.contains(&b) || matches!(b, b']' | b'}') => return None,
                _ => text.push(b),
            }
        }
        Some(Literal {
            any_before,
            text,
            any_after,
        })
    }

    fn matches(&self, hay: &[u8]) -> bool {
        match (self.any_before, self.any_after) {
            (false, false) => hay == self.text,
            (true, false) => hay.ends_with(&self.text),
            (false, true) => hay.starts_with(&self.text),
            (true, true) => memchr::memmem::find(hay, &self.text).is_some(),
        }
    }
}

/// What a backslash may escape in libstdc++'s extended grammar.
const ESCAPABLE: &[u8] = b".[\\()*+?{|^$";

/// Distinct patterns kept compiled; past it the cache starts over. A pattern with groups
/// costs 20-30 KB once used (the crate's automata and their caches): a program matching
/// each of 80,000 generated patterns once took 990 MB (Nix 2.8: 130 MB).
const CACHE_LIMIT: usize = 1024;

thread_local! {
    static CACHE: RefCell<FxHashMap<Vec<u8>, Rc<Compiled>>> = RefCell::new(FxHashMap::default());
}

enum Invalid {
    Syntax,
    TooBig,
}

fn compile(ev: &mut Evaluator, v: &Value, span: Option<Span>) -> EvalResult<Rc<Compiled>> {
    let re = ev.expect_plain_string(v, span)?;
    if let Some(c) = CACHE.with(|c| c.borrow().get(re.as_bytes()).cloned()) {
        return Ok(c);
    }
    let (translated, ast) = match translate(re.as_bytes()) {
        Ok(t) => t,
        Err(Invalid::Syntax) => bail!(span, "invalid regular expression '{}'", re),
        Err(Invalid::TooBig) => bail!(span, "memory limit exceeded by regular expression '{}'", re),
    };
    let c = Rc::new(Compiled {
        translated,
        literal: Literal::of(re.as_bytes()),
        ast,
        search: OnceCell::new(),
        whole: OnceCell::new(),
        nfa: OnceCell::new(),
    });
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(re.as_bytes().to_vec(), c.clone())
    });
    Ok(c)
}

fn bytes_to_value(b: &[u8]) -> Value {
    Value::string_copy(b)
}

/// Group `k`'s span (0 is the whole match); `None` if it did not participate.
type Spans = Vec<Option<(usize, usize)>>;

fn groups(hay: &[u8], spans: &Spans) -> Value {
    Value::list(
        spans
            .iter()
            .skip(1)
            .map(|m| match m {
                Some((a, b)) => bytes_to_value(&hay[*a..*b]),
                None => Value::Null,
            })
            .collect(),
    )
}

fn crate_spans(caps: &regex::bytes::Captures, groups: usize) -> Spans {
    (0..groups).map(|k| caps.get(k).map(|m| (m.start(), m.end()))).collect()
}

/// The executor works with `u32` offsets (to keep its stack small).
fn check_len(hay: &[u8], span: Option<Span>) -> EvalResult<()> {
    if hay.len() >= NONE as usize {
        bail!(span, "string too long for a regular expression match");
    }
    Ok(())
}

pub(super) fn regex_match(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let re = compile(ev, &a[0], s)?;
    let subject = ev.expect_string(&a[1], s)?;
    let hay = subject.as_bytes();
    if let Some(literal) = &re.literal {
        return Ok(if literal.matches(hay) {
            Value::list(Vec::new())
        } else {
            Value::Null
        });
    }
    let spans = match re.whole() {
        Some(whole) if re.ast.leftmost_first => whole.captures(hay).map(|c| crate_spans(&c, re.groups())),
        Some(whole) if !whole.is_match(hay) => None,
        _ => {
            check_len(hay, s)?;
            Exec::new(re.nfa(), hay).attempt(0, true, false)
        }
    };
    Ok(match spans {
        Some(spans) => groups(hay, &spans),
        None => Value::Null,
    })
}

/// Matches as libstdc++'s `regex_iterator` visits them: after a non-empty match the
/// next search starts at its end; after an empty match, a non-empty match starting
/// right there is tried first, then the search goes on one byte further.
pub(super) fn regex_split(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let re = compile(ev, &a[0], s)?;
    let subject = ev.expect_string(&a[1], s)?;
    let hay = subject.as_bytes();
    let mut out = Vec::new();
    let mut last = 0;
    match re.search().filter(|_| re.ast.leftmost_first) {
        Some(search) => {
            // Here an empty match is never followed by a non-empty one at the same
            // offset: the empty path is the executor's last choice there.
            let mut from = 0;
            while from <= hay.len() {
                let Some(caps) = search.captures_at(hay, from) else {
                    break;
                };
                let m = caps.get(0).expect("group 0 always matches");
                out.push(bytes_to_value(&hay[last..m.start()]));
                out.push(groups(hay, &crate_spans(&caps, re.groups())));
                last = m.end();
                from = if m.is_empty() { m.end() + 1 } else { m.end() };
            }
        }
        None => {
            check_len(hay, s)?;
            let mut exec = Exec::new(re.nfa(), hay);
            let mut next = exec.search(re.search(), 0);
            while let Some(spans) = next {
                let (start, end) = spans[0].expect("group 0 always matches");
                out.push(bytes_to_value(&hay[last..start]));
                out.push(groups(hay, &spans));
                last = end;
                next = if start != end {
                    exec.search(re.search(), end)
                } else if end == hay.len() {
                    None
                } else {
                    match exec.attempt(end, false, true) {
                        Some(spans) => Some(spans),
                        None => exec.search(re.search(), end + 1),
                    }
                };
            }
        }
    }
    if out.is_empty() {
        // No match: Nix returns the subject itself, string context included.
        return Ok(Value::list(vec![Value::String(subject)]));
    }
    out.push(bytes_to_value(&hay[last..]));
    Ok(Value::list(out))
}

// ------------------------------------------------------------------ executor

/// No state / no offset.
const NONE: u32 = u32::MAX;

/// A state of libstdc++'s automaton (its dummy states left out, as its
/// `_M_eliminate_dummy` does).
#[derive(Clone, Copy)]
enum State {
    /// One byte out of a set.
    Match {
        set: u32,
        next: u32,
    },
    /// `alt` first, then `next`.
    Alt {
        alt: u32,
        next: u32,
    },
    /// Greedy repeat: the body `alt` once more, then `next`.
    Repeat {
        alt: u32,
        next: u32,
    },
    Begin {
        group: u32,
        next: u32,
    },
    End {
        group: u32,
        next: u32,
    },
    Bol {
        next: u32,
    },
    Eol {
        next: u32,
    },
    Accept,
}

struct Nfa {
    states: Vec<State>,
    sets: Vec<[bool; 256]>,
    start: u32,
    groups: usize,
}

impl Nfa {
    fn new(ast: &Ast) -> Nfa {
        let mut nfa = Nfa {
            states: Vec::new(),
            sets: ast.sets.clone(),
            start: 0,
            groups: ast.groups as usize,
        };
        let accept = nfa.push(State::Accept);
        let end = nfa.push(State::End { group: 0, next: accept });
        let body = nfa.build(ast, ast.root, end);
        nfa.start = nfa.push(State::Begin { group: 0, next: body });
        nfa
    }

    fn push(&mut self, s: State) -> u32 {
        self.states.push(s);
        (self.states.len() - 1) as u32
    }

    /// States for `node` followed by `next`; returns its first state.
    fn build(&mut self, ast: &Ast, node: u32, next: u32) -> u32 {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || match &ast.nodes[node as usize] {
            Node::Set(set) => self.push(State::Match { set: *set, next }),
            Node::Bol => self.push(State::Bol { next }),
            Node::Eol => self.push(State::Eol { next }),
            Node::Seq(items) => items.iter().rev().fold(next, |n, &item| self.build(ast, item, n)),
            Node::Alt(alts) => {
                let mut first = self.build(ast, alts[0], next);
                for &a in &alts[1..] {
                    let right = self.build(ast, a, next);
                    first = self.push(State::Alt {
                        alt: first,
                        next: right,
                    });
                }
                first
            }
            Node::Group(group, inner) => {
                let end = self.push(State::End { group: *group, next });
                let body = self.build(ast, *inner, end);
                self.push(State::Begin {
                    group: *group,
                    next: body,
                })
            }
            Node::Repeat(body, q) => match *q {
                Quant::Star => self.star(ast, *body, next),
                Quant::Plus => {
                    let r = self.push(State::Repeat { alt: NONE, next });
                    let b = self.build(ast, *body, r);
                    self.states[r as usize] = State::Repeat { alt: b, next };
                    b
                }
                Quant::Opt => {
                    let b = self.build(ast, *body, next);
                    self.push(State::Repeat { alt: b, next })
                }
                Quant::Bound(min, max) => {
                    let mut first = match max {
                        None => self.star(ast, *body, next),
                        Some(max) => {
                            // Each optional copy: a repeat state whose body leads to
                            // the next optional copy, and whose exit goes to the end.
                            let mut t = next;
                            for _ in min..max {
                                let b = self.build(ast, *body, t);
                                t = self.push(State::Repeat { alt: b, next });
                            }
                            t
                        }
                    };
                    for _ in 0..min {
                        first = self.build(ast, *body, first);
                    }
                    first
                }
            },
        })
    }

    fn star(&mut self, ast: &Ast, body: u32, next: u32) -> u32 {
        let r = self.push(State::Repeat { alt: NONE, next });
        let b = self.build(ast, body, r);
        self.states[r as usize] = State::Repeat { alt: b, next };
        r
    }
}

/// The executor's pending work: `Explore` is a call of `_M_dfs`, the others are what
/// the handlers do after their recursive calls return.
#[derive(Clone, Copy)]
enum Frame {
    Explore {
        state: u32,
        pos: u32,
    },
    /// After the repeat's body: its continuation, unless something accepted.
    RepeatNext {
        next: u32,
        pos: u32,
    },
    RestoreRep {
        state: u32,
        pos: u32,
        count: u8,
    },
    DecRep {
        state: u32,
    },
    RestoreBegin {
        group: u32,
        pos: u32,
    },
    RestoreEnd {
        group: u32,
        pos: u32,
    },
    /// After an alternative's left side: its right side, from scratch.
    AltRight {
        next: u32,
        pos: u32,
    },
    /// After an alternative's right side: whether the left side had accepted.
    AltDone {
        had: bool,
    },
}

struct Exec<'a> {
    nfa: &'a Nfa,
    hay: &'a [u8],
    /// Per group: begin and end offsets (`NONE` end: not matched).
    begin: Vec<u32>,
    end: Vec<u32>,
    /// The recorded result (`_M_results`).
    best: Vec<(u32, u32)>,
    /// Per state: `_M_rep_count` (offset, count).
    rep: Vec<(u32, u8)>,
    stack: Vec<Frame>,
}

impl<'a> Exec<'a> {
    fn new(nfa: &'a Nfa, hay: &'a [u8]) -> Exec<'a> {
        Exec {
            nfa,
            hay,
            begin: vec![NONE; nfa.groups],
            end: vec![NONE; nfa.groups],
            best: Vec::new(),
            rep: vec![(NONE, 0); nfa.states.len()],
            stack: Vec::new(),
        }
    }

    /// `_M_search` from `from` (with `match_prev_avail` past offset 0, which only
    /// matters to `^`): the first start offset with a match. The crate's search, when
    /// available, skips the offsets where no match starts.
    fn search(&mut self, prefilter: Option<&Regex>, mut from: usize) -> Option<Spans> {
        while from <= self.hay.len() {
            if let Some(pre) = prefilter {
                from = pre.find_at(self.hay, from)?.start();
            }
            if let Some(spans) = self.attempt(from, false, false) {
                return Some(spans);
            }
            from += 1;
        }
        None
    }

    /// One run of the executor from `start` (`_M_main_dispatch` in DFS mode): `exact`
    /// for `regex_match`, `not_null` for `match_not_null`.
    fn attempt(&mut self, start: usize, exact: bool, not_null: bool) -> Option<Spans> {
        let nfa = self.nfa;
        let hay = self.hay;
        let len = hay.len() as u32;
        let start = start as u32;
        self.begin.fill(NONE);
        self.end.fill(NONE);
        let mut has_sol = false;
        let mut sol_pos = NONE;
        self.stack.clear();
        self.stack.push(Frame::Explore {
            state: nfa.start,
            pos: start,
        });
        while let Some(frame) = self.stack.pop() {
            match frame {
                Frame::Explore { state, pos } => match nfa.states[state as usize] {
                    State::Match { set, next } => {
                        if pos < len && nfa.sets[set as usize][hay[pos as usize] as usize] {
                            self.stack.push(Frame::Explore {
                                state: next,
                                pos: pos + 1,
                            });
                        }
                    }
                    State::Alt { alt, next } => {
                        self.stack.push(Frame::AltRight { next, pos });
                        self.stack.push(Frame::Explore { state: alt, pos });
                    }
                    State::Repeat { alt, next } => {
                        self.stack.push(Frame::RepeatNext { next, pos });
                        let (at, count) = self.rep[state as usize];
                        if count == 0 || at != pos {
                            self.stack.push(Frame::RestoreRep { state, pos: at, count });
                            self.rep[state as usize] = (pos, 1);
                            self.stack.push(Frame::Explore { state: alt, pos });
                        } else if count < 2 {
                            self.rep[state as usize].1 += 1;
                            self.stack.push(Frame::DecRep { state });
                            self.stack.push(Frame::Explore { state: alt, pos });
                        }
                    }
                    State::Begin { group, next } => {
                        let g = group as usize;
                        self.stack.push(Frame::RestoreBegin {
                            group,
                            pos: self.begin[g],
                        });
                        self.begin[g] = pos;
                        self.stack.push(Frame::Explore { state: next, pos });
                    }
                    State::End { group, next } => {
                        let g = group as usize;
                        self.stack.push(Frame::RestoreEnd {
                            group,
                            pos: self.end[g],
                        });
                        self.end[g] = pos;
                        self.stack.push(Frame::Explore { state: next, pos });
                    }
                    State::Bol { next } => {
                        if pos == 0 {
                            self.stack.push(Frame::Explore { state: next, pos });
                        }
                    }
                    State::Eol { next } => {
                        if pos == len {
                            self.stack.push(Frame::Explore { state: next, pos });
                        }
                    }
                    State::Accept => {
                        has_sol = (!exact || pos == len) && !(not_null && pos == start);
                        if has_sol && (sol_pos == NONE || sol_pos < pos) {
                            sol_pos = pos;
                            self.best.clear();
                            self.best
                                .extend(self.begin.iter().copied().zip(self.end.iter().copied()));
                        }
                    }
                },
                Frame::RepeatNext { next, pos } => {
                    if !has_sol {
                        self.stack.push(Frame::Explore { state: next, pos });
                    }
                }
                Frame::RestoreRep { state, pos, count } => self.rep[state as usize] = (pos, count),
                Frame::DecRep { state } => self.rep[state as usize].1 -= 1,
                Frame::RestoreBegin { group, pos } => self.begin[group as usize] = pos,
                Frame::RestoreEnd { group, pos } => self.end[group as usize] = pos,
                Frame::AltRight { next, pos } => {
                    self.stack.push(Frame::AltDone { had: has_sol });
                    has_sol = false;
                    self.stack.push(Frame::Explore { state: next, pos });
                }
                Frame::AltDone { had } => has_sol |= had,
            }
        }
        if !has_sol {
            return None;
        }
        Some(
            self.best
                .iter()
                .map(|&(b, e)| (e != NONE).then_some((b as usize, e as usize)))
                .collect(),
        )
    }
}

// ------------------------------------------------------------------ translation

const SPECIAL: &[u8] = b".[\\()*+?{|^$";

/// libstdc++'s `_GLIBCXX_REGEX_STATE_LIMIT`: compiling a pattern whose automaton grows
/// past this many states fails with `error_space` (Nix: "memory limit exceeded").
const STATE_LIMIT: u64 = 100_000;

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

/// A quantifier as libstdc++'s compiler distinguishes them (`+` is not `{1,}`: it
/// repeats the same states instead of a clone, which gives the same results, but the
/// automaton is kept the same shape anyway).
#[derive(Clone, Copy)]
enum Quant {
    Star,
    Plus,
    Opt,
    Bound(u32, Option<u32>),
}

/// The parsed pattern, as an arena (no recursive drops on deeply nested patterns).
enum Node {
    /// One byte out of a set (an index into `Ast::sets`).
    Set(u32),
    Bol,
    Eol,
    /// A sequence of terms.
    Seq(Vec<u32>),
    /// Alternatives (each a `Seq`), tried left to right.
    Alt(Vec<u32>),
    /// Capture group `k` around an `Alt`.
    Group(u32, u32),
    Repeat(u32, Quant),
}

/// Per node: libstdc++'s state counts and whether it can match the empty string.
#[derive(Clone, Copy)]
struct Info {
    /// States libstdc++ inserts while compiling the node (including the originals it
    /// leaves unused after cloning them for a `{n,m}`).
    count: u64,
    /// States in the node's sequence (what a clone of it inserts).
    reach: u64,
    nullable: bool,
}

struct Ast {
    nodes: Vec<Node>,
    info: Vec<Info>,
    sets: Vec<[bool; 256]>,
    /// The `Alt` of the whole pattern.
    root: u32,
    /// Capture groups, group 0 included.
    groups: u32,
    /// No `|`, and no quantifier over something that can match empty: libstdc++'s
    /// depth-first search then takes the first accepting path in priority order, which
    /// is the `regex` crate's leftmost-first result (see the module comment).
    leftmost_first: bool,
}

impl Ast {
    fn add(&mut self, node: Node, info: Info) -> u32 {
        self.nodes.push(node);
        self.info.push(info);
        (self.nodes.len() - 1) as u32
    }

    /// A sequence: libstdc++'s `_M_alternative` ends every one with a dummy state.
    fn seq(&mut self, items: Vec<u32>) -> u32 {
        let info = items.iter().fold(
            Info {
                count: 1,
                reach: 1,
                nullable: true,
            },
            |acc, &i| {
                let n = self.info[i as usize];
                Info {
                    count: acc.count.saturating_add(n.count),
                    reach: acc.reach.saturating_add(n.reach),
                    nullable: acc.nullable && n.nullable,
                }
            },
        );
        self.add(Node::Seq(items), info)
    }

    fn alt(&mut self, alts: Vec<u32>) -> u32 {
        // Each `|` adds an alternative state and a dummy end state.
        let extra = 2 * (alts.len() as u64 - 1);
        let info = alts.iter().fold(
            Info {
                count: extra,
                reach: extra,
                nullable: false,
            },
            |acc, &i| {
                let n = self.info[i as usize];
                Info {
                    count: acc.count.saturating_add(n.count),
                    reach: acc.reach.saturating_add(n.reach),
                    nullable: acc.nullable || n.nullable,
                }
            },
        );
        self.add(Node::Alt(alts), info)
    }

    /// The extra states a quantifier inserts, and the new node's info.
    fn repeat(&mut self, body: u32, q: Quant) -> (u32, u64) {
        let b = self.info[body as usize];
        let (count, reach, nullable) = match q {
            Quant::Star => (b.count + 1, b.reach + 1, true),
            Quant::Plus => (b.count + 1, b.reach + 1, b.nullable),
            Quant::Opt => (b.count + 2, b.reach + 2, true),
            Quant::Bound(min, max) => {
                // A dummy start, `min` clones, then either a starred clone or, per
                // optional copy, a clone and a repeat state, and a dummy end.
                let clones = (min as u64).saturating_mul(b.reach);
                let rest = match max {
                    None => b.reach + 1,
                    Some(max) => 1 + ((max - min) as u64).saturating_mul(b.reach + 1),
                };
                let reach = 1u64.saturating_add(clones).saturating_add(rest);
                (b.count.saturating_add(reach), reach, min == 0 || b.nullable)
            }
        };
        if b.nullable {
            self.leftmost_first = false;
        }
        let added = count - b.count;
        (self.add(Node::Repeat(body, q), Info { count, reach, nullable }), added)
    }

    fn set(&mut self, set: [bool; 256]) -> u32 {
        self.sets.push(set);
        let s = (self.sets.len() - 1) as u32;
        self.add(
            Node::Set(s),
            Info {
                count: 1,
                reach: 1,
                nullable: false,
            },
        )
    }
}

/// An open group (or the whole pattern) while parsing.
struct Open {
    /// Offset of its `(` in the `regex` output.
    out_start: usize,
    group: u32,
    alts: Vec<u32>,
    terms: Vec<u32>,
}

/// Parses and validates the pattern as libstdc++ does; gives its `regex`-crate
/// translation and its syntax tree.
fn translate(p: &[u8]) -> Result<(String, Ast), Invalid> {
    let mut ast = Ast {
        nodes: Vec::new(),
        info: Vec::new(),
        sets: Vec::new(),
        root: 0,
        groups: 1,
        leftmost_first: true,
    };
    let mut out = String::new();
    let mut open = vec![Open {
        out_start: 0,
        group: 0,
        alts: Vec::new(),
        terms: Vec::new(),
    }];
    // States libstdc++ has inserted so far (the whole match's start state first).
    let mut total: u64 = 1;
    let mut last = Last::Nothing;
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        i += 1;
        let cur = open.last_mut().expect("the whole pattern is open");
        match c {
            b'*' | b'+' | b'?' | b'{' => {
                let (quant, q) = if c == b'{' {
                    let (s, q, next) = bound(p, i)?;
                    i = next;
                    (s, q)
                } else {
                    let q = match c {
                        b'*' => Quant::Star,
                        b'+' => Quant::Plus,
                        _ => Quant::Opt,
                    };
                    ((c as char).to_string(), q)
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
                let body = cur.terms.pop().expect("a quantifier follows an atom");
                let (node, added) = ast.repeat(body, q);
                open.last_mut().expect("open").terms.push(node);
                total = total.saturating_add(added);
            }
            b'^' | b'$' => {
                out.push(c as char);
                last = Last::Assertion;
                let node = if c == b'^' { Node::Bol } else { Node::Eol };
                let n = ast.add(
                    node,
                    Info {
                        count: 1,
                        reach: 1,
                        nullable: true,
                    },
                );
                cur.terms.push(n);
                total += 1;
            }
            b'|' => {
                out.push('|');
                last = Last::Nothing;
                let terms = std::mem::take(&mut cur.terms);
                // The alternative's closing dummy state, then `|`'s alternative
                // and end states.
                total += 3;
                let seq = ast.seq(terms);
                open.last_mut().expect("open").alts.push(seq);
                ast.leftmost_first = false;
            }
            b'(' => {
                open.push(Open {
                    out_start: out.len(),
                    group: ast.groups,
                    alts: Vec::new(),
                    terms: Vec::new(),
                });
                ast.groups += 1;
                out.push('(');
                last = Last::Nothing;
                total += 1;
            }
            b')' => {
                if open.len() < 2 {
                    return Err(Invalid::Syntax);
                }
                let g = open.pop().expect("checked");
                out.push(')');
                last = Last::Atom(g.out_start);
                let alt = close(&mut ast, g.alts, g.terms, &mut total);
                let b = ast.info[alt as usize];
                let n = ast.add(
                    Node::Group(g.group, alt),
                    Info {
                        count: b.count + 2,
                        reach: b.reach + 2,
                        nullable: b.nullable,
                    },
                );
                open.last_mut().expect("open").terms.push(n);
                total += 1;
            }
            b'[' => {
                let start = out.len();
                let (next, set) = bracket(p, i)?;
                i = next;
                emit_class(&mut out, &set);
                last = Last::Atom(start);
                let n = ast.set(set);
                cur.terms.push(n);
                total += 1;
            }
            b'.' => {
                // Any byte, newlines included. (libstdc++'s POSIX `.` excludes NUL,
                // which Nix strings cannot contain.)
                last = Last::Atom(out.len());
                out.push('.');
                let n = ast.set([true; 256]);
                cur.terms.push(n);
                total += 1;
            }
            b'\\' => {
                let e = *p.get(i).ok_or(Invalid::Syntax)?;
                if !SPECIAL.contains(&e) {
                    return Err(Invalid::Syntax);
                }
                i += 1;
                last = Last::Atom(out.len());
                byte_literal(&mut out, e);
                let mut set = [false; 256];
                set[e as usize] = true;
                let n = ast.set(set);
                cur.terms.push(n);
                total += 1;
            }
            _ => {
                last = Last::Atom(out.len());
                byte_literal(&mut out, c);
                let mut set = [false; 256];
                set[c as usize] = true;
                let n = ast.set(set);
                cur.terms.push(n);
                total += 1;
            }
        }
        if total > STATE_LIMIT {
            return Err(Invalid::TooBig);
        }
    }
    if open.len() != 1 {
        return Err(Invalid::Syntax);
    }
    let top = open.pop().expect("checked");
    ast.root = close(&mut ast, top.alts, top.terms, &mut total);
    // The whole match's end state and the accepting state.
    if total + 2 > STATE_LIMIT {
        return Err(Invalid::TooBig);
    }
    Ok((out, ast))
}

/// Ends the last alternative of a group: the group's `Alt` node.
fn close(ast: &mut Ast, mut alts: Vec<u32>, terms: Vec<u32>, total: &mut u64) -> u32 {
    // The alternative's closing dummy state.
    *total += 1;
    let seq = ast.seq(terms);
    alts.push(seq);
    ast.alt(alts)
}

fn byte_literal(out: &mut String, b: u8) {
    write!(out, "\\x{b:02X}").unwrap();
}

/// `{n}`, `{n,}` or `{n,m}` after the `{` at `i`: the `regex` syntax, the quantifier and
/// the next offset.
fn bound(p: &[u8], mut i: usize) -> Result<(String, Quant, usize), Invalid> {
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
    // libstdc++ stops at 100000 NFA states; such counts exceed it whatever they repeat.
    if min > 100_000 || max.is_some_and(|m| m > 100_000) {
        return Err(Invalid::TooBig);
    }
    let q = match max {
        Some(m) if m == min => format!("{{{min}}}"),
        Some(m) => format!("{{{min},{m}}}"),
        None => format!("{{{min},}}"),
    };
    Ok((q, Quant::Bound(min, max), i + 1))
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

/// A bracket expression after its `[` at `i`, as a byte set (libstdc++'s
/// `_M_expression_term`). Returns the offset after the closing `]` and the set.
fn bracket(p: &[u8], mut i: usize) -> Result<(usize, [bool; 256]), Invalid> {
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
                // In the C locale an equivalence class is its character in either case:
                // libstdc++'s `transform_primary` lowers both sides before comparing.
                let c = collating_element(name).ok_or(Invalid::Syntax)?;
                flush(&mut set, last);
                set[c.to_ascii_lowercase() as usize] = true;
                set[c.to_ascii_uppercase() as usize] = true;
                last = Pending::Class;
            }
            BTok::Class(name) => {
                // libstdc++'s `lookup_classname` lowers the name: `[:ALPHA:]`, `[:D:]`.
                let class = class_bytes(&name.to_ascii_lowercase()).ok_or(Invalid::Syntax)?;
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
    Ok((i, set))
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
    use super::{translate, Invalid};

    /// The largest counts Nix 2.8 accepts (measured with nix-instantiate): one more
    /// exceeds libstdc++'s 100000 states.
    #[test]
    fn state_limit_follows_libstdcxx() {
        for (fits, over) in [
            ("a{99993}", "a{99994}"),
            ("a{99992,}", "a{99993,}"),
            ("a{2,49997}", "a{2,49998}"),
            ("(ab?){14283}", "(ab?){14284}"),
        ] {
            assert!(translate(fits.as_bytes()).is_ok(), "{fits} should compile");
            assert!(
                matches!(translate(over.as_bytes()), Err(Invalid::TooBig)),
                "{over} should be too big"
            );
        }
    }

    #[test]
    fn leftmost_first_rule() {
        let rule = |p: &str| translate(p.as_bytes()).ok().unwrap().1.leftmost_first;
        for p in ["(.*)-(.*)", "a*b+(c)?", "([^/]+)/(.*)", "(ab?)*", "a{0,3}"] {
            assert!(rule(p), "{p} should run in the regex crate");
        }
        for p in ["a|b", "(a*)*", "(a?)+", "(^)*", "(a{0})*", "()?", "(a*){2}"] {
            assert!(!rule(p), "{p} needs the executor");
        }
    }

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
