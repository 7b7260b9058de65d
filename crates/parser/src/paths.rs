//! Path literals: made absolute against the file's directory and normalised, as Nix's
//! parser does (`absPath` + `canonPath`: `.` and `..` are removed lexically).

use crate::ast::{self, Expr};
use crate::lower::{LResult, Lowerer};
use crate::source::Span;
use rnix::ast::{self as rast, InterpolPart};

pub(crate) fn lower_path(l: &mut Lowerer, path: &rast::Path, span: Span) -> LResult<Expr> {
    // `./a ${x}`: rnix takes the interpolation into the path, with the space inside the
    // node, where Nix's lexer has ended the path (`validate.rs` words the error; this
    // keeps a tree that was not validated from reaching rnix's `parts`, which panics).
    if let Some(trivia) = rowan::ast::AstNode::syntax(path)
        .children_with_tokens()
        .find(|c| c.kind().is_trivia())
    {
        let r = trivia.text_range();
        return Err(l.err(
            Span {
                start: r.end().into(),
                end: u32::from(r.end()) + 1,
                ..span
            },
            "syntax error, unexpected '${'",
        ));
    }
    let parts = path.parts();
    let mut out = Vec::with_capacity(parts.len());
    let mut part_starts = Vec::with_capacity(parts.len());
    for (i, part) in parts.into_iter().enumerate() {
        part_starts.push(match &part {
            InterpolPart::Literal(_) => span.start,
            InterpolPart::Interpolation(interp) => l.span(interp).start,
        });
        match part {
            InterpolPart::Literal(lit) => {
                let text = lit.text();
                if i == 0 {
                    crate::lints::check_path(text, span)?;
                    let has_more = out.len() + 1 < path.parts().len();
                    if !has_more && text.len() > 1 && text.ends_with('/') {
                        return Err(l.err(span, "path has a trailing slash"));
                    }
                    let mut abs = absolute(l, text);
                    // (`~/` keeps its slash: the home prefix is not canonicalised.)
                    if text.ends_with('/') && text.len() > 1 && !abs.ends_with('/') {
                        abs.push('/');
                    }
                    out.push(Expr::Str(abs.into()));
                } else {
                    out.push(Expr::Str(text.into()));
                }
            }
            InterpolPart::Interpolation(interp) => {
                let e = interp.expr();
                out.push(l.lower_opt(e, &interp)?);
            }
        }
    }
    if out.len() == 1 {
        if let Some(Expr::Str(s)) = out.pop() {
            return Ok(Expr::Path(s));
        }
        unreachable!("a path with one part is a literal");
    }
    Ok(Expr::Interpolate(Box::new(ast::Interpolate {
        parts: out.into_boxed_slice(),
        part_starts: part_starts.into_boxed_slice(),
        is_string: false,
        span,
    })))
}

fn absolute(l: &Lowerer, text: &str) -> String {
    // `~/...` is the home directory and the rest as written: Nix's `HPATH` rule does not
    // canonicalise (`~/a/..` stays), where `absPath` does for the others.
    if let Some(rest) = text.strip_prefix('~') {
        let home = l.home.clone().unwrap_or_default();
        return format!("{home}{rest}");
    }
    if text.starts_with('/') {
        return canon_path(text);
    }
    canon_path(&format!("{}/{}", l.base_dir, text))
}

/// Nix's `canonPath` without symlink resolution: collapses `//`, drops `.`, applies `..`.
pub fn canon_path(path: &str) -> String {
    canonical(path).into_owned()
}

/// [`canon_path`], borrowing `path` when it is canonical already (nearly every path is).
pub fn canonical(path: &str) -> std::borrow::Cow<'_, str> {
    if is_canonical(path) {
        std::borrow::Cow::Borrowed(path)
    } else {
        std::borrow::Cow::Owned(canonicalised(path))
    }
}

/// [`canon_path`]'s work, component by component.
fn canonicalised(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return "/".into();
    }
    let mut out = String::with_capacity(path.len());
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    out
}

/// Whether `path` is what [`canon_path`] makes of it: absolute, with no empty, `.` or `..`
/// component and no trailing `/` (or `/` itself). Nearly every path is; one pass over the
/// bytes, where splitting on `/` searched for each component anew (a tenth of a program
/// joining and converting 800,000 paths).
fn is_canonical(path: &str) -> bool {
    let bytes = path.as_bytes();
    if bytes == b"/" {
        return true;
    }
    if bytes.first() != Some(&b'/') {
        return false;
    }
    let mut start = 1;
    for i in 1..=bytes.len() {
        if i == bytes.len() || bytes[i] == b'/' {
            if matches!(&bytes[start..i], b"" | b"." | b"..") {
                return false;
            }
            start = i + 1;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{canon_path, canonicalised, is_canonical};

    #[test]
    fn canonical_is_what_canon_path_keeps() {
        for p in [
            "/",
            "/a",
            "/a/b",
            "/a/b.c",
            "/.a/..b/...",
            "//",
            "/a/",
            "/a//b",
            "/./a",
            "/a/.",
            "/a/..",
            "/..",
            "a/b",
            "",
        ] {
            assert_eq!(is_canonical(p), canonicalised(p) == p, "{p:?}");
        }
    }

    #[test]
    fn canonical_paths() {
        assert_eq!(canon_path("/a/./b//c/../d"), "/a/b/d");
        assert_eq!(canon_path("/.."), "/");
        assert_eq!(canon_path("/a/b/"), "/a/b");
    }
}
