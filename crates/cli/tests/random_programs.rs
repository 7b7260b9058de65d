//! Differential testing on generated programs: a seeded generator writes well-formed,
//! mostly well-typed Nix programs (arithmetic, strings and interpolation, lists, sets,
//! `rec`, `let`, `with`, lambdas with patterns and defaults, `assert`, `tryEval`,
//! laziness around `throw`, and the list/set/string builtins; a few errors on purpose:
//! division by zero, failed assertions, `tail []`), and each is evaluated by
//! rnix-eval and by the installed Nix (`--eval --strict`). Both must print the same value,
//! or both must fail (the same error class; messages differ where rnix-eval follows
//! modern Nix). Skipped, with a message, when Nix is not installed.
//!
//! `RNIX_DIFF_PROGRAMS` sets how many programs (default 150), `RNIX_DIFF_SEED` the seed.

use std::process::Command;

/// xorshift64*: small and seeded, so a failure is reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Ty {
    Int,
    Bool,
    Str,
    /// A list of ints.
    List,
    /// A set of ints named from [`NAMES`].
    Attrs,
}

const TYPES: [Ty; 5] = [Ty::Int, Ty::Bool, Ty::Str, Ty::List, Ty::Attrs];
const NAMES: &[&str] = &["a", "b", "c", "d"];
const STRINGS: &[&str] = &[
    r#""""#,
    r#""x""#,
    r#""hello world""#,
    r#""a,b,c""#,
    r#""tab\there""#,
    r#""line\n""#,
    r#""dollar \${not}""#,
    r#""ünï""#,
    "''indented\n  text\n''",
];

/// Writes one program. Variables in scope carry their type, so most programs are
/// well-typed; a few go wrong on purpose (division by zero, `head []`, missing
/// attributes, failed assertions) and must fail in both evaluators.
struct Gen {
    rng: Rng,
    scope: Vec<(String, Ty)>,
    fresh: usize,
}

impl Gen {
    fn var(&mut self, ty: Ty) -> Option<String> {
        let candidates: Vec<&String> = self.scope.iter().filter(|(_, t)| *t == ty).map(|(n, _)| n).collect();
        (!candidates.is_empty()).then(|| candidates[self.rng.below(candidates.len())].clone())
    }

    fn name(&mut self) -> String {
        self.fresh += 1;
        format!("v{}", self.fresh)
    }

    fn expr(&mut self, ty: Ty, depth: u32) -> String {
        if depth == 0 || self.rng.below(10) == 0 {
            return self.leaf(ty);
        }
        let d = depth - 1;
        match self.rng.below(8) {
            0 => self.let_in(ty, d),
            1 => format!(
                "(if {} then {} else {})",
                self.expr(Ty::Bool, d),
                self.expr(ty, d),
                self.expr(ty, d)
            ),
            2 => self.call(ty, d),
            3 if ty != Ty::Bool => format!("(let {} = throw \"unused\"; in {})", self.name(), self.expr(ty, d)),
            _ => self.compound(ty, d),
        }
    }

