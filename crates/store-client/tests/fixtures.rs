//! Cross-module checks through the public API, against what Nix 2.8 made of tests/data
//! (`./regen.sh` there: nix-instantiate of drvs.nix).

use std::path::Path;

use rnix_eval_store::{
    accept_all, hash_path, make_fixed_output_path, make_text_path, parse_aterm, FileIngestionMethod, Hash, HashAlgo,
};

const STORE: &str = "/nix/store";
/// The store path Nix gave `./src.txt` when drvs.nix interpolated it (the input source of b.drv).
const SRC: &str = "/nix/store/x0fn5n2pmr7zdxddpc45yicm1brk8rqr-src.txt";

#[test]
fn source_path_of_src_txt() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/src.txt");
    let (nar_hash, _) = hash_path(&src, HashAlgo::Sha256, &mut accept_all).unwrap();
    // `nix-hash --type sha256 tests/data/src.txt`
    assert_eq!(
        nar_hash.to_base16(),
        "dc3cb8cf1aa0ac32a3fd05d7276cf3ba0b6e0040f0bc0ffa2934913fe92e0898"
    );
    let path = make_fixed_output_path(STORE, "src.txt", FileIngestionMethod::Recursive, &nar_hash, []);
    assert_eq!(path, SRC);
    let b = parse_aterm(include_bytes!("data/b.drv")).unwrap();
    assert!(b.input_srcs.contains(SRC));
}

#[test]
fn to_file_with_a_reference() {
    // `builtins.toFile "note" "hi ${src}"` in drvs.nix is the input source of c.drv; Nix lists
    // its reference with `nix-store -q --references /nix/store/1yx90zpqz7h3cn6mni92vpiva3rpvr0p-note`.
    let contents = format!("hi {SRC}");
    let hash = Hash::digest(HashAlgo::Sha256, contents.as_bytes());
    // `nix-hash --flat --type sha256 /nix/store/1yx90zpqz7h3cn6mni92vpiva3rpvr0p-note`
    assert_eq!(
        hash.to_base16(),
        "dfc76de889a9f0125c1a07b7c374e23d6570313962ec617c1511ae7f2a33fa71"
    );
    let path = make_text_path(STORE, "note", &hash, [SRC]);
    assert_eq!(path, "/nix/store/1yx90zpqz7h3cn6mni92vpiva3rpvr0p-note");
    let c = parse_aterm(include_bytes!("data/c.drv")).unwrap();
    assert!(c.input_srcs.contains(&path));
}
