//! Brokers: the entities whose removal splits the network (articulation points), each with the
//! sizes of the parts it separates — "who is the only link between the detained activists and
//! the foreign governments?".
//!
//! Why not petgraph's `articulation_points`: it names the points but not the parts, and
//! finding the parts afterwards costs a walk per point. Tarjan's depth-first search below
//! (iterative, so deep graphs cannot overflow the stack) yields both in one O(V + E) pass over
//! petgraph's traits on the store's undirected view; the property tests check that it names
//! the same points as petgraph's `articulation_points` on a `petgraph::Graph` copy.

use crate::store::deadline::{Deadline, Expired};
use crate::store::graph::{Graph, Node};
use crate::store::lens::{Lens, Within};
use crate::store::visit::{Scoped, Watch};
use petgraph::visit::{IntoNeighbors, NodeCount, NodeIndexable};

/// An entity whose removal splits its part of the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broker {
    /// The entity.
    pub node: Node,
    /// The sizes (in entities) of the parts its connected component falls into without it,
    /// largest first; at least two.
    pub parts: Vec<usize>,
}

impl Broker {
    /// How many entities it alone links to the largest of its parts: the sum of the others.
    pub fn cut_off(&self) -> usize {
        self.parts.iter().skip(1).sum()
    }
}

/// Visited "not visited yet".
const NEW: u32 = u32::MAX;

/// The articulation points of an undirected graph given through petgraph's traits, by number,
/// with the sizes of the parts each separates (unordered). Parallel edges and self-loops do
/// not matter. O(V + E).
pub fn articulation_parts<G>(g: G) -> Vec<(usize, Vec<usize>)>
where
    G: IntoNeighbors + NodeIndexable + NodeCount,
{
    let n = g.node_bound();
    let mut disc = vec![NEW; n];
    let mut low = vec![0u32; n];
    let mut size = vec![0usize; n];
    // The parts cut off below each entity: the subtrees of its children that reach no higher.
    let mut below: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut found = Vec::new();
    let mut time = 0u32;
    let mut stack: Vec<(usize, usize, G::Neighbors)> = Vec::new();
    for root in 0..n {
        if disc[root] != NEW {
            continue;
        }
        let mut touched = Vec::new();
        disc[root] = time;
        low[root] = time;
        size[root] = 1;
        time += 1;
        stack.push((root, usize::MAX, g.neighbors(g.from_index(root))));
        while let Some((v, parent, next)) = stack.last_mut() {
            let (v, parent) = (*v, *parent);
            if let Some(w) = next.next() {
                let w = g.to_index(w);
                if w == v || w == parent {
                    continue;
                }
                if disc[w] == NEW {
                    disc[w] = time;
                    low[w] = time;
                    size[w] = 1;
                    time += 1;
                    stack.push((w, v, g.neighbors(g.from_index(w))));
                } else {
                    low[v] = low[v].min(disc[w]);
                }
                continue;
            }
            stack.pop();
            if parent == usize::MAX {
                continue;
            }
            low[parent] = low[parent].min(low[v]);
            size[parent] += size[v];
            if low[v] >= disc[parent] {
                if below[parent].is_empty() {
                    touched.push(parent);
                }
                below[parent].push(size[v]);
            }
        }
        let component = size[root];
        for u in touched {
            let mut parts = std::mem::take(&mut below[u]);
            let rest = component - 1 - parts.iter().sum::<usize>();
            if rest > 0 {
                parts.push(rest);
            }
            // The root always cuts off its children's subtrees; it splits only with two.
            if parts.len() >= 2 {
                found.push((u, parts));
            }
        }
    }
    found
}

impl Graph {
    /// The brokers of the part of the graph `within` lets through, read undirected: entities
    /// whose removal splits their connected component, each with the sizes of the parts left,
    /// most entities cut off first (ties in id order). O(V + E) on the part in scope, plus
    /// building its [`Lens`]. Stops with [`Expired`] at the deadline, keeping nothing.
    pub fn brokers(&self, within: &Within, deadline: Deadline) -> Result<Vec<Broker>, Expired> {
        let lens = Lens::new(self, within);
        let watch = Watch::new(deadline);
        let view = Scoped::new(self, &lens).watched(&watch).undirected();
        let found = articulation_parts(view);
        watch.finish()?;
        let mut brokers: Vec<Broker> = found
            .into_iter()
            .map(|(i, mut parts)| {
                parts.sort_unstable_by(|a, b| b.cmp(a));
                Broker {
                    node: lens.node(i),
                    parts,
                }
            })
            .collect();
        brokers.sort_by(|a, b| {
            b.cut_off()
                .cmp(&a.cut_off())
                .then_with(|| self.entity(a.node).id().cmp(self.entity(b.node).id()))
        });
        Ok(brokers)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::{ids, TestGraph};
    use super::*;
    use std::time::Duration;

    fn named(g: &Graph, brokers: &[Broker]) -> Vec<(String, Vec<usize>)> {
        brokers
            .iter()
            .map(|b| (ids(g, &[b.node])[0].clone(), b.parts.clone()))
            .collect()
    }

    #[test]
    fn the_middle_of_a_path_separates_what_lies_either_side() {
        let g = TestGraph::path(5);
        let b = g.brokers(&Within::all(), Deadline::none()).unwrap();
        assert_eq!(
            named(&g, &b),
            [
                ("n002".into(), vec![2, 2]),
                ("n001".into(), vec![3, 1]),
                ("n003".into(), vec![3, 1]),
            ]
        );
    }

    #[test]
    fn a_star_centre_cuts_off_every_leaf() {
        let g = TestGraph::star(4);
        let b = g.brokers(&Within::all(), Deadline::none()).unwrap();
        assert_eq!(named(&g, &b), [("n000".into(), vec![1, 1, 1, 1])]);
    }

    #[test]
    fn a_cycle_has_no_broker_and_parallel_relations_change_nothing() {
        let g = TestGraph::numbered(4, &[(0, 1), (1, 2), (2, 3), (3, 0), (0, 1), (2, 2)]);
        assert!(g
            .brokers(&Within::all(), Deadline::none())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_past_deadline_stops_the_search_and_caches_nothing() {
        use crate::store::analytics::{Stopped, Work};
        use crate::store::Version;
        use std::sync::Arc;
        let g = Version::new(TestGraph::random(3000, 2, 7));
        let past = Deadline::after(Duration::ZERO);
        let stopped = Work::new(past, usize::MAX);
        assert_eq!(
            g.cached_brokers(&Within::all(), &stopped),
            Err(Stopped::Expired)
        );
        let first = g
            .cached_brokers(&Within::all(), &Work::unlimited())
            .unwrap();
        // Kept now: a call past its deadline still gets it.
        let again = g.cached_brokers(&Within::all(), &stopped).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
    }
}
