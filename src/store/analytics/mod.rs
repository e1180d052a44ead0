//! Graph analytics: who is central, what holds together, which groups form.
//!
//! Every analysis reads the graph, restricted to a [`Scope`], as an **undirected simple graph**:
//! each relation is a tie between its two entities whatever its direction, parallel relations
//! between the same pair collapse into one tie, and self-loops are ignored. This is how network
//! researchers read "who is central", and it matches `networkx.Graph` built from the relations,
//! so a notebook can check any figure.
//!
//! A call builds a compact adjacency of the scoped entities once (see `view.rs`, O(V + E log d))
//! and runs its algorithm on it, one algorithm per file:
//! [`degree`](super::Graph::degree_ranking), [`pagerank`](super::Graph::pagerank),
//! [`betweenness`](super::Graph::betweenness), [`components`](super::Graph::components) and
//! [`communities`](super::Graph::communities) (Louvain).
//!
//! Since a [`Version`](super::Version) is immutable, results can be kept with it:
//! [`Version::ranking`](super::Version::ranking),
//! [`Version::cached_betweenness`](super::Version::cached_betweenness),
//! [`Version::cached_communities`](super::Version::cached_communities),
//! [`Version::cached_components`](super::Version::cached_components) and the cached brokers,
//! bridges and cycles compute once per version and scope and return a shared
//! [`Arc`](std::sync::Arc) afterwards. These are the entry points for the query layer.
//!
//! # Layout
//! - `work`: what a request may spend ([`Work`]) and why an analysis stopped ([`Stopped`]).
//! - `scope`: which part of the graph an analysis runs on ([`Scope`]).
//! - `view`: the compact adjacency of a scope that every algorithm reads.
//! - `ranking`: the measures ([`Measure`]) and PageRank's parameters; `cached`: the cached
//!   entry points (`Version::ranking`, `Version::cached_*`); `cache`: the cache they share,
//!   kept with the version.
//! - one algorithm per file: `degree`, `pagerank`, `betweenness`, `components`, `louvain`,
//!   `bridges`, `brokers`, `cliques`, `connecting`, `cycles`.
//! - `testgraph` (tests only): small graphs built in a line; `tests`, `timing`: the scopes and
//!   the cache across analyses, and timings on a larger graph.

mod betweenness;
mod bridges;
mod brokers;
mod cache;
mod cached;
mod cliques;
mod components;
mod connecting;
mod cycles;
mod degree;
mod louvain;
mod pagerank;
mod ranking;
mod scope;
#[cfg(test)]
mod testgraph;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod timing;
mod view;
mod work;

pub use betweenness::{
    Betweenness, BETWEENNESS_CONFIDENCE, BETWEENNESS_SAMPLES, BETWEENNESS_SEED,
    EXACT_BETWEENNESS_MAX_NODES,
};
pub use brokers::{articulation_parts, Broker};
pub(crate) use cache::Cache;
pub use cliques::Cliques;
pub use connecting::{steiner_edges, Connection};
pub use louvain::{Communities, COMMUNITIES_SEED};
pub use ranking::{Measure, PAGERANK_DAMPING, PAGERANK_MAX_ITERATIONS, PAGERANK_TOLERANCE};
pub use scope::Scope;
pub use work::{Stopped, Work};

use crate::rng;
