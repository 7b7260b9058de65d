//! Flake references: `.`, `/abs/path`, `path:`, `git+file:`/`git+https:`/`git+ssh:`,
//! `github:`/`gitlab:`/`sourcehut:`, tarball and file URLs, and registry ids (which are
//! parsed but never looked up). Parsing and printing follow Nix's `parseFlakeRef` and
//! `FlakeRef::to_string` (`src/libflake/flakeref.cc`, `src/libfetchers/*.cc`).

use crate::attrs::{AttrValue, Attrs};
use rnix_eval_store::io_reason;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlakeRef {
    pub input: Attrs,
    /// `?dir=`: where `flake.nix` lives inside the input.
    pub subdir: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Query parameters a git URL turns into input attributes.
const GIT_ATTRS: [&str; 8] = [
    "ref",
    "rev",
    "shallow",
    "submodules",
    "allRefs",
    "narHash",
    "lastModified",
    "revCount",
];

/// The query parameters a `tarball` or `file` URL gives as attributes; any other (`dir`,
/// GitLab's `sha`) stays in the URL, as Nix's `CurlInputScheme` keeps it.
const TARBALL_ATTRS: [&str; 6] = ["narHash", "name", "unpack", "rev", "revCount", "lastModified"];

const ARCHIVE_SUFFIXES: [&str; 7] = [".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"];

fn is_archive(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    ARCHIVE_SUFFIXES.iter().any(|s| path.ends_with(s))
}

impl FlakeRef {
    /// Parse `text` (no `#fragment`); a path is resolved against `base_dir`, and a path
    /// inside a git work tree becomes a `git+file:` reference (with `?dir=` for a
    /// subdirectory), as in Nix.
    pub fn parse(text: &str, base_dir: Option<&Path>) -> Result<FlakeRef, ParseError> {
        Self::parse_in(text, base_dir, true)
    }

    /// A reference from its attributes (a lock file's `original` or `locked`, a flake
    /// input written as a set, `flakeRefToString`'s argument): a string `dir` is the
    /// subdirectory, and any `dir` is taken out of the input's attributes.
    pub fn from_attrs(mut input: Attrs) -> FlakeRef {
        let subdir = match input.remove("dir") {
            Some(AttrValue::Str(d)) => d,
            _ => String::new(),
        };
        FlakeRef { input, subdir }
    }

    /// Nix's `parseFlakeRef(url, {})`, as `builtins.getFlake` parses its argument: a path
    /// must be absolute and is a `path:` reference as it is, even inside a git work tree
    /// (Nix 2.8 and modern Nix alike search for the repository only from a base folder).
    pub fn parse_without_base(text: &str) -> Result<FlakeRef, ParseError> {
        let main = text.split('?').next().unwrap_or(text);
        if scheme_of(main).is_none() && main.starts_with('.') {
            return Err(ParseError(format!("flake reference '{text}' is not an absolute path")));
        }
        Self::parse_in(text, None, false)
    }

    fn parse_in(text: &str, base_dir: Option<&Path>, search_git: bool) -> Result<FlakeRef, ParseError> {
        let bad = || ParseError(format!("'{text}' is not a valid URL"));
        // Nix's `parseFlakeRef`: a reference here names no output.
        if let Some((_, fragment)) = text.split_once('#') {
            return Err(ParseError(format!(
                "unexpected fragment '{fragment}' in flake reference '{text}'"
            )));
        }
        // A URL (not a bare path) is only the characters RFC 3986 allows, as Nix's URL
        // regex: `git+file:///a b` is refused, not locked with a space in it.
        if scheme_of(text).is_some() && !text.bytes().all(is_url_byte) {
            return Err(bad());
        }
        let (main, query) = match text.split_once('?') {
            Some((m, q)) => (m, decode_query(q)),
            None => (text, Vec::new()),
        };
        let scheme = scheme_of(main);
        let Some(scheme) = scheme else {
            // A flake input's `./sub` (no base: the flake's own inputs) is `path:./sub`,
            // relative to the flake that declares it, as modern Nix's `parseFlakeInput`
            // (`preserveRelativePaths`) reads it; resolving it against the working
            // directory found another folder's flake.
            if main.starts_with('.') && base_dir.is_none() {
                return Self::parse_in(&format!("path:{text}"), None, search_git);
            }
            if main.starts_with('/') || main.starts_with('.') || base_dir.is_some() && !is_flake_id(main) {
                return parse_path(text, main, query, base_dir, search_git);
            }
            return indirect(main, query).ok_or_else(bad);
        };
        let rest = &main[scheme.len() + 1..];
        // Nix's `parseURL`: a URL of the `file` transport names no host (`file:///abs`);
        // `git+file://relative/path` is refused, not read against the working directory.
        if scheme == "file" || scheme.ends_with("+file") {
            if let Some(authority) = rest.strip_prefix("//").and_then(|r| r.split('/').next()) {
                if !authority.is_empty() {
                    return Err(ParseError(format!(
                        "file:// URL '{text}' has unexpected authority '{authority}'"
                    )));
                }
            }
        }
        let mut attrs = Attrs::new();
        match scheme {
            "path" => {
                attrs.set("type", "path");
                // Modern Nix's `PathInputScheme::inputFromURL` (and Nix 2.8) refuse any
                // other parameter; `dir` is the flake's folder (modern Nix).
                const PATH_PARAMS: [&str; 5] = ["dir", "rev", "narHash", "revCount", "lastModified"];
                if let Some((name, _)) = query.iter().find(|(k, _)| !PATH_PARAMS.contains(&k.as_str())) {
                    return Err(ParseError(format!(
                        "path URL '{text}' has unsupported parameter '{name}'"
                    )));
                }
                // A relative `path:` reference given where there is a base (the command
                // line) is resolved against it, as Nix's `PathInputScheme` does with the
                // input's parent; elsewhere (`fetchTree`, lock files) it stays refused.
                match base_dir {
                    Some(base) if !rest.starts_with('/') => {
                        attrs.set("path", rnix_canon(&format!("{}/{rest}", base.display())));
                    }
                    _ => attrs.set("path", rest),
                }
            }
            "git+file" | "git+https" | "git+http" | "git+ssh" => {
                // Query parameters that are not git attributes stay in the URL, `dir`
                // included, as Nix 2.8 writes them into lock files.
                attrs.set("type", "git");
                let mut url = main["git+".len()..].to_string();
                // `git+file:.` and `git+file:sub`: a path relative to the working directory,
                // as Nix reads such a URL's path.
                if let (Some(rel), Some(base)) = (url.strip_prefix("file:"), base_dir) {
                    if !rel.starts_with('/') {
                        url = format!("file://{}", rnix_canon(&format!("{}/{rel}", base.display())));
                    }
                }
                return with_url_query(attrs, &url, query, &GIT_ATTRS);
            }
            "github" | "gitlab" | "sourcehut" => {
                let parts: Vec<&str> = rest.split('/').collect();
                if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
                    return Err(ParseError(format!("'{text}' is not a valid {scheme} URL")));
                }
                attrs.set("type", scheme);
                attrs.set("owner", parts[0]);
                attrs.set("repo", parts[1]);
                if let Some(r) = parts.get(2) {
                    attrs.set(if is_rev(r) { "rev" } else { "ref" }, *r);
                }
            }
            "flake" => return indirect(rest, query).ok_or_else(bad),
            "tarball+file" | "tarball+http" | "tarball+https" => {
                attrs.set("type", "tarball");
                return with_url_query(attrs, &main["tarball+".len()..], query, &TARBALL_ATTRS);
            }
            "file+file" | "file+http" | "file+https" => {
                attrs.set("type", "file");
                return with_url_query(attrs, &main["file+".len()..], query, &TARBALL_ATTRS);
            }
            "file" | "http" | "https" => {
                attrs.set("type", if is_archive(main) { "tarball" } else { "file" });
                return with_url_query(attrs, main, query, &TARBALL_ATTRS);
            }
            _ => return Err(ParseError(format!("input '{text}' is unsupported"))),
        }
        with_query(attrs, query)
    }

    /// `flakeRefToString`.
    pub fn to_url(&self) -> String {
        let mut url = input_to_url(&self.input);
        if !self.subdir.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("dir=");
            url.push_str(&encode(&self.subdir));
        }
        sorted_query(url)
    }
}

