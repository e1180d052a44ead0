//! What a scoped view of the graph lets through: relation kinds, entity kinds or a set of
//! entities, claim statuses, a date range and an as-of day — as plain data ([`Within`], a cache key) and
//! compiled against one graph version ([`Lens`], bit masks and a numbering of the entities in
//! scope), so the views of `visit.rs` test a relation in a few instructions.

use super::analytics::Scope;
use super::as_of::AsOf;
use super::graph::{Graph, Node};
use super::records::RelationRecord;
use crate::model::{ClaimStatus, Date, RelationKind};

/// A scope for the structural analyses and the petgraph views: the analytics' [`Scope`]
/// (relation kinds, entity kinds, a set of entities, an as-of day) plus claim statuses and a
/// date range.
/// Plain data, comparable and hashable: results are cached by it. The default is everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Within {
    /// Relation kinds, entity kinds, entities and the as-of day.
    pub scope: Scope,
    /// Only relations with one of these claim statuses (`None`: all). A relation without a
    /// status is stated by its source as fact, and counts as [`ClaimStatus::Reported`].
    pub claims: Option<Vec<ClaimStatus>>,
    /// Only dated relations whose period overlaps from this date on (undated ones are left
    /// out when either bound is given, as in `relations(since:, until:)`).
    pub since: Option<Date>,
    /// Only dated relations whose period overlaps up to this date.
    pub until: Option<Date>,
}

impl Within {
    /// The whole graph. O(1).
    pub fn all() -> Within {
        Within::default()
    }

    /// Only the given scope, every claim and date. O(1).
    pub fn scope(scope: Scope) -> Within {
        Within {
            scope,
            ..Within::default()
        }
    }

    /// The same restriction with every list sorted and without repeats (the cache key).
    /// O(k log k) for k listed items.
    pub fn normalised(&self) -> Within {
        let mut claims = self.claims.clone();
        if let Some(c) = claims.as_mut() {
            c.sort_unstable();
            c.dedup();
        }
        Within {
            scope: self.scope.normalised(),
            claims,
            since: self.since,
            until: self.until,
        }
    }
}

/// Visited "not in scope" in a dense numbering.
const OUT: u32 = u32::MAX;

/// The entities in scope, numbered `0..k` in the graph's entity (insertion) order.
#[derive(Debug, Clone)]
struct Numbering {
    /// The entities in scope, ascending.
    list: Vec<Node>,
    /// Each entity's number (indexed by [`Node::index`], [`OUT`] outside), when the list is
    /// large enough that a table beats a binary search; empty otherwise.
    dense: Vec<u32>,
}

/// A [`Within`] compiled for one graph version: bit masks for the kinds and claims, and the
/// entities in scope numbered `0..k` when entities are restricted (so that views are
/// compactly indexed and the algorithms' arrays are as small as the scope).
///
/// Building one costs O(1) without an entity restriction, O(V) with an entity-kind list or an
/// as-of day (events not in force then are left out of the numbering, when there are any) and
/// O(k log k) with a list of k entities. Testing a relation costs O(1) (a record read; a
/// side-table lookup, O(log x), for a dated relation with a period end under a date range).
#[derive(Debug, Clone)]
pub struct Lens {
    /// Bit `k as usize` for each relation kind admitted.
    relation_kinds: u64,
    /// Bit 0 for relations without a status, bit `i + 1` for `ClaimStatus::ALL[i]`.
    claims: u8,
    since: Option<Date>,
    until: Option<Date>,
    as_of: Option<AsOf>,
    /// The entities in scope when not all are.
    nodes: Option<Numbering>,
    /// Whether every relation passes the relation tests (kinds, claims, dates).
    all_relations: bool,
    /// Follow relations of symmetric kinds both ways in a directed view.
    symmetric_both_ways: bool,
    /// The graph's entity count, the identity numbering's bound.
    bound: usize,
}

const _: () = assert!(
    RelationKind::ALL.len() <= 64,
    "relation kinds fit a u64 mask"
);

impl Lens {
    /// Everything in `graph`. O(1), or O(V) while entities removed since the last layout
    /// leave gaps in the numbering (the rest are then listed, numbered `0..n`).
    pub fn all(graph: &Graph) -> Lens {
        if graph.has_gaps() {
            return Lens::new(graph, &Within::all());
        }
        Lens::identity(graph)
    }

    /// Every entity by its own number, every relation. O(1).
    fn identity(graph: &Graph) -> Lens {
        Lens {
            relation_kinds: u64::MAX,
            claims: u8::MAX,
            since: None,
            until: None,
            as_of: None,
            nodes: None,
            all_relations: true,
            symmetric_both_ways: false,
            bound: graph.node_bound(),
        }
    }

