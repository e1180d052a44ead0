//! Load errors: each names the file, line, column and field at fault.

use std::fmt;
use std::path::PathBuf;

/// One problem in a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file, as given (relative to the working directory when the data directory was).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The field at fault (`relation.from`), or the table (`relation`), or `file`.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.field,
            self.message
        )
    }
}

impl LoadError {
    /// The field of the note [`LoadError::stopped`] makes.
    pub const STOPPED: &'static str = "stopped";

    /// The note that ends a list cut at `max` errors: reading stopped at `file:line`, after
    /// `lines` lines (or CSV records) in all, so later lines were not checked. It is the last
    /// entry of its [`LoadErrors`] and is not counted as an error.
    pub fn stopped(file: PathBuf, line: usize, max: usize, lines: usize) -> LoadError {
        LoadError {
            file,
            line,
            column: 1,
            field: Self::STOPPED.into(),
            message: format!(
                "reading stopped at this line, the {max}th error, after {lines} line{} read in all; \
                 the lines after it were not checked",
                if lines == 1 { "" } else { "s" }
            ),
        }
    }

    /// Whether this is the note of [`LoadError::stopped`] rather than an error.
    pub fn is_stopped_note(&self) -> bool {
        self.field == Self::STOPPED
    }
}

/// Every problem found in a data directory; when there is any, nothing is loaded. An import
/// that stopped at its most errors ends the list with a [`LoadError::stopped`] note.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        let n = self.0.iter().filter(|e| !e.is_stopped_note()).count();
        let stopped = self.0.last().is_some_and(LoadError::is_stopped_note);
        write!(
            f,
            "{n} error{} found{}; nothing was loaded",
            if n == 1 { "" } else { "s" },
            if stopped {
                " before reading stopped (there may be more)"
            } else {
                ""
            }
        )
    }
}

/// Turns byte offsets into 1-based line and column numbers for one file's text.
#[derive(Debug)]
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// (line, column) of a byte offset; columns count characters.
    pub(crate) fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line + 1, column)
    }
}
