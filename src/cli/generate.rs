//! `dossier generate`: writes a synthetic graph as the import CSV tables.

use crate::config::GenerateArgs;
use crate::generate::{self, Spec};
use std::path::PathBuf;
use std::time::Instant;

/// Why the tables could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}", path.display())]
pub struct GenerateError {
    /// The output directory.
    pub path: PathBuf,
    /// The cause.
    #[source]
    pub source: std::io::Error,
}

/// Runs `dossier generate`, saying on standard output what it wrote.
pub fn run(args: &GenerateArgs) -> Result<(), GenerateError> {
    let started = Instant::now();
    let spec = Spec {
        entities: args.entities,
        relations: args.relations,
        seed: args.seed,
    };
    let w = generate::generate(&spec, &args.output).map_err(|source| GenerateError {
        path: args.output.clone(),
        source,
    })?;
    println!(
        "wrote {}: {} documents, {} entities, {} relations, {:.1} MiB in {:.2} s",
        args.output.display(),
        w.documents,
        w.entities,
        w.relations,
        w.bytes as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