    /// `within` compiled for `graph` (see the type's docs for the cost). Entity handles of
    /// another version that name nothing here are ignored.
    pub fn new(graph: &Graph, within: &Within) -> Lens {
        let mut lens = Lens::identity(graph);
        let scope = &within.scope;
        if let Some(kinds) = &scope.relation_kinds {
            lens.relation_kinds = kinds.iter().fold(0, |m, &k| m | 1 << k as usize);
        }
        if let Some(claims) = &within.claims {
            lens.claims = claims.iter().fold(0, |m, &c| {
                let bits = RelationRecord::claim_bits(Some(c));
                // A relation without a status counts as reported.
                let none = if c == ClaimStatus::Reported { 1 } else { 0 };
                m | 1 << bits | none
            });
        }
        lens.since = within.since;
        lens.until = within.until;
        lens.as_of = scope.as_of;
        lens.all_relations = lens.relation_kinds == u64::MAX
            && lens.claims == u8::MAX
            && lens.since.is_none()
            && lens.until.is_none()
            && lens.as_of.is_none();
        // Under an as-of day, the entities are restricted only if some event is out of force.
        let as_of = scope
            .as_of
            .filter(|&a| (0..lens.bound).any(|i| !graph.entity_in_force(Node::new(i), a)));
        // Entities removed since the layout are gaps in the numbering, left out of the list.
        let gaps = graph.has_gaps();
        if scope.entity_kinds.is_some() || scope.nodes.is_some() || as_of.is_some() || gaps {
            let kinds = scope.entity_kinds.as_deref();
            let admits = |n: Node| {
                kinds.is_none_or(|k| k.contains(&graph.entity_kind(n)))
                    && as_of.is_none_or(|a| graph.entity_in_force(n, a))
                    && !(gaps && graph.node_removed(n))
            };
            let mut list: Vec<Node> = match &scope.nodes {
                Some(nodes) => nodes
                    .iter()
                    .copied()
                    .filter(|n| n.index() < lens.bound && admits(*n))
                    .collect(),
                None => (0..lens.bound)
                    .map(Node::new)
                    .filter(|&n| admits(n))
                    .collect(),
            };
            list.sort_unstable();
            list.dedup();
            lens.nodes = Some(numbering(list, lens.bound));
        }
        lens
    }

    /// The same lens, but a directed view walks relations of symmetric kinds (`CALLED`,
    /// `MET`, ...) both ways, as the store's own directed searches do. O(1).
    pub fn symmetric_both_ways(mut self) -> Lens {
        self.symmetric_both_ways = true;
        self
    }

    /// Whether a directed view walks symmetric relations both ways.
    pub(super) fn both_ways(&self) -> bool {
        self.symmetric_both_ways
    }

    /// Whether every relation and every entity passes.
    pub(super) fn is_everything(&self) -> bool {
        self.all_relations && self.nodes.is_none()
    }

    /// Whether the entities in scope are a list (renumbered), not all of the graph's.
    pub(super) fn nodes_listed(&self) -> bool {
        self.nodes.is_some()
    }

    /// How many entities are in scope: the views' node bound. O(1).
    pub fn node_count(&self) -> usize {
        self.nodes.as_ref().map_or(self.bound, |n| n.list.len())
    }

    /// The number of `node` among the entities in scope, or `None` if it is not in scope.
    /// O(1), or O(log k) for a short list of k entities.
    #[inline]
    pub fn index(&self, node: Node) -> Option<usize> {
        match &self.nodes {
            None => (node.index() < self.bound).then_some(node.index()),
            Some(n) if !n.dense.is_empty() => match n.dense.get(node.index()) {
                Some(&i) if i != OUT => Some(i as usize),
                _ => None,
            },
            Some(n) => n.list.binary_search(&node).ok(),
        }
    }

    /// The entity numbered `i`. O(1). Panics if `i` is not below [`Lens::node_count`].
    #[inline]
    pub fn node(&self, i: usize) -> Node {
        match &self.nodes {
            None => {
                assert!(i < self.bound, "node index {i} out of bounds");
                Node::new(i)
            }
            Some(n) => n.list[i],
        }
    }

    /// Whether `node` is in scope. Same cost as [`Lens::index`].
    #[inline]
    pub fn admits(&self, node: Node) -> bool {
        self.index(node).is_some()
    }

    /// Whether relation `e` of `graph` passes the kind, claim, date and as-of tests (its ends
    /// are tested apart, with [`Lens::admits`]). O(1).
    #[inline]
    pub(super) fn passes(&self, graph: &Graph, e: u32) -> bool {
        if self.all_relations {
            return true;
        }
        let r = &graph.relations[e as usize];
        if self.relation_kinds & (1 << r.kind as usize) == 0 {
            return false;
        }
        let claim = RelationRecord::claim_bits(r.claim());
        if self.claims & (1 << claim) == 0 {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(date) = Date::from_bits(r.date) else {
                return false;
            };
            let until = graph.relation_extra(e, r).and_then(|x| x.until);
            if !date.overlaps(until, self.since, self.until) {
                return false;
            }
        }
        if self
            .as_of
            .is_some_and(|a| !graph.relation_dates_hold(e, r, a))
        {
            return false;
        }
        true
    }
}

fn numbering(list: Vec<Node>, bound: usize) -> Numbering {
    // A table costs 4 bytes an entity of the graph; worth it once the list is a sizeable
    // share of the graph, where binary searches would cost more than the table.
    let dense = if list.len() * 32 >= bound {
        let mut dense = vec![OUT; bound];
        for (i, n) in list.iter().enumerate() {
            dense[n.index()] = i as u32;
        }
        dense
    } else {
        Vec::new()
    };
    Numbering { list, dense }
}
