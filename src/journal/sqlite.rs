//! The journal in SQLite: one database file in the state directory, in WAL mode with
//! `synchronous=FULL`, so a committed entry survives a power cut.
//!
//! Tables: `changes` (one row an entry, the edits as JSON naming records by id, never by an
//! index into a graph version), `change_entities` (which entities each entry touches, for
//! an entity's history) and `meta` (the format's version).

use super::{Entry, Filter, Journal, JournalError, NewEntry};
use crate::store::Edit;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The file name of the journal in the state directory.
pub const FILE: &str = "journal.sqlite3";

/// The format written; a journal of another format is refused rather than misread.
const FORMAT: &str = "1";

/// The columns of an entry, in `changes` and in `folded_changes` (the same, in the same
/// order: compaction moves rows from one to the other with `SELECT *`).
const CHANGE_COLUMNS: &str = "
    seq INTEGER PRIMARY KEY,
    at_us INTEGER NOT NULL,
    author TEXT NOT NULL,
    operation TEXT NOT NULL,
    key TEXT UNIQUE,
    reverts INTEGER,
    edits TEXT NOT NULL";

/// The journal in `<state>/journal.sqlite3`.
pub struct Sqlite {
    conn: Connection,
    path: PathBuf,
    /// The time of the last entry, so times never go backwards.
    last_us: i64,
}

impl std::fmt::Debug for Sqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sqlite").field("path", &self.path).finish()
    }
}

impl Sqlite {
    /// Opens (creating if needed) the journal in the state directory `state`.
    pub fn open(state: &Path) -> Result<Sqlite, JournalError> {
        std::fs::create_dir_all(state).map_err(|source| JournalError::Directory {
            path: state.display().to_string(),
            source,
        })?;
        Sqlite::open_file(&state.join(FILE))
    }

    /// Opens (creating if needed) the journal in the database file `path`.
    pub fn open_file(path: &Path) -> Result<Sqlite, JournalError> {
        let db = |source| JournalError::Database {
            path: path.display().to_string(),
            source,
        };
        let conn = Connection::open(path).map_err(db)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        conn.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS changes ({CHANGE_COLUMNS});
             CREATE INDEX IF NOT EXISTS changes_at ON changes (at_us);
             CREATE TABLE IF NOT EXISTS folded_changes ({CHANGE_COLUMNS});
             CREATE TABLE IF NOT EXISTS change_entities (
                 entity TEXT NOT NULL,
                 seq INTEGER NOT NULL,
                 PRIMARY KEY (entity, seq)) WITHOUT ROWID;",
        ))
        .map_err(db)?;
        conn.execute_batch(super::kept::TABLES).map_err(db)?;
        let format: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)?;
        match format.as_deref() {
            None => {
                conn.execute("INSERT INTO meta VALUES ('format', ?1)", [FORMAT])
                    .map_err(db)?;
            }
            Some(FORMAT) => {}
            Some(other) => {
                return Err(JournalError::Corrupt {
                    path: path.display().to_string(),
                    seq: 0,
                    message: format!("its format is {other}, this dossier reads format {FORMAT}"),
                })
            }
        }
        let last_us: i64 = conn
            .query_row("SELECT COALESCE(MAX(at_us), 0) FROM changes", [], |r| {
                r.get(0)
            })
            .map_err(db)?;
        Ok(Sqlite {
            conn,
            path: path.to_owned(),
            last_us,
        })
    }

    /// The connection, for the kept imports.
    pub(super) fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The database file.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, to read.
    pub(super) fn connection_ref(&self) -> &Connection {
        &self.conn
    }

    /// Turns a SQLite error into this journal's error.
    pub(super) fn db_error(&self) -> impl Fn(rusqlite::Error) -> JournalError {
        let path = self.path.display().to_string();
        move |source| JournalError::Database {
            path: path.clone(),
            source,
        }
    }

    fn db(&self, source: rusqlite::Error) -> JournalError {
        JournalError::Database {
            path: self.path.display().to_string(),
            source,
        }
    }

    fn read(&self, row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Entry, JournalError>> {
        let seq: i64 = row.get(0)?;
        let edits: String = row.get(6)?;
        let edits: Vec<Edit> = match serde_json::from_str(&edits) {
            Ok(e) => e,
            Err(e) => {
                return Ok(Err(JournalError::Corrupt {
                    path: self.path.display().to_string(),
                    seq: seq as u64,
                    message: e.to_string(),
                }))
            }
        };
        Ok(Ok(Entry {
            seq: seq as u64,
            at_us: row.get(1)?,
            author: row.get(2)?,
            operation: row.get(3)?,
            key: row.get(4)?,
            reverts: row.get::<_, Option<i64>>(5)?.map(|s| s as u64),
            edits,
        }))
    }

    fn query(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<Entry>, JournalError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.db(e))?;
        let rows = stmt
            .query_map(params, |row| self.read(row))
            .map_err(|e| self.db(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.map_err(|e| self.db(e))??);
        }
        Ok(out)
    }
}

