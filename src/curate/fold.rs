//! Folding in the background: a write adds to the current version's layers (see
//! `store::layered`) and costs what it adds; once the layers pass a size, a thread lays the
//! version out anew ([`Graph::folded`]) while readers and writers go on. The writes made
//! meanwhile are kept, made again over the folded version under the writer's lock, and the
//! result is published in place of the current version: the same graph and the same version
//! number, read as fast as a loaded one, with what was removed left out and the rest numbered
//! afresh (writes name records by id, so the numbers are the version's own).

use crate::store::{Edit, Store, Version};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// How many writes made during a fold are made again over it holding the writer's lock (the
/// others before, while writes go on).
const CATCH_UP_LOCKED: usize = 16;

/// The layer size ([`Graph::layer_size`](crate::store::Graph::layer_size)) past which a write starts a fold.
pub const FOLD_AT: usize = 1024;

/// Lowers the calling thread's scheduling priority as far as it goes (nice 19), so that the
/// fold's layout takes what the readers and the writer leave of its core: on a machine of two
/// cores the writes taken during a 10-second fold otherwise wait for it.
fn yield_to_others() {
    #[cfg(target_os = "linux")]
    // SAFETY: `setpriority` takes plain integers and changes nothing but a nice value; with
    // `who` 0 Linux applies it to the calling thread alone (nice values are per thread there).
    // A refusal leaves the priority as it was, which is harmless.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

/// The state of the background fold, shared by the writer and the folding thread.
#[derive(Debug, Default)]
pub(super) struct Folding {
    /// A fold is running.
    running: bool,
    /// The edits of the writes made since the running fold's version, in order.
    pending: Vec<Vec<Edit>>,
    /// Bumped by every reload: a fold of a version from before one is not published.
    generation: u64,
    /// The layer size that starts a fold.
    at: usize,
    /// Folds published so far.
    done: u64,
}

fn locked<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The writer's side of the background fold.
#[derive(Debug, Clone)]
pub(super) struct Folder {
    state: Arc<Mutex<Folding>>,
}

impl Folder {
    /// A folder that starts a fold past `at` ([`FOLD_AT`] by default).
    pub(super) fn new(at: usize) -> Folder {
        Folder {
            state: Arc::new(Mutex::new(Folding {
                at,
                ..Folding::default()
            })),
        }
    }

    /// Sets the layer size that starts a fold.
    pub(super) fn set_at(&self, at: usize) {
        locked(&self.state).at = at;
    }

    /// How many folds were published.
    pub(super) fn done(&self) -> u64 {
        locked(&self.state).done
    }

    /// Whether a fold is running.
    pub(super) fn running(&self) -> bool {
        locked(&self.state).running
    }

    /// Called by the writer, holding `writing`, after it published `current`, made by
    /// `edits`: keeps the edits for a running fold, or starts one when `current`'s layers
    /// are past the size.
    pub(super) fn written(
        &self,
        current: &Arc<Version>,
        edits: &[Edit],
        store: &Store,
        writing: &Arc<Mutex<()>>,
    ) {
        let mut state = locked(&self.state);
        if state.running {
            state.pending.push(edits.to_vec());
            return;
        }
        if current.layer_size() < state.at.max(1) {
            return;
        }
        state.running = true;
        state.pending.clear();
        let generation = state.generation;
        drop(state);
        let (folder, source, store, writing) = (
            self.clone(),
            current.clone(),
            store.clone(),
            writing.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("dossier-fold".into())
            .spawn(move || folder.fold(source, generation, &store, &writing));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not start a fold; the layers stay");
            locked(&self.state).running = false;
        }
    }

    /// Called by the writer, holding `writing`, when it publishes a version made afresh (a
    /// reload): a running fold's result no longer applies.
    pub(super) fn reloaded(&self) {
        let mut state = locked(&self.state);
        state.generation += 1;
        state.pending.clear();
    }

    /// Lays `source` out anew on this one thread (the other cores stay with readers and the
    /// writer), makes the writes made meanwhile again over it — most without the writer's
    /// lock, the last few holding it — and publishes it in place of the current version.
    fn fold(&self, source: Arc<Version>, generation: u64, store: &Store, writing: &Mutex<()>) {
        let started = Instant::now();
        let layer = source.layer_size();
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "dossier-fold".into())
            .start_handler(|_| yield_to_others())
            .build();
        let mut folded = match &one_thread {
            Ok(pool) => pool.install(|| source.folded()),
            Err(_) => source.folded(),
        };
        drop(source);
        let laid_out = started.elapsed();
        let mut caught_up = 0;
        // Catch up without the writer's lock while writes keep coming.
        loop {
            let batch = {
                let mut state = locked(&self.state);
                if state.generation != generation {
                    state.running = false;
                    tracing::info!("a fold was dropped: the graph was reloaded meanwhile");
                    return;
                }
                if state.pending.len() <= CATCH_UP_LOCKED {
                    break;
                }
                std::mem::take(&mut state.pending)
            };
            caught_up += batch.len();
            if !self.make_again(&mut folded, &batch) {
                return;
            }
        }
        let _one_at_a_time = locked(writing);
        let rest = {
            let mut state = locked(&self.state);
            if state.generation != generation {
                state.running = false;
                tracing::info!("a fold was dropped: the graph was reloaded meanwhile");
                return;
            }
            std::mem::take(&mut state.pending)
        };
        if !self.make_again(&mut folded, &rest) {
            return;
        }
        let mut state = locked(&self.state);
        state.running = false;
        if !store.publish_layout(folded) {
            tracing::warn!("a fold was dropped: the current version moved on without it");
            return;
        }
        state.done += 1;
        tracing::info!(
            layer,
            writes_since = caught_up + rest.len(),
            laid_out_ms = laid_out.as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "folded the recent writes into a new layout"
        );
    }

    /// Makes `batch` again over `folded`; on a refusal (which a write already taken cannot
    /// meet, short of a bug) drops the fold, logged, and says so.
    fn make_again(&self, folded: &mut Version, batch: &[Vec<Edit>]) -> bool {
        for edits in batch {
            match folded.apply(edits) {
                Ok(next) => *folded = next,
                Err(problems) => {
                    locked(&self.state).running = false;
                    tracing::warn!(
                        problem = %problems.first().map(ToString::to_string).unwrap_or_default(),
                        "a fold was dropped: a write made since did not apply over it"
                    );
                    return false;
                }
            }
        }
        true
    }
}