/// Split `text#fragment`.
pub fn split_fragment(text: &str) -> (&str, &str) {
    text.split_once('#').unwrap_or((text, ""))
}

/// `REF#ATTRPATH` as Nix's `parseFlakeRefWithFragment` splits it: the reference, and the
/// attribute path percent-decoded (`.#x%20y` names the output `"x y"`).
pub fn split_reference(text: &str) -> (&str, String) {
    let (reference, fragment) = split_fragment(text);
    (reference, decode(fragment))
}

fn scheme_of(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once(':')?;
    let ok = !scheme.is_empty()
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    ok.then_some(scheme)
}

/// A byte RFC 3986 allows in a URL: unreserved, sub-delimiters, `%` (of an escape),
/// and `:/?#[]@`.
fn is_url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=%:/?#[]@".contains(&b)
}

fn is_rev(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_flake_id(s: &str) -> bool {
    let first = s.split('/').next().unwrap_or("");
    !first.is_empty()
        && first.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn indirect(text: &str, query: Vec<(String, String)>) -> Option<FlakeRef> {
    let parts: Vec<&str> = text.split('/').collect();
    if !is_flake_id(text) || parts.len() > 3 {
        return None;
    }
    let mut attrs = Attrs::new();
    attrs.set("type", "indirect");
    attrs.set("id", parts[0]);
    for p in &parts[1..] {
        attrs.set(if is_rev(p) { "rev" } else { "ref" }, *p);
    }
    with_query(attrs, query).ok()
}

fn parse_path(
    text: &str,
    path: &str,
    query: Vec<(String, String)>,
    base_dir: Option<&Path>,
    search_git: bool,
) -> Result<FlakeRef, ParseError> {
    let base = base_dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
    let abs = rnix_canon(&if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", base.display())
    });
    let abs = match base_dir {
        // On the command line (Nix's `allowMissing = false`): the flake around the path.
        Some(_) => find_flake_dir(abs)?,
        None => abs,
    };
    let dir = Path::new(&abs);
    if !dir.join("flake.nix").exists() {
        let why = if dir.is_file() {
            "it's not a directory"
        } else {
            "it doesn't contain a 'flake.nix' file"
        };
        return Err(ParseError(format!("path '{abs}' is not a flake (because {why})")));
    }
    let mut subdir = String::new();
    let mut root = dir.to_path_buf();
    // Without a base (`getFlake`) a path is a `path:` flake as it is.
    let mut search = search_git;
    while search {
        if root.join(".git").exists() {
            let mut query = query;
            if !subdir.is_empty() {
                if query.iter().any(|(k, _)| k == "dir") {
                    return Err(ParseError(format!(
                        "flake URL '{text}' has an inconsistent 'dir' parameter"
                    )));
                }
                query.push(("dir".into(), subdir));
            }
            if root.join(".git/shallow").exists() {
                query.push(("shallow".into(), "1".into()));
            }
            let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
            let url = format!("git+file://{}", root.display());
            let url = if q.is_empty() {
                url
            } else {
                format!("{url}?{}", q.join("&"))
            };
            return FlakeRef::parse(&url, None);
        }
        let Some(parent) = root.parent() else {
            search = false;
            continue;
        };
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        subdir = if subdir.is_empty() {
            name
        } else {
            format!("{name}/{subdir}")
        };
        root = parent.to_path_buf();
    }
    let mut attrs = Attrs::new();
    attrs.set("type", "path");
    attrs.set("path", abs);
    with_query(attrs, query)
}

/// Modern Nix's `parsePathFlakeRefWithFragment` for a path given on the command line: a
/// `flake.nix` file stands for its folder, and from a folder without one the search goes
/// up to the nearest folder with a `flake.nix`, stopping at a git work tree's root or a
/// file system boundary (a flake is run from any folder inside it).
fn find_flake_dir(abs: String) -> Result<String, ParseError> {
    use std::os::unix::fs::MetadataExt;
    let status = |p: &Path| {
        std::fs::symlink_metadata(p)
            .map_err(|e| ParseError(format!("getting status of '{}': {}", p.display(), io_reason(&e))))
    };
    let mut dir = PathBuf::from(&abs);
    let meta = status(&dir)?;
    if !meta.is_dir() {
        if dir.file_name().is_some_and(|n| n == "flake.nix") {
            let parent = dir.parent().unwrap_or(Path::new("/")).to_path_buf();
            eprintln!(
                "warning: Path '{abs}' should point at the directory containing the 'flake.nix' file, not the file itself. Pretending that you meant '{}'",
                parent.display()
            );
            dir = parent;
        } else {
            return Err(ParseError(format!(
                "path '{abs}' is not a flake (because it's not a directory)"
            )));
        }
    }
    if dir.join("flake.nix").exists() {
        return Ok(dir.display().to_string());
    }
    eprintln!("path '{}' does not contain a 'flake.nix', searching up", dir.display());
    let device = status(&dir)?.dev();
    while dir != Path::new("/") {
        if dir.join("flake.nix").exists() {
            return Ok(dir.display().to_string());
        }
        if dir.join(".git").exists() {
            return Err(ParseError(format!(
                "path '{}' is not part of a flake (neither it nor its parent directories contain a 'flake.nix' file)",
                dir.display()
            )));
        }
        if status(&dir)?.dev() != device {
            return Err(ParseError(format!(
                "unable to find a flake before encountering filesystem boundary at '{}'",
                dir.display()
            )));
        }
        dir = dir.parent().unwrap_or(Path::new("/")).to_path_buf();
    }
    Err(ParseError("could not find a flake.nix file".into()))
}

/// `.`/`..` removed, no symlinks resolved (Nix's `canonPath` without resolution).
fn rnix_canon(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A URL input: the query parameters that are the scheme's attributes (`attr_names`) move
/// into attributes, the others stay in the URL (`url`), `dir` included, as Nix 2.8 writes
/// them into lock files; `dir` is also the flake's folder.
fn with_url_query(
    mut attrs: Attrs,
    url: &str,
    query: Vec<(String, String)>,
    attr_names: &[&str],
) -> Result<FlakeRef, ParseError> {
    let (kept, rest): (Vec<_>, Vec<_>) = query.into_iter().partition(|(k, _)| !attr_names.contains(&k.as_str()));
    let mut url = url.to_string();
    if !kept.is_empty() {
        let q: Vec<String> = kept
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_in_lock_url(v)))
            .collect();
        url = format!("{url}?{}", q.join("&"));
    }
    attrs.set("url", url);
    let subdir = kept.iter().find(|(k, _)| k == "dir").map(|(_, v)| v.clone());
    let mut r = with_query(attrs, rest)?;
    r.subdir = subdir.unwrap_or_default();
    Ok(r)
}

