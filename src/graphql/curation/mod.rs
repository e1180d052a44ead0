//! Writes and their history: the mutations, the journal's changes, merge candidates, and the
//! subscription to changes as they are acknowledged.
//!
//! Every mutation needs a write token (`Authorization: Bearer …`, checked by the server,
//! which puts the token's name in the request as [`Author`]) and goes through the one
//! writer ([`crate::curate::Curator`]) with the rules of `dossier check`.
//!
//! # Layout
//! - `mod.rs`: the queries (`changes`, `change`, `duplicateCandidates`, an entity's history);
//! - `changes.rs`: how a change reads (`Change`, its edits, the `DateTime` scalar);
//! - `mutation.rs`: the mutations and their inputs;
//! - `subscription.rs`: `changes` as they are acknowledged.

mod changes;
mod mutation;
mod subscription;

pub use changes::{
    Change, ChangeEdit, ChangePage, DateTime, DuplicateCandidate, DuplicateReason, EditAction,
    RecordKind,
};
pub use mutation::{Author, CitationInput, DocumentInput, EntityInput, Mutation, RelationInput};
pub use subscription::Subscription;

use super::context::{deadline, graph};
use super::entity::Entity;
use super::error::ApiError;
use super::scalars::{entity_kinds, EntityKind};
use crate::curate::{self, CurateError, Curator, Likeness};
use crate::journal::Filter;
use async_graphql::{Context, Object, Result, ID};
use std::sync::Arc;

/// The most changes one page lists.
const MAX_CHANGES: i32 = 100;

pub(super) fn page_size(first: Option<i32>) -> Result<usize, ApiError> {
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

pub(super) fn curator<'a>(ctx: &Context<'a>) -> Result<&'a Arc<Curator>, ApiError> {
    ctx.data_opt::<Arc<Curator>>().ok_or_else(|| {
        ApiError::Unauthenticated(
            "this server keeps no journal: start it with --state to record changes".into(),
        )
    })
}

pub(super) fn journal_error(e: CurateError) -> ApiError {
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

    /// The whole graph as the journal held it at `at` — ask any query inside it, so an answer
    /// can be reproduced after later corrections: `{ recordedAsOf(at:
    /// "2026-12-04T17:15:00Z") { neighbourhood(ids: ["rail-abbasov"]) { entities { id } } } }`.
    /// The request's only root field; on a server without a journal, the graph as it is.
    async fn recorded_as_of(&self, at: DateTime) -> crate::graphql::QueryRoot {
        // The version is chosen before the request runs (see `context::recorded_version`).
        let _ = at;
        crate::graphql::QueryRoot::default()
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
