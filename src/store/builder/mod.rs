//! Building a [`Graph`]: every addition checked, nothing visible until [`GraphBuilder::build`].
//!
//! Here: the builder, its entities and documents, the place checks and the build. A relation
//! is taken apart and resolved in `resolve.rs` (also on other threads, against a
//! [`Resolver`]), checked against the builder exactly as it will be pushed and pushed in
//! `relation.rs`; `layout.rs` lays a version out, beside its layout or anew; `replace.rs` and
//! `remove.rs` change and remove in place over a version; `curated.rs` keeps what curation
//! adds (texts, merges, judgements).

mod curated;
mod layout;
mod relation;
mod remove;
mod replace;
mod resolve;
#[cfg(test)]
mod tests;

pub use layout::FOLD_AT;
use layout::{beside, document_order, lay_out_with};
use resolve::kinds_not_allowed;
pub(super) use resolve::{resolve, Entities};
pub use resolve::{CheckedRelation, ResolvedRelation};

use super::adjacency::Adjacency;
use super::curated::Curated;
use super::error::StoreError;
use super::graph::{Graph, Node};
use super::ids;
use super::records::{
    DefaultIds, EntityExtra, EntityRecord, Text, TextFull, DEAD, DEFAULT_ID, NO_EXTRA,
};
use super::resolver::{EntityTable, Resolver};
use crate::model::{Document, Entity, EntityKind, Id};
use foldhash::fast::FixedState;
use hashbrown::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Builds a [`Graph`], checking each addition. Nothing is visible until [`GraphBuilder::build`].
#[derive(Debug)]
pub struct GraphBuilder {
    graph: Graph,
    /// The (from, to, kind) of every relation whose id is the default one: the default ids
    /// taken, without their text.
    defaults: DefaultIds,
    /// Own labels to their index in the label table.
    label_index: HashMap<Box<str>, u16>,
    /// Merged ids, distinct pairs and documents' text, kept aside until [`GraphBuilder::build`]
    /// so the builder's lookups find exactly the ids added.
    curated: Curated,
    /// This builder among all (see [`Resolver`]): what it resolves is checked by it only.
    origin: u64,
    /// Hashes quotes, for [`GraphBuilder::citation`] to find a quote stored already.
    quote_hasher: FixedState,
    /// The last citation added with each quote hash, by the hash's low bits
    /// ([`QUOTE_SLOTS`]): a quote found there is not stored again. Empty until a relation is
    /// added.
    quote_slots: Vec<(u64, u32)>,
    /// The last template added with each template hash, by the hash's low bits: a template
    /// found there is not stored again. Empty until a template is added.
    template_slots: Vec<(u64, u32)>,
    /// Where the version this builder started from ends, when it keeps that version's layout
    /// ([`GraphBuilder::over`]): the additions are then laid out beside it, not with it.
    start: Option<Start>,
    /// The entities of that version changed in place ([`GraphBuilder::replace_entity`]).
    replaced: Vec<Node>,
    /// Those of them given another kind: their relations are checked again by
    /// [`GraphBuilder::build`].
    rekinded: Vec<Node>,
    /// A place was removed or given another kind: [`GraphBuilder::check_places`] checks
    /// every entity's place, not only those added or changed.
    recheck_places: bool,
}

/// The sizes of the version a [`GraphBuilder`] started from.
#[derive(Debug, Clone, Copy)]
struct Start {
    entities: usize,
    documents: usize,
}

/// How many quotes [`GraphBuilder::citation`] remembers (by hash, the last of each slot): a
/// quote repeated while it is still remembered is stored once. 16 bytes each, so that the
/// whole table stays in a core's cache while a bulk import adds a relation after another
/// (an exact table would cost a cache miss a relation and 15 bytes a distinct quote).
const QUOTE_SLOTS: usize = 1 << 16;

/// How many templates [`GraphBuilder::citation`] remembers (by hash, the last of each slot):
/// a template repeated while it is still remembered is stored once.
const TEMPLATE_SLOTS: usize = 1 << 14;

/// The seed of the quotes' hash: fixed, so that which quotes are stored once does not change
/// from run to run.
const QUOTE_SEED: u64 = 0x0064_6f73_7369_6572;

impl Default for GraphBuilder {
    fn default() -> GraphBuilder {
        GraphBuilder {
            graph: Graph::default(),
            defaults: DefaultIds::default(),
            label_index: HashMap::default(),
            curated: Curated::default(),
            origin: next_origin(),
            quote_hasher: FixedState::with_seed(QUOTE_SEED),
            quote_slots: Vec::new(),
            template_slots: Vec::new(),
            start: None,
            replaced: Vec::new(),
            rekinded: Vec::new(),
            recheck_places: false,
        }
    }
}

/// A number no other builder of this process has.
fn next_origin() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl From<TextFull> for StoreError {
    fn from(e: TextFull) -> StoreError {
        StoreError::Invalid {
            field: "text",
            message: e.to_string(),
        }
    }
}

impl GraphBuilder {
    /// An empty builder.
    pub fn new() -> GraphBuilder {
        GraphBuilder::default()
    }

