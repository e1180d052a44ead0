//! Bulk import: other people's datasets — CSV tables, FollowTheMoney JSON lines,
//! tab-separated triples — added to a [`GraphBuilder`], next to the curated `data/` or alone.
//!
//! # Guarantees
//! - **All or nothing.** [`import_into`] returns `Err` if any line of any file is wrong; the
//!   builder then holds part of the import and must be dropped, so the caller builds nothing.
//!   Errors are `file:line:column: field: message` ([`LoadError`], column 1 when no finer
//!   place is known); at most [`MAX_ERRORS`] are collected, then reading stops, and a last
//!   entry ([`LoadError::stopped`]) says where and after how many lines.
//! - **Streaming, on every core.** Files are read in chunks of whole lines or records, never
//!   whole: memory grows with the graph built, not with the file. Chunks are parsed on rayon's
//!   pool (a CSV row's relation checked against a copy of the entities) while this thread adds
//!   the chunks before them in file order, so what is added and every error is as if read line
//!   after line. An FtM file is read twice (things, then links), so
//!   links may come before the entities they join.
//! - **Provenance stays honest.** Every relation keeps a citation. Where the dataset names no
//!   source (triples, FtM links without `Documentation`), the citation is a document standing
//!   for the imported file, and the quote is the line that states the relation: "stated by
//!   this dataset, at this line".
//! - **Real datasets are not refused for their vocabulary.** A relation outside dossier's
//!   vocabulary becomes `RELATED` with its own label; a kind chosen by a mapping or a schema
//!   whose ends do not fit falls back to `RELATED` too, and is counted
//!   ([`ImportSummary::fallbacks`]).
//!
//! Order: the documents and entities of every source are added first, then the relations, so
//! a relation may name an entity of another source or of `data/`. A triples file creates its
//! entities as it reads its lines. The formats are described in the README ("Import").
//!
//! # Layout
//! - `source`: the formats and sources, as the command line names them.
//! - `mapping`: the mapping file (TOML) and its JSON side files.
//! - `session`: what the importers share — the builder, the errors, relation drafts and their
//!   fallback to `RELATED`, fresh relation ids, the documents standing for files.
//! - `summary`: what an import added ([`ImportSummary`]), as `dossier import` prints it.
//! - `csv`, `ftm`, `triples`: one module per format.
//! - `loose`: relation kinds written loosely ("member of", "Accuse", "Apologize").
//! - `first`: where a duplicate id was first defined (found again only on the error).
//! - `read` (files in chunks of whole lines or CSV records, counted bytes), `parallel` (the
//!   chunks parsed on every core, handed back in file order), `progress` (the [`Progress`]
//!   trait and the terminal bar), `slug` (valid ids from any text).

mod csv;
mod first;
mod ftm;
mod loose;
mod mapping;
mod parallel;
mod progress;
mod read;
mod session;
mod slug;
mod source;
mod summary;
mod triples;

pub use mapping::{DocumentMeta, Mapping, RelationRule};
pub use progress::{for_stderr, Progress, Silent, TerminalBar};
pub use source::{ImportFormat, ImportSource};
pub use summary::ImportSummary;

use crate::load::{self, LoadError, LoadErrors};
use crate::store::{Graph, GraphBuilder, Version};
use session::{Draft, Session, Site};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The most errors collected before reading stops.
pub const MAX_ERRORS: usize = 100;

