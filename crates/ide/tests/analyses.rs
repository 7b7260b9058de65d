//! The analyses on small texts: expected values are facts about the texts (where a name
//! is bound, what is in scope), checked by offsets found in the text itself.

use rnix_eval_ide::{Analysis, CompletionContext, Names, Target};

fn names() -> Names {
    Names {
        globals: ["builtins", "import", "map", "true", "false", "null", "toString"]
            .into_iter()
            .map(String::from)
            .collect(),
        builtins: vec!["attrNames".into(), "map".into(), "mapAttrs".into()],
    }
}

/// The offset of the `n`th (from 0) occurrence of `needle`.
fn at(text: &str, needle: &str, n: usize) -> u32 {
    text.match_indices(needle).nth(n).expect("needle in text").0 as u32
}

#[test]
fn undefined_variables_but_not_under_with() {
    let text = "let a = 1; in { x = a + b; y = with {}; c; z = builtins.map; }";
    let a = Analysis::new(text, &names());
    let diags = a.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].message, "undefined variable 'b'");
    assert_eq!(diags[0].start, at(text, "b;", 0));
}

#[test]
fn lexical_bindings_win_over_with_and_inherit_reads_outside() {
    let text = "x: let x = 2; in with { x = 3; }; rec { inherit x; y = x; }";
    let a = Analysis::new(text, &names());
    // `inherit x;` in the rec set reads the let's `x`, not the set's own.
    let inherit_x = at(text, "x; y", 0);
    assert_eq!(
        a.definition(inherit_x, None),
        Some(Target::Local {
            start: at(text, "x = 2", 0),
            end: at(text, "x = 2", 0) + 1
        })
    );
    // `y = x` reads the rec set's own `x` (the inherit).
    let y_x = at(text, "x; }", 0);
    assert_eq!(
        a.definition(y_x, None),
        Some(Target::Local {
            start: inherit_x,
            end: inherit_x + 1
        })
    );
}

#[test]
fn lambda_formals_see_each_other() {
    let text = "{ a ? b, b ? 1, ... }@args: a + b + args.c";
    let a = Analysis::new(text, &names());
    assert!(a.diagnostics().is_empty());
    let use_args = at(text, "args.c", 0);
    assert_eq!(
        a.definition(use_args, None),
        Some(Target::Local {
            start: at(text, "args", 0),
            end: at(text, "args", 0) + 4
        })
    );
}

#[test]
fn syntax_errors_are_reported_in_nix_words() {
    let a = Analysis::new("{ a = 1 }", &names());
    let d = a.diagnostics();
    assert_eq!(d.len(), 1);
    assert!(d[0].message.starts_with("syntax error"), "{}", d[0].message);
}

#[test]
fn completion_of_names_in_scope_and_builtins() {
    let text = "let alpha = 1; alps = 2; in { f = al; g = builtins.ma; }";
    let a = Analysis::new(text, &names());
    let offset = at(text, "al;", 0) + 2;
    let ctx = a.completion_context(offset);
    assert_eq!(
        ctx[0],
        CompletionContext::Name {
            partial: "al".into(),
            start: offset - 2
        }
    );
    let mut labels: Vec<String> = a.complete(&ctx[0], &names()).into_iter().map(|c| c.label).collect();
    labels.sort();
    assert_eq!(labels, ["alpha", "alps"]);
    let offset = at(text, "ma;", 0) + 2;
    let ctx = a.completion_context(offset);
    let labels: Vec<String> = a.complete(&ctx[0], &names()).into_iter().map(|c| c.label).collect();
    assert_eq!(labels, ["map", "mapAttrs"]);
}

#[test]
fn option_paths_of_module_attributes() {
    let text = "{ config, lib, ... }: { config.services = lib.mkIf true { web.port = 80; }; options.x.y = 1; }";
    let a = Analysis::new(text, &names());
    let p = a.option_path_at(at(text, "port", 0)).unwrap();
    assert_eq!(p.path, ["services", "web", "port"]);
    assert!(!p.declaring);
    let p = a.option_path_at(at(text, "web", 0)).unwrap();
    assert_eq!(p.path, ["services", "web"]);
    let p = a.option_path_at(at(text, "y =", 0)).unwrap();
    assert_eq!(p.path, ["x", "y"]);
    assert!(p.declaring);
    // A dynamic component after the hovered one does not matter; one before it does.
    let text = "{ name, ... }: { services.nginx.virtualHosts.${name}.root = \"/w\"; }";
    let a = Analysis::new(text, &names());
    let p = a.option_path_at(at(text, "virtualHosts", 0)).unwrap();
    assert_eq!(p.path, ["services", "nginx", "virtualHosts"]);
    assert!(a.option_path_at(at(text, "root", 0)).is_none());
    // The start of an entry of a set at an option path: option names only, no variables;
    // after `with lib;` a variable can follow, so both.
    let text = "{ lib, ... }: { services.openssh = {  }; services.x = with lib;  ; }";
    let a = Analysis::new(text, &names());
    let ctx = a.completion_context(at(text, "{  }", 0) + 2);
    assert_eq!(
        ctx,
        [CompletionContext::Option {
            path: vec!["services".into(), "openssh".into()],
            partial: String::new(),
            start: at(text, "{  }", 0) + 2
        }]
    );
    let ctx = a.completion_context(at(text, "lib;  ;", 0) + 5);
    assert!(matches!(ctx[0], CompletionContext::Name { .. }), "{ctx:?}");
    // After an entry's `;` too.
    let text = "{ ... }: { services.openssh = { enable = true;  }; }";
    let a = Analysis::new(text, &names());
    let ctx = a.completion_context(at(text, "true;", 0) + 6);
    assert_eq!(ctx.len(), 1, "{ctx:?}");
    assert!(matches!(&ctx[0], CompletionContext::Option { path, .. } if path == &["services", "openssh"]));
    // A partly typed path inside the module's body.
    let text = "{ ... }: { services.we }";
    let a = Analysis::new(text, &names());
    let ctx = a.completion_context(text.len() as u32 - 2);
    assert_eq!(
        ctx,
        [CompletionContext::Option {
            path: vec!["services".into()],
            partial: "we".into(),
            start: at(text, "we", 0)
        }]
    );
}

