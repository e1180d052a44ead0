//! Writes and their history: the mutations, the journal's changes, merge candidates, and the
//! subscription to changes as they are acknowledged.
//!
//! Every mutation needs a write token (`Authorization: Bearer …`, checked by the server,
//! which puts the token's name in the request as [`Author`]) and goes through the one
//! writer ([`crate::curate::Curator`]) with the rules of `dossier check`.

use super::context::{deadline, graph, Snapshot};
use super::entity::Entity;
use super::error::ApiError;
use super::relation::{Document, Relation};
use super::scalars::{entity_kinds, ClaimStatus, Date, EntityKind, RelationKind};
use crate::curate::{self, CurateError, Curator, Likeness, Operation, Written};
use crate::journal::{Entry, Filter};
use crate::model;
use crate::store::{Edit, Graph, StoreError};
use async_graphql::{
    Context, Enum, InputObject, Json, Object, Result, Scalar, ScalarType, SimpleObject,
    Subscription, Value, ID,
};
use futures_util::Stream;
use std::sync::Arc;

/// The name of the write token a request carries, put in its data by the server.
#[derive(Debug, Clone)]
pub struct Author(pub String);

/// The most changes one page lists.
const MAX_CHANGES: i32 = 100;

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

fn id(argument: &str, value: &ID) -> Result<model::Id, ApiError> {
    model::Id::parse(value.as_str()).map_err(|e| ApiError::invalid(argument, e))
}

/// An entity to add or correct.
#[derive(InputObject)]
pub struct EntityInput {
    /// Its id: lower-case letters, digits and `-` (`gubad-ibadoglu`).
    pub id: ID,
    /// What it is.
    pub kind: EntityKind,
    /// The name to display.
    pub name: String,
    /// Other spellings (left as they are when not given).
    pub aliases: Option<Vec<String>>,
    /// A sentence or two on who or what this is (left as it is when not given; `""` clears it).
    pub description: Option<String>,
}

/// A source document.
#[derive(InputObject)]
pub struct DocumentInput {
    /// Its id.
    pub id: ID,
    /// Its title.
    pub title: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was published.
    pub published: Option<Date>,
    /// Where it can be read.
    pub url: Option<String>,
    /// Its full text: quotes citing it are then checked word for word against it
    /// (whitespace runs read as one space).
    pub text: Option<String>,
}

/// A quote from a document.
#[derive(InputObject)]
pub struct CitationInput {
    /// The document quoted.
    pub document: ID,
    /// The exact words.
    pub quote: String,
}

/// A relation to add, or a relation's new fields.
#[derive(InputObject)]
pub struct RelationInput {
    /// What kind of relation.
    pub kind: RelationKind,
    /// Who did it.
    pub from: ID,
    /// To whom or what.
    pub to: ID,
    /// When it happened or began.
    pub date: Option<Date>,
    /// When a period ended.
    pub until: Option<Date>,
    /// The role played ("defence counsel").
    pub role: Option<String>,
    /// How the source presents it.
    pub claim: Option<ClaimStatus>,
    /// A sentence or two of context.
    pub description: Option<String>,
    /// Where it is stated: at least one.
    pub citations: Vec<CitationInput>,
}

