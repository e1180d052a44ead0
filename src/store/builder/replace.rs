//! Changes in place: an entity's or a relation's fields replaced in a version the builder
//! started over ([`GraphBuilder::over`]), the records written beside the shared base (see
//! `store::layered`), so a correction costs what it changes. A relation moved to other ends
//! keeps its number and moves between the ends' rows; an entity given another kind has its
//! relations checked again when the builder builds.

use super::{kinds_not_allowed, GraphBuilder, ResolvedRelation};
use crate::model::{Document, Entity, EntityKind, Id, Relation};
use crate::store::adjacency::RowChanges;
use crate::store::error::StoreError;
use crate::store::graph::{Edge, Node};
use crate::store::records::{EntityExtra, EntityRecord, DEAD, DEFAULT_ID};

impl GraphBuilder {
    /// Gives entity `node` the fields of `entity`, which keeps its id. A new name leaves the
    /// quotes of its relations as they were (they keep where the old one is, see
    /// `store::quotes`). Fails on an empty name; an event's place, and the relations and held
    /// entities of an entity given another kind, are checked by [`GraphBuilder::build`].
    /// O(its text).
    pub fn replace_entity(&mut self, node: Node, entity: Entity) -> Result<(), StoreError> {
        let g = &mut self.graph;
        let current = g.entities[node.index()];
        if g.text.get(current.id) != entity.id.as_str() || g.node_removed(node) {
            return Err(StoreError::Invalid {
                field: "id",
                message: "an entity changed in place keeps its id".into(),
            });
        }
        super::check_name(&entity)?;
        let (_, kind, name, extra) = EntityExtra::split(entity);
        // The old name stays in the arena, where its relations' quotes kept as templates
        // read it (see `Text::push_name`).
        let name = g.text.push_name(&name)?;
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
        if kind != current.kind && !self.rekinded.contains(&node) {
            self.rekinded.push(node);
        }
        if current.kind == EntityKind::Place && kind != EntityKind::Place {
            self.recheck_places = true;
        }
        Ok(())
    }

    /// Gives each relation the fields of its `Relation`, which keeps its id: checked with the
    /// rules of [`GraphBuilder::check_relation`] (every problem of every relation, each with
    /// its field; after one, the builder is to be dropped). A relation given other ends keeps
    /// its number (and so its place in the order relations were added) and moves from its old
    /// ends' rows to its new ones'; its id stays, the default one exactly when it is the
    /// default id of the new ends and kind. Each row is changed once, so moving all of a
    /// hub's relations (a merge) costs its row once. O(citations), plus the degrees of the
    /// rows a move changes.
    pub fn replace_relations(
        &mut self,
        changes: Vec<(Edge, Relation)>,
    ) -> Result<(), Vec<StoreError>> {
        let mut rows = RowChanges::default();
        let mut problems = Vec::new();
        for (edge, relation) in changes {
            if let Err(found) = self.replace_one(edge, relation, &mut rows) {
                problems.extend(found);
            }
        }
        rows.make(&mut self.graph.outgoing, &mut self.graph.incoming);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// One relation of [`GraphBuilder::replace_relations`], its moves between rows gathered
    /// in `rows`.
    fn replace_one(
        &mut self,
        edge: Edge,
        relation: Relation,
        rows: &mut RowChanges,
    ) -> Result<(), Vec<StoreError>> {
        let g = &self.graph;
        let e = edge.index();
        let current = g.relations[e];
        if g.relation(edge).id() != relation.id.as_str() || current.bits & DEAD != 0 {
            return Err(vec![StoreError::Invalid {
                field: "id",
                message: "a relation changed in place keeps its id".into(),
            }]);
        }
        let explicit = current.bits & DEFAULT_ID == 0;
        let ResolvedRelation {
            parts,
            from,
            to,
            problems,
            ..
        } = self.resolve_relation((None, None), relation);
        let (Some(from), Some(to), true) = (from, to, problems.is_empty()) else {
            return Err(problems);
        };
        // Ids are unique: one that is the default of the new ends is held by no other
        // relation, so the relation holds it as its default id.
        let default = parts.default;
        let id = parts.id.clone();
        let (record, extra) = self.record(parts, from, to).map_err(|e| vec![e])?;
        let g = &mut self.graph;
        match (explicit, default) {
            (true, true) => g.explicit_ids.remove(id),
            (false, false) => g.explicit_ids.insert(id, e as u32),
            _ => {}
        }
        if (current.from, current.to) != (record.from, record.to) {
            rows.remove(e as u32, current.from, current.to);
            rows.add(e as u32, record.from, record.to);
        }
        g.relations.set(e, record);
        match extra {
            Some(extra) => {
                g.replaced_extras.insert(e as u32, extra);
            }
            None => {
                g.replaced_extras.remove(&(e as u32));
            }
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

    /// Checks the entities given another kind ([`GraphBuilder::replace_entity`]): each of
    /// their relations must allow the new kind at its end. Each problem with the entity it is
    /// about. O(their degrees).
    pub fn check_kinds(&self) -> Vec<(Id, StoreError)> {
        let g = &self.graph;
        let mut errors = Vec::new();
        for &node in &self.rekinded {
            for e in g.incident_iter(node) {
                let (from, to) = g.endpoints(e);
                let (f, t) = (g.entity_kind(from), g.entity_kind(to));
                if let Some(problem) = kinds_not_allowed(g.relation_kind(e), f, t) {
                    errors.push((Id::trusted(g.entity(node).id()), problem));
                }
            }
        }
        errors
    }
}
