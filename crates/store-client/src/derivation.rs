//! Store derivations (.drv files): the ATerm text Nix writes, its parser, and
//! `hashDerivationModulo`, the hash that input-addressed output paths are made of
//! (`src/libstore/derivations.cc`, as in Nix 2.8).
//!
//! The model is the textual one: output paths, hash algorithms and hashes are kept as the
//! strings the .drv holds, so printing a parsed derivation gives back the same bytes. Only the
//! kinds of outputs Nix 2.8 produces without experimental features matter here:
//! input-addressed (`path`, `""`, `""`) and fixed-output (`path`, `"r:sha256"`, `<base16>`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::hash::{Hash, HashAlgo, HashError};
use crate::store_path::{self, FileIngestionMethod};

/// One output of a derivation, as written in the .drv.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DerivationOutput {
    /// The output's store path; empty while output paths are being computed.
    pub path: String,
    /// `""` for input-addressed outputs, else the method prefix and algorithm (`"r:sha256"`, `"sha1"`).
    pub hash_algo: String,
    /// The expected base-16 hash of a fixed output, else `""`.
    pub hash: String,
}

impl DerivationOutput {
    /// Whether this is a fixed output (it has both an algorithm and a hash).
    pub fn is_fixed(&self) -> bool {
        !self.hash_algo.is_empty() && !self.hash.is_empty()
    }

    /// The ingestion method and expected hash of a fixed output; `Ok(None)` for other outputs.
    pub fn fixed_output_hash(&self) -> Result<Option<(FileIngestionMethod, Hash)>, HashError> {
        if !self.is_fixed() {
            return Ok(None);
        }
        let (method, algo) = split_method_algo(&self.hash_algo);
        let algo = HashAlgo::parse(algo)?;
        Ok(Some((method, Hash::parse_non_sri_unprefixed(&self.hash, algo)?)))
    }
}

/// `"r:sha256"` → (Recursive, "sha256"); `"sha1"` → (Flat, "sha1").
fn split_method_algo(s: &str) -> (FileIngestionMethod, &str) {
    match s.strip_prefix("r:") {
        Some(algo) => (FileIngestionMethod::Recursive, algo),
        None => (FileIngestionMethod::Flat, s),
    }
}

/// A store derivation. Its name is not part of the ATerm (it is in the .drv's store path).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Derivation {
    pub outputs: BTreeMap<String, DerivationOutput>,
    /// Input derivation paths and the outputs wanted from each.
    pub input_drvs: BTreeMap<String, BTreeSet<String>>,
    /// Input source paths (sources, `builtins.toFile` results, ...).
    pub input_srcs: BTreeSet<String>,
    pub platform: String,
    /// The builder, arguments and environment are bytes, as Nix strings are: a value that
    /// is not UTF-8 (`substring 0 1 "é"`, a Latin-1 file read with `readFile`) goes into
    /// the .drv, and so into its hash, as it is.
    pub builder: Vec<u8>,
    pub args: Vec<Vec<u8>>,
    pub env: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// A string as Nix's `printString`: quoted, with `"` `\` newline, CR and tab escaped.
/// Runs without such bytes are found with `memchr` and copied whole: a NixOS system's
/// builder scripts are long and rarely escaped, and a test of every byte took 373
/// instructions a string (0.8% of the minimal system's evaluation).
fn push_escaped(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    let mut start = 0;
    // The next CR or tab, searched again only once passed: both are rare.
    let mut next_rare = memchr::memchr2(b'\r', b'\t', s).unwrap_or(s.len());
    loop {
        if next_rare < start {
            next_rare = memchr::memchr2(b'\r', b'\t', &s[start..]).map_or(s.len(), |i| start + i);
        }
        let next_common = memchr::memchr3(b'"', b'\\', b'\n', &s[start..]).map_or(s.len(), |i| start + i);
        let i = next_common.min(next_rare);
        out.extend_from_slice(&s[start..i]);
        let escaped: &[u8] = match s.get(i) {
            None => break,
            Some(b'"') => b"\\\"",
            Some(b'\\') => b"\\\\",
            Some(b'\n') => b"\\n",
            Some(b'\r') => b"\\r",
            Some(_) => b"\\t",
        };
        out.extend_from_slice(escaped);
        start = i + 1;
    }
    out.push(b'"');
}

