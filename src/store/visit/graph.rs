//! petgraph's traits on `&Graph`: everything, directed as stored.

use super::*;

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

/// O(1): entities are numbered in the order they were added. Not compact while entities
/// removed since the last layout leave gaps ([`Graph::node_removed`]): algorithms that need
/// `NodeCompactIndexable` run on a [`Scoped`] view, which numbers the entities `0..n`.
impl NodeIndexable for Graph {
    fn node_bound(&self) -> usize {
        Graph::node_bound(self)
    }
    fn to_index(&self, a: Node) -> usize {
        a.index()
    }
    fn from_index(&self, i: usize) -> Node {
        Node::new(i)
    }
}

/// O(1): relations are numbered in the order they were added.
impl EdgeIndexable for Graph {
    fn edge_bound(&self) -> usize {
        Graph::edge_bound(self)
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
            bits: FixedBitSet::with_capacity(self.node_bound()),
            lens: None,
        }
    }
    fn reset_map(&self, map: &mut Visited<'static>) {
        map.bits.clear();
        map.bits.grow(self.node_bound());
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
            range: 0..self.edge_bound() as u32,
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
            gaps: self.has_gaps().then_some(self),
            range: 0..self.node_bound(),
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
