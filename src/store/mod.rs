//! The store: the graph of entities and relations, its versions, and everything computed on it
//! (traversals, paths, selections, search).
//!
//! The graph is a petgraph graph through petgraph's `visit` traits (`visit.rs`): on `&Graph`,
//! on a [`Scoped`] view of what a [`Lens`] lets through, and on its [`Undirected`] reading, so
//! petgraph's algorithms run on the store without a copy. The structural analyses (brokers,
//! bridges, cycles, connecting subgraphs, cliques) and the most reliable paths are built on
//! them.
//!
//! Knows nothing of GraphQL or HTTP. Every query runs on one [`Version`], an immutable value
//! shared through an `Arc`: the [`Graph`] beside its search index and its analytics cache. A
//! change builds a new version and swaps it in ([`Store::replace`]), so readers never wait on
//! writers and always see one consistent graph. A version made by a change shares the tables
//! of the one it was made from and holds what changed in small layers beside them, until they
//! are folded into a new layout ([`Version::folded`]).
//!
//! # Layout
//! - `version.rs`: [`Version`], what a query reads: the graph, its search index and its
//!   analytics cache. `graph.rs`: [`Graph`], the graph of one version; `records.rs` its compact records and text
//!   arena; `adjacency.rs` its rows (each entity's relations); `incident.rs` one entity's
//!   relations read from its two rows ([`Incident`]); `layered.rs` the tables shared between
//!   versions, a shared base and a small layer of what changed since; `refs.rs` the views
//!   handed out ([`EntityRef`], [`RelationRef`], [`CitationRef`]); `ids.rs` derived relation
//!   ids.
//! - `builder/`: [`GraphBuilder`], where every rule a change must meet is checked once
//!   ([`GraphBuilder::check_relation`], `relation.rs`; `resolve.rs` takes a relation apart)
//!   before it is added, a load laid out at once and a change beside the version it changes
//!   (`layout.rs`; [`GraphBuilder::over`], `replace.rs` and `remove.rs` change in place);
//!   `error.rs` why it refuses; `resolver.rs` a copy of a builder's entities, to
//!   check relations against on other threads while the builder takes them in ([`Resolver`]).
//! - `change.rs`: [`Edit`], a change as each record before and after (inverse, net effect,
//!   rebase); `apply.rs` the next version from edits; `tombstones.rs` removals without a new
//!   layout (gaps in the numbering until the next); `curated.rs` merged ids, distinct pairs
//!   and documents' text.
//! - `traverse.rs`: neighbourhoods and reach; `path.rs` shortest paths and every path;
//!   `reliable.rs` the most reliable paths (weighted); `seen.rs` the reusable seen-sets of
//!   walks; `deadline.rs` deadlines for long work.
//! - `relation_query.rs`: selecting relations by kind, ends and date, and the timeline order;
//!   `filter.rs` the filters of walks; `as_of.rs` the graph as of a day ([`AsOf`]: which
//!   relations and events were in force then), which the filters, lenses and scopes all take.
//! - `search/`: name search, and the name folding it rests on (`search/normalise.rs`: case,
//!   diacritics, scripts).
//! - `visit/`: petgraph's traits on the graph; `lens.rs` the scoped view they also run on.
//! - `analytics/`: rankings (degree, PageRank, betweenness), components, communities,
//!   brokers, bridges, cycles, connecting subgraphs and cliques, one per file, with the cache
//!   that keeps their results per version (`cache.rs`, read through `cached.rs`).

mod adjacency;
mod analytics;
mod apply;
mod as_of;
mod builder;
mod change;
mod curated;
mod deadline;
mod error;
mod filter;
mod graph;
mod ids;
mod incident;
mod layered;
mod lens;
mod path;
mod quotes;
mod records;
mod refs;
mod relation_query;
mod reliable;
mod resolver;
mod search;
mod seen;
mod tombstones;
mod traverse;
mod version;
mod visit;

