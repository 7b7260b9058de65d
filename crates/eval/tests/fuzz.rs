//! A bounded mutation fuzzer that runs in CI: inputs seeded from `nix-tests` are mutated
//! (byte flips, insertions of Nix tokens, deletions, truncations, splices) and fed to the
//! parser and lowering, the parse-cache codec (decoding corrupted encodings), `fromJSON`,
//! `fromTOML`, `match`/`split` (the regex translation) and the ATerm parser. No input may
//! panic; errors are fine. Each target runs for `RNIX_FUZZ_SECONDS` (default 3) and the
//! test prints how many inputs it ran. Deterministic: the generator is seeded.

use rnix_eval_core::value::Value;
use rnix_eval_core::{Evaluator, Options};
use rnix_eval_parser::{ast_codec, Origin};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// xorshift64*: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "let ",
    " in ",
    "rec ",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ";",
    "=",
    ":",
    "@",
    "...",
    "?",
    "//",
    "++",
    "+",
    "-",
    "*",
    "/",
    "==",
    "!=",
    "<",
    ">",
    "&&",
    "||",
    "->",
    "!",
    "if ",
    " then ",
    " else ",
    "with ",
    "inherit ",
    "\"",
    "''",
    "${",
    "$",
    "\\",
    ".",
    ",",
    "#",
    "/*",
    "*/",
    "\n",
    "\r",
    "\t",
    "x",
    "1",
    "1.5e308",
    "./a",
    "<p>",
    "~/a",
    "http://e.org/x",
    "\u{0}",
    "\u{FFFD}",
    "é",
    "0x",
    "-9223372036854775808",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            3 => v.truncate(at),
            4 if !v.is_empty() => {
                // Splice a piece of the input into itself (duplicated structure).
                let start = rng.below(v.len());
                let end = (start + rng.below(64)).min(v.len());
                let piece: Vec<u8> = v[start..end].to_vec();
                let at = at.min(v.len());
                v.splice(at..at, piece);
            }
            _ => {
                let n = 1 + rng.below(8);
                v.splice(at..at, std::iter::repeat_n(b'(', n));
            }
        }
    }
    v
}

fn seeds(dir: &Path, ext: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == ext));
    files.sort();
    files
        .into_iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|s| s.len() < 4096)
        .collect()
}

fn budget() -> Duration {
    let secs = std::env::var("RNIX_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    Duration::from_secs_f64(secs)
}

/// Run `target` on mutants of `seeds` until the budget is spent; a panic fails the test
/// and names the input.
fn fuzz(name: &str, seeds: &[Vec<u8>], target: &mut dyn FnMut(&[u8])) -> u64 {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    let start = Instant::now();
    let mut runs = 0u64;
    while start.elapsed() < budget() {
        let pick = rng.below(seeds.len());
        let input = mutate(&mut rng, &seeds[pick]);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&input)));
        if outcome.is_err() {
            panic!("{name}: input {:?} panicked", String::from_utf8_lossy(&input));
        }
        runs += 1;
    }
    println!("fuzz {name}: {runs} inputs, no panic");
    runs
}

fn lang() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../nix-tests/lang")
}

/// Run on a big stack, as the CLI does: lowering and the codec recurse.
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn parser_lowering_and_codec_never_panic() {
    on_big_stack(|| {
        let ev = Evaluator::new(Options::default());
        let seeds = seeds(&lang(), "nix");
        let mut encoded = Vec::new();
        fuzz("parse+lower", &seeds, &mut |input| {
            let text = String::from_utf8_lossy(input);
            if let Ok(expr) =
                rnix_eval_parser::parse_and_lower_embedded(Origin::String, "/tmp".into(), &text, &ev.global_names)
            {
                encoded.clear();
                let _ = ast_codec::encode(&expr, &[], &mut encoded);
            }
        });
        // Corrupted encodings of valid programs: the decoder bounds-checks everything.
        let mut encodings = Vec::new();
        for s in seeds.iter().take(200) {
            let text = String::from_utf8_lossy(s);
            if let Ok(expr) =
                rnix_eval_parser::parse_and_lower_embedded(Origin::String, "/tmp".into(), &text, &ev.global_names)
            {
                let mut out = Vec::new();
                if ast_codec::encode(&expr, &[], &mut out).is_some() {
                    encodings.push(out);
                }
            }
        }
        let file = rnix_eval_parser::source::add_file(Origin::String, "/".into(), "");
        fuzz("codec-decode", &encodings, &mut |input| {
            let _ = ast_codec::decode(input, file);
        });
    });
}

