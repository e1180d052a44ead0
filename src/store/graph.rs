//! The graph itself: compact entity and relation records, adjacency in compressed rows, and
//! the indexes to find them by id.

use super::adjacency::Adjacency;
use super::ids::{self, EntityIndex};
use super::incident::Incident;
use super::layered::{Layered, LayeredMap};
use super::quotes;
use super::records::{
    CitationRecord, EntityExtra, EntityRecord, QuoteIs, RelationExtra, RelationRecord,
    TemplateRecord, Text, DEFAULT_ID, HAS_EXTRA,
};
use super::refs::{EntityRef, RelationRef};
use super::tombstones::AllRelations;
use crate::model::{Date, Document, EntityKind, Id, RelationKind};
use hashbrown::{HashMap, HashSet};
use std::borrow::Cow;
use std::sync::Arc;

/// How many relations ahead [`Graph::quote`] asks for the names of a relation's quotes kept
/// as templates: about what a DRAM miss costs over what filling a quote costs.
const QUOTE_READ_AHEAD: usize = 8;

/// A handle to an entity in one [`Graph`] version. Valid only for the graph that returned it
/// (and the versions built from it, which keep every entity where it was).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node(u32);

impl Node {
    /// The handle of the `index`-th entity added.
    pub fn new(index: usize) -> Node {
        debug_assert!(u32::try_from(index).is_ok());
        Node(index as u32)
    }

    /// The position of the entity in the order entities were added.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A handle to a relation in one [`Graph`] version. Valid only for the graph that returned it
/// (and the versions built from it, which keep every relation where it was).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edge(u32);

impl Edge {
    /// The handle of the `index`-th relation added.
    pub fn new(index: usize) -> Edge {
        debug_assert!(u32::try_from(index).is_ok());
        Edge(index as u32)
    }

    /// The position of the relation in the order relations were added.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One immutable version of the knowledge graph.
///
/// Built with [`super::GraphBuilder`], which checks every invariant: unique ids, relations
/// between existing entities of allowed kinds, at least one citation of an existing document.
/// Once built, a `Graph` is never changed; a new version is built instead (see
/// [`super::Store`]).
///
/// Layout (see `store::records`): 24-byte entity and 20-byte relation records, strings in
/// one text arena, rare fields in side tables, relations of each entity in compressed rows
/// with the entity at the other end (8 bytes a relation at each end), relation ids derived
/// from the records unless the data gave another.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub(super) text: Text,
    pub(super) entities: Layered<EntityRecord>,
    pub(super) entity_extras: Layered<EntityExtra>,
    pub(super) entity_index: EntityIndex,
    /// The entities of the last layout in id order, for stable paging.
    pub(super) entity_order: Arc<Vec<Node>>,
    /// The entities added since, in id order.
    pub(super) entity_order_layer: Vec<Node>,
    pub(super) relations: Layered<RelationRecord>,
    /// The side-table entries of the relations flagged [`HAS_EXTRA`], by relation index.
    pub(super) relation_extras: Layered<(u32, RelationExtra)>,
    /// Relation ids that are not the default one.
    pub(super) explicit_ids: LayeredMap<Id, u32>,
    /// Own labels; index 0 is unused (it means "none").
    pub(super) labels: Arc<Vec<Box<str>>>,
    pub(super) citations: Layered<CitationRecord>,
    /// The shapes of the quotes kept as templates (see [`super::quotes`]).
    pub(super) templates: Layered<TemplateRecord>,
    /// For each citation whose quote is kept as a template, in the order they were added:
    /// where the names it is filled with start in the text arena (`[from's, to's]`, see
    /// `Text::push_name`), so that reading such a quote reads neither end's record. A rename
    /// leaves the old name in the arena, so these quotes stay as cited.
    pub(super) quote_names: Layered<[u32; 2]>,
    /// Documents in the order they were added (a removed one stays, out of the index: the
    /// citations hold documents' numbers, and documents are few).
    pub(super) documents: Arc<Vec<Document>>,
    pub(super) document_index: Arc<HashMap<Id, u32>>,
    /// Documents in id order.
    pub(super) document_order: Arc<Vec<u32>>,
    /// Each entity's relations where it is `from`.
    pub(super) outgoing: Adjacency,
    /// Each entity's relations where it is `to`.
    pub(super) incoming: Adjacency,
    /// Which layout this version shares (see [`Graph::layout`]).
    pub(super) layout: u64,
    /// The entities added or changed since the layout, in the order they were first touched
    /// (a removed one left out): what was computed on the layout alone, such as the search
    /// index, does not know their names as they are now.
    pub(super) touched: Vec<Node>,
    /// The entities of the layout changed or removed since.
    pub(super) stale: HashSet<Node>,
    /// The side-table entries of the relations changed since the layout, by relation index.
    pub(super) replaced_extras: HashMap<u32, RelationExtra>,
    /// The entities removed since the layout (see [`super::tombstones`]).
    pub(super) dead_nodes: HashSet<u32>,
    /// How many relations were removed since the layout (their records flagged
    /// [`super::records::DEAD`]).
    pub(super) dead_relations: usize,
    pub(super) version: u64,
    /// Merged ids, distinct pairs and documents' text (see [`super::curated`]).
    pub(super) curated: super::curated::Curated,
}

/// Where a graph's memory goes, in bytes (capacities, not allocator overhead); its version's
/// search index aside (`Version::search_bytes`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemoryUse {
    /// Entity, relation and citation records, adjacency rows and id indexes.
    pub structure: usize,
    /// Ids, names and labels in the text arena, and the side tables.
    pub text: usize,
    /// The text of the citations' quotes kept as text.
    pub quotes: usize,
    /// The quotes kept as templates: the templates' text and records, and where each
    /// relation's names to fill them with are (see `store::quotes`).
    pub templates: usize,
}

