//! Nix's command lines take every setting as a flag (`--max-jobs 4`, `--sandbox`,
//! `--no-sandbox`, `-j 4`, `-k`, `-K`) and some logging flags rnix-eval has no use for
//! (`--quiet`, `-Q`, `--log-format FMT`, `--repair`, `--debug`). Before clap sees the
//! command line, settings become `--option NAME VALUE` and the logging flags are dropped.

use crate::settings::{BOOL_SETTINGS, VALUE_SETTINGS};
use std::ffi::OsString;

/// rnix-eval's own flags and how many values follow them (those values are left alone).
const TAKES_VALUES: &[(&str, usize)] = &[
    ("-A", 1),
    ("--attr", 1),
    ("--arg", 2),
    ("--argstr", 2),
    ("-I", 1),
    ("--include", 1),
    ("--option", 2),
    ("--store", 1),
    ("-o", 1),
    ("--out-link", 1),
    ("--add-root", 1),
    ("--write-drvs-to", 1),
    ("--timeout", 1),
    ("--max-call-depth", 1),
    ("--flake", 1),
    ("--update-input", 1),
    ("--override-input", 2),
    ("--workers", 1),
    ("--max-memory-size", 1),
    ("--gc-roots-dir", 1),
    ("--nix", 1),
];

/// Evaluation settings that are also flags (`--abort-on-warn`, `--no-restrict-eval`), as
/// modern Nix's `MixEvalArgs` makes them. The positive forms of the others are clap's own
/// flags (`--pure-eval`, `--restrict-eval`, `--show-trace`, `--trace-verbose`).
const EVAL_SETTING_FLAGS: &[&str] = &["abort-on-warn", "allow-import-from-derivation"];
const EVAL_SETTING_NO_FLAGS: &[&str] = &[
    "abort-on-warn",
    "allow-import-from-derivation",
    "pure-eval",
    "restrict-eval",
    "trace-verbose",
];

/// Flags accepted and ignored, with the number of values they take.
const IGNORED_FLAGS: &[(&str, usize)] = &[
    ("--quiet", 0),
    ("-Q", 0),
    ("--no-build-output", 0),
    ("--repair", 0),
    ("--debug", 0),
    ("--log-format", 1),
    ("--eval-store", 1),
];

pub fn expand(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args = args.into_iter();
    let mut out: Vec<OsString> = args.next().into_iter().collect();
    let option = |out: &mut Vec<OsString>, name: &str, value: OsString| {
        out.extend([OsString::from("--option"), OsString::from(name), value]);
    };
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str().map(String::from) else {
            out.push(arg);
            continue;
        };
        if let Some(&(_, n)) = TAKES_VALUES.iter().find(|(f, _)| *f == text) {
            out.push(arg);
            out.extend(args.by_ref().take(n));
            continue;
        }
        if let Some(&(_, n)) = IGNORED_FLAGS.iter().find(|(f, _)| *f == text) {
            args.by_ref().take(n).for_each(drop);
            continue;
        }
        match text.as_str() {
            "-j" => option(&mut out, "max-jobs", args.next().unwrap_or_default()),
            // `-j4`, `-jauto`: the value attached, as getopt-style short options take it.
            j if j.len() > 2 && j.starts_with("-j") => option(&mut out, "max-jobs", j[2..].into()),
            // Modern Nix's `--arg-from-file NAME PATH` and `--arg-from-stdin NAME`: the
            // file's or stdin's contents as a string argument.
            "--arg-from-file" | "--arg-from-stdin" => {
                let name = args.next().unwrap_or_default();
                let (what, read) = if text == "--arg-from-file" {
                    let path = args.next().unwrap_or_default();
                    (path.to_string_lossy().into_owned(), std::fs::read(&path))
                } else {
                    let mut bytes = Vec::new();
                    let read = std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(|_| bytes);
                    ("standard input".to_string(), read)
                };
                match read {
                    Ok(bytes) => {
                        use std::os::unix::ffi::OsStringExt;
                        out.extend([OsString::from("--argstr"), name, OsString::from_vec(bytes)]);
                    }
                    Err(e) => {
                        // Modern Nix's `readFile` wording, with the system's message only.
                        let message = e.to_string();
                        let message = message.split(" (os error").next().unwrap_or(&message);
                        eprintln!("error: opening file '{what}': {message}");
                        std::process::exit(1);
                    }
                }
            }
            "-k" => option(&mut out, "keep-going", "true".into()),
            "-K" => option(&mut out, "keep-failed", "true".into()),
            "--no-show-trace" => option(&mut out, "show-trace", "false".into()),
            _ => match text.strip_prefix("--") {
                Some(name) if EVAL_SETTING_FLAGS.contains(&name) => option(&mut out, name, "true".into()),
                Some(name)
                    if name
                        .strip_prefix("no-")
                        .is_some_and(|n| EVAL_SETTING_NO_FLAGS.contains(&n)) =>
                {
                    option(&mut out, &name[3..], "false".into())
                }
                Some(name) if BOOL_SETTINGS.contains(&name) => option(&mut out, name, "true".into()),
                Some(name) if name.strip_prefix("no-").is_some_and(|n| BOOL_SETTINGS.contains(&n)) => {
                    option(&mut out, &name[3..], "false".into())
                }
                Some(name)
                    if VALUE_SETTINGS.contains(&name)
                        || name.strip_prefix("extra-").is_some_and(|n| VALUE_SETTINGS.contains(&n)) =>
                {
                    match args.next() {
                        Some(value) => option(&mut out, name, value),
                        // Left for clap, which reports the missing value.
                        None => out.push(arg),
                    }
                }
                _ => out.push(arg),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::expand;

    fn run(args: &[&str]) -> Vec<String> {
        let args = std::iter::once("rnix-eval").chain(args.iter().copied()).map(Into::into);
        expand(args)
            .into_iter()
            .skip(1)
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn settings_become_options() {
        assert_eq!(
            run(&["--max-jobs", "4", "-E", "1"]),
            ["--option", "max-jobs", "4", "-E", "1"]
        );
        assert_eq!(
            run(&["--no-sandbox", "-k"]),
            ["--option", "sandbox", "false", "--option", "keep-going", "true"]
        );
        assert_eq!(run(&["--quiet", "-Q", "--log-format", "bar", "x.nix"]), ["x.nix"]);
        // Values of rnix-eval's own flags are left alone.
        assert_eq!(
            run(&["-A", "--sandbox", "--arg", "x", "--fallback"]),
            ["-A", "--sandbox", "--arg", "x", "--fallback"]
        );
        assert_eq!(
            run(&["--extra-substituters", "a"]),
            ["--option", "extra-substituters", "a"]
        );
        assert_eq!(run(&["--unknown"]), ["--unknown"]);
        assert_eq!(run(&["-j4"]), ["--option", "max-jobs", "4"]);
        assert_eq!(
            run(&["--abort-on-warn", "--no-restrict-eval"]),
            [
                "--option",
                "abort-on-warn",
                "true",
                "--option",
                "restrict-eval",
                "false"
            ]
        );
    }

    #[test]
    fn an_argument_from_a_file_is_a_string_argument() {
        let file = std::env::temp_dir().join(format!("rnix-arg-from-file-{}", std::process::id()));
        std::fs::write(&file, "contents\n").unwrap();
        let path = file.to_str().unwrap();
        assert_eq!(run(&["--arg-from-file", "x", path]), ["--argstr", "x", "contents\n"]);
        let _ = std::fs::remove_file(&file);
    }
}
