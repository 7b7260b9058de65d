//! `hashString`, `hashFile` and `convertHash`: md5, sha1, sha256 and sha512 in base16,
//! Nix's base-32, base64 and SRI, with Nix's hash parsing rules (`rnix-eval-store::hash`).

use super::files::{coerce_to_path, sys_error};
use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::value::Value;
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::{Span, Symbol};
use rnix_eval_store::hash::{Hash, HashAlgo};

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!("hashString", 2, hash_string),
    prim!("hashFile", 2, hash_file),
    prim!("convertHash", 1, convert_hash),
];

fn algo_arg(ev: &mut Evaluator, v: &Value, span: Option<Span>) -> EvalResult<HashAlgo> {
    let name = ev.expect_string_no_ctx(v, span)?;
    match HashAlgo::from_name(&name) {
        Some(algo) => Ok(algo),
        // Modern Nix knows the name, behind a feature rnix-eval does not have
        // (`parseHashAlgoOpt`: `xpSettings.require(Xp::BLAKE3Hashes)`).
        None if name.as_bytes() == b"blake3" => Err(sys_error(
            "experimental Nix feature 'blake3-hashes' is disabled; add '--extra-experimental-features blake3-hashes' to enable it".into(),
        )),
        // A usage error (`parseHashAlgo` in src/libutil/hash.cc): no position, a hint about --help.
        None => Err(sys_error(format!(
            "unknown hash algorithm '{name}', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'\nTry 'nix-instantiate --help' for more information."
        ))),
    }
}

/// The context of the string is discarded, as in Nix.
fn hash_string(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let algo = algo_arg(ev, &a[0], span)?;
    let s = ev.expect_string(&a[1], span)?;
    Ok(Value::string(Hash::digest(algo, s.as_bytes()).to_base16()))
}

fn hash_file(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let algo = algo_arg(ev, &a[0], span)?;
    let path = coerce_to_path(ev, &a[1], span)?;
    let data = match ev.io.read_file(&path.to_str_lossy()) {
        Ok(data) => data,
        // As `readFile`: `open` succeeds on a directory; Nix's `read` then fails.
        Err(crate::io::IoError::Sys(e)) if e.kind() == std::io::ErrorKind::IsADirectory => {
            return Err(sys_error(format!("reading from file: {}", super::files::io_reason(&e))));
        }
        Err(e) => {
            let shown = super::files::resolve_symlinks(ev, &path.to_str_lossy());
            return Err(super::files::access_error(ev, e, span, &shown, |r| {
                format!("opening file '{path}': {r}")
            }));
        }
    };
    Ok(Value::string(Hash::digest(algo, &data).to_base16()))
}

/// Modern Nix: `convertHash { hash; toHashFormat; hashAlgo ? null; }`.
fn convert_hash(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let args = ev.expect_attrs(&a[0], span)?;
    let Some(hash) = args.get(Symbol::intern("hash")).cloned() else {
        bail!(span, "attribute 'hash' missing");
    };
    let hash = ev.expect_string_no_ctx(&hash, span)?;
    let algo = match args.get(Symbol::intern("hashAlgo")).cloned() {
        Some(v) => HashAlgo::from_name(&ev.expect_string_no_ctx(&v, span)?),
        None => None,
    };
    let Some(format) = args.get(Symbol::intern("toHashFormat")).cloned() else {
        bail!(span, "attribute 'toHashFormat' missing");
    };
    let format = ev.expect_string_no_ctx(&format, span)?;
    let parsed = Hash::parse_any(&hash, algo).map_err(|e| sys_error(e.to_string()))?;
    let text = match format.as_str() {
        "base16" => parsed.to_base16(),
        "nix32" | "base32" => parsed.to_nix32(),
        "base64" => parsed.to_base64(),
        "sri" => parsed.to_sri(),
        other => bail!(
            span,
            "unknown hash format '{other}', expect 'base16', 'base32', 'base64', or 'sri'"
        ),
    };
    Ok(Value::string(text))
}