/// Move the query parameters into attributes, typed as Nix types them.
fn with_query(mut attrs: Attrs, query: Vec<(String, String)>) -> Result<FlakeRef, ParseError> {
    let mut subdir = String::new();
    for (k, v) in query {
        match k.as_str() {
            "dir" => subdir = v,
            "lastModified" | "revCount" => {
                let n = v
                    .parse::<u64>()
                    .map_err(|_| ParseError(format!("'{k}' parameter '{v}' is not a number")))?;
                attrs.set(&k, n);
            }
            "submodules" | "shallow" | "allRefs" | "exportIgnore" | "lfs" => attrs.set(&k, v == "1" || v == "true"),
            "narHash" => attrs.set(&k, crate::parse_sri(&v).map(|h| h.to_sri()).unwrap_or(v)),
            _ => attrs.set(&k, v),
        }
    }
    Ok(FlakeRef { input: attrs, subdir })
}

/// Nix's `decodeQuery`: a parameter given twice keeps its first value (`?ref=a&ref=b`
/// is `ref=a`), and one without `=` is ignored, with modern Nix's warning.
fn decode_query(q: &str) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = Vec::new();
    for kv in q.split('&').filter(|s| !s.is_empty()) {
        let Some((k, v)) = kv.split_once('=') else {
            eprintln!("warning: dubious URI query '{kv}' is missing equal sign '=', ignoring");
            continue;
        };
        let k = decode(k);
        if !params.iter().any(|(seen, _)| *seen == k) {
            params.push((k, decode(v)));
        }
    }
    params
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |b: u8| (b as char).to_digit(16);
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encode what may not stand in a query value (Nix's `percentEncode`; `&` and
/// `=` too, which would split the query).
fn encode(s: &str) -> String {
    percent_encode(s, b"-._~!$'()*+,;:@/", false)
}

/// [`encode`] as Nix 2.8's `percentEncode` wrote a git input's query into its `url`, which
/// lock files keep: a `/` encoded too, lower-case digits (`?dir=libs%2futil`). Written
/// otherwise, Nix 2.8 finds the lock file's `original` stale and rewrites it.
fn encode_in_lock_url(s: &str) -> String {
    percent_encode(s, b"-._~!$'()*+,;:@", true)
}

/// `s` with every byte but ASCII letters, digits and `keep` as `%XX`.
fn percent_encode(s: &str, keep: &[u8], lower_case: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else if lower_case {
            out.push_str(&format!("%{b:02x}"));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn attr_text(v: &AttrValue) -> String {
    match v {
        AttrValue::Str(s) => s.clone(),
        AttrValue::Int(n) => n.to_string(),
        AttrValue::Bool(b) => if *b { "1" } else { "0" }.to_string(),
    }
}

/// An input as a URL (`Input::toURLString`): the scheme's own form, then the remaining
/// attributes as a sorted query.
pub fn input_to_url(attrs: &Attrs) -> String {
    input_to_url_encoded(attrs, encode)
}

/// A locked reference as Nix 2.8 prints it in the changes to a lock file (`• Updated
/// input 'u': 'path:/u?lastModified=1&narHash=sha256-...%2f...='`): the query in order
/// of name, its values encoded as Nix 2.8's `percentEncode` encodes them.
pub fn locked_to_string(attrs: &Attrs) -> String {
    sorted_query(input_to_url_encoded(attrs, |v| {
        percent_encode(v, b"-._~!$&'()*+,;=:@", true)
    }))
}

fn input_to_url_encoded(attrs: &Attrs, encode: impl Fn(&str) -> String) -> String {
    let ty = attrs.get_str("type").unwrap_or("");
    let mut rest: Vec<(&str, String)> = Vec::new();
    let base = match ty {
        "path" => format!("path:{}", attrs.get_str("path").unwrap_or("")),
        "git" => format!("git+{}", without_dir(attrs.get_str("url").unwrap_or(""))),
        "tarball" => {
            let url = without_dir(attrs.get_str("url").unwrap_or(""));
            if is_archive(&url) {
                url
            } else {
                format!("tarball+{url}")
            }
        }
        "file" => {
            let url = without_dir(attrs.get_str("url").unwrap_or(""));
            if is_archive(&url) {
                format!("file+{url}")
            } else {
                url
            }
        }
        "github" | "gitlab" | "sourcehut" => {
            let mut s = format!(
                "{ty}:{}/{}",
                attrs.get_str("owner").unwrap_or(""),
                attrs.get_str("repo").unwrap_or("")
            );
            if let Some(r) = attrs.get_str("rev").or(attrs.get_str("ref")) {
                s.push('/');
                s.push_str(r);
            }
            s
        }
        "indirect" => {
            let mut s = format!("flake:{}", attrs.get_str("id").unwrap_or(""));
            for k in ["ref", "rev"] {
                if let Some(r) = attrs.get_str(k) {
                    s.push('/');
                    s.push_str(r);
                }
            }
            s
        }
        other => format!("{other}:"),
    };
    let in_base: &[&str] = match ty {
        "path" => &["type", "path"],
        "git" | "tarball" | "file" => &["type", "url"],
        "github" | "gitlab" | "sourcehut" => &["type", "owner", "repo", "ref", "rev"],
        "indirect" => &["type", "id", "ref", "rev"],
        _ => &["type"],
    };
    for (k, v) in attrs.iter() {
        // The forge form holds only one of ref/rev: a ref beside a rev goes in the query.
        let shown_in_base = in_base.contains(&k.as_str())
            && !(k == "ref" && matches!(ty, "github" | "gitlab" | "sourcehut") && attrs.get_str("rev").is_some());
        // `GitInputScheme::toURL` (2.8 and modern) writes only these: a locked git input
        // is printed without its `narHash`, `lastModified` or `revCount`.
        let git_hides = ty == "git" && !matches!(k.as_str(), "rev" | "ref" | "shallow" | "submodules" | "dir");
        if !shown_in_base && !git_hides {
            rest.push((k, attr_text(v)));
        }
    }
    if rest.is_empty() {
        return base;
    }
    let query: Vec<String> = rest.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{}", query.join("&"))
}

/// `url` with its query parameters in order of name, as Nix prints a URL (its query is a
/// `std::map`): `git+file:///r?dir=sub&ref=main` whatever order they were given in.
fn sorted_query(url: String) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url;
    };
    let mut params: Vec<&str> = query.split('&').collect();
    if params.is_sorted_by_key(|kv| kv.split('=').next()) {
        return url;
    }
    params.sort_by_key(|kv| kv.split('=').next());
    format!("{base}?{}", params.join("&"))
}

/// A URL without the `dir` parameter Nix 2.8 leaves in it (printed at the end).
fn without_dir(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let kept: Vec<&str> = query.split('&').filter(|kv| !kv.starts_with("dir=")).collect();
    if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(text: &str) -> String {
        FlakeRef::parse(text, None).unwrap().to_url()
    }

    /// Nix 2.8's and modern Nix's `PathInputScheme`: a parameter that is not an input
    /// attribute is refused (`?foo=bar` was locked as an attribute Nix 2.8 cannot read).
    #[test]
    fn path_urls_refuse_unknown_parameters() {
        let err = FlakeRef::parse("path:/tmp/dep?foo=bar", None).unwrap_err();
        assert_eq!(
            err.0,
            "path URL 'path:/tmp/dep?foo=bar' has unsupported parameter 'foo'"
        );
        let r = FlakeRef::parse("path:/tmp/dep?dir=sub&lastModified=5", None).unwrap();
        assert_eq!((r.subdir.as_str(), r.input.get_int("lastModified")), ("sub", Some(5)));
    }

    /// Nix's `parseURL` (2.8 and modern): a `file` transport URL names no host.
    #[test]
    fn file_urls_refuse_an_authority() {
        let err = FlakeRef::parse("git+file://relative/path", None).unwrap_err();
        assert_eq!(
            err.0,
            "file:// URL 'git+file://relative/path' has unexpected authority 'relative'"
        );
        assert!(FlakeRef::parse("file://host/a.tar.gz", None).is_err());
        assert!(FlakeRef::parse("git+file:///tmp/repo", None).is_ok());
        assert!(FlakeRef::parse("path:relative/path", None).is_ok());
    }

    #[test]
    fn urls_print_back_in_nix_form() {
        assert_eq!(
            round("github:NixOS/nixpkgs/nixos-20.09"),
            "github:NixOS/nixpkgs/nixos-20.09"
        );
        // The query in order of name, as Nix 2.8 prints the reference in its messages
        // (`cannot write modified lock file of flake 'git+file:///r?dir=sub&ref=main'`).
        assert_eq!(
            round("git+file:///tmp/x?ref=main&dir=sub"),
            "git+file:///tmp/x?dir=sub&ref=main"
        );
        assert_eq!(round("https://e.org/a.tar.gz"), "https://e.org/a.tar.gz");
        assert_eq!(round("tarball+https://e.org/a"), "tarball+https://e.org/a");
        assert_eq!(round("path:/a/b"), "path:/a/b");
        assert_eq!(round("nixpkgs"), "flake:nixpkgs");
        // A flake's input: relative to that flake, never to the working directory.
        assert_eq!(round("./sub"), "path:./sub");
        assert_eq!(round("../up?dir=x"), round("path:../up?dir=x"));
    }

    #[test]
    fn attributes_are_typed() {
        let r = FlakeRef::parse(
            "git+file:///x?rev=0123456789abcdef0123456789abcdef01234567&submodules=1&revCount=3",
            None,
        )
        .unwrap();
        assert_eq!(r.input.get_bool("submodules"), Some(true));
        assert_eq!(r.input.get_int("revCount"), Some(3));
        let g = FlakeRef::parse("github:o/r/0123456789abcdef0123456789abcdef01234567", None).unwrap();
        assert!(g.input.get_str("rev").is_some());
    }

    /// Nix's `decodeQuery`: the first of a repeated parameter wins; one without `=` is
    /// ignored.
    #[test]
    fn repeated_and_bare_query_parameters_are_read_as_nix_reads_them() {
        let r = FlakeRef::parse("git+file:///tmp/x?ref=v1&ref=other&dir=a&dir=b", None).unwrap();
        assert_eq!((r.input.get_str("ref"), r.subdir.as_str()), (Some("v1"), "a"));
        let r = FlakeRef::parse("git+file:///tmp/x?ref", None).unwrap();
        assert_eq!(r.input.get_str("ref"), None);
    }

    /// Nix's `parseFlakeRef` and URL regex: no `#fragment` where a reference names no
    /// output, no space or non-ASCII character in a URL.
    #[test]
    fn fragments_and_invalid_url_characters_are_refused() {
        let err = FlakeRef::parse("path:/tmp/dep#x", None).unwrap_err();
        assert_eq!(err.0, "unexpected fragment 'x' in flake reference 'path:/tmp/dep#x'");
        for bad in ["git+file:///tmp/g it", "path:/tmp/d\u{e9}p", "path:/tmp/a\"b"] {
            let err = FlakeRef::parse(bad, None).unwrap_err();
            assert_eq!(err.0, format!("'{bad}' is not a valid URL"));
        }
        assert!(FlakeRef::parse("git+file:///tmp/a%20b?ref=x", None).is_ok());
    }

    #[test]
    fn bad_references_are_refused() {
        assert!(FlakeRef::parse("github:onlyowner", None).is_err());
        assert!(FlakeRef::parse("foo+bar:x", None).is_err());
    }
}
