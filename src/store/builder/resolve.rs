//! A relation taken apart for the graph: its ends and documents resolved ([`resolve`],
//! against the builder's graph or a [`Resolver`](crate::store::Resolver)'s copy), the parts the graph keeps, and
//! the checked relation ready to push ([`CheckedRelation`]).

use crate::model::{Attributes, ClaimStatus, Date, EntityKind, Id, Relation, RelationKind};
use crate::store::curated as curation;
use crate::store::error::StoreError;
use crate::store::graph::{Graph, Node};
use crate::store::ids;
use crate::store::quotes::{self, Holes};
use foldhash::fast::FixedState;
use hashbrown::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

/// Where [`resolve`] finds the ends and documents of a relation: the builder's graph, or a
/// [`Resolver`](crate::store::Resolver)'s copy of them.
pub(in crate::store) trait Entities {
    /// The entity `id` names, its kind, and where its name starts in the text arena (see
    /// `Text::push_name`). `given`: where the caller found it, if it did (a handle that is not
    /// that entity is ignored).
    fn end(&self, given: Option<Node>, id: &str) -> Option<(Node, EntityKind, u32)>;

    /// The index of the document with this id.
    fn document(&self, id: &Id) -> Option<u32>;

    /// The name whose start [`Entities::end`] gave.
    fn name_at(&self, at: u32) -> &str;
}

impl Entities for Graph {
    fn end(&self, given: Option<Node>, id: &str) -> Option<(Node, EntityKind, u32)> {
        let node = match given {
            Some(n) if n.index() < self.node_bound() && self.entity(n).id() == id => Some(n),
            _ => self.node(id),
        };
        node.map(|n| (n, self.entity_kind(n), self.name_start(n)))
    }

    fn document(&self, id: &Id) -> Option<u32> {
        self.document_index.get(id).copied()
    }

    fn name_at(&self, at: u32) -> &str {
        self.text.name_at(at)
    }
}

/// A relation that passed [`GraphBuilder::check_relation`](super::GraphBuilder::check_relation), ready for
/// [`GraphBuilder::push_relation`](super::GraphBuilder::push_relation): taken apart into what the graph keeps, its ends and
/// documents resolved.
#[derive(Debug)]
pub struct CheckedRelation {
    pub(super) parts: Parts,
    pub(super) from: Node,
    pub(super) to: Node,
}

/// A relation taken apart into what the graph keeps of it. [`GraphBuilder::resolve_relation`](super::GraphBuilder::resolve_relation)
/// takes it apart on the thread that resolves it, so that what is not kept (the ids of its
/// ends and documents, its list of citations) is freed there, not by the thread that adds it.
#[derive(Debug)]
pub(super) struct Parts {
    pub(super) id: Id,
    pub(super) kind: RelationKind,
    /// Whether `id` is the relation's default id (derived from the record, not stored).
    pub(super) default: bool,
    pub(super) claim: Option<ClaimStatus>,
    /// Its date, packed (0 for none, or when it cannot be).
    pub(super) date: u32,
    /// Where the names of its ends start in the text arena (`[from's, to's]`): what its
    /// quotes kept as templates are filled with ([`crate::store::Graph`]'s `quote_names`).
    /// `[0, 0]` when its ends are unknown.
    pub(super) names: [u32; 2],
    pub(super) label: Option<String>,
    /// The first citation. Most relations cite once, and carry no list for it.
    pub(super) first: Option<Cited>,
    /// What bulk data seldom has, apart (so a relation moves from thread to thread small).
    pub(super) rare: Option<Box<Rare>>,
}

/// The fields of a relation that bulk data seldom has.
#[derive(Debug, Default)]
pub(super) struct Rare {
    pub(super) until: Option<Date>,
    pub(super) role: Option<String>,
    pub(super) description: Option<String>,
    pub(super) attributes: Attributes,
    /// The citations after the first.
    pub(super) more: Vec<Cited>,
}

