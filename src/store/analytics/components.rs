//! Connected components: the groups of entities linked by any chain of ties.

use super::view::{numbering, ties};
use super::Scope;
use crate::store::deadline::{Deadline, Expired, Ticker};
use crate::store::graph::{Graph, Node};

impl Graph {
    /// The connected components of the scope, largest first, equal sizes by their first
    /// entity's id; each component's entities in entity (id) order. An entity without ties in
    /// scope is a component of its own. `networkx.connected_components` on an `nx.Graph`.
    /// O(V + E α(V)): union-find over the relations, without building the scope's neighbour
    /// lists as the other analyses do (components do not need them, and building them costs
    /// several times the search).
    pub fn components(&self, scope: &Scope) -> Vec<Vec<Node>> {
        self.components_within(scope, &Deadline::none())
            .expect("no deadline")
    }

    /// [`Graph::components`], stopped with [`Expired`] once `deadline` passes (checked every
    /// 1,024 relations).
    pub fn components_within(
        &self,
        scope: &Scope,
        deadline: &Deadline,
    ) -> Result<Vec<Vec<Node>>, Expired> {
        let (nodes, index) = numbering(self, scope);
        let mut parent: Vec<u32> = (0..nodes.len() as u32).collect();
        let mut ticker = Ticker::new(*deadline);
        for (a, b) in ties(self, scope, &index) {
            ticker.tick()?;
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb {
                // The smaller number becomes the root: roots stay the first entity of their
                // component, whatever order the relations come in.
                let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
                parent[hi] = lo as u32;
            }
        }
        // Numbered in the order of their first entity; gathering in entity order keeps each
        // group ascending.
        let mut group = vec![u32::MAX; nodes.len()];
        let mut groups: Vec<Vec<Node>> = Vec::new();
        for (i, &node) in nodes.iter().enumerate() {
            let r = root(&mut parent, i);
            if group[r] == u32::MAX {
                group[r] = groups.len() as u32;
                groups.push(Vec::new());
            }
            groups[group[r] as usize].push(node);
        }
        // A stable sort by size keeps the first-entity order on ties.
        groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
        Ok(groups)
    }
}

/// The root of `i`'s tree, halving the path on the way.
fn root(parent: &mut [u32], mut i: usize) -> usize {
    while parent[i] as usize != i {
        let grand = parent[parent[i] as usize];
        parent[i] = grand;
        i = grand as usize;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::{ids, TestGraph};
    use super::*;

    fn components(g: &Graph) -> Vec<Vec<String>> {
        g.components(&Scope::all())
            .iter()
            .map(|c| ids(g, c))
            .collect()
    }

    #[test]
    fn components_are_largest_first_with_isolated_entities_alone() {
        assert_eq!(
            components(&TestGraph::disconnected()),
            [
                vec!["n000", "n001", "n002"],
                vec!["n003", "n004"],
                vec!["n005"],
            ]
        );
    }

    #[test]
    fn equal_components_come_in_order_of_their_first_entity() {
        let g = TestGraph::numbered(6, &[(5, 1), (0, 4), (2, 3)]);
        assert_eq!(
            components(&g),
            [["n000", "n004"], ["n001", "n005"], ["n002", "n003"]]
        );
    }

    #[test]
    fn connected_graphs_are_one_component() {
        for g in [
            TestGraph::path(4),
            TestGraph::star(4),
            TestGraph::two_cliques(),
            TestGraph::parallel(),
        ] {
            let all = components(&g);
            assert_eq!(all.len(), 1);
            assert_eq!(all[0].len(), g.entity_count());
        }
        assert!(components(&Graph::default()).is_empty());
    }

    #[test]
    fn a_bridge_out_of_scope_splits_the_cliques() {
        let g = TestGraph::two_cliques();
        let without_bridge: Vec<Node> = (0..8)
            .filter(|&i| i != 3)
            .map(|i| g.node(&super::super::testgraph::num(i)).unwrap())
            .collect();
        let scope = Scope {
            nodes: Some(without_bridge),
            ..Scope::default()
        };
        let parts: Vec<Vec<String>> = g.components(&scope).iter().map(|c| ids(&g, c)).collect();
        assert_eq!(
            parts,
            [
                vec!["n004", "n005", "n006", "n007"],
                vec!["n000", "n001", "n002"]
            ]
        );
    }
}
