//! Walking out from entities: relations of one entity, neighbours, k-hop neighbourhoods.

use super::as_of::AsOf;
use super::filter::Filter;
use super::graph::{Edge, Graph, Node};
use super::seen::Seen;
use crate::model::RelationKind;
use hashbrown::HashSet;

/// A set of entities and the relations among them, as returned by a neighbourhood query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Neighbourhood {
    /// The entities, seeds first, then nearest first, in the order they were reached (see
    /// [`Graph::reach`]).
    pub nodes: Vec<Node>,
    /// The relations among them that pass the filter, in the order they were added.
    pub edges: Vec<Edge>,
    /// Whether the size limit stopped the walk before it was complete.
    pub truncated: bool,
}

impl Graph {
    /// The entities at the other ends of entity `n`'s relations, its outgoing row then its
    /// incoming one (a self-loop names `n` in both): what a walk through every relation reads,
    /// without a relation's record. O(1).
    #[inline]
    pub(super) fn other_ends(&self, n: usize) -> [&[u32]; 2] {
        [self.outgoing.ends(n), self.incoming.ends(n)]
    }

    /// Asks for both of [`Graph::other_ends`]`(n)` to be loaded, for a walk that reads them a
    /// few steps later (see `Adjacency::prefetch_ends`). Changes nothing.
    #[inline]
    pub(super) fn prefetch_other_ends(&self, n: usize) {
        self.outgoing.prefetch_ends(n);
        self.incoming.prefetch_ends(n);
    }

    /// The relations of `node` that pass the filter's relation-kind and direction tests, in the
    /// order they were added. O(degree).
    pub fn relations_of(&self, node: Node, filter: &Filter) -> Vec<Edge> {
        self.incident_iter(node)
            .filter(|&e| filter.step(self, node, e).is_some())
            .collect()
    }

    /// The distinct entities one relation away from `node` through the filter, in the order of
    /// the relations. O(degree).
    pub fn neighbours(&self, node: Node, filter: &Filter) -> Vec<Node> {
        let mut seen = HashSet::new();
        self.incident_iter(node)
            .filter_map(|e| filter.step(self, node, e))
            .filter(|&n| filter.admits(self, n) && seen.insert(n))
            .collect()
    }

    /// How many distinct other entities `node` shares a relation with, in either direction:
    /// several relations with one entity count once, a self-relation not at all. This is
    /// the score of the degree ranking (`networkx.Graph.degree`), not [`Graph::degree`], the
    /// number of relations. O(degree).
    pub fn neighbour_count(&self, node: Node) -> usize {
        // The other ends straight from the two rows, marked in the walks' bit set (no record
        // read, no allocation); the marks are taken off again from the same rows.
        let n = node.index();
        let rows = self.other_ends(n);
        let ends = || rows.into_iter().flatten().map(|&m| Node::new(m as usize));
        Seen::with(
            self.node_bound(),
            |seen| {
                seen.insert(node);
                let count = ends().filter(|&m| seen.insert(m)).count();
                ends().for_each(|m| seen.remove(m));
                seen.remove(node);
                count
            },
            |_| &[],
        )
    }

    /// Everything within `depth` relations of the seeds, breadth first, through the filter.
    /// Seeds are always included. At most `limit` entities are returned; if more were
    /// reachable, `truncated` is set. The relations returned are all relations among the
    /// returned entities that pass the filter's relation kinds and as-of day
    /// ([`Graph::relations_among`]).
    /// O(V' + E') for the part of the graph visited, plus the relations of the entities found.
    pub fn neighbourhood(
        &self,
        seeds: &[Node],
        depth: usize,
        filter: &Filter,
        limit: usize,
    ) -> Neighbourhood {
        let reach = self.reach(seeds, depth, filter, limit);
        let edges = self.relations_among(&reach.nodes, filter.relation_kinds, filter.as_of);
        Neighbourhood {
            nodes: reach.nodes,
            edges,
            truncated: reach.truncated,
        }
    }

    /// The entities of [`Graph::neighbourhood`] without the relations among them: what a
    /// caller that only lists or counts entities needs. O(V' + E') for the part visited.
    ///
    /// Order: the seeds, then nearest first; within a distance, by the entity they were
    /// reached from, and from each entity through its outgoing relations in the order they
    /// were added, then its incoming ones (the order of its two adjacency rows, read straight
    /// through).
    pub fn reach(&self, seeds: &[Node], depth: usize, filter: &Filter, limit: usize) -> Reach {
        Seen::with(
            self.node_bound(),
            |seen| self.reach_marked(seen, seeds, depth, filter, limit),
            |reach| &reach.nodes,
        )
    }

