//! PageRank: an entity matters if entities that matter are tied to it.

use super::view::View;
use super::Scope;
use crate::store::deadline::{Deadline, Expired};
use crate::store::graph::{Graph, Node};

impl Graph {
    /// Each entity in scope, in entity (id) order, with its PageRank; the scores sum to 1.
    ///
    /// Power iteration over the undirected simple graph, exactly as
    /// `networkx.pagerank(G, alpha=damping, max_iter=max_iterations, tol=tolerance)` on an
    /// `nx.Graph`: a walker follows a random tie with probability `damping` and jumps to a
    /// uniformly random entity otherwise; an entity with no ties (dangling) spreads its score
    /// uniformly. Starts from the uniform vector and stops when the scores moved less than
    /// `V · tolerance` in total (L1) in one iteration.
    ///
    /// If that has not happened after `max_iterations`, returns the last iterate (networkx
    /// raises instead). On bipartite graphs, such as a star, the iteration oscillates and
    /// converges only as `damping^k`: with 0.85 and 1e-10, a star needs about 130 iterations,
    /// and after 100 each score is still off by about 1e-8.
    ///
    /// O(iterations · (V + E)) time, O(V) extra space. Panics if `damping` is outside [0, 1].
    pub fn pagerank(
        &self,
        scope: &Scope,
        damping: f64,
        max_iterations: usize,
        tolerance: f64,
    ) -> Vec<(Node, f64)> {
        self.pagerank_within(scope, damping, max_iterations, tolerance, &Deadline::none())
            .expect("no deadline")
    }

    /// [`Graph::pagerank`], stopped with [`Expired`] once `deadline` passes (checked between
    /// the passes over the scope and at each iteration).
    pub fn pagerank_within(
        &self,
        scope: &Scope,
        damping: f64,
        max_iterations: usize,
        tolerance: f64,
        deadline: &Deadline,
    ) -> Result<Vec<(Node, f64)>, Expired> {
        assert!(
            (0.0..=1.0).contains(&damping),
            "PageRank's damping must be between 0 and 1, got {damping}"
        );
        let view = View::build_within(self, scope, deadline)?;
        let scores = power_iteration(&view, damping, max_iterations, tolerance, deadline)?;
        Ok(view.label(scores))
    }
}

/// The iteration itself, on the view's indices.
fn power_iteration(
    view: &View,
    damping: f64,
    max_iterations: usize,
    tolerance: f64,
    deadline: &Deadline,
) -> Result<Vec<f64>, Expired> {
    let n = view.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    let uniform = 1.0 / n as f64;
    // The share of its score an entity passes to each neighbour: 1 / degree.
    let share: Vec<f64> = (0..n)
        .map(|i| match view.degree(i) {
            0 => 0.0,
            d => 1.0 / d as f64,
        })
        .collect();
    let dangling: Vec<usize> = (0..n).filter(|&i| view.degree(i) == 0).collect();
    let mut x = vec![uniform; n];
    let mut next = vec![0.0; n];
    // What each entity passes to each neighbour this iteration: its score times its share.
    let mut passed = vec![0.0; n];
    for _ in 0..max_iterations {
        deadline.check()?;
        for ((p, &xi), &s) in passed.iter_mut().zip(&x).zip(&share) {
            *p = xi * s;
        }
        let dangling_sum: f64 = dangling.iter().map(|&i| x[i]).sum();
        let jump = damping * dangling_sum * uniform + (1.0 - damping) * uniform;
        // The ties are undirected, so what reaches `i` is gathered from its own row: one
        // write an entity, where scattering along the rows wrote once a tie.
        let mut change = 0.0;
        for (i, (new, old)) in next.iter_mut().zip(&x).enumerate() {
            *new = damping * gathered(&passed, view.neighbours(i)) + jump;
            change += (*new - old).abs();
        }
        std::mem::swap(&mut x, &mut next);
        if change < n as f64 * tolerance {
            break;
        }
    }
    Ok(x)
}

