//! Input attributes, as Nix's `fetchers::Attrs`: a sorted map of strings, integers and
//! booleans (sorted, so `flake.lock` prints them in Nix's order).

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrValue {
    Str(String),
    Int(u64),
    Bool(bool),
}

impl From<&str> for AttrValue {
    fn from(s: &str) -> Self {
        AttrValue::Str(s.to_string())
    }
}

impl From<String> for AttrValue {
    fn from(s: String) -> Self {
        AttrValue::Str(s)
    }
}

impl From<u64> for AttrValue {
    fn from(n: u64) -> Self {
        AttrValue::Int(n)
    }
}

impl From<bool> for AttrValue {
    fn from(b: bool) -> Self {
        AttrValue::Bool(b)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attrs(pub BTreeMap<String, AttrValue>);

impl Attrs {
    pub fn new() -> Attrs {
        Attrs::default()
    }

    pub fn get(&self, name: &str) -> Option<&AttrValue> {
        self.0.get(name)
    }

    pub fn get_str(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(AttrValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn get_int(&self, name: &str) -> Option<u64> {
        match self.0.get(name) {
            Some(AttrValue::Int(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn get_bool(&self, name: &str) -> Option<bool> {
        match self.0.get(name) {
            Some(AttrValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn set(&mut self, name: &str, value: impl Into<AttrValue>) {
        self.0.insert(name.to_string(), value.into());
    }

    pub fn remove(&mut self, name: &str) -> Option<AttrValue> {
        self.0.remove(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &AttrValue)> {
        self.0.iter()
    }
}
