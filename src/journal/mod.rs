//! The journal: every acknowledged change, in order, durable before it is acknowledged.
//!
//! The graph is rebuilt at start from the data files and then the journal's entries, so the
//! journal is the one place a curator's work lives. It sits behind the small [`Journal`]
//! interface (append, read since a position, find, snapshot), so that another store (a
//! PostgreSQL journal followed by read replicas) can be added without touching the graph or
//! the resolvers. [`Sqlite`] is the one kept on this machine: SQLite through rusqlite, in
//! WAL mode with `synchronous=FULL`.
//!
//! # Layout
//! - `entry.rs`: [`Entry`] and [`NewEntry`], what one change records;
//! - `sqlite.rs`: [`Sqlite`], the journal in a SQLite database in the state directory;
//! - `kept.rs`: the datasets `dossier import` keeps in the same database;
//! - `kept_start/`: starting from them, their rows read in chunks and checked on the pool;
//! - `in_order.rs`: work on the pool with the results handed over in order;
//! - `compact.rs`: the journal folded into its net effect.

mod compact;
mod entry;
mod in_order;
mod kept;
mod kept_start;
mod sqlite;

pub use entry::{rfc3339, Entry, NewEntry};
pub use kept::{KeptError, KeptImport};
pub use sqlite::{Sqlite, FILE};

use std::path::Path;

/// Why the journal could not do what was asked. Nothing was acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The database refused or failed.
    #[error("the journal at {path}: {source}")]
    Database {
        /// The database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// An entry could not be read back.
    #[error("the journal at {path}: entry {seq} cannot be read: {message}")]
    Corrupt {
        /// The database file.
        path: String,
        /// The entry.
        seq: u64,
        /// Why.
        message: String,
    },
    /// The state directory could not be made.
    #[error("the state directory {path}: {source}")]
    Directory {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// What to list from the journal (see [`Journal::list`]).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only changes that touch this entity.
    pub entity: Option<String>,
    /// Only changes recorded at or after this time (microseconds since the Unix epoch).
    pub since_us: Option<i64>,
    /// Only changes recorded at or before this time (microseconds since the Unix epoch).
    pub until_us: Option<i64>,
    /// Only changes after this position.
    pub after: Option<u64>,
    /// At most this many.
    pub first: usize,
}

/// Where acknowledged changes are kept. One writer appends; readers list.
pub trait Journal: Send {
    /// Makes `entry` durable and gives it its position and time. When this returns `Ok`, the
    /// change survives a crash of the process or the machine; when it fails, nothing of it
    /// was kept.
    fn append(&mut self, entry: NewEntry) -> Result<Entry, JournalError>;

    /// Every entry after position `after`, in order (`0`: from the first).
    fn since(&self, after: u64) -> Result<Vec<Entry>, JournalError>;

    /// The entry at position `seq`.
    fn get(&self, seq: u64) -> Result<Option<Entry>, JournalError>;

    /// The entry recorded with this idempotency key.
    fn find_key(&self, key: &str) -> Result<Option<Entry>, JournalError>;

    /// Entries matching `filter`, in order, and whether more follow.
    fn list(&self, filter: &Filter) -> Result<(Vec<Entry>, bool), JournalError>;

    /// The position of the last entry (0 when empty).
    fn last(&self) -> Result<u64, JournalError>;

    /// A consistent copy of the whole journal in `to`, taken while it is in use.
    fn snapshot(&self, to: &Path) -> Result<(), JournalError>;

    /// `graph` with the datasets kept in this state (`dossier import`) added; a journal that
    /// keeps none returns it as it was.
    fn with_kept(&self, graph: crate::store::Graph) -> Result<crate::store::Graph, KeptError> {
        Ok(graph)
    }
}