/// A string as Nix's `printUnquotedString`: quoted but not escaped. Nix uses it for output
/// names, store paths, hash fields and the platform.
fn push_raw(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    out.extend_from_slice(s);
    out.push(b'"');
}

/// `[item,item,...]`
fn push_list<T: AsRef<[u8]>>(out: &mut Vec<u8>, items: impl IntoIterator<Item = T>, push: fn(&mut Vec<u8>, &[u8])) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push(out, item.as_ref());
    }
    out.push(b']');
}

impl Derivation {
    /// The .drv text, byte for byte as Nix writes it.
    pub fn to_aterm(&self) -> Vec<u8> {
        self.to_aterm_with_inputs(false, None)
    }

    /// Nix's `Derivation::unparse(store, maskOutputs, actualInputs)`: with `mask_outputs`,
    /// output paths print as `""` both in the outputs and in the environment variables named
    /// after outputs; with `input_drvs_override`, that map is printed instead of `input_drvs`
    /// (hashDerivationModulo puts input hashes there).
    pub fn to_aterm_with_inputs(
        &self,
        mask_outputs: bool,
        input_drvs_override: Option<&BTreeMap<String, BTreeSet<String>>>,
    ) -> Vec<u8> {
        let mut s = Vec::with_capacity(1024);
        s.extend_from_slice(b"Derive([");
        for (i, (name, out)) in self.outputs.iter().enumerate() {
            if i > 0 {
                s.push(b',');
            }
            s.push(b'(');
            push_raw(&mut s, name.as_bytes());
            s.push(b',');
            push_raw(&mut s, if mask_outputs { b"" } else { out.path.as_bytes() });
            s.push(b',');
            push_raw(&mut s, out.hash_algo.as_bytes());
            s.push(b',');
            push_raw(&mut s, out.hash.as_bytes());
            s.push(b')');
        }
        s.extend_from_slice(b"],[");
        for (i, (path, outputs)) in input_drvs_override.unwrap_or(&self.input_drvs).iter().enumerate() {
            if i > 0 {
                s.push(b',');
            }
            s.push(b'(');
            push_raw(&mut s, path.as_bytes());
            s.push(b',');
            push_list(&mut s, outputs, push_raw);
            s.push(b')');
        }
        s.extend_from_slice(b"],");
        push_list(&mut s, &self.input_srcs, push_raw);
        s.push(b',');
        push_raw(&mut s, self.platform.as_bytes());
        s.push(b',');
        push_escaped(&mut s, &self.builder);
        s.push(b',');
        push_list(&mut s, &self.args, push_escaped);
        s.extend_from_slice(b",[");
        for (i, (name, value)) in self.env.iter().enumerate() {
            if i > 0 {
                s.push(b',');
            }
            s.push(b'(');
            push_escaped(&mut s, name);
            s.push(b',');
            let masked = mask_outputs && std::str::from_utf8(name).is_ok_and(|n| self.outputs.contains_key(n));
            push_escaped(&mut s, if masked { b"" } else { value });
            s.push(b')');
        }
        s.extend_from_slice(b"])");
        s
    }

    /// Whether this is a fixed-output derivation as Nix 2.8 defines it: a single output,
    /// named `out`, with a hash. (Nix rejects other mixes of fixed and other outputs; here they
    /// count as not fixed.)
    pub fn is_fixed_output(&self) -> bool {
        self.outputs.len() == 1 && self.outputs.get("out").is_some_and(DerivationOutput::is_fixed)
    }

    /// The store paths the .drv file refers to: its input sources and input derivations.
    pub fn references(&self) -> BTreeSet<&str> {
        self.input_srcs
            .iter()
            .chain(self.input_drvs.keys())
            .map(String::as_str)
            .collect()
    }

