//! Reading a reconciliation query batch: the JSON OpenRefine sends in `queries`, parsed into
//! checked queries, or refused with the reason, the field and a code.

use super::Caps;
use crate::model::EntityKind;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The most candidates one query may ask for (`limit`), as GraphQL's `search`.
pub const MAX_LIMIT: usize = crate::graphql::MAX_PAGE;
/// The candidates a query gets when it gives no `limit`.
pub const DEFAULT_LIMIT: usize = 10;
/// The most property values one query may give, counted over all its properties: each value
/// may cost one search of every name.
pub const MAX_PROPERTY_VALUES: usize = 10;

/// Why a batch was refused: a code of the README's table and a sentence naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// `BAD_REQUEST`, `INVALID_INPUT` or `LIMIT_EXCEEDED`.
    pub code: &'static str,
    /// What was wrong, and where.
    pub message: String,
}

impl Refused {
    pub(super) fn bad(message: impl Into<String>) -> Refused {
        Refused {
            code: "BAD_REQUEST",
            message: message.into(),
        }
    }

    pub(super) fn invalid(message: impl Into<String>) -> Refused {
        Refused {
            code: "INVALID_INPUT",
            message: message.into(),
        }
    }

    pub(super) fn limit(what: &str, limit: usize, value: usize) -> Refused {
        Refused {
            code: "LIMIT_EXCEEDED",
            message: format!("{what} is {value}, over the limit of {limit}"),
        }
    }
}

/// How the types of a query restrict its candidates (`type_strict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// `any` (the default) and `should`: only entities of one of the types. OpenRefine sends
    /// `should` with every typed query, and a researcher who picks PERSON wants people; to
    /// search every kind, give no type.
    Any,
    /// `all`: only entities of every type — an entity has one kind, so two different types
    /// leave nothing.
    All,
}

/// A property a query can match candidates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Property {
    /// `alias`: another name of the entity, matched as search matches names (case,
    /// diacritics, transliteration).
    Alias,
    /// `role`: words of one of a person's roles ("economist", "President of Azerbaijan").
    Role,
    /// `related`: the id or a name of an entity at the other end of one of its relations.
    Related,
}

impl Property {
    /// Every property, in the order the manifest and suggest list them.
    pub const ALL: [Property; 3] = [Property::Alias, Property::Role, Property::Related];

    /// The property's id in queries (`pid`) and features.
    pub fn id(self) -> &'static str {
        match self {
            Property::Alias => "alias",
            Property::Role => "role",
            Property::Related => "related",
        }
    }

    /// A short name for the user.
    pub fn name(self) -> &'static str {
        match self {
            Property::Alias => "Alias (another name)",
            Property::Role => "Role",
            Property::Related => "Related entity",
        }
    }

    /// What it matches.
    pub fn description(self) -> &'static str {
        match self {
            Property::Alias => "a name or alias of the entity, ignoring case, diacritics and transliteration",
            Property::Role => "words of one of the person's roles, e.g. \"activist\" or \"President of Azerbaijan\"",
            Property::Related => "the id, name or alias of an entity it has a relation with, e.g. \"ECHR\"",
        }
    }

    fn parse(pid: &str) -> Result<Property, Refused> {
        match pid {
            "alias" | "aliases" => Ok(Property::Alias),
            "role" | "roles" => Ok(Property::Role),
            "related" => Ok(Property::Related),
            other => Err(Refused::invalid(format!(
                "unknown property `{other}` (expected one of alias, role, related)"
            ))),
        }
    }
}

/// One value given for a property: a text, or an entity reconciled before (its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    /// A string (numbers and booleans are read as their text).
    Text(String),
    /// `{"id": …, "name": …}`: an entity of this service.
    Entity {
        /// Its id.
        id: String,
        /// Its name, if the client gave one.
        name: Option<String>,
    },
}

/// One checked query of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The name to look for; `None` when only properties were given.
    pub text: Option<String>,
    /// The entity kinds asked for (empty: any).
    pub types: Vec<EntityKind>,
    /// How `types` restricts the candidates.
    pub strict: Strictness,
    /// The most candidates to return.
    pub limit: usize,
    /// The properties to match, with their values.
    pub properties: Vec<(Property, Vec<Given>)>,
}