/// A citation taken apart: the index of its document ([`UNKNOWN`] when there is none), its
/// quote, and the quote's hash (for finding the same quote among those stored). When the
/// quote is a template of its relation's ends and date ([`quotes::encode`]), `quote` is the
/// template's text and `holes` where the values go.
#[derive(Debug)]
pub(super) struct Cited {
    pub(super) document: u32,
    pub(super) quote: String,
    /// The hash of the quote (not of the template's text).
    pub(super) hash: u64,
    /// [`Holes::NONE`] for a quote kept as text.
    pub(super) holes: Holes,
    /// The hash of the template (its text and holes); 0 for a quote kept as text.
    pub(super) template_hash: u64,
}

impl Cited {
    /// Makes the quote a template of `values` (its relation's ends' names and date), when
    /// that saves enough (see [`quotes::encode`]).
    fn make_template(&mut self, values: [&str; 3], hasher: &FixedState) {
        if let Some(holes) = quotes::encode(&mut self.quote, values) {
            self.holes = holes;
            self.template_hash = hasher.hash_one((self.quote.as_str(), holes.bits()));
        }
    }
}

/// The document index of a citation whose document is unknown (a problem reported).
pub(super) const UNKNOWN: u32 = u32::MAX;

/// A relation whose ends, kinds, citations and period were checked
/// ([`GraphBuilder::resolve_relation`](super::GraphBuilder::resolve_relation)), waiting for the check of its id
/// ([`GraphBuilder::check_resolved`](super::GraphBuilder::check_resolved)).
#[derive(Debug)]
pub struct ResolvedRelation {
    pub(super) parts: Parts,
    pub(super) from: Option<Node>,
    pub(super) to: Option<Node>,
    /// Whether the id was changed since it was resolved (then whether it is the default one
    /// is found again).
    pub(super) renamed: bool,
    /// The builder it was resolved for.
    pub(super) origin: u64,
    /// What is wrong with it whatever was added before, in the order
    /// [`GraphBuilder::check_relation`](super::GraphBuilder::check_relation) reports it.
    pub(super) problems: Vec<StoreError>,
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
    /// relations before it are in, see [`GraphBuilder::free_relation_id`](super::GraphBuilder::free_relation_id)). Nothing checked
    /// so far depended on the id.
    pub fn set_id(&mut self, id: Id) {
        self.parts.id = id;
        self.renamed = true;
    }
}

/// Why a relation of `kind` cannot go from an entity of kind `from` to one of kind `to`, if
/// it cannot.
pub(super) fn kinds_not_allowed(
    kind: RelationKind,
    from: EntityKind,
    to: EntityKind,
) -> Option<StoreError> {
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

/// [`GraphBuilder::resolve_relation`](super::GraphBuilder::resolve_relation) against the entities and documents of `g` and the
/// documents' texts, for the builder `origin`, whose quotes are hashed by `hasher`. Quotes
/// that hold the names of the relation's ends are made templates of them here, on the thread
/// that resolves (see `store::quotes`).
pub(in crate::store) fn resolve(
    g: &impl Entities,
    texts: &HashMap<Id, Arc<str>>,
    hasher: &FixedState,
    origin: u64,
    ends: (Option<Node>, Option<Node>),
    mut relation: Relation,
) -> ResolvedRelation {
    let mut problems = Vec::new();
    let from_end = g.end(ends.0, relation.from.as_str());
    let to_end = g.end(ends.1, relation.to.as_str());
    let (from, to) = (from_end.map(|(n, ..)| n), to_end.map(|(n, ..)| n));
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
    if let (Some((_, fk, _)), Some((_, tk, _))) = (from_end, to_end) {
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
            hash: hasher.hash_one(c.quote.as_str()),
            quote: c.quote,
            holes: Holes::NONE,
            template_hash: 0,
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
    let mut names = [0; 2];
    if let (Some((.., from)), Some((.., to)), true) = (from_end, to_end, problems.is_empty()) {
        names = [from, to];
        // What the graph fills a template with: the date as it reads it back.
        let written = Date::from_bits(date).map(Date::written);
        let values = [
            g.name_at(from),
            g.name_at(to),
            written.as_ref().map_or("", |d| d.as_str()),
        ];
        for c in first.iter_mut().chain(more.iter_mut()) {
            c.make_template(values, hasher);
        }
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
            names,
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
