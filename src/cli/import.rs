//! `dossier import`: validates the datasets, loads them over the data and the datasets kept
//! before, keeps them in the state (unless `--dry-run`), then says what they hold, the time
//! taken and the peak memory.

use crate::config::ImportArgs;
use crate::import::{self, Mapping, Progress};
use crate::journal::{KeptError, Sqlite};
use crate::load::{self, LoadErrors};
use crate::store::Graph;
use std::time::Instant;

/// Why nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The datasets (or the data) have errors, each with its `file:line:column`.
    #[error(transparent)]
    Load(#[from] LoadErrors),
    /// The state could not be read or written.
    #[error(transparent)]
    Kept(#[from] KeptError),
}

/// Runs `dossier import`, printing its report on standard output. Errors are the datasets'
/// (each with its `file:line:column`), all or nothing: a failed import keeps nothing.
pub fn run(args: &ImportArgs, progress: &dyn Progress) -> Result<(), ImportError> {
    let started = Instant::now();
    let sources = args.sources().map_err(|e| LoadErrors(vec![e]))?;
    let mapping = match args.mapping.as_deref() {
        Some(p) => Mapping::load(p)?,
        None => Mapping::default(),
    };
    let data = match args.data.as_deref() {
        Some(dir) => load::load_dir(dir)?.0,
        None => Graph::default(),
    };
    let mut journal = if args.dry_run {
        None
    } else {
        Some(Sqlite::open(&args.state).map_err(KeptError::from)?)
    };
    let base = match &journal {
        Some(j) => j.with_kept_imports(data)?,
        None => data,
    };
    let (graph, s) = match args.data.as_deref() {
        Some(dir) => import::import_onto_data(&base, dir, &sources, &mapping, progress)?,
        None => import::import_onto(&base, &sources, &mapping, progress)?,
    };
    println!("ok: {s}");
    println!(
        "graph: {} entities, {} relations, {} documents{}",
        graph.entity_count(),
        graph.relation_count(),
        graph.document_count(),
        args.data
            .as_ref()
            .map_or(String::new(), |d| format!(" (with {})", d.display()))
    );
    let kept = match journal.as_mut() {
        Some(j) => {
            let name = args
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let k = j
                .keep_import(&name, &base, &graph)
                .map_err(KeptError::from)?;
            format!(
                "kept as import {} in {} ({} documents, {} entities, {} relations): `dossier serve --state {}` starts from it",
                k.id,
                args.state.display(),
                k.counts.0,
                k.counts.1,
                k.counts.2,
                args.state.display()
            )
        }
        None => "a dry run: nothing was kept".into(),
    };
    let peak = peak_memory_kib().map_or("unknown".into(), |k| format!("{} MiB", k / 1024));
    println!(
        "took {:.2} s, peak memory {peak}; {kept}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The process's peak resident memory (`VmHWM` in `/proc/self/status`), in KiB, where known.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
