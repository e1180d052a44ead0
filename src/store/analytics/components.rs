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
        if *scope == Scope::all() {
            return self.components_of_all(deadline);
        }
        self.components_joined(scope, deadline)
    }

    /// The components of the whole graph: a walk from each entity not reached yet through
    /// the other ends its two rows hold, beside the relations' numbers (no record read, no
    /// numbering of a scope). O(V + E).
    fn components_of_all(&self, deadline: &Deadline) -> Result<Vec<Vec<Node>>, Expired> {
        let bound = self.node_bound();
        let mut component = vec![u32::MAX; bound];
        // Breadth first, through one queue of every entity reached (each is put in once), so
        // that the rows of the entities a few places on can be asked for while these are read.
        let mut queue: Vec<u32> = Vec::with_capacity(bound);
        let mut ticker = Ticker::new(*deadline);
        let mut count = 0;
        for start in 0..bound {
            if component[start] != u32::MAX || self.node_removed(Node::new(start)) {
                continue;
            }
            component[start] = count;
            let mut next = queue.len();
            queue.push(start as u32);
            while let Some(&n) = queue.get(next) {
                if let Some(&ahead) = queue.get(next + AHEAD) {
                    self.prefetch_other_ends(ahead as usize);
                }
                next += 1;
                let n = n as usize;
                for &m in self.other_ends(n).into_iter().flatten() {
                    ticker.tick()?;
                    if component[m as usize] == u32::MAX {
                        component[m as usize] = count;
                        queue.push(m);
                    }
                }
            }
            count += 1;
        }
        let labels = count as usize;
        Ok(grouped(self.entities(None), labels, |n| {
            component[n.index()] as usize
        }))
    }

    /// The components of a scope: union-find over the ties of its relations.
    fn components_joined(
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
        let roots: Vec<usize> = (0..nodes.len()).map(|i| root(&mut parent, i)).collect();
        let position = |n: Node| roots[index[n.index()] as usize];
        Ok(grouped(nodes.iter().copied(), nodes.len(), position))
    }
}

/// How many places ahead in the walk's queue the rows are asked for (see
/// `Adjacency::prefetch_ends`).
const AHEAD: usize = 16;

/// The entities of `nodes` (in entity order) gathered by their component's label (below
/// `labels`), largest first, equal sizes in the order of their first entity; each group
/// ascending.
fn grouped(
    nodes: impl Iterator<Item = Node>,
    labels: usize,
    label: impl Fn(Node) -> usize,
) -> Vec<Vec<Node>> {
    // Numbered in the order of their first entity; gathering in entity order keeps each
    // group ascending.
    let mut group = vec![usize::MAX; labels];
    let mut groups: Vec<Vec<Node>> = Vec::new();
    for node in nodes {
        let l = label(node);
        if group[l] == usize::MAX {
            group[l] = groups.len();
            groups.push(Vec::new());
        }
        groups[group[l]].push(node);
    }
    // A stable sort by size keeps the first-entity order on ties.
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    groups
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
    fn the_walk_of_the_whole_graph_finds_what_union_find_finds() {
        for seed in 0..40u64 {
            // Sparse, so that many components and lone entities come out, parallel
            // relations and self-loops included.
            let n = 5 + (seed as usize * 7) % 60;
            let mut ties = Vec::new();
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ties.push(((x % n as u64) as usize, ((x >> 20) % n as u64) as usize));
            }
            let g = TestGraph::numbered(n, &ties);
            let walked = g.components_of_all(&Deadline::none()).unwrap();
            // Every entity of every kind, but a scope that is not `Scope::all()`.
            let kinds = Some(crate::model::EntityKind::ALL.to_vec());
            let scope = Scope {
                entity_kinds: kinds,
                ..Scope::default()
            };
            let joined = g.components_joined(&scope, &Deadline::none()).unwrap();
            assert_eq!(walked, joined, "seed {seed}");
        }
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
