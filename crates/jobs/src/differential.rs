//! Differential evaluation against the C++ Nix: given the `.drv` rnix-eval computed and
//! the one Nix computed for the same job, find the first difference the way `nix-diff`
//! does: follow input derivations that differ down to the deepest pair whose inputs
//! agree, then name the field of that pair that differs (outputs, an input, an
//! environment variable, arguments, builder, system) with both values.

use rnix_eval_store::derivation::{parse_aterm, Derivation};
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Identical,
    Different {
        /// The `.drv` of ours and of Nix's where the difference is.
        drv: String,
        nix_drv: String,
        field: String,
        ours: String,
        nix: String,
    },
}

impl Verdict {
    pub fn to_json(&self) -> Json {
        match self {
            Verdict::Identical => json!({ "differential": "identical" }),
            Verdict::Different {
                drv,
                nix_drv,
                field,
                ours,
                nix,
            } => json!({
                "differential": "different",
                "differentDrv": drv,
                "nixDrv": nix_drv,
                "field": field,
                "ours": ours,
                "nix": nix,
            }),
        }
    }
}

/// The name part of a store path (`/nix/store/<hash>-<name>.drv` -> `<name>.drv`).
fn name_of(path: &str) -> &str {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.split_once('-').map_or(base, |(_, n)| n)
}

