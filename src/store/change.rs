//! Changes to a graph version: each one a list of [`Edit`]s, every edit one record's state
//! before and after, so that a change can be checked against the version it applies to,
//! undone (its [`inverse`]), and written to a journal by ids alone.
//!
//! [`apply`] makes the next version. Additions start from a copy of the version
//! ([`GraphBuilder::from_graph`]); a change that replaces or removes something lays the
//! version out again from its records. Both go through the builder, so a change meets
//! exactly the rules of the data files and the importers. Both are O(V + E): a write costs a
//! pass over the graph (see `BENCHMARKS.md` for the figures).

use super::builder::GraphBuilder;
use super::error::StoreError;
use super::graph::{Graph, Node};
use crate::model::{Document, Entity, Id, Relation};
use hashbrown::{HashMap, HashSet};
use serde::{Deserialize, Serialize};

/// One record's state before and after a change (`None`: absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum Edit {
    /// An entity added, replaced or removed.
    Entity {
        /// Its id.
        id: Id,
        /// As it was.
        before: Option<Entity>,
        /// As it is after.
        after: Option<Entity>,
    },
    /// A relation added, replaced or removed.
    Relation {
        /// Its id.
        id: Id,
        /// As it was.
        before: Option<Relation>,
        /// As it is after.
        after: Option<Relation>,
    },
    /// A document added or replaced.
    Document {
        /// Its id.
        id: Id,
        /// As it was.
        before: Option<Document>,
        /// As it is after.
        after: Option<Document>,
    },
    /// A document's full text given, replaced or taken away.
    Text {
        /// The document.
        document: Id,
        /// As it was.
        before: Option<String>,
        /// As it is after.
        after: Option<String>,
    },
    /// An id merged into an entity (or the merge undone).
    Merged {
        /// The merged id.
        id: Id,
        /// The entity it resolved to before.
        before: Option<Id>,
        /// The entity it resolves to after.
        after: Option<Id>,
    },
    /// Two entities judged not the same (or the judgement taken back).
    Distinct {
        /// One entity.
        a: Id,
        /// The other.
        b: Id,
        /// Judged distinct before.
        before: bool,
        /// Judged distinct after.
        after: bool,
    },
}

impl Edit {
    /// The edit that undoes this one.
    pub fn inverse(&self) -> Edit {
        match self.clone() {
            Edit::Entity { id, before, after } => Edit::Entity {
                id,
                before: after,
                after: before,
            },
            Edit::Relation { id, before, after } => Edit::Relation {
                id,
                before: after,
                after: before,
            },
            Edit::Document { id, before, after } => Edit::Document {
                id,
                before: after,
                after: before,
            },
            Edit::Text {
                document,
                before,
                after,
            } => Edit::Text {
                document,
                before: after,
                after: before,
            },
            Edit::Merged { id, before, after } => Edit::Merged {
                id,
                before: after,
                after: before,
            },
            Edit::Distinct {
                a,
                b,
                before,
                after,
            } => Edit::Distinct {
                a,
                b,
                before: after,
                after: before,
            },
        }
    }

    /// The entities this edit is about: an entity's id, a relation's two ends (before and
    /// after), a merge's two ids, a judgement's two.
    pub fn entities(&self) -> Vec<&Id> {
        let mut out = Vec::new();
        match self {
            Edit::Entity { id, .. } => out.push(id),
            Edit::Relation { before, after, .. } => {
                for r in before.iter().chain(after) {
                    out.push(&r.from);
                    out.push(&r.to);
                }
            }
            Edit::Document { .. } | Edit::Text { .. } => {}
            Edit::Merged { id, before, after } => {
                out.push(id);
                out.extend(before.iter().chain(after));
            }
            Edit::Distinct { a, b, .. } => out.extend([a, b]),
        }
        out.sort();
        out.dedup();
        out
    }

    /// Whether the edit only adds (nothing it touches existed before).
    fn adds_only(&self) -> bool {
        match self {
            Edit::Entity { before, .. } => before.is_none(),
            Edit::Relation { before, .. } => before.is_none(),
            Edit::Document { before, .. } => before.is_none(),
            Edit::Text { .. } | Edit::Merged { .. } | Edit::Distinct { .. } => true,
        }
    }
}

