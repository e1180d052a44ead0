//! The schema's scalars and enums, mirrored from the domain model.

use crate::model;
use crate::store;
use async_graphql::{Enum, InputValueError, InputValueResult, Scalar, ScalarType, Value};

/// A calendar date at year, month or day precision: `"2023"`, `"2023-09"` or `"2023-09-22"`.
/// As a filter bound, a coarse date covers its whole period (`until: "2023-09"` includes
/// 30 September).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub model::Date);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => model::Date::parse(s)
                .map(Date)
                .map_err(|e| InputValueError::custom(e.to_string())),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(s) if model::Date::parse(s).is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// What an entity is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "EntityKind", remote = "model::EntityKind")]
pub enum EntityKind {
    /// A natural person.
    Person,
    /// A non-state organisation: an NGO, a union, a company, a news agency, a platform.
    Organisation,
    /// A court or tribunal.
    Court,
    /// A state, a government or one of its bodies.
    Government,
    /// Something that happened: an operation, talks, a meeting.
    Event,
    /// A city, a region, a building.
    Place,
}

/// How the source presents a relation: claims are not facts.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ClaimStatus", remote = "model::ClaimStatus")]
pub enum ClaimStatus {
    /// Stated by the source as fact.
    Reported,
    /// An accusation or presumption the source does not vouch for.
    Alleged,
    /// Contested by a party the source quotes.
    Disputed,
    /// Confirmed by an authoritative source.
    Confirmed,
}

/// Which way to walk relations from an entity.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(name = "Direction", remote = "store::Direction")]
pub enum Direction {
    /// What the entity did: relations where it is `from`.
    Outgoing,
    /// What was done to it: relations where it is `to`.
    Incoming,
    /// Both. Symmetric relations (CALLED, MET, ...) match every direction.
    #[default]
    Both,
}

/// The order of a list of relations.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RelationOrder {
    /// As the relations were recorded (data files in name order, then imports).
    #[default]
    Recorded,
    /// By date, oldest first (a month or a year before its days), then the undated relations;
    /// equal dates in recorded order. The order of `timeline`, paged.
    Date,
}

macro_rules! graphql_match_reason {
    ($( $variant:ident => $doc:literal; )*) => {
        /// How a search hit matched, from strongest to weakest.
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        #[graphql(name = "MatchReason", remote = "store::MatchReason")]
        pub enum MatchReason { $( #[doc = $doc] $variant, )* }
    };
}
store::match_reasons!(graphql_match_reason);

macro_rules! graphql_export_format {
    ($( $variant:ident => $doc:literal; )*) => {
        /// A file format for a subgraph (see `Subgraph.export` and `GET /export/{format}`).
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        #[graphql(name = "ExportFormat", remote = "crate::export::Format")]
        pub enum ExportFormat { $( #[doc = $doc] $variant, )* }
    };
}
crate::export::export_formats!(graphql_export_format);

macro_rules! graphql_relation_kind {
    ($( $variant:ident => $name:literal, $label:literal, $inverse:literal, $sym:literal, $from:expr => $to:expr, $doc:literal; )*) => {
        /// A kind of relation. Each value's description gives its meaning; `Relation.label`
        /// gives its active label ("arrested"), and the `vocabulary` query the whole table.
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        #[graphql(name = "RelationKind", remote = "model::RelationKind", rename_items = "SCREAMING_SNAKE_CASE")]
        pub enum RelationKind { $( #[doc = $doc] $variant, )* }
    };
}
model::relation_kinds!(graphql_relation_kind);

/// What a path's relations cost, for the most reliable path; without it every relation costs
/// 1 and the weight is the length.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathWeight {
    /// By claim status: CONFIRMED costs 1, REPORTED (or no status) 2, ALLEGED and DISPUTED 4.
    Claim,
    /// By age: 1 plus the years between the relation's last day and the newest date in the
    /// graph; an undated relation costs a year more than the oldest dated one.
    Recent,
}

impl From<PathWeight> for store::PathWeight {
    fn from(w: PathWeight) -> store::PathWeight {
        match w {
            PathWeight::Claim => store::PathWeight::Claim,
            PathWeight::Recent => store::PathWeight::Recent,
        }
    }
}

/// Converts a list of GraphQL kinds to the model's.
pub(crate) fn relation_kinds(kinds: Option<Vec<RelationKind>>) -> Option<Vec<model::RelationKind>> {
    kinds.map(|k| k.into_iter().map(Into::into).collect())
}

/// Converts a list of GraphQL entity kinds to the model's.
pub(crate) fn entity_kinds(kinds: Option<Vec<EntityKind>>) -> Option<Vec<model::EntityKind>> {
    kinds.map(|k| k.into_iter().map(Into::into).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graphql_relation_kinds_are_the_vocabulary() {
        for &k in model::RelationKind::ALL {
            let g: RelationKind = k.into();
            assert_eq!(model::RelationKind::from(g), k);
            let value = async_graphql::resolver_utils::enum_value(g);
            assert_eq!(value, Value::Enum(async_graphql::Name::new(k.name())));
        }
    }
}
