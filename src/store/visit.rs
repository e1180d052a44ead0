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

use super::deadline::{Deadline, Expired};
use super::graph::{Edge, Graph, Node};
use super::lens::Lens;
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

/// A deadline that a view checks as an algorithm walks it, for algorithms (petgraph's) that
/// cannot be told to stop: once the deadline has passed, every neighbour and edge iterator
/// the view starts is empty, so the algorithm runs out of graph and ends within O(V) more
/// steps; its answer is then incomplete and [`Watch::finish`] says so.
///
/// Checks the clock once every 1024 iterators started.
#[derive(Debug)]
pub struct Watch {
    deadline: Deadline,
    count: Cell<u32>,
    expired: Cell<bool>,
}

impl Watch {
    const EVERY: u32 = 1024;

    /// A watch over `deadline`.
    pub fn new(deadline: Deadline) -> Watch {
        Watch {
            deadline,
            count: Cell::new(0),
            expired: Cell::new(false),
        }
    }

    /// Counts one step; false once the deadline has been seen passed (and from then on).
    #[inline]
    pub fn tick(&self) -> bool {
        if self.expired.get() {
            return false;
        }
        let c = self.count.get() + 1;
        if c >= Self::EVERY {
            self.count.set(0);
            if self.deadline.expired() {
                self.expired.set(true);
                return false;
            }
        } else {
            self.count.set(c);
        }
        true
    }

    /// `Err(Expired)` if the watch cut a walk short: whatever was computed through the view
    /// is incomplete and must be dropped. A deadline passed after the work ended is no error.
    pub fn finish(&self) -> Result<(), Expired> {
        if self.expired.get() {
            Err(Expired)
        } else {
            Ok(())
        }
    }
}

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

/// A part of an adjacency row: relations and the entities at their other ends.
#[derive(Debug, Clone, Copy, Default)]
struct Row<'g> {
    edges: &'g [u32],
    ends: &'g [u32],
    /// Only relations of symmetric kinds.
    symmetric_only: bool,
}

impl<'g> Row<'g> {
    fn out(g: &'g Graph, n: Node) -> Row<'g> {
        Row {
            edges: g.outgoing.row(n.index()),
            ends: g.outgoing.ends(n.index()),
            symmetric_only: false,
        }
    }

    fn inc(g: &'g Graph, n: Node) -> Row<'g> {
        Row {
            edges: g.incoming.row(n.index()),
            ends: g.incoming.ends(n.index()),
            symmetric_only: false,
        }
    }

    fn symmetric(self) -> Row<'g> {
        Row {
            symmetric_only: true,
            ..self
        }
    }

    #[inline]
    fn pop(&mut self) -> Option<(u32, u32)> {
        let (&e, rest) = self.edges.split_first()?;
        let o = self.ends[0];
        self.edges = rest;
        self.ends = &self.ends[1..];
        Some((e, o))
    }
}

/// The relations of one entity through a view, with the entity at the other end and whether
/// the relation is stored leaving the entity: the walk every neighbour and edge iterator here
/// shares. Reads the outgoing row, then the incoming one.
#[derive(Debug, Clone)]
struct Steps<'g> {
    graph: &'g Graph,
    lens: Option<&'g Lens>,
    node: u32,
    out: Row<'g>,
    inc: Row<'g>,
    /// Skip self-loops in the incoming row (they were given from the outgoing one).
    skip_loops: bool,
}

impl<'g> Steps<'g> {
    fn new(graph: &'g Graph, lens: Option<&'g Lens>, node: Node) -> Steps<'g> {
        Steps {
            graph,
            lens,
            node: node.index() as u32,
            out: Row::default(),
            inc: Row::default(),
            skip_loops: false,
        }
    }

    #[inline]
    fn passes(&self, e: u32, other: u32, symmetric_only: bool) -> bool {
        (!symmetric_only || self.graph.relations[e as usize].kind.is_symmetric())
            && self
                .lens
                .is_none_or(|l| l.passes(self.graph, e) && l.admits(Node::new(other as usize)))
    }
}

