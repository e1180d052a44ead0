//! `dossier check`: validates a data directory without serving it.

use crate::config::CheckArgs;
use crate::load::{self, LoadErrors};

/// Runs `dossier check`, printing a one-line summary when the data is valid. The errors are
/// every problem found, each as `file:line:column: field: message`.
pub fn run(args: &CheckArgs) -> Result<(), LoadErrors> {
    let (_, s) = load::load_dir(&args.dir)?;
    println!(
        "{}: ok — {} files, {} documents, {} entities, {} relations",
        args.dir.display(),
        s.files,
        s.documents,
        s.entities,
        s.relations
    );
    Ok(())
}
