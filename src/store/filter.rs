//! Which relations a traversal may follow, and in which direction.

use super::as_of::AsOf;
use super::graph::{Edge, Graph, Node};
use crate::model::{EntityKind, RelationKind};

/// Which way a relation is walked, seen from the entity at hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Relations where the entity is `from` (what it did).
    Outgoing,
    /// Relations where the entity is `to` (what was done to it).
    Incoming,
    /// Both.
    #[default]
    Both,
}

/// A filter on relations and the entities they lead to. The default follows everything.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    /// Only relations of these kinds (`None`: all).
    pub relation_kinds: Option<&'a [RelationKind]>,
    /// Only in this direction. Symmetric relations match every direction.
    pub direction: Direction,
    /// Only to entities of these kinds (`None`: all).
    pub entity_kinds: Option<&'a [EntityKind]>,
    /// Only what was in force on this day: relations and both their ends, entities (events)
    /// reached (`None`: everything ever recorded). See [`AsOf`].
    pub as_of: Option<AsOf>,
}

impl Filter<'_> {
    /// Whether `edge`, seen from `node`, passes the relation-kind, direction and as-of
    /// filters, and if so, the entity at its other end. (Under an as-of day, a relation passes
    /// only if both its ends are in force too; the entity-kind filter is [`Filter::admits`].)
    pub fn step(&self, graph: &Graph, node: Node, edge: Edge) -> Option<Node> {
        let kind = graph.relation_kind(edge);
        if self.relation_kinds.is_some_and(|k| !k.contains(&kind)) {
            return None;
        }
        if self
            .as_of
            .is_some_and(|a| !graph.relation_in_force(edge, a))
        {
            return None;
        }
        let (from, to) = graph.endpoints(edge);
        let other = if from == node { to } else { from };
        let ok = match self.direction {
            Direction::Both => true,
            _ if kind.is_symmetric() => true,
            Direction::Outgoing => from == node,
            Direction::Incoming => to == node,
        };
        ok.then_some(other)
    }

    /// Whether the filter lets every relation through, either way, to every entity.
    pub fn follows_all(&self) -> bool {
        self.relation_kinds.is_none()
            && self.direction == Direction::Both
            && self.entity_kinds.is_none()
            && self.as_of.is_none()
    }

    /// Whether an entity passes the entity-kind filter and is in force on the as-of day.
    pub fn admits(&self, graph: &Graph, node: Node) -> bool {
        self.entity_kinds
            .is_none_or(|k| k.contains(&graph.entity_kind(node)))
            && self.as_of.is_none_or(|a| graph.entity_in_force(node, a))
    }
}
