//! The domain model: what dossier knows about, with no I/O and no transport.
//!
//! Values here are valid by construction: ids, dates and kinds are parsed once, at the edge
//! (data files, GraphQL arguments), and carried as types afterwards.

mod date;
mod id;
mod kind;
mod record;
mod serde;
mod vocabulary;

pub use date::{Date, DateError, WrittenDate};
pub use id::{Id, IdError};
pub use kind::{ClaimStatus, EntityKind, UnknownName};
pub use record::{AttributeValue, Attributes, Citation, Document, Entity, Relation};
pub(crate) use vocabulary::relation_kinds;
pub use vocabulary::{RelationKind, RelationSpec, UnknownRelationKind};