impl RelationInput {
    fn to_relation(&self, rid: model::Id) -> Result<model::Relation, ApiError> {
        let citations = self
            .citations
            .iter()
            .map(|c| {
                Ok(model::Citation {
                    document: id("input.citations.document", &c.document)?,
                    quote: c.quote.clone(),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(model::Relation {
            id: rid,
            kind: self.kind.into(),
            label: None,
            from: id("input.from", &self.from)?,
            to: id("input.to", &self.to)?,
            date: self.date.map(|d| d.0),
            until: self.until.map(|d| d.0),
            role: self.role.clone().filter(|r| !r.is_empty()),
            claim: self.claim.map(Into::into),
            description: self.description.clone().filter(|d| !d.is_empty()),
            citations,
            attributes: model::Attributes::new(),
        })
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

impl From<&Edit> for ChangeEdit {
    fn from(edit: &Edit) -> ChangeEdit {
        let flag = |b: bool| b.then_some(true);
        match edit {
            Edit::Entity { id, before, after } => ChangeEdit {
                record: RecordKind::Entity,
                id: ID(id.to_string()),
                action: action(before, after),
                before: json(before),
                after: json(after),
            },
            Edit::Relation { id, before, after } => ChangeEdit {
                record: RecordKind::Relation,
                id: ID(id.to_string()),
                action: action(before, after),
                before: json(before),
                after: json(after),
            },
            Edit::Document { id, before, after } => ChangeEdit {
                record: RecordKind::Document,
                id: ID(id.to_string()),
                action: action(before, after),
                before: json(before),
                after: json(after),
            },
            Edit::Text {
                document,
                before,
                after,
            } => ChangeEdit {
                record: RecordKind::DocumentText,
                id: ID(document.to_string()),
                action: action(before, after),
                before: json(before),
                after: json(after),
            },
            Edit::Merged { id, before, after } => ChangeEdit {
                record: RecordKind::Merge,
                id: ID(id.to_string()),
                action: action(before, after),
                before: json(before),
                after: json(after),
            },
            Edit::Distinct {
                a,
                b,
                before,
                after,
            } => ChangeEdit {
                record: RecordKind::Distinct,
                id: ID(format!("{a} {b}")),
                action: action(&flag(*before), &flag(*after)),
                before: json(&flag(*before)),
                after: json(&flag(*after)),
            },
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

fn page_size(first: Option<i32>) -> Result<usize, ApiError> {
    match first {
        None => Ok(20),
        Some(n) if (0..=MAX_CHANGES).contains(&n) => Ok(n as usize),
        Some(n) => Err(ApiError::LimitExceeded {
            argument: "first",
            limit: MAX_CHANGES.into(),
            value: n.into(),
        }),
    }
}

fn curator<'a>(ctx: &Context<'a>) -> Result<&'a Arc<Curator>, ApiError> {
    ctx.data_opt::<Arc<Curator>>().ok_or_else(|| {
        ApiError::Unauthenticated(
            "this server keeps no journal: start it with --state to record changes".into(),
        )
    })
}

fn journal_error(e: CurateError) -> ApiError {
    tracing::error!(error = %e, "reading the journal");
    ApiError::Internal
}

/// The history of changes, and pairs that may be one entity.
#[derive(Default)]
pub struct CurationQuery;

/// The history of changes, and pairs that may be one entity.
#[Object]
impl CurationQuery {
    /// Acknowledged changes, oldest first: all, or those touching `entity`, recorded at or
    /// after `since`; 20 a page by default, at most 100, continuing after the change `after`.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        entity: Option<ID>,
        since: Option<DateTime>,
        first: Option<i32>,
        after: Option<ID>,
    ) -> Result<ChangePage> {
        let first = page_size(first)?;
        let after = after
            .map(|a| {
                a.parse::<u64>()
                    .map_err(|_| ApiError::invalid("after", "a change id is a number"))
            })
            .transpose()?;
        let curator = curator(ctx)?.clone();
        let filter = Filter {
            entity: entity.map(|e| e.to_string()),
            since_us: since.map(|s| s.0),
            until_us: None,
            after,
            first,
        };
        let (entries, more) = tokio::task::spawn_blocking(move || curator.changes(&filter))
            .await
            .map_err(|_| ApiError::Internal)?
            .map_err(journal_error)?;
        Ok(ChangePage {
            nodes: entries.into_iter().map(|e| Change(Arc::new(e))).collect(),
            has_next_page: more,
        })
    }

    /// One change by its id.
    async fn change(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Change>> {
        let seq: u64 = id
            .parse()
            .map_err(|_| ApiError::invalid("id", "a change id is a number"))?;
        let curator = curator(ctx)?.clone();
        let entry = tokio::task::spawn_blocking(move || curator.change(seq))
            .await
            .map_err(|_| ApiError::Internal)?
            .map_err(journal_error)?;
        Ok(entry.map(|e| Change(Arc::new(e))))
    }

    /// Pairs of entities of the same kind that may be one entity recorded twice, strongest
    /// reason first, then most shared neighbours; pairs judged distinct (`markDistinct`) are
    /// left out. At most `first` (default 20, at most 100).
    async fn duplicate_candidates(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<EntityKind>>,
        first: Option<i32>,
    ) -> Result<Vec<DuplicateCandidate>> {
        let first = page_size(first)?;
        let kinds = entity_kinds(kinds);
        let deadline = deadline(ctx);
        let g = graph(ctx);
        let found = curate::duplicate_candidates(g, kinds.as_deref(), first, deadline)
            .map_err(|_| super::context::timed_out(ctx))?;
        Ok(found
            .into_iter()
            .map(|c| DuplicateCandidate {
                a: Entity::of(g, c.a),
                b: Entity::of(g, c.b),
                reason: match c.likeness {
                    Likeness::SameName => DuplicateReason::SameName,
                    Likeness::SameAlias => DuplicateReason::SameAlias,
                    Likeness::SimilarName => DuplicateReason::SimilarName,
                },
                shared_neighbours: c.shared_neighbours,
            })
            .collect())
    }
}

/// An entity's history: the changes that touched it, oldest first.
pub(crate) async fn history(
    ctx: &Context<'_>,
    entity: String,
    first: Option<i32>,
) -> Result<Vec<Change>> {
    let first = page_size(first)?;
    let Some(curator) = ctx.data_opt::<Arc<Curator>>().cloned() else {
        return Ok(Vec::new());
    };
    let filter = Filter {
        entity: Some(entity),
        first,
        ..Filter::default()
    };
    let (entries, _) = tokio::task::spawn_blocking(move || curator.changes(&filter))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(journal_error)?;
    Ok(entries.into_iter().map(|e| Change(Arc::new(e))).collect())
}

fn refused(e: CurateError) -> ApiError {
    match e {
        CurateError::Invalid { field, message } => ApiError::invalid(field, message),
        CurateError::NotFound { field, what, id } => ApiError::NotFound {
            argument: field,
            what,
            id,
        },
        e @ CurateError::Rejected(_) if e.is_conflict() => ApiError::Conflict(e.to_string()),
        CurateError::Rejected(problems)
            if matches!(problems.first(), Some(StoreError::Unknown { .. })) =>
        {
            let Some(StoreError::Unknown { field, what, id }) = problems.into_iter().next() else {
                unreachable!("matched above")
            };
            ApiError::NotFound {
                argument: field,
                what,
                id,
            }
        }
        ref e @ CurateError::Rejected(_) => {
            ApiError::invalid(e.field().unwrap_or("input"), e.to_string())
        }
        CurateError::ReadOnly => ApiError::Unauthenticated(CurateError::ReadOnly.to_string()),
        e @ CurateError::Journal(_) => {
            tracing::error!(error = %e, "a write was not recorded");
            ApiError::Internal
        }
    }
}

/// Runs one write for the request's author, then lets the request's later fields read the
/// version it published.
async fn write(ctx: &Context<'_>, key: Option<String>, op: Operation) -> Result<Written, ApiError> {
    let author = ctx
        .data_opt::<Author>()
        .map(|a| a.0.clone())
        .ok_or_else(|| {
            ApiError::Unauthenticated(
                "a mutation needs a write token: send `Authorization: Bearer <token>`".into(),
            )
        })?;
    let curator = curator(ctx)?.clone();
    let written = tokio::task::spawn_blocking(move || curator.write(&author, key.as_deref(), op))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(refused)?;
    ctx.data_unchecked::<Snapshot>()
        .advance(written.graph.clone());
    Ok(written)
}

fn entity_in(g: &Graph, id: &model::Id) -> Result<Entity, ApiError> {
    g.node(id.as_str())
        .map(|n| Entity::of(g, n))
        .ok_or(ApiError::Internal)
}

/// Writes: each needs a write token (`Authorization: Bearer <token>`), is checked with the
/// rules of `dossier check`, changes nothing when refused, and is in the journal (durable)
/// before it is answered. `idempotencyKey`: a retry with the same key is made once and
/// answered as the first time.
#[derive(Default)]
pub struct Mutation;

/// Writes: each needs a write token (`Authorization: Bearer <token>`), is checked with the
/// rules of `dossier check`, changes nothing when refused, and is in the journal (durable)
/// before it is answered. `idempotencyKey`: a retry with the same key is made once and
/// answered as the first time.
#[Object]
impl Mutation {
    /// Adds an entity, or corrects an existing one's kind, name, aliases and description.
    async fn upsert_entity(
        &self,
        ctx: &Context<'_>,
        input: EntityInput,
        idempotency_key: Option<String>,
    ) -> Result<Entity> {
        let eid = id("input.id", &input.id)?;
        let op = Operation::UpsertEntity {
            id: eid.clone(),
            kind: input.kind.into(),
            name: input.name,
            aliases: input.aliases,
            description: input.description,
        };
        let w = write(ctx, idempotency_key, op).await?;
        Ok(entity_in(&w.graph, &eid)?)
    }

    /// Adds a source document (or corrects its fields), optionally with its full text.
    async fn add_document(
        &self,
        ctx: &Context<'_>,
        input: DocumentInput,
        idempotency_key: Option<String>,
    ) -> Result<Document> {
        let doc = model::Document {
            id: id("input.id", &input.id)?,
            title: input.title,
            publisher: input.publisher.filter(|p| !p.is_empty()),
            published: input.published.map(|d| d.0),
            url: input.url.filter(|u| !u.is_empty()),
        };
        let did = doc.id.clone();
        let w = write(
            ctx,
            idempotency_key,
            Operation::AddDocument(doc, input.text),
        )
        .await?;
        let doc = w.graph.document(did.as_str()).ok_or(ApiError::Internal)?;
        Ok(Document(doc.clone()))
    }

    /// Adds a relation citing at least one document (quotes non-empty, and word for word
    /// where the document has a text). Its id is `<from>.<kind>.<to>`, numbered `.2`, `.3`
    /// if taken.
    async fn add_relation(
        &self,
        ctx: &Context<'_>,
        input: RelationInput,
        idempotency_key: Option<String>,
    ) -> Result<Relation> {
        let placeholder = model::Id::parse("new").expect("a valid id");
        let relation = input.to_relation(placeholder)?;
        let w = write(ctx, idempotency_key, Operation::AddRelation(relation)).await?;
        relation_in(&w)
    }

    /// Replaces a relation's fields; its id stays.
    async fn update_relation(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: RelationInput,
        idempotency_key: Option<String>,
    ) -> Result<Relation> {
        let rid = self::id("id", &id)?;
        let relation = input.to_relation(rid.clone())?;
        let w = write(ctx, idempotency_key, Operation::UpdateRelation(relation)).await?;
        let e = w.graph.edge(rid.as_str()).ok_or(ApiError::Internal)?;
        Ok(Relation(e))
    }

    /// Removes a relation; answers its id.
    async fn remove_relation(
        &self,
        ctx: &Context<'_>,
        id: ID,
        idempotency_key: Option<String>,
    ) -> Result<ID> {
        let rid = self::id("id", &id)?;
        write(ctx, idempotency_key, Operation::RemoveRelation(rid)).await?;
        Ok(id)
    }

    /// Removes an entity and every relation touching it; answers its id.
    async fn remove_entity(
        &self,
        ctx: &Context<'_>,
        id: ID,
        idempotency_key: Option<String>,
    ) -> Result<ID> {
        let eid = self::id("id", &id)?;
        write(ctx, idempotency_key, Operation::RemoveEntity(eid)).await?;
        Ok(id)
    }

    /// Merges entities of the same kind into `keep`: their names become its aliases, their
    /// relations are re-pointed (one between two merged entities goes), and their ids keep
    /// resolving to it (`entity(id:)`, `neighbourhood`, paths, exports; see `mergedFrom`).
    /// `revert` brings them back.
    async fn merge_entities(
        &self,
        ctx: &Context<'_>,
        keep: ID,
        merge: Vec<ID>,
        idempotency_key: Option<String>,
    ) -> Result<Entity> {
        let keep = id("keep", &keep)?;
        let merge = merge
            .iter()
            .map(|m| id("merge", m))
            .collect::<Result<Vec<_>, _>>()?;
        let w = write(
            ctx,
            idempotency_key,
            Operation::Merge {
                keep: keep.clone(),
                merge,
            },
        )
        .await?;
        Ok(entity_in(&w.graph, &keep)?)
    }

    /// Records that `a` and `b` are not the same, so `duplicateCandidates` stops proposing
    /// them.
    async fn mark_distinct(
        &self,
        ctx: &Context<'_>,
        a: ID,
        b: ID,
        idempotency_key: Option<String>,
    ) -> Result<bool> {
        let (a, b) = (id("a", &a)?, id("b", &b)?);
        write(ctx, idempotency_key, Operation::MarkDistinct(a, b)).await?;
        Ok(true)
    }

    /// Undoes a change, as a new change (a merge included: the merged entities and their
    /// relations come back). Refused with `CONFLICT` when a record it touched was changed
    /// since: revert the later change first.
    async fn revert(
        &self,
        ctx: &Context<'_>,
        change: ID,
        idempotency_key: Option<String>,
    ) -> Result<Change> {
        let seq: u64 = change
            .parse()
            .map_err(|_| ApiError::invalid("change", "a change id is a number"))?;
        let w = write(ctx, idempotency_key, Operation::Revert(seq)).await?;
        let entry = w.entry.ok_or(ApiError::Internal)?;
        Ok(Change(entry))
    }
}

fn relation_in(w: &Written) -> Result<Relation> {
    let entry = w.entry.as_ref().ok_or(ApiError::Internal)?;
    let rid = entry
        .edits
        .iter()
        .find_map(|e| match e {
            Edit::Relation { id, .. } => Some(id.clone()),
            _ => None,
        })
        .ok_or(ApiError::Internal)?;
    let e = w.graph.edge(rid.as_str()).ok_or(ApiError::Internal)?;
    Ok(Relation(e))
}

/// Live changes.
#[derive(Default)]
pub struct Subscription;

/// Live changes.
#[Subscription]
impl Subscription {
    /// Each change as it is acknowledged: all, or those touching `near` or one of its
    /// neighbours, or those adding, changing or removing a relation of `kinds`. A subscriber
    /// that falls more than 1,024 changes behind misses the oldest.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        near: Option<ID>,
        kinds: Option<Vec<RelationKind>>,
    ) -> Result<impl Stream<Item = Change>> {
        let curator = curator(ctx)?.clone();
        let kinds: Option<Vec<model::RelationKind>> =
            kinds.map(|k| k.into_iter().map(Into::into).collect());
        let near = near.map(|n| n.to_string());
        let mut feed = curator.subscribe();
        let store = curator.store().clone();
        Ok(async_stream::stream! {
            loop {
                let entry = match feed.recv().await {
                    Ok(e) => e,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                };
                if matches(&entry, near.as_deref(), kinds.as_deref(), &store.snapshot()) {
                    yield Change(entry);
                }
            }
        })
    }
}

/// Whether a change is one a subscriber asked for.
fn matches(
    entry: &Entry,
    near: Option<&str>,
    kinds: Option<&[model::RelationKind]>,
    graph: &Graph,
) -> bool {
    if let Some(kinds) = kinds {
        let of_kind = entry.edits.iter().any(|e| match e {
            Edit::Relation { before, after, .. } => {
                before.iter().chain(after).any(|r| kinds.contains(&r.kind))
            }
            _ => false,
        });
        if !of_kind {
            return false;
        }
    }
    let Some(near) = near else {
        return true;
    };
    let touched = entry.entities();
    if touched.iter().any(|t| t == near) {
        return true;
    }
    let Some(n) = graph.node(near) else {
        return false;
    };
    graph.incident_iter(n).any(|e| {
        let (f, t) = graph.endpoints(e);
        let other = if f == n { t } else { f };
        let other = graph.entity(other).id();
        touched.iter().any(|t| t == other)
    })
}