/// The wire form of one query, as the 0.2 schema allows it (no other fields).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    query: Option<String>,
    #[serde(rename = "type")]
    types: Option<OneOrMany<String>>,
    limit: Option<Value>,
    properties: Option<Vec<WireProperty>>,
    type_strict: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireProperty {
    pid: String,
    v: OneOrMany<Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::Many(v) => v,
            OneOrMany::One(x) => vec![x],
        }
    }
}

/// Parses the `queries` parameter: a JSON object of queries keyed by the client's ids, at
/// most `caps.max_queries` of them, every string within `caps.max_string` bytes and the
/// query text within GraphQL's search limit.
pub fn parse(json: &str, caps: &Caps) -> Result<BTreeMap<String, Query>, Refused> {
    let raw: BTreeMap<String, Value> = serde_json::from_str(json).map_err(|e| {
        Refused::bad(format!(
            "`queries` is not a JSON object of queries: {e} (expected {{\"q0\": {{\"query\": \"…\"}}}})"
        ))
    })?;
    if raw.is_empty() {
        return Err(Refused::bad("`queries` holds no query"));
    }
    if raw.len() > caps.max_queries {
        return Err(Refused::limit(
            "the number of queries in the batch",
            caps.max_queries,
            raw.len(),
        ));
    }
    raw.into_iter()
        .map(|(key, value)| {
            check_len(
                &format!("the query key `{}…`", prefix(&key)),
                &key,
                caps.max_string,
            )?;
            let q = query(value, caps).map_err(|r| Refused {
                message: format!("query `{key}`: {}", r.message),
                ..r
            })?;
            Ok((key, q))
        })
        .collect()
}

fn query(value: Value, caps: &Caps) -> Result<Query, Refused> {
    let wire: Wire = serde_json::from_value(value).map_err(|e| {
        Refused::bad(format!(
            "{e} (a query has `query`, `type`, `limit`, `properties` and `type_strict`)"
        ))
    })?;
    let text = wire.query.filter(|t| !t.trim().is_empty());
    if let Some(t) = &text {
        check_len("`query`", t, caps.max_text)?;
    }
    let types = wire
        .types
        .map(OneOrMany::into_vec)
        .unwrap_or_default()
        .iter()
        .map(|t| kind(t, caps))
        .collect::<Result<Vec<_>, _>>()?;
    let strict = match wire.type_strict.as_deref() {
        None | Some("any" | "should") => Strictness::Any,
        Some("all") => Strictness::All,
        Some(other) => {
            return Err(Refused::invalid(format!(
                "`type_strict` is `{}`: expected any, all or should",
                prefix(other)
            )))
        }
    };
    let limit = match wire.limit {
        None => DEFAULT_LIMIT,
        Some(v) => limit(&v)?,
    };
    let mut properties = Vec::new();
    let mut values = 0;
    for p in wire.properties.unwrap_or_default() {
        check_len("a property's `pid`", &p.pid, caps.max_string)?;
        let property = Property::parse(&p.pid)?;
        let vs =
            p.v.into_vec()
                .into_iter()
                .map(|v| property_value(v, caps))
                .collect::<Result<Vec<_>, _>>()?;
        values += vs.len();
        if values > MAX_PROPERTY_VALUES {
            return Err(Refused::limit(
                "the number of property values",
                MAX_PROPERTY_VALUES,
                values,
            ));
        }
        properties.push((property, vs));
    }
    if text.is_none() && properties.is_empty() {
        return Err(Refused::invalid(
            "a query needs a non-empty `query` or at least one property",
        ));
    }
    Ok(Query {
        text,
        types,
        strict,
        limit,
        properties,
    })
}

/// Reads a type id: an entity kind, in any case (`PERSON`, `Person`).
pub fn kind(id: &str, caps: &Caps) -> Result<EntityKind, Refused> {
    check_len("a type", id, caps.max_string)?;
    id.to_ascii_uppercase().parse().map_err(|_| {
        let known: Vec<&str> = EntityKind::ALL.iter().map(|k| k.name()).collect();
        Refused::invalid(format!(
            "unknown type `{id}` (expected one of {})",
            known.join(", ")
        ))
    })
}