impl Iterator for Steps<'_> {
    type Item = (Edge, Node, bool);

    #[inline]
    fn next(&mut self) -> Option<(Edge, Node, bool)> {
        while let Some((e, o)) = self.out.pop() {
            if self.passes(e, o, self.out.symmetric_only) {
                return Some((Edge::new(e as usize), Node::new(o as usize), true));
            }
        }
        while let Some((e, o)) = self.inc.pop() {
            if self.skip_loops && o == self.node {
                continue;
            }
            if self.passes(e, o, self.inc.symmetric_only) {
                return Some((Edge::new(e as usize), Node::new(o as usize), false));
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.out.edges.len() + self.inc.edges.len()))
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
    range: Range<usize>,
}

impl Iterator for NodeIdentifiers<'_> {
    type Item = Node;

    #[inline]
    fn next(&mut self) -> Option<Node> {
        let i = self.range.next()?;
        Some(self.lens.map_or(Node::new(i), |l| l.node(i)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl ExactSizeIterator for NodeIdentifiers<'_> {}

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

// ---------------------------------------------------------------------------------------
// `&Graph`: everything, directed as stored.

impl GraphBase for Graph {
    type NodeId = Node;
    type EdgeId = Edge;
}

impl Data for Graph {
    type NodeWeight = EntityKind;
    type EdgeWeight = RelationKind;
}

impl GraphProp for Graph {
    type EdgeType = petgraph::Directed;
}

/// O(1).
impl NodeCount for Graph {
    fn node_count(&self) -> usize {
        self.entity_count()
    }
}

/// O(1): entities are numbered in the order they were added.
impl NodeIndexable for Graph {
    fn node_bound(&self) -> usize {
        self.entity_count()
    }
    fn to_index(&self, a: Node) -> usize {
        a.index()
    }
    fn from_index(&self, i: usize) -> Node {
        Node::new(i)
    }
}

impl NodeCompactIndexable for Graph {}

/// O(1): relations are numbered in the order they were added.
impl EdgeIndexable for Graph {
    fn edge_bound(&self) -> usize {
        self.relation_count()
    }
    fn to_index(&self, a: Edge) -> usize {
        a.index()
    }
    fn from_index(&self, i: usize) -> Edge {
        Edge::new(i)
    }
}

/// A bit set of the entities: O(V / 8) bytes to make.
impl Visitable for Graph {
    type Map = Visited<'static>;
    fn visit_map(&self) -> Visited<'static> {
        Visited {
            bits: FixedBitSet::with_capacity(self.entity_count()),
            lens: None,
        }
    }
    fn reset_map(&self, map: &mut Visited<'static>) {
        map.bits.clear();
        map.bits.grow(self.entity_count());
    }
}

/// Outgoing neighbours, read from the row of other ends: O(1) to start and a step.
impl<'g> IntoNeighbors for &'g Graph {
    type Neighbors = Neighbors<'g>;
    fn neighbors(self, a: Node) -> Neighbors<'g> {
        let mut s = Steps::new(self, None, a);
        s.out = Row::out(self, a);
        Neighbors::of(s)
    }
}

/// `&Graph`'s walk from `a` one way.
fn graph_steps(g: &Graph, a: Node, d: petgraph::Direction) -> Steps<'_> {
    let mut s = Steps::new(g, None, a);
    match d {
        Outgoing => s.out = Row::out(g, a),
        Incoming => s.inc = Row::inc(g, a),
    }
    s
}

/// Outgoing or incoming neighbours: O(1) to start and a step.
impl<'g> IntoNeighborsDirected for &'g Graph {
    type NeighborsDirected = Neighbors<'g>;
    fn neighbors_directed(self, a: Node, d: petgraph::Direction) -> Neighbors<'g> {
        Neighbors::of(graph_steps(self, a, d))
    }
}

/// Every relation, as stored: O(E) in all, a record read each.
impl<'g> IntoEdgeReferences for &'g Graph {
    type EdgeRef = Link;
    type EdgeReferences = EdgeReferences<'g>;
    fn edge_references(self) -> EdgeReferences<'g> {
        EdgeReferences {
            graph: self,
            lens: None,
            range: 0..self.relation_count() as u32,
        }
    }
}

/// Outgoing relations: O(1) to start, a record read a step.
impl<'g> IntoEdges for &'g Graph {
    type Edges = Edges<'g>;
    fn edges(self, a: Node) -> Edges<'g> {
        self.edges_directed(a, Outgoing)
    }
}