#[test]
fn option_declarations_in_module_files() {
    let text = "{ lib, ... }:\nlet ports = 1; port = 2;\nin {\n  options.services.web = {\n    ports = lib.mkOption { };\n    port = lib.mkOption { description = \"port\"; };\n  };\n  config.services.web.port = 3;\n}";
    let a = Analysis::new(text, &names());
    let path = ["services".to_string(), "web".into(), "port".into()];
    assert_eq!(a.option_declaration(&path), Some(at(text, "port = lib", 0)));
    assert_eq!(a.option_declaration(&["services".to_string(), "db".into()]), None);
}

#[test]
fn rename_through_inherit() {
    let text = "let a = 1; b = { inherit a; }; in a + b.a";
    let a = Analysis::new(text, &names());
    let edits = a.rename(at(text, "a = 1", 0), "n").unwrap();
    let mut out = text.to_string();
    for e in edits.iter().rev() {
        out.replace_range(e.start as usize..e.end as usize, &e.text);
    }
    assert_eq!(out, "let n = 1; b = { inherit ; a = n; }; in n + b.a");
    assert!(
        a.rename(at(text, "b.a", 0) + 2, "n").is_err(),
        "an attribute name is not a binding"
    );
    let text = "{ x }: x";
    assert!(
        Analysis::new(text, &names()).rename(2, "y").is_err(),
        "formals are the callers' interface"
    );
    let text = "rec { a = 1; b = a; }";
    assert!(
        Analysis::new(text, &names()).rename(at(text, "a = 1", 0), "n").is_err(),
        "a rec set's names are its attribute names"
    );
}

#[test]
fn rename_refuses_captures() {
    let refused =
        |text: &str, from: &str, to: &str| Analysis::new(text, &names()).rename(at(text, from, 0), to).is_err();
    // Bound beside it.
    assert!(refused("let a = 1; b = 2; in a + b", "a = 1", "b"));
    // A reference to it would resolve to an inner binding.
    assert!(refused("let a = 1; in let b = 2; in a + b", "a = 1", "b"));
    // An existing reference to the new name (outer binding, global, `with`) would
    // resolve to it.
    assert!(refused("let b = 1; in let a = 2; in a + b", "a = 2", "b"));
    assert!(refused("let a = 1; in map a []", "a = 1", "map"));
    assert!(refused("with { b = 1; }; let a = 2; in a + b", "a = 2", "b"));
    // An `inherit a;` becomes `a = NEW;` inside a `let` or `rec` set that binds NEW.
    assert!(refused("let a = 1; in let inherit a; c = 2; in [ a c ]", "a = 1", "c"));
    assert!(refused("let a = 1; in rec { inherit a; b = 2; }", "a = 1", "b"));
    assert!(!refused("let a = 1; in { inherit a; b = 2; }", "a = 1", "b"));
    // Not an identifier: `__curPos` reads the source position.
    assert!(refused("let x = 1; in x", "x = 1", "__curPos"));
    // Where nothing else is named so, or the other name is out of its reach.
    assert!(!refused("let a = 1; in let b = 2; in a + b", "a = 1", "c"));
    assert!(!refused("let f = b: b; a = 1; in a", "a = 1", "b"));
}

#[test]
fn import_paths_lead_to_files() {
    let text = "import ./sub/../x.nix";
    let a = Analysis::new(text, &names());
    let t = a
        .definition(at(text, "x.nix", 0), Some(std::path::Path::new("/w")))
        .unwrap();
    assert_eq!(t, Target::File("/w/x.nix".into()));
}

#[test]
fn symbols_nest() {
    let text = "let f = 1; in { a.b = { c = 1; }; inherit f; }";
    let a = Analysis::new(text, &names());
    let s = a.symbols();
    let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["f", "a.b", "f"]);
    assert_eq!(s[1].children[0].name, "c");
}

