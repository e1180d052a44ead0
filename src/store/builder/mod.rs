//! Building a [`Graph`]: every addition checked, nothing visible until [`GraphBuilder::build`].
//!
//! Why one file past 450 lines: the checks and the pushes share the builder's private tables
//! (the default ids taken, the label index) and one invariant — a relation is checked against
//! the builder exactly as it will be pushed; a tenth of the file is its tests. What curation adds
//! (texts, merges, judgements) is in `curated.rs`.

mod curated;
mod remove;
mod replace;

use super::adjacency::Adjacency;
use super::curated::{self as curation, Curated};
use super::error::StoreError;
use super::graph::{Edge, Graph, Node};
use super::ids;
use super::layered::Layered;
use super::records::{
    CitationRecord, DefaultIds, EntityExtra, EntityRecord, RelationExtra, RelationRecord, TextFull,
    DEAD, DEFAULT_ID, HAS_EXTRA, NO_EXTRA,
};
use super::resolver::{EntityTable, Resolver};
use crate::model::{
    Attributes, ClaimStatus, Date, Document, Entity, EntityKind, Id, IdError, Relation,
    RelationKind,
};
use foldhash::fast::FixedState;
use hashbrown::{HashMap, HashSet};
use std::hash::BuildHasher;
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

/// Where [`resolve`] finds the ends and documents of a relation: the builder's graph, or a
/// [`Resolver`]'s copy of them.
pub(super) trait Entities {
    /// The entity `id` names and its kind. `given`: where the caller found it, if it did (a
    /// handle that is not that entity is ignored).
    fn end(&self, given: Option<Node>, id: &str) -> Option<(Node, EntityKind)>;

    /// The index of the document with this id.
    fn document(&self, id: &Id) -> Option<u32>;
}

impl Entities for Graph {
    fn end(&self, given: Option<Node>, id: &str) -> Option<(Node, EntityKind)> {
        let node = match given {
            Some(n) if n.index() < self.node_bound() && self.entity(n).id() == id => Some(n),
            _ => self.node(id),
        };
        node.map(|n| (n, self.entity_kind(n)))
    }

    fn document(&self, id: &Id) -> Option<u32> {
        self.document_index.get(id).copied()
    }
}

/// A relation that passed [`GraphBuilder::check_relation`], ready for
/// [`GraphBuilder::push_relation`]: taken apart into what the graph keeps, its ends and
/// documents resolved.
#[derive(Debug)]
pub struct CheckedRelation {
    parts: Parts,
    from: Node,
    to: Node,
}

/// A relation taken apart into what the graph keeps of it. [`GraphBuilder::resolve_relation`]
/// takes it apart on the thread that resolves it, so that what is not kept (the ids of its
/// ends and documents, its list of citations) is freed there, not by the thread that adds it.
#[derive(Debug)]
struct Parts {
    id: Id,
    kind: RelationKind,
    /// Whether `id` is the relation's default id (derived from the record, not stored).
    default: bool,
    claim: Option<ClaimStatus>,
    /// Its date, packed (0 for none, or when it cannot be).
    date: u32,
    label: Option<String>,
    /// The first citation. Most relations cite once, and carry no list for it.
    first: Option<Cited>,
    /// What bulk data seldom has, apart (so a relation moves from thread to thread small).
    rare: Option<Box<Rare>>,
}

/// The fields of a relation that bulk data seldom has.
#[derive(Debug, Default)]
struct Rare {
    until: Option<Date>,
    role: Option<String>,
    description: Option<String>,
    attributes: Attributes,
    /// The citations after the first.
    more: Vec<Cited>,
}

/// A citation taken apart: the index of its document ([`UNKNOWN`] when there is none), its
/// quote, and the quote's hash (for finding the same quote among those stored).
#[derive(Debug)]
struct Cited {
    document: u32,
    quote: String,
    hash: u64,
}

/// The document index of a citation whose document is unknown (a problem reported).
const UNKNOWN: u32 = u32::MAX;

