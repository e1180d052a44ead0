//! Reading one CSV table: its header checked against the columns it may have, then row by
//! row, with the exact line and column of a cell found again when an error needs it.

use super::super::parallel::each_chunk;
use super::super::read::{Chunk, Chunks, Cut};
use super::super::{Session, Site};
use crate::load::LoadError;
use crate::model::Id;
use csv::StringRecord;
use std::cell::RefCell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::path::Path;

/// The columns of one kind of table.
pub(super) struct Columns {
    pub(super) table: &'static str,
    pub(super) required: &'static [&'static str],
    pub(super) optional: &'static [&'static str],
}

impl Columns {
    fn expected(&self) -> String {
        format!(
            "a {} file has the columns {} (required) and {} (optional)",
            self.table,
            self.required.join(", "),
            self.optional.join(", ")
        )
    }
}

/// Where a data row is: enough to find a cell again, when an error needs it.
#[derive(Clone, Copy)]
pub(super) struct Place<'a> {
    path: &'a Path,
    /// Column name → index.
    index: &'a [(&'static str, usize)],
    /// Byte offset and line where the record starts.
    byte: u64,
    line: usize,
}

impl Place<'_> {
    /// Where a column's cell starts (found again in the file only when needed: on an error).
    pub(super) fn site(&self, name: &str) -> Site {
        let (line, column) = match self.index.iter().find(|(n, _)| *n == name) {
            Some((_, i)) => locate_field(self.path, self.byte, self.line, *i),
            None => (self.line, 1),
        };
        Site::new(self.path, line, column)
    }

    /// Records an error at a column's cell.
    pub(super) fn fail(&self, cx: &mut Session, name: &str, message: String) {
        cx.push(self.site(name).error(name, message));
    }
}

/// One data row being parsed (on any thread): its cells, where it is, and the errors found in
/// it so far, in the order they were found.
pub(super) struct Row<'a> {
    at: Place<'a>,
    record: &'a StringRecord,
    errors: RefCell<Vec<LoadError>>,
}

impl Row<'_> {
    /// A cell, trimmed; `None` when the column is absent or the cell empty.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        // Names compared by length and first byte before their text: a row's cells are read
        // by name, a dozen times a row.
        let same = |n: &str| n.len() == name.len() && n.as_bytes()[0] == name.as_bytes()[0];
        let (_, i) = self.at.index.iter().find(|(n, _)| same(n) && *n == name)?;
        Some(trim(self.record.get(*i)?)).filter(|s| !s.is_empty())
    }

    /// Where a column's cell starts.
    pub(super) fn site(&self, name: &str) -> Site {
        self.at.site(name)
    }

    /// Records an error at a column's cell.
    pub(super) fn fail(&self, name: &str, message: String) {
        self.errors
            .borrow_mut()
            .push(self.site(name).error(name, message));
    }

    pub(super) fn required(&self, name: &str) -> Option<&str> {
        let v = self.get(name);
        if v.is_none() {
            self.fail(name, "cannot be empty".into());
        }
        v
    }

    pub(super) fn id(&self, name: &str) -> Option<Id> {
        let text = self.required(name)?;
        match Id::parse(text) {
            Ok(id) => Some(id),
            Err(e) => {
                self.fail(name, e.to_string());
                None
            }
        }
    }

    /// An optional cell parsed: `Ok(None)` when empty, `Err` (recorded) when malformed.
    pub(super) fn parse<T, E: std::fmt::Display>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ()> {
        match self.get(name) {
            None => Ok(None),
            Some(text) => match parse(text) {
                Ok(v) => Ok(Some(v)),
                Err(e) => {
                    self.fail(name, e.to_string());
                    Err(())
                }
            },
        }
    }
}

/// `str::trim`, without walking the characters when the cell starts and ends with a byte that
/// is not a space (most cells of a large table).
fn trim(cell: &str) -> &str {
    // Every Unicode space is either one of these ASCII bytes or starts with a byte above
    // 0x7f.
    let plain = |b: &u8| b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r');
    let bytes = cell.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(a), Some(z)) if plain(a) && plain(z) => cell,
        _ => cell.trim(),
    }
}

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
fn reader<R: Read>(from: R) -> csv::Reader<R> {
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

/// Checks a header row: known columns, each once, the required ones present.
fn header(
    cx: &mut Session,
    path: &Path,
    columns: &Columns,
    record: &StringRecord,
) -> Option<Vec<(&'static str, usize)>> {
    let mut index: Vec<(&'static str, usize)> = Vec::new();
    let mut ok = true;
    for (i, cell) in record.iter().enumerate() {
        let name = cell.trim_start_matches('\u{feff}').trim().to_lowercase();
        let known = columns
            .required
            .iter()
            .chain(columns.optional)
            .find(|c| **c == name);
        let (line, column) = locate_field(path, 0, 1, i);
        match known {
            Some(c) if index.iter().any(|(n, _)| n == c) => {
                cx.push(
                    Site::new(path, line, column)
                        .error("header", format!("the column `{c}` appears twice")),
                );
                ok = false;
            }
            Some(c) => index.push((c, i)),
            None => {
                cx.push(Site::new(path, line, column).error(
                    "header",
                    format!("unknown column `{}`: {}", cell.trim(), columns.expected()),
                ));
                ok = false;
            }
        }
    }
    for required in columns.required {
        if !index.iter().any(|(n, _)| n == required) {
            cx.push(Site::new(path, 1, 1).error(
                "header",
                format!("the column `{required}` is missing: {}", columns.expected()),
            ));
            ok = false;
        }
    }
    ok.then_some(index)
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

/// The (line, column) of the first row of a table whose `id` cell is `id`, read again from
/// the start; `None` when there is none or the file cannot be read. O(file size).
pub(in crate::import) fn find_row(path: &Path, id: &str) -> Option<(usize, usize)> {
    let mut reader = reader(File::open(path).ok()?);
    let mut record = StringRecord::new();
    reader.read_record(&mut record).ok()?;
    let column = record.iter().position(|c| {
        c.trim_start_matches('\u{feff}')
            .trim()
            .eq_ignore_ascii_case("id")
    })?;
    while reader.read_record(&mut record).ok()? {
        if record.get(column).map(str::trim) == Some(id) {
            let pos = record.position()?;
            let line = pos.line() as usize;
            return Some(locate_field(path, pos.byte(), line, column));
        }
    }
    None
}

/// The (line, column) where cell `index` of the record at byte `offset` (line `line`) starts,
/// found by re-reading that record: the CSV reader keeps no columns. Column 1 if not found.
fn locate_field(path: &Path, offset: u64, line: usize, index: usize) -> (usize, usize) {
    let mut buf = Vec::new();
    let read = File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::Start(offset))?;
        f.take(1 << 20).read_to_end(&mut buf)
    });
    if read.is_err() {
        return (line, 1);
    }
    let text = String::from_utf8_lossy(&buf);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let (mut l, mut column, mut field, mut quoted) = (line, 1, 0, false);
    let mut chars = text.chars();
    while field < index {
        let Some(c) = chars.next() else {
            return (line, 1);
        };
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            '\n' if !quoted => return (line, 1),
            _ => {}
        }
        if c == '\n' {
            l += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (l, column)
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn cells_are_trimmed_as_str_trim_trims_them() {
        for cell in [
            "",
            " ",
            "a",
            " a ",
            "\ta\r",
            "a b",
            "\u{a0}a",
            "a\u{3000}",
            "é",
            "\u{b}x\u{c}",
            "x\u{1f}",
        ] {
            assert_eq!(trim(cell), cell.trim(), "{cell:?}");
        }
    }
}
