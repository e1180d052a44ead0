//! Why a write was refused. Nothing of a refused write is kept or shown.

use crate::journal::JournalError;
use crate::store::StoreError;

/// Why a write was refused.
#[derive(Debug, thiserror::Error)]
pub enum CurateError {
    /// The request itself is wrong: a field empty, too long or contradictory.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The request names something that does not exist.
    #[error("{field}: no {what} `{id}`")]
    NotFound {
        /// The field at fault.
        field: &'static str,
        /// "entity", "relation", "change".
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// The result would break a rule of the graph (the rules of `dossier check`), or the
    /// change expected something that changed since (a revert of a later-edited record).
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Rejected(Vec<StoreError>),
    /// The journal could not keep the change: it was not applied.
    #[error("the change could not be recorded: {0}")]
    Journal(#[from] JournalError),
    /// Writes are not configured (no state directory).
    #[error("this server is read-only: start it with --state and --write-tokens to take writes")]
    ReadOnly,
}

impl CurateError {
    /// An invalid field.
    pub fn invalid(field: &'static str, message: String) -> CurateError {
        CurateError::Invalid { field, message }
    }

    /// An unknown id.
    pub fn not_found(field: &'static str, what: &'static str, id: impl ToString) -> CurateError {
        CurateError::NotFound {
            field,
            what,
            id: id.to_string(),
        }
    }

    /// The field at fault, when one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CurateError::Invalid { field, .. } | CurateError::NotFound { field, .. } => Some(field),
            CurateError::Rejected(errors) => errors.first().and_then(StoreError::field),
            _ => None,
        }
    }

    /// Whether the change expected something that changed since.
    pub fn is_conflict(&self) -> bool {
        matches!(self, CurateError::Rejected(e) if e.iter().any(|e| matches!(e, StoreError::Conflict { .. })))
    }
}
