//! Which part of the graph an analysis runs on ([`Scope`]), and its normal form, the cache key.

use crate::model::{EntityKind, RelationKind};
use crate::store::as_of::AsOf;
use crate::store::graph::Node;

/// Which part of the graph an analysis runs on. The default is the whole graph.
///
/// The restrictions combine: an entity is in scope if it passes both entity tests (and is in
/// force on the as-of day), and a tie counts if its relation passes the kind test (and is in
/// force on the as-of day) and both its ends are in scope. An empty list admits nothing. The
/// order of the lists and repeated items do not matter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Scope {
    /// Only ties from relations of these kinds (`None`: all kinds).
    pub relation_kinds: Option<Vec<RelationKind>>,
    /// Only entities of these kinds; ties to other entities are dropped (`None`: all kinds).
    pub entity_kinds: Option<Vec<EntityKind>>,
    /// Only these entities, a subgraph (`None`: all entities). Handles from another graph
    /// version name nothing here and are ignored.
    pub nodes: Option<Vec<Node>>,
    /// Only the graph as it stood on a day: relations and events in force then (`None`:
    /// everything ever recorded). Results are cached per day; the cache keeps the results of
    /// a bounded number of days (see `cache.rs`).
    pub as_of: Option<AsOf>,
}

impl Scope {
    /// The whole graph. O(1).
    pub fn all() -> Scope {
        Scope::default()
    }

    /// The same scope with every list sorted and without repeats, so that equal scopes are
    /// equal values (the cache key). O(k log k) for k listed items.
    pub fn normalised(&self) -> Scope {
        fn tidy<T: Ord + Clone>(list: &Option<Vec<T>>) -> Option<Vec<T>> {
            list.as_ref().map(|items| {
                let mut items = items.clone();
                items.sort_unstable();
                items.dedup();
                items
            })
        }
        Scope {
            relation_kinds: tidy(&self.relation_kinds),
            entity_kinds: tidy(&self.entity_kinds),
            nodes: tidy(&self.nodes),
            as_of: self.as_of,
        }
    }
}
