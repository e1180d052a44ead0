//! The next version from a version and [`Edit`]s, made over the version
//! ([`GraphBuilder::over`]), sharing its tables: additions, changes in place, moves of
//! relations to other ends, changes of kind and removals (gaps in the numbering until the next
//! layout, see `store::tombstones`) cost what they change. Only the removal of a document lays
//! the version out again from its records (O(V + E)). Both go through the builder, so a change
//! meets exactly the rules of the data files and the importers (see `BENCHMARKS.md` for the
//! figures).

use super::builder::GraphBuilder;
use super::change::{check_befores, Edit};
use super::error::StoreError;
use super::graph::{Graph, Node};
use crate::model::{Document, Entity, Id, Relation};
use hashbrown::{HashMap, HashSet};

/// The next version: `graph` with `edits` made, checked by the builder's rules (every
/// problem, each naming its field). `graph` is not changed. Made over the version's shared
/// tables at the cost of what changes (see [`over`]); a change that removes a document lays
/// the version out again: O(V + E).
pub fn apply(graph: &Graph, edits: &[Edit]) -> Result<Graph, Vec<StoreError>> {
    check_befores(graph, edits).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let mut b = if edits.iter().any(removes_document) {
        relaid(graph, edits, &mut problems).map_err(|e| vec![e])?
    } else {
        over(graph, edits, &mut problems)
    };
    for edit in edits {
        if let Edit::Distinct {
            a, b: other, after, ..
        } = edit
        {
            b.set_distinct(a, other, *after);
        }
    }
    // Merges last: a merged id must be gone before it can point at its survivor.
    for edit in edits {
        if let Edit::Merged { id, after, .. } = edit {
            if let Err(e) = b.set_merged(id, after.as_ref()) {
                problems.push(e);
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    b.build()
        .map_err(|errors| errors.into_iter().map(|(_, e)| e).collect())
}

/// Whether an edit removes a document.
fn removes_document(edit: &Edit) -> bool {
    matches!(
        edit,
        Edit::Document {
            before: Some(_),
            after: None,
            ..
        }
    )
}

/// A builder over `graph` with the edits made (all but the judgements and the merges into
/// an entity, left to the caller), in an order where each step finds what it needs: merges
/// undone (their ids free to be entities again), relations removed, documents, entities
/// changed and added, relations changed or moved, entities removed (no relation names them
/// any more), relations added.
fn over(graph: &Graph, edits: &[Edit], problems: &mut Vec<StoreError>) -> GraphBuilder {
    let mut b = GraphBuilder::over(graph);
    for edit in edits {
        if let Edit::Merged {
            id, after: None, ..
        } = edit
        {
            if let Err(e) = b.set_merged(id, None) {
                problems.push(e);
            }
        }
    }
    let removed: Vec<_> = (edits.iter())
        .filter_map(|edit| match edit {
            Edit::Relation {
                id,
                before: Some(_),
                after: None,
            } => Some(graph.edge_exact(id.as_str()).expect("checked: it is there")),
            _ => None,
        })
        .collect();
    if let Err(e) = b.remove_relations(&removed) {
        problems.push(e);
    }
    replace_documents(&mut b, edits, problems);
    add_documents(&mut b, edits, problems);
    replace_entities(graph, &mut b, edits, problems);
    add_entities(&mut b, edits, problems);
    replace_relations(graph, &mut b, edits, problems);
    for edit in edits {
        if let Edit::Entity {
            id,
            before: Some(_),
            after: None,
        } = edit
        {
            let node = graph.node_exact(id.as_str()).expect("checked: it is there");
            if let Err(e) = b.remove_entity(node) {
                problems.push(e);
            }
        }
    }
    add_relations(&mut b, edits, problems);
    b
}

/// Gives the documents the edits change their new fields.
fn replace_documents(b: &mut GraphBuilder, edits: &[Edit], problems: &mut Vec<StoreError>) {
    for edit in edits {
        if let Edit::Document {
            before: Some(_),
            after: Some(doc),
            ..
        } = edit
        {
            if let Err(e) = b.replace_document(doc.clone()) {
                problems.push(e);
            }
        }
    }
}

/// Gives the entities the edits change their new fields (a new kind included).
fn replace_entities(
    graph: &Graph,
    b: &mut GraphBuilder,
    edits: &[Edit],
    problems: &mut Vec<StoreError>,
) {
    for edit in edits {
        if let Edit::Entity {
            id,
            before: Some(_),
            after: Some(entity),
        } = edit
        {
            let node = graph.node_exact(id.as_str()).expect("checked: it is there");
            if let Err(e) = b.replace_entity(node, entity.clone()) {
                problems.push(e);
            }
        }
    }
}

/// Gives the relations the edits change their new fields (new ends and kind included),
/// each row changed once.
fn replace_relations(
    graph: &Graph,
    b: &mut GraphBuilder,
    edits: &[Edit],
    problems: &mut Vec<StoreError>,
) {
    let changes = (edits.iter())
        .filter_map(|edit| match edit {
            Edit::Relation {
                id,
                before: Some(_),
                after: Some(relation),
            } => {
                let edge = graph.edge_exact(id.as_str()).expect("checked: it is there");
                Some((edge, relation.clone()))
            }
            _ => None,
        })
        .collect();
    if let Err(e) = b.replace_relations(changes) {
        problems.extend(e);
    }
}

/// Adds the documents the edits add, and gives the texts they give.
fn add_documents(b: &mut GraphBuilder, edits: &[Edit], problems: &mut Vec<StoreError>) {
    for edit in edits {
        if let Edit::Document {
            after: Some(doc),
            before: None,
            ..
        } = edit
        {
            if let Err(e) = b.add_document(doc.clone()) {
                problems.push(e);
            }
        }
    }
    for edit in edits {
        if let Edit::Text {
            document, after, ..
        } = edit
        {
            if let Err(e) = b.set_document_text(document, after.as_deref()) {
                problems.push(e);
            }
        }
    }
}

/// Adds the entities the edits add.
fn add_entities(b: &mut GraphBuilder, edits: &[Edit], problems: &mut Vec<StoreError>) {
    for edit in edits {
        if let Edit::Entity {
            after: Some(entity),
            before: None,
            ..
        } = edit
        {
            if let Err(e) = b.add_entity(entity.clone()) {
                problems.push(e);
            }
        }
    }
}

/// Adds the relations the edits add, through the builder's one check.
fn add_relations(b: &mut GraphBuilder, edits: &[Edit], problems: &mut Vec<StoreError>) {
    for edit in edits {
        if let Edit::Relation {
            after: Some(relation),
            before: None,
            ..
        } = edit
        {
            match b.check_relation((None, None), relation.clone()) {
                Ok(checked) => {
                    if let Err(e) = b.push_relation(checked) {
                        problems.push(e);
                    }
                }
                Err(errors) => problems.extend(errors),
            }
        }
    }
}

/// A builder holding `graph` laid out again with the edits made (all but the merges and
/// judgements, left to the caller): replacements in place, removals left out, additions
/// after what was there, in the order things were added. For a change that removes a
/// document: documents are few and their numbers are in the citations, so they are not
/// left as gaps.
fn relaid(
    graph: &Graph,
    edits: &[Edit],
    problems: &mut Vec<StoreError>,
) -> Result<GraphBuilder, StoreError> {
    let mut documents: HashMap<&str, &Document> = HashMap::new();
    let mut entities: HashMap<&str, Option<&Entity>> = HashMap::new();
    let mut relations: HashMap<&str, Option<&Relation>> = HashMap::new();
    for edit in edits {
        match edit {
            Edit::Document {
                id,
                before: Some(_),
                after: Some(doc),
            } => {
                documents.insert(id.as_str(), doc);
            }
            Edit::Document {
                id,
                before: Some(_),
                after: None,
            } => {
                let cited = graph.all_relations().any(|e| {
                    graph
                        .relation(e)
                        .citations()
                        .any(|c| c.document().id == *id)
                });
                if cited {
                    return Err(StoreError::Conflict {
                        what: "document",
                        id: id.to_string(),
                        message: "relations still cite it".into(),
                    });
                }
            }
            Edit::Entity {
                id,
                before: Some(_),
                after,
            } => {
                entities.insert(id.as_str(), after.as_ref());
            }
            Edit::Relation {
                id,
                before: Some(_),
                after,
            } => {
                relations.insert(id.as_str(), after.as_ref());
            }
            _ => {}
        }
    }
    let removed_docs: HashSet<&Id> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Document {
                id,
                before: Some(_),
                after: None,
            } => Some(id),
            _ => None,
        })
        .collect();
    let mut b = GraphBuilder::new();
    b.reserve(graph.entity_count(), graph.relation_count());
    let mut in_added_order: Vec<&Document> = graph.documents().collect();
    in_added_order.sort_by_key(|d| graph.document_index.get(&d.id).copied());
    for doc in in_added_order {
        if removed_docs.contains(&doc.id) {
            continue;
        }
        let doc = documents.get(doc.id.as_str()).copied().unwrap_or(doc);
        b.add_document(doc.clone())?;
    }
    for (id, text) in graph.curated.texts.iter() {
        if !removed_docs.contains(id) {
            b.set_document_text(id, Some(text))?;
        }
    }
    add_documents(&mut b, edits, problems);
    let mut nodes: Vec<Option<Node>> = Vec::with_capacity(graph.node_bound());
    for n in 0..graph.node_bound() {
        let node = Node::new(n);
        if graph.node_removed(node) {
            nodes.push(None);
            continue;
        }
        let current = graph.entity(node);
        let entity = match entities.get(current.id()) {
            Some(None) => None,
            Some(Some(replaced)) => Some((*replaced).clone()),
            None => Some(current.to_entity()),
        };
        nodes.push(match entity {
            Some(e) => Some(b.add_entity(e)?),
            None => None,
        });
    }
    add_entities(&mut b, edits, problems);
    for e in graph.all_relations() {
        let current = graph.relation(e);
        let id = current.id();
        let relation = match relations.get(id.as_ref()) {
            Some(None) => continue,
            Some(Some(replaced)) => (*replaced).clone(),
            None => current.to_relation(),
        };
        let (from, to) = graph.endpoints(e);
        // A handle that no longer names the relation's end is looked up again.
        let ends = (nodes[from.index()], nodes[to.index()]);
        match b.check_relation(ends, relation) {
            Ok(checked) => {
                b.push_relation(checked)?;
            }
            Err(errors) => problems.extend(errors),
        }
    }
    add_relations(&mut b, edits, problems);
    let remerged: HashSet<&Id> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Merged { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    for (id, into) in graph.curated.merged.iter() {
        if !remerged.contains(id) {
            b.set_merged(id, Some(into))?;
        }
    }
    for (a, other) in graph.curated.distinct.iter() {
        b.set_distinct(a, other, true);
    }
    Ok(b)
}