impl MemoryUse {
    /// Everything.
    pub fn total(&self) -> usize {
        self.structure + self.text + self.quotes + self.templates
    }
}

impl Graph {
    /// The version number: 0 for an empty graph, increased by every accepted change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Which layout this version shares with the versions made over it: the same number
    /// while they hold their changes in layers beside it, another after each new layout
    /// ([`Graph::folded`], a bulk build). What is computed from a layout alone (the search
    /// index) serves every version of the same number. O(1).
    pub fn layout(&self) -> u64 {
        self.layout
    }

    /// The entities added or changed since the layout, in the order first touched (see
    /// [`Graph::layout`]). O(1).
    pub fn touched_since_layout(&self) -> &[Node] {
        &self.touched
    }

    /// Whether `node`, an entity of the layout, was changed or removed since. O(1).
    pub fn stale_since_layout(&self, node: Node) -> bool {
        !self.stale.is_empty() && self.stale.contains(&node)
    }

    /// Number of entities. O(1).
    pub fn entity_count(&self) -> usize {
        self.entities.len() - self.dead_nodes.len()
    }

    /// Number of relations. O(1).
    pub fn relation_count(&self) -> usize {
        self.relations.len() - self.dead_relations
    }

    /// Number of documents. O(1).
    pub fn document_count(&self) -> usize {
        self.document_index.len()
    }

    /// The entity with this id, or the entity it was merged into. O(1).
    pub fn node(&self, id: &str) -> Option<Node> {
        self.entity_index
            .find(id, &self.text)
            .map(Node)
            .or_else(|| {
                self.merged_into(id)
                    .and_then(|kept| self.node_exact(kept.as_str()))
            })
    }

    /// The entity with exactly this id (not one it was merged into). O(1).
    pub fn node_exact(&self, id: &str) -> Option<Node> {
        self.entity_index.find(id, &self.text).map(Node)
    }

