//! petgraph's graph traits on the store, so petgraph's algorithms run on it directly, without
//! a copy.
//!
//! Three views, each `Copy` and a few words big:
//! - `&Graph`: every entity and relation, directed as stored (`from → to`), entities
//!   numbered as the graph numbers them (compactly: [`Node::index`]).
//! - [`Scoped`]: the part of the graph a [`Lens`] lets through (relation kinds, entity kinds
//!   or a set of entities, claim statuses, a date range), directed, its entities numbered
//!   `0..k` in scope (compact as well); optionally watched by a deadline ([`Watch`]).
//! - [`Undirected`]: a scoped view read undirected: each relation is an edge between its two
//!   ends whatever its direction, parallel relations stay parallel edges, a self-loop is one
//!   edge (as petgraph's `UnGraph` of the same relations).
//!
//! Node ids are [`Node`], edge ids [`Edge`], node weights the [`EntityKind`] and edge weights
//! the [`RelationKind`] (read from the records: no text is touched). Every iterator is a named
//! type of this module and walks the graph's own compressed rows.
//!
//! Costs: neighbours and edges of an entity O(1) to start and O(1) a step (a relation record
//! read per step for the scoped views and for edge references; `&Graph`'s neighbours read the
//! row of other ends only, as the store's own walks do); node and edge references O(V) and
//! O(E) in all; a visit map O(V / 8) bytes. A scoped view tests each relation in O(1) and each
//! entity in O(1) (O(log k) for a short list of k entities, see [`Lens`]).
//!
//! What runs on petgraph: strongly connected groups (`kosaraju_scc`), bridges (`bridges`),
//! maximal cliques (`maximal_cliques`) and the most reliable paths (`astar`). What does not,
//! and why: petgraph's `page_rank` compares every pair of entities in each iteration
//! (O(V² · d)), so the store keeps its own O(E) an iteration; petgraph has no betweenness nor
//! Louvain; its `articulation_points` does not give the parts a broker separates, and its
//! `steiner_tree` needs an `UnGraph` copy and a search per terminal — the store's brokers and
//! connecting subgraphs run on these traits instead (see `analytics/`).
//!
//! # Layout
//! - `mod.rs`: what the views share — the iterators, petgraph's node and edge references, the
//!   visit map and the deadline watch;
//! - `steps.rs`: the walk of an entity's relations that the iterators share;
//! - `graph.rs`: the traits on `&Graph`; `watch.rs` the deadline a view checks;
//! - `scoped.rs`: [`Scoped`] and [`Undirected`] and their traits.

use super::deadline::{Deadline, Expired};
use super::graph::{Edge, Graph, Node};
use super::lens::Lens;
use super::records::DEAD;
use crate::model::{EntityKind, RelationKind};
use fixedbitset::FixedBitSet;
use hashbrown::HashSet;
use petgraph::visit::{
    Data, EdgeIndexable, EdgeRef, GetAdjacencyMatrix, GraphBase, GraphProp, GraphRef,
    IntoEdgeReferences, IntoEdges, IntoEdgesDirected, IntoNeighbors, IntoNeighborsDirected,
    IntoNodeIdentifiers, IntoNodeReferences, NodeCompactIndexable, NodeCount, NodeIndexable,
    NodeRef, VisitMap, Visitable,
};
use petgraph::Direction::{Incoming, Outgoing};
use std::cell::Cell;
use std::ops::Range;

mod graph;
mod scoped;
mod steps;
mod watch;

pub use scoped::{Scoped, Undirected};
use steps::{Row, Steps};
pub use watch::Watch;

/// A relation seen through a view: petgraph's edge reference. `source` and `target` are as
/// stored for directed views and edge references; an undirected view's `edges(a)` gives `a`
/// as the source (and its incoming `edges_directed` gives `a` as the target), as petgraph's
/// `UnGraph` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    edge: Edge,
    source: Node,
    target: Node,
    kind: RelationKind,
}

impl EdgeRef for Link {
    type NodeId = Node;
    type EdgeId = Edge;
    type Weight = RelationKind;
    fn source(&self) -> Node {
        self.source
    }
    fn target(&self) -> Node {
        self.target
    }
    fn weight(&self) -> &RelationKind {
        &self.kind
    }
    fn id(&self) -> Edge {
        self.edge
    }
}

/// An entity seen through a view: petgraph's node reference, weighted by its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityNode {
    node: Node,
    kind: EntityKind,
}

impl NodeRef for EntityNode {
    type NodeId = Node;
    type Weight = EntityKind;
    fn id(&self) -> Node {
        self.node
    }
    fn weight(&self) -> &EntityKind {
        &self.kind
    }
}

/// The entities one relation away through a view (with repeats where several relations lead
/// to the same entity, as petgraph's own graphs give them). O(1) a step.
#[derive(Debug, Clone)]
pub struct Neighbors<'g>(Walk<'g>);

/// How [`Neighbors`] walks: straight down the rows of other ends when nothing is to be tested
/// (`&Graph`, or a view whose lens lets everything through), else through [`Steps`].
#[derive(Debug, Clone)]
enum Walk<'g> {
    Ends {
        out: std::slice::Iter<'g, u32>,
        inc: std::slice::Iter<'g, u32>,
        node: u32,
        skip_loops: bool,
    },
    Steps(Steps<'g>),
}

