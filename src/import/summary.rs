//! What an import added, as `dossier import` prints it.

use std::fmt;

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Files read.
    pub files: usize,
    /// Documents added (those of the files, and one for each file that is cited as a source).
    pub documents: usize,
    /// Entities added.
    pub entities: usize,
    /// Relations added.
    pub relations: usize,
    /// Of those, relations outside the vocabulary, kept as `RELATED` with their own label.
    pub related: usize,
    /// Of those, relations whose mapped kind did not allow their ends' entity kinds, so they
    /// fell back to `RELATED` with their label.
    pub fallbacks: usize,
    /// FtM entities of schemata dossier does not hold (a `Vessel`, a `Sanction`), and the links
    /// that touch them, left out.
    pub skipped: usize,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} files, {} documents, {} entities, {} relations ({} RELATED, {} of them fallbacks from a mapped kind)",
            self.files, self.documents, self.entities, self.relations, self.related, self.fallbacks
        )?;
        if self.skipped > 0 {
            write!(f, ", {} FtM entities and links skipped", self.skipped)?;
        }
        Ok(())
    }
}