pub(super) const COLUMNS: &str = "seq, at_us, author, operation, key, reverts, edits";

pub(super) fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

impl Journal for Sqlite {
    fn append(&mut self, entry: NewEntry) -> Result<Entry, JournalError> {
        let at_us = now_us().max(self.last_us + 1);
        let edits = serde_json::to_string(&entry.edits).expect("edits serialise");
        let path = self.path.display().to_string();
        let db = |source| JournalError::Database {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(db)?;
        tx.execute(
            "INSERT INTO changes (at_us, author, operation, key, reverts, edits)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                at_us,
                entry.author,
                entry.operation,
                entry.key,
                entry.reverts.map(|s| s as i64),
                edits
            ],
        )
        .map_err(db)?;
        let seq = tx.last_insert_rowid() as u64;
        let recorded = Entry {
            seq,
            at_us,
            author: entry.author,
            operation: entry.operation,
            key: entry.key,
            reverts: entry.reverts,
            edits: entry.edits,
        };
        {
            let mut touch = tx
                .prepare_cached("INSERT OR IGNORE INTO change_entities VALUES (?1, ?2)")
                .map_err(db)?;
            for id in recorded.entities() {
                touch.execute(params![id, seq as i64]).map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        self.last_us = at_us;
        Ok(recorded)
    }

    fn since(&self, after: u64) -> Result<Vec<Entry>, JournalError> {
        self.query(
            &format!("SELECT {COLUMNS} FROM changes WHERE seq > ?1 ORDER BY seq"),
            [after as i64],
        )
    }

    fn get(&self, seq: u64) -> Result<Option<Entry>, JournalError> {
        Ok(self
            .query(
                &format!("SELECT {COLUMNS} FROM changes WHERE seq = ?1"),
                [seq as i64],
            )?
            .pop())
    }

    fn find_key(&self, key: &str) -> Result<Option<Entry>, JournalError> {
        // A key folded by `compact` is still a key seen: the retry is answered by the fold.
        Ok(self
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM changes WHERE key = ?1
                     UNION ALL SELECT {COLUMNS} FROM changes
                     WHERE seq = (SELECT MAX(seq) FROM changes WHERE operation = 'compact')
                       AND EXISTS (SELECT 1 FROM folded_changes WHERE key = ?1)"
                ),
                [key],
            )?
            .into_iter()
            .next())
    }

    fn list(&self, filter: &Filter) -> Result<(Vec<Entry>, bool), JournalError> {
        let entity_join = if filter.entity.is_some() {
            "JOIN change_entities ce ON ce.seq = c.seq AND ce.entity = ?1"
        } else {
            "WHERE ?1 IS NULL OR ?1 IS NOT NULL"
        };
        let where_or_and = if filter.entity.is_some() {
            "WHERE"
        } else {
            "AND"
        };
        let sql = format!(
            "SELECT c.seq, c.at_us, c.author, c.operation, c.key, c.reverts, c.edits
             FROM changes c {entity_join}
             {where_or_and} c.seq > ?2 AND c.at_us >= ?3 AND c.at_us <= ?4
             ORDER BY c.seq LIMIT ?5"
        );
        let mut rows = self.query(
            &sql,
            params![
                filter.entity,
                filter.after.unwrap_or(0) as i64,
                filter.since_us.unwrap_or(i64::MIN),
                filter.until_us.unwrap_or(i64::MAX),
                (filter.first as i64).saturating_add(1),
            ],
        )?;
        let more = rows.len() > filter.first;
        rows.truncate(filter.first);
        Ok((rows, more))
    }

