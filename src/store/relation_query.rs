//! Selecting relations by kind, ends and date, and ordering them in time.

use super::as_of::AsOf;
use super::graph::{Edge, Graph, Node};
use crate::model::{Date, RelationKind};

/// Which relations to select. The default selects all of them.
#[derive(Debug, Clone, Default)]
pub struct RelationQuery<'a> {
    /// Only these kinds (`None`: all).
    pub kinds: Option<&'a [RelationKind]>,
    /// Only relations from this entity (for symmetric kinds: with it at either end).
    pub from: Option<Node>,
    /// Only relations to this entity (for symmetric kinds: with it at either end).
    pub to: Option<Node>,
    /// Only relations touching this entity, at either end.
    pub touching: Option<Node>,
    /// Only dated relations whose period overlaps from this date on.
    pub since: Option<Date>,
    /// Only dated relations whose period overlaps up to this date.
    pub until: Option<Date>,
    /// Only relations in force on this day, with both their ends (see [`AsOf`]).
    pub as_of: Option<AsOf>,
}

impl Graph {
    /// The relations matching the query, in the order they were added. Uses the adjacency of
    /// an entity when one is given (O(degree)), else scans all relations (O(E)).
    pub fn select_relations(&self, q: &RelationQuery) -> Vec<Edge> {
        let anchor = q.touching.or(q.from).or(q.to);
        let candidates: Vec<Edge> = match anchor {
            Some(n) => self.incident(n),
            None => self.all_relations().collect(),
        };
        candidates
            .into_iter()
            .filter(|&e| self.matches(e, q))
            .collect()
    }

    /// The dated relations matching the query (undated ones are left out), oldest first; ties
    /// keep the order they were added. O(E log E), or O(degree log degree) with an entity.
    pub fn timeline(&self, q: &RelationQuery) -> Vec<Edge> {
        let mut edges: Vec<Edge> = self
            .select_relations(q)
            .into_iter()
            .filter(|&e| self.relation(e).date().is_some())
            .collect();
        edges.sort_by_key(|&e| (self.relation(e).date(), e));
        edges
    }

    /// The relations matching the query in date order: dated ones oldest first (a month or a
    /// year sorts before its days), then the undated ones; ties keep the order they were
    /// added. The same relations as [`Graph::select_relations`], ordered. O(E log E), or
    /// O(degree log degree) with an entity.
    pub fn relations_by_date(&self, q: &RelationQuery) -> Vec<Edge> {
        let mut edges = self.select_relations(q);
        edges.sort_by_cached_key(|&e| {
            let date = self.relation(e).date();
            (date.is_none(), date, e)
        });
        edges
    }

    fn matches(&self, e: Edge, q: &RelationQuery) -> bool {
        let rel = self.relation(e);
        let kind = rel.kind();
        if q.kinds.is_some_and(|k| !k.contains(&kind)) {
            return false;
        }
        let (from, to) = self.endpoints(e);
        let either = |n: Node| from == n || to == n;
        let sym = kind.is_symmetric();
        if let Some(n) = q.from {
            if !(from == n || (sym && to == n)) {
                return false;
            }
        }
        if let Some(n) = q.to {
            if !(to == n || (sym && from == n)) {
                return false;
            }
        }
        if q.touching.is_some_and(|n| !either(n)) {
            return false;
        }
        if q.since.is_some() || q.until.is_some() {
            match rel.date() {
                Some(d) if d.overlaps(rel.until(), q.since, q.until) => {}
                _ => return false,
            }
        }
        if q.as_of.is_some_and(|a| !self.relation_in_force(e, a)) {
            return false;
        }
        true
    }
}
