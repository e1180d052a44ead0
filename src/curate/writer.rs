//! The one writer: check → commit → apply → acknowledge, one change at a time.
//!
//! A change is turned into edits against the current version, applied off to the side (the
//! builder checks every rule), written to the journal (durable when `append` returns), and
//! only then published. If any step fails, nothing was published and nothing acknowledged;
//! readers keep the version they hold and never wait for the writer.

use super::error::CurateError;
use super::fold::{Folder, FOLD_AT};
use super::operations::{self, Operation};
use crate::journal::{Entry, Filter, Journal, NewEntry};
use crate::store::{inverse, net, Store, Version};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;

/// The longest idempotency key, in bytes.
pub const MAX_KEY: usize = 200;

/// How many changes a slow subscriber may fall behind before it is told it missed some.
const FEED: usize = 1024;

/// What a write did.
#[derive(Debug, Clone)]
pub struct Written {
    /// The journal entry, or `None` when the change changed nothing (nothing was recorded).
    pub entry: Option<Arc<Entry>>,
    /// The version after it (the current one for a repeat or a no-op).
    pub graph: Arc<Version>,
    /// Whether this was a retry of a change already made with the same idempotency key.
    pub repeated: bool,
}

/// The one writer of a store, and the journal behind it.
pub struct Curator {
    store: Store,
    journal: Mutex<Box<dyn Journal>>,
    /// Held from check to publish, so changes apply one at a time.
    writing: Arc<Mutex<()>>,
    /// Folds the current version's layers in the background (see [`super::fold`]).
    folder: Folder,
    feed: broadcast::Sender<Arc<Entry>>,
    /// Versions as recorded at earlier moments, most recent use last (see
    /// [`Curator::recorded_as_of`]): (current version, changes undone, the version).
    recorded: Mutex<Vec<(u64, u64, Arc<Version>)>>,
}

/// How many versions as recorded at earlier moments are kept.
const RECORDED_VERSIONS: usize = 4;

impl std::fmt::Debug for Curator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Curator")
            .field("store", &self.store)
            .finish()
    }
}

