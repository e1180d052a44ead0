//! One FtM entity as a JSON line (`{"id", "schema", "properties": {name: [values]}}`), and
//! how its property values read as dossier's fields.

use crate::model::{AttributeValue, Attributes, ClaimStatus, Date};
use serde::Deserialize;
use std::collections::BTreeMap;

/// An FtM entity ("proxy"). Other top-level fields (`caption`, `datasets`, …) are ignored.
#[derive(Debug, Deserialize)]
pub(super) struct Proxy {
    pub(super) id: String,
    pub(super) schema: String,
    #[serde(default)]
    pub(super) properties: BTreeMap<String, Vec<String>>,
}

impl Proxy {
    /// A property's values, trimmed, empty ones left out.
    pub(super) fn values<'a>(&'a self, prop: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.properties
            .get(prop)
            .into_iter()
            .flatten()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A property's first value.
    pub(super) fn first(&self, prop: &str) -> Option<&str> {
        self.values(prop).next()
    }

    /// The first value of the first of these properties that has one.
    pub(super) fn first_of(&self, props: &[&str]) -> Option<&str> {
        props.iter().find_map(|p| self.first(p))
    }
}

/// An FtM date (`2023`, `2023-09`, `2023-09-22`, or a date-time, whose time is dropped).
pub(super) fn date(value: &str) -> Result<Date, String> {
    let day = value.split(['T', ' ']).next().unwrap_or(value);
    Date::parse(day).map_err(|e| e.to_string())
}

/// A claim status from an FtM `status` (`reported`, `alleged`, …), if it is one.
pub(super) fn claim(value: &str) -> Option<ClaimStatus> {
    value.trim().to_ascii_uppercase().parse().ok()
}

/// Reads `name: value` notes (as dossier's export writes attributes) into attributes; other
/// notes are kept together under `notes`.
pub(super) fn notes<'a>(values: impl Iterator<Item = &'a str>, into: &mut Attributes) {
    let mut free = Vec::new();
    for v in values {
        match v.split_once(": ") {
            Some((key, value))
                if !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') =>
            {
                into.insert(key.to_string(), attribute(value));
            }
            _ => free.push(v),
        }
    }
    if !free.is_empty() {
        into.insert("notes".into(), AttributeValue::Text(free.join("\n")));
    }
}

fn attribute(value: &str) -> AttributeValue {
    if let Ok(i) = value.parse::<i64>() {
        AttributeValue::Integer(i)
    } else if let Ok(x) = value.parse::<f64>() {
        AttributeValue::Float(x)
    } else if let Ok(b) = value.parse::<bool>() {
        AttributeValue::Bool(b)
    } else {
        AttributeValue::Text(value.to_string())
    }
}

/// Where a property is written in its line, for errors: the column of `"prop"`, else 1.
pub(super) fn column_of(line: &str, prop: &str) -> usize {
    line.find(&format!("\"{prop}\""))
        .map_or(1, |i| line[..i].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_drop_their_time_and_notes_become_attributes() {
        assert_eq!(
            date("2023-09-22T10:00:00Z").unwrap().to_string(),
            "2023-09-22"
        );
        assert!(date("22/09/2023").is_err());
        let mut a = Attributes::new();
        notes(
            ["sentence_months: 4", "a free note", "victims: many"].into_iter(),
            &mut a,
        );
        assert_eq!(a["sentence_months"], AttributeValue::Integer(4));
        assert_eq!(a["victims"], AttributeValue::Text("many".into()));
        assert_eq!(a["notes"], AttributeValue::Text("a free note".into()));
        assert_eq!(claim("alleged"), Some(ClaimStatus::Alleged));
    }
}
