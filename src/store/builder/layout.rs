//! Laying a version out: beside the layout it was made over (what was added, in the layers'
//! orders) or anew (layers folded, gaps closed, rows and orders rebuilt on the thread pool).

use super::Start;
use crate::store::adjacency::Adjacency;
use crate::store::graph::{Graph, Node};
use crate::store::layered::Layered;
use crate::store::records::{RelationExtra, HAS_EXTRA};
use hashbrown::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How many records a version's layers may hold before a builder lays the whole version out
/// again itself (see [`GraphBuilder::build`](super::GraphBuilder::build)); below, the curation writer folds them in the
/// background ([`Graph::folded`]).
pub const FOLD_AT: usize = 4096;

/// Lays out the entities and documents added since `start` beside the layout of `g`: the
/// entities into the id order of the layer and among those touched since the layout (the
/// relations are in their rows already), and those `replaced` among the touched and the
/// stale (see [`Graph::touched_since_layout`]). O(added × log added + documents).
pub(super) fn beside(g: &mut Graph, start: Start, replaced: &[Node]) {
    for &n in replaced {
        if g.stale.insert(n) && n.index() < g.entity_order.len() {
            g.touched.push(n);
        }
    }
    let added = start.entities..g.node_bound();
    if !added.is_empty() {
        let mut order = std::mem::take(&mut g.entity_order_layer);
        for n in added.map(Node::new) {
            let id = g.entity(n).id();
            let at = order.partition_point(|&m| g.entity(m).id() < id);
            order.insert(at, n);
            g.touched.push(n);
        }
        g.entity_order_layer = order;
    }
    if g.documents.len() != start.documents {
        g.document_order = Arc::new(document_order(g));
    }
}

/// `g` with every layer folded into its base, what was removed left out and the rest
/// numbered afresh (`store::tombstones`), and laid out anew under a new
/// [`Graph::layout`] number: rows and orders built on rayon's thread pool at once.
/// O(V log V + E).
pub(super) fn lay_out(g: Graph) -> Graph {
    lay_out_with(g, |_| ()).0
}

/// [`lay_out`], computing `also` from the graph once it is numbered afresh, on the thread
/// pool beside the rows and orders.
pub(super) fn lay_out_with<T: Send>(
    mut g: Graph,
    also: impl FnOnce(&Graph) -> T + Send,
) -> (Graph, T) {
    g.text.fold();
    g.entities.fold();
    g.entity_extras.fold();
    g.entity_index.fold(&g.text);
    g.relations.fold();
    g.relation_extras.fold();
    g.explicit_ids.fold();
    g.citations.fold();
    g.templates.fold();
    g.quote_names.fold();
    g.text.shrink();
    g.entity_order_layer = Vec::new();
    g.touched = Vec::new();
    g.stale = HashSet::new();
    g.layout = next_layout();
    if !g.replaced_extras.is_empty() {
        let replaced = std::mem::take(&mut g.replaced_extras);
        let mut extras: Vec<(u32, RelationExtra)> = (g.relation_extras.iter())
            .filter(|(e, _)| !replaced.contains_key(e))
            .cloned()
            .collect();
        extras.extend(
            (replaced.into_iter()).filter(|(e, _)| g.relations[*e as usize].bits & HAS_EXTRA != 0),
        );
        extras.sort_unstable_by_key(|(e, _)| *e);
        g.relation_extras = Layered::from_vec(extras);
    }
    // The removed left out and the rest numbered afresh, before the rows and the index.
    crate::store::tombstones::compact(&mut g);
    // `also`, the orders and the two sides' rows are independent of each other: built on the
    // thread pool at once.
    let graph = &g;
    let (also, (order, (outgoing, incoming))) = rayon::join(
        || also(graph),
        || {
            rayon::join(
                || {
                    let mut order: Vec<Node> = (0..graph.entities.len()).map(Node::new).collect();
                    order.sort_unstable_by(|&a, &b| graph.entity(a).id().cmp(graph.entity(b).id()));
                    order
                },
                || {
                    let n = graph.entities.len();
                    let relations = graph.relations.iter();
                    rayon::join(
                        || Adjacency::build(n, relations.clone(), |r| r.from, |r| r.to),
                        || Adjacency::build(n, relations.clone(), |r| r.to, |r| r.from),
                    )
                },
            )
        },
    );
    g.document_order = Arc::new(document_order(&g));
    g.entity_order = Arc::new(order);
    g.outgoing = outgoing;
    g.incoming = incoming;
    (g, also)
}

/// A number no other layout of this process has (see [`Graph::layout`]).
fn next_layout() -> u64 {
    static LAYOUTS: AtomicU64 = AtomicU64::new(1);
    LAYOUTS.fetch_add(1, Ordering::Relaxed)
}

/// The documents' indices in id order, those removed left out. O(D log D).
pub(super) fn document_order(g: &Graph) -> Vec<u32> {
    let mut documents: Vec<u32> = (0..g.documents.len() as u32)
        .filter(|&i| g.document_index.get(&g.documents[i as usize].id) == Some(&i))
        .collect();
    documents
        .sort_unstable_by(|&a, &b| g.documents[a as usize].id.cmp(&g.documents[b as usize].id));
    documents
}

impl Graph {
    /// How much this version holds beside its last layout: entities, relations and rows
    /// changed or removed since. O(1).
    pub fn layer_size(&self) -> usize {
        self.entities.layer_len()
            + self.dead_nodes.len()
            + self.relations.layer_len()
            + self.outgoing.changed()
            + self.incoming.changed()
    }

    /// This version laid out anew with its layers folded in: the same graph, read as fast as
    /// a loaded one (see [`GraphBuilder::over`](super::GraphBuilder::over)). O(V log V + E + total name length).
    pub fn folded(&self) -> Graph {
        lay_out(self.clone())
    }

    /// [`Graph::folded`], computing `also` from the new layout on the thread pool beside its
    /// rows (see [`GraphBuilder::build_with`](super::GraphBuilder::build_with)).
    pub fn folded_with<T: Send>(&self, also: impl FnOnce(&Graph) -> T + Send) -> (Graph, T) {
        lay_out_with(self.clone(), also)
    }
}