/// A relation whose ends, kinds, citations and period were checked
/// ([`GraphBuilder::resolve_relation`]), waiting for the check of its id
/// ([`GraphBuilder::check_resolved`]).
#[derive(Debug)]
pub struct ResolvedRelation {
    parts: Parts,
    from: Option<Node>,
    to: Option<Node>,
    /// Whether the id was changed since it was resolved (then whether it is the default one
    /// is found again).
    renamed: bool,
    /// The builder it was resolved for.
    origin: u64,
    /// What is wrong with it whatever was added before, in the order
    /// [`GraphBuilder::check_relation`] reports it.
    problems: Vec<StoreError>,
}

impl ResolvedRelation {
    /// Its id.
    pub fn id(&self) -> &Id {
        &self.parts.id
    }

    /// Its kind.
    pub fn kind(&self) -> RelationKind {
        self.parts.kind
    }

    /// Its ends, where they exist.
    pub fn ends(&self) -> (Option<Node>, Option<Node>) {
        (self.from, self.to)
    }

    /// Gives the relation another id (an importer numbers a relation given none once the
    /// relations before it are in, see [`GraphBuilder::free_relation_id`]). Nothing checked
    /// so far depended on the id.
    pub fn set_id(&mut self, id: Id) {
        self.parts.id = id;
        self.renamed = true;
    }
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
            start: Some(start),
            replaced: Vec::new(),
            rekinded: Vec::new(),
            recheck_places: false,
        }
    }

    /// A copy of the entities' ids and kinds and of the documents, to resolve relations
    /// against while the builder takes relations in (see [`Resolver`]). O(V + documents).
    pub fn resolver(&self) -> Resolver {
        let g = &self.graph;
        let mut entities = EntityTable::with_capacity(g.entities.len());
        for (i, record) in g.entities.iter().enumerate() {
            if !g.node_removed(Node::new(i)) {
                entities.insert(g.text.get(record.id), Node::new(i), record.kind);
            }
        }
        Resolver {
            entities,
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
        let index = u32::try_from(g.entities.len())
            .ok()
            .filter(|&i| i < u32::MAX)
            .ok_or_else(|| StoreError::Invalid {
                field: "id",
                message: "a graph holds fewer than 2^32 entities".into(),
            })?;
        let (id, kind, name, extra) = EntityExtra::split(entity);
        let id = g.text.push(id.as_str())?;
        let name = g.text.push(&name)?;
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

    /// Adds a relation between two existing entities. Fails on a duplicate id, unknown ends,
    /// kinds the vocabulary does not allow, missing or empty citations, citations of unknown
    /// documents, or dates too far out to store.
    pub fn add_relation(&mut self, relation: Relation) -> Result<Edge, StoreError> {
        self.add_relation_between((None, None), relation)
    }

    /// [`GraphBuilder::add_relation`], given the ends the caller has looked up already with
    /// [`GraphBuilder::node`] (`None`: look it up here). A handle that is not the entity the
    /// relation names is ignored and looked up again. The first problem found by
    /// [`GraphBuilder::check_relation`] is the error.
    pub fn add_relation_between(
        &mut self,
        ends: (Option<Node>, Option<Node>),
        relation: Relation,
    ) -> Result<Edge, StoreError> {
        let checked = self
            .check_relation(ends, relation)
            .map_err(|mut problems| problems.swap_remove(0))?;
        self.push_relation(checked)
    }

    /// Every rule a relation must meet to enter the graph, checked once for the data files,
    /// the importers and (later) the mutations alike: its id is free, both ends exist and its
    /// kind allows their kinds, it cites at least one known document with a non-empty quote,
    /// and its period is in order and storable. Returns the relation ready for
    /// [`GraphBuilder::push_relation`], or every problem found (each names its field, see
    /// [`StoreError::field`]). Changes nothing. O(citations) plus an id lookup.
    ///
    /// The same as [`GraphBuilder::resolve_relation`] then [`GraphBuilder::check_resolved`].
    pub fn check_relation(
        &self,
        ends: (Option<Node>, Option<Node>),
        relation: Relation,
    ) -> Result<CheckedRelation, Vec<StoreError>> {
        self.check_resolved(self.resolve_relation(ends, relation))
    }

    /// The part of [`GraphBuilder::check_relation`] that no later addition changes: the ends
    /// (looked up unless given, as in [`GraphBuilder::add_relation_between`]) and whether the
    /// kind allows them, the citations' documents and quotes, the period. Entities and
    /// documents are only ever added, each keeping its place, so the answer stays true while
    /// the builder grows: an importer resolves many relations at once on several threads
    /// (`&self`), then finishes each in order with [`GraphBuilder::check_resolved`].
    /// O(citations) plus two entity lookups.
    pub fn resolve_relation(
        &self,
        ends: (Option<Node>, Option<Node>),
        relation: Relation,
    ) -> ResolvedRelation {
        resolve(
            &self.graph,
            &self.curated.texts,
            &self.quote_hasher,
            self.origin,
            ends,
            relation,
        )
    }

    /// The rest of [`GraphBuilder::check_relation`], which depends on the relations added
    /// before: the id is free, and the graph has room for one more relation. Problems come in
    /// the order [`GraphBuilder::check_relation`] gives them (a taken id first). O(1) for a
    /// default id with both ends known, else an id lookup.
    pub fn check_resolved(
        &self,
        resolved: ResolvedRelation,
    ) -> Result<CheckedRelation, Vec<StoreError>> {
        let ResolvedRelation {
            mut parts,
            from,
            to,
            renamed,
            origin,
            problems: found,
        } = resolved;
        assert_eq!(
            origin, self.origin,
            "a relation resolved for another builder: its ends are that builder's"
        );
        let g = &self.graph;
        if let (true, Some(f), Some(t)) = (renamed, from, to) {
            parts.default = ids::is_default_id(
                parts.id.as_str(),
                g.entity(f).id(),
                parts.kind,
                g.entity(t).id(),
            );
        }
        let taken = match (from, to) {
            (Some(f), Some(t)) if parts.default => self.default_taken(f, parts.kind, t, &parts.id),
            _ => self.has_relation(parts.id.as_str()),
        };
        let full = u32::try_from(g.relations.len()).is_err();
        match (from, to) {
            (Some(from), Some(to)) if !taken && found.is_empty() && !full => {
                Ok(CheckedRelation { parts, from, to })
            }
            _ => {
                let mut problems = Vec::with_capacity(found.len() + 2);
                if taken {
                    problems.push(StoreError::Duplicate {
                        what: "a relation",
                        id: parts.id.to_string(),
                    });
                }
                problems.extend(found);
                if full {
                    problems.push(StoreError::Invalid {
                        field: "id",
                        message: "a graph holds at most 2^32 relations".into(),
                    });
                }
                Err(problems)
            }
        }
    }

    /// The id for a relation given none: `base` (its default id, `<from>.<kind>.<to>`) if no
    /// relation has it, else `base.2`, `base.3`, … — the one numbering for the data files and
    /// the importers. `ends`, when known, let the common case be checked without the id's
    /// text. Fails only if the numbered id is too long to be an id. O(repeats).
    pub fn free_relation_id(
        &self,
        base: Id,
        ends: Option<(Node, RelationKind, Node)>,
    ) -> Result<Id, IdError> {
        let free = match ends {
            Some((from, kind, to)) => !self.default_taken(from, kind, to, &base),
            None => !self.has_relation(base.as_str()),
        };
        if free {
            return Ok(base);
        }
        Id::parse(&ids::numbered(base.as_str(), |c| self.has_relation(c)))
    }

    /// Adds a relation that [`GraphBuilder::check_relation`] passed. Fails only if the text
    /// arena is full (then it leaves unreachable text behind, nothing else). Amortised O(1)
    /// plus the relation's text.
    ///
    /// A checked relation must be pushed before anything else is added: it was checked
    /// against the builder as it was.
    pub fn push_relation(&mut self, checked: CheckedRelation) -> Result<Edge, StoreError> {
        let CheckedRelation { parts, from, to } = checked;
        let edge = self.graph.relations.len() as u32;
        let default = parts.default;
        let kind = parts.kind;
        let (record, extra) = self.record(parts, from, to)?;
        let g = &mut self.graph;
        // Over a version, default ids are found in the rows instead (`holds_default`).
        if default && self.start.is_none() {
            self.defaults
                .insert(from.index() as u32, to.index() as u32, kind);
        }
        if let Some(extra) = extra {
            if let Some(id) = &extra.id {
                g.explicit_ids.insert(id.clone(), edge);
            }
            g.relation_extras.push((edge, extra));
        }
        if self.start.is_some() {
            g.outgoing
                .push(from.index() as u32, edge, to.index() as u32);
            g.incoming
                .push(to.index() as u32, edge, from.index() as u32);
        }
        g.relations.push(record);
        Ok(Edge::new(edge as usize))
    }

    /// The record of a checked relation from `from` to `to`, and its side-table entry if it
    /// needs one; stores its citations and text. Fails only if the text arena is full (then
    /// it leaves unreachable text behind, nothing else).
    fn record(
        &mut self,
        parts: Parts,
        from: Node,
        to: Node,
    ) -> Result<(RelationRecord, Option<RelationExtra>), StoreError> {
        let Parts {
            id,
            kind,
            default,
            claim,
            date,
            label,
            first,
            rare,
        } = parts;
        let Rare {
            until,
            role,
            description,
            attributes,
            more,
        } = rare.map_or_else(Rare::default, |r| *r);
        // Checked: from here on nothing fails but a full text arena, which leaves only
        // unreachable text behind. The first citation is in the record, any others in the
        // side table.
        let first = first.expect("a checked relation cites a document");
        let first = self.citation(first)?;
        let mut cited = Vec::with_capacity(more.len());
        for c in more {
            cited.push(self.citation(c)?);
        }
        let mut extra = RelationExtra {
            id: (!default).then_some(id),
            label: None,
            until,
            role,
            description,
            citations: cited,
            attributes,
        };
        let label = match label {
            None => 0,
            Some(l) => match self.label(&l) {
                Some(i) => i,
                None => {
                    extra.label = Some(l.into_boxed_str());
                    0
                }
            },
        };
        let mut flags = RelationRecord::claim_bits(claim);
        if default {
            flags |= DEFAULT_ID;
        }
        let extra = (!extra.is_empty()).then(|| {
            flags |= HAS_EXTRA;
            extra
        });
        let record = RelationRecord {
            from: from.index() as u32,
            to: to.index() as u32,
            date,
            citation: first,
            label,
            kind,
            bits: flags,
        };
        Ok((record, extra))
    }

    /// The index of a citation of `document` with `quote`: one added before with the same
    /// document and quote when it is remembered (curated data cites one sentence for several
    /// relations in a row, bulk data one sentence for several relations), else a new one —
    /// whose quote is the text stored already when the same quote is remembered, else the
    /// quote stored anew. See [`QUOTE_SLOTS`].
    fn citation(&mut self, cited: Cited) -> Result<u32, StoreError> {
        let Cited {
            document,
            quote,
            hash,
        } = cited;
        let g = &mut self.graph;
        if self.quote_slots.is_empty() {
            // A few writes to a version remember a few quotes; a load remembers many.
            let slots = if self.start.is_some() {
                64
            } else {
                QUOTE_SLOTS
            };
            self.quote_slots = vec![(0, u32::MAX); slots];
        }
        let slots = self.quote_slots.len();
        let slot = &mut self.quote_slots[hash as usize & (slots - 1)];
        let known = (slot.0 == hash)
            .then(|| g.citations.get(slot.1 as usize))
            .flatten()
            .filter(|c| g.text.get(c.quote) == quote)
            .copied();
        if let Some(c) = known {
            if c.document == document {
                return Ok(slot.1);
            }
        }
        let quote = match known {
            Some(c) => c.quote,
            None => g.text.push(&quote)?,
        };
        let index = u32::try_from(g.citations.len())
            .ok()
            .filter(|&i| i < u32::MAX)
            .ok_or_else(|| StoreError::Invalid {
                field: "quote",
                message: "a graph holds fewer than 2^32 citations".into(),
            })?;
        g.citations.push(CitationRecord { document, quote });
        *slot = (hash, index);
        Ok(index)
    }

    /// The index of an own label in the label table, added if new; `None` once the table is
    /// full (the label is then kept with the relation).
    fn label(&mut self, label: &str) -> Option<u16> {
        if let Some(&i) = self.label_index.get(label) {
            return Some(i);
        }
        let labels = Arc::make_mut(&mut self.graph.labels);
        if labels.is_empty() {
            labels.push("".into());
        }
        let i = u16::try_from(labels.len()).ok()?;
        labels.push(label.into());
        self.label_index.insert(label.into(), i);
        Some(i)
    }

    /// Whether the default id of a relation of `kind` from `from` to `to` is taken, by such a
    /// relation or as another relation's stored id (the fast path of
    /// [`GraphBuilder::has_relation`] for importers that name relations).
    pub fn default_id_taken(&self, from: Node, kind: RelationKind, to: Node) -> bool {
        if self.holds_default(from, kind, to) {
            return true;
        }
        if self.graph.explicit_ids.is_empty() {
            return false;
        }
        let g = &self.graph;
        let id = ids::default_id(g.entity(from).id(), kind, g.entity(to).id());
        g.explicit_ids.contains_key(id.as_str())
    }

    /// Looks up whether a relation of `kind` from `from` to `to` holds its default id, without
    /// using the answer: an importer calls it for a run of relations before adding them, so
    /// that the lookups' cache misses overlap and adding them finds the answers in the cache.
    /// O(1).
    pub fn look_ahead(&self, from: Node, kind: RelationKind, to: Node) {
        std::hint::black_box(
            self.defaults
                .contains(from.index() as u32, to.index() as u32, kind),
        );
    }

    /// [`GraphBuilder::default_id_taken`], given the default id's text (not built again from
    /// the ends' ids).
    fn default_taken(&self, from: Node, kind: RelationKind, to: Node, id: &Id) -> bool {
        self.holds_default(from, kind, to)
            || (!self.graph.explicit_ids.is_empty()
                && self.graph.explicit_ids.contains_key(id.as_str()))
    }

    /// Whether a relation of `kind` from `from` to `to` holds its default id: one added here
    /// (the set of default ids), or one of the version the builder started from (found in
    /// the smaller end's row, which the builder keeps up to date when it started from a
    /// version). O(1) for a load; O(smaller degree) for a change.
    fn holds_default(&self, from: Node, kind: RelationKind, to: Node) -> bool {
        match self.start {
            None => self
                .defaults
                .contains(from.index() as u32, to.index() as u32, kind),
            Some(_) => self.graph.default_edge(from, kind, to).is_some(),
        }
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

/// How many records a version's layers may hold before a builder lays the whole version out
/// again itself (see [`GraphBuilder::build`]); below, the curation writer folds them in the
/// background ([`Graph::folded`]).
pub const FOLD_AT: usize = 4096;

/// Lays out the entities and documents added since `start` beside the layout of `g`: the
/// entities into the id order of the layer and among those touched since the layout (the
/// relations are in their rows already), and those `replaced` among the touched and the
/// stale (see [`Graph::touched_since_layout`]). O(added × log added + documents).
fn beside(g: &mut Graph, start: Start, replaced: &[Node]) {
    for &n in replaced {
        if g.stale.insert(n) && n.index() < g.entity_order.len() {
            g.touched.push(n);
        }
    }
    let added = start.entities..g.node_bound();
    if !added.is_empty() {
        let mut order = std::mem::take(&mut g.entity_order_layer);
        for n in added.map(Node::new) {
            let id = g.entity(n).id();
            let at = order.partition_point(|&m| g.entity(m).id() < id);
            order.insert(at, n);
            g.touched.push(n);
        }
        g.entity_order_layer = order;
    }
    if g.documents.len() != start.documents {
        g.document_order = Arc::new(document_order(g));
    }
}

/// `g` with every layer folded into its base, what was removed left out and the rest
/// numbered afresh (`store::tombstones`), and laid out anew under a new
/// [`Graph::layout`] number: rows and orders built on rayon's thread pool at once.
/// O(V log V + E).
pub(super) fn lay_out(g: Graph) -> Graph {
    lay_out_with(g, |_| ()).0
}

/// [`lay_out`], computing `also` from the graph once it is numbered afresh, on the thread
/// pool beside the rows and orders.
fn lay_out_with<T: Send>(mut g: Graph, also: impl FnOnce(&Graph) -> T + Send) -> (Graph, T) {
    g.text.fold();
    g.entities.fold();
    g.entity_extras.fold();
    g.entity_index.fold(&g.text);
    g.relations.fold();
    g.relation_extras.fold();
    g.explicit_ids.fold();
    g.citations.fold();
    g.text.shrink();
    g.entity_order_layer = Vec::new();
    g.touched = Vec::new();
    g.stale = HashSet::new();
    g.layout = next_layout();
    if !g.replaced_extras.is_empty() {
        let replaced = std::mem::take(&mut g.replaced_extras);
        let mut extras: Vec<(u32, RelationExtra)> = (g.relation_extras.iter())
            .filter(|(e, _)| !replaced.contains_key(e))
            .cloned()
            .collect();
        extras.extend(
            (replaced.into_iter()).filter(|(e, _)| g.relations[*e as usize].bits & HAS_EXTRA != 0),
        );
        extras.sort_unstable_by_key(|(e, _)| *e);
        g.relation_extras = Layered::from_vec(extras);
    }
    // The removed left out and the rest numbered afresh, before the rows and the index.
    super::tombstones::compact(&mut g);
    // `also`, the orders and the two sides' rows are independent of each other: built on the
    // thread pool at once.
    let graph = &g;
    let (also, (order, (outgoing, incoming))) = rayon::join(
        || also(graph),
        || {
            rayon::join(
                || {
                    let mut order: Vec<Node> = (0..graph.entities.len()).map(Node::new).collect();
                    order.sort_unstable_by(|&a, &b| graph.entity(a).id().cmp(graph.entity(b).id()));
                    order
                },
                || {
                    let n = graph.entities.len();
                    let relations = graph.relations.iter();
                    rayon::join(
                        || Adjacency::build(n, relations.clone(), |r| r.from, |r| r.to),
                        || Adjacency::build(n, relations.clone(), |r| r.to, |r| r.from),
                    )
                },
            )
        },
    );
    g.document_order = Arc::new(document_order(&g));
    g.entity_order = Arc::new(order);
    g.outgoing = outgoing;
    g.incoming = incoming;
    (g, also)
}

/// A number no other layout of this process has (see [`Graph::layout`]).
fn next_layout() -> u64 {
    static LAYOUTS: AtomicU64 = AtomicU64::new(1);
    LAYOUTS.fetch_add(1, Ordering::Relaxed)
}

/// The documents' indices in id order, those removed left out. O(D log D).
fn document_order(g: &Graph) -> Vec<u32> {
    let mut documents: Vec<u32> = (0..g.documents.len() as u32)
        .filter(|&i| g.document_index.get(&g.documents[i as usize].id) == Some(&i))
        .collect();
    documents
        .sort_unstable_by(|&a, &b| g.documents[a as usize].id.cmp(&g.documents[b as usize].id));
    documents
}

impl Graph {
    /// How much this version holds beside its last layout: entities, relations and rows
    /// changed or removed since. O(1).
    pub fn layer_size(&self) -> usize {
        self.entities.layer_len()
            + self.dead_nodes.len()
            + self.relations.layer_len()
            + self.outgoing.changed()
            + self.incoming.changed()
    }

    /// This version laid out anew with its layers folded in: the same graph, read as fast as
    /// a loaded one (see [`GraphBuilder::over`]). O(V log V + E + total name length).
    pub fn folded(&self) -> Graph {
        lay_out(self.clone())
    }

    /// [`Graph::folded`], computing `also` from the new layout on the thread pool beside its
    /// rows (see [`GraphBuilder::build_with`]).
    pub fn folded_with<T: Send>(&self, also: impl FnOnce(&Graph) -> T + Send) -> (Graph, T) {
        lay_out_with(self.clone(), also)
    }
}

/// Why a relation of `kind` cannot go from an entity of kind `from` to one of kind `to`, if
/// it cannot.
fn kinds_not_allowed(kind: RelationKind, from: EntityKind, to: EntityKind) -> Option<StoreError> {
    if kind.allows(from, to) {
        return None;
    }
    let spec = kind.spec();
    let names = |ks: &[EntityKind]| ks.iter().map(|k| k.name()).collect::<Vec<_>>().join("|");
    Some(StoreError::KindsNotAllowed {
        kind,
        from,
        to,
        allowed_from: names(spec.from),
        allowed_to: names(spec.to),
    })
}

/// [`GraphBuilder::resolve_relation`] against the entities and documents of `g` and the
/// documents' texts, for the builder `origin`, whose quotes are hashed by `quotes`.
pub(super) fn resolve(
    g: &impl Entities,
    texts: &HashMap<Id, Arc<str>>,
    quotes: &FixedState,
    origin: u64,
    ends: (Option<Node>, Option<Node>),
    mut relation: Relation,
) -> ResolvedRelation {
    let mut problems = Vec::new();
    let from_end = g.end(ends.0, relation.from.as_str());
    let to_end = g.end(ends.1, relation.to.as_str());
    let (from, to) = (from_end.map(|(n, _)| n), to_end.map(|(n, _)| n));
    let unknown = |field: &'static str, id: &Id| StoreError::Unknown {
        field,
        what: "entity",
        id: id.to_string(),
    };
    if from.is_none() {
        problems.push(unknown("from", &relation.from));
    }
    if to.is_none() {
        problems.push(unknown("to", &relation.to));
    }
    if let (Some((_, fk)), Some((_, tk))) = (from_end, to_end) {
        problems.extend(kinds_not_allowed(relation.kind, fk, tk));
    }
    if relation.citations.is_empty() {
        problems.push(StoreError::NoCitation);
    }
    let mut first = None;
    let mut more = Vec::new();
    for c in std::mem::take(&mut relation.citations) {
        if c.quote.trim().is_empty() {
            problems.push(StoreError::EmptyQuote);
        }
        if let Some(text) = texts.get(&c.document) {
            if !c.quote.trim().is_empty() && !curation::is_verbatim(&c.quote, text) {
                problems.push(StoreError::NotVerbatim {
                    document: c.document.to_string(),
                    quote: c.quote.chars().take(60).collect(),
                });
            }
        }
        let document = match g.document(&c.document) {
            Some(d) => d,
            None => {
                problems.push(StoreError::Unknown {
                    field: "document",
                    what: "document",
                    id: c.document.to_string(),
                });
                UNKNOWN
            }
        };
        let cited = Cited {
            document,
            hash: quotes.hash_one(c.quote.as_str()),
            quote: c.quote,
        };
        match first {
            None => first = Some(cited),
            Some(_) => more.push(cited),
        }
    }
    let bits = |field: &'static str, date: Option<Date>| match date {
        None => Ok(0),
        Some(d) => d.to_bits().ok_or_else(|| StoreError::Invalid {
            field,
            message: format!("{d} is too far out to store"),
        }),
    };
    let date = bits("date", relation.date).unwrap_or_else(|e| {
        problems.push(e);
        0
    });
    if let Err(e) = bits("until", relation.until) {
        problems.push(e);
    }
    match (relation.date, relation.until) {
        (Some(date), Some(until)) if until < date => {
            problems.push(StoreError::EndsBeforeItBegins { date, until })
        }
        (None, Some(_)) => problems.push(StoreError::EndWithoutStart),
        _ => {}
    }
    let default = ids::is_default_id(
        relation.id.as_str(),
        relation.from.as_str(),
        relation.kind,
        relation.to.as_str(),
    );
    let Relation {
        id,
        kind,
        label,
        from: _,
        to: _,
        date: _,
        until,
        role,
        claim,
        description,
        citations: _,
        attributes,
    } = relation;
    let rare = Rare {
        until,
        role,
        description,
        attributes,
        more,
    };
    let rare = (rare.until.is_some()
        || rare.role.is_some()
        || rare.description.is_some()
        || !rare.attributes.is_empty()
        || !rare.more.is_empty())
    .then(|| Box::new(rare));
    ResolvedRelation {
        parts: Parts {
            id,
            kind,
            default,
            claim,
            date,
            label,
            first,
            rare,
        },
        from,
        to,
        renamed: false,
        origin,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Citation;

    fn id(s: &str) -> Id {
        Id::parse(s).unwrap()
    }

    fn builder() -> GraphBuilder {
        let mut b = GraphBuilder::new();
        b.add_document(Document {
            id: id("doc"),
            title: "A bulletin".into(),
            publisher: None,
            published: None,
            url: None,
        })
        .unwrap();
        for who in ["ann", "bob"] {
            b.add_entity(Entity::new(id(who), EntityKind::Person, who))
                .unwrap();
        }
        b
    }

    fn called(from: &str, to: &str) -> Relation {
        let citation = Citation {
            document: id("doc"),
            quote: "they spoke".into(),
        };
        let rid = id(&ids::default_id(from, RelationKind::Called, to));
        Relation::cited(rid, RelationKind::Called, id(from), id(to), citation)
    }

    #[test]
    fn a_date_too_far_out_to_store_is_refused_and_nothing_is_added() {
        let mut b = builder();
        for field in ["date", "until"] {
            let mut r = called("ann", "bob");
            r.date = Some(Date::ymd(2023, 9, 22));
            let far = Some(Date::ymd(9_000_000, 1, 1));
            match field {
                "date" => r.date = far,
                _ => r.until = far,
            }
            let err = b.add_relation(r).unwrap_err();
            assert_eq!(err.field(), Some(field), "{err}");
            assert!(err.to_string().contains("too far out"), "{err}");
        }
        assert!(!b.has_relation("ann.called.bob"));
        let g = b.build().unwrap();
        assert_eq!((g.relation_count(), g.entity_count()), (0, 2));
        assert!(g.edge("ann.called.bob").is_none());
    }

    #[test]
    fn default_and_given_ids_cannot_collide() {
        let mut b = builder();
        // Another relation given the id ann→bob's default id would have.
        let mut given = called("bob", "ann");
        given.id = id("ann.called.bob");
        b.add_relation(given).unwrap();
        let err = b.add_relation(called("ann", "bob")).unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { .. }), "{err}");
        // And a default id taken first refuses the same text given later.
        let mut b = builder();
        b.add_relation(called("ann", "bob")).unwrap();
        let mut given = called("bob", "ann");
        given.id = id("ann.called.bob");
        assert!(matches!(
            b.add_relation(given).unwrap_err(),
            StoreError::Duplicate { .. }
        ));
        let g = b.build().unwrap();
        assert_eq!(g.relation_count(), 1);
        let e = g.edge("ann.called.bob").unwrap();
        assert_eq!(g.relation(e).from(), "ann");
    }

    #[test]
    fn a_quote_repeated_is_stored_once_whatever_cites_it() {
        let mut b = builder();
        b.add_document(Document {
            id: id("other"),
            title: "Another bulletin".into(),
            publisher: None,
            published: None,
            url: None,
        })
        .unwrap();
        let spoke = "Ann and Bob spoke on the phone for an hour.";
        let met = "They met at the court.";
        let cites = [
            ("doc", spoke),
            ("doc", met),
            ("doc", spoke),
            ("other", spoke),
            ("other", met),
        ];
        for (i, (document, quote)) in cites.into_iter().enumerate() {
            let mut r = called("ann", "bob");
            r.id = id(&format!("call-{i}"));
            r.citations = vec![Citation {
                document: id(document),
                quote: quote.into(),
            }];
            b.add_relation(r).unwrap();
        }
        let g = b.build().unwrap();
        // Each quote's text once, though five relations cite them from two documents.
        assert_eq!(g.memory().quotes, spoke.len() + met.len());
        for (i, (document, quote)) in cites.into_iter().enumerate() {
            let r = g
                .relation(g.edge(&format!("call-{i}")).unwrap())
                .to_relation();
            assert_eq!(r.citations.len(), 1);
            assert_eq!(
                (
                    r.citations[0].document.as_str(),
                    r.citations[0].quote.as_str()
                ),
                (document, quote)
            );
        }
    }
}
