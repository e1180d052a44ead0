//! `dossier import`: validates the datasets and loads them in memory (a dry run), then says
//! what they hold, the time taken and the peak memory.

use crate::config::ImportArgs;
use crate::import::{self, Mapping, Progress};
use crate::load::LoadErrors;
use std::time::Instant;

/// Runs `dossier import`, printing its report on standard output. Errors are the datasets'
/// (each with its `file:line:column`), all or nothing.
pub fn run(args: &ImportArgs, progress: &dyn Progress) -> Result<(), LoadErrors> {
    let started = Instant::now();
    let sources = args.sources().map_err(|e| LoadErrors(vec![e]))?;
    let mapping = match args.mapping.as_deref() {
        Some(p) => Mapping::load(p)?,
        None => Mapping::default(),
    };
    let (graph, s) = import::load_with_imports(args.data.as_deref(), &sources, &mapping, progress)?;
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
    let peak = peak_memory_kib().map_or("unknown".into(), |k| format!("{} MiB", k / 1024));
    println!(
        "took {:.2} s, peak memory {peak}; a dry run: nothing was kept (serve it with `dossier serve --import`)",
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
