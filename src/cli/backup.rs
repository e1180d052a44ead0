//! `dossier backup FILE`: a consistent copy of a state's journal, taken while it is served;
//! `dossier compact`: the journal folded into its net effect.

use crate::config::BackupArgs;
use crate::journal::{self, Journal, JournalError};

/// Why no copy was made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// There is no journal in the state directory.
    #[error("no journal at {0}: nothing to back up (is --state right?)")]
    NoJournal(String),
    /// The copy exists already.
    #[error("{0} exists already: choose a new file, so no backup is overwritten")]
    Exists(String),
    /// The journal could not be read or the copy written.
    #[error(transparent)]
    Journal(#[from] JournalError),
}

/// Copies `<state>/journal.sqlite3` into `args.file`; returns how many changes it holds.
pub fn run(args: &BackupArgs) -> Result<u64, BackupError> {
    let source = args.state.join(journal::FILE);
    if !source.exists() {
        return Err(BackupError::NoJournal(source.display().to_string()));
    }
    if args.file.exists() {
        return Err(BackupError::Exists(args.file.display().to_string()));
    }
    let j = journal::Sqlite::open_file(&source)?;
    j.snapshot(&args.file)?;
    let copy = journal::Sqlite::open_file(&args.file)?;
    let n = copy.last()?;
    eprintln!(
        "backed up the journal (up to change {n}) to {}",
        args.file.display()
    );
    Ok(n)
}

/// Folds `<state>/journal.sqlite3` (see [`journal::Sqlite::compact`]); returns (changes
/// folded, edits kept).
pub fn compact(args: &crate::config::CompactArgs) -> Result<(usize, usize), BackupError> {
    let source = args.state.join(journal::FILE);
    if !source.exists() {
        return Err(BackupError::NoJournal(source.display().to_string()));
    }
    let (changes, edits) = journal::Sqlite::open_file(&source)?.compact()?;
    eprintln!("folded {changes} changes into one of {edits} edits");
    Ok((changes, edits))
}
