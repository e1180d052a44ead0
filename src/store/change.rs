//! Changes to a graph version: each one a list of [`Edit`]s, every edit one record's state
//! before and after, so that a change can be checked against the version it applies to,
//! undone (its [`inverse`]), and written to a journal by ids alone.
//!
//! [`super::apply()`] (in `apply.rs`) makes the next version from a version and edits;
//! [`net`] joins edit lists into their net effect, [`rebase`] re-reads their "before" from a
//! graph that changed under them.

use super::error::StoreError;
use super::graph::Graph;
use crate::model::{Document, Entity, Id, Relation};
use hashbrown::HashMap;
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
                        .edge_exact(id.as_str())
                        .map(|e| graph.relation(e).to_relation()),
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
            .edge_exact(id.as_str())
            .map(|e| graph.relation(e).to_relation())
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