pub use analytics::{
    articulation_parts, steiner_edges, Betweenness, Broker, Cliques, Communities, Connection,
    Measure, Scope, Stopped, Work, BETWEENNESS_CONFIDENCE, BETWEENNESS_SAMPLES, BETWEENNESS_SEED,
    COMMUNITIES_SEED, EXACT_BETWEENNESS_MAX_NODES, PAGERANK_DAMPING, PAGERANK_MAX_ITERATIONS,
    PAGERANK_TOLERANCE,
};
pub use apply::apply;
pub use as_of::{AsOf, NotADay};
pub use builder::{CheckedRelation, GraphBuilder, ResolvedRelation, FOLD_AT};
pub use change::{check_befores, inverse, net, rebase, Edit};
pub use deadline::{Deadline, Expired, Ticker};
pub use error::StoreError;
pub use filter::{Direction, Filter};
pub use graph::{Edge, Graph, MemoryUse, Node};
pub use ids::numbered as numbered_relation_id;
pub use incident::Incident;
pub use lens::{Lens, Within};
pub use path::{Route, PATH_SEARCH_BUDGET};
pub use refs::{CitationRef, EntityRef, RelationRef};
pub use relation_query::RelationQuery;
pub use reliable::{Costs, PathWeight, WeightedPath, WEIGHED_PATHS};
pub use resolver::Resolver;
pub(crate) use search::match_reasons;
pub use search::{fold, loose};
pub use search::{merge_hits, Hit, MatchReason, SearchIndex, SearchQuery};
pub use tombstones::AllRelations;
pub use traverse::{Neighbourhood, Reach};
pub use version::Version;
pub use visit::{
    EdgeReferences, Edges, EntityNode, Link, Neighbors, NodeIdentifiers, NodeReferences, Scoped,
    Undirected, Visited, Watch,
};

use arc_swap::ArcSwap;
use std::sync::Arc;

/// A cheap, cloneable handle to the current [`Version`].
///
/// Why `ArcSwap`: a query takes a snapshot with one atomic load and keeps it for its whole
/// execution, so it sees one consistent version however long it runs, and it never blocks.
/// A writer builds the next version off to the side (over the current one, sharing its
/// tables: see [`Version::apply`]) and publishes it with one atomic store; the old version is
/// freed when its last reader drops it.
#[derive(Clone)]
pub struct Store {
    current: Arc<ArcSwap<Version>>,
}

impl Store {
    /// A store holding `version` (a [`Graph`] is made a version with its search index).
    pub fn new(version: impl Into<Version>) -> Store {
        Store {
            current: Arc::new(ArcSwap::from_pointee(version.into())),
        }
    }

    /// The current version. O(1), lock-free.
    pub fn snapshot(&self) -> Arc<Version> {
        self.current.load_full()
    }

    /// Publishes a new version; queries already running keep the one they started with. The
    /// new version's number is above the one it replaces (a graph loaded afresh, as on a
    /// reload, counts from zero), so clients that cache by `graphVersion` see the change.
    /// One writer at a time: two concurrent calls may publish the same number.
    pub fn replace(&self, version: impl Into<Version>) {
        let mut version = version.into();
        let previous = self.current.load().version();
        version.set_number(version.version().max(previous + 1));
        self.current.store(Arc::new(version));
    }

    /// Publishes `version` in place of the current version if it is that version laid out
    /// anew ([`Version::folded`]): the same version number, so clients see no change. Returns
    /// whether it did (not when the current version is another). One writer at a time.
    pub fn publish_layout(&self, version: Version) -> bool {
        if self.current.load().version() != version.version() {
            return false;
        }
        self.current.store(Arc::new(version));
        true
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let g = self.snapshot();
        f.debug_struct("Store")
            .field("version", &g.version())
            .field("entities", &g.entity_count())
            .field("relations", &g.relation_count())
            .finish()
    }
}