fn locked<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock left nothing half-done: the version is published in one
    // store and the journal commits in one transaction.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Curator {
    /// The writer of `store`, recording into `journal` (whose entries `store` already holds:
    /// see [`super::replay`]).
    pub fn new(store: Store, journal: Box<dyn Journal>) -> Curator {
        Curator {
            store,
            journal: Mutex::new(journal),
            writing: Arc::new(Mutex::new(())),
            folder: Folder::new(FOLD_AT),
            feed: broadcast::channel(FEED).0,
            recorded: Mutex::new(Vec::new()),
        }
    }

    /// The store written to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Starts a background fold once the current version's layers hold `at` records (see
    /// `curate::fold`; [`FOLD_AT`] by default).
    pub fn fold_at(self, at: usize) -> Curator {
        self.folder.set_at(at);
        self
    }

    /// How many background folds were published, and whether one is running.
    pub fn folds(&self) -> (u64, bool) {
        (self.folder.done(), self.folder.running())
    }

    /// Makes one change for `author` (a write token's name). With an idempotency `key` seen
    /// before, makes nothing and answers as the first time. Blocks on the journal's commit:
    /// call it off the async runtime.
    pub fn write(
        &self,
        author: &str,
        key: Option<&str>,
        op: Operation,
    ) -> Result<Written, CurateError> {
        if let Some(k) = key {
            if k.is_empty() || k.len() > MAX_KEY {
                return Err(CurateError::invalid(
                    "idempotencyKey",
                    format!("must be 1 to {MAX_KEY} bytes"),
                ));
            }
        }
        let _one_at_a_time = locked(&self.writing);
        if let Some(k) = key {
            if let Some(entry) = locked(&self.journal).find_key(k)? {
                return Ok(Written {
                    entry: Some(Arc::new(entry)),
                    graph: self.store.snapshot(),
                    repeated: true,
                });
            }
        }
        let graph = self.store.snapshot();
        let (edits, reverts) = match op {
            Operation::Revert(seq) => {
                let entry = locked(&self.journal)
                    .get(seq)?
                    .ok_or_else(|| CurateError::not_found("change", "change", seq))?;
                (inverse(&entry.edits), Some(seq))
            }
            ref op => (operations::edits(&graph, op)?, None),
        };
        if edits.is_empty() {
            return Ok(Written {
                entry: None,
                graph,
                repeated: false,
            });
        }
        let next = graph.apply(&edits).map_err(CurateError::Rejected)?;
        let entry = locked(&self.journal).append(NewEntry {
            author: author.to_owned(),
            operation: op.name().to_owned(),
            key: key.map(str::to_owned),
            reverts,
            edits,
        })?;
        self.store.replace(next);
        let published = self.store.snapshot();
        self.folder
            .written(&published, &entry.edits, &self.store, &self.writing);
        let entry = Arc::new(entry);
        // No subscriber is not an error.
        let _ = self.feed.send(entry.clone());
        Ok(Written {
            entry: Some(entry),
            graph: self.store.snapshot(),
            repeated: false,
        })
    }

    /// Publishes a version made by `make` from the journal (a reload: the data read again and
    /// the journal replayed over it), with no write running meanwhile.
    pub fn rebuild<T, E>(
        &self,
        make: impl FnOnce(&dyn Journal) -> Result<(Version, T), E>,
    ) -> Result<T, E> {
        let _one_at_a_time = locked(&self.writing);
        let (graph, out) = {
            let journal = locked(&self.journal);
            make(&**journal)?
        };
        self.folder.reloaded();
        self.store.replace(graph);
        Ok(out)
    }

    /// The graph as the journal held it at `at_us` (microseconds since the Unix epoch): the
    /// current version with every change recorded after that moment undone, so an answer can
    /// be reproduced after later corrections. The last few are kept. O(V + E) for one not kept.
    /// Refused (a conflict) when the changes after it no longer undo over the current graph
    /// (the data files changed under the journal).
    pub fn recorded_as_of(&self, at_us: i64) -> Result<Arc<Version>, CurateError> {
        let _one_at_a_time = locked(&self.writing);
        let current = self.store.snapshot();
        let later: Vec<Entry> = locked(&self.journal)
            .since(0)?
            .into_iter()
            .filter(|e| e.at_us > at_us)
            .collect();
        if later.is_empty() {
            return Ok(current);
        }
        let key = (current.version(), later[0].seq);
        let mut kept = locked(&self.recorded);
        if let Some(i) = kept.iter().position(|(v, s, _)| (*v, *s) == key) {
            let hit = kept.remove(i);
            let graph = hit.2.clone();
            kept.push(hit);
            return Ok(graph);
        }
        let undo = inverse(&net(later.iter().map(|e| e.edits.as_slice())));
        let graph = Arc::new(current.apply(&undo).map_err(CurateError::Rejected)?);
        if kept.len() == RECORDED_VERSIONS {
            kept.remove(0);
        }
        kept.push((key.0, key.1, graph.clone()));
        Ok(graph)
    }

    /// Changes matching `filter`, in order, and whether more follow.
    pub fn changes(&self, filter: &Filter) -> Result<(Vec<Entry>, bool), CurateError> {
        Ok(locked(&self.journal).list(filter)?)
    }

    /// The change at position `seq`.
    pub fn change(&self, seq: u64) -> Result<Option<Entry>, CurateError> {
        Ok(locked(&self.journal).get(seq)?)
    }

    /// Every change acknowledged from now on, as it is.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Entry>> {
        self.feed.subscribe()
    }

    /// A consistent copy of the journal in `to`, taken while serving.
    pub fn backup(&self, to: &Path) -> Result<(), CurateError> {
        Ok(locked(&self.journal).snapshot(to)?)
    }
}