    fn last(&self) -> Result<u64, JournalError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM changes", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|s| s as u64)
            .map_err(|e| self.db(e))
    }

    fn with_kept(
        &self,
        graph: crate::store::Graph,
    ) -> Result<crate::store::Graph, super::KeptError> {
        self.with_kept_imports(graph)
    }

    fn snapshot(&self, to: &Path) -> Result<(), JournalError> {
        let mut dst = Connection::open(to).map_err(|source| JournalError::Database {
            path: to.display().to_string(),
            source,
        })?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst).map_err(|e| self.db(e))?;
        backup
            .run_to_completion(256, Duration::from_millis(5), None)
            .map_err(|e| self.db(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, EntityKind, Id};

    fn entry(id: &str, key: Option<&str>) -> NewEntry {
        let id = Id::parse(id).unwrap();
        NewEntry {
            author: "alice".into(),
            operation: "upsertEntity".into(),
            key: key.map(Into::into),
            reverts: None,
            edits: vec![Edit::Entity {
                id: id.clone(),
                before: None,
                after: Some(Entity::new(id, EntityKind::Person, "Ann")),
            }],
        }
    }

    #[test]
    fn entries_come_back_in_order_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Sqlite::open(dir.path()).unwrap();
        let a = j.append(entry("ann", Some("k1"))).unwrap();
        let b = j.append(entry("bob", None)).unwrap();
        assert_eq!((a.seq, b.seq), (1, 2));
        assert!(b.at_us > a.at_us);
        drop(j);
        let j = Sqlite::open(dir.path()).unwrap();
        let all = j.since(0).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].edits, b.edits);
        assert_eq!(j.find_key("k1").unwrap().unwrap().seq, 1);
        assert_eq!(j.last().unwrap(), 2);
        let (bob, more) = j
            .list(&Filter {
                entity: Some("bob".into()),
                first: 10,
                ..Filter::default()
            })
            .unwrap();
        assert_eq!((bob.len(), bob[0].seq, more), (1, 2, false));
        let (first, more) = j
            .list(&Filter {
                first: 1,
                ..Filter::default()
            })
            .unwrap();
        assert_eq!((first[0].seq, more), (1, true));
    }

    #[test]
    fn a_reused_key_is_refused_and_nothing_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Sqlite::open(dir.path()).unwrap();
        j.append(entry("ann", Some("k"))).unwrap();
        assert!(j.append(entry("bob", Some("k"))).is_err());
        assert_eq!(j.last().unwrap(), 1);
        assert!(j
            .list(&Filter {
                entity: Some("bob".into()),
                first: 5,
                ..Filter::default()
            })
            .unwrap()
            .0
            .is_empty());
    }

    #[test]
    fn compact_folds_the_changes_into_their_net_effect_and_keeps_their_keys() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Sqlite::open(dir.path()).unwrap();
        j.append(entry("ann", Some("k1"))).unwrap();
        let mut undo = entry("ann", None);
        undo.edits = crate::store::inverse(&undo.edits);
        j.append(undo).unwrap();
        j.append(entry("bob", None)).unwrap();
        let (folded, kept) = j.compact().unwrap();
        assert_eq!((folded, kept), (3, 1), "ann came and went; bob stays");
        let all = j.since(0).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].seq, 3);
        assert_eq!(all[0].operation, "compact");
        assert_eq!(j.find_key("k1").unwrap().unwrap().seq, 3);
        let next = j.append(entry("cy", None)).unwrap();
        assert_eq!(next.seq, 4, "numbers go on after the fold");
    }

    #[test]
    fn a_snapshot_taken_in_use_opens_as_a_journal() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Sqlite::open(dir.path()).unwrap();
        j.append(entry("ann", None)).unwrap();
        let copy = dir.path().join("copy.sqlite3");
        j.snapshot(&copy).unwrap();
        let back = Sqlite::open_file(&copy).unwrap();
        assert_eq!(back.since(0).unwrap().len(), 1);
    }
}
