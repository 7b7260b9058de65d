//! One option: `describe.nix` (run on the evaluation's own `lib`) to Rust data.

use crate::{attrs, find_option, get_path};
use rnix_eval_core::error::{EvalError, EvalResult};
use rnix_eval_core::value::Value;
use rnix_eval_core::{print, Evaluator};
use rnix_eval_parser::{Origin, Symbol};
use serde_json::{json, Map, Value as Json};

const DESCRIBE_NIX: &str = include_str!("describe.nix");

/// How values (the option's value, definitions, default, example) come out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Render {
    /// As JSON data when JSON can carry them, else `{ _type = "literalExpression"; text }`.
    Json,
    /// As `lib.generators.toPretty` text, for people.
    Text,
}

/// One definition that survived `mkIf` and the priority filter (`mkDefault`/`mkForce`).
#[derive(Clone, Debug)]
pub struct Definition {
    pub file: String,
    pub value: Json,
    /// Only when the lib records positions (nixpkgs 20.09 and 2026 do not).
    pub line: Option<u64>,
    pub column: Option<u64>,
}

/// An option as `--describe-option` shows it.
#[derive(Clone, Debug)]
pub struct OptionInfo {
    pub name: String,
    pub type_desc: Json,
    pub description: Json,
    pub default: Option<Json>,
    pub example: Option<Json>,
    pub read_only: bool,
    pub internal: bool,
    pub visible: Json,
    pub declarations: Vec<String>,
    pub definitions: Vec<Definition>,
    /// False when only the declaration is known (see [`crate::FoundOption::merged`]):
    /// `definitions` and `highest_prio` are then empty.
    pub definitions_known: bool,
    /// The priority of the winning definitions (100 plain, 1000 `mkDefault`, 50 `mkForce`).
    pub highest_prio: Option<Json>,
    /// `config.<path>`, or the error its evaluation gave (an option used but not defined).
    pub value: Result<Json, Box<EvalError>>,
}

/// Describe the option at `path` of `system` (a value with `options` and `config`), using
/// `lib` for everything the module system knows. Forces only that option.
pub fn describe_option(
    ev: &mut Evaluator,
    lib: &Value,
    system: &Value,
    path: &[String],
    render: Render,
) -> EvalResult<OptionInfo> {
    let options = require(ev, system, "options")?;
    let config = require(ev, system, "config")?;
    let found = find_option(ev, &options, path)?;
    let f = ev.eval_embedded(
        Origin::Path("//builtin/rnix-eval-modules/describe.nix".into()),
        DESCRIBE_NIX,
    )?;
    let path_value = Value::list(path.iter().map(|p| Value::string(p.clone())).collect());
    let arg = attrs(vec![
        ("lib", lib.clone()),
        ("opt", found.option),
        ("merged", Value::Bool(found.merged)),
        ("config", config),
        ("path", path_value),
        ("asText", Value::Bool(render == Render::Text)),
    ]);
    let described = ev.call(f, arg, None)?;
    let mut field = |name: &str| -> EvalResult<Json> {
        let v = get_path(ev, &described, &[name])?.expect("describe.nix has every field");
        to_json(ev, &v)
    };
    let has_default = field("hasDefault")? == Json::Bool(true);
    let has_example = field("hasExample")? == Json::Bool(true);
    let strings = |j: Json| -> Vec<String> {
        j.as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s.as_str().map_or_else(|| s.to_string(), String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let definitions = field("definitions")?
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|d| Definition {
            file: d["file"].as_str().map_or_else(|| d["file"].to_string(), String::from),
            value: d["value"].clone(),
            line: d.get("line").and_then(Json::as_u64),
            column: d.get("column").and_then(Json::as_u64),
        })
        .collect();
    Ok(OptionInfo {
        name: field("name")?.as_str().unwrap_or_default().to_string(),
        type_desc: field("type")?,
        description: field("description")?,
        default: if has_default { Some(field("default")?) } else { None },
        example: if has_example { Some(field("example")?) } else { None },
        read_only: field("readOnly")? == Json::Bool(true),
        internal: field("internal")? == Json::Bool(true),
        visible: field("visible")?,
        declarations: strings(field("declarations")?),
        definitions,
        definitions_known: found.merged,
        highest_prio: Some(field("highestPrio")?).filter(|p| !p.is_null()),
        value: field("value"),
    })
}

impl OptionInfo {
    /// The `--describe-option --json` object.
    pub fn to_json(&self) -> Json {
        let mut o = Map::new();
        o.insert("name".into(), json!(self.name));
        o.insert("type".into(), self.type_desc.clone());
        o.insert("description".into(), self.description.clone());
        if let Some(d) = &self.default {
            o.insert("default".into(), d.clone());
        }
        if let Some(e) = &self.example {
            o.insert("example".into(), e.clone());
        }
        o.insert("readOnly".into(), json!(self.read_only));
        o.insert("internal".into(), json!(self.internal));
        o.insert("visible".into(), self.visible.clone());
        o.insert("declarations".into(), json!(self.declarations));
        let defs: Vec<Json> = self
            .definitions
            .iter()
            .map(|d| {
                let mut o = Map::new();
                o.insert("file".into(), json!(d.file));
                if let (Some(l), Some(c)) = (d.line, d.column) {
                    o.insert("line".into(), json!(l));
                    o.insert("column".into(), json!(c));
                }
                o.insert("value".into(), d.value.clone());
                Json::Object(o)
            })
            .collect();
        o.insert("definitions".into(), Json::Array(defs));
        if !self.definitions_known {
            o.insert("definitionsKnown".into(), json!(false));
        }
        if let Some(p) = &self.highest_prio {
            o.insert("highestPrio".into(), p.clone());
        }
        match &self.value {
            Ok(v) => o.insert("value".into(), v.clone()),
            Err(e) => o.insert("valueError".into(), json!(e.message)),
        };
        Json::Object(o)
    }
}

fn require(ev: &mut Evaluator, system: &Value, name: &str) -> EvalResult<Value> {
    let Value::Attrs(set) = ev.force(system)? else {
        return Err(EvalError::new(
            rnix_eval_core::ErrorKind::Eval,
            format!(
                "expected a module system evaluation (a set with 'options' and 'config'), got {}",
                system.type_desc()
            ),
            None,
        ));
    };
    set.get(Symbol::intern(name)).cloned().ok_or_else(|| {
        EvalError::new(
            rnix_eval_core::ErrorKind::Eval,
            format!("not a module system evaluation: the value has no '{name}' attribute"),
            None,
        )
    })
}

/// Deeply forced JSON, as `builtins.toJSON` (used on values `describe.nix` made JSON-safe).
fn to_json(ev: &mut Evaluator, v: &Value) -> EvalResult<Json> {
    let bytes = print::to_json(ev, v, None, true)?;
    Ok(serde_json::from_slice(&bytes).expect("the JSON printer writes valid JSON"))
}
