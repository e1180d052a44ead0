//! Betweenness: how often an entity lies on the shortest paths between others — the brokers.

use super::rng::SplitMix64;
use super::view::View;
use super::Scope;
use crate::store::deadline::{Deadline, Expired};
use crate::store::graph::{Graph, Node};

/// Up to this many entities in scope, [`Graph::betweenness_auto`] computes exact scores; above
/// it, it samples [`BETWEENNESS_SAMPLES`] sources. Exact betweenness costs O(V · E): measured
/// on one core, about 2 s for 5,000 entities with 15,000 ties and 7 s for 10,000 with 30,000;
/// 500 sampled sources cost a tenth of the exact run at 5,000 entities, a twentieth at 10,000.
pub const EXACT_BETWEENNESS_MAX_NODES: usize = 5_000;

/// How many source entities [`Graph::betweenness_auto`] samples above
/// [`EXACT_BETWEENNESS_MAX_NODES`].
pub const BETWEENNESS_SAMPLES: usize = 500;

/// The seed [`Graph::betweenness_auto`] samples with, so that its answer is reproducible.
pub const BETWEENNESS_SEED: u64 = 42;

/// The δ of the error bound reported with sampled betweenness: each score is within the bound
/// with probability at least 1 − δ.
pub const BETWEENNESS_CONFIDENCE: f64 = 0.05;

/// Betweenness scores, and how they were computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Betweenness {
    /// Each entity in scope, in entity (id) order, with its normalised betweenness in [0, 1].
    pub scores: Vec<(Node, f64)>,
    /// The number of source entities sampled, or `None` if the scores are exact.
    pub sampled_sources: Option<usize>,
    /// For sampled scores, an ε such that each entity's score is within ε of its exact score
    /// with probability at least 1 − [`BETWEENNESS_CONFIDENCE`]; `None` if exact.
    pub error_bound: Option<f64>,
}

impl Graph {
    /// Each entity in scope with its betweenness centrality: the share of shortest paths between
    /// pairs of other entities that pass through it, summed over pairs and normalised by the
    /// number of pairs, 2 / ((n − 1)(n − 2)); 0 for everyone when n ≤ 2. This is
    /// `networkx.betweenness_centrality(G, normalized=True)` on an `nx.Graph`.
    ///
    /// Brandes' algorithm: a breadth-first search from each source, then dependencies summed
    /// back. Exact (`sample: None`): O(V · E) time, O(V) extra space.
    ///
    /// With `sample: Some((k, seed))`, only `k` sources, drawn uniformly without replacement by
    /// a generator seeded with `seed` (the same seed gives the same answer), and the sums
    /// scaled up to estimate the exact score, as networkx's `k=` option does (the n / k
    /// inflation, refined as networkx 3.5+ does: a sampled entity is scaled by its k − 1 other
    /// sources, which makes every estimate unbiased). O(k · E) time. `k` is raised to 2 (one
    /// source says nothing about itself); `k ≥ n` computes the exact scores.
    ///
    /// The sampled result reports an error bound: an entity's normalised score is the mean,
    /// over all sources, of its dependency divided by n − 2, a number in [0, 1]; the estimate
    /// is the mean over k (for a sampled entity, k − 1) sources drawn without replacement, so
    /// by Hoeffding's inequality it is within ε = sqrt(ln(2/δ) / (2(k − 1))) of the exact
    /// score with probability 1 − δ, for δ = [`BETWEENNESS_CONFIDENCE`]. The bound holds for
    /// each entity separately, not for all at once, and is absolute: with k = 500, ε ≈ 0.061,
    /// which separates the brokers of a large graph from the rest but not close scores.
    pub fn betweenness(&self, scope: &Scope, sample: Option<(usize, u64)>) -> Betweenness {
        brandes(&View::build(self, scope), sample, &Deadline::none()).expect("no deadline")
    }

    /// [`Graph::betweenness`], exact up to [`EXACT_BETWEENNESS_MAX_NODES`] entities in scope
    /// and sampled above, with min(n, [`BETWEENNESS_SAMPLES`]) sources and seed
    /// [`BETWEENNESS_SEED`]. O(V · E) up to the threshold, O(500 · E) above.
    pub fn betweenness_auto(&self, scope: &Scope) -> Betweenness {
        self.betweenness_auto_within(scope, &Deadline::none())
            .expect("no deadline")
    }

