//! petgraph's traits on the scoped and undirected views.

use super::*;

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
                $inner.graph.edge_bound()
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
                    range: 0..s.graph.edge_bound() as u32,
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
                    gaps: None,
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