/// Outgoing or incoming relations, as stored: O(1) to start, a record read a step.
impl<'g> IntoEdgesDirected for &'g Graph {
    type EdgesDirected = Edges<'g>;
    fn edges_directed(self, a: Node, d: petgraph::Direction) -> Edges<'g> {
        Edges {
            steps: graph_steps(self, a, d),
            orient: Orient::Stored,
        }
    }
}

/// Every entity: O(1) to start and a step.
impl<'g> IntoNodeIdentifiers for &'g Graph {
    type NodeIdentifiers = NodeIdentifiers<'g>;
    fn node_identifiers(self) -> NodeIdentifiers<'g> {
        NodeIdentifiers {
            lens: None,
            range: 0..self.entity_count(),
        }
    }
}

/// Every entity with its kind: O(1) to start and a step.
impl<'g> IntoNodeReferences for &'g Graph {
    type NodeRef = EntityNode;
    type NodeReferences = NodeReferences<'g>;
    fn node_references(self) -> NodeReferences<'g> {
        NodeReferences {
            graph: self,
            ids: self.node_identifiers(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Scoped and undirected views.

/// The part of a graph a [`Lens`] lets through, directed as stored (or with symmetric
/// relations both ways, see [`Lens::symmetric_both_ways`]), its entities numbered `0..k` in
/// scope. Make one with [`Scoped::new`]; read it undirected with [`Scoped::undirected`].
///
/// Entities out of scope are not in the view: they have no number, no neighbours, and no
/// relation leads to them. `to_index` panics on one.
#[derive(Debug, Clone, Copy)]
pub struct Scoped<'g> {
    graph: &'g Graph,
    lens: &'g Lens,
    watch: Option<&'g Watch>,
}

/// A scoped view read undirected (see the module docs). Made with [`Scoped::undirected`].
#[derive(Debug, Clone, Copy)]
pub struct Undirected<'g>(Scoped<'g>);

impl<'g> Scoped<'g> {
    /// The part of `graph` that `lens` (compiled for this graph) lets through. O(1).
    pub fn new(graph: &'g Graph, lens: &'g Lens) -> Scoped<'g> {
        Scoped {
            graph,
            lens,
            watch: None,
        }
    }

    /// The same view, stopping walks once `watch`'s deadline has passed (see [`Watch`]).
    pub fn watched(self, watch: &'g Watch) -> Scoped<'g> {
        Scoped {
            watch: Some(watch),
            ..self
        }
    }

    /// The same view read undirected. O(1).
    pub fn undirected(self) -> Undirected<'g> {
        Undirected(self)
    }

    /// The graph under the view.
    pub fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// The lens of the view.
    pub fn lens(&self) -> &'g Lens {
        self.lens
    }

    /// A walk from `a` with no rows yet; `None` if `a` is out of scope or the watch has
    /// expired.
    #[inline]
    fn start(&self, a: Node) -> Option<Steps<'g>> {
        if self.watch.is_some_and(|w| !w.tick()) || !self.lens.admits(a) {
            return None;
        }
        Some(Steps::new(self.graph, self.lens_or_none(), a))
    }

    fn directed_steps(&self, a: Node, d: petgraph::Direction) -> Steps<'g> {
        let Some(mut s) = self.start(a) else {
            return Steps::new(self.graph, None, a);
        };
        let (out, inc) = (Row::out(self.graph, a), Row::inc(self.graph, a));
        match d {
            Outgoing => {
                s.out = out;
                if self.lens.both_ways() {
                    s.inc = inc.symmetric();
                    s.skip_loops = true;
                }
            }
            Incoming => {
                s.inc = inc;
                if self.lens.both_ways() {
                    s.out = out.symmetric();
                    s.skip_loops = true;
                }
            }
        }
        s
    }

    fn undirected_steps(&self, a: Node) -> Steps<'g> {
        let Some(mut s) = self.start(a) else {
            return Steps::new(self.graph, None, a);
        };
        s.out = Row::out(self.graph, a);
        s.inc = Row::inc(self.graph, a);
        s.skip_loops = true;
        s
    }

    fn lens_or_none(&self) -> Option<&'g Lens> {
        (!self.lens.is_everything()).then_some(self.lens)
    }
}

