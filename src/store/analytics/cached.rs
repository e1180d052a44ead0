//! The analyses the query layer asks for, kept with the [`Version`] they were computed on:
//! rankings by a [`Measure`], betweenness, communities, components, brokers, bridges and
//! cycles, each computed once per version and scope and shared afterwards (see `cache.rs`).

use super::cache::Key;
use super::{Betweenness, Broker, Communities, Measure, Scope, Stopped, Work, COMMUNITIES_SEED};
use super::{PAGERANK_DAMPING, PAGERANK_MAX_ITERATIONS, PAGERANK_TOLERANCE};
use crate::store::graph::{Edge, Node};
use crate::store::lens::Within;
use crate::store::version::Version;
use std::sync::Arc;

impl Version {
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

    /// [`Graph::betweenness_auto`](crate::store::Graph::betweenness_auto), cached: its cost is paid once per graph version and scope,
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

    /// [`Graph::communities`](crate::store::Graph::communities) with seed [`COMMUNITIES_SEED`], cached: its cost (about
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

    /// [`Graph::components`](crate::store::Graph::components), cached: its cost, O(V + E log d), is paid once per graph version
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

    /// [`Graph::brokers`](crate::store::Graph::brokers), kept with this version: computed once per normalised scope, later
    /// calls cost a hash lookup and share the `Arc`. Within `work`: a result not kept yet
    /// counts against its allowance of analyses, and a call stopped by its deadline keeps
    /// nothing.
    pub fn cached_brokers(
        &self,
        within: &Within,
        work: &Work,
    ) -> Result<Arc<Vec<Broker>>, Stopped> {
        let within = within.normalised();
        self.analytics
            .get_or_compute(Key::Brokers(within.clone()), work, || {
                Ok(self.brokers(&within, work.deadline)?)
            })
    }

    /// [`Graph::bridges`](crate::store::Graph::bridges), kept with this version: computed once per normalised scope, later
    /// calls cost a hash lookup and share the `Arc`. Within `work`: a result not kept yet
    /// counts against its allowance of analyses, and a call stopped by its deadline keeps
    /// nothing.
    pub fn cached_bridges(&self, within: &Within, work: &Work) -> Result<Arc<Vec<Edge>>, Stopped> {
        let within = within.normalised();
        self.analytics
            .get_or_compute(Key::Bridges(within.clone()), work, || {
                Ok(self.bridges(&within, work.deadline)?)
            })
    }

    /// [`Graph::cycles`](crate::store::Graph::cycles), kept with this version: computed once per normalised scope, later
    /// calls cost a hash lookup and share the `Arc`. Within `work`: a result not kept yet
    /// counts against its allowance of analyses, and a call stopped by its deadline keeps
    /// nothing.
    pub fn cached_cycles(
        &self,
        within: &Within,
        work: &Work,
    ) -> Result<Arc<Vec<Vec<Node>>>, Stopped> {
        let within = within.normalised();
        self.analytics
            .get_or_compute(Key::Cycles(within.clone()), work, || {
                Ok(self.cycles(&within, work.deadline)?)
            })
    }
}
