//! One data row of a table: its cells read by name (trimmed, parsed, required), the errors
//! found in it, and where each cell is, found again only when an error needs it.

use super::locate::locate_field;
use crate::import::{Session, Site};
use crate::load::LoadError;
use crate::model::Id;
use csv::StringRecord;
use std::cell::RefCell;
use std::path::Path;

/// Where a data row is: enough to find a cell again, when an error needs it.
#[derive(Clone, Copy)]
pub(super) struct Place<'a> {
    pub(super) path: &'a Path,
    /// Column name → index.
    pub(super) index: &'a [(&'static str, usize)],
    /// Byte offset and line where the record starts.
    pub(super) byte: u64,
    pub(super) line: usize,
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
    pub(super) at: Place<'a>,
    pub(super) record: &'a StringRecord,
    pub(super) errors: RefCell<Vec<LoadError>>,
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
