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
//! [`degree`](Graph::degree_ranking), [`pagerank`](Graph::pagerank),
//! [`betweenness`](Graph::betweenness), [`components`](Graph::components) and
//! [`communities`](Graph::communities) (Louvain).
//!
//! Since a [`Graph`] is an immutable version, results can be kept with it: [`Graph::ranking`],
//! [`Graph::cached_betweenness`], [`Graph::cached_communities`] and
//! [`Graph::cached_components`] compute once per graph version and scope and return a shared
//! [`Arc`] afterwards. These are the entry points for the query layer.

mod betweenness;
mod bridges;
mod brokers;
mod cache;
mod cliques;
mod components;
mod connecting;
mod cycles;
mod degree;
mod louvain;
mod pagerank;
#[cfg(test)]
mod testgraph;
mod view;

pub use betweenness::{
    Betweenness, BETWEENNESS_CONFIDENCE, BETWEENNESS_SAMPLES, BETWEENNESS_SEED,
    EXACT_BETWEENNESS_MAX_NODES,
};
pub use brokers::{articulation_parts, Broker};
pub(crate) use cache::Cache;
pub use cliques::Cliques;
pub use connecting::{steiner_edges, Connection};
pub use louvain::{Communities, COMMUNITIES_SEED};

use super::as_of::AsOf;
use super::deadline::{Deadline, Expired};
use super::graph::{Graph, Node};
use crate::model::{EntityKind, RelationKind};
use crate::rng;
use cache::Key;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// What one request may spend on analyses: a deadline, and how many analyses not yet cached
/// it may compute. Shared by the analyses of one query, which may run at the same time.
#[derive(Debug)]
pub struct Work {
    /// When every analysis of the request must stop.
    pub deadline: Deadline,
    /// The most analyses the request may compute.
    limit: usize,
    /// How many it has started.
    started: AtomicUsize,
}

impl Work {
    /// An allowance of `limit` analyses, each stopped at `deadline`.
    pub fn new(deadline: Deadline, limit: usize) -> Work {
        Work {
            deadline,
            limit,
            started: AtomicUsize::new(0),
        }
    }

    /// No deadline and no limit (for tools and tests).
    pub fn unlimited() -> Work {
        Work::new(Deadline::none(), usize::MAX)
    }

    /// Counts one more analysis, or refuses it past the limit.
    fn admit(&self) -> Result<(), Stopped> {
        let before = self.started.fetch_add(1, Ordering::Relaxed);
        if before >= self.limit {
            return Err(Stopped::TooManyAnalyses { limit: self.limit });
        }
        self.deadline.check()?;
        Ok(())
    }
}

/// Why an analysis did not answer. Nothing is cached for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Stopped {
    /// The request's deadline passed.
    #[error("the analysis was stopped at the request's deadline")]
    Expired,
    /// The request asked for more analyses than it may compute.
    #[error("the query asks for more than {limit} analyses that are not cached yet")]
    TooManyAnalyses {
        /// The most analyses one request may compute.
        limit: usize,
    },
}

impl From<Expired> for Stopped {
    fn from(_: Expired) -> Stopped {
        Stopped::Expired
    }
}

/// Which part of the graph an analysis runs on. The default is the whole graph.
///
/// The restrictions combine: an entity is in scope if it passes both entity tests (and is in
/// force on the as-of day), and a tie counts if its relation passes the kind test (and is in
/// force on the as-of day) and both its ends are in scope. An empty list admits nothing. The
/// order of the lists and repeated items do not matter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Scope {
    /// Only ties from relations of these kinds (`None`: all kinds).
    pub relation_kinds: Option<Vec<RelationKind>>,
    /// Only entities of these kinds; ties to other entities are dropped (`None`: all kinds).
    pub entity_kinds: Option<Vec<EntityKind>>,
    /// Only these entities, a subgraph (`None`: all entities). Handles from another graph
    /// version name nothing here and are ignored.
    pub nodes: Option<Vec<Node>>,
    /// Only the graph as it stood on a day: relations and events in force then (`None`:
    /// everything ever recorded). Results are cached per day; the cache keeps the results of
    /// a bounded number of days (see `cache.rs`).
    pub as_of: Option<AsOf>,
}

impl Scope {
    /// The whole graph. O(1).
    pub fn all() -> Scope {
        Scope::default()
    }

