//! Why the store refuses a change.

use crate::model::{Date, EntityKind, RelationKind};

/// Why the store refused a change. Each variant names the field at fault, so loaders can point
/// at the exact place in their input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// An entity, relation or document with this id exists already.
    #[error("duplicate id `{id}`: {what} with this id is already defined")]
    Duplicate {
        /// "an entity", "a relation" or "a document".
        what: &'static str,
        /// The id.
        id: String,
    },
    /// A field names an entity or document that does not exist.
    #[error("unknown {what} `{id}`")]
    Unknown {
        /// The field at fault (`from`, `to`, `place`, `document`).
        field: &'static str,
        /// "entity" or "document".
        what: &'static str,
        /// The id.
        id: String,
    },
    /// The relation kind does not allow these entity kinds at its ends.
    #[error(
        "{kind} cannot go from {} to {} (it goes from {allowed_from} to {allowed_to})",
        from.with_article(),
        to.with_article()
    )]
    KindsNotAllowed {
        /// The relation kind.
        kind: RelationKind,
        /// The kind at the `from` end.
        from: EntityKind,
        /// The kind at the `to` end.
        to: EntityKind,
        /// The kinds allowed at `from`.
        allowed_from: String,
        /// The kinds allowed at `to`.
        allowed_to: String,
    },
    /// A relation has no citation.
    #[error("a relation needs at least one citation (a document and a verbatim quote from it)")]
    NoCitation,
    /// A citation's quote is empty.
    #[error("a citation's quote cannot be empty")]
    EmptyQuote,
    /// A field that must name a place names something else.
    #[error("`{id}` is {}, but an event's place must be a PLACE", kind.with_article())]
    NotAPlace {
        /// The id given.
        id: String,
        /// Its kind.
        kind: EntityKind,
    },
    /// A relation's period ends before it begins.
    #[error("the end ({until}) is before the date ({date})")]
    EndsBeforeItBegins {
        /// The date the relation begins.
        date: Date,
        /// The date it ends.
        until: Date,
    },
    /// A relation's period has an end but no beginning.
    #[error("an end date needs a start: give `date` too")]
    EndWithoutStart,
    /// A quote is not found word for word in its document's text.
    #[error("the quote is not verbatim in document `{document}`'s text: \"{quote}\"")]
    NotVerbatim {
        /// The document cited.
        document: String,
        /// The start of the quote.
        quote: String,
    },
    /// What a change expected to find is no longer there (someone changed it since).
    #[error("{what} `{id}` changed since: {message}")]
    Conflict {
        /// "entity", "relation", "document", …
        what: &'static str,
        /// Its id.
        id: String,
        /// What differs.
        message: String,
    },
    /// A field is empty or otherwise malformed.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl StoreError {
    /// The field a loader should point at for this error, if one field is at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            StoreError::Duplicate { .. } => Some("id"),
            StoreError::Unknown { field, .. } | StoreError::Invalid { field, .. } => Some(field),
            StoreError::KindsNotAllowed { .. } => Some("kind"),
            StoreError::NoCitation => None,
            StoreError::EmptyQuote | StoreError::NotVerbatim { .. } => Some("quote"),
            StoreError::Conflict { .. } => None,
            StoreError::NotAPlace { .. } => Some("place"),
            StoreError::EndsBeforeItBegins { .. } | StoreError::EndWithoutStart => Some("until"),
        }
    }
}
