//! `dossier compact`: the journal folded into one change of its net effect.

use super::sqlite::Sqlite;
use super::{Entry, Journal, JournalError};
use rusqlite::params;

impl Sqlite {
    /// Folds every change so far into one (`compact`), whose edits are their net effect
    /// (records that ended as they began left out): the journal replays faster and holds
    /// less. The folded changes move to `folded_changes`, kept for the record, and can no
    /// longer be reverted one by one; their idempotency keys are still recognised. One
    /// transaction: all or nothing. Returns (changes folded, edits kept).
    pub fn compact(&mut self) -> Result<(usize, usize), JournalError> {
        let entries = self.since(0)?;
        if entries.len() < 2 {
            return Ok((entries.len(), entries.iter().map(|e| e.edits.len()).sum()));
        }
        let net = crate::store::net(entries.iter().map(|e| e.edits.as_slice()));
        let last = entries.last().expect("two at least");
        let folded = Entry {
            seq: last.seq,
            at_us: last.at_us,
            author: "dossier compact".into(),
            operation: "compact".into(),
            key: None,
            reverts: None,
            edits: net,
        };
        let edits = serde_json::to_string(&folded.edits).expect("edits serialise");
        let db = self.db_error();
        let tx = self.connection().transaction().map_err(&db)?;
        tx.execute_batch(
            "INSERT OR REPLACE INTO folded_changes SELECT * FROM changes;
             DELETE FROM changes; DELETE FROM change_entities;",
        )
        .map_err(&db)?;
        tx.execute(
            "INSERT INTO changes (seq, at_us, author, operation, key, reverts, edits)
             VALUES (?1, ?2, ?3, ?4, NULL, NULL, ?5)",
            params![
                folded.seq as i64,
                folded.at_us,
                folded.author,
                folded.operation,
                edits
            ],
        )
        .map_err(&db)?;
        for id in folded.entities() {
            tx.execute(
                "INSERT OR IGNORE INTO change_entities VALUES (?1, ?2)",
                params![id, folded.seq as i64],
            )
            .map_err(&db)?;
        }
        tx.commit().map_err(&db)?;
        self.connection().execute_batch("VACUUM").map_err(&db)?;
        Ok((entries.len(), folded.edits.len()))
    }
}
