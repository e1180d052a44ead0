//! Borrowed views of one entity, relation or citation of a [`Graph`], read from its compact
//! records: every field as a method, and the model's owned struct on demand.

use super::graph::{Edge, Graph, Node};
use super::records::{
    CitationRecord, EntityExtra, EntityRecord, RelationExtra, RelationRecord, DEFAULT_ID,
};
use crate::model::{
    Attributes, Citation, ClaimStatus, Date, Document, Entity, EntityKind, Id, Relation,
    RelationKind,
};
use std::borrow::Cow;

static NO_ATTRIBUTES: Attributes = Attributes::new();

/// One entity of a graph version. Cheap to copy; every method is O(1).
#[derive(Clone, Copy)]
pub struct EntityRef<'g> {
    graph: &'g Graph,
    node: Node,
    record: &'g EntityRecord,
}

impl<'g> EntityRef<'g> {
    pub(super) fn new(graph: &'g Graph, node: Node) -> EntityRef<'g> {
        EntityRef {
            graph,
            node,
            record: &graph.entities[node.index()],
        }
    }

    fn extra(&self) -> &'g EntityExtra {
        self.graph
            .entity_extras
            .get(self.record.extra as usize)
            .unwrap_or(EntityExtra::EMPTY)
    }

    /// The handle of this entity.
    pub fn node(&self) -> Node {
        self.node
    }

    /// Stable, human-readable id.
    pub fn id(&self) -> &'g str {
        self.graph.text.get(self.record.id)
    }

    /// What the entity is.
    pub fn kind(&self) -> EntityKind {
        self.record.kind
    }

    /// The name to display.
    pub fn name(&self) -> &'g str {
        self.graph.text.get(self.record.name)
    }

    /// Other spellings and names.
    pub fn aliases(&self) -> &'g [String] {
        &self.extra().aliases
    }

    /// A sentence or two on who or what this is.
    pub fn description(&self) -> Option<&'g str> {
        self.extra().description.as_deref()
    }

    /// A person's roles as the sources give them.
    pub fn roles(&self) -> &'g [String] {
        &self.extra().roles
    }

    /// An event's start.
    pub fn start(&self) -> Option<Date> {
        self.extra().start
    }

    /// An event's end.
    pub fn end(&self) -> Option<Date> {
        self.extra().end
    }

    /// Where an event took place: the id of a `PLACE` entity.
    pub fn place(&self) -> Option<&'g Id> {
        self.extra().place.as_ref()
    }

    /// Structured figures, sorted by name.
    pub fn attributes(&self) -> &'g Attributes {
        &self.extra().attributes
    }

    /// The entity as the model's owned struct.
    pub fn to_entity(&self) -> Entity {
        let x = self.extra();
        Entity {
            id: Id::trusted(self.id()),
            kind: self.kind(),
            name: self.name().to_string(),
            aliases: x.aliases.clone(),
            description: x.description.clone(),
            roles: x.roles.clone(),
            start: x.start,
            end: x.end,
            place: x.place.clone(),
            attributes: x.attributes.clone(),
        }
    }
}

impl std::fmt::Debug for EntityRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntityRef")
            .field("id", &self.id())
            .field("kind", &self.kind())
            .field("name", &self.name())
            .finish()
    }
}

/// One relation of a graph version. Cheap to copy; every method is O(1) but [`Self::id`]
/// for a relation with a stored id and the side-table fields, which are O(log R') for the
/// R' relations that have any of them.
#[derive(Clone, Copy)]
pub struct RelationRef<'g> {
    graph: &'g Graph,
    edge: Edge,
    record: &'g RelationRecord,
}

impl<'g> RelationRef<'g> {
    pub(super) fn new(graph: &'g Graph, edge: Edge) -> RelationRef<'g> {
        RelationRef {
            graph,
            edge,
            record: &graph.relations[edge.index()],
        }
    }

    fn extra(&self) -> Option<&'g RelationExtra> {
        self.graph
            .relation_extra(self.edge.index() as u32, self.record)
    }

    /// The handle of this relation.
    pub fn edge(&self) -> Edge {
        self.edge
    }