    fn leaf(&mut self, ty: Ty) -> String {
        if self.rng.below(2) == 0 {
            if let Some(v) = self.var(ty) {
                return v;
            }
        }
        match ty {
            Ty::Int => (self.rng.below(25) as i64 - 5).to_string(),
            Ty::Bool => self.rng.pick(&["true", "false"]).into(),
            Ty::Str => self.rng.pick(STRINGS).into(),
            Ty::List => format!(
                "[ {} ]",
                (0..self.rng.below(4))
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Ty::Attrs => {
                let n = self.rng.below(3);
                let fields: Vec<String> = NAMES[..n]
                    .iter()
                    .map(|name| format!("{name} = {};", self.rng.below(9)))
                    .collect();
                format!("{{ {} }}", fields.join(" "))
            }
        }
    }

    fn let_in(&mut self, ty: Ty, d: u32) -> String {
        let bound = TYPES[self.rng.below(TYPES.len())];
        let name = self.name();
        let value = self.expr(bound, d);
        self.scope.push((name.clone(), bound));
        let body = self.expr(ty, d);
        self.scope.pop();
        format!("(let {name} = {value}; in {body})")
    }

    /// A lambda called at once or through a `let`: plain, curried, or with a pattern.
    fn call(&mut self, ty: Ty, d: u32) -> String {
        let arg_ty = TYPES[self.rng.below(TYPES.len())];
        let x = self.name();
        match self.rng.below(3) {
            0 => {
                self.scope.push((x.clone(), arg_ty));
                let body = self.expr(ty, d);
                self.scope.pop();
                format!("(({x}: {body}) {})", self.expr(arg_ty, d))
            }
            1 => {
                let (y, f) = (self.name(), self.name());
                self.scope.push((x.clone(), arg_ty));
                self.scope.push((y.clone(), Ty::Int));
                let body = self.expr(ty, d);
                self.scope.truncate(self.scope.len() - 2);
                format!(
                    "(let {f} = {x}: {y}: {body}; in {f} {} {})",
                    self.expr(arg_ty, d),
                    self.expr(Ty::Int, d)
                )
            }
            _ => {
                let y = self.name();
                let default = self.expr(Ty::Int, d);
                self.scope.push((x.clone(), arg_ty));
                self.scope.push((y.clone(), Ty::Int));
                let body = self.expr(ty, d);
                self.scope.truncate(self.scope.len() - 2);
                let extra = if self.rng.below(2) == 0 { ", ..." } else { "" };
                let given_y = if self.rng.below(2) == 0 {
                    format!(" {y} = {};", self.expr(Ty::Int, d))
                } else {
                    String::new()
                };
                format!(
                    "(({{ {x}, {y} ? {default}{extra} }}: {body}) {{ {x} = {};{given_y} }})",
                    self.expr(arg_ty, d)
                )
            }
        }
    }

    fn compound(&mut self, ty: Ty, d: u32) -> String {
        macro_rules! e {
            ($t:expr) => {
                self.expr($t, d)
            };
        }
        match ty {
            Ty::Int => match self.rng.below(13) {
                0 => format!("({} + {})", e!(Ty::Int), e!(Ty::Int)),
                1 => format!("({} - {})", e!(Ty::Int), e!(Ty::Int)),
                2 => format!("({} * {})", e!(Ty::Int), self.rng.below(4)),
                3 if self.rng.below(4) == 0 => format!("({} / {})", e!(Ty::Int), e!(Ty::Int)),
                3 => format!("({} / {})", e!(Ty::Int), 1 + self.rng.below(4)),
                4 => format!("(builtins.length {})", e!(Ty::List)),
                5 => format!("(builtins.stringLength {})", e!(Ty::Str)),
                6 => format!("(builtins.foldl' (x: y: x + y) {} {})", e!(Ty::Int), e!(Ty::List)),
                7 => format!("({}.{} or {})", e!(Ty::Attrs), self.rng.pick(NAMES), e!(Ty::Int)),
                8 => format!("(builtins.head ({} ++ [ 7 ]))", e!(Ty::List)),
                9 => format!("(builtins.elemAt ({} ++ [ 1 2 3 ]) {})", e!(Ty::List), self.rng.below(3)),
                10 => format!("(assert {}; {})", e!(Ty::Bool), e!(Ty::Int)),
                11 => format!("(with {{ a = 1; b = 2; c = 3; d = 4; }} // {}; {})", e!(Ty::Attrs), self.rng.pick(NAMES)),
                _ => format!("(builtins.length (builtins.attrNames {}))", e!(Ty::Attrs)),
            },
            Ty::Bool => match self.rng.below(15) {
                11 => format!("(builtins.any (x: x > {}) {})", e!(Ty::Int), e!(Ty::List)),
                12 => format!("(builtins.all (x: x < {}) {})", e!(Ty::Int), e!(Ty::List)),
                13 => format!("(builtins.hasAttr \"{}\" {})", self.rng.pick(NAMES), e!(Ty::Attrs)),
                14 => format!("(builtins.seq {} {})", e!(Ty::Int), e!(Ty::Bool)),
                0 => format!("({} < {})", e!(Ty::Int), e!(Ty::Int)),
                1 => format!("({} == {})", e!(Ty::Str), e!(Ty::Str)),
                2 => format!("({} == {})", e!(Ty::List), e!(Ty::List)),
                3 => format!("({} != {})", e!(Ty::Attrs), e!(Ty::Attrs)),
                4 => format!("(!{})", e!(Ty::Bool)),
                5 => format!("({} && {})", e!(Ty::Bool), e!(Ty::Bool)),
                6 => format!("({} || {})", e!(Ty::Bool), e!(Ty::Bool)),
                7 => format!("({} -> {})", e!(Ty::Bool), e!(Ty::Bool)),
                8 => format!("({} ? {})", e!(Ty::Attrs), self.rng.pick(NAMES)),
                9 => format!("(builtins.elem {} {})", e!(Ty::Int), e!(Ty::List)),
                _ => format!("(builtins.tryEval (if {} then throw \"t\" else {})).success", e!(Ty::Bool), e!(Ty::Int)),
            },
            Ty::Str => match self.rng.below(14) {
                10 => format!("(builtins.toJSON (builtins.match \"([a-z]*)(.*)\" {}))", e!(Ty::Str)),
                11 => format!("(builtins.toJSON (builtins.split \"[, ]\" {}))", e!(Ty::Str)),
                12 => format!("(builtins.toJSON (builtins.groupBy (x: if x > 2 then \"big\" else \"small\") {}))", e!(Ty::List)),
                13 => format!("(builtins.toJSON (builtins.partition (x: x > {}) {}))", e!(Ty::Int), e!(Ty::List)),
                0 => format!("({} + {})", e!(Ty::Str), e!(Ty::Str)),
                1 => format!("\"<${{{}}}|${{toString {}}}>\"", e!(Ty::Str), e!(Ty::Int)),
                2 => format!("(builtins.substring {} {} {})", self.rng.below(4), self.rng.below(6), e!(Ty::Str)),
                3 => format!("(builtins.concatStringsSep \",\" (map toString {}))", e!(Ty::List)),
                4 => format!("(builtins.replaceStrings [ \"a\" \"l\" ] [ \"A\" \"\" ] {})", e!(Ty::Str)),
                5 => format!("(builtins.toJSON {})", e!(Ty::Attrs)),
                6 => {
                    let t = TYPES[self.rng.below(TYPES.len())];
                    format!("(builtins.typeOf {})", e!(t))
                }
                7 => format!("(builtins.concatStringsSep \" \" (builtins.attrNames {}))", e!(Ty::Attrs)),
                8 => format!("(toString {})", e!(Ty::List)),
                _ => format!("(builtins.toJSON {})", e!(Ty::List)),
            },
            Ty::List => match self.rng.below(15) {
                11 => format!("(builtins.concatMap (x: [ x x ]) {})", e!(Ty::List)),
                12 => format!("(builtins.sort (a: b: a > b) {})", e!(Ty::List)),
                13 => format!(
                    "(map (x: x.key) (builtins.genericClosure {{ startSet = [ {{ key = {}; }} ]; operator = x: if x.key < 8 then [ {{ key = x.key + 3; }} ] else [ ]; }}))",
                    self.rng.below(9)
                ),
                14 => format!("(builtins.deepSeq {} {})", e!(Ty::Attrs), e!(Ty::List)),
                0 => format!("({} ++ {})", e!(Ty::List), e!(Ty::List)),
                1 => format!("(map (x: x * {}) {})", self.rng.below(3), e!(Ty::List)),
                2 => format!("(builtins.filter (x: x > {}) {})", e!(Ty::Int), e!(Ty::List)),
                3 => format!("(builtins.genList (i: i + {}) {})", e!(Ty::Int), self.rng.below(5)),
                4 => format!("(builtins.sort builtins.lessThan {})", e!(Ty::List)),
                5 => format!("(builtins.attrValues {})", e!(Ty::Attrs)),
                6 => format!("(builtins.tail {})", e!(Ty::List)),
                7 => format!("(builtins.concatLists [ {} {} ])", e!(Ty::List), e!(Ty::List)),
                8 => format!("[ {} {} ]", e!(Ty::Int), e!(Ty::Int)),
                9 => format!("(builtins.fromJSON (builtins.toJSON {}))", e!(Ty::List)),
                _ => format!("(builtins.catAttrs \"a\" [ {} {} ])", e!(Ty::Attrs), e!(Ty::Attrs)),
            },
            Ty::Attrs => match self.rng.below(11) {
                9 => format!("(builtins.zipAttrsWith (n: vs: builtins.length vs) [ {} {} ])", e!(Ty::Attrs), e!(Ty::Attrs)),
                10 => format!("(builtins.getAttr \"{}\" {{ a = {}; b = {}; c = {}; d = {}; }})", self.rng.pick(NAMES), e!(Ty::Attrs), e!(Ty::Attrs), e!(Ty::Attrs), e!(Ty::Attrs)),
                0 => format!("({} // {})", e!(Ty::Attrs), e!(Ty::Attrs)),
                1 => format!("(builtins.mapAttrs (n: v: v + {}) {})", e!(Ty::Int), e!(Ty::Attrs)),
                2 => format!("(builtins.removeAttrs {} [ \"{}\" ])", e!(Ty::Attrs), self.rng.pick(NAMES)),
                3 => format!("(builtins.intersectAttrs {} {})", e!(Ty::Attrs), e!(Ty::Attrs)),
                4 => format!(
                    "(builtins.listToAttrs [ {{ name = \"{}\"; value = {}; }} ])",
                    self.rng.pick(NAMES),
                    e!(Ty::Int)
                ),
                5 => format!("rec {{ a = {}; b = a + 1; }}", e!(Ty::Int)),
                6 => format!("{{ a = {}; c = {}; }}", e!(Ty::Int), e!(Ty::Int)),
                7 => format!("(builtins.fromJSON (builtins.toJSON {}))", e!(Ty::Attrs)),
                _ => format!(
                    "{{ inherit ({}) {}; d = {}; }}",
                    e!(Ty::Attrs),
                    self.rng.pick(NAMES),
                    e!(Ty::Int)
                ),
            },
        }
    }
}

fn program(seed: u64) -> String {
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        scope: Vec::new(),
        fresh: 0,
    };
    let fields: Vec<String> = (0..3)
        .map(|i| {
            let ty = TYPES[g.rng.below(TYPES.len())];
            format!("r{i} = {};", g.expr(ty, 5))
        })
        .collect();
    format!("{{ {} }}\n", fields.join("\n  "))
}

