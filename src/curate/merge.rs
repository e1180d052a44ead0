//! A merge as edits: the merged entities go, their names become the survivor's aliases, their
//! relations are re-pointed, and their ids resolve to the survivor.

use super::error::CurateError;
use super::operations::{entity, MAX_MERGE};
use crate::model::{EntityKind, Id};
use crate::store::{Edit, Graph, Node};
use hashbrown::HashSet;

/// A merge: the merged entities go, their names become the survivor's aliases, their
/// relations are re-pointed (a relation between two of the merged entities would become a
/// self-loop and goes), entities held at a merged place are held at the survivor, and every
/// merged id (and any id merged into them before) resolves to the survivor.
pub(super) fn merge_edits(
    graph: &Graph,
    keep: &Id,
    merge: &[Id],
) -> Result<Vec<Edit>, CurateError> {
    if merge.is_empty() {
        return Err(CurateError::invalid(
            "merge",
            "name at least one entity to merge".into(),
        ));
    }
    if merge.len() > MAX_MERGE {
        return Err(CurateError::invalid(
            "merge",
            format!(
                "{} entities is over the {MAX_MERGE} one merge takes",
                merge.len()
            ),
        ));
    }
    let kept_node = graph
        .node_exact(keep.as_str())
        .ok_or_else(|| CurateError::not_found("keep", "entity", keep))?;
    let kept = entity(graph, "keep", keep)?;
    let mut merged_nodes = Vec::new();
    let mut seen = HashSet::new();
    for id in merge {
        let node = graph
            .node_exact(id.as_str())
            .ok_or_else(|| CurateError::not_found("merge", "entity", id))?;
        if node == kept_node {
            return Err(CurateError::invalid(
                "merge",
                format!("`{id}` is the entity kept: an entity cannot be merged into itself"),
            ));
        }
        if !seen.insert(node) {
            return Err(CurateError::invalid(
                "merge",
                format!("`{id}` is named twice"),
            ));
        }
        let kind = graph.entity_kind(node);
        if kind != kept.kind {
            return Err(CurateError::invalid(
                "merge",
                format!(
                    "`{id}` is {} and `{keep}` {}: change the kind first (upsertEntity), then merge",
                    kind.with_article(),
                    kept.kind.with_article()
                ),
            ));
        }
        merged_nodes.push(node);
    }
    let gone: HashSet<Node> = merged_nodes.iter().copied().collect();
    let mut after = kept.clone();
    let mut names: Vec<String> = Vec::new();
    for &n in &merged_nodes {
        let e = graph.entity(n).to_entity();
        names.push(e.name.clone());
        names.extend(e.aliases.iter().cloned());
        after.roles.extend(e.roles.iter().cloned());
        if after.description.is_none() {
            after.description = e.description.clone();
        }
    }
    for name in names {
        if name != after.name && !after.aliases.contains(&name) {
            after.aliases.push(name);
        }
    }
    let mut roles = HashSet::new();
    after.roles.retain(|r| roles.insert(r.clone()));
    let mut edits = Vec::new();
    // Relations first, re-pointed or (as self-loops) removed, each once.
    let mut done = HashSet::new();
    for &n in &merged_nodes {
        for e in graph.incident(n) {
            if !done.insert(e) {
                continue;
            }
            let before = graph.relation(e).to_relation();
            let (from, to) = graph.endpoints(e);
            let end = |x: Node| if gone.contains(&x) { kept_node } else { x };
            let (f, t) = (end(from), end(to));
            let mut moved = before.clone();
            moved.from = Id::parse(graph.entity(f).id()).expect("stored id");
            moved.to = Id::parse(graph.entity(t).id()).expect("stored id");
            edits.push(Edit::Relation {
                id: before.id.clone(),
                before: Some(before),
                after: (f != t).then_some(moved),
            });
        }
    }
    // Entities held at a merged place (events, and any other the data gives a place) are
    // held at the survivor; the survivor itself cannot be held in itself, and the merged go.
    let held_in_gone = |n: Node| {
        (graph.entity(n).place())
            .and_then(|place| graph.node_exact(place.as_str()))
            .is_some_and(|p| gone.contains(&p))
    };
    if held_in_gone(kept_node) {
        after.place = None;
    }
    // Only a place holds entities (a place given is checked to be one), so only a merge of
    // places looks through every entity for them: O(V) then.
    let places = kept.kind == EntityKind::Place;
    let everyone = places.then(|| graph.entities(None)).into_iter().flatten();
    for n in everyone {
        if n == kept_node || gone.contains(&n) || !held_in_gone(n) {
            continue;
        }
        let before = graph.entity(n).to_entity();
        let mut moved = before.clone();
        moved.place = Some(keep.clone());
        edits.push(Edit::Entity {
            id: before.id.clone(),
            before: Some(before),
            after: Some(moved),
        });
    }
    edits.push(Edit::Entity {
        id: keep.clone(),
        before: Some(kept),
        after: Some(after),
    });
    for &n in &merged_nodes {
        let e = graph.entity(n).to_entity();
        for old in graph.merged_from(n) {
            edits.push(Edit::Merged {
                id: old.clone(),
                before: Some(e.id.clone()),
                after: Some(keep.clone()),
            });
        }
        edits.push(Edit::Entity {
            id: e.id.clone(),
            before: Some(e.clone()),
            after: None,
        });
        edits.push(Edit::Merged {
            id: e.id,
            before: None,
            after: Some(keep.clone()),
        });
    }
    Ok(edits)
}
