//! The mutations: each checked by the builder's rules, made by the one writer, answered from
//! the version it published.

use super::super::context::Snapshot;
use super::super::entity::Entity;
use super::super::error::ApiError;
use super::super::relation::{Document, Relation};
use super::super::scalars::{ClaimStatus, Date, EntityKind, RelationKind};
use super::{curator, Change};
use crate::curate::{CurateError, Operation, Written};
use crate::model;
use crate::store::{Edit, Graph, StoreError};
use async_graphql::{Context, InputObject, Object, Result, ID};

/// The name of the write token a request carries, put in its data by the server.
#[derive(Debug, Clone)]
pub struct Author(pub String);

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
