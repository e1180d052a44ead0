//! The GraphQL schema: a thin layer that wraps store values and delegates to the store.
//!
//! Every request runs on one graph snapshot (see `context`); every error carries a stable
//! `extensions.code` (see [`error::code`]). [`DossierSchema`] wraps the schema with the steps
//! each request takes before and after it runs (limits, snapshot, nulls, codes; see `api`). Doc comments on resolvers are the schema's
//! descriptions that researchers read in the playground.

mod analysis;
mod api;
mod arguments;
mod bounds;
mod codes;
mod context;
mod curation;
mod entity;
pub mod error;
mod filter;
mod limits;
mod listed;
mod nulls;
mod page;
mod paths;
mod query;
mod relation;
mod scalars;
mod structure;
mod subgraph;

pub use analysis::{AnalysisQuery, Centrality, Group, Partition, RankedEntity};
pub use api::DossierSchema;
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

/// Builds the API over a store, with the default [`Limits`], taking no writes. Each
/// request takes the store's current version when it starts and keeps it to the end.
pub fn build_schema(store: Store) -> DossierSchema {
    build_schema_with(store, Limits::default(), None)
}

/// Builds the API over a store, holding every query to `limits`; with a [`Curator`],
/// mutations write through it (to requests that carry an [`Author`]).
pub fn build_schema_with(
    store: Store,
    limits: Limits,
    curator: Option<Arc<Curator>>,
) -> DossierSchema {
    DossierSchema::new(store, limits, curator)
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
