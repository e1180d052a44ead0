//! Changes in place: an entity's or a relation's fields replaced in a version the builder
//! started over ([`GraphBuilder::over`]), the records written beside the shared base (see
//! `store::layered`), so a correction costs what it changes. What moves a relation to other
//! ends or changes a kind lays the version out again instead (`store::apply`).

use super::{GraphBuilder, ResolvedRelation};
use crate::model::{Document, Entity, Relation};
use crate::store::error::StoreError;
use crate::store::graph::{Edge, Node};
use crate::store::records::{EntityExtra, EntityRecord, DEFAULT_ID};

impl GraphBuilder {
    /// Gives entity `node` the fields of `entity`, which keeps its id and kind. Fails on an
    /// empty name; an event's place is checked by [`GraphBuilder::build`]. O(its text).
    pub fn replace_entity(&mut self, node: Node, entity: Entity) -> Result<(), StoreError> {
        let g = &mut self.graph;
        let current = g.entities[node.index()];
        if g.text.get(current.id) != entity.id.as_str() || current.kind != entity.kind {
            return Err(StoreError::Invalid {
                field: "kind",
                message: "an entity changed in place keeps its id and kind".into(),
            });
        }
        super::check_name(&entity)?;
        let (_, kind, name, extra) = EntityExtra::split(entity);
        let name = g.text.push(&name)?;
        let extra = super::store_extra(g, extra);
        g.entities.set(
            node.index(),
            EntityRecord {
                id: current.id,
                name,
                extra,
                kind,
            },
        );
        if !self.replaced.contains(&node) {
            self.replaced.push(node);
        }
        Ok(())
    }

    /// Gives relation `edge` the fields of `relation`, which keeps its id, kind and ends:
    /// checked with the rules of [`GraphBuilder::check_relation`] (every problem, each with
    /// its field). O(citations).
    pub fn replace_relation(
        &mut self,
        edge: Edge,
        relation: Relation,
    ) -> Result<(), Vec<StoreError>> {
        let g = &self.graph;
        let (from, to) = g.endpoints(edge);
        let current = g.relations[edge.index()];
        let same = g.relation(edge).id() == relation.id.as_str()
            && current.kind == relation.kind
            && g.entity(from).id() == relation.from.as_str()
            && g.entity(to).id() == relation.to.as_str();
        if !same {
            return Err(vec![StoreError::Invalid {
                field: "kind",
                message: "a relation changed in place keeps its id, kind and ends".into(),
            }]);
        }
        let ResolvedRelation {
            mut parts,
            problems,
            ..
        } = self.resolve_relation((Some(from), Some(to)), relation);
        if !problems.is_empty() {
            return Err(problems);
        }
        // The same id between the same ends: default exactly when it was.
        parts.default = current.bits & DEFAULT_ID != 0;
        let (record, extra) = self.record(parts, from, to).map_err(|e| vec![e])?;
        let g = &mut self.graph;
        g.relations.set(edge.index(), record);
        if let Some(extra) = extra {
            g.replaced_extras.insert(edge.index() as u32, extra);
        }
        Ok(())
    }

    /// Gives a document new fields (its id stays). Fails if it is unknown. O(documents) when
    /// another version shares the table.
    pub fn replace_document(&mut self, doc: Document) -> Result<(), StoreError> {
        let g = &mut self.graph;
        let Some(&i) = g.document_index.get(&doc.id) else {
            return Err(StoreError::Unknown {
                field: "document",
                what: "document",
                id: doc.id.to_string(),
            });
        };
        std::sync::Arc::make_mut(&mut g.documents)[i as usize] = doc;
        Ok(())
    }
}
