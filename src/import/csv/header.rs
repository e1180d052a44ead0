//! The columns a kind of table may have, and a table's header row checked against them.

use super::locate::locate_field;
use crate::import::{Session, Site};
use csv::StringRecord;
use std::path::Path;

/// The columns of one kind of table.
pub(super) struct Columns {
    pub(super) table: &'static str,
    pub(super) required: &'static [&'static str],
    pub(super) optional: &'static [&'static str],
}

impl Columns {
    pub(super) fn expected(&self) -> String {
        format!(
            "a {} file has the columns {} (required) and {} (optional)",
            self.table,
            self.required.join(", "),
            self.optional.join(", ")
        )
    }
}

/// Checks a header row: known columns, each once, the required ones present.
pub(super) fn header(
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