    /// The store path of this derivation's .drv file (Nix's `writeDerivation`): a text path
    /// named `<name>.drv` over the ATerm, referring to [`Derivation::references`].
    pub fn drv_path(&self, store_dir: &str, name: &str) -> String {
        let aterm = self.to_aterm();
        let hash = Hash::digest(HashAlgo::Sha256, &aterm);
        store_path::make_text_path(store_dir, &format!("{name}.drv"), &hash, self.references())
    }
}

/// Nix 2.8's `hashDerivationModulo`, the hash input-addressed output paths are made from.
///
/// - A fixed-output derivation hashes to `sha256("fixed:out:<hash_algo>:<hash>:<out path>")`,
///   so that what only changes how a fixed output is fetched changes no dependent path.
/// - Otherwise each input derivation path is replaced by the base-16 of *its* modulo hash
///   (computed unmasked), as given by `resolve_input`, which the caller should memoise (Nix
///   does, per .drv path); the result is the SHA-256 of that ATerm, with output paths masked
///   when `mask_outputs` (as when the derivation's own output paths are being computed).
///
/// Errors of `resolve_input` are passed through.
pub fn hash_derivation_modulo<E>(
    drv: &Derivation,
    mask_outputs: bool,
    resolve_input: &mut dyn FnMut(&str) -> Result<Hash, E>,
) -> Result<Hash, E> {
    if drv.is_fixed_output() {
        let out = &drv.outputs["out"];
        let s = format!("fixed:out:{}:{}:{}", out.hash_algo, out.hash, out.path);
        return Ok(Hash::digest(HashAlgo::Sha256, s.as_bytes()));
    }
    // Two inputs with the same hash (two fixed-output derivations fetching the same thing)
    // merge their output sets, as in Nix.
    let mut inputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, outputs) in &drv.input_drvs {
        let h = resolve_input(path)?;
        inputs.entry(h.to_base16()).or_default().extend(outputs.iter().cloned());
    }
    let aterm = drv.to_aterm_with_inputs(mask_outputs, Some(&inputs));
    Ok(Hash::digest(HashAlgo::Sha256, &aterm))
}

/// The output paths of an input-addressed derivation named `drv_name` whose masked modulo
/// hash is `modulo_hash` (from `hash_derivation_modulo(drv, true, …)`).
pub fn output_paths_for_input_addressed<'a>(
    store_dir: &str,
    drv_name: &str,
    modulo_hash: &Hash,
    output_names: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, String> {
    output_names
        .into_iter()
        .map(|name| {
            let path = store_path::make_output_path(store_dir, name, modulo_hash, drv_name);
            (name.to_owned(), path)
        })
        .collect()
}

/// A .drv that could not be parsed; `Display` gives Nix's message (Nix prefixes it with
/// `error parsing derivation '<path>': `).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DrvParseError {
    /// `expected string '…'` (also for input that ends early), at byte `offset`.
    Expected { expected: &'static str, offset: usize },
    /// `bad path '…' in derivation`: a path that does not start with '/'.
    BadPath(String),
    /// A fixed output's algorithm or hash does not parse.
    Hash(HashError),
}

impl fmt::Display for DrvParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DrvParseError::Expected { expected, .. } => write!(f, "expected string '{expected}'"),
            DrvParseError::BadPath(p) => write!(f, "bad path '{p}' in derivation"),
            DrvParseError::Hash(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for DrvParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DrvParseError::Hash(e) => Some(e),
            _ => None,
        }
    }
}

impl From<HashError> for DrvParseError {
    fn from(e: HashError) -> Self {
        DrvParseError::Hash(e)
    }
}