impl<'g> Neighbors<'g> {
    fn of(s: Steps<'g>) -> Neighbors<'g> {
        if s.lens.is_none() && !s.out.symmetric_only && !s.inc.symmetric_only {
            return Neighbors(Walk::Ends {
                out: s.out.ends.iter(),
                inc: s.inc.ends.iter(),
                node: s.node,
                skip_loops: s.skip_loops,
            });
        }
        Neighbors(Walk::Steps(s))
    }
}

impl Iterator for Neighbors<'_> {
    type Item = Node;

    #[inline]
    fn next(&mut self) -> Option<Node> {
        match &mut self.0 {
            Walk::Ends {
                out,
                inc,
                node,
                skip_loops,
            } => {
                if let Some(&o) = out.next() {
                    return Some(Node::new(o as usize));
                }
                for &o in inc.by_ref() {
                    if !(*skip_loops && o == *node) {
                        return Some(Node::new(o as usize));
                    }
                }
                None
            }
            Walk::Steps(s) => s.next().map(|(_, o, _)| o),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            Walk::Ends { out, inc, .. } => (out.len(), Some(out.len() + inc.len())),
            Walk::Steps(s) => s.size_hint(),
        }
    }
}

/// How an edge iterator orients the [`Link`]s it gives.
#[derive(Debug, Clone, Copy)]
enum Orient {
    /// As stored.
    Stored,
    /// The entity walked from as the source.
    FromNode,
    /// The entity walked from as the target.
    ToNode,
}

/// The relations of one entity through a view, as [`Link`]s. O(1) a step (a record read).
#[derive(Debug, Clone)]
pub struct Edges<'g> {
    steps: Steps<'g>,
    orient: Orient,
}

impl Iterator for Edges<'_> {
    type Item = Link;

    #[inline]
    fn next(&mut self) -> Option<Link> {
        let (edge, other, forward) = self.steps.next()?;
        let node = Node::new(self.steps.node as usize);
        let (source, target) = match (self.orient, forward) {
            (Orient::Stored, true) | (Orient::FromNode, _) => (node, other),
            (Orient::Stored, false) | (Orient::ToNode, _) => (other, node),
        };
        Some(Link {
            edge,
            source,
            target,
            kind: self.steps.graph.relation_kind(edge),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.steps.size_hint()
    }
}

/// Every relation through a view, in the order they were added, as stored. O(E) in all.
#[derive(Debug, Clone)]
pub struct EdgeReferences<'g> {
    graph: &'g Graph,
    lens: Option<&'g Lens>,
    range: Range<u32>,
}

impl Iterator for EdgeReferences<'_> {
    type Item = Link;

    fn next(&mut self) -> Option<Link> {
        for e in self.range.by_ref() {
            let r = &self.graph.relations[e as usize];
            if r.bits & DEAD != 0 {
                continue;
            }
            let (source, target) = (Node::new(r.from as usize), Node::new(r.to as usize));
            if self
                .lens
                .is_none_or(|l| l.passes(self.graph, e) && l.admits(source) && l.admits(target))
            {
                return Some(Link {
                    edge: Edge::new(e as usize),
                    source,
                    target,
                    kind: r.kind,
                });
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.range.len();
        (if self.lens.is_none() { left } else { 0 }, Some(left))
    }
}

/// Every entity through a view, by number. O(1) a step.
#[derive(Debug, Clone)]
pub struct NodeIdentifiers<'g> {
    lens: Option<&'g Lens>,
    /// The graph, when entities removed since its layout leave gaps to skip.
    gaps: Option<&'g Graph>,
    range: Range<usize>,
}

impl Iterator for NodeIdentifiers<'_> {
    type Item = Node;

    #[inline]
    fn next(&mut self) -> Option<Node> {
        loop {
            let i = self.range.next()?;
            let node = self.lens.map_or(Node::new(i), |l| l.node(i));
            if self.gaps.is_none_or(|g| !g.node_removed(node)) {
                return Some(node);
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.gaps {
            None => self.range.size_hint(),
            Some(_) => (0, Some(self.range.len())),
        }
    }
}

/// Every entity through a view with its kind, by number. O(1) a step (a record read).
#[derive(Debug, Clone)]
pub struct NodeReferences<'g> {
    graph: &'g Graph,
    ids: NodeIdentifiers<'g>,
}

impl Iterator for NodeReferences<'_> {
    type Item = EntityNode;

    fn next(&mut self) -> Option<EntityNode> {
        let node = self.ids.next()?;
        Some(EntityNode {
            node,
            kind: self.graph.entity_kind(node),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ids.size_hint()
    }
}

impl ExactSizeIterator for NodeReferences<'_> {}

/// Which entities a walk through a view has visited: a bit per entity in scope, by number.
#[derive(Debug, Clone)]
pub struct Visited<'g> {
    bits: FixedBitSet,
    lens: Option<&'g Lens>,
}

impl Visited<'_> {
    #[inline]
    fn bit(&self, n: Node) -> usize {
        match self.lens {
            None => n.index(),
            Some(l) => l.index(n).expect("an entity in the view's scope"),
        }
    }
}

impl VisitMap<Node> for Visited<'_> {
    #[inline]
    fn visit(&mut self, a: Node) -> bool {
        let i = self.bit(a);
        !self.bits.put(i)
    }
    #[inline]
    fn is_visited(&self, a: &Node) -> bool {
        self.bits.contains(self.bit(*a))
    }
    fn unvisit(&mut self, a: Node) -> bool {
        let i = self.bit(a);
        let was = self.bits.contains(i);
        self.bits.set(i, false);
        was
    }
}