/// The sum of `passed` over `row`, in four running sums so that the additions of one do not
/// wait on the others'.
#[inline]
fn gathered(passed: &[f64], row: &[u32]) -> f64 {
    let mut sums = [0.0; 4];
    let mut quads = row.chunks_exact(4);
    for q in &mut quads {
        for (sum, &j) in sums.iter_mut().zip(q) {
            *sum += passed[j as usize];
        }
    }
    for (sum, &j) in sums.iter_mut().zip(quads.remainder()) {
        *sum += passed[j as usize];
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::{assert_close, TestGraph};
    use super::*;

    /// networkx's values; its defaults and ours differ only in `max_iter`, raised where networkx
    /// would not converge in 100.
    fn pagerank(g: &Graph) -> Vec<(Node, f64)> {
        g.pagerank(&Scope::all(), 0.85, 1000, 1e-10)
    }

    #[test]
    fn pagerank_matches_networkx_on_small_graphs() {
        assert_close(
            &pagerank(&TestGraph::path(4)),
            &[
                0.1754385965074696,
                0.3245614034925305,
                0.3245614034925305,
                0.1754385965074696,
            ],
            1e-9,
        );
        // networkx needs max_iter > 100 here (it raises PowerIterationFailedConvergence at 100).
        let leaf = 0.13108108105282867;
        assert_close(
            &pagerank(&TestGraph::star(4)),
            &[0.4756756757886854, leaf, leaf, leaf, leaf],
            1e-9,
        );
        let (inner, bridge) = (0.11673151750935644, 0.1498054474719306);
        assert_close(
            &pagerank(&TestGraph::two_cliques()),
            &[inner, inner, inner, bridge, bridge, inner, inner, inner],
            1e-9,
        );
        let tied = 0.19417475727975583;
        assert_close(
            &pagerank(&TestGraph::disconnected()),
            &[tied, tied, tied, tied, tied, 0.029126213601220585],
            1e-9,
        );
        assert_close(
            &pagerank(&TestGraph::parallel()),
            &[
                0.14140849565928687,
                0.3667358671984804,
                0.24592781857111637,
                0.24592781857111637,
            ],
            1e-9,
        );
        assert!(pagerank(&Graph::default()).is_empty());
    }

    #[test]
    fn pagerank_matches_networkx_on_the_karate_club() {
        let g = TestGraph::karate();
        let pr = g.pagerank(&Scope::all(), 0.85, 100, 1e-10);
        for (member, expected) in [
            (0, 0.09699728637778933),
            (2, 0.057078509464415596),
            (11, 0.009564745563621722),
            (32, 0.07169322527506004),
            (33, 0.10091918139989796),
        ] {
            assert!((pr[member].1 - expected).abs() < 1e-9, "member {member}");
        }
        let total: f64 = pr.iter().map(|p| p.1).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn pagerank_matches_networkx_on_a_random_graph() {
        let pr = TestGraph::random(300, 2, 7).pagerank(&Scope::all(), 0.85, 100, 1e-10);
        for (i, expected) in [
            (0, 0.006930001333594901),
            (1, 0.006950166615988304),
            (150, 0.0034905097112443574),
            (299, 0.001980005005343473),
        ] {
            assert!((pr[i].1 - expected).abs() < 1e-9, "{i}");
        }
    }

    #[test]
    fn without_convergence_the_last_iterate_is_returned() {
        let g = TestGraph::star(4);
        let capped = g.pagerank(&Scope::all(), 0.85, 100, 1e-10);
        let converged = pagerank(&g);
        for (a, b) in capped.iter().zip(&converged) {
            assert!((a.1 - b.1).abs() < 1e-7);
        }
        let total: f64 = capped.iter().map(|p| p.1).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn with_no_damping_every_entity_scores_the_same() {
        let g = TestGraph::star(4);
        assert_close(&g.pagerank(&Scope::all(), 0.0, 10, 1e-10), &[0.2; 5], 1e-15);
    }
}