    /// The id of the entity `id` was merged into, if it was. O(1).
    pub fn merged_into(&self, id: &str) -> Option<&Id> {
        self.curated.merged.get(id)
    }

    /// The ids merged into `node`, in id order. O(merged ids).
    pub fn merged_from(&self, node: Node) -> Vec<&Id> {
        let id = self.entity(node).id();
        let mut from: Vec<&Id> = (self.curated.merged.iter())
            .filter(|(_, kept)| kept.as_str() == id)
            .map(|(old, _)| old)
            .collect();
        from.sort();
        from
    }

    /// Every merged id with the id it was merged into, in id order.
    pub fn merges(&self) -> Vec<(&Id, &Id)> {
        let mut all: Vec<_> = self.curated.merged.iter().collect();
        all.sort();
        all
    }

    /// Whether a curator judged `a` and `b` not the same. O(1).
    pub fn judged_distinct(&self, a: &Id, b: &Id) -> bool {
        self.curated.distinct.contains(&super::curated::pair(a, b))
    }

    /// Every pair judged distinct, each (smaller id, larger id), in order.
    pub fn distinct_pairs(&self) -> Vec<&(Id, Id)> {
        let mut all: Vec<_> = self.curated.distinct.iter().collect();
        all.sort();
        all
    }

    /// A document's full text, where a curator gave it. O(1).
    pub fn document_text(&self, id: &str) -> Option<&str> {
        self.curated.texts.get(id).map(|t| &**t)
    }

    /// The relation with this id. O(1) for a stored id; for a default id
    /// (`<from>.<kind>.<to>`), O(d) for the smaller degree of its two ends.
    pub fn edge(&self, id: &str) -> Option<Edge> {
        if let Some(&e) = self.explicit_ids.get(id) {
            return Some(Edge(e));
        }
        ids::splits(id).find_map(|(from, kind, to)| {
            let (f, t) = (self.node(from)?, self.node(to)?);
            self.default_edge(f, kind, t)
        })
    }

    /// The relation whose id is exactly `id` (not one a merged entity's old default id
    /// leads to). See [`Graph::edge`].
    pub fn edge_exact(&self, id: &str) -> Option<Edge> {
        self.edge(id).filter(|&e| self.relation(e).id() == id)
    }

    /// The relation of `kind` from `from` to `to` whose id is the default one.
    pub(super) fn default_edge(&self, from: Node, kind: RelationKind, to: Node) -> Option<Edge> {
        // The smaller row, read with the other ends kept beside it: only relations to the
        // right entity have their records read (a hub's row is read straight through).
        let (f, t) = (from.index(), to.index());
        let (row, ends, other) = if self.outgoing.row(f).len() <= self.incoming.row(t).len() {
            (self.outgoing.row(f), self.outgoing.ends(f), to.0)
        } else {
            (self.incoming.row(t), self.incoming.ends(t), from.0)
        };
        row.iter()
            .zip(ends)
            .filter(|&(_, &end)| end == other)
            .map(|(&e, _)| e)
            .find(|&e| {
                let r = &self.relations[e as usize];
                r.from == from.0 && r.to == to.0 && r.kind == kind && r.bits & DEFAULT_ID != 0
            })
            .map(Edge)
    }

