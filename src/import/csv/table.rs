//! Reading one CSV table: its header checked against the columns it may have, then row by
//! row, with the exact line and column of a cell found again when an error needs it.

use super::super::read::Counting;
use super::super::{Session, Site};
use crate::load::LoadError;
use crate::model::Id;
use csv::StringRecord;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
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

/// One data row and where it is.
pub(super) struct Row<'a> {
    path: &'a Path,
    record: &'a StringRecord,
    /// Column name → index.
    index: &'a [(&'static str, usize)],
    /// Byte offset and line where the record starts.
    byte: u64,
    line: usize,
}

impl Row<'_> {
    /// A cell, trimmed; `None` when the column is absent or the cell empty.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        let (_, i) = self.index.iter().find(|(n, _)| *n == name)?;
        Some(self.record.get(*i)?.trim()).filter(|s| !s.is_empty())
    }

    /// Where a column's cell starts (found again in the file only when needed: on an error).
    pub(super) fn site(&self, name: &str) -> Site {
        let (line, column) = match self.index.iter().find(|(n, _)| *n == name) {
            Some((_, i)) => locate_field(self.path, self.byte, self.line, *i),
            None => (self.line, 1),
        };
        Site::new(self.path, line, column)
    }

    pub(super) fn fail(&self, cx: &mut Session, name: &str, message: String) {
        cx.push(self.site(name).error(name, message));
    }

    pub(super) fn required(&self, cx: &mut Session, name: &str) -> Option<&str> {
        let v = self.get(name);
        if v.is_none() {
            self.fail(cx, name, "cannot be empty".into());
        }
        v
    }

    pub(super) fn id(&self, cx: &mut Session, name: &str) -> Option<Id> {
        let text = self.required(cx, name)?;
        match Id::parse(text) {
            Ok(id) => Some(id),
            Err(e) => {
                self.fail(cx, name, e.to_string());
                None
            }
        }
    }

    /// An optional cell parsed: `Ok(None)` when empty, `Err` (recorded) when malformed.
    pub(super) fn parse<T, E: std::fmt::Display>(
        &self,
        cx: &mut Session,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ()> {
        match self.get(name) {
            None => Ok(None),
            Some(text) => match parse(text) {
                Ok(v) => Ok(Some(v)),
                Err(e) => {
                    self.fail(cx, name, e.to_string());
                    Err(())
                }
            },
        }
    }
}

/// Reads a table row by row after checking its header, calling `each` for every data row.
pub(super) fn each_row(
    cx: &mut Session,
    path: &Path,
    columns: &Columns,
    mut each: impl FnMut(&mut Session, &Row),
) {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let file = match Counting::open(path, &name, cx.progress) {
        Ok(f) => f,
        Err(e) => return cx.push(Site::new(path, 1, 1).error("file", format!("cannot read: {e}"))),
    };
    // Records end at `\n` only, so that a record's position is its first byte in CRLF files
    // too (with the default terminator, a record after `\r\n` starts at the `\n`, one line
    // early); the `\r` left at the end of the last cell is trimmed like any other space.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(file);
    let mut record = StringRecord::new();
    cx.line_read();
    let index = match reader.read_record(&mut record) {
        Ok(true) => header(cx, path, columns, &record),
        Ok(false) => {
            return cx.push(Site::new(path, 1, 1).error(
                "header",
                format!("the file is empty: {}", columns.expected()),
            ))
        }
        Err(e) => return cx.push(csv_error(path, &e)),
    };
    let Some(index) = index else { return };
    let width = record.len();
    loop {
        if cx.full() {
            break;
        }
        cx.line_read();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let pos = record
                    .position()
                    .cloned()
                    .unwrap_or_else(csv::Position::new);
                let line = pos.line() as usize;
                if record.len() == 1 && record.get(0).is_some_and(|c| c.trim().is_empty()) {
                    continue;
                }
                if record.len() != width {
                    cx.push(Site::new(path, line, 1).error(
                        "row",
                        format!(
                            "this row has {} cells, the header has {width}",
                            record.len()
                        ),
                    ));
                    continue;
                }
                let row = Row {
                    path,
                    record: &record,
                    index: &index,
                    byte: pos.byte(),
                    line,
                };
                each(cx, &row);
            }
            Err(e) => {
                let io = matches!(e.kind(), csv::ErrorKind::Io(_));
                cx.push(csv_error(path, &e));
                if io {
                    break;
                }
            }
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

fn csv_error(path: &Path, e: &csv::Error) -> LoadError {
    let line = e.position().map_or(1, |p| p.line() as usize);
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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(File::open(path).ok()?);
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
