//! The graph itself: entities as nodes, relations as edges, with id indexes.

use super::search::SearchIndex;
use crate::model::{Document, Entity, EntityKind, Id, Relation, RelationKind};
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction as PgDirection;
use std::collections::{BTreeMap, HashMap};

/// A handle to an entity in one [`Graph`] version. Valid only for the graph that returned it.
pub type Node = NodeIndex<u32>;
/// A handle to a relation in one [`Graph`] version. Valid only for the graph that returned it.
pub type Edge = EdgeIndex<u32>;

/// Why the store refused a change. Each variant names the field at fault, so loaders can point
/// at the exact place in their input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// An entity, relation or document with this id exists already.
    #[error("duplicate id `{id}`: {what} with this id is already defined")]
    Duplicate {
        /// "an entity", "a relation" or "a document".
        what: &'static str,
        /// The id.
        id: String,
    },
    /// A field names an entity or document that does not exist.
    #[error("unknown {what} `{id}`")]
    Unknown {
        /// The field at fault (`from`, `to`, `place`, `document`).
        field: &'static str,
        /// "entity" or "document".
        what: &'static str,
        /// The id.
        id: String,
    },
    /// The relation kind does not allow these entity kinds at its ends.
    #[error(
        "{kind} cannot go from a {from} to a {to} (it goes from {allowed_from} to {allowed_to})"
    )]
    KindsNotAllowed {
        /// The relation kind.
        kind: RelationKind,
        /// The kind at the `from` end.
        from: EntityKind,
        /// The kind at the `to` end.
        to: EntityKind,
        /// The kinds allowed at `from`.
        allowed_from: String,
        /// The kinds allowed at `to`.
        allowed_to: String,
    },
    /// A relation has no citation.
    #[error("a relation needs at least one citation (a document and a verbatim quote from it)")]
    NoCitation,
    /// A citation's quote is empty.
    #[error("a citation's quote cannot be empty")]
    EmptyQuote,
    /// A field that must name a place names something else.
    #[error("`{id}` is a {kind}, but an event's place must be a PLACE")]
    NotAPlace {
        /// The id given.
        id: String,
        /// Its kind.
        kind: EntityKind,
    },
    /// A field is empty or otherwise malformed.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl StoreError {
    /// The field a loader should point at for this error, if one field is at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            StoreError::Duplicate { .. } => Some("id"),
            StoreError::Unknown { field, .. } | StoreError::Invalid { field, .. } => Some(field),
            StoreError::KindsNotAllowed { .. } => Some("kind"),
            StoreError::NoCitation => None,
            StoreError::EmptyQuote => Some("quote"),
            StoreError::NotAPlace { .. } => Some("place"),
        }
    }
}

/// One immutable version of the knowledge graph.
///
/// Built with [`GraphBuilder`], which checks every invariant: unique ids, relations between
/// existing entities of allowed kinds, at least one citation of an existing document. Once
/// built, a `Graph` is never changed; a new version is built instead (see [`super::Store`]).
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub(super) g: StableDiGraph<Entity, Relation, u32>,
    pub(super) entity_ids: HashMap<Id, Node>,
    pub(super) relation_ids: HashMap<Id, Edge>,
    /// Entities in id order, for stable paging.
    pub(super) entity_order: Vec<Node>,
    pub(super) documents: BTreeMap<Id, Document>,
    pub(super) search: SearchIndex,
    pub(super) version: u64,
    /// Analytics results of this version, filled in on demand (a clone starts empty).
    pub(super) analytics: super::analytics::Cache,
}

impl Graph {
    /// The version number: 0 for an empty graph, increased by every accepted change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Number of entities. O(1).
    pub fn entity_count(&self) -> usize {
        self.g.node_count()
    }

    /// Number of relations. O(1).
    pub fn relation_count(&self) -> usize {
        self.g.edge_count()
    }

    /// Number of documents. O(1).
    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    /// The entity with this id. O(1).
    pub fn node(&self, id: &str) -> Option<Node> {
        self.entity_ids.get(id).copied()
    }