/// A cursor over the .drv text, with the primitives of Nix's parser.
struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn expect(&mut self, lit: &'static str) -> Result<(), DrvParseError> {
        if self.s[self.pos..].starts_with(lit.as_bytes()) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(DrvParseError::Expected {
                expected: lit,
                offset: self.pos,
            })
        }
    }

    /// Nix's `endOfList`: a ',' continues the list, a ']' ends it (both are consumed);
    /// anything else is taken to start the next item.
    fn end_of_list(&mut self) -> bool {
        match self.s.get(self.pos) {
            Some(b',') => {
                self.pos += 1;
                false
            }
            Some(b']') => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// A quoted string with `\n`, `\r`, `\t` and `\<any>` escapes, as text (names,
    /// paths, hashes: UTF-8 in any .drv a store holds).
    fn string(&mut self) -> Result<String, DrvParseError> {
        let bytes = self.bytes()?;
        Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// A quoted string with `\n`, `\r`, `\t` and `\<any>` escapes.
    fn bytes(&mut self) -> Result<Vec<u8>, DrvParseError> {
        self.expect("\"")?;
        let mut out = Vec::new();
        loop {
            let Some(&c) = self.s.get(self.pos) else {
                return Err(DrvParseError::Expected {
                    expected: "\"",
                    offset: self.pos,
                });
            };
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.s.get(self.pos) else {
                        return Err(DrvParseError::Expected {
                            expected: "\"",
                            offset: self.pos,
                        });
                    };
                    self.pos += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        e => e,
                    });
                }
                c => out.push(c),
            }
        }
        Ok(out)
    }

    fn path(&mut self) -> Result<String, DrvParseError> {
        let s = self.string()?;
        validate_path(&s)?;
        Ok(s)
    }

    fn strings(&mut self, are_paths: bool) -> Result<BTreeSet<String>, DrvParseError> {
        let mut set = BTreeSet::new();
        while !self.end_of_list() {
            set.insert(if are_paths { self.path()? } else { self.string()? });
        }
        Ok(set)
    }
}

fn validate_path(s: &str) -> Result<(), DrvParseError> {
    if s.starts_with('/') {
        Ok(())
    } else {
        Err(DrvParseError::BadPath(s.to_owned()))
    }
}

/// Nix's checks on one output (`parseDerivationOutput`), short of store-directory checks.
fn check_output(out: &DerivationOutput) -> Result<(), DrvParseError> {
    if !out.hash_algo.is_empty() {
        let (_, algo) = split_method_algo(&out.hash_algo);
        let algo = HashAlgo::parse(algo)?;
        // "impure" and "" (floating) need experimental features; they are kept as they are.
        if !out.hash.is_empty() && out.hash != "impure" {
            validate_path(&out.path)?;
            Hash::parse_non_sri_unprefixed(&out.hash, algo)?;
        }
    } else if !out.path.is_empty() {
        validate_path(&out.path)?;
    }
    Ok(())
}

