//! Starting from kept imports: each dataset's rows are read from SQLite in chunks on a
//! thread of their own, turned into records and checked against the entities and documents
//! on the pool (a copy of them, [`crate::store::Resolver`]), then added in the order they were
//! kept — as the CSV importer does with a file's chunks. The checks and their errors are those
//! of adding the rows one by one; the first error stops the start and nothing is served.
//!
//! `chunks.rs` reads the rows in chunks; `relation.rs` reads a kept relation's row.

mod chunks;
mod relation;

use super::kept::KeptError;
use super::sqlite::Sqlite;
use super::JournalError;
use crate::model::{Document, Entity, Relation};
use crate::store::{GraphBuilder, ResolvedRelation, Resolver};
use relation::{kept_relation, RELATION_COLUMNS};
use std::cell::RefCell;

/// How many relations are shown to the builder at once before the first of them is added
/// (see [`GraphBuilder::look_ahead`]).
const AHEAD: usize = 16;

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
        crate::memory::configure();
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
        let built = b.build();
        // What was decoded on the pool and freed here goes back to the system.
        crate::memory::give_back();
        built.map_err(|errors| {
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

thread_local! {
    /// A few relations read and not resolved yet, kept for the next few: a fresh buffer for
    /// every chunk makes the C allocator consolidate the small blocks freed since.
    static GROUP: RefCell<Vec<Result<Relation, JournalError>>> = const { RefCell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_onto, ImportSource, Mapping, Silent};
    use crate::model::{AttributeValue, Citation, Date, EntityKind, Id, RelationKind};
    use crate::store::{Graph, Node};

    fn id(text: &str) -> Id {
        Id::parse(text).unwrap()
    }

    /// The document the data holds.
    fn report() -> Document {
        Document {
            id: id("data-report"),
            title: "A report".into(),
            publisher: None,
            published: None,
            url: None,
        }
    }

    /// The data a kept import may refer to: one document and the entity `anchor`.
    fn data() -> Graph {
        let mut b = GraphBuilder::new();
        b.add_document(report()).unwrap();
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
        b.add_document(report()).unwrap();
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
