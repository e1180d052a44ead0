//! A version as queries see it: the [`Graph`] beside what is computed from it — the search
//! index of its layout and the analytics results, filled in on demand — so the graph itself
//! names neither (`graph.rs` is about the graph; `search/` and `analytics/` are built on it).
//!
//! A version made by a change ([`Version::apply`], [`Version::next`]) shares its
//! predecessor's search index while the two share a layout ([`Graph::layout`]): the entities
//! touched since ([`Graph::touched_since_layout`]) are scored beside the index. A new layout
//! ([`Version::folded`], a bulk build) comes with a new index. Analytics results are never
//! shared: each version starts with an empty cache.

use super::analytics::Cache;
use super::apply::apply_with;
use super::builder::GraphBuilder;
use super::change::Edit;
use super::error::StoreError;
use super::graph::Graph;
use super::search::SearchIndex;
use crate::model::Id;
use std::ops::Deref;
use std::sync::Arc;

/// One immutable version of the knowledge graph with its search index and analytics cache.
/// Reads of the graph go through [`Deref`] to [`Graph`]; search ([`Version::search`]) and the
/// cached analyses ([`Version::ranking`], [`Version::cached_components`], …) are its own.
#[derive(Default)]
pub struct Version {
    graph: Graph,
    /// The search index of the graph's layout (its touched entities left out).
    pub(super) search: Arc<SearchIndex>,
    /// Analytics results of this version, filled in on demand.
    pub(super) analytics: Cache,
}

impl Version {
    /// The version of `graph`, with a search index built from it: O(total name length +
    /// V log V). The entities `graph` touched since its layout are left out of the index and
    /// scored beside it, as in a version made by a change.
    pub fn new(graph: Graph) -> Version {
        let index = SearchIndex::build(&graph);
        Version::with_index(graph, index)
    }

    /// `graph` with `index`, built from it, and an empty cache.
    fn with_index(graph: Graph, index: SearchIndex) -> Version {
        Version {
            graph,
            search: Arc::new(index),
            analytics: Cache::default(),
        }
    }

    /// The version a bulk builder makes (see [`GraphBuilder::build`]): the search index is
    /// built on the thread pool beside the layout's rows. Every problem the builder found
    /// otherwise, each with the entity it concerns.
    pub fn build(builder: GraphBuilder) -> Result<Version, Vec<(Id, StoreError)>> {
        let (graph, index) = builder.build_with(SearchIndex::build)?;
        Ok(match index {
            Some(index) => Version::with_index(graph, index),
            None => Version::new(graph),
        })
    }

    /// The version of `graph`, made from this one (over it, by [`super::apply`] or a
    /// [`super::GraphBuilder::over`] it): this version's search index is shared while `graph`
    /// keeps its layout, O(1); after a new layout a new index is built (see [`Version::new`]).
    pub fn next(&self, graph: Graph) -> Version {
        if graph.layout() != self.graph.layout() {
            return Version::new(graph);
        }
        Version {
            graph,
            search: Arc::clone(&self.search),
            analytics: Cache::default(),
        }
    }

    /// The next version: this one with `edits` made (see [`super::apply`]). This version is
    /// not changed. When the edits make the builder lay the graph out anew, the new index is
    /// built beside the rows; otherwise this version's is shared.
    pub fn apply(&self, edits: &[Edit]) -> Result<Version, Vec<StoreError>> {
        let (graph, index) = apply_with(&self.graph, edits, SearchIndex::build)?;
        Ok(match index {
            Some(index) => Version::with_index(graph, index),
            None => self.next(graph),
        })
    }

    /// This version laid out anew ([`Graph::folded`]), with the index of the new layout: the
    /// same graph and version number, read as fast as a loaded one. The index is built on
    /// rayon's thread pool beside the layout's rows. O(V log V + E + total name length).
    pub fn folded(&self) -> Version {
        let (graph, index) = self.graph.folded_with(SearchIndex::build);
        Version::with_index(graph, index)
    }

    /// The graph. O(1).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The graph, this version's index and cache dropped. O(1).
    pub fn into_graph(self) -> Graph {
        self.graph
    }

    /// Sets the version number (see [`super::Store::replace`]).
    pub(super) fn set_number(&mut self, version: u64) {
        self.graph.version = version;
    }

    /// The bytes of the search index: folded names, their words and postings, and the
    /// trie of the words (the graph's own are [`Graph::memory`]).
    pub fn search_bytes(&self) -> usize {
        self.search.bytes()
    }
}

impl Deref for Version {
    type Target = Graph;

    fn deref(&self) -> &Graph {
        &self.graph
    }
}

impl From<Graph> for Version {
    fn from(graph: Graph) -> Version {
        Version::new(graph)
    }
}

impl std::fmt::Debug for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Version")
            .field("version", &self.graph.version())
            .field("layout", &self.graph.layout())
            .field("entities", &self.graph.entity_count())
            .field("relations", &self.graph.relation_count())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, EntityKind};
    use crate::store::{GraphBuilder, FOLD_AT};

    fn person(i: usize) -> Entity {
        let id = Id::parse(&format!("p{i}")).unwrap();
        Entity::new(id, EntityKind::Person, format!("Person Number{i}"))
    }

    fn added(range: std::ops::Range<usize>) -> Vec<Edit> {
        range
            .map(|i| Edit::Entity {
                id: person(i).id,
                before: None,
                after: Some(person(i)),
            })
            .collect()
    }

    #[test]
    fn a_small_change_shares_the_index_and_a_large_one_comes_with_a_new_one() {
        let mut b = GraphBuilder::new();
        b.add_entity(person(0)).unwrap();
        let first = Version::build(b).unwrap();
        // Beside the layout: the index is shared, the new entity scored beside it.
        let small = first.apply(&added(1..3)).unwrap();
        assert!(Arc::ptr_eq(&small.search, &first.search));
        assert_eq!(small.layout(), first.layout());
        // Past what a builder keeps beside a layout: laid out anew, with its own index.
        let large = small.apply(&added(3..FOLD_AT + 10)).unwrap();
        assert_ne!(large.layout(), small.layout());
        assert!(!Arc::ptr_eq(&large.search, &small.search));
        assert!(large.touched_since_layout().is_empty());
        for q in ["Person Number2", "Person Number4000", "Persn Number17"] {
            assert_eq!(
                large.search(q, None, 5),
                large.search_scan(q, None, 5),
                "{q}"
            );
            assert_eq!(
                small.search(q, None, 5),
                small.search_scan(q, None, 5),
                "{q}"
            );
        }
        assert_eq!(
            large.search("Person Number4000", None, 1)[0].node,
            large.node("p4000").unwrap()
        );
    }
}
