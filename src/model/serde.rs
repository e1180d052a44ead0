//! The model in serde's terms, for the journal: ids, dates and kinds as their text, parsed
//! again (and so checked again) when read back; records as plain objects.
//!
//! Why written here rather than derived on every type: ids, dates and kinds are valid by
//! construction, so reading one goes through the same parser as a data file.

use super::{
    AttributeValue, Citation, ClaimStatus, Date, Document, Entity, EntityKind, Id, Relation,
    RelationKind,
};
use serde::de::{Deserializer, Error as _};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

macro_rules! as_text {
    ($ty:ty, $write:expr, $parse:expr) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[allow(clippy::redundant_closure_call)]
                s.serialize_str(&($write)(self))
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                let text = String::deserialize(d)?;
                #[allow(clippy::redundant_closure_call)]
                ($parse)(text.as_str()).map_err(D::Error::custom)
            }
        }
    };
}

as_text!(Id, |v: &Id| v.as_str().to_owned(), Id::parse);
as_text!(Date, |v: &Date| v.to_string(), Date::parse);
as_text!(
    EntityKind,
    |v: &EntityKind| v.name().to_owned(),
    |t: &str| t.parse::<EntityKind>()
);
as_text!(
    RelationKind,
    |v: &RelationKind| v.name().to_owned(),
    |t: &str| t.parse::<RelationKind>()
);
as_text!(
    ClaimStatus,
    |v: &ClaimStatus| v.name().to_owned(),
    |t: &str| t.parse::<ClaimStatus>()
);

impl Serialize for AttributeValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AttributeValue::Integer(i) => s.serialize_i64(*i),
            AttributeValue::Float(x) => s.serialize_f64(*x),
            AttributeValue::Text(t) => s.serialize_str(t),
            AttributeValue::Bool(b) => s.serialize_bool(*b),
        }
    }
}

impl<'de> Deserialize<'de> for AttributeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AttributeValue, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Bool(b) => AttributeValue::Bool(b),
            serde_json::Value::String(t) => AttributeValue::Text(t),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => AttributeValue::Integer(i),
                None => AttributeValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            other => return Err(D::Error::custom(format!("not an attribute value: {other}"))),
        })
    }
}

/// Serde's view of [`Entity`]: the same fields, empty ones left out.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Entity", deny_unknown_fields)]
struct EntityDef {
    id: Id,
    kind: EntityKind,
    name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    place: Option<Id>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    attributes: super::Attributes,
}

impl Serialize for Entity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EntityDef::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for Entity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Entity, D::Error> {
        EntityDef::deserialize(d)
    }
}

/// Serde's view of [`Document`].
#[derive(Serialize, Deserialize)]
#[serde(remote = "Document", deny_unknown_fields)]
struct DocumentDef {
    id: Id,
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        DocumentDef::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Document, D::Error> {
        DocumentDef::deserialize(d)
    }
}

/// Serde's view of [`Citation`].
#[derive(Serialize, Deserialize)]
#[serde(remote = "Citation", deny_unknown_fields)]
struct CitationDef {
    document: Id,
    quote: String,
}

impl Serialize for Citation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        CitationDef::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for Citation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Citation, D::Error> {
        CitationDef::deserialize(d)
    }
}

/// Serde's view of [`Relation`].
#[derive(Serialize, Deserialize)]
#[serde(remote = "Relation", deny_unknown_fields)]
struct RelationDef {
    id: Id,
    kind: RelationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    from: Id,
    to: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claim: Option<ClaimStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    citations: Vec<Citation>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    attributes: super::Attributes,
}

impl Serialize for Relation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RelationDef::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for Relation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Relation, D::Error> {
        RelationDef::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relation_goes_through_json_and_back_unchanged() {
        let id = |s: &str| Id::parse(s).unwrap();
        let mut r = Relation::cited(
            id("a.called.b"),
            RelationKind::Called,
            id("a"),
            id("b"),
            Citation {
                document: id("doc"),
                quote: "they spoke".into(),
            },
        );
        r.date = Some(Date::parse("2023-09").unwrap());
        r.claim = Some(ClaimStatus::Alleged);
        r.attributes
            .insert("days".into(), AttributeValue::Integer(3));
        let text = serde_json::to_string(&r).unwrap();
        let back: Relation = serde_json::from_str(&text).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn a_bad_id_or_date_is_refused_when_read_back() {
        let bad = r#"{"id":"Not An Id","kind":"PERSON","name":"x"}"#;
        assert!(serde_json::from_str::<Entity>(bad).is_err());
        let bad = r#"{"id":"x","title":"t","published":"2023-13"}"#;
        assert!(serde_json::from_str::<Document>(bad).is_err());
    }
}