fn evaluate(program: &str, file: &std::path::Path, exe: &str) -> (bool, String) {
    std::fs::write(file, program).unwrap();
    let out = Command::new("timeout")
        .arg("20")
        .arg(exe)
        .args(["--eval", "--strict"])
        .arg(file)
        .env("NIX_PATH", "")
        .output()
        .unwrap();
    let shown = if out.status.success() { &out.stdout } else { &out.stderr };
    (out.status.success(), String::from_utf8_lossy(shown).into_owned())
}

#[test]
fn generated_programs_agree_with_nix() {
    let installed = Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("skipped: nix-instantiate is not installed, generated programs are not compared");
        return;
    }
    let count: u64 = std::env::var("RNIX_DIFF_PROGRAMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let base: u64 = std::env::var("RNIX_DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let dir = std::env::temp_dir().join(format!("rnix-random-programs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("program.nix");
    let (mut both_ok, mut both_failed, mut mismatches) = (0, 0, Vec::new());
    for seed in base..base + count {
        let text = program(seed);
        let ours = evaluate(&text, &file, env!("CARGO_BIN_EXE_rnix-eval"));
        let nix = evaluate(&text, &file, "nix-instantiate");
        match (ours.0, nix.0) {
            (true, true) if ours.1 == nix.1 => both_ok += 1,
            (false, false) => both_failed += 1,
            _ => mismatches.push(format!(
                "seed {seed}:\n{text}rnix-eval ({}): {}\nnix ({}): {}",
                if ours.0 { "ok" } else { "failed" },
                ours.1,
                if nix.0 { "ok" } else { "failed" },
                nix.1
            )),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "{count} generated programs: {both_ok} same value, {both_failed} failed in both, {} differ",
        mismatches.len()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
    // A generator whose programs all fail tests nothing.
    assert!(
        both_ok * 3 >= count,
        "only {both_ok} of {count} programs evaluated: the generator is broken"
    );
}