/// `builtins.NAME (the mutated input as a string)`, evaluated to normal form.
fn eval_builtin(ev: &mut Evaluator, name: &str, input: &[u8]) {
    let Some(Value::Attrs(b)) = ev.global("builtins") else {
        panic!("no builtins")
    };
    let f = b.get(rnix_eval_parser::Symbol::intern(name)).cloned().expect("builtin");
    if let Ok(v) = ev.call(f, Value::string(input.to_vec()), None) {
        let _ = ev.force_deep(&v);
    }
}

/// One seed per line.
const JSON_SEEDS: &str = r#"{"a":[1,2.5e300,-0,"\u00e9\ud83d\ude00",{"b":null,"c":true}],"d":"x"}
[1, -9223372036854775808, 1e-400, "\n\t\"", [], {}]
"plain string""#;

const TOML_SEED: &str = r#"a = 1
[b]
c = [1, 2]
d = { e = "f" }
[[g]]
h = 1979-05-27T07:32:00Z
"#;

const TOML_SEED_2: &str = r#"x = 0x7fffffffffffffff
y = 1e400
z = """
multi"""
"q.r" = true
[a.b.c]
d = [[1, 2], ["x"]]
e = -inf
"#;

fn lines(text: &str) -> Vec<Vec<u8>> {
    text.lines().map(|l| l.as_bytes().to_vec()).collect()
}

#[test]
fn json_toml_and_regex_never_panic() {
    on_big_stack(|| {
        let mut ev = Evaluator::new(Options::default());
        let json = lines(JSON_SEEDS);
        fuzz("fromJSON", &json, &mut |input| eval_builtin(&mut ev, "fromJSON", input));
        let toml = vec![TOML_SEED.as_bytes().to_vec(), TOML_SEED_2.as_bytes().to_vec()];
        fuzz("fromTOML", &toml, &mut |input| eval_builtin(&mut ev, "fromTOML", input));
        let patterns: Vec<Vec<u8>> = [
            "(a|b)*c",
            "[[:alpha:]]+([0-9]{2,3})?",
            "^(.*)\\.(nix|json)$",
            "((a*)*)*b",
            "x{0}|(y+)",
        ]
        .iter()
        .map(|p| p.as_bytes().to_vec())
        .collect();
        let subject = Value::string("aab.nix 123 yyyy c");
        fuzz("match/split", &patterns, &mut |input| {
            for name in ["match", "split"] {
                let Some(Value::Attrs(b)) = ev.global("builtins") else {
                    panic!("no builtins")
                };
                let f = b.get(rnix_eval_parser::Symbol::intern(name)).cloned().expect("builtin");
                if let Ok(g) = ev.call(f, Value::string(input.to_vec()), None) {
                    if let Ok(g) = ev.force(&g) {
                        if let Ok(v) = ev.call(g, subject.clone(), None) {
                            let _ = ev.force_deep(&v);
                        }
                    }
                }
            }
        });
    });
}

#[test]
fn aterm_parser_never_panics() {
    let drvs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../nix-tests/drv");
    // `.drvs` files hold `== PATH` lines, each followed by a .drv's text on one line.
    let seeds: Vec<Vec<u8>> = std::fs::read_dir(&drvs)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "drvs"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .flat_map(|t| {
            t.lines()
                .filter(|l| l.starts_with("Derive("))
                .map(|l| l.as_bytes().to_vec())
                .collect::<Vec<_>>()
        })
        .filter(|s| s.len() < 8192)
        .collect();
    fuzz("ATerm", &seeds, &mut |input| {
        let _ = rnix_eval_store::derivation::parse_aterm(input);
    });
}
