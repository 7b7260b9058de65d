//! Helpers for the criterion benchmarks: generated Nix sources and one-shot evaluation.

use rnix_eval_core::{Evaluator, Options};
use rnix_eval_parser::Origin;

/// Evaluate `src` deeply and print it, as `rnix-eval --eval --strict` would.
pub fn eval_strict(src: &str) -> String {
    let mut ev = Evaluator::new(Options::default());
    let v = ev
        .eval_source(Origin::String, "/", src)
        .expect("benchmark program evaluates");
    let v = ev.force_deep(&v).expect("benchmark program evaluates deeply");
    let out = rnix_eval_core::print::print_value(&mut ev, &v, true).expect("printable");
    String::from_utf8_lossy(&out).into_owned()
}

/// A nixpkgs-like source file of about `bytes` bytes: package sets, functions with
/// formals, indented strings with interpolation, lists, `inherit`, `with`, `let`.
pub fn generated_source(bytes: usize) -> String {
    let mut out =
        String::from("{ lib, stdenv, fetchurl, ... }:\nlet\n  inherit (lib) optional concatStringsSep;\nin rec {\n");
    let mut i: usize = 0;
    while out.len() < bytes {
        out.push_str(&format!(
            r#"  pkg{i} = stdenv.mkDerivation rec {{
    pname = "pkg{i}";
    version = "1.{i}.0";
    src = fetchurl {{ url = "https://example.org/${{pname}}-${{version}}.tar.gz"; sha256 = "0000000000000000000000000000000000000000000000000000"; }};
    buildInputs = [ pkg{prev} ] ++ optional (version != "1.0") pkg{prev};
    configureFlags = [ "--with-x=${{toString ({i} * 2 + 1)}}" "--enable-feature" ];
    postInstall = ''
      mkdir -p $out/share/doc
      echo ${{concatStringsSep " " configureFlags}} > $out/share/doc/flags
      ''${{HOME}} is not interpolated
    '';
    meta = with lib; {{ description = "Package number {i}"; license = licenses.mit; platforms = platforms.unix; }};
  }};
"#,
            prev = i.saturating_sub(1)
        ));
        i += 1;
    }
    out.push_str("}\n");
    out
}
