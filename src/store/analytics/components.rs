//! Connected components: the groups of entities linked by any chain of ties.

use super::view::View;
use super::Scope;
use crate::store::graph::{Graph, Node};

impl Graph {
    /// The connected components of the scope, largest first, equal sizes by their first
    /// entity's id; each component's entities in entity (id) order. An entity without ties in
    /// scope is a component of its own. `networkx.connected_components` on an `nx.Graph`.
    /// O(V + E log d).
    pub fn components(&self, scope: &Scope) -> Vec<Vec<Node>> {
        let view = View::build(self, scope);
        components_of(&view)
            .iter()
            .map(|members| view.entities(members))
            .collect()
    }
}

/// The components as lists of view indices, each ascending, largest first, ties by their
/// first index (the view is in entity order). O(V + E).
pub(super) fn components_of(view: &View) -> Vec<Vec<usize>> {
    let n = view.len();
    let mut component = vec![usize::MAX; n];
    let mut count = 0;
    let mut stack = Vec::new();
    for start in 0..n {
        if component[start] != usize::MAX {
            continue;
        }
        component[start] = count;
        stack.push(start);
        while let Some(v) = stack.pop() {
            for &w in view.neighbours(v) {
                let w = w as usize;
                if component[w] == usize::MAX {
                    component[w] = count;
                    stack.push(w);
                }
            }
        }
        count += 1;
    }
    // Gathering in index order keeps each group ascending.
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &c) in component.iter().enumerate() {
        groups[c].push(i);
    }
    // Found in order of their first index, so a stable sort by size keeps that order on ties.
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    groups
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
