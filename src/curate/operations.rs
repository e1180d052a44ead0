//! The curators' operations, each turned into the [`Edit`]s it makes on one graph version.
//!
//! These only say *what* changes (every record before and after); whether the result meets
//! the graph's rules is checked once, by the builder, when the edits are applied
//! ([`crate::store::apply`]) — the same rules and messages as the data files and importers.

use super::error::CurateError;
use crate::model::{Document, Entity, EntityKind, Id, Relation};
use crate::store::{Edit, Graph, Node};
use hashbrown::HashSet;

/// The longest name, alias, title, quote or description a mutation takes, in bytes.
pub const MAX_TEXT: usize = 10_000;

/// The longest document text a mutation takes, in bytes.
pub const MAX_DOCUMENT_TEXT: usize = 5_000_000;

/// Most entities merged in one call.
pub const MAX_MERGE: usize = 100;

/// One curator's operation.
#[derive(Debug, Clone)]
pub enum Operation {
    /// Adds an entity, or replaces the fields given of an existing one.
    UpsertEntity {
        /// Its id.
        id: Id,
        /// Its kind.
        kind: EntityKind,
        /// Its name.
        name: String,
        /// Its aliases (`None`: keep).
        aliases: Option<Vec<String>>,
        /// Its description (`None`: keep).
        description: Option<String>,
    },
    /// Removes an entity and every relation touching it.
    RemoveEntity(Id),
    /// Adds a document or replaces its fields; optionally gives its full text.
    AddDocument(Document, Option<String>),
    /// Adds a relation.
    AddRelation(Relation),
    /// Replaces a relation's fields (its id stays).
    UpdateRelation(Relation),
    /// Removes a relation.
    RemoveRelation(Id),
    /// Merges entities into one that is kept.
    Merge {
        /// The survivor.
        keep: Id,
        /// The entities merged into it.
        merge: Vec<Id>,
    },
    /// Records that two entities are not the same.
    MarkDistinct(Id, Id),
    /// Undoes an earlier change, as a new change.
    Revert(u64),
}

impl Operation {
    /// The operation's name, as its mutation is called.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::UpsertEntity { .. } => "upsertEntity",
            Operation::RemoveEntity(_) => "removeEntity",
            Operation::AddDocument(..) => "addDocument",
            Operation::AddRelation(_) => "addRelation",
            Operation::UpdateRelation(_) => "updateRelation",
            Operation::RemoveRelation(_) => "removeRelation",
            Operation::Merge { .. } => "mergeEntities",
            Operation::MarkDistinct(..) => "markDistinct",
            Operation::Revert(_) => "revert",
        }
    }
}

fn text(field: &'static str, value: &str, max: usize) -> Result<(), CurateError> {
    if value.len() > max {
        return Err(CurateError::invalid(
            field,
            format!("{} bytes is over the {max} a field takes", value.len()),
        ));
    }
    Ok(())
}

fn non_empty(field: &'static str, value: &str) -> Result<(), CurateError> {
    text(field, value, MAX_TEXT)?;
    if value.trim().is_empty() {
        return Err(CurateError::invalid(field, "must not be empty".into()));
    }
    Ok(())
}

/// The entity `id` names now: itself, or the entity it was merged into.
pub fn resolve(graph: &Graph, field: &'static str, id: &Id) -> Result<Node, CurateError> {
    graph
        .node(id.as_str())
        .ok_or_else(|| CurateError::not_found(field, "entity", id))
}

/// The entity `id` is now, as a value.
fn entity(graph: &Graph, field: &'static str, id: &Id) -> Result<Entity, CurateError> {
    resolve(graph, field, id).map(|n| graph.entity(n).to_entity())
}

/// `relation` with its ends named by the entities they are now (a merged id by its
/// survivor).
fn canonical(graph: &Graph, mut relation: Relation) -> Relation {
    for end in [&mut relation.from, &mut relation.to] {
        if let Some(n) = graph.node(end.as_str()) {
            let now = graph.entity(n).id();
            if now != end.as_str() {
                *end = Id::parse(now).expect("a stored id parses");
            }
        }
    }
    relation
}

/// The relation with exactly this id.
fn relation(graph: &Graph, id: &Id) -> Result<Relation, CurateError> {
    graph
        .edge(id.as_str())
        .map(|e| graph.relation(e))
        .filter(|r| r.id() == id.as_str())
        .map(|r| r.to_relation())
        .ok_or_else(|| CurateError::not_found("id", "relation", id))
}

fn check_relation_text(r: &Relation) -> Result<(), CurateError> {
    for (field, value) in [
        ("role", &r.role),
        ("description", &r.description),
        ("label", &r.label),
    ] {
        if let Some(v) = value {
            text(field, v, MAX_TEXT)?;
        }
    }
    for c in &r.citations {
        text("quote", &c.quote, MAX_TEXT)?;
    }
    Ok(())
}

/// The id a new relation gets: its default id, else the default id numbered `.2`, `.3`, …
/// (the numbering of the data files and importers).
fn free_id(graph: &Graph, r: &Relation) -> Result<Id, CurateError> {
    let base = Relation::default_id(&r.from, r.kind, &r.to);
    let taken = |id: &str| graph.edge(id).is_some_and(|e| graph.relation(e).id() == id);
    let mut candidate = base.clone();
    let mut n = 1;
    while taken(&candidate) {
        n += 1;
        candidate = format!("{base}.{n}");
    }
    Id::parse(&candidate).map_err(|e| CurateError::invalid("id", e.to_string()))
}

