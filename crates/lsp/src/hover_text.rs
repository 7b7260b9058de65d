//! Hover text for an option, the same layout whichever way it was described.

pub struct OptionDoc {
    pub name: String,
    pub type_desc: String,
    pub description: String,
    pub default: Option<String>,
    pub value: Option<String>,
    pub declared: Vec<String>,
    pub defined: Vec<String>,
}

pub fn option_markdown(o: &OptionDoc) -> String {
    let mut out = format!("**{}** *({})*\n\n{}\n", o.name, o.type_desc, o.description.trim());
    let mut code = |title: &str, body: &str| {
        out.push_str(&format!("\n*{title}:*\n```nix\n{}\n```\n", body.trim_end()));
    };
    if let Some(d) = &o.default {
        code("Default", d);
    }
    if let Some(v) = &o.value {
        code("Value", v);
    }
    if !o.declared.is_empty() {
        out.push_str(&format!("\n*Declared by:* {}\n", o.declared.join(", ")));
    }
    if !o.defined.is_empty() {
        out.push_str(&format!("\n*Defined by:* {}\n", o.defined.join(", ")));
    }
    out
}
