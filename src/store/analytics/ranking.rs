//! The entry points for the query layer: rankings by a [`Measure`], and betweenness,
//! communities and components, each computed once per graph version and scope and shared
//! afterwards.

use super::cache::Key;
use super::{Betweenness, Communities, Scope, Stopped, Work, COMMUNITIES_SEED};
use crate::store::graph::{Graph, Node};
use std::sync::Arc;

/// A centrality measure, for [`Graph::ranking`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Number of distinct neighbours ([`Graph::degree_ranking`]).
    Degree,
    /// PageRank with damping 0.85, at most 100 iterations, tolerance 1e-10
    /// ([`Graph::pagerank`]).
    PageRank,
    /// Normalised betweenness, exact up to [`EXACT_BETWEENNESS_MAX_NODES`] entities and sampled
    /// above ([`Graph::betweenness_auto`]).
    Betweenness,
}

/// PageRank's damping factor in [`Graph::ranking`].
pub const PAGERANK_DAMPING: f64 = 0.85;
/// PageRank's iteration limit in [`Graph::ranking`].
pub const PAGERANK_MAX_ITERATIONS: usize = 100;
/// PageRank's tolerance in [`Graph::ranking`] (per entity, as networkx's `tol`).
pub const PAGERANK_TOLERANCE: f64 = 1e-10;

impl Graph {
    /// Every entity in scope with its score under `measure`, best first; equal scores in entity
    /// (id) order.
    ///
    /// Cached: the cost of the measure (O(V + E) for degree, O(iterations · (V + E)) for
    /// PageRank, O(V · E) or O(k · E) for betweenness) plus O(V log V) for the sort is paid once
    /// per graph version and scope; later calls cost a hash lookup and return the same `Arc`.
    ///
    /// Within `work`: a result not cached yet counts against its allowance of analyses (a
    /// betweenness ranking counts two: the scores and the ranking), and the computation stops
    /// at its deadline. A stopped computation caches nothing.
    pub fn ranking(
        &self,
        measure: Measure,
        scope: &Scope,
        work: &Work,
    ) -> Result<Arc<Vec<(Node, f64)>>, Stopped> {
        let scope = scope.normalised();
        let deadline = &work.deadline;
        self.analytics
            .get_or_compute(Key::Ranking(measure, scope.clone()), work, || {
                let mut scores = match measure {
                    Measure::Degree => self.degree_ranking_within(&scope, deadline)?,
                    Measure::PageRank => self.pagerank_within(
                        &scope,
                        PAGERANK_DAMPING,
                        PAGERANK_MAX_ITERATIONS,
                        PAGERANK_TOLERANCE,
                        deadline,
                    )?,
                    Measure::Betweenness => self.cached_betweenness(&scope, work)?.scores.clone(),
                };
                deadline.check()?;
                // A stable sort keeps entity order among equal scores.
                scores.sort_by(|a, b| b.1.total_cmp(&a.1));
                Ok(scores)
            })
    }

    /// [`Graph::betweenness_auto`], cached: its cost is paid once per graph version and scope,
    /// later calls cost a hash lookup and return the same `Arc`. Scores are in entity order;
    /// use it when the sample size and error bound are wanted along with the scores.
    pub fn cached_betweenness(
        &self,
        scope: &Scope,
        work: &Work,
    ) -> Result<Arc<Betweenness>, Stopped> {
        let scope = scope.normalised();
        self.analytics
            .get_or_compute(Key::Betweenness(scope.clone()), work, || {
                Ok(self.betweenness_auto_within(&scope, &work.deadline)?)
            })
    }

    /// [`Graph::communities`] with seed [`COMMUNITIES_SEED`], cached: its cost (about
    /// O(E log V) in practice) is paid once per graph version and scope, later calls cost a hash
    /// lookup and return the same `Arc`.
    pub fn cached_communities(
        &self,
        scope: &Scope,
        work: &Work,
    ) -> Result<Arc<Communities>, Stopped> {
        let scope = scope.normalised();
        self.analytics
            .get_or_compute(Key::Communities(scope.clone()), work, || {
                Ok(self.communities_within(&scope, COMMUNITIES_SEED, &work.deadline)?)
            })
    }

    /// [`Graph::components`], cached: its cost, O(V + E log d), is paid once per graph version
    /// and scope, later calls cost a hash lookup and return the same `Arc`.
    pub fn cached_components(
        &self,
        scope: &Scope,
        work: &Work,
    ) -> Result<Arc<Vec<Vec<Node>>>, Stopped> {
        let scope = scope.normalised();
        self.analytics
            .get_or_compute(Key::Components(scope.clone()), work, || {
                Ok(self.components_within(&scope, &work.deadline)?)
            })
    }
}