    /// The entity behind a handle. O(1). Panics on a handle from another graph.
    pub fn entity(&self, node: Node) -> EntityRef<'_> {
        EntityRef::new(self, node)
    }

    /// The relation behind a handle. O(1). Panics on a handle from another graph.
    pub fn relation(&self, edge: Edge) -> RelationRef<'_> {
        RelationRef::new(self, edge)
    }

    /// The kind of a relation. O(1).
    pub fn relation_kind(&self, edge: Edge) -> RelationKind {
        self.relations[edge.index()].kind
    }

    /// The kind of an entity. O(1).
    pub fn entity_kind(&self, node: Node) -> EntityKind {
        self.entities[node.index()].kind
    }

    /// The side-table entry of relation `e`, if it has one.
    pub(super) fn relation_extra(&self, e: u32, record: &RelationRecord) -> Option<&RelationExtra> {
        if record.bits & HAS_EXTRA == 0 {
            return None;
        }
        if !self.replaced_extras.is_empty() {
            if let Some(extra) = self.replaced_extras.get(&e) {
                return Some(extra);
            }
        }
        // Relations are added in order, so the base's entries come before the layer's.
        let find = |entries: &'_ [(u32, RelationExtra)]| -> Option<usize> {
            entries.binary_search_by_key(&e, |(i, _)| *i).ok()
        };
        let (base, layer) = (self.relation_extras.base(), self.relation_extras.layer());
        match layer.first() {
            Some(&(first, _)) if e >= first => find(layer).map(|i| &layer[i].1),
            _ => find(base).map(|i| &base[i].1),
        }
    }

    /// The two ends of a relation, as (from, to). O(1).
    pub fn endpoints(&self, edge: Edge) -> (Node, Node) {
        let r = &self.relations[edge.index()];
        (Node(r.from), Node(r.to))
    }

    /// Entities in id order, optionally only of some kinds. O(V).
    pub fn entities<'a>(
        &'a self,
        kinds: Option<&'a [EntityKind]>,
    ) -> impl Iterator<Item = Node> + 'a {
        let dead = &self.dead_nodes;
        let mut layer = self.entity_order_layer.iter().copied().peekable();
        let mut base = (self.entity_order.iter().copied())
            .filter(move |n| dead.is_empty() || !dead.contains(&n.0))
            .peekable();
        std::iter::from_fn(move || match (base.peek(), layer.peek()) {
            (Some(&a), Some(&b)) => {
                if self.entity(a).id() <= self.entity(b).id() {
                    base.next()
                } else {
                    layer.next()
                }
            }
            (Some(_), None) => base.next(),
            (None, _) => layer.next(),
        })
        .filter(move |&n| kinds.is_none_or(|k| k.contains(&self.entity_kind(n))))
    }

    /// Every relation, in the order they were added. O(E).
    pub fn all_relations(&self) -> AllRelations<'_> {
        AllRelations::new(self)
    }

    /// The relations where `node` is `from`, in the order they were added. O(1) to start,
    /// O(out-degree) to drain.
    pub fn outgoing(&self, node: Node) -> impl ExactSizeIterator<Item = Edge> + '_ {
        self.outgoing.row(node.index()).iter().map(|&e| Edge(e))
    }

    /// The relations where `node` is `to`, in the order they were added. O(1) to start,
    /// O(in-degree) to drain.
    pub fn incoming(&self, node: Node) -> impl ExactSizeIterator<Item = Edge> + '_ {
        self.incoming.row(node.index()).iter().map(|&e| Edge(e))
    }

    /// The relations touching `node` (each once, self-loops included once), in the order they
    /// were added, without allocating. O(degree).
    pub fn incident_iter(&self, node: Node) -> Incident<'_> {
        let n = node.index();
        Incident {
            out: self.outgoing.row(n),
            out_ends: self.outgoing.ends(n),
            inc: self.incoming.row(n),
            inc_ends: self.incoming.ends(n),
            node: node.0,
        }
    }

    /// The relations touching `node` (each once, self-loops included once), in the order they
    /// were added. O(degree).
    pub fn incident(&self, node: Node) -> Vec<Edge> {
        self.incident_iter(node).collect()
    }

    /// Number of relations touching `node`, self-loops once. O(1), or O(in-degree) when the
    /// entity has self-loops to leave out.
    pub fn degree(&self, node: Node) -> usize {
        let out = self.outgoing.row(node.index());
        let inc = self.incoming.ends(node.index());
        let loops = inc.iter().filter(|&&from| from == node.0).count();
        out.len() + inc.len() - loops
    }

    /// The documents, in id order.
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.document_order
            .iter()
            .map(|&i| &self.documents[i as usize])
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.document_index
            .get(id)
            .map(|&i| &self.documents[i as usize])
    }

    /// The participants of an event: the entities with a `PARTICIPATED_IN` relation to it.
    /// O(degree).
    pub fn participants(&self, event: Node) -> Vec<Node> {
        let mut seen = Vec::new();
        for e in self.incoming(event) {
            let r = &self.relations[e.index()];
            if r.kind == RelationKind::ParticipatedIn && !seen.contains(&Node(r.from)) {
                seen.push(Node(r.from));
            }
        }
        seen
    }

    /// Where the name of entity `node` starts in the text arena, as the relations whose
    /// quotes are templates of it keep it ([`Graph::quote_names`]). O(1).
    #[inline]
    pub(super) fn name_start(&self, node: Node) -> u32 {
        Text::name_start(self.entities[node.index()].name)
    }

    /// The quote of citation `citation` of a relation whose record is `relation`: its text,
    /// or its template filled with the names kept for the citation and the relation's date.
    /// O(quote), one allocation; the names are read where the citation keeps them, not
    /// through the relation's ends' records.
    #[inline]
    pub(super) fn quote(
        &self,
        citation: &CitationRecord,
        relation: &RelationRecord,
    ) -> Cow<'_, str> {
        match citation.quote.is() {
            QuoteIs::Text(span) => Cow::Borrowed(self.text.get(span)),
            QuoteIs::Template { template, names } => {
                let t = &self.templates[template as usize];
                let e = names as usize;
                // Read ahead: the names of the citation a few places on, which a reader going
                // through relations in order (an export, a page) asks for next, are asked of
                // memory now, so that their cache misses overlap this one's.
                if let Some(&[from, to]) = self.quote_names.get(e + QUOTE_READ_AHEAD) {
                    self.text.prefetch(from);
                    self.text.prefetch(to);
                }
                let [from, to] = self.quote_names[e];
                let names = [self.text.name_at(from), self.text.name_at(to)];
                let date = Date::from_bits(relation.date);
                let filled = quotes::fill(
                    self.text.get(t.text),
                    t.holes,
                    names,
                    |out| date.into_iter().for_each(|d| d.push_to(out)),
                    date.map_or(0, Date::written_len),
                );
                Cow::Owned(filled)
            }
        }
    }

    /// Where this version's memory goes (see [`MemoryUse`]).
    pub fn memory(&self) -> MemoryUse {
        use std::mem::size_of;
        // Citations may share a quote's text (see `GraphBuilder::citation`): each text is
        // counted once. Text is only ever appended, so a citation that stored its quote's text
        // starts past every quote before it, and one that shares an earlier one does not.
        let (mut quotes, mut end) = (0, 0);
        for c in &self.citations {
            if let QuoteIs::Text(q) = c.quote.is() {
                if q.start() >= end {
                    quotes += q.len();
                    end = q.start() + q.len();
                }
            }
        }
        let template_text: usize = self.templates.iter().map(|t| t.text.len()).sum();
        let structure = self.entities.bytes()
            + (self.entity_order.capacity() + self.entity_order_layer.capacity())
                * size_of::<Node>()
            + self.entity_index.bytes()
            + self.relations.bytes()
            + self.outgoing.bytes()
            + self.incoming.bytes()
            + self.citations.bytes();
        let extras = self.entity_extras.bytes()
            + self.relation_extras.bytes()
            + self.explicit_ids.capacity() * (size_of::<(Id, u32)>() + 1)
            + self.labels.iter().map(|l| l.len() + 16).sum::<usize>();
        MemoryUse {
            structure,
            text: self.text.len() - quotes - template_text + extras,
            quotes,
            templates: template_text + self.templates.bytes() + self.quote_names.bytes(),
        }
    }
}
