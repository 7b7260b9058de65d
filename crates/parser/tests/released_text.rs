//! Files registered after `keep_file_texts(false)` (the command line) let their text go
//! and read it again for the lines and positions an error shows. Its own test binary: the switch is
//! process-wide.

use rnix_eval_parser::source::{self, Origin};

#[test]
fn a_released_text_is_read_again_and_refused_once_changed() {
    let dir = std::env::temp_dir().join(format!("rnix-released-text-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("a.nix");
    let text = "let\n  a = 1;\nin a\n";
    std::fs::write(&path, text).unwrap();
    let name = path.to_str().unwrap().to_string();

    source::keep_file_texts(false);
    let released = source::add_file(Origin::Path(name.clone()), dir.to_str().unwrap().into(), text);
    let other = source::add_file(Origin::Path(name.clone()), dir.to_str().unwrap().into(), text);
    source::keep_file_texts(true);
    let kept = source::add_file(Origin::Path(name), dir.to_str().unwrap().into(), text);

    // Positions read the file again, once.
    assert_eq!(source::file(released).line_col(6), (2, 3));
    assert!(source::file(released).has_line(3) && !source::file(released).has_line(4));
    // The lines of an error come from the file on disk while it is what was parsed.
    assert_eq!(source::file(released).line_text(2).as_deref(), Some("  a = 1;"));
    // Another text on disk (another length): no lines, rather than the wrong ones; a
    // file that kept its text still shows it.
    std::fs::write(&path, "let\n  a = 12;\nin a\n").unwrap();
    assert_eq!(source::file(other).line_text(2), None);
    // Its positions are on one line (modern Nix shows a source it cannot read so); a file
    // that found its lines before keeps them.
    assert_eq!(source::file(other).line_col(6), (1, 7));
    assert!(!source::file(other).has_line(2));
    assert_eq!(source::file(released).line_col(6), (2, 3));
    assert_eq!(source::file(kept).line_text(2).as_deref(), Some("  a = 1;"));
    // Lines out of range are none, not a panic.
    assert_eq!(source::file(kept).line_text(0), None);
    assert_eq!(source::file(kept).line_text(9), None);
    std::fs::remove_dir_all(&dir).unwrap();
}
