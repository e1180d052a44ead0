//! The relation a `kept_relations` row holds, read on the pool with as few allocations as
//! a relation allows.

use super::chunks::RawRow;
use crate::journal::kept::Rest;
use crate::journal::JournalError;
use crate::model::{Citation, Date, Id, Relation, RelationKind};
use foldhash::fast::FixedState;
use hashbrown::HashMap;
use std::cell::RefCell;
use std::sync::LazyLock;

/// The columns of a kept relation after its `rowid`, in the order they are selected.
pub(super) const RELATION_COLUMNS: usize = 8;

/// The relation a `kept_relations` row holds (see `kept.rs` for its columns).
pub(super) fn kept_relation(row: &RawRow<RELATION_COLUMNS>) -> Result<Relation, JournalError> {
    let kind: RelationKind = row
        .text(1)?
        .parse()
        .map_err(|e: crate::model::UnknownRelationKind| row.corrupt(e.to_string()))?;
    let (from, to) = (row.id(2)?, row.id(3)?);
    let date = row
        .get(4)?
        .map(|d| Date::parse(d).map_err(|e| row.corrupt(e.to_string())))
        .transpose()?;
    let first = Citation {
        document: document_id(row.text(5)?).map_err(|e| row.corrupt(e))?,
        quote: row.text(6)?.to_owned(),
    };
    let id = match row.get(7)? {
        Some(id) => Id::parse(id),
        None => DEFAULT_ID.with_borrow_mut(|id| {
            default_id(id, &from, kind, &to);
            Id::parse(id)
        }),
    }
    .map_err(|e| row.corrupt(e.to_string()))?;
    let rest: Rest = match row.get(8)? {
        None => Rest::default(),
        Some(json) => serde_json::from_str(json).map_err(|e| row.corrupt(e.to_string()))?,
    };
    let mut citations = vec![first];
    citations.extend(rest.citations);
    Ok(Relation {
        id,
        kind,
        label: rest.label,
        from,
        to,
        date,
        until: rest.until,
        role: rest.role,
        claim: rest.claim,
        description: rest.description,
        citations,
        attributes: rest.attributes,
    })
}

thread_local! {
    /// Where [`kept_relation`] writes a relation's default id, to read it as an id: one
    /// allocation a relation rather than two.
    static DEFAULT_ID: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Writes a relation's default id, `<from>.<kind>.<to>` ([`Relation::default_id`]), into `id`.
fn default_id(id: &mut String, from: &Id, kind: RelationKind, to: &Id) {
    static SEGMENTS: LazyLock<Vec<String>> = LazyLock::new(|| {
        RelationKind::ALL
            .iter()
            .map(|k| k.name().to_ascii_lowercase().replace('_', "-"))
            .collect()
    });
    let segment = &SEGMENTS[kind as usize];
    id.clear();
    id.push_str(from.as_str());
    id.push('.');
    id.push_str(segment);
    id.push('.');
    id.push_str(to.as_str());
}

/// A cited document's id: bulk data cites a few documents in many rows, so each thread keeps
/// the ids it read and hands out another handle to the same id rather than a new one.
fn document_id(text: &str) -> Result<Id, String> {
    thread_local! {
        static READ: RefCell<HashMap<Box<str>, Id, FixedState>> = RefCell::default();
    }
    if let Some(id) = READ.with_borrow(|read| read.get(text).cloned()) {
        return Ok(id);
    }
    let id = Id::parse(text).map_err(|e| e.to_string())?;
    READ.with_borrow_mut(|read| {
        if read.len() >= 4096 {
            read.clear();
        }
        read.insert(text.into(), id.clone());
    });
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ids_are_those_of_the_model() {
        let (a, b) = (Id::parse("a-b.c").unwrap(), Id::parse("d").unwrap());
        let mut id = "left over".to_string();
        for &kind in RelationKind::ALL {
            default_id(&mut id, &a, kind, &b);
            assert_eq!(id, Relation::default_id(&a, kind, &b));
        }
    }
}
