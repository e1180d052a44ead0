//! The walk every neighbour and edge iterator of a view shares: an entity's relations, row by
//! row, each tested against the view's lens.

use super::super::graph::{Edge, Graph, Node};
use super::super::lens::Lens;

/// A part of an adjacency row: relations and the entities at their other ends.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Row<'g> {
    pub(super) edges: &'g [u32],
    pub(super) ends: &'g [u32],
    /// Only relations of symmetric kinds.
    pub(super) symmetric_only: bool,
}

impl<'g> Row<'g> {
    /// The outgoing row of `n`.
    pub(super) fn out(g: &'g Graph, n: Node) -> Row<'g> {
        Row {
            edges: g.outgoing.row(n.index()),
            ends: g.outgoing.ends(n.index()),
            symmetric_only: false,
        }
    }

    /// The incoming row of `n`.
    pub(super) fn inc(g: &'g Graph, n: Node) -> Row<'g> {
        Row {
            edges: g.incoming.row(n.index()),
            ends: g.incoming.ends(n.index()),
            symmetric_only: false,
        }
    }

    /// The same row, keeping relations of symmetric kinds only.
    pub(super) fn symmetric(self) -> Row<'g> {
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
pub(super) struct Steps<'g> {
    pub(super) graph: &'g Graph,
    pub(super) lens: Option<&'g Lens>,
    pub(super) node: u32,
    pub(super) out: Row<'g>,
    pub(super) inc: Row<'g>,
    /// Skip self-loops in the incoming row (they were given from the outgoing one).
    pub(super) skip_loops: bool,
}

impl<'g> Steps<'g> {
    /// No rows yet: the caller sets those to walk.
    pub(super) fn new(graph: &'g Graph, lens: Option<&'g Lens>, node: Node) -> Steps<'g> {
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
