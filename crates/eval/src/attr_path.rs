//! Attribute paths as typed on command lines (`-A a.b`, `REF#a."b.c"`, option paths):
//! Nix's `parseAttrPath`.

/// `a.b."c.d"` -> `["a", "b", "c.d"]`: components separated by `.`, `"..."` quotes one
/// (dots included); an empty last component is dropped, as in Nix.
pub fn parse(path: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(std::mem::take(&mut cur)),
            '"' => loop {
                match chars.next() {
                    Some('"') => break,
                    Some(q) => cur.push(q),
                    None => return Err(format!("missing closing quote in selection path '{path}'")),
                }
            },
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn components_and_quotes() {
        assert_eq!(parse("").unwrap(), Vec::<String>::new());
        assert_eq!(parse("a.b").unwrap(), ["a", "b"]);
        assert_eq!(parse(r#"users."a.b".home"#).unwrap(), ["users", "a.b", "home"]);
        assert_eq!(parse("a.").unwrap(), ["a"]);
        assert!(parse(r#"a."b"#).is_err());
    }
}