#[test]
fn hover_tells_where_a_variable_is_bound() {
    let text = "let\n  alpha = 1;\nin\n{ a = alpha; }";
    let a = Analysis::new(text, &names());
    let h = a.hover(at(text, "alpha;", 0) + 1).expect("a hover");
    assert!(h.markdown.contains("bound at line 2"), "{}", h.markdown);
}

#[test]
fn deep_nesting_does_not_overflow() {
    // Past rnix's own nesting levels. rowan builds and drops trees recursively, so
    // callers give analyses a deep stack (the server runs on a 1 GiB one, as evaluation
    // does); the analyses themselves grow theirs as they go.
    let depth = 20_000;
    let text = format!("{}x{}", "[ ".repeat(depth), " ]".repeat(depth));
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let a = Analysis::new(&text, &names());
            let d = a.diagnostics();
            let _ = a.symbols();
            d.len()
        })
        .unwrap();
    let diags = handle.join().expect("no stack overflow");
    assert!(diags >= 1, "x is undefined, or the text too deep");
}

/// What Nix refuses before evaluating, beyond the grammar: an attribute or a formal
/// defined twice, a dynamic name in a `let`. Undefined variables stay the scope
/// analysis's (one diagnostic each, none from the lowering).
#[test]
fn lowering_errors_are_diagnostics() {
    let first = |text: &str| {
        Analysis::new(text, &names())
            .diagnostics()
            .into_iter()
            .map(|d| (d.start, d.message))
            .collect::<Vec<_>>()
    };
    let d = first("{ a = 1; b = 2; a = 3; }");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].1.starts_with("attribute 'a' already defined at «string»:1:3"),
        "{d:?}"
    );
    assert_eq!(d[0].0, 16);
    let d = first("{ x, y, x }: x");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].1.contains("duplicate formal function argument 'x'"), "{d:?}");
    let d = first("let x = \"a\"; in let ${x} = 1; in 1");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].1.contains("dynamic attributes not allowed in let"), "{d:?}");
    let d = first("{ a = undefined1; }");
    assert_eq!(d, [(6, "undefined variable 'undefined1'".to_string())]);
}

/// A syntax error is reported alone, as Nix reports it: the parser's recovery after it
/// reads `c` of `c = 2` as a variable.
#[test]
fn a_syntax_error_hides_what_the_recovery_misreads() {
    for text in [
        "let a = 1; b = ; c = 2; in c",
        "{ a = 1; b = ; c = 2; }",
        "let a = [; c = 2; in c",
    ] {
        let d = Analysis::new(text, &names()).diagnostics();
        assert_eq!(d.len(), 1, "{text}: {d:?}");
        assert!(!d[0].message.starts_with("undefined variable"), "{text}: {d:?}");
    }
}

/// Nix makes a constant string in `${ }` a static name, bound in a `let` or `rec` set
/// (these evaluate in Nix 2.8); a name the analysis cannot read leaves the scope open.
#[test]
fn constant_dynamic_names_are_bound() {
    for text in [
        "rec { ${\"a\"} = 1; b = a; }",
        "let ${\"a\"} = 1; in a",
        "rec { ${(\"a\")} = 1; b = a; }",
        "rec { ${''a''} = 1; b = a; }",
        "rec { \"a\\u\" = 1; b = au; }",
    ] {
        let d = Analysis::new(text, &names()).diagnostics();
        assert!(d.is_empty(), "{text}: {d:?}");
    }
    let text = "rec { ${\"a\"} = 1; b = c; }";
    let d = Analysis::new(text, &names()).diagnostics();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].start, at(text, "c;", 0));
    let text = "rec { ${\"a\"} = 1; b = a; }";
    let a = Analysis::new(text, &names());
    assert_eq!(
        a.definition(at(text, "a;", 0), None),
        Some(rnix_eval_ide::Target::Local {
            start: at(text, "${", 0),
            end: at(text, " = 1", 0),
        })
    );
}

/// A name typed as a nested set's first entry, before its `=` (`services.nginx = { st };`),
/// reads in rnix as formals without a body; it is an option name being typed, not a
/// variable (the formal `st` itself was offered).
#[test]
fn the_first_entry_of_a_nested_set_being_typed_is_an_option_name() {
    for (text, path) in [
        ("{ ... }: {\n  services.nginx = { st };\n}", vec!["services", "nginx"]),
        (
            "{ ... }: { services = { nginx = { st }; }; }",
            vec!["services", "nginx"],
        ),
    ] {
        let a = Analysis::new(text, &names());
        let end = at(text, "st }", 0) + 2;
        assert_eq!(
            a.completion_context(end),
            [CompletionContext::Option {
                path: path.into_iter().map(String::from).collect(),
                partial: "st".into(),
                start: end - 2
            }],
            "{text}"
        );
    }
    // A function's formals stay formals.
    let text = "{ ... }: { f = { st }: st; }";
    let a = Analysis::new(text, &names());
    let ctx = a.completion_context(at(text, "st }", 0) + 2);
    assert!(
        ctx.iter().any(|c| matches!(c, CompletionContext::Name { .. })),
        "{ctx:?}"
    );
}
