//! How a change reads: who, when, which operation, and each record before and after.

use super::super::entity::Entity;
use crate::journal::Entry;
use crate::store::Edit;
use async_graphql::{Enum, Json, Object, Scalar, ScalarType, SimpleObject, Value, ID};
use std::sync::Arc;

/// A moment, in RFC 3339 (`2026-12-04T17:05:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub i64);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            Value::String(s) => {
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                    .map(|t| DateTime((t.unix_timestamp_nanos() / 1000) as i64))
                    .map_err(|e| {
                        async_graphql::InputValueError::custom(format!(
                            "`{s}` is not an RFC 3339 date and time (2026-12-04T17:05:00Z): {e}"
                        ))
                    })
            }
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(crate::journal::rfc3339(self.0))
    }
}

/// What kind of record an edit changed.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// An entity.
    Entity,
    /// A relation.
    Relation,
    /// A document.
    Document,
    /// A document's full text.
    DocumentText,
    /// A merged id and the entity it resolves to.
    Merge,
    /// A judgement that two entities are not the same.
    Distinct,
}

/// What an edit did to its record.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditAction {
    /// The record was added.
    Added,
    /// The record was changed.
    Changed,
    /// The record was removed.
    Removed,
}

/// One record as a change left it, with its state before and after (as JSON).
#[derive(SimpleObject)]
pub struct ChangeEdit {
    /// What kind of record.
    pub record: RecordKind,
    /// Its id (for a judgement, the two ids joined by a space).
    pub id: ID,
    /// What happened to it.
    pub action: EditAction,
    /// The record before (null if it did not exist).
    pub before: Option<Json<serde_json::Value>>,
    /// The record after (null if it was removed).
    pub after: Option<Json<serde_json::Value>>,
}

fn action<T>(before: &Option<T>, after: &Option<T>) -> EditAction {
    match (before, after) {
        (None, _) => EditAction::Added,
        (_, None) => EditAction::Removed,
        _ => EditAction::Changed,
    }
}

fn json<T: serde::Serialize>(v: &Option<T>) -> Option<Json<serde_json::Value>> {
    v.as_ref()
        .map(|v| Json(serde_json::to_value(v).unwrap_or_default()))
}

impl ChangeEdit {
    /// A record's edit: its kind, id, and state before and after.
    fn of<T: serde::Serialize>(
        record: RecordKind,
        id: String,
        before: &Option<T>,
        after: &Option<T>,
    ) -> ChangeEdit {
        ChangeEdit {
            record,
            id: ID(id),
            action: action(before, after),
            before: json(before),
            after: json(after),
        }
    }
}

impl From<&Edit> for ChangeEdit {
    fn from(edit: &Edit) -> ChangeEdit {
        use RecordKind as K;
        let flag = |b: bool| b.then_some(true);
        match edit {
            Edit::Entity { id, before, after } => {
                ChangeEdit::of(K::Entity, id.to_string(), before, after)
            }
            Edit::Relation { id, before, after } => {
                ChangeEdit::of(K::Relation, id.to_string(), before, after)
            }
            Edit::Document { id, before, after } => {
                ChangeEdit::of(K::Document, id.to_string(), before, after)
            }
            Edit::Text {
                document,
                before,
                after,
            } => ChangeEdit::of(K::DocumentText, document.to_string(), before, after),
            Edit::Merged { id, before, after } => {
                ChangeEdit::of(K::Merge, id.to_string(), before, after)
            }
            Edit::Distinct {
                a,
                b,
                before,
                after,
            } => ChangeEdit::of(
                K::Distinct,
                format!("{a} {b}"),
                &flag(*before),
                &flag(*after),
            ),
        }
    }
}

/// One acknowledged change: what, by whom (the write token's name), when.
pub struct Change(pub Arc<Entry>);

/// One acknowledged change: what, by whom (the write token's name), when.
#[Object]
impl Change {
    /// Its id: its position in the journal (`revert(change:)` takes it).
    async fn id(&self) -> ID {
        ID(self.0.seq.to_string())
    }
    /// When it was acknowledged.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at_us)
    }
    /// The name of the write token that made it.
    async fn author(&self) -> &str {
        &self.0.author
    }
    /// The mutation that made it (`addRelation`, `mergeEntities`, `revert`, …).
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    /// The change it undid, for a revert.
    async fn reverts(&self) -> Option<ID> {
        self.0.reverts.map(|s| ID(s.to_string()))
    }
    /// The ids of the entities it touched.
    async fn entities(&self) -> Vec<ID> {
        self.0.entities().into_iter().map(ID).collect()
    }
    /// Each record it changed, before and after.
    async fn edits(&self) -> Vec<ChangeEdit> {
        self.0.edits.iter().map(ChangeEdit::from).collect()
    }
}

/// A page of changes.
#[derive(SimpleObject)]
pub struct ChangePage {
    /// The changes, oldest first.
    pub nodes: Vec<Change>,
    /// Whether more follow: ask again with `after` set to the last change's id.
    pub has_next_page: bool,
}

/// Why two entities may be one.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateReason {
    /// Their names are the same once case, diacritics and script are folded.
    SameName,
    /// One's name is the other's alias, or they share an alias.
    SameAlias,
    /// Their names differ only in spacing, punctuation or transliteration, and they share a
    /// neighbour.
    SimilarName,
}

/// A pair a curator should look at: merge it (`mergeEntities`) or say it is two
/// (`markDistinct`), and it is not proposed again.
#[derive(SimpleObject)]
pub struct DuplicateCandidate {
    /// One entity (the better connected).
    pub a: Entity,
    /// The other.
    pub b: Entity,
    /// Why they look alike.
    pub reason: DuplicateReason,
    /// How many neighbours they share.
    pub shared_neighbours: usize,
}
