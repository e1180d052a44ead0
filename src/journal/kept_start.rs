//! Starting from kept imports: each dataset's rows are read from SQLite in chunks on this
//! thread, turned into records and checked against the entities and documents on the pool
//! (a copy of them, [`crate::store::Resolver`]), then added in the order they were kept —
//! as the CSV importer does with a file's chunks. The checks and their errors are those of
//! adding the rows one by one; the first error stops the start and nothing is served.

use super::in_order::in_order;
use super::kept::{KeptError, Rest};
use super::sqlite::Sqlite;
use super::JournalError;
use crate::model::{Citation, Date, Document, Entity, Id, Relation, RelationKind};
use crate::store::{GraphBuilder, ResolvedRelation, Resolver};
use foldhash::fast::FixedState;
use hashbrown::HashMap;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::cell::RefCell;
use std::sync::{mpsc, LazyLock};
use std::time::Duration;

/// Rows read in one chunk: enough that handing a chunk to the pool costs little beside its
/// work, few enough that the chunks in flight stay a few megabytes.
const CHUNK_ROWS: usize = 4096;

/// How many relations are shown to the builder at once before the first of them is added
/// (see [`GraphBuilder::look_ahead`]).
const AHEAD: usize = 16;

/// The columns of a kept relation after its `rowid`, in the order they are selected.
const RELATION_COLUMNS: usize = 8;

/// One cell of a row as read: where its text is in the chunk's bytes, or what it is instead.
#[derive(Clone, Copy)]
enum Cell {
    Null,
    Text {
        start: u32,
        end: u32,
    },
    /// A value of another type (integer, real, blob), named for the error.
    Other(&'static str),
}

/// Rows read from one table: their cells' text, one after another, and each row's `rowid`
/// and cells.
#[derive(Default)]
struct RawRows<const N: usize> {
    text: Vec<u8>,
    rows: Vec<(u64, [Cell; N])>,
}

impl<const N: usize> RawRows<N> {
    fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
    }

    /// Reads the cells `1..=N` of a row (cell 0 is its `rowid`).
    fn push(&mut self, row: &rusqlite::Row<'_>) -> rusqlite::Result<()> {
        let seq = row.get::<_, i64>(0)? as u64;
        let mut cells = [Cell::Null; N];
        for (i, cell) in cells.iter_mut().enumerate() {
            *cell = match row.get_ref(i + 1)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Text(t) => {
                    let start = self.text.len() as u32;
                    self.text.extend_from_slice(t);
                    Cell::Text {
                        start,
                        end: self.text.len() as u32,
                    }
                }
                ValueRef::Integer(_) => Cell::Other("an integer"),
                ValueRef::Real(_) => Cell::Other("a real number"),
                ValueRef::Blob(_) => Cell::Other("a blob"),
            };
        }
        self.rows.push((seq, cells));
        Ok(())
    }

    /// Each row, to read its cells; `table` names them in errors.
    fn each<'a>(&'a self, table: &'static str) -> impl Iterator<Item = RawRow<'a, N>> {
        self.rows.iter().map(move |(seq, cells)| RawRow {
            text: &self.text,
            cells,
            table,
            seq: *seq,
        })
    }

    /// Whether the chunk is full: enough rows, or text near what a `u32` offset reaches.
    fn full(&self) -> bool {
        self.rows.len() >= CHUNK_ROWS || self.text.len() >= u32::MAX as usize / 2
    }
}

/// One row's cells, read on the pool.
struct RawRow<'a, const N: usize> {
    text: &'a [u8],
    cells: &'a [Cell; N],
    table: &'static str,
    seq: u64,
}

impl<const N: usize> RawRow<'_, N> {
    fn corrupt(&self, message: impl Into<String>) -> JournalError {
        JournalError::Corrupt {
            path: self.table.into(),
            seq: self.seq,
            message: message.into(),
        }
    }

    /// Cell `i` (from 1, as selected), `None` when NULL.
    fn get(&self, i: usize) -> Result<Option<&str>, JournalError> {
        match self.cells[i - 1] {
            Cell::Null => Ok(None),
            Cell::Text { start, end } => {
                std::str::from_utf8(&self.text[start as usize..end as usize])
                    .map(Some)
                    .map_err(|e| self.corrupt(e.to_string()))
            }
            Cell::Other(what) => Err(self.corrupt(format!("column {i} holds {what}, not text"))),
        }
    }

    /// Cell `i`, which must not be NULL.
    fn text(&self, i: usize) -> Result<&str, JournalError> {
        self.get(i)?
            .ok_or_else(|| self.corrupt(format!("column {i} is NULL")))
    }

    fn id(&self, i: usize) -> Result<Id, JournalError> {
        Id::parse(self.text(i)?).map_err(|e| self.corrupt(e.to_string()))
    }
}

