//! What `serve`, its reloads and `export` load: the curated data directory, then the imports
//! into the same graph.

use crate::config::ServeImportArgs;
use crate::import::{self, ImportSummary, Mapping, Progress};
use crate::load::{self, LoadErrors, LoadSummary};
use crate::store::{Graph, Version};
use std::path::Path;

/// What was loaded.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The curated data, if the directory was read.
    pub data: Option<LoadSummary>,
    /// The imports, if any were given.
    pub imports: Option<ImportSummary>,
}

/// Loads `data`, then the imports into the same graph, so imported rows may name curated
/// entities (and a clash names the curated file and line). With imports, an absent data
/// directory is no error: the imports are loaded alone. Any error, in either, builds nothing.
/// The version's search index is built beside the last layout.
pub fn load(
    data: &Path,
    imports: &ServeImportArgs,
    progress: &dyn Progress,
) -> Result<(Version, Loaded), LoadErrors> {
    let mut loaded = Loaded::default();
    let graph = if imports.paths.is_empty() || data.exists() {
        let (graph, summary) = load::load_dir(data)?;
        loaded.data = Some(summary);
        graph
    } else {
        Graph::default()
    };
    if imports.paths.is_empty() {
        return Ok((Version::new(graph), loaded));
    }
    let sources = imports.sources().map_err(|e| LoadErrors(vec![e]))?;
    let mapping = match imports.import_mapping.as_deref() {
        Some(path) => Mapping::load(path)?,
        None => Mapping::default(),
    };
    let (graph, summary) = if loaded.data.is_some() {
        import::import_onto_data(&graph, data, &sources, &mapping, progress)?
    } else {
        import::import_onto(&graph, &sources, &mapping, progress)?
    };
    loaded.imports = Some(summary);
    Ok((graph, loaded))
}
