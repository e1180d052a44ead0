//! Reading kept rows in chunks: a thread of its own reads a chunk's cells into one buffer,
//! the pool makes them records, and this thread adds them in the order they were kept.

use crate::journal::in_order::in_order;
use crate::journal::kept::KeptError;
use crate::journal::sqlite::Sqlite;
use crate::journal::JournalError;
use crate::model::Id;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::cell::RefCell;
use std::sync::mpsc;
use std::time::Duration;

/// Rows read in one chunk: enough that handing a chunk to the pool costs little beside its
/// work, few enough that the chunks in flight stay a few megabytes.
const CHUNK_ROWS: usize = 4096;

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
pub(super) struct RawRows<const N: usize> {
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
    pub(super) fn each<'a>(&'a self, table: &'static str) -> impl Iterator<Item = RawRow<'a, N>> {
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
pub(super) struct RawRow<'a, const N: usize> {
    text: &'a [u8],
    cells: &'a [Cell; N],
    table: &'static str,
    seq: u64,
}

impl<const N: usize> RawRow<'_, N> {
    pub(super) fn corrupt(&self, message: impl Into<String>) -> JournalError {
        JournalError::Corrupt {
            path: self.table.into(),
            seq: self.seq,
            message: message.into(),
        }
    }

    /// Cell `i` (from 1, as selected), `None` when NULL.
    pub(super) fn get(&self, i: usize) -> Result<Option<&str>, JournalError> {
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
    pub(super) fn text(&self, i: usize) -> Result<&str, JournalError> {
        self.get(i)?
            .ok_or_else(|| self.corrupt(format!("column {i} is NULL")))
    }

    /// Cell `i`, an id.
    pub(super) fn id(&self, i: usize) -> Result<Id, JournalError> {
        Id::parse(self.text(i)?).map_err(|e| self.corrupt(e.to_string()))
    }
}

/// A chunk of rows made into records on the pool, each or the reason its row is unreadable,
/// and the chunk's buffers, to read the next chunk into.
type Made<const N: usize, T> = (RawRows<N>, Vec<Result<T, JournalError>>);

impl Sqlite {
    /// Reads the rows `select` names (a `rowid` and then `N` columns, of the dataset
    /// `import`) in chunks, on a thread of its own with a connection of its own; makes each
    /// chunk's rows records with `make` on the pool (pushing one result a row, a record or
    /// the reason its row is unreadable); and hands each chunk's results to `add` on this
    /// thread, in the order they were kept. The first error stops the reading.
    pub(super) fn each_chunk<const N: usize, T: Send>(
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
}