/// A chunk of rows made into records on the pool, each or the reason its row is unreadable,
/// and the chunk's buffers, to read the next chunk into.
type Made<const N: usize, T> = (RawRows<N>, Vec<Result<T, JournalError>>);

impl Sqlite {
    /// `graph` with every kept dataset added, in the order they were kept, each checked by
    /// the builder as an import is: its documents, then its entities, then its relations,
    /// read in chunks and made ready on the pool. `graph` is returned as it was when nothing
    /// is kept. The first row that no longer fits (or cannot be read) is the error, and
    /// nothing is added. O(kept rows + V + E) for the layout.
    pub fn with_kept_imports(
        &self,
        graph: crate::store::Graph,
    ) -> Result<crate::store::Graph, KeptError> {
        let imports = self.kept_imports()?;
        if imports.is_empty() {
            return Ok(graph);
        }
        let mut b = GraphBuilder::from_graph(&graph);
        drop(graph);
        let (e, r) = imports
            .iter()
            .fold((0, 0), |acc, i| (acc.0 + i.counts.1, acc.1 + i.counts.2));
        b.reserve(e as usize, r as usize);
        for import in &imports {
            let conflict = |what: &'static str, id: String, message: String| KeptError::Conflict {
                import: import.id,
                name: import.name.clone(),
                what,
                id,
                message,
            };
            self.each_kept("kept_documents", import.id, |doc: Document| {
                let id = doc.id.to_string();
                b.add_document(doc)
                    .map_err(|err| conflict("document", id, err.to_string()))
            })?;
            self.kept_entities(import.id, |entity| {
                let id = entity.id.to_string();
                b.add_entity(entity)
                    .map(|_| ())
                    .map_err(|err| conflict("entity", id, err.to_string()))
            })?;
            // Made after the dataset's entities are in: relations only refer to entities
            // added before them.
            let resolver = b.resolver();
            self.kept_relations(import.id, &resolver, |resolved| {
                let mut items = resolved.drain(..);
                let mut shown = 0;
                while let Some(r) = items.next() {
                    // The next `AHEAD` relations' default ids are looked up at once, before
                    // the first of them is added.
                    if shown == 0 {
                        let next = std::iter::once(&r).chain(items.as_slice());
                        for r in next.take(AHEAD).flatten() {
                            if let (Some(from), Some(to)) = r.ends() {
                                b.look_ahead(from, r.kind(), to);
                            }
                        }
                        shown = AHEAD;
                    }
                    shown -= 1;
                    let r = r?;
                    let id = r.id().clone();
                    let checked = b.check_resolved(r).map_err(|mut errs| {
                        conflict("relation", id.to_string(), errs.swap_remove(0).to_string())
                    })?;
                    b.push_relation(checked)
                        .map_err(|err| conflict("relation", id.to_string(), err.to_string()))?;
                }
                Ok(())
            })?;
        }
        b.build().map_err(|errors| {
            let (id, err) = errors.into_iter().next().expect("an error");
            KeptError::Conflict {
                import: 0,
                name: "kept imports".into(),
                what: "entity",
                id: id.to_string(),
                message: err.to_string(),
            }
        })
    }

    /// Reads the rows `select` names (a `rowid` and then `N` columns, of the dataset
    /// `import`) in chunks, on a thread of its own with a connection of its own; makes each
    /// chunk's rows records with `make` on the pool (pushing one result a row, a record or
    /// the reason its row is unreadable); and hands each chunk's results to `add` on this
    /// thread, in the order they were kept. The first error stops the reading.
    fn each_chunk<const N: usize, T: Send>(
        &self,
        select: &str,
        import: u64,
        make: impl Fn(&RawRows<N>, &mut Vec<Result<T, JournalError>>) + Sync,
        mut add: impl FnMut(&mut Vec<Result<T, JournalError>>) -> Result<(), KeptError>,
    ) -> Result<(), KeptError> {
        let ahead = rayon::current_num_threads() * 4;
        // Buffers handed back once their results are added, read into again: a fresh large
        // allocation for every chunk makes the C allocator consolidate the small blocks freed
        // since.
        let (spare, spares) = mpsc::channel::<RawRows<N>>();
        let made_spare: RefCell<Vec<Vec<Result<T, JournalError>>>> = RefCell::default();
        let made_spare = &made_spare;
        let (path, db) = (self.path().to_owned(), self.db_error());
        std::thread::scope(|s| {
            let (send, read) = mpsc::sync_channel::<Result<RawRows<N>, JournalError>>(ahead);
            s.spawn(move || {
                let read = || -> Result<(), JournalError> {
                    let conn = Connection::open_with_flags(
                        &path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )
                    .map_err(&db)?;
                    conn.busy_timeout(Duration::from_secs(10)).map_err(&db)?;
                    let mut stmt = conn.prepare(select).map_err(&db)?;
                    let mut rows = stmt.query([import as i64]).map_err(&db)?;
                    let mut end = false;
                    while !end {
                        let mut raw = spares.try_recv().unwrap_or_default();
                        raw.clear();
                        while !raw.full() {
                            match rows.next().map_err(&db)? {
                                Some(row) => raw.push(row).map_err(&db)?,
                                None => {
                                    end = true;
                                    break;
                                }
                            }
                        }
                        // Nobody reads on once adding failed.
                        if !raw.rows.is_empty() && send.send(Ok(raw)).is_err() {
                            return Ok(());
                        }
                    }
                    Ok(())
                };
                if let Err(e) = read() {
                    let _ = send.send(Err(e));
                }
            });
            // `read` is dropped with `next` when the adding ends, which ends the reading.
            let next = move || match read.recv() {
                Ok(Ok(raw)) => Ok(Some((
                    raw,
                    made_spare.borrow_mut().pop().unwrap_or_default(),
                ))),
                Ok(Err(e)) => Err(KeptError::from(e)),
                Err(_) => Ok(None),
            };
            in_order(
                ahead,
                next,
                |(raw, mut made): Made<N, T>| {
                    made.clear();
                    make(&raw, &mut made);
                    (raw, made)
                },
                |(raw, mut made)| {
                    let added = add(&mut made);
                    made_spare.borrow_mut().push(made);
                    let _ = spare.send(raw);
                    added
                },
            )
        })
    }
    /// The entities kept as dataset `import`, decoded on the pool, handed to `add` in order.
    fn kept_entities(
        &self,
        import: u64,
        mut add: impl FnMut(Entity) -> Result<(), KeptError>,
    ) -> Result<(), KeptError> {
        self.each_chunk::<1, Entity>(
            "SELECT rowid, record FROM kept_entities WHERE import = ?1 ORDER BY rowid",
            import,
            |raw, made| {
                made.extend(raw.each("kept_entities").map(|row| {
                    serde_json::from_str(row.text(1)?).map_err(|e| row.corrupt(e.to_string()))
                }))
            },
            |made| {
                for entity in made.drain(..) {
                    add(entity?)?;
                }
                Ok(())
            },
        )
    }

    /// The relations kept as dataset `import`, made into records and resolved against
    /// `resolver` on the pool, handed to `add` a chunk at a time, in order (`add` takes
    /// them all).
    fn kept_relations(
        &self,
        import: u64,
        resolver: &Resolver,
        add: impl FnMut(&mut Vec<Result<ResolvedRelation, JournalError>>) -> Result<(), KeptError>,
    ) -> Result<(), KeptError> {
        self.each_chunk::<RELATION_COLUMNS, ResolvedRelation>(
            "SELECT rowid, kind, source, target, date, document, quote, id, rest
             FROM kept_relations WHERE import = ?1 ORDER BY rowid",
            import,
            |raw, made| {
                GROUP.with_borrow_mut(|group| {
                    let mut rows = raw.each("kept_relations").peekable();
                    while rows.peek().is_some() {
                        group.extend(rows.by_ref().take(AHEAD).map(|row| kept_relation(&row)));
                        // The ends of a few relations looked up in one go: in a large graph a
                        // lookup is mostly waiting for memory, and lookups one after another
                        // wait at once; resolving them then finds the entries in the cache.
                        for r in group.iter().flatten() {
                            std::hint::black_box((
                                resolver.find(r.from.as_str()),
                                resolver.find(r.to.as_str()),
                            ));
                        }
                        made.extend(
                            group
                                .drain(..)
                                .map(|r| r.map(|r| resolver.resolve_relation((None, None), r))),
                        );
                    }
                })
            },
            add,
        )
    }

    /// Reads every record of `table` kept as dataset `import`, in order, on this thread.
    fn each_kept<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        import: u64,
        mut add: impl FnMut(T) -> Result<(), KeptError>,
    ) -> Result<(), KeptError> {
        let db = self.db_error();
        let mut stmt = self
            .connection_ref()
            .prepare(&format!(
                "SELECT rowid, record FROM {table} WHERE import = ?1 ORDER BY rowid"
            ))
            .map_err(&db)?;
        let mut rows = stmt.query([import as i64]).map_err(&db)?;
        while let Some(row) = rows.next().map_err(&db)? {
            let text: String = row.get(1).map_err(&db)?;
            let record: T = serde_json::from_str(&text).map_err(|e| JournalError::Corrupt {
                path: table.to_owned(),
                seq: row.get::<_, i64>(0).unwrap_or(0) as u64,
                message: e.to_string(),
            })?;
            add(record)?;
        }
        Ok(())
    }
}