    /// The same scope with every list sorted and without repeats, so that equal scopes are
    /// equal values (the cache key). O(k log k) for k listed items.
    pub fn normalised(&self) -> Scope {
        fn tidy<T: Ord + Clone>(list: &Option<Vec<T>>) -> Option<Vec<T>> {
            list.as_ref().map(|items| {
                let mut items = items.clone();
                items.sort_unstable();
                items.dedup();
                items
            })
        }
        Scope {
            relation_kinds: tidy(&self.relation_kinds),
            entity_kinds: tidy(&self.entity_kinds),
            nodes: tidy(&self.nodes),
            as_of: self.as_of,
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::testgraph::{ids, scores, TestGraph};
    use super::*;
    use crate::model::EntityKind::{Organisation, Person};
    use crate::model::RelationKind::{Called, MemberOf, Met};

    #[test]
    fn a_second_ranking_call_is_a_cache_hit() {
        let g = TestGraph::path(4);
        for measure in [Measure::Degree, Measure::PageRank, Measure::Betweenness] {
            let first = g
                .ranking(measure, &Scope::all(), &Work::unlimited())
                .unwrap();
            let second = g
                .ranking(measure, &Scope::all(), &Work::unlimited())
                .unwrap();
            assert!(Arc::ptr_eq(&first, &second), "{measure:?}");
        }
        let c = g
            .cached_communities(&Scope::all(), &Work::unlimited())
            .unwrap();
        assert!(Arc::ptr_eq(
            &c,
            &g.cached_communities(&Scope::all(), &Work::unlimited())
                .unwrap()
        ));
        let c = g
            .cached_components(&Scope::all(), &Work::unlimited())
            .unwrap();
        assert!(Arc::ptr_eq(
            &c,
            &g.cached_components(&Scope::all(), &Work::unlimited())
                .unwrap()
        ));
    }

    #[test]
    fn equal_scopes_in_another_order_share_a_cache_entry() {
        let g = TestGraph::path(4);
        let (a, b) = (g.node("n000").unwrap(), g.node("n001").unwrap());
        let messy = Scope {
            nodes: Some(vec![b, a, b]),
            ..Scope::default()
        };
        let tidy = Scope {
            nodes: Some(vec![a, b]),
            ..Scope::default()
        };
        let first = g
            .ranking(Measure::Degree, &messy, &Work::unlimited())
            .unwrap();
        assert!(Arc::ptr_eq(
            &first,
            &g.ranking(Measure::Degree, &tidy, &Work::unlimited())
                .unwrap()
        ));
        assert_eq!(
            scores(&g, &first),
            [("n000".into(), 1.0), ("n001".into(), 1.0)]
        );
        let other = g
            .ranking(Measure::Degree, &Scope::all(), &Work::unlimited())
            .unwrap();
        assert!(!Arc::ptr_eq(&first, &other));
    }

    #[test]
    fn a_clone_starts_with_an_empty_cache_and_computes_the_same() {
        let g = TestGraph::path(4);
        let first = g
            .ranking(Measure::PageRank, &Scope::all(), &Work::unlimited())
            .unwrap();
        let copy = g.clone();
        let again = copy
            .ranking(Measure::PageRank, &Scope::all(), &Work::unlimited())
            .unwrap();
        assert!(!Arc::ptr_eq(&first, &again));
        assert_eq!(first, again);
    }

    #[test]
    fn rankings_are_best_first_with_ties_in_entity_order() {
        let g = TestGraph::path(4);
        let ranked = g
            .ranking(Measure::Betweenness, &Scope::all(), &Work::unlimited())
            .unwrap();
        assert_eq!(
            scores(&g, &ranked),
            [
                ("n001".into(), 2.0 / 3.0),
                ("n002".into(), 2.0 / 3.0),
                ("n000".into(), 0.0),
                ("n003".into(), 0.0),
            ]
        );
        let ranked = g
            .ranking(Measure::Degree, &Scope::all(), &Work::unlimited())
            .unwrap();
        let order: Vec<Node> = ranked.iter().map(|&(n, _)| n).collect();
        assert_eq!(ids(&g, &order), ["n001", "n002", "n000", "n003"]);
    }

    /// Alice and Bob met; Bob called Carol; Alice and Carol are members of an organisation.
    fn mixed() -> Graph {
        let mut t = TestGraph::new();
        t.entity("alice", Person)
            .entity("bob", Person)
            .entity("carol", Person)
            .entity("union", Organisation);
        t.relation("alice", Met, "bob")
            .relation("bob", Called, "carol")
            .relation("alice", MemberOf, "union")
            .relation("carol", MemberOf, "union");
        t.build()
    }

    #[test]
    fn a_relation_kind_scope_keeps_only_those_ties() {
        let g = mixed();
        let all = g.degree_ranking(&Scope::all());
        assert_eq!(
            scores(&g, &all),
            [
                ("alice".into(), 2.0),
                ("bob".into(), 2.0),
                ("carol".into(), 2.0),
                ("union".into(), 2.0),
            ]
        );
        let talk = Scope {
            relation_kinds: Some(vec![Met, Called]),
            ..Scope::default()
        };
        // Every entity stays in scope; only the ties change.
        assert_eq!(
            scores(&g, &g.degree_ranking(&talk)),
            [
                ("alice".into(), 1.0),
                ("bob".into(), 2.0),
                ("carol".into(), 1.0),
                ("union".into(), 0.0),
            ]
        );
        // The talk ties form a path alice-bob-carol (plus the isolated union): bob is between.
        let between = g.betweenness(&talk, None).scores;
        assert_eq!(
            scores(&g, &between),
            [
                ("alice".into(), 0.0),
                ("bob".into(), 1.0 / 3.0),
                ("carol".into(), 0.0),
                ("union".into(), 0.0),
            ]
        );
    }

    #[test]
    fn an_entity_kind_scope_drops_other_entities_and_their_ties() {
        let g = mixed();
        let people = Scope {
            entity_kinds: Some(vec![Person]),
            ..Scope::default()
        };
        assert_eq!(
            scores(&g, &g.degree_ranking(&people)),
            [
                ("alice".into(), 1.0),
                ("bob".into(), 2.0),
                ("carol".into(), 1.0),
            ]
        );
        let groups: Vec<Vec<String>> = g.components(&people).iter().map(|c| ids(&g, c)).collect();
        assert_eq!(groups, [["alice", "bob", "carol"]]);
        let nobody = Scope {
            entity_kinds: Some(vec![]),
            ..Scope::default()
        };
        assert!(g.degree_ranking(&nobody).is_empty());
    }

    #[test]
    fn a_node_scope_is_the_induced_subgraph() {
        let g = TestGraph::path(4);
        let first_three: Vec<Node> = ["n002", "n000", "n001"]
            .iter()
            .map(|id| g.node(id).unwrap())
            .collect();
        let scope = Scope {
            nodes: Some(first_three),
            ..Scope::default()
        };
        // P3, in entity order whatever the order given.
        assert_eq!(
            scores(&g, &g.betweenness(&scope, None).scores),
            [
                ("n000".into(), 0.0),
                ("n001".into(), 1.0),
                ("n002".into(), 0.0)
            ]
        );
        let pr = g.pagerank(&scope, 0.85, 1000, 1e-10);
        let total: f64 = pr.iter().map(|p| p.1).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert_eq!(pr.len(), 3);
    }
}

/// Timings on a larger graph; run with
/// `cargo test --release --lib store::analytics::timing -- --ignored --nocapture`.
#[cfg(test)]
mod timing {
    use super::testgraph::TestGraph;
    use super::*;
    use std::time::Instant;

    #[test]
    #[ignore = "a timing, not a check: run it in release mode"]
    fn time_the_measures_on_ten_thousand_entities() {
        let started = Instant::now();
        let g = TestGraph::random(10_000, 3, 1);
        println!("build 10k entities: {:?}", started.elapsed());
        let all = Scope::all();
        let time = |what: &str, f: &dyn Fn() -> usize| {
            let started = Instant::now();
            let n = f();
            println!("{what}: {:?} ({n})", started.elapsed());
        };
        time("view", &|| view::View::build(&g, &all).tie_count());
        time("degree", &|| g.degree_ranking(&all).len());
        time("pagerank", &|| g.pagerank(&all, 0.85, 100, 1e-10).len());
        time("betweenness exact", &|| {
            g.betweenness(&all, None).scores.len()
        });
        time("betweenness auto (k = 500)", &|| {
            g.betweenness_auto(&all).sampled_sources.unwrap_or(0)
        });
        time("components", &|| g.components(&all).len());
        time("louvain", &|| g.communities(&all, 42).groups.len());
        let (exact, sampled) = (g.betweenness(&all, None), g.betweenness_auto(&all));
        let worst = exact
            .scores
            .iter()
            .zip(&sampled.scores)
            .map(|(e, s)| (e.1 - s.1).abs())
            .fold(0.0, f64::max);
        println!(
            "sampled: worst error {worst:.5}, bound {:?}",
            sampled.error_bound
        );
        time("ranking pagerank, first call", &|| {
            g.ranking(Measure::PageRank, &all, &Work::unlimited())
                .unwrap()
                .len()
        });
        time("ranking pagerank, cached", &|| {
            g.ranking(Measure::PageRank, &all, &Work::unlimited())
                .unwrap()
                .len()
        });
    }
}