/// The edits that undo `edits`: each inverted, in reverse order.
pub fn inverse(edits: &[Edit]) -> Vec<Edit> {
    edits.iter().rev().map(Edit::inverse).collect()
}

/// Whether every edit finds what it expects as "before" in `graph`, in order (an edit sees
/// the ones before it): the first that does not is a [`StoreError::Conflict`].
pub fn check_befores(graph: &Graph, edits: &[Edit]) -> Result<(), StoreError> {
    let mut entities: HashMap<&Id, Option<&Entity>> = HashMap::new();
    let mut relations: HashMap<&Id, Option<&Relation>> = HashMap::new();
    let conflict = |what: &'static str, id: &Id, message: &str| StoreError::Conflict {
        what,
        id: id.to_string(),
        message: message.to_owned(),
    };
    for edit in edits {
        match edit {
            Edit::Entity { id, before, after } => {
                let now = match entities.get(id) {
                    Some(e) => e.cloned(),
                    None => graph
                        .node_exact(id.as_str())
                        .map(|n| graph.entity(n).to_entity()),
                };
                if now.as_ref() != before.as_ref() {
                    return Err(conflict("entity", id, describe(before, &now)));
                }
                entities.insert(id, after.as_ref());
            }
            Edit::Relation { id, before, after } => {
                let now = match relations.get(id) {
                    Some(r) => r.cloned(),
                    None => graph
                        .edge(id.as_str())
                        .map(|e| graph.relation(e))
                        .filter(|r| r.id() == id.as_str())
                        .map(|r| r.to_relation()),
                };
                if now.as_ref() != before.as_ref() {
                    return Err(conflict("relation", id, describe(before, &now)));
                }
                relations.insert(id, after.as_ref());
            }
            Edit::Document { id, before, .. } => {
                if graph.document(id.as_str()) != before.as_ref() {
                    return Err(conflict("document", id, "it is not as it was"));
                }
            }
            Edit::Text {
                document, before, ..
            } => {
                if graph.document_text(document.as_str()) != before.as_deref() {
                    return Err(conflict("document", document, "its text is not as it was"));
                }
            }
            Edit::Merged { id, before, .. } => {
                if graph.merged_into(id.as_str()) != before.as_ref() {
                    return Err(conflict("entity", id, "its merge is not as it was"));
                }
            }
            Edit::Distinct { a, b, before, .. } => {
                if graph.judged_distinct(a, b) != *before {
                    return Err(conflict("entity", a, "the judgement on this pair changed"));
                }
            }
        }
    }
    Ok(())
}

fn describe<T>(before: &Option<T>, now: &Option<T>) -> &'static str {
    match (before, now) {
        (None, Some(_)) => "it exists already",
        (Some(_), None) => "it is gone",
        _ => "it is not as it was",
    }
}