/// The edits `op` makes on `graph` (a revert is turned into edits by the writer, which reads
/// the journal). Fails with the field at fault when the request itself is wrong; the graph's
/// rules are checked when the edits are applied.
pub fn edits(graph: &Graph, op: &Operation) -> Result<Vec<Edit>, CurateError> {
    match op {
        Operation::UpsertEntity {
            id,
            kind,
            name,
            aliases,
            description,
        } => {
            non_empty("name", name)?;
            for a in aliases.iter().flatten() {
                non_empty("aliases", a)?;
            }
            if let Some(d) = description {
                text("description", d, MAX_TEXT)?;
            }
            if let Some(kept) = graph.merged_into(id.as_str()) {
                return Err(CurateError::invalid(
                    "id",
                    format!(
                        "`{id}` was merged into `{kept}`: change `{kept}`, or revert the merge"
                    ),
                ));
            }
            let before = graph
                .node_exact(id.as_str())
                .map(|n| graph.entity(n).to_entity());
            let mut after = before
                .clone()
                .unwrap_or_else(|| Entity::new(id.clone(), *kind, name.clone()));
            after.kind = *kind;
            after.name = name.clone();
            if let Some(a) = aliases {
                after.aliases = a.clone();
            }
            if let Some(d) = description {
                after.description = Some(d.clone()).filter(|d| !d.trim().is_empty());
            }
            if before.as_ref() == Some(&after) {
                return Ok(Vec::new());
            }
            Ok(vec![Edit::Entity {
                id: id.clone(),
                before,
                after: Some(after),
            }])
        }
        Operation::RemoveEntity(id) => {
            let node = graph
                .node_exact(id.as_str())
                .ok_or_else(|| CurateError::not_found("id", "entity", id))?;
            let mut edits: Vec<Edit> = graph
                .incident(node)
                .into_iter()
                .map(|e| {
                    let r = graph.relation(e).to_relation();
                    Edit::Relation {
                        id: r.id.clone(),
                        before: Some(r),
                        after: None,
                    }
                })
                .collect();
            for old in graph.merged_from(node) {
                edits.push(Edit::Merged {
                    id: old.clone(),
                    before: Some(id.clone()),
                    after: None,
                });
            }
            edits.push(Edit::Entity {
                id: id.clone(),
                before: Some(graph.entity(node).to_entity()),
                after: None,
            });
            Ok(edits)
        }
        Operation::AddDocument(doc, body) => {
            non_empty("title", &doc.title)?;
            for (field, value) in [("publisher", &doc.publisher), ("url", &doc.url)] {
                if let Some(v) = value {
                    text(field, v, MAX_TEXT)?;
                }
            }
            let mut edits = Vec::new();
            let before = graph.document(doc.id.as_str()).cloned();
            if before.as_ref() != Some(doc) {
                edits.push(Edit::Document {
                    id: doc.id.clone(),
                    before,
                    after: Some(doc.clone()),
                });
            }
            if let Some(body) = body {
                text("text", body, MAX_DOCUMENT_TEXT)?;
                non_empty("text", body.get(..body.len().min(64)).unwrap_or(body))?;
                let before = graph.document_text(doc.id.as_str()).map(str::to_owned);
                if before.as_deref() != Some(body.as_str()) {
                    edits.push(Edit::Text {
                        document: doc.id.clone(),
                        before,
                        after: Some(body.clone()),
                    });
                }
            }
            Ok(edits)
        }
        Operation::AddRelation(r) => {
            check_relation_text(r)?;
            let mut r = canonical(graph, r.clone());
            r.id = free_id(graph, &r)?;
            Ok(vec![Edit::Relation {
                id: r.id.clone(),
                before: None,
                after: Some(r),
            }])
        }
        Operation::UpdateRelation(r) => {
            check_relation_text(r)?;
            let before = relation(graph, &r.id)?;
            let after = canonical(graph, r.clone());
            if before == after {
                return Ok(Vec::new());
            }
            Ok(vec![Edit::Relation {
                id: r.id.clone(),
                before: Some(before),
                after: Some(after),
            }])
        }
        Operation::RemoveRelation(id) => Ok(vec![Edit::Relation {
            id: id.clone(),
            before: Some(relation(graph, id)?),
            after: None,
        }]),
        Operation::Merge { keep, merge } => merge_edits(graph, keep, merge),
        Operation::MarkDistinct(a, b) => {
            let (na, nb) = (resolve(graph, "a", a)?, resolve(graph, "b", b)?);
            if na == nb {
                return Err(CurateError::invalid(
                    "b",
                    format!("`{a}` and `{b}` are the same entity"),
                ));
            }
            let (a, b) = (
                Id::parse(graph.entity(na).id()).expect("stored id"),
                Id::parse(graph.entity(nb).id()).expect("stored id"),
            );
            if graph.judged_distinct(&a, &b) {
                return Ok(Vec::new());
            }
            Ok(vec![Edit::Distinct {
                a,
                b,
                before: false,
                after: true,
            }])
        }
        Operation::Revert(_) => unreachable!("the writer turns a revert into edits"),
    }
}

/// A merge: the merged entities go, their names become the survivor's aliases, their
/// relations are re-pointed (a relation between two of the merged entities would become a
/// self-loop and goes), entities held at a merged place are held at the survivor, and every
/// merged id (and any id merged into them before) resolves to the survivor.
fn merge_edits(graph: &Graph, keep: &Id, merge: &[Id]) -> Result<Vec<Edit>, CurateError> {
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
    for n in graph.entities(None) {
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