/// The relation a `kept_relations` row holds (see `kept.rs` for its columns).
fn kept_relation(row: &RawRow<RELATION_COLUMNS>) -> Result<Relation, JournalError> {
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
    /// A few relations read and not resolved yet, kept for the next few: a fresh buffer for
    /// every chunk makes the C allocator consolidate the small blocks freed since.
    static GROUP: RefCell<Vec<Result<Relation, JournalError>>> = const { RefCell::new(Vec::new()) };
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
    use crate::import::{import_onto, ImportSource, Mapping, Silent};
    use crate::model::{AttributeValue, EntityKind};
    use crate::store::{Graph, Node};

    #[test]
    fn default_ids_are_those_of_the_model() {
        let (a, b) = (Id::parse("a-b.c").unwrap(), Id::parse("d").unwrap());
        let mut id = "left over".to_string();
        for &kind in RelationKind::ALL {
            default_id(&mut id, &a, kind, &b);
            assert_eq!(id, Relation::default_id(&a, kind, &b));
        }
    }

    fn id(text: &str) -> Id {
        Id::parse(text).unwrap()
    }

    /// The data a kept import may refer to: one document and the entity `anchor`.
    fn data() -> Graph {
        let mut b = GraphBuilder::new();
        b.add_document(Document {
            id: id("data-report"),
            title: "A report".into(),
            publisher: None,
            published: None,
            url: None,
        })
        .unwrap();
        b.add_entity(Entity::new(id("anchor"), EntityKind::Person, "Anchor"))
            .unwrap();
        b.build().unwrap()
    }

    /// A relation with every rare field, to `anchor` in the data.
    fn rare(from: &str, n: usize) -> Relation {
        let cite = |document: &str, quote: &str| Citation {
            document: id(document),
            quote: quote.into(),
        };
        Relation {
            id: id(&format!("rare-{n}")),
            kind: RelationKind::Related,
            label: Some(format!("label {n}")),
            from: id(from),
            to: id("anchor"),
            date: Some(Date::parse("2020-01").unwrap()),
            until: Some(Date::parse("2021-02-03").unwrap()),
            role: Some("counsel".into()),
            claim: Some("ALLEGED".parse().unwrap()),
            description: Some("described".into()),
            citations: vec![cite("doc-1", "first quote"), cite("data-report", "second")],
            attributes: [("amount".to_string(), AttributeValue::Integer(n as i64))]
                .into_iter()
                .collect(),
        }
    }

    /// A generated dataset of 12,000 relations (three chunks), imported over [`data`], with
    /// relations of every field to `anchor` after the first and the second chunk: the
    /// state it is kept in, and the graph it was kept from.
    fn kept() -> (tempfile::TempDir, Sqlite, Graph) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("csv");
        let spec = crate::generate::Spec {
            entities: 500,
            relations: 12_000,
            seed: 7,
        };
        crate::generate::generate(&spec, &csv).unwrap();
        let source = ImportSource::at(&csv, None).unwrap();
        let base = data();
        let (imported, _) = import_onto(&base, &[source], &Mapping::default(), &Silent).unwrap();
        let mut b = GraphBuilder::from_graph(&imported);
        b.add_relation(rare("e3", 1)).unwrap();
        let mut again = GraphBuilder::from_graph(&b.build().unwrap());
        for n in 0..5000 {
            let e = imported.relation(crate::store::Edge::new(n)).to_relation();
            let mut r = e.clone();
            // A repeat of a generated relation, with an id of its own.
            r.id = id(&format!("again-{n}"));
            again.add_relation(r).unwrap();
        }
        again.add_relation(rare("e4", 2)).unwrap();
        let graph = again.build().unwrap();
        let mut state = Sqlite::open(&dir.path().join("state")).unwrap();
        state.keep_import("generated", &base, &graph).unwrap();
        (dir, state, graph)
    }

    fn relations(g: &Graph) -> Vec<String> {
        g.all_relations()
            .map(|e| format!("{:?}", g.relation(e).to_relation()))
            .collect()
    }

    fn entities(g: &Graph) -> Vec<String> {
        (0..g.entity_count())
            .map(|n| format!("{:?}", g.entity(Node::new(n)).to_entity()))
            .collect()
    }

    #[test]
    fn a_kept_import_starts_as_the_graph_it_was_kept_from() {
        let (_dir, state, graph) = kept();
        let started = state.with_kept_imports(data()).unwrap();
        assert_eq!(started.relation_count(), 12_000 + 5000 + 2);
        assert_eq!(entities(&started), entities(&graph));
        assert_eq!(
            relations(&started),
            relations(&graph),
            "the same relations, in order"
        );
        assert_eq!(started.document_count(), graph.document_count());
    }

    #[test]
    fn the_first_unreadable_row_in_kept_order_is_the_error() {
        let (_dir, state, _) = kept();
        let first: i64 = state
            .connection_ref()
            .query_row("SELECT MIN(rowid) FROM kept_relations", [], |r| r.get(0))
            .unwrap();
        // Bad rows in the third chunk and the second: the second chunk's is the error.
        for (at, bad) in [
            (11_000, "kind = 'NO_SUCH_KIND'"),
            (5000, "source = 'Not An Id'"),
        ] {
            state
                .connection_ref()
                .execute(
                    &format!("UPDATE kept_relations SET {bad} WHERE rowid = ?1"),
                    [first + at],
                )
                .unwrap();
        }
        match state.with_kept_imports(data()) {
            Err(KeptError::Journal(JournalError::Corrupt { path, seq, message })) => {
                assert_eq!(path, "kept_relations");
                assert_eq!(seq, (first + 5000) as u64);
                assert!(message.contains("Not An Id"), "{message}");
            }
            other => panic!("expected the row's error, got {other:?}"),
        }
        state
            .connection_ref()
            .execute("UPDATE kept_entities SET record = '{' WHERE rowid = 7", [])
            .unwrap();
        match state.with_kept_imports(data()) {
            Err(KeptError::Journal(JournalError::Corrupt { path, seq, .. })) => {
                assert_eq!((path.as_str(), seq), ("kept_entities", 7));
            }
            other => panic!("expected the entity's error, got {other:?}"),
        }
    }

    #[test]
    fn kept_rows_that_no_longer_fit_the_data_name_the_first_of_them() {
        let (_dir, state, _) = kept();
        // Without `anchor`, the first relation to it is the error.
        let mut b = GraphBuilder::new();
        b.add_document(Document {
            id: id("data-report"),
            title: "A report".into(),
            publisher: None,
            published: None,
            url: None,
        })
        .unwrap();
        let without = b.build().unwrap();
        match state.with_kept_imports(without) {
            Err(KeptError::Conflict {
                import,
                what,
                id,
                message,
                ..
            }) => {
                assert_eq!((import, what, id.as_str()), (1, "relation", "rare-1"));
                assert!(message.contains("unknown entity `anchor`"), "{message}");
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        // An entity the data now holds clashes with the kept one.
        let mut b = GraphBuilder::from_graph(&data());
        b.add_entity(Entity::new(id("e2"), EntityKind::Person, "E two"))
            .unwrap();
        match state.with_kept_imports(b.build().unwrap()) {
            Err(KeptError::Conflict { what, id, .. }) => {
                assert_eq!((what, id.as_str()), ("entity", "e2"));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
}
