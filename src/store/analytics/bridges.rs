//! Bridges: the relations whose removal disconnects the network, found by petgraph's
//! `bridges` (Tarjan's depth-first search, O(V + E)) running on the store's undirected view.
//!
//! petgraph's `bridges` is for simple graphs: between two entities joined by several relations
//! it reports each of them, though removing one leaves the others. Such relations are dropped
//! afterwards, which costs O(min degree of the two ends) for each reported one.

use crate::store::deadline::{Deadline, Expired};
use crate::store::graph::{Edge, Graph};
use crate::store::lens::{Lens, Within};
use crate::store::visit::{Scoped, Watch};
use petgraph::visit::{EdgeRef, IntoEdges};

impl Graph {
    /// The bridges of the part of the graph `within` lets through, read undirected: relations
    /// that are the only tie between two parts of it, in the order they were added. Self-loops
    /// and relations with a parallel one in scope are never bridges. O(V + E) on the part in
    /// scope. Stops with [`Expired`] at the deadline, keeping nothing.
    pub fn bridges(&self, within: &Within, deadline: Deadline) -> Result<Vec<Edge>, Expired> {
        let lens = Lens::new(self, within);
        let watch = Watch::new(deadline);
        let watched = Scoped::new(self, &lens).watched(&watch).undirected();
        let found: Vec<Edge> = petgraph::algo::bridges(watched).map(|l| l.id()).collect();
        watch.finish()?;
        let view = Scoped::new(self, &lens).undirected();
        let mut bridges: Vec<Edge> = found
            .into_iter()
            .filter(|&e| {
                let (a, b) = self.endpoints(e);
                let (from, to) = if self.degree(a) <= self.degree(b) {
                    (a, b)
                } else {
                    (b, a)
                };
                a != b && view.edges(from).filter(|l| l.target() == to).count() == 1
            })
            .collect();
        bridges.sort_unstable();
        Ok(bridges)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::TestGraph;
    use super::*;
    use crate::model::RelationKind;
    use crate::store::analytics::Scope;

    fn pairs(g: &Graph, edges: &[Edge]) -> Vec<(usize, usize)> {
        edges
            .iter()
            .map(|&e| {
                let (a, b) = g.endpoints(e);
                (a.index(), b.index())
            })
            .collect()
    }

    #[test]
    fn the_tie_between_two_cliques_is_the_bridge() {
        // Triangles 0-1-2 and 3-4-5, joined by 2-3; 5-6 hangs off the second.
        let g = TestGraph::numbered(
            7,
            &[
                (0, 1),
                (1, 2),
                (2, 0),
                (3, 4),
                (4, 5),
                (5, 3),
                (2, 3),
                (5, 6),
            ],
        );
        let b = g.bridges(&Within::all(), Deadline::none()).unwrap();
        assert_eq!(pairs(&g, &b), [(2, 3), (5, 6)]);
    }

    #[test]
    fn parallel_relations_are_not_bridges_unless_one_is_out_of_scope() {
        let mut t = TestGraph::new();
        for id in ["a", "b", "c"] {
            t.entity(id, crate::model::EntityKind::Person);
        }
        t.relation("a", RelationKind::AssociateOf, "b")
            .relation("a", RelationKind::Met, "b")
            .relation("b", RelationKind::Met, "c")
            .relation("c", RelationKind::Met, "c");
        let g = t.build();
        let all = g.bridges(&Within::all(), Deadline::none()).unwrap();
        assert_eq!(pairs(&g, &all), [(1, 2)]);
        let met = Within::scope(Scope {
            relation_kinds: Some(vec![RelationKind::Met]),
            ..Scope::default()
        });
        let only_met = g.bridges(&met, Deadline::none()).unwrap();
        assert_eq!(pairs(&g, &only_met), [(0, 1), (1, 2)]);
    }
}