/// Parses .drv text as Nix's `parseDerivation` does, including its leniencies: duplicate
/// environment variables and input derivations keep the last, duplicate outputs the first,
/// and text after the closing parenthesis is ignored. Paths must be absolute; that they are in
/// a particular store is not checked. Never panics.
pub fn parse_aterm(text: &[u8]) -> Result<Derivation, DrvParseError> {
    let mut p = Parser { s: text, pos: 0 };
    let mut drv = Derivation::default();
    p.expect("Derive([")?;

    while !p.end_of_list() {
        p.expect("(")?;
        let id = p.string()?;
        p.expect(",")?;
        let path = p.string()?;
        p.expect(",")?;
        let hash_algo = p.string()?;
        p.expect(",")?;
        let hash = p.string()?;
        p.expect(")")?;
        let out = DerivationOutput { path, hash_algo, hash };
        check_output(&out)?;
        drv.outputs.entry(id).or_insert(out);
    }

    p.expect(",[")?;
    while !p.end_of_list() {
        p.expect("(")?;
        let path = p.path()?;
        p.expect(",[")?;
        let outputs = p.strings(false)?;
        p.expect(")")?;
        drv.input_drvs.insert(path, outputs);
    }

    p.expect(",[")?;
    drv.input_srcs = p.strings(true)?;
    p.expect(",")?;
    drv.platform = p.string()?;
    p.expect(",")?;
    drv.builder = p.bytes()?;

    p.expect(",[")?;
    while !p.end_of_list() {
        drv.args.push(p.bytes()?);
    }

    p.expect(",[")?;
    while !p.end_of_list() {
        p.expect("(")?;
        let name = p.bytes()?;
        p.expect(",")?;
        let value = p.bytes()?;
        p.expect(")")?;
        drv.env.insert(name, value);
    }
    p.expect(")")?;
    Ok(drv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const STORE: &str = "/nix/store";

    /// The fixtures: .drv files written by Nix 2.8's `nix-instantiate` for tests/data/drvs.nix,
    /// and the drvPath/outPaths it printed (see tests/data/regen.sh).
    const FIXTURES: &[(&str, &str)] = &[
        ("a", include_str!("../tests/data/a.drv")),
        ("fod", include_str!("../tests/data/fod.drv")),
        ("fod-r", include_str!("../tests/data/fod-r.drv")),
        ("b", include_str!("../tests/data/b.drv")),
        ("c", include_str!("../tests/data/c.drv")),
    ];
    const PATHS: &str = include_str!("../tests/data/paths.txt");

    /// name → (drvPath, output → outPath), from paths.txt.
    fn nix_paths() -> HashMap<String, (String, BTreeMap<String, String>)> {
        PATHS
            .lines()
            .map(|line| {
                let mut words = line.split(' ');
                let name = words.next().unwrap().to_owned();
                let drv_path = words.next().unwrap().to_owned();
                let outs = words
                    .map(|w| {
                        let (o, p) = w.split_once('=').unwrap();
                        (o.to_owned(), p.to_owned())
                    })
                    .collect();
                (name, (drv_path, outs))
            })
            .collect()
    }

    /// The modulo hashes of all fixtures, memoised by .drv path, as an evaluator would.
    fn modulo_hashes() -> HashMap<String, Hash> {
        let paths = nix_paths();
        let drvs: HashMap<String, Derivation> = FIXTURES
            .iter()
            .map(|(name, text)| (paths[*name].0.clone(), parse_aterm(text.as_bytes()).unwrap()))
            .collect();
        fn resolve(
            path: &str,
            drvs: &HashMap<String, Derivation>,
            memo: &mut HashMap<String, Hash>,
        ) -> Result<Hash, String> {
            if let Some(h) = memo.get(path) {
                return Ok(h.clone());
            }
            let drv = drvs.get(path).ok_or_else(|| format!("unknown {path}"))?;
            let h = hash_derivation_modulo(drv, false, &mut |p: &str| resolve(p, drvs, memo))?;
            memo.insert(path.to_owned(), h.clone());
            Ok(h)
        }
        let mut memo = HashMap::new();
        for path in drvs.keys() {
            resolve(path, &drvs, &mut memo).unwrap();
        }
        memo
    }

    #[test]
    fn fixtures_round_trip() {
        for (name, text) in FIXTURES {
            let drv = parse_aterm(text.as_bytes()).unwrap();
            assert_eq!(drv.to_aterm(), text.as_bytes(), "{name}");
        }
    }

    #[test]
    fn fixture_contents() {
        let a = parse_aterm(FIXTURES[0].1.as_bytes()).unwrap();
        assert_eq!(
            a.args[1],
            b"echo \"quoted\" back\\slash\ttab\nnewline\r> $out; touch $dev"
        );
        assert_eq!(a.env[b"weird".as_slice()], "é ü \\ \" $".as_bytes());
        assert_eq!(a.outputs.keys().collect::<Vec<_>>(), ["dev", "out"]);
        assert!(!a.is_fixed_output());
        let fod_r = parse_aterm(FIXTURES[2].1.as_bytes()).unwrap();
        assert!(fod_r.is_fixed_output());
        let (method, hash) = fod_r.outputs["out"].fixed_output_hash().unwrap().unwrap();
        assert_eq!(method, FileIngestionMethod::Recursive);
        // The outputHash in drvs.nix.
        assert_eq!(hash.to_sri(), "sha256-Pyk7t6DIVjwiq80KO4oVQNYHpLzb3p2k6O8DCzPG24Y=");
        let b = parse_aterm(FIXTURES[3].1.as_bytes()).unwrap();
        assert_eq!(b.input_drvs.len(), 3);
        assert_eq!(b.input_srcs.len(), 1);
    }

    #[test]
    fn drv_paths_match_nix() {
        let paths = nix_paths();
        for (name, text) in FIXTURES {
            let drv = parse_aterm(text.as_bytes()).unwrap();
            assert_eq!(drv.drv_path(STORE, name), paths[*name].0, "{name}");
        }
    }

    #[test]
    fn output_paths_match_nix() {
        let paths = nix_paths();
        let memo = modulo_hashes();
        for (name, text) in FIXTURES {
            let drv = parse_aterm(text.as_bytes()).unwrap();
            let expected = &paths[*name].1;
            let computed = if drv.is_fixed_output() {
                let (method, hash) = drv.outputs["out"].fixed_output_hash().unwrap().unwrap();
                let out = store_path::make_fixed_output_path(STORE, name, method, &hash, []);
                BTreeMap::from([("out".to_owned(), out)])
            } else {
                // What derivationStrict does: blank the outputs, hash masked, fill in.
                let mut blank = drv.clone();
                for (out_name, out) in blank.outputs.iter_mut() {
                    out.path.clear();
                    blank.env.insert(out_name.clone().into_bytes(), Vec::new());
                }
                let resolve = &mut |p: &str| memo.get(p).cloned().ok_or(());
                let masked = hash_derivation_modulo(&blank, true, resolve).unwrap();
                // Masking makes the filled-in derivation hash the same.
                assert_eq!(hash_derivation_modulo(&drv, true, resolve).unwrap(), masked);
                output_paths_for_input_addressed(STORE, name, &masked, drv.outputs.keys().map(String::as_str))
            };
            assert_eq!(&computed, expected, "{name}");
            let in_drv: BTreeMap<String, String> =
                drv.outputs.iter().map(|(n, o)| (n.clone(), o.path.clone())).collect();
            assert_eq!(&in_drv, expected, "{name}");
        }
    }

    #[test]
    fn fixed_output_modulo_hash_ignores_builder() {
        let fod = parse_aterm(FIXTURES[1].1.as_bytes()).unwrap();
        let mut other = fod.clone();
        other.builder = "/other".into();
        other.args.clear();
        let none = &mut |_: &str| -> Result<Hash, ()> { Err(()) };
        let h = hash_derivation_modulo(&fod, false, none).unwrap();
        assert_eq!(hash_derivation_modulo(&other, true, none).unwrap(), h);
        let expected = format!(
            "fixed:out:sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03:{}",
            fod.outputs["out"].path
        );
        assert_eq!(h, Hash::digest(HashAlgo::Sha256, expected.as_bytes()));
    }

    #[test]
    fn resolve_errors_propagate() {
        let b = parse_aterm(FIXTURES[3].1.as_bytes()).unwrap();
        let mut calls = 0;
        let r = hash_derivation_modulo(&b, true, &mut |p: &str| {
            calls += 1;
            Err(format!("cannot read {p}"))
        });
        assert_eq!(
            r,
            Err("cannot read /nix/store/3m3nxvr2jlcijm2xl3jcdw6dcil72h7c-fod-r.drv".to_owned())
        );
        assert_eq!(calls, 1);
    }

    #[test]
    fn masking() {
        let a = parse_aterm(FIXTURES[0].1.as_bytes()).unwrap();
        let masked = String::from_utf8(a.to_aterm_with_inputs(true, None)).unwrap();
        assert!(masked.starts_with(r#"Derive([("dev","","",""),("out","","","")],[],[],"#));
        assert!(masked.contains(r#"("dev",""),"#) && masked.contains(r#"("out",""),"#));
        assert!(!masked.contains("/nix/store/"));
        let inputs = BTreeMap::from([("abc".to_owned(), BTreeSet::from(["out".to_owned()]))]);
        assert!(String::from_utf8(a.to_aterm_with_inputs(false, Some(&inputs)))
            .unwrap()
            .contains(r#"],[("abc",["out"])],[],"#));
    }

    /// Messages of Nix 2.8 for .drv files added with `nix-store --add /tmp/badd/tN.drv` (the local
    /// store parses .drv files it registers), e.g. "error parsing derivation '…': error: expected
    /// string 'Derive(['".
    #[test]
    fn parse_errors_match_nix() {
        let err = |s: &str| parse_aterm(s.as_bytes()).unwrap_err().to_string();
        assert_eq!(err(r#"Derive(("out""#), "expected string 'Derive(['");
        assert_eq!(
            err(r#"Derive([("out","relative","","")],[],[],"x","y",[],[])"#),
            "bad path 'relative' in derivation"
        );
        let fod = |algo: &str, hash: &str| {
            format!(
                r#"Derive([("out","/nix/store/lb20307jbvi90s6hswr732v1px2nrcyl-fod-r","{algo}","{hash}")],[],[],"x","y",[],[])"#
            )
        };
        assert_eq!(err(&fod("r:foo", "abc")), "unknown hash algorithm 'foo'");
        assert_eq!(
            err(&fod("r:sha256", "abc")),
            "hash 'abc' has wrong length for hash type 'sha256'"
        );
        // Truncated: Nix's parser expects the next item.
        assert_eq!(
            err(r#"Derive([("out","/nix/store/x","","")],[],[],"x","y",[],[("a","b")"#),
            "expected string '('"
        );
    }

    #[test]
    fn parse_never_panics() {
        let text = FIXTURES[3].1;
        for end in 0..text.len() {
            if text.is_char_boundary(end) {
                assert!(parse_aterm(&text.as_bytes()[..end]).is_err(), "{end}");
            }
        }
        for bad in [
            "",
            "Derive([",
            "Derive([(\"",
            "Derive([(\"a\\",
            "Derive([,,,",
            "Derive([]",
            "Derive([],[(\"/x\",[\"é",
        ] {
            assert!(parse_aterm(bad.as_bytes()).is_err(), "{bad}");
        }
        // Nix's lenient list syntax and trailing text.
        assert!(parse_aterm(br#"Derive([],[],[],"x","y",[],[])trailing"#).is_ok());
        let empty = parse_aterm(br#"Derive([],[],[],"","",[],[])"#).unwrap();
        assert_eq!(empty, Derivation::default());
        assert_eq!(empty.to_aterm(), br#"Derive([],[],[],"","",[],[])"#);
    }

    #[test]
    fn escapes_runs_adjacent_and_at_the_ends() {
        let mut out = Vec::new();
        push_escaped(&mut out, b"\t\r\"x\n\ny\\\t\r");
        assert_eq!(out, br#""\t\r\"x\n\ny\\\t\r""#);
        out.clear();
        push_escaped(&mut out, b"");
        assert_eq!(out, br#""""#);
        out.clear();
        push_escaped(&mut out, b"plain\ttab later\rcr");
        assert_eq!(out, br#""plain\ttab later\rcr""#);
    }

    #[test]
    fn escapes_round_trip() {
        let mut drv = Derivation {
            builder: "a\"b\\c\nd\re\tf\u{1}é".into(),
            args: vec![b"\\n".to_vec(), Vec::new(), b"\xc3".to_vec()],
            ..Derivation::default()
        };
        drv.env.insert("k\"".into(), "v\\".into());
        // Bytes that are not UTF-8 go in and come out as they are.
        drv.env.insert(b"\xff".to_vec(), b"\xc3\n".to_vec());
        let text = drv.to_aterm();
        let expected = [
            r#"Derive([],[],[],"","a\"b\\c\nd\re\tf"#.as_bytes(),
            "\u{1}é".as_bytes(),
            br#"",["\\n","",""#,
            b"\xc3",
            br#""],[("k\"","v\\"),(""#,
            b"\xff",
            br#"",""#,
            b"\xc3",
            br#"\n")])"#,
        ]
        .concat();
        assert_eq!(text, expected);
        assert_eq!(parse_aterm(&text).unwrap(), drv);
    }
}
