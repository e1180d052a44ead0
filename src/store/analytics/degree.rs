//! Degree: how many others an entity is tied to.

use super::view::View;
use super::Scope;
use crate::store::deadline::{Deadline, Expired};
use crate::store::graph::{Graph, Node};

impl Graph {
    /// Each entity in scope, in entity (id) order, with its number of distinct neighbours (as
    /// `f64`, to rank alongside other measures). Parallel relations count once, self-loops not
    /// at all; this is `networkx.Graph.degree`, not the number of relations ([`Graph::degree`]).
    /// O(V + E log d).
    pub fn degree_ranking(&self, scope: &Scope) -> Vec<(Node, f64)> {
        self.degree_ranking_within(scope, &Deadline::none())
            .expect("no deadline")
    }

    /// [`Graph::degree_ranking`], stopped with [`Expired`] once `deadline` passes.
    pub fn degree_ranking_within(
        &self,
        scope: &Scope,
        deadline: &Deadline,
    ) -> Result<Vec<(Node, f64)>, Expired> {
        let view = View::build_within(self, scope, deadline)?;
        let degrees = (0..view.len()).map(|i| view.degree(i) as f64).collect();
        Ok(view.label(degrees))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::{assert_close, TestGraph};
    use super::*;

    #[test]
    fn degree_counts_distinct_neighbours() {
        let all = Scope::all();
        let cases: [(Graph, &[f64]); 5] = [
            (TestGraph::path(4), &[1.0, 2.0, 2.0, 1.0]),
            (TestGraph::star(4), &[4.0, 1.0, 1.0, 1.0, 1.0]),
            (
                TestGraph::two_cliques(),
                &[3.0, 3.0, 3.0, 4.0, 4.0, 3.0, 3.0, 3.0],
            ),
            (TestGraph::disconnected(), &[2.0, 2.0, 2.0, 1.0, 1.0, 0.0]),
            (TestGraph::parallel(), &[1.0, 3.0, 2.0, 2.0]),
        ];
        for (g, expected) in cases {
            assert_close(&g.degree_ranking(&all), expected, 0.0);
        }
        assert!(Graph::default().degree_ranking(&all).is_empty());
    }

    #[test]
    fn degree_is_not_the_number_of_relations() {
        let g = TestGraph::parallel();
        let n1 = g.node("n001").unwrap();
        let n3 = g.node("n003").unwrap();
        assert_eq!((g.degree(n1), g.degree(n3)), (5, 3));
    }
}
