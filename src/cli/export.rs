//! `dossier export`: loads `--data` and the `--import` datasets into one graph, as `serve`
//! does (see [`super::dataset`]), selects the whole graph (by default, with no cap) or the neighbourhood of `--ids`,
//! and writes it to `--output` or standard output.

use crate::config::ExportArgs;
use crate::export::{self, Cut, Format, Selection, SelectionError};
use crate::import::Progress;
use crate::load::LoadErrors;
use std::io::Write;
use std::path::PathBuf;

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The data, an import or the mapping file has errors (each with its `file:line:column`).
    #[error(transparent)]
    Load(#[from] LoadErrors),
    /// An `--ids` entry names no entity.
    #[error(transparent)]
    Select(#[from] SelectionError),
    /// A file or standard output could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// What was being written (`-` for standard output).
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The entities written.
    pub entities: usize,
    /// The relations written.
    pub relations: usize,
    /// How `--limit` cut the export short, if it did (the file says so too).
    pub cut: Option<Cut>,
}

/// Runs `dossier export`. Memory: the graph, plus the file being written (formats are
/// written whole before they go out). O(V + E) for the whole graph.
pub fn run(args: &ExportArgs, progress: &dyn Progress) -> Result<Exported, ExportError> {
    let (graph, _) = super::dataset::load(&args.data, &args.imports, progress)?;
    let selection = Selection {
        ids: args.ids.clone(),
        depth: args.depth,
        relation_kinds: (!args.relation_kinds.is_empty()).then(|| args.relation_kinds.clone()),
        kinds: (!args.kinds.is_empty()).then(|| args.kinds.clone()),
        limit: args.limit,
        as_of: None,
    };
    let (view, cut) = selection.select_cut(&graph)?;
    let written = Exported {
        entities: view.nodes.len(),
        relations: view.edges.len(),
        cut,
    };
    let write = |path: &PathBuf, text: String| {
        std::fs::write(path, text).map_err(|source| ExportError::Write {
            path: path.clone(),
            source,
        })
    };
    match &args.output {
        Some(dir)
            if args.format == Format::Csv
                && (dir.is_dir() || dir.as_os_str().to_string_lossy().ends_with('/')) =>
        {
            std::fs::create_dir_all(dir).map_err(|source| ExportError::Write {
                path: dir.clone(),
                source,
            })?;
            let (nodes, edges) = export::csv_tables_cut(&graph, &view, cut);
            write(&dir.join("nodes.csv"), nodes)?;
            write(&dir.join("edges.csv"), edges)?;
        }
        Some(file) => write(file, export::export_cut(&graph, &view, args.format, cut))?,
        None => std::io::stdout()
            .lock()
            .write_all(export::export_cut(&graph, &view, args.format, cut).as_bytes())
            .map_err(|source| ExportError::Write {
                path: PathBuf::from("-"),
                source,
            })?,
    }
    Ok(written)
}