fn limit(v: &Value) -> Result<usize, Refused> {
    let n = v
        .as_u64()
        .or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        })
        .filter(|&n| n >= 1)
        .ok_or_else(|| {
            Refused::invalid(format!(
                "`limit` is {v}: expected a whole number from 1 to {MAX_LIMIT}"
            ))
        })?;
    if n > MAX_LIMIT as u64 {
        return Err(Refused::limit(
            "`limit`",
            MAX_LIMIT,
            n.min(usize::MAX as u64) as usize,
        ));
    }
    Ok(n as usize)
}

fn property_value(v: Value, caps: &Caps) -> Result<Given, Refused> {
    let value = match v {
        Value::String(s) => Given::Text(s),
        Value::Number(n) => Given::Text(n.to_string()),
        Value::Bool(b) => Given::Text(b.to_string()),
        Value::Object(mut o) => {
            let text = |v: Option<Value>| v.and_then(|v| v.as_str().map(str::to_string));
            let name = text(o.remove("name"));
            match text(o.remove("id")) {
                Some(id) => Given::Entity { id, name },
                None => {
                    return Err(Refused::invalid(
                        "a property value object needs a string `id`",
                    ))
                }
            }
        }
        other => {
            return Err(Refused::invalid(format!(
            "a property value is {other}: expected a string, a number, a boolean or {{\"id\": …}}"
        )))
        }
    };
    match &value {
        Given::Text(t) => check_len("a property value", t, caps.max_string)?,
        Given::Entity { id, name } => {
            check_len("a property value's id", id, caps.max_string)?;
            if let Some(n) = name {
                check_len("a property value's name", n, caps.max_string)?;
            }
        }
    }
    Ok(value)
}

fn check_len(what: &str, s: &str, max: usize) -> Result<(), Refused> {
    if s.len() > max {
        return Err(Refused::limit(
            &format!("the length of {what} in bytes"),
            max,
            s.len(),
        ));
    }
    Ok(())
}

/// The first characters of a text, for a message that must not echo megabytes.
fn prefix(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps() -> Caps {
        Caps {
            max_queries: 3,
            max_string: 50,
            max_text: 20,
        }
    }

    #[test]
    fn reads_what_openrefine_sends() {
        let q = parse(
            r#"{"q0": {"query": "Aliev", "type": "PERSON", "type_strict": "should", "limit": 3,
                "properties": [{"pid": "role", "v": "President"}, {"pid": "related", "v": [{"id": "echr"}, "Putin"]}]}}"#,
            &caps(),
        )
        .unwrap();
        let q0 = &q["q0"];
        assert_eq!(q0.text.as_deref(), Some("Aliev"));
        assert_eq!(q0.types, vec![EntityKind::Person]);
        assert_eq!(q0.strict, Strictness::Any);
        assert_eq!(q0.limit, 3);
        assert_eq!(q0.properties[1].1.len(), 2);
    }

    #[test]
    fn refuses_bad_batches_with_a_code() {
        let code = |json: &str| parse(json, &caps()).unwrap_err().code;
        assert_eq!(code("{"), "BAD_REQUEST");
        assert_eq!(code("[]"), "BAD_REQUEST");
        assert_eq!(
            code(r#"{"q0": {"query": "a", "colour": 1}}"#),
            "BAD_REQUEST"
        );
        assert_eq!(
            code(r#"{"q0": {"query": "a", "type": "SHIP"}}"#),
            "INVALID_INPUT"
        );
        assert_eq!(
            code(r#"{"q0": {"query": "a", "limit": 0}}"#),
            "INVALID_INPUT"
        );
        assert_eq!(
            code(r#"{"q0": {"query": "a", "limit": 101}}"#),
            "LIMIT_EXCEEDED"
        );
        assert_eq!(code(r#"{"q0": {"query": " "}}"#), "INVALID_INPUT");
        assert_eq!(
            code(r#"{"q0": {"query": "a", "properties": [{"pid": "x", "v": "y"}]}}"#),
            "INVALID_INPUT"
        );
        assert_eq!(
            code(r#"{"q0": {"query": "a long query text of many words"}}"#),
            "LIMIT_EXCEEDED"
        );
        assert_eq!(
            code(
                r#"{"a": {"query": "x"}, "b": {"query": "x"}, "c": {"query": "x"}, "d": {"query": "x"}}"#
            ),
            "LIMIT_EXCEEDED"
        );
    }
}
