//! The records the graph holds: entities, relations, their citations and source documents.

use super::{ClaimStatus, Date, EntityKind, Id, RelationKind};
use std::collections::BTreeMap;
use std::fmt;

/// A structured value attached to an entity or relation (a casualty count, a sentence length).
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    /// A whole number.
    Integer(i64),
    /// A decimal number.
    Float(f64),
    /// Free text.
    Text(String),
    /// Yes or no.
    Bool(bool),
}

impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeValue::Integer(i) => write!(f, "{i}"),
            AttributeValue::Float(x) => write!(f, "{x}"),
            AttributeValue::Text(s) => f.write_str(s),
            AttributeValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// Named structured values, sorted by name.
pub type Attributes = BTreeMap<String, AttributeValue>;

/// A person, organisation, court, government, event or place.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Stable, human-readable id.
    pub id: Id,
    /// What the entity is.
    pub kind: EntityKind,
    /// The name to display.
    pub name: String,
    /// Other spellings and names: transliterations, short forms, names in other scripts.
    pub aliases: Vec<String>,
    /// A sentence or two on who or what this is.
    pub description: Option<String>,
    /// A person's roles as the sources give them ("former diplomat").
    pub roles: Vec<String>,
    /// An event's start.
    pub start: Option<Date>,
    /// An event's end.
    pub end: Option<Date>,
    /// Where an event took place: the id of a `PLACE` entity.
    pub place: Option<Id>,
    /// Structured figures.
    pub attributes: Attributes,
}

impl Entity {
    /// A bare entity of the given kind, with no aliases, description or fields.
    pub fn new(id: Id, kind: EntityKind, name: impl Into<String>) -> Entity {
        Entity {
            id,
            kind,
            name: name.into(),
            aliases: Vec::new(),
            description: None,
            roles: Vec::new(),
            start: None,
            end: None,
            place: None,
            attributes: Attributes::new(),
        }
    }
}

/// A source document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Stable id.
    pub id: Id,
    /// Title.
    pub title: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was published; relative dates in it are resolved against this.
    pub published: Option<Date>,
    /// Where it can be read.
    pub url: Option<String>,
}

/// A verbatim quote from a document that states a relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The document quoted.
    pub document: Id,
    /// The exact words.
    pub quote: String,
}

/// A typed, dated, sourced link: `from` did `kind` to `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// Stable id (by default `<from>.<kind in lower case>.<to>`).
    pub id: Id,
    /// What kind of relation.
    pub kind: RelationKind,
    /// The relation's own label, for `RELATED` relations imported from datasets whose
    /// vocabulary is not dossier's ("award received"); `None` uses the kind's label.
    pub label: Option<String>,
    /// Who did it (for symmetric kinds, one of the two ends).
    pub from: Id,
    /// To whom or what.
    pub to: Id,
    /// When it happened or began.
    pub date: Option<Date>,
    /// When a period ended ("in the past 24 hours": from the 21st until the 22nd).
    pub until: Option<Date>,
    /// Free text on the role played ("brother", "defence counsel").
    pub role: Option<String>,
    /// How the source presents it.
    pub claim: Option<ClaimStatus>,
    /// A sentence or two of context.
    pub description: Option<String>,
    /// Where it is stated; never empty.
    pub citations: Vec<Citation>,
    /// Structured figures (a sentence length, a number of days).
    pub attributes: Attributes,
}

impl Relation {
    /// A relation of `kind` from `from` to `to` with one citation and nothing else: no date,
    /// role, claim, description or attributes (set those fields afterwards as needed).
    pub fn cited(id: Id, kind: RelationKind, from: Id, to: Id, citation: Citation) -> Relation {
        Relation {
            id,
            kind,
            label: None,
            from,
            to,
            date: None,
            until: None,
            role: None,
            claim: None,
            description: None,
            citations: vec![citation],
            attributes: Attributes::new(),
        }
    }

    /// The active label: the relation's own, else its kind's ("arrested").
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(self.kind.label())
    }

    /// The default id of a relation: `<from>.<kind in lower case>.<to>`.
    pub fn default_id(from: &Id, kind: RelationKind, to: &Id) -> String {
        format!(
            "{from}.{}.{to}",
            kind.name().to_ascii_lowercase().replace('_', "-")
        )
    }
}