    /// The relation with this id. O(1).
    pub fn edge(&self, id: &str) -> Option<Edge> {
        self.relation_ids.get(id).copied()
    }

    /// The entity behind a handle. O(1). Panics on a handle from another graph version.
    pub fn entity(&self, node: Node) -> &Entity {
        &self.g[node]
    }

    /// The relation behind a handle. O(1). Panics on a handle from another graph version.
    pub fn relation(&self, edge: Edge) -> &Relation {
        &self.g[edge]
    }

    /// The two ends of a relation, as (from, to). O(1).
    pub fn endpoints(&self, edge: Edge) -> (Node, Node) {
        self.g
            .edge_endpoints(edge)
            .expect("edge handle from this graph")
    }

    /// Entities in id order, optionally only of some kinds. O(V).
    pub fn entities<'a>(
        &'a self,
        kinds: Option<&'a [EntityKind]>,
    ) -> impl Iterator<Item = Node> + 'a {
        self.entity_order
            .iter()
            .copied()
            .filter(move |&n| kinds.is_none_or(|k| k.contains(&self.g[n].kind)))
    }

    /// Every relation, in the order they were added. O(E).
    pub fn all_relations(&self) -> impl Iterator<Item = Edge> + '_ {
        self.g.edge_indices()
    }

    /// The relations touching `node` (each once, self-loops included once), in the order they
    /// were added. O(degree).
    pub fn incident(&self, node: Node) -> Vec<Edge> {
        let mut edges: Vec<Edge> = self
            .g
            .edges_directed(node, PgDirection::Outgoing)
            .map(|e| e.id())
            .chain(
                self.g
                    .edges_directed(node, PgDirection::Incoming)
                    .filter(|e| e.source() != node)
                    .map(|e| e.id()),
            )
            .collect();
        edges.sort_unstable();
        edges
    }

    /// Number of relations touching `node`. O(degree).
    pub fn degree(&self, node: Node) -> usize {
        let out = self.g.edges_directed(node, PgDirection::Outgoing).count();
        let inc = self
            .g
            .edges_directed(node, PgDirection::Incoming)
            .filter(|e| e.source() != node)
            .count();
        out + inc
    }

    /// The documents, in id order.
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.documents.values()
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.get(id)
    }

    /// The participants of an event: the entities with a `PARTICIPATED_IN` relation to it.
    /// O(degree).
    pub fn participants(&self, event: Node) -> Vec<Node> {
        let mut seen = Vec::new();
        for e in self.g.edges_directed(event, PgDirection::Incoming) {
            if e.weight().kind == RelationKind::ParticipatedIn && !seen.contains(&e.source()) {
                seen.push(e.source());
            }
        }
        seen
    }
}

/// Builds a [`Graph`], checking each addition. Nothing is visible until [`GraphBuilder::build`].
#[derive(Debug, Default)]
pub struct GraphBuilder {
    graph: Graph,
}

impl GraphBuilder {
    /// An empty builder.
    pub fn new() -> GraphBuilder {
        GraphBuilder::default()
    }

    /// Starts from a copy of an existing version (for changes). O(V + E).
    pub fn from_graph(graph: &Graph) -> GraphBuilder {
        GraphBuilder {
            graph: graph.clone(),
        }
    }

    /// Adds a document. Fails on a duplicate id.
    pub fn add_document(&mut self, doc: Document) -> Result<(), StoreError> {
        if self.graph.documents.contains_key(&doc.id) {
            return Err(StoreError::Duplicate {
                what: "a document",
                id: doc.id.to_string(),
            });
        }
        self.graph.documents.insert(doc.id.clone(), doc);
        Ok(())
    }

    /// Adds an entity. Fails on a duplicate id or an empty name. An event's `place` is checked
    /// in [`GraphBuilder::build`], since the place may be added later.
    pub fn add_entity(&mut self, entity: Entity) -> Result<Node, StoreError> {
        if self.graph.entity_ids.contains_key(&entity.id) {
            return Err(StoreError::Duplicate {
                what: "an entity",
                id: entity.id.to_string(),
            });
        }
        if entity.name.trim().is_empty() {
            return Err(StoreError::Invalid {
                field: "name",
                message: "an entity needs a non-empty name".into(),
            });
        }
        let id = entity.id.clone();
        let node = self.graph.g.add_node(entity);
        self.graph.entity_ids.insert(id, node);
        Ok(node)
    }

