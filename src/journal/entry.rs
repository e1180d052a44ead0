//! One journal entry: a change, who made it, when, and the edits it made.

use crate::store::Edit;

/// A change about to be recorded.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// The name of the write token used.
    pub author: String,
    /// The operation, as the mutation is named (`addRelation`, `mergeEntities`, `revert`, …).
    pub operation: String,
    /// The client's idempotency key, if it gave one.
    pub key: Option<String>,
    /// The change this one undoes, for a revert.
    pub reverts: Option<u64>,
    /// What it changes, each record before and after, by id.
    pub edits: Vec<Edit>,
}

/// An acknowledged change.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its position in the journal, from 1.
    pub seq: u64,
    /// When it was recorded, in microseconds since the Unix epoch.
    pub at_us: i64,
    /// The name of the write token used.
    pub author: String,
    /// The operation.
    pub operation: String,
    /// The client's idempotency key, if it gave one.
    pub key: Option<String>,
    /// The change this one undoes, for a revert.
    pub reverts: Option<u64>,
    /// What it changed.
    pub edits: Vec<Edit>,
}

impl Entry {
    /// The ids of the entities the change touches, sorted, each once.
    pub fn entities(&self) -> Vec<String> {
        let mut ids: Vec<String> = (self.edits.iter())
            .flat_map(|e| e.entities())
            .map(|id| id.to_string())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// When it was recorded, in RFC 3339 (UTC, to the microsecond).
    pub fn at_rfc3339(&self) -> String {
        rfc3339(self.at_us)
    }
}

/// A time in microseconds since the Unix epoch, in RFC 3339 (UTC).
pub fn rfc3339(us: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