impl<'g> Undirected<'g> {
    /// The directed view this one reads undirected.
    pub fn scoped(&self) -> Scoped<'g> {
        self.0
    }
}

/// The traits both views share, whose answers do not depend on direction.
macro_rules! common_traits {
    ($view:ident, $edge_type:ty, |$v:ident| $inner:expr) => {
        impl GraphBase for $view<'_> {
            type NodeId = Node;
            type EdgeId = Edge;
        }

        impl GraphRef for $view<'_> {}

        impl Data for $view<'_> {
            type NodeWeight = EntityKind;
            type EdgeWeight = RelationKind;
        }

        impl GraphProp for $view<'_> {
            type EdgeType = $edge_type;
        }

        /// The entities in scope. O(1).
        impl NodeCount for $view<'_> {
            fn node_count(&self) -> usize {
                let $v = self;
                $inner.lens.node_count()
            }
        }

        /// The entities in scope, numbered `0..k`: O(1) (O(log k) from a short list of k
        /// entities to a number). `to_index` panics on an entity out of scope.
        impl NodeIndexable for $view<'_> {
            fn node_bound(&self) -> usize {
                let $v = self;
                $inner.lens.node_count()
            }
            fn to_index(&self, a: Node) -> usize {
                let $v = self;
                $inner.lens.index(a).expect("an entity in the view's scope")
            }
            fn from_index(&self, i: usize) -> Node {
                let $v = self;
                $inner.lens.node(i)
            }
        }

        impl NodeCompactIndexable for $view<'_> {}

        /// Relations keep the graph's numbers (those out of scope are gaps). O(1).
        impl EdgeIndexable for $view<'_> {
            fn edge_bound(&self) -> usize {
                let $v = self;
                $inner.graph.relation_count()
            }
            fn to_index(&self, a: Edge) -> usize {
                a.index()
            }
            fn from_index(&self, i: usize) -> Edge {
                Edge::new(i)
            }
        }

        /// A bit set of the entities in scope: O(k / 8) bytes to make.
        impl<'g> Visitable for $view<'g> {
            type Map = Visited<'g>;
            fn visit_map(&self) -> Visited<'g> {
                let $v = self;
                let lens = $inner.lens;
                Visited {
                    bits: FixedBitSet::with_capacity(self.node_bound()),
                    lens: lens.nodes_listed().then_some(lens),
                }
            }
            fn reset_map(&self, map: &mut Visited<'g>) {
                map.bits.clear();
                map.bits.grow(self.node_bound());
            }
        }

        /// Every relation in scope, as stored: O(E) in all (every relation is tested).
        impl<'g> IntoEdgeReferences for $view<'g> {
            type EdgeRef = Link;
            type EdgeReferences = EdgeReferences<'g>;
            fn edge_references(self) -> EdgeReferences<'g> {
                let $v = &self;
                let s = $inner;
                EdgeReferences {
                    graph: s.graph,
                    lens: s.lens_or_none(),
                    range: 0..s.graph.relation_count() as u32,
                }
            }
        }

        /// Every entity in scope: O(1) to start and a step.
        impl<'g> IntoNodeIdentifiers for $view<'g> {
            type NodeIdentifiers = NodeIdentifiers<'g>;
            fn node_identifiers(self) -> NodeIdentifiers<'g> {
                let $v = &self;
                let s = $inner;
                NodeIdentifiers {
                    lens: s.lens.nodes_listed().then_some(s.lens),
                    range: 0..s.lens.node_count(),
                }
            }
        }

        /// Every entity in scope with its kind: O(1) to start and a step.
        impl<'g> IntoNodeReferences for $view<'g> {
            type NodeRef = EntityNode;
            type NodeReferences = NodeReferences<'g>;
            fn node_references(self) -> NodeReferences<'g> {
                let $v = &self;
                let graph = $inner.graph;
                NodeReferences {
                    graph,
                    ids: self.node_identifiers(),
                }
            }
        }
    };
}

common_traits!(Scoped, petgraph::Directed, |v| v);
common_traits!(Undirected, petgraph::Undirected, |v| v.0);

