//! Connecting subgraphs: few relations joining several chosen entities — a Steiner tree.
//!
//! Finding the smallest is NP-hard. This is **Mehlhorn's approximation** (1988), counting
//! relations: one breadth-first search from all the chosen entities at once splits the graph
//! into the regions nearest each; every relation between two regions offers a path between
//! their two entities; a minimum spanning tree over those offers (Kruskal, with petgraph's
//! `UnionFind`) picks which to use, and each is spelled out along the search's own tree.
//! **Guarantee**: at most 2(1 − 1/ℓ) times the relations of the smallest tree, ℓ being the
//! number of leaves of that tree (so under twice, whatever the graph). Cost: O(V + E) for the
//! search, O(E log E) at worst to sort the offers.
//!
//! petgraph's `steiner_tree` (Kou, Markowsky and Berman: the same guarantee) needs a copy of
//! the graph as an `UnGraph` and a shortest-path search from every chosen entity; this runs on
//! petgraph's traits on the store's undirected view, with one search.

use crate::store::deadline::{Deadline, Expired};
use crate::store::graph::{Edge, Graph, Node};
use crate::store::lens::{Lens, Within};
use crate::store::visit::{Scoped, Undirected, Watch};
use hashbrown::HashMap;
use petgraph::unionfind::UnionFind;
use petgraph::visit::{EdgeRef, IntoEdges, IntoNodeIdentifiers, NodeIndexable};
use std::collections::VecDeque;

/// A tree (or, when the chosen entities are not all connected, a forest) joining entities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    /// The chosen entities, then the others the relations pass through, in the order of the
    /// relations (each one's `from` before its `to`).
    pub nodes: Vec<Node>,
    /// The relations, in the order they were added.
    pub edges: Vec<Edge>,
    /// Whether every chosen entity is joined to every other.
    pub connected: bool,
}

/// Visited "not reached".
const NONE: u32 = u32::MAX;

/// The best offer between two regions: its length in relations, the relation between the
/// regions, and the entities at its two ends (by number).
type Offer<E> = (u32, E, usize, usize);

/// Mehlhorn's Steiner tree approximation on any undirected graph given through petgraph's
/// traits (see the module docs), as the relations chosen and whether all `terminals` were
/// joined. Terminals out of the view are ignored. O(V + E + E log E).
pub fn steiner_edges<G>(g: G, terminals: &[G::NodeId]) -> (Vec<G::EdgeId>, bool)
where
    G: IntoEdges + NodeIndexable + IntoNodeIdentifiers,
    G::NodeId: Eq + std::hash::Hash,
    G::EdgeId: Ord + Copy + Eq + std::hash::Hash,
{
    let n = g.node_bound();
    let mut region = vec![NONE; n];
    let mut dist = vec![0u32; n];
    let mut pred: Vec<Option<(usize, G::EdgeId)>> = vec![None; n];
    let mut queue = VecDeque::new();
    let mut count = 0u32;
    for &t in terminals {
        let i = g.to_index(t);
        if region[i] == NONE {
            region[i] = count;
            count += 1;
            queue.push_back(i);
        }
    }
    // Breadth first from all terminals; relations between regions are the offers.
    let mut offers: HashMap<(u32, u32), Offer<G::EdgeId>> = HashMap::new();
    while let Some(u) = queue.pop_front() {
        for l in g.edges(g.from_index(u)) {
            let w = g.to_index(l.target());
            if region[w] == NONE {
                region[w] = region[u];
                dist[w] = dist[u] + 1;
                pred[w] = Some((u, l.id()));
                queue.push_back(w);
            } else if region[w] != region[u] {
                let (a, b) = (region[u].min(region[w]), region[u].max(region[w]));
                let offer = (dist[u] + dist[w] + 1, l.id(), u, w);
                offers
                    .entry((a, b))
                    .and_modify(|best| {
                        if (offer.0, offer.1) < (best.0, best.1) {
                            *best = offer;
                        }
                    })
                    .or_insert(offer);
            }
        }
    }
    let mut offers: Vec<_> = offers.into_iter().collect();
    offers.sort_unstable_by_key(|&(pair, (len, e, _, _))| (len, e, pair));
    let mut joined = UnionFind::<u32>::new(count as usize);
    let mut chosen = hashbrown::HashSet::new();
    let mut unions = 0u32;
    for ((a, b), (_, e, u, w)) in offers {
        if !joined.union(a, b) {
            continue;
        }
        unions += 1;
        chosen.insert(e);
        for mut x in [u, w] {
            while let Some((p, pe)) = pred[x] {
                if !chosen.insert(pe) {
                    break;
                }
                x = p;
            }
        }
    }
    let mut edges: Vec<G::EdgeId> = chosen.into_iter().collect();
    edges.sort_unstable();
    (edges, unions + 1 >= count)
}

impl Graph {
    /// Few relations joining `terminals` within the part of the graph `within` lets through,
    /// read undirected: Mehlhorn's approximation of the smallest Steiner tree, at most
    /// 2(1 − 1/ℓ) times its relations (ℓ: the leaves of the smallest tree). O(V + E + E log E)
    /// on the part in scope. Terminals out of scope are left out of the answer; if some are
    /// not connected, the answer joins each connected group (`connected` is false). Stops with
    /// [`Expired`] at the deadline.
    pub fn connecting(
        &self,
        terminals: &[Node],
        within: &Within,
        deadline: Deadline,
    ) -> Result<Connection, Expired> {
        let lens = Lens::new(self, within);
        let watch = Watch::new(deadline);
        let view: Undirected = Scoped::new(self, &lens).watched(&watch).undirected();
        let inside: Vec<Node> = terminals
            .iter()
            .copied()
            .filter(|&t| lens.admits(t))
            .collect();
        let (edges, connected) = steiner_edges(view, &inside);
        watch.finish()?;
        let mut nodes = Vec::new();
        let mut seen = hashbrown::HashSet::new();
        for n in inside.iter().copied().chain(edges.iter().flat_map(|&e| {
            let (a, b) = self.endpoints(e);
            [a, b]
        })) {
            if seen.insert(n) {
                nodes.push(n);
            }
        }
        Ok(Connection {
            nodes,
            edges,
            connected: connected && inside.len() == terminals.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::TestGraph;
    use super::*;

    #[test]
    fn the_centre_of_a_star_joins_its_leaves() {
        let g = TestGraph::star(5);
        let leaves: Vec<Node> = (1..4).map(Node::new).collect();
        let c = g
            .connecting(&leaves, &Within::all(), Deadline::none())
            .unwrap();
        assert!(c.connected);
        assert_eq!(c.edges.len(), 3);
        assert_eq!(c.nodes, [1, 2, 3, 0].map(Node::new));
    }

    #[test]
    fn entities_in_separate_components_are_joined_as_far_as_they_can_be() {
        // 0 - 1 - 2   3 - 4
        let g = TestGraph::numbered(5, &[(0, 1), (1, 2), (3, 4)]);
        let c = g
            .connecting(&[0, 2, 4].map(Node::new), &Within::all(), Deadline::none())
            .unwrap();
        assert!(!c.connected);
        assert_eq!(c.edges.len(), 2);
    }
}