    /// Adds a relation between two existing entities. Fails on a duplicate id, unknown ends,
    /// kinds the vocabulary does not allow, or missing or empty citations, or citations of
    /// unknown documents.
    pub fn add_relation(&mut self, relation: Relation) -> Result<Edge, StoreError> {
        let g = &self.graph;
        if g.relation_ids.contains_key(&relation.id) {
            return Err(StoreError::Duplicate {
                what: "a relation",
                id: relation.id.to_string(),
            });
        }
        let end = |field: &'static str, id: &Id| {
            g.node(id.as_str()).ok_or_else(|| StoreError::Unknown {
                field,
                what: "entity",
                id: id.to_string(),
            })
        };
        let from = end("from", &relation.from)?;
        let to = end("to", &relation.to)?;
        let (fk, tk) = (g.g[from].kind, g.g[to].kind);
        if !relation.kind.allows(fk, tk) {
            let spec = relation.kind.spec();
            let names =
                |ks: &[EntityKind]| ks.iter().map(|k| k.name()).collect::<Vec<_>>().join("|");
            return Err(StoreError::KindsNotAllowed {
                kind: relation.kind,
                from: fk,
                to: tk,
                allowed_from: names(spec.from),
                allowed_to: names(spec.to),
            });
        }
        if relation.citations.is_empty() {
            return Err(StoreError::NoCitation);
        }
        for c in &relation.citations {
            if c.quote.trim().is_empty() {
                return Err(StoreError::EmptyQuote);
            }
            if !g.documents.contains_key(&c.document) {
                return Err(StoreError::Unknown {
                    field: "document",
                    what: "document",
                    id: c.document.to_string(),
                });
            }
        }
        let id = relation.id.clone();
        let edge = self.graph.g.add_edge(from, to, relation);
        self.graph.relation_ids.insert(id, edge);
        Ok(edge)
    }

    /// Whether an entity with this id has been added.
    pub fn has_entity(&self, id: &str) -> bool {
        self.graph.entity_ids.contains_key(id)
    }

    /// Whether a relation with this id has been added.
    pub fn has_relation(&self, id: &str) -> bool {
        self.graph.relation_ids.contains_key(id)
    }

    /// Checks what can only be checked once every entity is in: that each event's place is
    /// a known `PLACE`. Returns each entity whose place is wrong, with its error. O(V).
    pub fn check_places(&self) -> Vec<(Id, StoreError)> {
        let graph = &self.graph;
        let mut errors = Vec::new();
        for n in graph.g.node_indices() {
            let e = &graph.g[n];
            if let Some(place) = &e.place {
                match graph.node(place.as_str()) {
                    None => errors.push((
                        e.id.clone(),
                        StoreError::Unknown {
                            field: "place",
                            what: "entity",
                            id: place.to_string(),
                        },
                    )),
                    Some(p) if graph.g[p].kind != EntityKind::Place => errors.push((
                        e.id.clone(),
                        StoreError::NotAPlace {
                            id: place.to_string(),
                            kind: graph.g[p].kind,
                        },
                    )),
                    Some(_) => {}
                }
            }
        }
        errors
    }

    /// Checks the places (see [`GraphBuilder::check_places`]), then indexes the graph for
    /// paging and search. O(V log V + total name length).
    pub fn build(self) -> Result<Graph, Vec<(Id, StoreError)>> {
        let errors = self.check_places();
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut graph = self.graph;
        let mut order: Vec<Node> = graph.g.node_indices().collect();
        order.sort_by(|&a, &b| graph.g[a].id.cmp(&graph.g[b].id));
        graph.entity_order = order;
        graph.search = SearchIndex::build(&graph);
        graph.version += 1;
        Ok(graph)
    }
}
