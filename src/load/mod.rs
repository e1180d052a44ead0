//! Loading the curated `data/` directory: every `*.toml` file in it (sorted by name, not
//! recursing), validated as a whole before anything is kept.
//!
//! Checks: TOML syntax and unknown fields; ids, kinds, dates and claim statuses; duplicate ids
//! across files; relations between known entities of kinds the vocabulary allows; at least one
//! citation per relation, of a known document; and, when a document gives its full `text`,
//! that every quote from it occurs in that text verbatim. Every problem is reported as
//! `file:line:column: field: message`; if there is any, nothing is loaded.
//!
//! # Layout
//! - this file: the entry points ([`load_dir`], [`load_sources`]), the order of the passes
//!   (documents, then entities, then relations, then places), and the loader's state.
//! - `file`: the shape of a data file, as TOML reads it.
//! - `fields`: one field read at its span (parsed, optional, non-empty, attributes).
//! - `document`, `entity`, `relation`: one table of a data file each, checked and added.
//! - `error`: [`LoadError`] and [`LoadErrors`], and byte offsets turned into lines and columns.

mod document;
mod entity;
mod error;
mod fields;
mod file;
mod relation;

pub use error::{LoadError, LoadErrors};

use crate::model::Id;
use crate::store::{Graph, GraphBuilder};
use error::Lines;
use file::RawFile;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What a successful load found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    /// The data files read.
    pub files: usize,
    /// Documents, entities and relations loaded.
    pub documents: usize,
    /// Entities loaded.
    pub entities: usize,
    /// Relations loaded.
    pub relations: usize,
}

/// Loads and validates every data file in `dir` into a new graph.
pub fn load_dir(dir: &Path) -> Result<(Graph, LoadSummary), LoadErrors> {
    let files = list_files(dir)?;
    let mut sources = Vec::new();
    for path in files {
        match std::fs::read_to_string(&path) {
            Ok(text) => sources.push((path, text)),
            Err(e) => {
                return Err(LoadErrors(vec![file_error(
                    &path,
                    format!("cannot read: {e}"),
                )]));
            }
        }
    }
    load_sources(dir, &sources)
}

/// Loads data files given as (path, text) pairs; `dir` is where `text` paths are resolved.
pub fn load_sources(
    dir: &Path,
    sources: &[(PathBuf, String)],
) -> Result<(Graph, LoadSummary), LoadErrors> {
    let mut loader = Loader {
        dir,
        builder: GraphBuilder::new(),
        errors: Vec::new(),
        texts: HashMap::new(),
        entity_sites: HashMap::new(),
    };
    let mut parsed = Vec::new();
    for (path, text) in sources {
        let lines = Lines::new(text);
        match toml::from_str::<RawFile>(text) {
            Ok(raw) => parsed.push((path.as_path(), lines, raw)),
            Err(e) => {
                let (line, column) = lines.locate(e.span().map_or(0, |s| s.start));
                loader.errors.push(LoadError {
                    file: path.clone(),
                    line,
                    column,
                    field: "syntax".into(),
                    message: syntax_message(e.message()),
                });
            }
        }
    }
    // Documents first, then entities, then relations: files may refer to each other's ids.
    for (path, lines, raw) in &parsed {
        let at = Site { path, lines };
        if let Some(doc) = &raw.document {
            loader.document(&at, doc);
        }
    }
    for (path, lines, raw) in &parsed {
        let at = Site { path, lines };
        for e in &raw.entity {
            loader.entity(&at, e);
        }
    }
    for (path, lines, raw) in &parsed {
        let at = Site { path, lines };
        let doc_id = raw
            .document
            .as_ref()
            .and_then(|d| Id::parse(d.get_ref().id.get_ref()).ok());
        for r in &raw.relation {
            loader.relation(&at, doc_id.as_ref(), r);
        }
    }
    for (id, err) in loader.builder.check_places() {
        if let Some(site) = loader.entity_sites.get(&id) {
            let e = site.error("entity.place", err.to_string());
            loader.errors.push(e);
        }
    }
    if !loader.errors.is_empty() {
        loader
            .errors
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        return Err(LoadErrors(loader.errors));
    }
    let graph = loader
        .builder
        .build()
        .expect("places were checked above, and nothing else can fail");
    let summary = LoadSummary {
        files: sources.len(),
        documents: graph.document_count(),
        entities: graph.entity_count(),
        relations: graph.relation_count(),
    };
    Ok((graph, summary))
}

/// The TOML parser's message, or a description of its most common silent failure.
fn syntax_message(message: &str) -> String {
    let m = message.trim();
    if m.is_empty() {
        "invalid TOML here (a control character such as NUL, or an unexpected character)".into()
    } else {
        m.to_string()
    }
}

fn list_files(dir: &Path) -> Result<Vec<PathBuf>, LoadErrors> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        LoadErrors(vec![file_error(
            dir,
            format!("cannot read the data directory: {e}"),
        )])
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

fn file_error(path: &Path, message: String) -> LoadError {
    LoadError {
        file: path.to_path_buf(),
        line: 1,
        column: 1,
        field: "file".into(),
        message,
    }
}

/// Where in which file something was written.
struct Site<'a> {
    path: &'a Path,
    lines: &'a Lines<'a>,
}

impl Site<'_> {
    fn at(&self, span: Range<usize>, field: &str, message: String) -> LoadError {
        let (line, column) = self.lines.locate(span.start);
        LoadError {
            file: self.path.to_path_buf(),
            line,
            column,
            field: field.to_string(),
            message,
        }
    }
}

/// A recorded location, kept for errors found only when the graph is complete.
struct OwnedSite {
    file: PathBuf,
    line: usize,
    column: usize,
}

impl OwnedSite {
    fn error(&self, field: &str, message: String) -> LoadError {
        LoadError {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            field: field.to_string(),
            message,
        }
    }
}

/// One load: the builder the files' records are added to, and every problem found so far.
struct Loader<'a> {
    dir: &'a Path,
    builder: GraphBuilder,
    errors: Vec<LoadError>,
    /// Full texts of documents that give one, to check quotes against.
    texts: HashMap<Id, String>,
    /// Where each entity's `place` was written, for errors found at build time.
    entity_sites: HashMap<Id, OwnedSite>,
}
