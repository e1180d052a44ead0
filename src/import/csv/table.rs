//! Reading one CSV table: its header checked against the columns it may have (`header`), then
//! its records in chunks, each row parsed on the pool (`row`) and what it gave added in file
//! order.

use super::header::{header, Columns};
use super::row::{Place, Row};
use crate::import::parallel::each_chunk;
use crate::import::read::{Chunk, Chunks, Cut};
use crate::import::{Session, Site};
use crate::load::LoadError;
use csv::StringRecord;
use std::cell::RefCell;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

/// What a record of a chunk gave.
enum Item<T> {
    /// A row of blank cells: skipped.
    Blank,
    /// A record that is not a row of the table: the wrong number of cells, or not UTF-8.
    Bad(LoadError),
    /// A row: the errors found parsing it, and what it gave unless one of them stops it.
    Row {
        byte: u64,
        line: usize,
        errors: Vec<LoadError>,
        parsed: Option<T>,
    },
}

impl<T> Item<T> {
    /// What the row gave, if it is a row that gave something.
    fn parsed(&mut self) -> Option<&mut T> {
        match self {
            Item::Row {
                parsed: Some(p), ..
            } => Some(p),
            _ => None,
        }
    }
}

/// The CSV reader of every table: no header row (it is checked here), rows of any width
/// (checked here too), records ending at `\n` only, so that a record's position is its first
/// byte in CRLF files too (with the default terminator, a record after `\r\n` starts at the
/// `\n`, one line early); the `\r` left at the end of the last cell is trimmed like any
/// other space.
pub(super) fn reader<R: Read>(from: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        // Under a kilobyte: a reader is made for every chunk, and a larger block would make
        // the C allocator consolidate its freed small blocks each time (see `parallel`).
        .buffer_capacity(768)
        .from_reader(from)
}

/// How many rows are shown to [`Table::ahead`] at once, before the first of them is added.
const AHEAD: usize = 16;

/// A kind of table: what its rows become, on the pool and then in file order.
pub(super) trait Table: Sync {
    /// What a row gives, parsed on the pool.
    type Row: Send;

    /// Its columns.
    fn columns(&self) -> &Columns;

    /// Told first how many rows the file seems to hold (from its size and its first chunk),
    /// so that a large table's rows are added without regrowing what holds them.
    fn reserve(&self, cx: &mut Session, rows: usize) {
        let _ = (cx, rows);
    }

    /// A row parsed (on the pool), its errors recorded in it.
    fn parse(&self, row: &Row) -> Option<Self::Row>;

    /// Once every row of a chunk is parsed, what they gave, in file order (on the pool).
    fn finish(&self, rows: Vec<&mut Self::Row>) {
        let _ = rows;
    }

    /// What a row gave, shortly before it is added (on this thread): the next few rows are
    /// shown one after another, so that what they look up is looked up at once.
    fn ahead(&self, cx: &Session, row: &Self::Row) {
        let _ = (cx, row);
    }

    /// Adds what a row gave, in file order (on this thread).
    fn add(&self, cx: &mut Session, at: &Place, row: Self::Row);
}

