//! No input may panic the parser or the lowering: random text, random token soup, and
//! mutations of valid programs all give an expression or a ParseError.

use proptest::prelude::*;
use rnix_eval_parser::{parse_and_lower, Origin, Symbol};
use rustc_hash::FxHashMap;

fn globals() -> FxHashMap<Symbol, u32> {
    [
        "builtins",
        "true",
        "false",
        "null",
        "map",
        "toString",
        "__findFile",
        "__nixPath",
        "__sub",
        "__mul",
        "__div",
        "__lessThan",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| (Symbol::intern(n), i as u32))
    .collect()
}

fn check(text: &str) {
    let g = globals();
    let _ = parse_and_lower(Origin::String, "/tmp".into(), text, &g);
}

const TOKENS: &[&str] = &[
    "let",
    "in",
    "rec",
    "with",
    "inherit",
    "if",
    "then",
    "else",
    "assert",
    "or",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ";",
    ":",
    ",",
    ".",
    "...",
    "@",
    "?",
    "=",
    "==",
    "!=",
    "+",
    "-",
    "*",
    "/",
    "++",
    "//",
    "->",
    "&&",
    "||",
    "!",
    "<",
    ">",
    "<=",
    ">=",
    "x",
    "y",
    "a.b",
    "1",
    "2.5",
    ".5",
    "1e3",
    "\"s\"",
    "\"${",
    "''",
    "''$",
    "'''",
    "${",
    "./p",
    "~/h",
    "<nixpkgs>",
    "http://u.rl",
    "#c\n",
    "/*c*/",
    "__curPos",
    " ",
    "\n",
    "\"",
    "\\",
    "$",
    "'",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(s in "\\PC{0,200}") {
        check(&s);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup_never_panics(idx in proptest::collection::vec(0..TOKENS.len(), 0..60)) {
        let text: Vec<&str> = idx.into_iter().map(|i| TOKENS[i]).collect();
        check(&text.join(" "));
        check(&text.concat());
    }

    #[test]
    fn truncated_programs_never_panic(cut in 0usize..400) {
        let program = r#"let f = { a ? 1, b, ... }@args: rec { x = a + b; y = ''
            ${toString x} ''${not} '''q'''
          ''; inherit (args) b; z.w."q r" = [ ./p ~/h <nixpkgs> http://x.y ]; };
          in with builtins; assert true -> false || !true; (f { b = 2; }).x or null"#;
        let cut = cut.min(program.len());
        if program.is_char_boundary(cut) {
            check(&program[..cut]);
        }
    }
}
