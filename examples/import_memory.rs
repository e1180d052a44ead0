//! How long an import takes and what it leaves resident: the figures of BENCHMARKS.md's import
//! rows, without the queries of `bench_engine`.
//!
//! ```sh
//! cargo run --release --example import_memory -- DATASET [MAPPING.toml]
//! ```
//! DATASET is a CSV directory, a triples file (with its mapping) or an FtM file. Prints one
//! JSON object: the import's wall time, the growth of the resident set from before the import
//! to after it (`VmRSS`, what `bench/compare.py` calls memory), the peak (`VmHWM`), and the
//! graph's own account of its bytes ([`dossier::store::Graph::memory`]), each also per
//! relation.

use dossier::import::{self, ImportSource, Mapping, Silent};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dataset, rest @ ..] = args.as_slice() else {
        return Err("usage: import_memory DATASET [MAPPING.toml]".into());
    };
    let mapping = match rest.first() {
        Some(path) => Mapping::load(&PathBuf::from(path)).map_err(|e| e.to_string())?,
        None => Mapping::default(),
    };
    let base_kib = status_kib("VmRSS:");
    let started = Instant::now();
    let source = ImportSource::at(&PathBuf::from(dataset), None).map_err(|e| e.to_string())?;
    let (graph, _) =
        import::load_with_imports(None, &[source], &mapping, &Silent).map_err(|e| e.to_string())?;
    let load_s = started.elapsed().as_secs_f64();
    let peak_kib = status_kib("VmHWM:");
    let resident_kib = status_kib("VmRSS:");
    let memory = graph.memory();
    let search = graph.search_bytes();
    // Every quote read once, as an export reads them: the best of three passes (or of
    // QUOTE_PASSES, for a profile of the reads).
    let passes = std::env::var("QUOTE_PASSES").map_or(3, |p| p.parse().unwrap_or(3));
    let mut read_quotes_s = f64::MAX;
    let mut quote_bytes = 0;
    for _ in 0..passes {
        let started = Instant::now();
        quote_bytes = 0;
        for e in graph.all_relations() {
            for c in graph.relation(e).citations() {
                quote_bytes += c.quote().len();
            }
        }
        read_quotes_s = read_quotes_s.min(started.elapsed().as_secs_f64());
    }
    // Every quote read once as an owned string, as the GraphQL `quote` field returns it.
    let mut owned_quotes_s = f64::MAX;
    for _ in 0..passes {
        let started = Instant::now();
        let mut bytes = 0;
        for e in graph.all_relations() {
            for c in graph.relation(e).citations() {
                bytes += std::hint::black_box(String::from(c.quote())).len();
            }
        }
        assert_eq!(bytes, quote_bytes);
        owned_quotes_s = owned_quotes_s.min(started.elapsed().as_secs_f64());
    }
    // EXPORT=csv,node-link: the whole graph written in each format, the best of two.
    let mut exports = serde_json::Map::new();
    for name in std::env::var("EXPORT").unwrap_or_default().split(',') {
        let Ok(format) = dossier::export::Format::parse(name.trim()) else {
            continue;
        };
        let view = dossier::export::View::whole(&graph);
        let mut best = f64::MAX;
        let mut bytes = 0;
        for _ in 0..2 {
            let started = Instant::now();
            bytes = dossier::export::export(&graph, &view, format).len();
            best = best.min(started.elapsed().as_secs_f64());
        }
        exports.insert(
            format!("export_{}_s", name.trim()),
            json!((best * 1000.0).round() / 1000.0),
        );
        exports.insert(format!("export_{}_bytes", name.trim()), json!(bytes));
    }
    let total = memory.total() + search;
    let relations = graph.relation_count().max(1) as f64;
    let growth = resident_kib.saturating_sub(base_kib) * 1024;
    let per = |bytes: usize| (bytes as f64 / relations * 10.0).round() / 10.0;
    let out = json!({
        "entities": graph.entity_count(),
        "relations": graph.relation_count(),
        "load_s": (load_s * 100.0).round() / 100.0,
        "resident_growth_mib": growth / (1 << 20),
        "peak_mib": peak_kib / 1024,
        "graph_mib": total / (1 << 20),
        "read_quotes_s": (read_quotes_s * 1000.0).round() / 1000.0,
        "quote_bytes_read": quote_bytes,
        "read_quotes_owned_s": (owned_quotes_s * 1000.0).round() / 1000.0,
        "exports": exports,
        "per_relation": {
            "resident_growth": per(growth),
            "graph": per(total),
            "graph_without_quotes": per(total - memory.quotes - memory.templates),
            "quotes": per(memory.quotes),
            "templates": per(memory.templates),
            "structure": per(memory.structure),
            "text": per(memory.text),
            "search": per(search),
        },
    });
    println!("{out}");
    Ok(())
}

/// A line of /proc/self/status in KiB (`VmHWM:` the peak resident set, `VmRSS:` the current
/// one); 0 where unknown.
fn status_kib(key: &str) -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}
