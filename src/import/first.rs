//! Where an id was first defined, for the error on its second definition: a row of a CSV file
//! read earlier in this import, or the curated `data/` the import was loaded onto.
//!
//! Nothing is remembered while reading (a million-entity import keeps no map of lines): the
//! places are found again, only when an error needs one, by reading the files once more.

use super::csv::find_row;
use super::mapping::locate;
use super::Session;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What kind of record clashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Record {
    /// An entity (`[[entity]]`, a `nodes.csv` row).
    Entity,
    /// A document (`[document]`, a `documents.csv` row).
    Document,
}

/// The CSV files read so far in this import, by what their rows define.
#[derive(Debug, Default)]
pub(super) struct Tables {
    nodes: Vec<PathBuf>,
    documents: Vec<PathBuf>,
}

impl Tables {
    /// Notes that a table of `record`s is being read.
    pub(super) fn reading(&mut self, record: Record, path: &Path) {
        match record {
            Record::Entity => self.nodes.push(path.to_path_buf()),
            Record::Document => self.documents.push(path.to_path_buf()),
        }
    }
}

impl Session<'_> {
    /// The sentence to add to a duplicate-id error: where `id` was first defined, and what to
    /// do when that is the curated data. O(size of the files searched).
    pub(super) fn first_definition(&self, record: Record, id: &str) -> String {
        let curated = match record {
            Record::Entity => self
                .builder
                .node(id)
                .is_some_and(|n| n.index() < self.entities_before),
            Record::Document => self.documents_before.contains(id),
        };
        if curated {
            let place = self
                .curated_dir
                .as_deref()
                .and_then(|dir| in_data_dir(dir, record, id))
                .map_or_else(
                    || "in the curated data loaded before the imports (`--data`)".to_string(),
                    |(file, line, column)| format!("at {}:{line}:{column}", file.display()),
                );
            let advice = match record {
                Record::Entity => format!(
                    "an imported node cannot redefine a curated entity: leave this row out, \
                     and relations naming `{id}` will join the curated one"
                ),
                Record::Document => format!(
                    "an imported document cannot redefine a curated one: leave this row out, \
                     and relations citing `{id}` will cite the curated one"
                ),
            };
            return format!("; first defined {place} ({advice})");
        }
        let files = match record {
            Record::Entity => &self.tables.nodes,
            Record::Document => &self.tables.documents,
        };
        files
            .iter()
            .find_map(|file| {
                find_row(file, id).map(|(line, column)| {
                    format!("; first defined at {}:{line}:{column}", file.display())
                })
            })
            .unwrap_or_else(|| "; first defined earlier in this import".to_string())
    }
}

/// The file, line and column of the `id` of an `[[entity]]` or the `[document]` in a data
/// directory, searched in the order the loader reads its files.
fn in_data_dir(dir: &Path, record: Record, id: &str) -> Option<(PathBuf, usize, usize)> {
    #[derive(Deserialize)]
    struct File {
        document: Option<IdOnly>,
        #[serde(default)]
        entity: Vec<IdOnly>,
    }
    #[derive(Deserialize)]
    struct IdOnly {
        id: Spanned<String>,
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files.into_iter().find_map(|path| {
        let text = std::fs::read_to_string(&path).ok()?;
        let file: File = toml::from_str(&text).ok()?;
        let found = match record {
            Record::Entity => file.entity.into_iter().find(|e| e.id.get_ref() == id),
            Record::Document => file.document.filter(|d| d.id.get_ref() == id),
        }?;
        let (line, column) = locate(&text, found.id.span().start);
        Some((path, line, column))
    })
}
