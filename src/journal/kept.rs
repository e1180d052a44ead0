//! Kept imports: datasets `dossier import` validated once and keeps in the state, so `serve`
//! starts from them without parsing the files again.
//!
//! Each dataset's records (documents, entities, relations, as JSON naming everything by id)
//! are rows of `kept_documents`, `kept_entities` and `kept_relations`, in the order they were
//! imported, under one row of `kept_imports`. At start they are added after the data files and
//! before the journal's changes, through the builder's one check path (see `kept_start.rs`:
//! read in chunks, made into records and resolved on the pool, added in order).

use super::sqlite::Sqlite;
use super::JournalError;
use crate::model::Relation;
use crate::store::{Graph, Node};
use rusqlite::params;

/// One kept dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptImport {
    /// Its number, from 1.
    pub id: u64,
    /// What it was imported from (the paths given).
    pub name: String,
    /// When it was kept, in microseconds since the Unix epoch.
    pub at_us: i64,
    /// How many documents, entities and relations it holds.
    pub counts: (u64, u64, u64),
}

/// Why kept imports could not be added.
#[derive(Debug, thiserror::Error)]
pub enum KeptError {
    /// The database failed.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A kept record no longer fits the graph (the data files changed under it).
    #[error("kept import {import} ({name}): {what} `{id}`: {message}; remove the state's kept imports (or restore the data) and import again")]
    Conflict {
        /// The import's number.
        import: u64,
        /// What it was imported from.
        name: String,
        /// "document", "entity" or "relation".
        what: &'static str,
        /// The record's id.
        id: String,
        /// Why.
        message: String,
    },
}

pub(super) const TABLES: &str = "
    CREATE TABLE IF NOT EXISTS kept_imports (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, at_us INTEGER NOT NULL,
        documents INTEGER NOT NULL, entities INTEGER NOT NULL, relations INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS kept_documents (import INTEGER NOT NULL, record TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS kept_entities (import INTEGER NOT NULL, record TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS kept_relations (
        import INTEGER NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
        date TEXT, document TEXT NOT NULL, quote TEXT NOT NULL,
        id TEXT, rest TEXT);";

/// A kept relation's fields beyond its kind, ends, date and first citation: in `rest`, as
/// JSON, only when it has any (bulk data mostly has none).
#[derive(serde::Serialize, serde::Deserialize, Default, PartialEq)]
pub(super) struct Rest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) until: Option<crate::model::Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) claim: Option<crate::model::ClaimStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) citations: Vec<crate::model::Citation>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub(super) attributes: crate::model::Attributes,
}

impl Sqlite {
    /// Keeps what `graph` holds beyond `base` (a graph built from `base` by an import, which
    /// keeps `base`'s entities and relations first) as one dataset named `name`, in one
    /// transaction: all of it, or nothing. Returns what was kept.
    pub fn keep_import(
        &mut self,
        name: &str,
        base: &Graph,
        graph: &Graph,
    ) -> Result<KeptImport, JournalError> {
        let at_us = super::sqlite::now_us();
        let db = self.db_error();
        let tx = self.connection().transaction().map_err(&db)?;
        tx.execute(
            "INSERT INTO kept_imports (name, at_us, documents, entities, relations) VALUES (?1, ?2, 0, 0, 0)",
            params![name, at_us],
        )
        .map_err(&db)?;
        let import = tx.last_insert_rowid();
        let (mut d, mut e, mut r) = (0u64, 0u64, 0u64);
        {
            let put = |table: &str, json: String| -> Result<(), JournalError> {
                tx.prepare_cached(&format!("INSERT INTO {table} VALUES (?1, ?2)"))
                    .and_then(|mut s| s.execute(params![import, json]))
                    .map(|_| ())
                    .map_err(&db)
            };
            for doc in graph.documents() {
                if base.document(doc.id.as_str()).is_none() {
                    put(
                        "kept_documents",
                        serde_json::to_string(doc).expect("serialises"),
                    )?;
                    d += 1;
                }
            }
            for n in base.entity_count()..graph.entity_count() {
                let entity = graph.entity(Node::new(n)).to_entity();
                put(
                    "kept_entities",
                    serde_json::to_string(&entity).expect("serialises"),
                )?;
                e += 1;
            }
            let mut put_relation = tx
                .prepare_cached(
                    "INSERT INTO kept_relations VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(&db)?;
            for edge in graph.all_relations().skip(base.relation_count()) {
                let rel = graph.relation(edge).to_relation();
                let mut citations = rel.citations.into_iter();
                let first = citations.next().expect("a relation cites a document");
                let default = Relation::default_id(&rel.from, rel.kind, &rel.to);
                let given = (rel.id.as_str() != default).then(|| rel.id.to_string());
                let rest = Rest {
                    label: rel.label,
                    until: rel.until,
                    role: rel.role,
                    claim: rel.claim,
                    description: rel.description,
                    citations: citations.collect(),
                    attributes: rel.attributes,
                };
                let rest = (rest != Rest::default())
                    .then(|| serde_json::to_string(&rest).expect("serialises"));
                put_relation
                    .execute(params![
                        import,
                        rel.kind.name(),
                        rel.from.as_str(),
                        rel.to.as_str(),
                        rel.date.map(|d| d.to_string()),
                        first.document.as_str(),
                        first.quote,
                        given,
                        rest
                    ])
                    .map_err(&db)?;
                r += 1;
            }
        }
        tx.execute(
            "UPDATE kept_imports SET documents = ?1, entities = ?2, relations = ?3 WHERE id = ?4",
            params![d as i64, e as i64, r as i64, import],
        )
        .map_err(&db)?;
        tx.commit().map_err(&db)?;
        Ok(KeptImport {
            id: import as u64,
            name: name.to_owned(),
            at_us,
            counts: (d, e, r),
        })
    }

    /// The kept datasets, oldest first.
    pub fn kept_imports(&self) -> Result<Vec<KeptImport>, JournalError> {
        let db = self.db_error();
        let mut stmt = self
            .connection_ref()
            .prepare("SELECT id, name, at_us, documents, entities, relations FROM kept_imports ORDER BY id")
            .map_err(&db)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(KeptImport {
                    id: r.get::<_, i64>(0)? as u64,
                    name: r.get(1)?,
                    at_us: r.get(2)?,
                    counts: (
                        r.get::<_, i64>(3)? as u64,
                        r.get::<_, i64>(4)? as u64,
                        r.get::<_, i64>(5)? as u64,
                    ),
                })
            })
            .map_err(&db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }
}
