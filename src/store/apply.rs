//! The next version from a version and [`Edit`]s: additions and changes in place are made
//! over the version ([`GraphBuilder::over`]), sharing its tables, and cost what they change;
//! a change that removes something, moves a relation or changes a kind lays the version out
//! again from its records (O(V + E)). Both go through the builder, so a change meets exactly
//! the rules of the data files and the importers (see `BENCHMARKS.md` for the figures).

use super::builder::GraphBuilder;
use super::change::{check_befores, Edit};
use super::error::StoreError;
use super::graph::{Graph, Node};
use crate::model::{Document, Entity, Id, Relation};
use hashbrown::{HashMap, HashSet};

/// The next version: `graph` with `edits` made, checked by the builder's rules (every
/// problem, each naming its field). `graph` is not changed. Additions and changes in place
/// (see [`in_place`]) cost what they change, beside the version's shared tables; removals,
/// and changes that move a relation or change a kind, lay the version out again: O(V + E).
pub fn apply(graph: &Graph, edits: &[Edit]) -> Result<Graph, Vec<StoreError>> {
    check_befores(graph, edits).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let mut b = if edits.iter().all(|e| e.adds_only() || in_place(e)) {
        let mut b = GraphBuilder::over(graph);
        replace(graph, &mut b, edits, &mut problems);
        add_documents(&mut b, edits, &mut problems);
        add_entities(&mut b, edits, &mut problems);
        add_relations(&mut b, edits, &mut problems);
        b
    } else {
        relaid(graph, edits, &mut problems).map_err(|e| vec![e])?
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

/// Whether an edit changes a record where it is: a document's fields, an entity's fields but
/// its kind, a relation's fields but its kind and ends.
fn in_place(edit: &Edit) -> bool {
    match edit {
        Edit::Document {
            before: Some(_),
            after: Some(_),
            ..
        } => true,
        Edit::Entity {
            before: Some(before),
            after: Some(after),
            ..
        } => before.kind == after.kind,
        Edit::Relation {
            before: Some(before),
            after: Some(after),
            ..
        } => before.kind == after.kind && before.from == after.from && before.to == after.to,
        _ => false,
    }
}

/// Makes the edits that change records in place ([`in_place`]): documents, then entities,
/// then relations.
fn replace(graph: &Graph, b: &mut GraphBuilder, edits: &[Edit], problems: &mut Vec<StoreError>) {
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
    for edit in edits {
        if let Edit::Relation {
            id,
            before: Some(_),
            after: Some(relation),
        } = edit
        {
            let edge = graph.edge_exact(id.as_str()).expect("checked: it is there");
            if let Err(e) = b.replace_relation(edge, relation.clone()) {
                problems.extend(e);
            }
        }
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
/// after what was there, in the order things were added.
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
    let mut nodes: Vec<Option<Node>> = Vec::with_capacity(graph.entity_count());
    for n in 0..graph.entity_count() {
        let node = Node::new(n);
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
