//! Removals without a new layout: a removed relation stays where it was, flagged
//! [`DEAD`], out of its ends' rows and out of the id indexes; a removed entity stays where it
//! was too, out of the id index, the id order and search, listed in `Graph::dead_nodes`.
//! Handles of what remains keep their numbers, so a removal costs the rows of the entities it
//! touches, not the graph.
//!
//! What reads the graph by number — every walk over all relations or all entities — asks
//! [`Graph::edge_bound`] and [`Graph::node_bound`] for the numbers in use and skips the
//! removed ([`Graph::node_removed`], [`Graph::edge_removed`]); walks along rows never meet
//! them. The next layout ([`compact`], called by the builder's layout and by the background
//! fold) leaves them out and numbers what remains afresh.

use super::graph::{Edge, Graph, Node};
use super::ids::EntityIndex;
use super::layered::Layered;
use super::records::{RelationRecord, DEAD};

impl Graph {
    /// One past the largest entity number in use: entities are numbered `0..node_bound()`,
    /// with gaps where entities were removed since the last layout (see
    /// [`Graph::node_removed`]). O(1).
    pub fn node_bound(&self) -> usize {
        self.entities.len()
    }

    /// One past the largest relation number in use: relations are numbered
    /// `0..edge_bound()`, with gaps where relations were removed since the last layout (see
    /// [`Graph::edge_removed`]). O(1).
    pub fn edge_bound(&self) -> usize {
        self.relations.len()
    }

    /// Whether the entity numbered `node` was removed (its number is a gap). O(1).
    #[inline]
    pub fn node_removed(&self, node: Node) -> bool {
        !self.dead_nodes.is_empty() && self.dead_nodes.contains(&(node.index() as u32))
    }

    /// Whether the relation numbered `edge` was removed (its number is a gap). O(1).
    #[inline]
    pub fn edge_removed(&self, edge: Edge) -> bool {
        self.relations[edge.index()].bits & DEAD != 0
    }

    /// Whether some entity or relation was removed since the last layout, so that the
    /// numbers in use have gaps. O(1).
    pub fn has_gaps(&self) -> bool {
        !self.dead_nodes.is_empty() || self.dead_relations > 0
    }
}

/// Every relation of a version in the order they were added, the removed skipped. See
/// [`Graph::all_relations`].
#[derive(Debug, Clone)]
pub struct AllRelations<'g> {
    graph: &'g Graph,
    next: u32,
    left: usize,
}

impl<'g> AllRelations<'g> {
    pub(super) fn new(graph: &'g Graph) -> AllRelations<'g> {
        AllRelations {
            graph,
            next: 0,
            left: graph.relation_count(),
        }
    }
}

impl Iterator for AllRelations<'_> {
    type Item = Edge;

    #[inline]
    fn next(&mut self) -> Option<Edge> {
        if self.left == 0 {
            return None;
        }
        let gaps = self.graph.dead_relations > 0;
        loop {
            let e = self.next;
            self.next += 1;
            if !gaps || self.graph.relations[e as usize].bits & DEAD == 0 {
                self.left -= 1;
                return Some(Edge::new(e as usize));
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for AllRelations<'_> {}

/// Leaves the removed entities and relations out of `g`, whose layers must be folded, and
/// numbers what remains afresh in the same order: the records, the relations' ends, the
/// side-table and explicit-id entries, the id index. The rows, orders and search index are
/// the layout's to build after. O(V + E).
pub(super) fn compact(g: &mut Graph) {
    if !g.has_gaps() {
        return;
    }
    const GONE: u32 = u32::MAX;
    let mut nodes = vec![GONE; g.entities.len()];
    let mut entities = Vec::with_capacity(g.entity_count());
    for (i, record) in g.entities.iter().enumerate() {
        if !g.dead_nodes.contains(&(i as u32)) {
            nodes[i] = entities.len() as u32;
            entities.push(*record);
        }
    }
    let mut edges = vec![GONE; g.relations.len()];
    let mut relations = Vec::with_capacity(g.relation_count());
    for (e, r) in g.relations.iter().enumerate() {
        if r.bits & DEAD != 0 {
            continue;
        }
        let (from, to) = (nodes[r.from as usize], nodes[r.to as usize]);
        debug_assert!(from != GONE && to != GONE, "a relation outlived its end");
        edges[e] = relations.len() as u32;
        relations.push(RelationRecord { from, to, ..*r });
    }
    g.relation_extras = Layered::from_vec(
        (g.relation_extras.iter())
            .filter(|(e, _)| edges[*e as usize] != GONE)
            .map(|(e, x)| (edges[*e as usize], x.clone()))
            .collect(),
    );
    g.explicit_ids = g
        .explicit_ids
        .filter_map(|&e| Some(edges[e as usize]).filter(|&n| n != GONE));
    let mut index = EntityIndex::default();
    index.reserve(entities.len(), &g.text);
    for (i, record) in entities.iter().enumerate() {
        index.insert(i as u32, record.id, &g.text);
    }
    index.fold(&g.text);
    g.entity_index = index;
    g.entities = Layered::from_vec(entities);
    g.relations = Layered::from_vec(relations);
    g.dead_nodes.clear();
    g.dead_relations = 0;
}
