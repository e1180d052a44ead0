//! Removals from a version the builder started over ([`GraphBuilder::over`]): what is
//! removed stays where it was as a gap in the numbering (see `store::tombstones`), out of
//! the rows, the id indexes and the id order, and stale against the layout (so out of
//! search), so a removal costs the rows it touches.

use super::GraphBuilder;
use crate::model::EntityKind;
use crate::model::Id;
use crate::store::adjacency::RowChanges;
use crate::store::error::StoreError;
use crate::store::graph::{Edge, Node};
use crate::store::records::DEAD;
use std::sync::Arc;

impl GraphBuilder {
    /// Removes relations, each out of its ends' rows and the id index: each row changed once,
    /// so removing all of a hub's relations costs its row once. Fails on a relation not there
    /// (the ones before it are removed: the builder is then to be dropped).
    /// O(k + degrees of the ends).
    pub fn remove_relations(&mut self, edges: &[Edge]) -> Result<(), StoreError> {
        debug_assert!(self.start.is_some(), "removals are made over a version");
        let mut rows = RowChanges::default();
        let g = &mut self.graph;
        for &edge in edges {
            let e = edge.index();
            let Some(&record) = g.relations.get(e).filter(|r| r.bits & DEAD == 0) else {
                rows.make(&mut g.outgoing, &mut g.incoming);
                return Err(StoreError::Unknown {
                    field: "id",
                    what: "relation",
                    id: format!("#{e}"),
                });
            };
            if let Some(id) = g
                .relation_extra(e as u32, &record)
                .and_then(|x| x.id.clone())
            {
                g.explicit_ids.remove(id);
            }
            rows.remove(e as u32, record.from, record.to);
            let mut dead = record;
            dead.bits |= DEAD;
            g.relations.set(e, dead);
            g.dead_relations += 1;
        }
        rows.make(&mut g.outgoing, &mut g.incoming);
        Ok(())
    }

    /// Removes entity `node`, which no relation may name any more: out of the id index and
    /// the id order, and stale against the layout (so out of search). O(1); a place's removal has [`GraphBuilder::build`] check every
    /// entity's place (O(V)).
    pub fn remove_entity(&mut self, node: Node) -> Result<(), StoreError> {
        debug_assert!(self.start.is_some(), "removals are made over a version");
        let g = &self.graph;
        let n = node.index();
        if n >= g.node_bound() || g.node_removed(node) {
            return Err(StoreError::Unknown {
                field: "id",
                what: "entity",
                id: format!("#{n}"),
            });
        }
        let record = g.entities[n];
        if !g.outgoing.row(n).is_empty() || !g.incoming.row(n).is_empty() {
            return Err(StoreError::Conflict {
                what: "entity",
                id: g.text.get(record.id).to_owned(),
                message: "relations still name it".into(),
            });
        }
        if record.kind == EntityKind::Place {
            self.recheck_places = true;
        }
        let g = &mut self.graph;
        g.entity_index
            .remove(n as u32, g.text.get(record.id), &g.text);
        g.dead_nodes.insert(n as u32);
        g.entity_order_layer.retain(|&m| m != node);
        g.touched.retain(|&m| m != node);
        g.stale.insert(node);
        self.replaced.retain(|&m| m != node);
        Ok(())
    }

    /// Removes the document `id`, which no relation may cite any more (and takes its text
    /// away): out of the id index and the id order. Its slot stays, since citations hold
    /// documents' numbers. O(E) to find a citation of it, O(D log D) for the order.
    pub fn remove_document(&mut self, id: &Id) -> Result<(), StoreError> {
        let g = &self.graph;
        let Some(&d) = g.document_index.get(id) else {
            return Err(StoreError::Unknown {
                field: "document",
                what: "document",
                id: id.to_string(),
            });
        };
        let cited = g.all_relations().any(|e| {
            let r = &g.relations[e.index()];
            g.citations[r.citation as usize].document == d
                || (g.relation_extra(e.index() as u32, r)).is_some_and(|x| {
                    x.citations
                        .iter()
                        .any(|&c| g.citations[c as usize].document == d)
                })
        });
        if cited {
            return Err(StoreError::Conflict {
                what: "document",
                id: id.to_string(),
                message: "relations still cite it".into(),
            });
        }
        self.curated.texts.remove(id);
        let g = &mut self.graph;
        Arc::make_mut(&mut g.document_index).remove(id);
        g.document_order = Arc::new(super::document_order(g));
        Ok(())
    }
}
