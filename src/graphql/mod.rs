//! The GraphQL schema: a thin layer that wraps store values and delegates to the store.
//!
//! Every request runs on one graph snapshot (see `context`); every error carries a stable
//! `extensions.code` (see [`error::code`]). Doc comments on resolvers are the schema's
//! descriptions that researchers read in the playground.

mod analysis;
mod codes;
mod context;
mod curation;
mod entity;
pub mod error;
mod limits;
mod nulls;
mod page;
mod query;
mod relation;
mod scalars;
mod structure;

pub use analysis::{AnalysisQuery, Centrality, Group, Partition, RankedEntity};
pub use curation::{
    Author, Change, ChangeEdit, ChangePage, CitationInput, CurationQuery, DateTime, DocumentInput,
    DuplicateCandidate, DuplicateReason, EditAction, EntityInput, Mutation, RecordKind,
    RelationInput, Subscription,
};
pub use entity::{Court, Entity, Event, Government, Organisation, Person, Place};
pub use limits::Limits;
pub use page::{DEFAULT_PAGE, MAX_PAGE};
pub use query::{Path, Query, SearchHit, Subgraph, MAX_SEARCH_TEXT};
pub use relation::{Attribute, Citation, Document, Relation};
pub use scalars::{
    ClaimStatus, Date, Direction, EntityKind, ExportFormat, MatchReason, PathWeight, RelationKind,
};
pub use structure::{Broker, Clique, Cliques, Connection, StructureQuery};

use crate::curate::Curator;
use crate::store::Store;
use async_graphql::{MergedObject, Schema};
use std::sync::Arc;

/// The questions researchers ask of the graph: entities and names, relations, neighbourhoods,
/// paths, the timeline, network analyses (rankings, components, communities) and structural
/// ones (brokers, bridges, cycles, connecting subgraphs, cliques).
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(Query, AnalysisQuery, StructureQuery, CurationQuery);

/// The schema type.
pub type DossierSchema = Schema<QueryRoot, Mutation, Subscription>;

/// Builds the schema over a store, with the default [`Limits`], taking no writes. Each
/// request takes the store's current version when it starts and keeps it to the end.
pub fn build_schema(store: Store) -> DossierSchema {
    build_schema_with(store, Limits::default(), None)
}

/// Builds the schema over a store, holding every query to `limits`; with a [`Curator`],
/// mutations write through it (to requests that carry an [`Author`]).
pub fn build_schema_with(
    store: Store,
    limits: Limits,
    curator: Option<Arc<Curator>>,
) -> DossierSchema {
    let mut builder = Schema::build(QueryRoot::default(), Mutation, Subscription);
    if let Some(c) = curator {
        builder = builder.data(c);
    }
    builder
        // The limits extension parses the query itself and measures its nesting through
        // fragments once per fragment (async-graphql's own measure, set by
        // `limit_recursive_depth`, expands every spread and is never reached).
        .extension(context::Snapshots(store))
        .extension(codes::ErrorCodes)
        .extension(limits::LimitsFactory::new(limits))
        .finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    let sdl = Schema::build(QueryRoot::default(), Mutation, Subscription)
        .finish()
        .sdl();
    one_argument_a_line(&sdl)
}

/// Where a field has arguments with descriptions, async-graphql writes its arguments one a
/// line, but runs an argument without a description onto the line before (`relations(\t\t
/// kinds: …,\t\tdirection: …`): this breaks those lines, so each argument has its own.
fn one_argument_a_line(sdl: &str) -> String {
    sdl.replace("(\t\t", "(\n\t\t").replace(",\t\t", ",\n\t\t")
}