/// Reads a table after checking its header: each data row is parsed on the thread pool (its
/// errors recorded in the row), and what it gave is added on this thread, row after row in
/// file order, with where the row is (see [`Table`]).
pub(super) fn each_row<T: Table>(cx: &mut Session, path: &Path, table: &T) {
    let columns = table.columns();
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let cannot_read =
        |e: &dyn std::fmt::Display| Site::new(path, 1, 1).error("row", format!("cannot read: {e}"));
    let mut chunks = match Chunks::open(path, &name, Cut::Records, cx.progress) {
        Ok(c) => c,
        Err(e) => return cx.push(Site::new(path, 1, 1).error("file", format!("cannot read: {e}"))),
    };
    let empty = || {
        Site::new(path, 1, 1).error(
            "header",
            format!("the file is empty: {}", columns.expected()),
        )
    };
    cx.line_read();
    let first = match chunks.next_chunk() {
        None => return cx.push(empty()),
        Some(Err(e)) => return cx.push(cannot_read(&e)),
        Some(Ok(chunk)) => chunk,
    };
    // The header is the first record of the first chunk; the rows after it in that chunk are
    // handed back to be parsed with the others.
    let mut header_reader = reader(&first.text[..]);
    let mut record = StringRecord::new();
    let index = match header_reader.read_record(&mut record) {
        Ok(true) => header(cx, path, columns, &record),
        Ok(false) => return cx.push(empty()),
        Err(e) => return cx.push(csv_error(path, &e, 1)),
    };
    let Some(index) = index else { return };
    let width = record.len();
    let after = header_reader.position().clone();
    chunks.put_back(Chunk {
        text: first.text[after.byte() as usize..].to_vec(),
        line: after.line() as usize,
        byte: after.byte(),
    });
    if let Some(size) = chunks.size().filter(|&s| s > first.text.len() as u64) {
        // Lines, not records (a quoted cell may hold several), and 2% more: a little over
        // rather than under, which would regrow everything for the last few rows.
        let lines = memchr::memchr_iter(b'\n', &first.text).count().max(1) as u64;
        let rows = lines * size / first.text.len() as u64;
        table.reserve(cx, (rows + rows / 50) as usize);
    }
    let index = &index[..];
    let read = each_chunk(
        cx,
        &mut chunks,
        |chunk, into| {
            parse_chunk(path, index, width, chunk, table, into);
            table.finish(into.iter_mut().filter_map(Item::parsed).collect());
        },
        |cx, _, mut items| {
            let mut shown = 0;
            while let Some(item) = items.next() {
                // The next `AHEAD` rows are shown to the table, in one go, before the first
                // of them is added.
                if shown == 0 {
                    let next = std::iter::once(&item).chain(items.as_slice());
                    for item in next.take(AHEAD) {
                        if let Item::Row {
                            parsed: Some(p), ..
                        } = item
                        {
                            table.ahead(cx, p);
                        }
                    }
                    shown = AHEAD;
                }
                shown -= 1;
                if cx.full() {
                    return ControlFlow::Break(());
                }
                cx.line_read();
                match item {
                    Item::Blank => {}
                    Item::Bad(e) => cx.push(e),
                    Item::Row {
                        byte,
                        line,
                        errors,
                        parsed,
                    } => {
                        for e in errors {
                            cx.push(e);
                        }
                        if let Some(parsed) = parsed {
                            let at = Place {
                                path,
                                index,
                                byte,
                                line,
                            };
                            table.add(cx, &at, parsed);
                        }
                    }
                }
            }
            ControlFlow::Continue(())
        },
    );
    // The read that found the end of the file, or failed.
    if !cx.full() {
        cx.line_read();
        if let Err((_, e)) = read {
            cx.push(cannot_read(&e));
        }
    }
}

/// Parses the records of a chunk (on the pool) into `items`.
fn parse_chunk<T: Table>(
    path: &Path,
    index: &[(&'static str, usize)],
    width: usize,
    chunk: &Chunk,
    table: &T,
    items: &mut Vec<Item<T::Row>>,
) {
    let mut reader = reader(&chunk.text[..]);
    let mut record = StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let pos = record
                    .position()
                    .cloned()
                    .unwrap_or_else(csv::Position::new);
                let line = chunk.line + pos.line() as usize - 1;
                let byte = chunk.byte + pos.byte();
                if record.len() == 1 && record.get(0).is_some_and(|c| c.trim().is_empty()) {
                    items.push(Item::Blank);
                    continue;
                }
                if record.len() != width {
                    items.push(Item::Bad(Site::new(path, line, 1).error(
                        "row",
                        format!(
                            "this row has {} cells, the header has {width}",
                            record.len()
                        ),
                    )));
                    continue;
                }
                let row = Row {
                    at: Place {
                        path,
                        index,
                        byte,
                        line,
                    },
                    record: &record,
                    errors: RefCell::default(),
                };
                let parsed = table.parse(&row);
                items.push(Item::Row {
                    byte,
                    line,
                    errors: row.errors.into_inner(),
                    parsed,
                });
            }
            Err(e) => items.push(Item::Bad(csv_error(path, &e, chunk.line))),
        }
    }
}

/// A record the reader refused; `first_line` is the line its text started at.
fn csv_error(path: &Path, e: &csv::Error, first_line: usize) -> LoadError {
    let line = e
        .position()
        .map_or(1, |p| first_line + p.line() as usize - 1);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8 text".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string(),
    };
    Site::new(path, line, 1).error("row", message)
}