    fn reach_marked(
        &self,
        seen: &mut Seen,
        seeds: &[Node],
        depth: usize,
        filter: &Filter,
        limit: usize,
    ) -> Reach {
        // One allocation for a walk of one step: the seeds and every entity their rows name
        // (a floor for deeper walks). Only the first 16 seeds' rows are counted, so a long
        // list of seeds costs no second pass over it.
        let first_step: usize = match depth {
            0 => 0,
            _ => (seeds.iter().take(16))
                .map(|s| {
                    self.other_ends(s.index())
                        .iter()
                        .map(|r| r.len())
                        .sum::<usize>()
                })
                .sum(),
        };
        let mut nodes = Vec::with_capacity((seeds.len() + first_step).min(limit));
        let mut truncated = false;
        for &s in seeds {
            if seen.contains(s) {
                continue;
            }
            if nodes.len() >= limit {
                truncated = true;
                break;
            }
            seen.insert(s);
            nodes.push(s);
        }
        let follow_all = filter.follows_all();
        // Breadth first, one layer at a time: `nodes[layer]` are the entities at the current
        // distance.
        let mut layer = 0..nodes.len();
        'walk: for _ in 0..depth {
            if layer.is_empty() || truncated {
                break;
            }
            let next_start = nodes.len();
            if follow_all {
                // Room for every entity the layer's rows name (at most the limit), asked for
                // once: the rows of a hub run to thousands, and growing the list by doubling
                // copied it again and again.
                let named: usize = (nodes[layer.clone()].iter())
                    .map(|n| {
                        self.other_ends(n.index())
                            .iter()
                            .map(|r| r.len())
                            .sum::<usize>()
                    })
                    .sum();
                // (Rows name an entity once for each relation with it: no more room than
                // the entities not listed yet, or than the limit leaves.)
                let left = self.node_bound().saturating_sub(nodes.len());
                nodes.reserve(named.min(limit - nodes.len()).min(left));
            }
            for i in layer.clone() {
                let n = nodes[i];
                if follow_all {
                    // Every relation goes: read the other ends straight from the two rows.
                    // (A self-loop leads back to `n`, which is marked already.)
                    for row in self.other_ends(n.index()) {
                        if !visit_row(row, seen, &mut nodes, limit) {
                            truncated = true;
                            break 'walk;
                        }
                    }
                    continue;
                }
                for e in self.outgoing(n).chain(self.incoming(n)) {
                    let Some(m) = filter.step(self, n, e) else {
                        continue;
                    };
                    if seen.contains(m) || !filter.admits(self, m) {
                        continue;
                    }
                    if nodes.len() >= limit {
                        truncated = true;
                        break 'walk;
                    }
                    seen.insert(m);
                    nodes.push(m);
                }
            }
            layer = next_start..nodes.len();
        }
        Reach { nodes, truncated }
    }

    /// Every relation among `nodes` of the given kinds (`None`: all) in force as of the day
    /// (`None`: every relation), in the order they were added. O(Σ out-degree of `nodes`).
    pub fn relations_among(
        &self,
        nodes: &[Node],
        kinds: Option<&[RelationKind]>,
        as_of: Option<AsOf>,
    ) -> Vec<Edge> {
        // Each entity marked once, and listed once in `members` so its marks are cleared.
        let (_, edges) = Seen::with(
            self.node_bound(),
            |marks| {
                let members: Vec<Node> =
                    nodes.iter().copied().filter(|&n| marks.insert(n)).collect();
                let mut edges = Vec::new();
                for &n in &members {
                    let row = self.outgoing.row(n.index());
                    let ends = self.outgoing.ends(n.index());
                    for (&e, &to) in row.iter().zip(ends) {
                        let e = Edge::new(e as usize);
                        if marks.contains(Node::new(to as usize))
                            && kinds.is_none_or(|k| k.contains(&self.relation_kind(e)))
                            && as_of.is_none_or(|a| self.relation_in_force(e, a))
                        {
                            edges.push(e);
                        }
                    }
                }
                edges.sort_unstable();
                (members, edges)
            },
            |(members, _)| members,
        );
        edges
    }
}

/// Adds the unmarked entities of `row` to `nodes`, marking them; false if `limit` stopped it.
/// (Only entities added to `nodes` are marked: the marks are cleared from that list.)
#[inline]
fn visit_row(row: &[u32], seen: &mut Seen, nodes: &mut Vec<Node>, limit: usize) -> bool {
    if limit - nodes.len() >= row.len() {
        // The whole row fits under the limit: no test per entity but the mark's, and no
        // branch on it — each entity is written, and counted only if it is new.
        nodes.reserve(row.len());
        let spare = &mut nodes.spare_capacity_mut()[..row.len()];
        let mut added = 0;
        for (i, &m) in row.iter().enumerate() {
            let m = Node::new(m as usize);
            debug_assert!(added <= i);
            // SAFETY: `added <= i < row.len() == spare.len()`: it starts at 0 and grows by
            // at most one a step.
            unsafe { spare.get_unchecked_mut(added) }.write(m);
            added += usize::from(seen.insert(m));
        }
        let len = nodes.len() + added;
        // SAFETY: the first `added` slots of the spare capacity were written above.
        unsafe { nodes.set_len(len) };
        return true;
    }
    for &m in row {
        let m = Node::new(m as usize);
        if !seen.contains(m) {
            if nodes.len() >= limit {
                return false;
            }
            seen.insert(m);
            nodes.push(m);
        }
    }
    true
}

/// The entities of a neighbourhood, without its relations: see [`Graph::reach`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// The entities, seeds first, then nearest first, in the order they were reached.
    pub nodes: Vec<Node>,
    /// Whether the size limit stopped the walk before it was complete.
    pub truncated: bool,
}