/// Neighbours along the relations in scope leaving `a` (and arriving at it for symmetric
/// kinds under [`Lens::symmetric_both_ways`]): O(1) to start, a record read a step.
impl<'g> IntoNeighbors for Scoped<'g> {
    type Neighbors = Neighbors<'g>;
    fn neighbors(self, a: Node) -> Neighbors<'g> {
        Neighbors::of(self.directed_steps(a, Outgoing))
    }
}

/// Neighbours along the relations in scope leaving or arriving at `a`: O(1) to start, a
/// record read a step.
impl<'g> IntoNeighborsDirected for Scoped<'g> {
    type NeighborsDirected = Neighbors<'g>;
    fn neighbors_directed(self, a: Node, d: petgraph::Direction) -> Neighbors<'g> {
        Neighbors::of(self.directed_steps(a, d))
    }
}

/// The relations in scope leaving `a`: O(1) to start, a record read a step.
impl<'g> IntoEdges for Scoped<'g> {
    type Edges = Edges<'g>;
    fn edges(self, a: Node) -> Edges<'g> {
        self.edges_directed(a, Outgoing)
    }
}

/// The relations in scope leaving or arriving at `a`: O(1) to start, a record read a step.
/// A symmetric relation walked against its direction is given with `a` as its source
/// (outgoing) or target (incoming).
impl<'g> IntoEdgesDirected for Scoped<'g> {
    type EdgesDirected = Edges<'g>;
    fn edges_directed(self, a: Node, d: petgraph::Direction) -> Edges<'g> {
        let orient = match (self.lens.both_ways(), d) {
            (false, _) => Orient::Stored,
            (true, Outgoing) => Orient::FromNode,
            (true, Incoming) => Orient::ToNode,
        };
        Edges {
            steps: self.directed_steps(a, d),
            orient,
        }
    }
}

/// Neighbours along every relation in scope touching `a`: O(1) to start, a record read a
/// step (none when the lens lets everything through).
impl<'g> IntoNeighbors for Undirected<'g> {
    type Neighbors = Neighbors<'g>;
    fn neighbors(self, a: Node) -> Neighbors<'g> {
        Neighbors::of(self.0.undirected_steps(a))
    }
}

/// The same as [`IntoNeighbors`]: direction does not matter here.
impl<'g> IntoNeighborsDirected for Undirected<'g> {
    type NeighborsDirected = Neighbors<'g>;
    fn neighbors_directed(self, a: Node, _: petgraph::Direction) -> Neighbors<'g> {
        self.neighbors(a)
    }
}

/// Every relation in scope touching `a`, with `a` as the source: O(1) to start, a record
/// read a step.
impl<'g> IntoEdges for Undirected<'g> {
    type Edges = Edges<'g>;
    fn edges(self, a: Node) -> Edges<'g> {
        self.edges_directed(a, Outgoing)
    }
}

/// Every relation in scope touching `a`, with `a` as the source (outgoing) or target
/// (incoming): O(1) to start, a record read a step.
impl<'g> IntoEdgesDirected for Undirected<'g> {
    type EdgesDirected = Edges<'g>;
    fn edges_directed(self, a: Node, d: petgraph::Direction) -> Edges<'g> {
        Edges {
            steps: self.0.undirected_steps(a),
            orient: match d {
                Outgoing => Orient::FromNode,
                Incoming => Orient::ToNode,
            },
        }
    }
}

/// Pairs of adjacent entities in scope, for petgraph's clique search: O(Σ degree) to make
/// over the entities in scope — meant for small scopes such as a neighbourhood — and O(1)
/// to test.
impl GetAdjacencyMatrix for Undirected<'_> {
    type AdjMatrix = HashSet<(Node, Node)>;
    fn adjacency_matrix(&self) -> HashSet<(Node, Node)> {
        let mut pairs = HashSet::new();
        for a in self.node_identifiers() {
            for b in self.neighbors(a) {
                pairs.insert((a.min(b), a.max(b)));
            }
        }
        pairs
    }
    fn is_adjacent(&self, matrix: &HashSet<(Node, Node)>, a: Node, b: Node) -> bool {
        matrix.contains(&(a.min(b), a.max(b)))
    }
}