/// Loads `data` (when given) and then the sources into one version (its search index built beside its layout): the curated data first, so
/// imported relations may name curated entities. Any error, in either, builds nothing.
pub fn load_with_imports(
    data: Option<&Path>,
    sources: &[ImportSource],
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<(Version, ImportSummary), LoadErrors> {
    match data {
        Some(dir) => build(
            GraphBuilder::from_graph(&load::load_dir(dir)?.0),
            Some(dir),
            sources,
            mapping,
            progress,
        ),
        None => build(GraphBuilder::new(), None, sources, mapping, progress),
    }
}

/// A new graph version: `graph` with the sources added. O(V + E) to copy `graph`, then the
/// import. On error, `graph` is as it was and nothing is built.
pub fn import_onto(
    graph: &Graph,
    sources: &[ImportSource],
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<(Version, ImportSummary), LoadErrors> {
    build(
        GraphBuilder::from_graph(graph),
        None,
        sources,
        mapping,
        progress,
    )
}

/// [`import_onto`], for a `graph` loaded from the data directory `data`: an imported id that
/// clashes with a curated one is then reported with the `data/` file and line of the first
/// definition (with [`import_onto`], only as "in the curated data").
pub fn import_onto_data(
    graph: &Graph,
    data: &Path,
    sources: &[ImportSource],
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<(Version, ImportSummary), LoadErrors> {
    build(
        GraphBuilder::from_graph(graph),
        Some(data),
        sources,
        mapping,
        progress,
    )
}

fn build(
    mut builder: GraphBuilder,
    curated_dir: Option<&Path>,
    sources: &[ImportSource],
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<(Version, ImportSummary), LoadErrors> {
    let summary = import_with(&mut builder, curated_dir, sources, mapping, progress)?;
    let graph = Version::build(builder).map_err(|errors| {
        // The import's own places were checked with their lines; only an entity the builder
        // held before (never one of `data/`, which is validated) can be left.
        LoadErrors(
            errors
                .into_iter()
                .map(|(id, e)| LoadError {
                    file: PathBuf::from("(graph)"),
                    line: 1,
                    column: 1,
                    field: format!("entity {id}.{}", e.field().unwrap_or("place")),
                    message: e.to_string(),
                })
                .collect(),
        )
    })?;
    // What the parse allocated on the pool and freed here goes back to the system.
    crate::memory::give_back();
    Ok((graph, summary))
}

/// Adds the sources' documents, entities and relations to `builder`. On `Err` the builder
/// holds part of the import: drop it.
pub fn import_into(
    builder: &mut GraphBuilder,
    sources: &[ImportSource],
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<ImportSummary, LoadErrors> {
    import_with(builder, None, sources, mapping, progress)
}

/// [`import_into`], knowing the curated directory the builder was loaded from (to say where a
/// duplicate id was first defined).
fn import_with(
    builder: &mut GraphBuilder,
    curated_dir: Option<&Path>,
    sources: &[ImportSource],
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<ImportSummary, LoadErrors> {
    crate::memory::configure();
    let entities_before = builder.entity_count();
    let documents_before = builder.document_ids().map(|id| id.to_string()).collect();
    let mut cx = Session {
        builder,
        mapping,
        progress,
        errors: Vec::new(),
        places: Vec::new(),
        standins: HashMap::new(),
        summary: ImportSummary::default(),
        lines: 0,
        stopped_at: None,
        entities_before,
        documents_before,
        curated_dir: curated_dir.map(Path::to_path_buf),
        tables: Default::default(),
    };
    let mut ftm = ftm::Ftm::default();
    // 1. Documents and entities of every source.
    for source in sources {
        if cx.full() {
            break;
        }
        cx.summary.files += source.paths().len();
        match source {
            ImportSource::Csv {
                documents, nodes, ..
            } => {
                if let Some(p) = documents {
                    csv::documents(&mut cx, p);
                }
                if let Some(p) = nodes {
                    csv::nodes(&mut cx, p);
                }
            }
            ImportSource::Ftm(p) => ftm.things(&mut cx, p),
            ImportSource::Triples(p) => triples::check_mapping(&mut cx, p),
        }
    }
    if !cx.full() {
        ftm.add_things(&mut cx);
    }
    // 2. Relations.
    for source in sources {
        if cx.full() {
            break;
        }
        match source {
            ImportSource::Csv {
                relations: Some(p), ..
            } => csv::relations(&mut cx, p),
            ImportSource::Csv { .. } => {}
            ImportSource::Ftm(p) => ftm.links(&mut cx, p),
            ImportSource::Triples(p) => triples::read(&mut cx, p),
        }
    }
    if !cx.full() {
        ftm.finish(&mut cx);
    }
    // 3. Events' places, now that every entity is in.
    cx.check_places();
    if cx.errors.is_empty() {
        return Ok(cx.summary);
    }
    let mut errors = cx.errors;
    errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    errors.truncate(MAX_ERRORS);
    if let Some((file, line)) = cx.stopped_at {
        errors.push(LoadError::stopped(file, line, MAX_ERRORS, cx.lines));
    }
    Err(LoadErrors(errors))
}
