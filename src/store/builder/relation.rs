//! Adding a relation: checked once ([`GraphBuilder::check_relation`], or resolved on other
//! threads and finished here), then pushed into the records, the rows and the citations.

use super::resolve::{resolve, CheckedRelation, Cited, Parts, Rare, ResolvedRelation};
use super::{next_index, GraphBuilder, QUOTE_SLOTS, TEMPLATE_SLOTS};
use crate::model::{Date, Id, IdError, Relation, RelationKind};
use crate::store::error::StoreError;
use crate::store::graph::{Edge, Graph, Node};
use crate::store::ids;
use crate::store::quotes::{self, Holes};
use crate::store::records::{
    CitationRecord, Quote, QuoteIs, RelationExtra, RelationRecord, Span, TemplateRecord, TextFull,
    DEFAULT_ID, HAS_EXTRA,
};
use std::sync::Arc;

impl GraphBuilder {
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
    pub(super) fn record(
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
            names,
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
        let first = self.citation(first, names, date)?;
        let mut cited = Vec::with_capacity(more.len());
        for c in more {
            cited.push(self.citation(c, names, date)?);
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

    /// The index of a citation of `document` with `quote` for a relation whose ends' names
    /// start at `names` in the text arena, dated `date` (packed): one added before with the same document and quote when it is
    /// remembered (curated data cites one sentence for several relations in a row, bulk data
    /// one sentence for several relations), else a new one — whose quote is the text stored
    /// already when the same quote is remembered, else the quote's template (interned: the
    /// same shape is stored once) when it is one, else the quote stored anew. See
    /// [`QUOTE_SLOTS`].
    ///
    /// A quote seen before with other ends (one sentence naming several people, cited by a
    /// relation for each) is stored as text from its second citation on, then shared: its
    /// templates would differ from relation to relation.
    fn citation(&mut self, cited: Cited, names: [u32; 2], date: u32) -> Result<u32, StoreError> {
        if self.quote_slots.is_empty() {
            // A few writes to a version remember a few quotes; a load remembers many.
            let (quotes, templates) = match self.start {
                Some(_) => (64, 64),
                None => (QUOTE_SLOTS, TEMPLATE_SLOTS),
            };
            self.quote_slots = vec![(0, u32::MAX); quotes];
            self.template_slots = vec![(0, u32::MAX); templates];
        }
        let Cited {
            document,
            quote,
            hash,
            holes,
            template_hash,
        } = cited;
        // The quote itself, put together again when it was made a template (only when a
        // quote with its hash was stored before: rare in bulk data).
        let whole = |g: &Graph| -> String {
            let written = Date::from_bits(date).map(Date::written);
            let values = [
                g.text.name_at(names[0]),
                g.text.name_at(names[1]),
                written.as_ref().map_or("", |d| d.as_str()),
            ];
            quotes::decode(&quote, holes, values)
        };
        let slots = self.quote_slots.len();
        let slot = hash as usize & (slots - 1);
        let (known_hash, known) = self.quote_slots[slot];
        let g = &self.graph;
        let known = (known_hash == hash)
            .then(|| g.citations.get(known as usize).map(|c| (known, *c)))
            .flatten();
        // What the quote is stored as: the text of a known citation, or anew.
        let mut text = None;
        match known.map(|(i, c)| (i, c, c.quote.is())) {
            Some((i, c, QuoteIs::Text(span))) => {
                let same = match holes.is_empty() {
                    true => g.text.get(span) == quote,
                    false => g.text.get(span) == whole(g),
                };
                if same && c.document == document {
                    return Ok(i);
                }
                if same {
                    text = Some(span);
                }
            }
            Some((i, c, QuoteIs::Template { template, .. })) => {
                // Shared only when the same quote has the same template and holes: then the
                // values found in it, and so the names kept for it, are the same strings.
                let shape = g.templates[template as usize];
                if !holes.is_empty() && shape.holes == holes && g.text.get(shape.text) == quote {
                    if c.document == document {
                        return Ok(i);
                    }
                } else {
                    // The same quote with other ends: kept as text from now on.
                    let quote = whole(g);
                    return self.new_citation(document, slot, hash, |g| g.text.push(&quote));
                }
            }
            None => {}
        }
        if let Some(span) = text {
            return self.new_citation(document, slot, hash, |_| Ok(span));
        }
        if holes.is_empty() {
            return self.new_citation(document, slot, hash, |g| g.text.push(&quote));
        }
        // A citation of its own even when another of the same template and document came
        // before: the relations' citation records are then read in the order the relations
        // are (an export, a page of relations), where a shared one was a cache miss a quote.
        let t = self.template(&quote, holes, template_hash)?;
        let g = &mut self.graph;
        let quote = u32::try_from(g.quote_names.len())
            .ok()
            .and_then(|n| Quote::template(t, n))
            .ok_or_else(|| StoreError::Invalid {
                field: "quote",
                message: "a graph holds fewer than 2^31 quotes kept as templates".into(),
            })?;
        g.quote_names.push(names);
        let index = self.push_citation(CitationRecord { document, quote })?;
        self.quote_slots[slot] = (hash, index);
        Ok(index)
    }

    /// A new citation of `document` whose quote is kept as the text `text` stores (or finds),
    /// remembered in quote slot `slot` under `hash`.
    fn new_citation(
        &mut self,
        document: u32,
        slot: usize,
        hash: u64,
        text: impl FnOnce(&mut Graph) -> Result<Span, TextFull>,
    ) -> Result<u32, StoreError> {
        let span = text(&mut self.graph)?;
        let quote = Quote::text(span).ok_or_else(|| StoreError::Invalid {
            field: "quote",
            message: "a quote is shorter than 2 GiB".into(),
        })?;
        let index = self.push_citation(CitationRecord { document, quote })?;
        self.quote_slots[slot] = (hash, index);
        Ok(index)
    }

    /// Adds a citation record; its index.
    fn push_citation(&mut self, citation: CitationRecord) -> Result<u32, StoreError> {
        let g = &mut self.graph;
        let index = next_index(g.citations.len(), "quote", "citations")?;
        g.citations.push(citation);
        Ok(index)
    }

    /// The index of the template with text `text` and `holes` (hashed to `hash`): one stored
    /// before when it is remembered, else a new one.
    fn template(&mut self, text: &str, holes: Holes, hash: u64) -> Result<u32, StoreError> {
        let g = &mut self.graph;
        let slots = self.template_slots.len();
        let slot = &mut self.template_slots[hash as usize & (slots - 1)];
        let known = (slot.0 == hash)
            .then(|| g.templates.get(slot.1 as usize))
            .flatten()
            .filter(|t| t.holes == holes && g.text.get(t.text) == text);
        if known.is_some() {
            return Ok(slot.1);
        }
        let index = next_index(g.templates.len(), "quote", "quote templates")?;
        let text = g.text.push(text)?;
        g.templates.push(TemplateRecord { text, holes });
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
    pub(super) fn holds_default(&self, from: Node, kind: RelationKind, to: Node) -> bool {
        match self.start {
            None => self
                .defaults
                .contains(from.index() as u32, to.index() as u32, kind),
            Some(_) => self.graph.default_edge(from, kind, to).is_some(),
        }
    }
}