    /// Starts from an existing version, to add much to it (an import over the data files):
    /// the version's tables are shared and what is added goes into their layers; the
    /// whole graph is laid out again by [`GraphBuilder::build`]. O(E) to learn the default
    /// ids taken.
    pub fn from_graph(graph: &Graph) -> GraphBuilder {
        let mut b = GraphBuilder::over(graph);
        b.start = None;
        b.graph.outgoing = Adjacency::default();
        b.graph.incoming = Adjacency::default();
        for r in b
            .graph
            .relations
            .iter()
            .filter(|r| r.bits & DEFAULT_ID != 0 && r.bits & DEAD == 0)
        {
            b.defaults.insert(r.from, r.to, r.kind);
        }
        b
    }

    /// Starts from an existing version, to add a little to it (a curator's change). The
    /// version's tables are shared, not copied: what is added goes into their layers (see
    /// `store::layered`) and the relations added are put in their ends' rows as they come,
    /// so [`GraphBuilder::build`] costs what was added, not the graph, until the layers are
    /// large enough to fold. O(layers + labels + curation tables).
    pub fn over(graph: &Graph) -> GraphBuilder {
        let mut graph = graph.clone();
        let curated = std::mem::take(&mut graph.curated);
        let start = Start {
            entities: graph.node_bound(),
            documents: graph.documents.len(),
        };
        let label_index = graph
            .labels
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, l)| (l.clone(), i as u16))
            .collect();
        GraphBuilder {
            graph,
            defaults: DefaultIds::default(),
            label_index,
            curated,
            origin: next_origin(),
            quote_hasher: FixedState::with_seed(QUOTE_SEED),
            quote_slots: Vec::new(),
            template_slots: Vec::new(),
            start: Some(start),
            replaced: Vec::new(),
            rekinded: Vec::new(),
            recheck_places: false,
        }
    }

    /// A copy of the entities' ids and kinds (with where their names start in the text
    /// arena, which quotes are templates of), of the text arena, and of the documents, to
    /// resolve relations against while the builder takes relations in (see [`Resolver`]).
    /// O(V + documents + the text added since the last layout).
    pub fn resolver(&self) -> Resolver {
        let g = &self.graph;
        let mut entities = EntityTable::with_capacity(g.entities.len());
        for (i, record) in g.entities.iter().enumerate() {
            let node = Node::new(i);
            if !g.node_removed(node) {
                let name = Text::name_start(record.name);
                entities.insert(g.text.get(record.id), node, record.kind, name);
            }
        }
        Resolver {
            entities,
            text: g.text.clone(),
            documents: (*g.document_index).clone(),
            texts: self.curated.texts.clone(),
            quote_hasher: self.quote_hasher.clone(),
            origin: self.origin,
        }
    }

    /// Room for this many more entities and relations, so a bulk load does not regrow its
    /// tables as it goes.
    pub fn reserve(&mut self, entities: usize, relations: usize) {
        let g = &mut self.graph;
        g.entities.reserve(entities);
        g.entity_index.reserve(entities, &g.text);
        g.relations.reserve(relations);
        g.quote_names.reserve(relations);
        g.citations.reserve(relations);
        self.defaults.reserve(relations);
    }

    /// Adds a document. Fails on a duplicate id.
    pub fn add_document(&mut self, doc: Document) -> Result<(), StoreError> {
        let g = &mut self.graph;
        if g.document_index.contains_key(&doc.id) {
            return Err(StoreError::Duplicate {
                what: "a document",
                id: doc.id.to_string(),
            });
        }
        let index = u32::try_from(g.documents.len()).map_err(|_| StoreError::Invalid {
            field: "id",
            message: "a graph holds at most 2^32 documents".into(),
        })?;
        Arc::make_mut(&mut g.document_index).insert(doc.id.clone(), index);
        Arc::make_mut(&mut g.documents).push(doc);
        Ok(())
    }

    /// Adds an entity. Fails on a duplicate id or an empty name. An event's `place` is checked
    /// in [`GraphBuilder::build`], since the place may be added later.
    pub fn add_entity(&mut self, entity: Entity) -> Result<Node, StoreError> {
        let g = &mut self.graph;
        if g.node(entity.id.as_str()).is_some() {
            return Err(StoreError::Duplicate {
                what: "an entity",
                id: entity.id.to_string(),
            });
        }
        check_name(&entity)?;
        let index = next_index(g.entities.len(), "id", "entities")?;
        let (id, kind, name, extra) = EntityExtra::split(entity);
        let id = g.text.push(id.as_str())?;
        // After its length: relations keep where it starts (see `Text::push_name`).
        let name = g.text.push_name(&name)?;
        let extra = store_extra(g, extra);
        g.entities.push(EntityRecord {
            id,
            name,
            extra,
            kind,
        });
        g.entity_index.insert(index, id, &g.text);
        Ok(Node::new(index as usize))
    }

    /// How many entities have been added (those of the graph it started from included). O(1).
    pub fn entity_count(&self) -> usize {
        self.graph.entity_count()
    }

    /// The ids of the documents added so far, in id order. O(documents).
    pub fn document_ids(&self) -> impl Iterator<Item = &Id> {
        self.graph.documents().map(|d| &d.id)
    }

    /// The entity with this id, if it has been added. O(1).
    pub fn node(&self, id: &str) -> Option<Node> {
        self.graph.node(id)
    }

    /// The kind of an entity added. O(1).
    pub fn kind_of(&self, node: Node) -> EntityKind {
        self.graph.entity_kind(node)
    }

    /// Whether an entity with this id has been added.
    pub fn has_entity(&self, id: &str) -> bool {
        self.graph.node(id).is_some()
    }

    /// Whether a relation with this id has been added.
    pub fn has_relation(&self, id: &str) -> bool {
        let g = &self.graph;
        g.explicit_ids.contains_key(id)
            || ids::splits(id).any(|(from, kind, to)| match (g.node(from), g.node(to)) {
                (Some(f), Some(t)) => self.holds_default(f, kind, t),
                _ => false,
            })
    }

    /// Checks what can only be checked once every entity is in: that each event's place is
    /// a known `PLACE`. Returns each entity whose place is wrong, with its error. O(V) for a
    /// load; O(added and changed) over a version, unless a place was removed or changed kind.
    pub fn check_places(&self) -> Vec<(Id, StoreError)> {
        let g = &self.graph;
        let mut errors = Vec::new();
        let first = match self.start {
            Some(s) if !self.recheck_places => s.entities,
            _ => 0,
        };
        let replaced = (self.replaced.iter().map(|n| n.index())).filter(|&n| n < first);
        for i in replaced.chain(first..g.entities.len()) {
            if g.node_removed(Node::new(i)) {
                continue;
            }
            let record = &g.entities[i];
            let Some(place) = g
                .entity_extras
                .get(record.extra as usize)
                .and_then(|x| x.place.as_ref())
            else {
                continue;
            };
            let id = || Id::trusted(g.entity(Node::new(i)).id());
            match g.node(place.as_str()) {
                None => errors.push((
                    id(),
                    StoreError::Unknown {
                        field: "place",
                        what: "entity",
                        id: place.to_string(),
                    },
                )),
                Some(p) if g.entity_kind(p) != EntityKind::Place => errors.push((
                    id(),
                    StoreError::NotAPlace {
                        id: place.to_string(),
                        kind: g.entity_kind(p),
                    },
                )),
                Some(_) => {}
            }
        }
        errors
    }

    /// Checks the places and the merges (see [`GraphBuilder::check_places`] and
    /// [`GraphBuilder::check_merges`]), then lays the graph out for walking and paging, on
    /// rayon's thread pool: O(V log V + E). A builder that
    /// started over a version ([`GraphBuilder::over`]) lays out only what it added
    /// beside that version's layout, while the layers stay small against it (see
    /// [`Graph::layer_size`]): O(added × log added + documents).
    pub fn build(self) -> Result<Graph, Vec<(Id, StoreError)>> {
        self.build_with(|_| ()).map(|(graph, _)| graph)
    }

    /// [`GraphBuilder::build`], computing `also` from the graph when it is laid out, on the
    /// thread pool while its rows are built (what depends on the layout alone, such as the
    /// search index); `None` when only what was added is laid out beside the version's
    /// layout.
    #[allow(clippy::type_complexity)]
    pub fn build_with<T: Send>(
        self,
        also: impl FnOnce(&Graph) -> T + Send,
    ) -> Result<(Graph, Option<T>), Vec<(Id, StoreError)>> {
        let mut errors = self.check_places();
        errors.extend(self.check_kinds());
        errors.extend(self.check_merges());
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut g = self.graph;
        g.curated = self.curated;
        drop(self.defaults);
        g.version += 1;
        match self.start {
            Some(start) if g.layer_size() <= FOLD_AT.max(g.relation_count() / 16) => {
                beside(&mut g, start, &self.replaced);
                Ok((g, None))
            }
            _ => {
                let (g, t) = lay_out_with(g, also);
                Ok((g, Some(t)))
            }
        }
    }
}

/// Keeps an entity's rare fields in the side table: their index, or [`NO_EXTRA`] when it has
/// none.
fn store_extra(g: &mut Graph, extra: EntityExtra) -> u32 {
    if extra.is_empty() {
        return NO_EXTRA;
    }
    g.entity_extras.push(extra);
    (g.entity_extras.len() - 1) as u32
}

/// An entity's name must not be empty.
fn check_name(entity: &Entity) -> Result<(), StoreError> {
    if entity.name.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "name",
            message: "an entity needs a non-empty name".into(),
        });
    }
    Ok(())
}

/// The index the next record of a table of `len` records gets, as a `u32` below `u32::MAX`
/// (which marks "none"); past that, the graph is full: an error on `field` naming the table's
/// `records`.
pub(super) fn next_index(
    len: usize,
    field: &'static str,
    records: &str,
) -> Result<u32, StoreError> {
    u32::try_from(len)
        .ok()
        .filter(|&i| i < u32::MAX)
        .ok_or_else(|| StoreError::Invalid {
            field,
            message: format!("a graph holds fewer than 2^32 {records}"),
        })
}