    /// Stable id: `<from>.<kind in lower case>.<to>` unless the data gave another.
    pub fn id(&self) -> Cow<'g, str> {
        if self.record.bits & DEFAULT_ID != 0 {
            Cow::Owned(super::ids::default_id(self.from(), self.kind(), self.to()))
        } else {
            let id = self.extra().and_then(|x| x.id.as_ref());
            Cow::Borrowed(id.map_or("", |i| i.as_str()))
        }
    }

    /// What kind of relation.
    pub fn kind(&self) -> RelationKind {
        self.record.kind
    }

    /// The relation's own label (`RELATED` relations from other vocabularies), if any.
    pub fn own_label(&self) -> Option<&'g str> {
        if self.record.label != 0 {
            return self
                .graph
                .labels
                .get(usize::from(self.record.label))
                .map(|l| &**l);
        }
        self.extra().and_then(|x| x.label.as_deref())
    }

    /// The active label: the relation's own, else its kind's ("arrested").
    pub fn label(&self) -> &'g str {
        self.own_label().unwrap_or(self.kind().label())
    }

    /// The entity at the `from` end.
    pub fn from_node(&self) -> Node {
        Node::new(self.record.from as usize)
    }

    /// The entity at the `to` end.
    pub fn to_node(&self) -> Node {
        Node::new(self.record.to as usize)
    }

    /// The id of the entity at the `from` end.
    pub fn from(&self) -> &'g str {
        self.graph.entity(self.from_node()).id()
    }

    /// The id of the entity at the `to` end.
    pub fn to(&self) -> &'g str {
        self.graph.entity(self.to_node()).id()
    }

    /// When it happened or began.
    pub fn date(&self) -> Option<Date> {
        Date::from_bits(self.record.date)
    }

    /// When a period ended.
    pub fn until(&self) -> Option<Date> {
        self.extra().and_then(|x| x.until)
    }

    /// How the source presents it.
    pub fn claim(&self) -> Option<ClaimStatus> {
        self.record.claim()
    }

    /// Free text on the role played.
    pub fn role(&self) -> Option<&'g str> {
        self.extra().and_then(|x| x.role.as_deref())
    }

    /// A sentence or two of context.
    pub fn description(&self) -> Option<&'g str> {
        self.extra().and_then(|x| x.description.as_deref())
    }

    /// Structured figures, sorted by name.
    pub fn attributes(&self) -> &'g Attributes {
        self.extra().map_or(&NO_ATTRIBUTES, |x| &x.attributes)
    }

    /// Number of citations (at least one).
    pub fn citation_count(&self) -> usize {
        1 + self.extra().map_or(0, |x| x.citations.len())
    }

    /// The `i`-th citation, in the order given.
    pub fn citation(&self, i: usize) -> Option<CitationRef<'g>> {
        let index = match i {
            0 => self.record.citation,
            _ => *self.extra()?.citations.get(i - 1)?,
        };
        Some(CitationRef::new(self.graph, index, self.record))
    }

    /// The citations, in the order given.
    pub fn citations(&self) -> impl ExactSizeIterator<Item = CitationRef<'g>> + 'g {
        let this = *self;
        (0..self.citation_count()).map(move |i| this.citation(i).expect("counted"))
    }

    /// The relation as the model's owned struct.
    pub fn to_relation(&self) -> Relation {
        Relation {
            id: Id::trusted(&self.id()),
            kind: self.kind(),
            label: self.own_label().map(str::to_string),
            from: Id::trusted(self.from()),
            to: Id::trusted(self.to()),
            date: self.date(),
            until: self.until(),
            role: self.role().map(str::to_string),
            claim: self.claim(),
            description: self.description().map(str::to_string),
            citations: self.citations().map(|c| c.to_citation()).collect(),
            attributes: self.attributes().clone(),
        }
    }
}

impl std::fmt::Debug for RelationRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelationRef")
            .field("id", &self.id())
            .field("kind", &self.kind())
            .finish()
    }
}

/// One citation: a document and a verbatim quote from it.
#[derive(Clone, Copy)]
pub struct CitationRef<'g> {
    graph: &'g Graph,
    index: u32,
    /// The relation citing it (whose date fills a quote kept as a template).
    relation: &'g RelationRecord,
}

impl<'g> CitationRef<'g> {
    fn new(graph: &'g Graph, index: u32, relation: &'g RelationRecord) -> CitationRef<'g> {
        CitationRef {
            graph,
            index,
            relation,
        }
    }

    /// Its record.
    pub(super) fn record(&self) -> &'g CitationRecord {
        &self.graph.citations[self.index as usize]
    }

    /// The document quoted.
    pub fn document(&self) -> &'g Document {
        let c = &self.graph.citations[self.index as usize];
        &self.graph.documents[c.document as usize]
    }

    /// The exact words. Borrowed when the quote is kept as text; put together from its
    /// template (see `store::quotes`) when it is kept as one, O(quote).
    pub fn quote(&self) -> Cow<'g, str> {
        let c = &self.graph.citations[self.index as usize];
        self.graph.quote(c, self.relation)
    }

    /// The citation as the model's owned struct.
    pub fn to_citation(&self) -> Citation {
        Citation {
            document: self.document().id.clone(),
            quote: self.quote().into_owned(),
        }
    }
}

impl std::fmt::Debug for CitationRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CitationRef")
            .field("document", &self.document().id)
            .field("quote", &self.quote())
            .finish()
    }
}