/// Compare `ours` and `nix` (drv paths); `read_ours`/`read_nix` give a drv's ATerm text.
pub fn compare(
    ours: &str,
    nix: &str,
    read_ours: &dyn Fn(&str) -> Option<Vec<u8>>,
    read_nix: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Verdict {
    let mut seen = BTreeSet::new();
    diff(ours, nix, read_ours, read_nix, &mut seen).unwrap_or(Verdict::Identical)
}

fn diff(
    ours: &str,
    nix: &str,
    read_ours: &dyn Fn(&str) -> Option<Vec<u8>>,
    read_nix: &dyn Fn(&str) -> Option<Vec<u8>>,
    seen: &mut BTreeSet<(String, String)>,
) -> Option<Verdict> {
    if ours == nix || !seen.insert((ours.to_string(), nix.to_string())) {
        return None;
    }
    let different = |field: &str, a: String, b: String| {
        Some(Verdict::Different {
            drv: ours.to_string(),
            nix_drv: nix.to_string(),
            field: field.to_string(),
            ours: a,
            nix: b,
        })
    };
    let (Some(a_text), Some(b_text)) = (read_ours(ours), read_nix(nix)) else {
        return different("drvPath", ours.to_string(), nix.to_string());
    };
    let (Ok(a), Ok(b)) = (parse_aterm(&a_text), parse_aterm(&b_text)) else {
        return different("drvPath", ours.to_string(), nix.to_string());
    };
    // The cause lies deepest: first an input derivation that differs.
    for (a_in, a_outs) in &a.input_drvs {
        if b.input_drvs.contains_key(a_in) {
            continue;
        }
        let twin = b
            .input_drvs
            .keys()
            .find(|b_in| name_of(b_in) == name_of(a_in) && !a.input_drvs.contains_key(*b_in));
        match twin {
            Some(b_in) => {
                if let Some(v) = diff(a_in, b_in, read_ours, read_nix, seen) {
                    return Some(v);
                }
            }
            None => {
                return different(
                    &format!("inputDrvs.{}", name_of(a_in)),
                    format!("{a_in} {a_outs:?}"),
                    "(absent)".into(),
                )
            }
        }
    }
    if let Some(b_in) = b
        .input_drvs
        .keys()
        .find(|b_in| !a.input_drvs.keys().any(|a_in| name_of(a_in) == name_of(b_in)))
    {
        return different(&format!("inputDrvs.{}", name_of(b_in)), "(absent)".into(), b_in.clone());
    }
    fields(&a, &b)
        .into_iter()
        .find(|(_, x, y)| x != y)
        .and_then(|(f, x, y)| different(&f, x, y))
        .or_else(|| {
            // Same fields, different paths: only the input derivations' paths differ.
            different(
                "inputDrvs",
                format!("{:?}", a.input_drvs.keys()),
                format!("{:?}", b.input_drvs.keys()),
            )
        })
}

/// The fields of a derivation in the order a difference is reported.
fn fields(a: &Derivation, b: &Derivation) -> Vec<(String, String, String)> {
    let mut out = vec![
        ("system".into(), a.platform.clone(), b.platform.clone()),
        ("builder".into(), text(&a.builder), text(&b.builder)),
        (
            "args".into(),
            format!("{:?}", a.args.iter().map(|x| text(x)).collect::<Vec<_>>()),
            format!("{:?}", b.args.iter().map(|x| text(x)).collect::<Vec<_>>()),
        ),
        (
            "outputs".into(),
            format!("{:?}", a.outputs.keys().collect::<Vec<_>>()),
            format!("{:?}", b.outputs.keys().collect::<Vec<_>>()),
        ),
        (
            "inputSrcs".into(),
            format!("{:?}", a.input_srcs),
            format!("{:?}", b.input_srcs),
        ),
    ];
    let keys: BTreeSet<&Vec<u8>> = a.env.keys().chain(b.env.keys()).collect();
    for k in keys {
        let show = |d: &Derivation| d.env.get(k).map(|v| text(v)).unwrap_or_else(|| "(absent)".into());
        out.push((format!("env.{}", text(k)), show(a), show(b)));
    }
    for (name, o) in &a.outputs {
        let theirs = b
            .outputs
            .get(name)
            .map(|o| o.path.clone())
            .unwrap_or_else(|| "(absent)".into());
        out.push((format!("outputs.{name}.path"), o.path.clone(), theirs));
    }
    // Environment variables come before output paths: outputs follow from them.
    let (outs, rest): (Vec<_>, Vec<_>) = out
        .into_iter()
        .partition(|(f, _, _)| f.starts_with("outputs.") && f.ends_with(".path"));
    rest.into_iter().chain(outs).collect()
}

/// What to ask Nix for: the same job of a flake or of a file.
pub enum Target<'a> {
    Flake { reference: &'a str },
    File { file: &'a str },
}

/// The `.drv` path Nix computes for the job at `attr_path` (Nix writes it to its store).
/// `nix` is the `nix` executable; `nix-instantiate` is looked up beside it.
pub fn nix_drv_path(nix: &std::path::Path, target: &Target, attr_path: &[String]) -> Result<String, String> {
    let attr = crate::attr_text(attr_path);
    let mut cmd = match target {
        Target::Flake { reference } => {
            let mut c = std::process::Command::new(nix);
            c.args(["--extra-experimental-features", "nix-command flakes", "eval", "--raw"]);
            c.arg(format!("{reference}#{attr}.drvPath"));
            c
        }
        Target::File { file } => {
            let dir = nix.parent().unwrap_or(std::path::Path::new(""));
            let mut c = std::process::Command::new(dir.join("nix-instantiate"));
            c.arg(file);
            if !attr.is_empty() {
                c.args(["-A", &attr]);
            }
            c
        }
    };
    let out = cmd
        .output()
        .map_err(|e| format!("running Nix ({}): {e}", nix.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| l.starts_with("error:")).unwrap_or("Nix failed");
        return Err(format!("Nix: {first}"));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let path = text.lines().next().unwrap_or("").trim();
    // nix-instantiate prints `PATH!OUTPUT` for outputs other than `out`.
    Ok(path.split('!').next().unwrap_or(path).to_string())
}

/// A .drv string for a report (bytes that are not UTF-8 shown as U+FFFD).
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const DEP: &str = r#"Derive([("out","/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-dep","","")],[],[],"x86_64-linux","/bin/sh",[],[("name","dep"),("out","/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-dep"),("v","1")])"#;

    fn top(dep: &str) -> String {
        format!(
            r#"Derive([("out","/nix/store/cccccccccccccccccccccccccccccccc-top","","")],[("{dep}",["out"])],[],"x86_64-linux","/bin/sh",[],[("name","top")])"#
        )
    }

    #[test]
    fn the_deepest_differing_input_and_field_are_named() {
        let dep_ours = "/nix/store/11111111111111111111111111111111-dep.drv";
        let dep_nix = "/nix/store/22222222222222222222222222222222-dep.drv";
        let mut ours = HashMap::new();
        ours.insert(dep_ours.to_string(), DEP.to_string());
        ours.insert("/o/top.drv".to_string(), top(dep_ours));
        let mut nix = HashMap::new();
        nix.insert(dep_nix.to_string(), DEP.replace(r#"("v","1")"#, r#"("v","2")"#));
        nix.insert("/n/top.drv".to_string(), top(dep_nix));
        let v = compare(
            "/o/top.drv",
            "/n/top.drv",
            &|p| ours.get(p).map(|s| s.clone().into_bytes()),
            &|p| nix.get(p).map(|s| s.clone().into_bytes()),
        );
        let Verdict::Different {
            drv, field, ours, nix, ..
        } = v
        else {
            panic!("no difference found")
        };
        assert_eq!(drv, dep_ours);
        assert_eq!(field, "env.v");
        assert_eq!((ours.as_str(), nix.as_str()), ("1", "2"));
    }

    #[test]
    fn equal_paths_are_identical() {
        assert_eq!(compare("/a.drv", "/a.drv", &|_| None, &|_| None), Verdict::Identical);
    }
}
