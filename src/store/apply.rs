//! The next version from a version and [`Edit`]s, made over the version
//! ([`GraphBuilder::over`]), sharing its tables: additions, changes in place, moves of
//! relations to other ends, changes of kind and removals (gaps in the numbering until the next
//! layout, see `store::tombstones`) cost what they change, not the graph. Every edit goes
//! through the builder, so a change meets exactly the rules of the data files and the
//! importers (see `BENCHMARKS.md` for the figures).

use super::builder::GraphBuilder;
use super::change::{check_befores, Edit};
use super::error::StoreError;
use super::graph::Graph;

/// The next version: `graph` with `edits` made, checked by the builder's rules (every
/// problem, each naming its field). `graph` is not changed. Made over the version's shared
/// tables at the cost of what changes (see `over`); the few steps that read more are named
/// on the builder's methods (a document's removal looks for a citation of it, O(E); a place
/// removed or given another kind has every entity's place checked, O(V)).
pub fn apply(graph: &Graph, edits: &[Edit]) -> Result<Graph, Vec<StoreError>> {
    apply_with(graph, edits, |_| ()).map(|(graph, _)| graph)
}

/// [`apply`], computing `also` from the next version's layout beside its rows when the edits
/// make the builder lay it out anew (see [`GraphBuilder::build_with`]); `None` when they are
/// laid beside the layout of `graph`.
pub(super) fn apply_with<T: Send>(
    graph: &Graph,
    edits: &[Edit],
    also: impl FnOnce(&Graph) -> T + Send,
) -> Result<(Graph, Option<T>), Vec<StoreError>> {
    check_befores(graph, edits).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let mut b = over(graph, edits, &mut problems);
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
    b.build_with(also)
        .map_err(|errors| errors.into_iter().map(|(_, e)| e).collect())
}

/// A builder over `graph` with the edits made (all but the judgements and the merges into
/// an entity, left to the caller), in an order where each step finds what it needs: merges
/// undone (their ids free to be entities again), relations removed, documents changed,
/// added, given a text and removed, entities changed and added, relations changed or moved,
/// entities removed (no relation names them any more), relations added.
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
    for edit in edits {
        if let Edit::Document {
            id,
            before: Some(_),
            after: None,
        } = edit
        {
            if let Err(e) = b.remove_document(id) {
                problems.push(e);
            }
        }
    }
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