/// The next version: `graph` with `edits` made, checked by the builder's rules (every
/// problem, each naming its field). `graph` is not changed. O(V + E).
pub fn apply(graph: &Graph, edits: &[Edit]) -> Result<Graph, Vec<StoreError>> {
    check_befores(graph, edits).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let mut b = if edits.iter().all(Edit::adds_only) {
        let mut b = GraphBuilder::from_graph(graph);
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

/// What a record is, for [`net`]: its kind of edit and id.
fn record_key(edit: &Edit) -> (u8, String) {
    match edit {
        Edit::Entity { id, .. } => (0, id.to_string()),
        Edit::Relation { id, .. } => (1, id.to_string()),
        Edit::Document { id, .. } => (2, id.to_string()),
        Edit::Text { document, .. } => (3, document.to_string()),
        Edit::Merged { id, .. } => (4, id.to_string()),
        Edit::Distinct { a, b, .. } => {
            let (a, b) = super::curated::pair(a, b);
            (5, format!("{a} {b}"))
        }
    }
}

/// The net effect of edit lists made one after another: each record once, as it was before
/// the first and after the last, in the order records were first touched; records that end
/// as they began are left out. Applying the net edits gives what applying each list in turn
/// gives.
pub fn net<'a>(lists: impl IntoIterator<Item = &'a [Edit]>) -> Vec<Edit> {
    let mut order: Vec<(u8, String)> = Vec::new();
    let mut firsts: HashMap<(u8, String), Edit> = HashMap::new();
    let mut lasts: HashMap<(u8, String), Edit> = HashMap::new();
    for edit in lists.into_iter().flatten() {
        let key = record_key(edit);
        if !firsts.contains_key(&key) {
            order.push(key.clone());
            firsts.insert(key.clone(), edit.clone());
        }
        lasts.insert(key, edit.clone());
    }
    let mut out = Vec::new();
    for key in order {
        let (first, last) = (&firsts[&key], &lasts[&key]);
        let joined = match (first.clone(), last.clone()) {
            (Edit::Entity { id, before, .. }, Edit::Entity { after, .. }) => {
                (before != after).then_some(Edit::Entity { id, before, after })
            }
            (Edit::Relation { id, before, .. }, Edit::Relation { after, .. }) => {
                (before != after).then_some(Edit::Relation { id, before, after })
            }
            (Edit::Document { id, before, .. }, Edit::Document { after, .. }) => {
                (before != after).then_some(Edit::Document { id, before, after })
            }
            (
                Edit::Text {
                    document, before, ..
                },
                Edit::Text { after, .. },
            ) => (before != after).then_some(Edit::Text {
                document,
                before,
                after,
            }),
            (Edit::Merged { id, before, .. }, Edit::Merged { after, .. }) => {
                (before != after).then_some(Edit::Merged { id, before, after })
            }
            (Edit::Distinct { a, b, before, .. }, Edit::Distinct { after, .. }) => {
                (before != after).then_some(Edit::Distinct {
                    a,
                    b,
                    before,
                    after,
                })
            }
            _ => unreachable!("one key, one kind of edit"),
        };
        out.extend(joined);
    }
    out
}

/// `edits` with each "before" set to what `graph` holds now, so they apply over a graph that
/// changed under them (the data files edited since they were recorded): what they set wins.
/// Edits that would change nothing are left out.
pub fn rebase(graph: &Graph, edits: &[Edit]) -> Vec<Edit> {
    let now_entity = |id: &Id| {
        graph
            .node_exact(id.as_str())
            .map(|n| graph.entity(n).to_entity())
    };
    let now_relation = |id: &Id| {
        graph
            .edge(id.as_str())
            .map(|e| graph.relation(e))
            .filter(|r| r.id() == id.as_str())
            .map(|r| r.to_relation())
    };
    net([edits])
        .into_iter()
        .map(|edit| match edit {
            Edit::Entity { id, after, .. } => Edit::Entity {
                before: now_entity(&id),
                id,
                after,
            },
            Edit::Relation { id, after, .. } => Edit::Relation {
                before: now_relation(&id),
                id,
                after,
            },
            Edit::Document { id, after, .. } => Edit::Document {
                before: graph.document(id.as_str()).cloned(),
                id,
                after,
            },
            Edit::Text {
                document, after, ..
            } => Edit::Text {
                before: graph.document_text(document.as_str()).map(str::to_owned),
                document,
                after,
            },
            Edit::Merged { id, after, .. } => Edit::Merged {
                before: graph.merged_into(id.as_str()).cloned(),
                id,
                after,
            },
            Edit::Distinct { a, b, after, .. } => Edit::Distinct {
                before: graph.judged_distinct(&a, &b),
                a,
                b,
                after,
            },
        })
        .filter(|e| match e {
            Edit::Entity { before, after, .. } => before != after,
            Edit::Relation { before, after, .. } => before != after,
            Edit::Document { before, after, .. } => before != after,
            Edit::Text { before, after, .. } => before != after,
            Edit::Merged { before, after, .. } => before != after,
            Edit::Distinct { before, after, .. } => before != after,
        })
        .collect()
}