    /// [`Graph::betweenness_auto`], stopped with [`Expired`] once `deadline` passes (checked
    /// between the passes over the scope and before each source's search).
    pub fn betweenness_auto_within(
        &self,
        scope: &Scope,
        deadline: &Deadline,
    ) -> Result<Betweenness, Expired> {
        let view = View::build_within(self, scope, deadline)?;
        let sample = (view.len() > EXACT_BETWEENNESS_MAX_NODES)
            .then_some((BETWEENNESS_SAMPLES.min(view.len()), BETWEENNESS_SEED));
        brandes(&view, sample, deadline)
    }
}

/// Brandes' algorithm on the view, from every source or from a sample of them.
fn brandes(
    view: &View,
    sample: Option<(usize, u64)>,
    deadline: &Deadline,
) -> Result<Betweenness, Expired> {
    let n = view.len();
    let mut sources: Vec<usize> = (0..n).collect();
    let k = match sample {
        Some((k, seed)) if k.max(2) < n => {
            let k = k.max(2);
            SplitMix64::new(seed).sample(&mut sources, k);
            sources.truncate(k);
            Some(k)
        }
        _ => None,
    };
    let mut scores = vec![0.0; n];
    if n > 2 {
        let mut search = Search::new(n);
        for &s in &sources {
            deadline.check()?;
            search.accumulate(view, s, &mut scores);
        }
        // Normalise: divide by the number of sources informing each entity times (n − 2).
        let pairs = (n - 2) as f64;
        match k {
            None => scores.iter_mut().for_each(|b| *b /= (n - 1) as f64 * pairs),
            Some(k) => {
                let mut sampled = vec![false; n];
                sources.iter().for_each(|&s| sampled[s] = true);
                for (b, sampled) in scores.iter_mut().zip(sampled) {
                    let informing = if sampled { k - 1 } else { k };
                    *b /= informing as f64 * pairs;
                }
            }
        }
    }
    Ok(Betweenness {
        scores: view.label(scores),
        sampled_sources: k,
        error_bound: k.map(hoeffding_bound),
    })
}

/// ε = sqrt(ln(2/δ) / (2(k − 1))): see [`Graph::betweenness`].
fn hoeffding_bound(k: usize) -> f64 {
    ((2.0 / BETWEENNESS_CONFIDENCE).ln() / (2.0 * (k - 1) as f64)).sqrt()
}

