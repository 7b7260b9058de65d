//! One option: `describe.nix` (run on the evaluation's own `lib`) to Rust data.

use crate::{attrs, find_option, get_path, FoundOption};
use rnix_eval_core::error::{EvalError, EvalResult};
use rnix_eval_core::value::Value;
use rnix_eval_core::{print, Evaluator};
use rnix_eval_parser::{Origin, Symbol};
use serde_json::{json, Map, Value as Json};

const DESCRIBE_NIX: &str = include_str!("describe.nix");
const LOCATE_NIX: &str = include_str!("locate.nix");

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
    /// Where in `file` (see [`Place`]); `None` when the file could not be read as a module
    /// that defines the option there (inline modules, computed definitions).
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// The `mkOverride` priority (100 plain, 1000 `mkDefault`, 50 `mkForce`): the option's
    /// highest priority, since only those definitions win.
    pub priority: Option<i64>,
    /// The `mkOrder` priority (500 `mkBefore`, 1500 `mkAfter`) when not the default 1000.
    pub order: Option<i64>,
}

/// A place in a module file that defines the option, found by importing the file again
/// and walking its `config` along the option path (`locate.nix`): line and column are
/// `builtins.unsafeGetAttrPos` of the last attribute, as Nix reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub priority: i64,
    pub order: i64,
    /// False when an enclosing `mkIf` condition is false.
    pub condition: bool,
    /// Whether this place is one of the definitions that made the value (its condition
    /// holds and its priority is the highest).
    pub won: bool,
    /// The definition as the lib's `toPretty` prints it, when asked for
    /// ([`definition_places`]) and computable.
    pub value: Option<String>,
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
    /// Every place found in the module files (2026 lib: the whole module graph; 20.09:
    /// the winning definitions' files), including definitions that lost to a higher
    /// priority or whose `mkIf` is false.
    pub places: Vec<Place>,
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
    let described = call_describe(ev, lib, system, &found, config, path, render == Render::Text)?;
    let field = |ev: &mut Evaluator, name: &str| -> EvalResult<Json> {
        let v = get_path(ev, &described, &[name])?.expect("describe.nix has every field");
        to_json(ev, &v)
    };
    let has_default = field(ev, "hasDefault")? == Json::Bool(true);
    let has_example = field(ev, "hasExample")? == Json::Bool(true);
    let strings = |j: Json| -> Vec<String> {
        j.as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s.as_str().map_or_else(|| s.to_string(), String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let highest_prio = Some(field(ev, "highestPrio")?).filter(|p| !p.is_null());
    let prio = highest_prio.as_ref().and_then(Json::as_i64);
    let mut definitions: Vec<Definition> = field(ev, "definitions")?
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|d| Definition {
            file: d["file"].as_str().map_or_else(|| d["file"].to_string(), String::from),
            value: d["value"].clone(),
            line: None,
            column: None,
            priority: prio,
            order: d["order"].as_i64(),
        })
        .collect();
    let places = if found.merged {
        let files = strings(field(ev, "moduleFiles")?);
        let locate_args = get_path(ev, &described, &["locateArgs"])?.expect("describe.nix has locateArgs");
        locate_all(ev, locate_args, &files, prio.unwrap_or(100), None)?
    } else {
        Vec::new()
    };
    place_definitions(&mut definitions, &places);
    Ok(OptionInfo {
        name: field(ev, "name")?.as_str().unwrap_or_default().to_string(),
        type_desc: field(ev, "type")?,
        description: field(ev, "description")?,
        default: if has_default { Some(field(ev, "default")?) } else { None },
        example: if has_example { Some(field(ev, "example")?) } else { None },
        read_only: field(ev, "readOnly")? == Json::Bool(true),
        internal: field(ev, "internal")? == Json::Bool(true),
        visible: field(ev, "visible")?,
        declarations: strings(field(ev, "declarations")?),
        definitions,
        places,
        definitions_known: found.merged,
        highest_prio,
        value: field(ev, "value"),
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
                if let Some(p) = d.priority {
                    o.insert("priority".into(), json!(p));
                }
                if let Some(p) = d.order {
                    o.insert("order".into(), json!(p));
                }
                o.insert("value".into(), d.value.clone());
                Json::Object(o)
            })
            .collect();
        o.insert("definitions".into(), Json::Array(defs));
        let places: Vec<Json> = self
            .places
            .iter()
            .map(|p| {
                json!({
                    "file": p.file, "line": p.line, "column": p.column, "priority": p.priority,
                    "order": p.order, "condition": p.condition, "won": p.won,
                })
            })
            .collect();
        o.insert("allDefinitions".into(), Json::Array(places));
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

/// Where the option at `path` of `system` is defined (see [`Place`]), with each
/// definition's text but without merging them: for notes on module-system errors, where
/// the merge is what failed.
pub fn definition_places(ev: &mut Evaluator, lib: &Value, system: &Value, path: &[String]) -> EvalResult<Vec<Place>> {
    let options = require(ev, system, "options")?;
    let config = require(ev, system, "config")?;
    let found = find_option(ev, &options, path)?;
    if !found.merged {
        return Ok(Vec::new());
    }
    let described = call_describe(ev, lib, system, &found, config, path, true)?;
    let get = |ev: &mut Evaluator, name: &str| -> EvalResult<Value> {
        Ok(get_path(ev, &described, &[name])?.expect("describe.nix has every field"))
    };
    let highest = get(ev, "highestPrio")?;
    let highest = to_json(ev, &highest)?.as_i64().unwrap_or(100);
    let files = get(ev, "moduleFiles")?;
    let files: Vec<String> = to_json(ev, &files)?
        .as_array()
        .map(|a| a.iter().filter_map(|f| f.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let locate_args = get(ev, "locateArgs")?;
    let to_pretty = get_path(ev, lib, &["generators", "toPretty"])?;
    locate_all(ev, locate_args, &files, highest, to_pretty.as_ref())
}

/// The places of every file in `files` (`locate.nix`, one call a file). A file that fails
/// to import or to walk (a module argument we lack, a throw on the way) gives none: a
/// position is an extra, never a reason to fail describing.
fn locate_all(
    ev: &mut Evaluator,
    args: Value,
    files: &[String],
    highest: i64,
    pretty: Option<&Value>,
) -> EvalResult<Vec<Place>> {
    let f = ev.eval_embedded(
        Origin::Path("//builtin/rnix-eval-modules/locate.nix".into()),
        LOCATE_NIX,
    )?;
    let locate = ev.call(f, args, None)?;
    let mut places = Vec::new();
    for file in files {
        let Ok(found) = ev.call(locate.clone(), Value::string(file.clone()), None) else {
            continue;
        };
        let Ok(Some(list)) = get_path(ev, &found, &["places"]) else {
            continue;
        };
        let Ok(Json::Array(list)) = to_json(ev, &list) else {
            continue;
        };
        let values = match get_path(ev, &found, &["values"]).and_then(|v| v.map(|v| ev.force(&v)).transpose()) {
            Ok(Some(Value::List(values))) => values.iter().cloned().collect(),
            _ => Vec::new(),
        };
        for (i, p) in list.into_iter().enumerate() {
            let int = |k: &str| p[k].as_i64();
            let (Some(line), Some(column), Some(priority), Some(order)) =
                (p["line"].as_u64(), p["column"].as_u64(), int("priority"), int("order"))
            else {
                continue;
            };
            let condition = p["condition"] == Json::Bool(true);
            let value = match (pretty, values.get(i)) {
                (Some(pretty), Some(v)) => pretty_text(ev, pretty, v),
                _ => None,
            };
            places.push(Place {
                file: file.clone(),
                line,
                column,
                priority,
                order,
                condition,
                won: condition && priority == highest,
                value,
            });
        }
    }
    Ok(places)
}

/// `lib.generators.toPretty { } v`, or `None` when computing `v` fails.
fn pretty_text(ev: &mut Evaluator, to_pretty: &Value, v: &Value) -> Option<String> {
    let f = ev.call(to_pretty.clone(), attrs(vec![]), None).ok()?;
    let text = ev.call(f, v.clone(), None).ok()?;
    match ev.force(&text).ok()? {
        Value::String(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        _ => None,
    }
}

/// Give each winning definition the line and column of its place: the winners of one
/// file, in the lib's order (sorted by `order`, stably), are that file's winning places
/// sorted the same way. A file whose counts differ (a definition the walk cannot see)
/// gets no positions rather than wrong ones.
fn place_definitions(definitions: &mut [Definition], places: &[Place]) {
    let mut files: Vec<&str> = definitions.iter().map(|d| d.file.as_str()).collect();
    files.dedup();
    for file in files.iter().map(|f| f.to_string()).collect::<Vec<_>>() {
        let mut won: Vec<&Place> = places.iter().filter(|p| p.won && p.file == file).collect();
        won.sort_by_key(|p| p.order);
        let defs: Vec<usize> = (0..definitions.len())
            .filter(|&i| definitions[i].file == file)
            .collect();
        if defs.len() != won.len() {
            continue;
        }
        for (i, p) in defs.into_iter().zip(won) {
            definitions[i].line = Some(p.line);
            definitions[i].column = Some(p.column);
            if definitions[i].order.is_none() && p.order != 1000 {
                definitions[i].order = Some(p.order);
            }
        }
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

/// `describe.nix` applied to the option `found` at `path` of `system`: the one place its
/// arguments are built, for a whole description and for the definition places alone.
fn call_describe(
    ev: &mut Evaluator,
    lib: &Value,
    system: &Value,
    found: &FoundOption,
    config: Value,
    path: &[String],
    as_text: bool,
) -> EvalResult<Value> {
    let f = ev.eval_embedded(
        Origin::Path("//builtin/rnix-eval-modules/describe.nix".into()),
        DESCRIBE_NIX,
    )?;
    let path_value = Value::list(path.iter().map(|p| Value::string(p.clone())).collect());
    let arg = attrs(vec![
        ("lib", lib.clone()),
        ("system", system.clone()),
        ("opt", found.option.clone()),
        ("merged", Value::Bool(found.merged)),
        ("config", config),
        ("path", path_value),
        ("asText", Value::Bool(as_text)),
    ]);
    ev.call(f, arg, None)
}
