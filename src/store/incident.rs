//! The relations touching one entity, read from its two rows without allocating (see
//! [`Incident`]).

use super::graph::{Edge, Node};

/// The relations touching one entity, in the order they were added: a merge of its outgoing
/// and incoming rows (both ascending), self-loops once. See [`Graph::incident_iter`](super::Graph::incident_iter).
#[derive(Debug, Clone)]
pub struct Incident<'g> {
    pub(super) out: &'g [u32],
    pub(super) out_ends: &'g [u32],
    pub(super) inc: &'g [u32],
    pub(super) inc_ends: &'g [u32],
    pub(super) node: u32,
}

impl Incident<'_> {
    /// The next relation with the entity at its other end (the entity itself for a
    /// self-loop), read from the rows without touching the relation's record.
    #[inline]
    fn next_with_end(&mut self) -> Option<(Edge, Node)> {
        loop {
            let take_out = match (self.out.first(), self.inc.first()) {
                (None, None) => return None,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => a <= b,
            };
            if take_out {
                let item = (
                    Edge::new(self.out[0] as usize),
                    Node::new(self.out_ends[0] as usize),
                );
                self.out = &self.out[1..];
                self.out_ends = &self.out_ends[1..];
                return Some(item);
            }
            let item = (
                Edge::new(self.inc[0] as usize),
                Node::new(self.inc_ends[0] as usize),
            );
            self.inc = &self.inc[1..];
            self.inc_ends = &self.inc_ends[1..];
            // A self-loop is in both rows; it was (or will be) given from the outgoing one.
            if item.1.index() as u32 != self.node {
                return Some(item);
            }
        }
    }
}

impl Iterator for Incident<'_> {
    type Item = Edge;

    #[inline]
    fn next(&mut self) -> Option<Edge> {
        self.next_with_end().map(|(e, _)| e)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.out.len(), Some(self.out.len() + self.inc.len()))
    }
}
