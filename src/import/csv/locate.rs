//! A cell found again in a table's file, by re-reading it: the CSV reader keeps no columns.
//! Only an error or a duplicate id's first definition needs it.

use super::table::reader;
use csv::StringRecord;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

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
pub(super) fn locate_field(path: &Path, offset: u64, line: usize, index: usize) -> (usize, usize) {
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
