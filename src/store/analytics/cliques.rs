//! Cliques around an entity: the largest groups in which everyone is tied to everyone,
//! containing a given entity — found by petgraph's `maximal_cliques` (Bron–Kerbosch with
//! pivoting) on the store's undirected view of the entity and its neighbours.
//!
//! Every maximal clique containing an entity lies within it and its neighbours, and is
//! maximal in the whole graph as well. Bron–Kerbosch takes time exponential in the worst
//! case (O(3^(k/3)) for k neighbours), so the neighbours are capped and the deadline is
//! watched.

use crate::store::analytics::Scope;
use crate::store::deadline::{Deadline, Expired};
use crate::store::graph::{Graph, Node};
use crate::store::lens::{Lens, Within};
use crate::store::visit::{Scoped, Watch};
use petgraph::visit::IntoNeighbors;

/// Maximal cliques around one entity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cliques {
    /// The cliques, largest first; each starts with the entity, then its members in id order.
    pub cliques: Vec<Vec<Node>>,
    /// Whether the entity had more neighbours than the cap, so only some were searched.
    pub truncated: bool,
}

impl Graph {
    /// The maximal cliques of two or more entities containing `centre` in the part of the
    /// graph `within` lets through, read undirected, searching among its first `cap` distinct
    /// neighbours (through its outgoing relations in the order they were added, then its
    /// incoming ones). O(degree) to find the neighbours,
    /// O(Σ their degrees) to tie them up, then Bron–Kerbosch: O(3^(cap/3)) at worst. Stops
    /// with [`Expired`] at the deadline.
    pub fn cliques_around(
        &self,
        centre: Node,
        within: &Within,
        cap: usize,
        deadline: Deadline,
    ) -> Result<Cliques, Expired> {
        let lens = Lens::new(self, within);
        if !lens.admits(centre) {
            return Ok(Cliques::default());
        }
        let mut around = vec![centre];
        let mut truncated = false;
        for m in Scoped::new(self, &lens).undirected().neighbors(centre) {
            if around.contains(&m) {
                continue;
            }
            if around.len() > cap {
                truncated = true;
                break;
            }
            around.push(m);
        }
        let near = Within {
            scope: Scope {
                nodes: Some(around),
                ..within.scope.clone()
            },
            ..within.clone()
        };
        let lens = Lens::new(self, &near);
        let watch = Watch::new(deadline);
        let view = Scoped::new(self, &lens).watched(&watch).undirected();
        let found = petgraph::algo::maximal_cliques(view);
        watch.finish()?;
        let id = |n: &Node| self.entity(*n).id();
        let mut cliques: Vec<Vec<Node>> = found
            .into_iter()
            .filter(|c| c.len() >= 2 && c.contains(&centre))
            .map(|c| {
                let mut members: Vec<Node> = c.into_iter().filter(|&n| n != centre).collect();
                members.sort_unstable_by(|a, b| id(a).cmp(id(b)));
                members.insert(0, centre);
                members
            })
            .collect();
        cliques.sort_by(|a, b| {
            b.len()
                .cmp(&a.len())
                .then_with(|| a.iter().map(id).cmp(b.iter().map(id)))
        });
        Ok(Cliques { cliques, truncated })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::{ids, TestGraph};
    use super::*;

    #[test]
    fn the_cliques_of_an_entity_in_two_triangles_and_a_pendant() {
        // 0-1-2 and 0-3-4 are triangles; 0-5 a single tie; 1-3 not tied.
        let g = TestGraph::numbered(6, &[(0, 1), (1, 2), (2, 0), (0, 3), (3, 4), (4, 0), (0, 5)]);
        let c = g
            .cliques_around(Node::new(0), &Within::all(), 50, Deadline::none())
            .unwrap();
        let named: Vec<Vec<String>> = c.cliques.iter().map(|c| ids(&g, c)).collect();
        assert_eq!(
            named,
            [
                vec!["n000", "n001", "n002"],
                vec!["n000", "n003", "n004"],
                vec!["n000", "n005"]
            ]
        );
        assert!(!c.truncated);
        let capped = g
            .cliques_around(Node::new(0), &Within::all(), 2, Deadline::none())
            .unwrap();
        assert!(capped.truncated);
        // The first two neighbours, outgoing relations first: 1 and 3, not tied to each other.
        let named: Vec<Vec<String>> = capped.cliques.iter().map(|c| ids(&g, c)).collect();
        assert_eq!(named, [["n000", "n001"], ["n000", "n003"]]);
    }
}
