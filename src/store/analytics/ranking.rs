//! Rankings by a [`Measure`]: the measures and PageRank's parameters (the cached ranking
//! itself is `Version::ranking`, in `cached.rs`).

/// A centrality measure, for [`Version::ranking`](crate::store::Version::ranking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Number of distinct neighbours ([`Graph::degree_ranking`](crate::store::Graph::degree_ranking)).
    Degree,
    /// PageRank with damping 0.85, at most 100 iterations, tolerance 1e-10
    /// ([`Graph::pagerank`](crate::store::Graph::pagerank)).
    PageRank,
    /// Normalised betweenness, exact up to [`EXACT_BETWEENNESS_MAX_NODES`](super::EXACT_BETWEENNESS_MAX_NODES) entities and sampled
    /// above ([`Graph::betweenness_auto`](crate::store::Graph::betweenness_auto)).
    Betweenness,
}

/// PageRank's damping factor in [`Version::ranking`](crate::store::Version::ranking).
pub const PAGERANK_DAMPING: f64 = 0.85;
/// PageRank's iteration limit in [`Version::ranking`](crate::store::Version::ranking).
pub const PAGERANK_MAX_ITERATIONS: usize = 100;
/// PageRank's tolerance in [`Version::ranking`](crate::store::Version::ranking) (per entity, as networkx's `tol`).
pub const PAGERANK_TOLERANCE: f64 = 1e-10;