/// The scratch space of one breadth-first search, reused from source to source so that each
/// costs only what it visits.
struct Search {
    /// Distance from the source, `u32::MAX` if not reached.
    dist: Vec<u32>,
    /// Number of shortest paths from the source (a float: counts overflow integers quickly).
    sigma: Vec<f64>,
    /// (1 + dependency of the source on an entity) / its number of shortest paths: what each
    /// predecessor gains per path through it (kept so as to divide once per entity, not once
    /// per tie).
    share: Vec<f64>,
    /// Entities in the order reached; the queue, then the stack.
    order: Vec<u32>,
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            dist: vec![u32::MAX; n],
            sigma: vec![0.0; n],
            share: vec![0.0; n],
            order: Vec::with_capacity(n),
        }
    }

    /// Adds the dependencies of `source` on every other entity to `scores`. O(V' + E') for
    /// the part reachable from `source`.
    fn accumulate(&mut self, view: &View, source: usize, scores: &mut [f64]) {
        let Search {
            dist,
            sigma,
            share,
            order,
        } = self;
        dist[source] = 0;
        sigma[source] = 1.0;
        order.push(source as u32);
        let mut head = 0;
        while head < order.len() {
            let v = order[head] as usize;
            head += 1;
            let next = dist[v] + 1;
            for &w in view.neighbours(v) {
                let w = w as usize;
                if dist[w] == u32::MAX {
                    dist[w] = next;
                    order.push(w as u32);
                }
                if dist[w] == next {
                    sigma[w] += sigma[v];
                }
            }
        }
        // Back from the farthest: every successor (one step farther) is final before its
        // predecessors are reached.
        for &v in order.iter().rev() {
            let v = v as usize;
            let next = dist[v] + 1;
            let mut per_path = 0.0;
            for &w in view.neighbours(v) {
                let w = w as usize;
                if dist[w] == next {
                    per_path += share[w];
                }
            }
            let delta = sigma[v] * per_path;
            if v != source {
                scores[v] += delta;
            }
            share[v] = (1.0 + delta) / sigma[v];
        }
        for &v in order.iter() {
            let v = v as usize;
            dist[v] = u32::MAX;
            sigma[v] = 0.0;
        }
        order.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::{assert_close, worst_error, TestGraph};
    use super::*;

    fn exact(g: &Graph) -> Betweenness {
        g.betweenness(&Scope::all(), None)
    }

    #[test]
    fn betweenness_matches_networkx_on_small_graphs() {
        assert_close(
            &exact(&TestGraph::path(4)).scores,
            &[0.0, 2.0 / 3.0, 2.0 / 3.0, 0.0],
            1e-9,
        );
        assert_close(
            &exact(&TestGraph::star(4)).scores,
            &[1.0, 0.0, 0.0, 0.0, 0.0],
            1e-9,
        );
        let bridge = 0.5714285714285714;
        assert_close(
            &exact(&TestGraph::two_cliques()).scores,
            &[0.0, 0.0, 0.0, bridge, bridge, 0.0, 0.0, 0.0],
            1e-9,
        );
        assert_close(&exact(&TestGraph::disconnected()).scores, &[0.0; 6], 1e-9);
        assert_close(
            &exact(&TestGraph::parallel()).scores,
            &[0.0, 2.0 / 3.0, 0.0, 0.0],
            1e-9,
        );
        assert!(exact(&Graph::default()).scores.is_empty());
        // Two entities: no pair of others to stand between.
        assert_close(&exact(&TestGraph::path(2)).scores, &[0.0, 0.0], 0.0);
    }

    #[test]
    fn betweenness_matches_networkx_on_the_karate_club() {
        let b = exact(&TestGraph::karate());
        assert_eq!((b.sampled_sources, b.error_bound), (None, None));
        for (member, expected) in [
            (0, 0.4376352813852815),
            (2, 0.14365680615680615),
            (11, 0.0),
            (32, 0.14524711399711404),
            (33, 0.30407497594997596),
        ] {
            assert!(
                (b.scores[member].1 - expected).abs() < 1e-9,
                "member {member}"
            );
        }
    }

    #[test]
    fn betweenness_matches_networkx_on_a_random_graph() {
        // 300 people, 590 ties; networkx's top five brokers and the sum of all scores.
        let b = exact(&TestGraph::random(300, 2, 7));
        let mut ranked: Vec<(usize, f64)> = b.scores.iter().map(|s| s.1).enumerate().collect();
        ranked.sort_by(|x, y| y.1.total_cmp(&x.1));
        let expected = [
            (6, 0.08928831794256574),
            (21, 0.07190264173969334),
            (13, 0.06580897361250802),
            (44, 0.06445929420306788),
            (40, 0.059051081421901006),
        ];
        for ((i, score), (j, want)) in ranked.iter().zip(expected) {
            assert_eq!(*i, j);
            assert!((score - want).abs() < 1e-9, "{i}: {score} vs {want}");
        }
        let total: f64 = b.scores.iter().map(|s| s.1).sum();
        assert!((total - 3.1748108908890926).abs() < 1e-9);
    }

    #[test]
    fn sampled_betweenness_stays_within_its_error_bound() {
        let g = TestGraph::random(300, 2, 7);
        let exact = exact(&g);
        for (k, seed) in [(40, 1), (100, 2), (100, 3)] {
            let sampled = g.betweenness(&Scope::all(), Some((k, seed)));
            assert_eq!(sampled.sampled_sources, Some(k));
            let bound = sampled.error_bound.unwrap();
            assert!((bound - hoeffding_bound(k)).abs() < 1e-15);
            let worst = worst_error(&exact, &sampled);
            assert!(worst <= bound, "k = {k}: off by {worst}, bound {bound}");
            assert_eq!(sampled, g.betweenness(&Scope::all(), Some((k, seed))));
        }
    }

    #[test]
    fn sampling_every_source_is_exact() {
        let g = TestGraph::random(60, 2, 11);
        let all = g.betweenness(&Scope::all(), Some((60, 5)));
        assert_eq!(all, exact(&g));
        let almost = g.betweenness(&Scope::all(), Some((59, 5)));
        assert_eq!(almost.sampled_sources, Some(59));
    }

    #[test]
    fn the_automatic_choice_is_exact_below_the_threshold() {
        let g = TestGraph::karate();
        assert_eq!(g.betweenness_auto(&Scope::all()), exact(&g));
        // k = 500 sources give ε ≈ 0.061 at 95 %.
        assert!((hoeffding_bound(BETWEENNESS_SAMPLES) - 0.0608).abs() < 1e-3);
    }
}
