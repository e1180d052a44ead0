//! Structural results kept with the graph version they were computed on, for analyses that a
//! deadline can stop.

use crate::store::deadline::Expired;
use crate::store::lens::Within;
use once_cell::sync::OnceCell;
use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// How many results one graph version keeps (as the analytics cache: scopes with entity lists
/// are open-ended, so past this many, results are computed and returned but not kept).
const MAX_KEPT: usize = 256;

/// What was computed, on which (normalised) part of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Brokers(Within),
    Bridges(Within),
    Cycles(Within),
}

type Value = Arc<dyn Any + Send + Sync>;

/// Structural results of one graph version, by [`Key`].
///
/// Why `once_cell`'s `OnceCell` rather than std's `OnceLock`: a computation here can fail (its
/// deadline passes), and `OnceCell::get_or_try_init` leaves the slot empty when it does, so a
/// stopped search caches nothing and the next caller computes afresh; std has no stable
/// fallible init. As in the analytics cache, the map's `Mutex` is held only to find or add a
/// slot, and concurrent callers for one key wait for one computation.
///
/// Cloning gives an **empty** set of slots: a clone is the start of the next version.
#[derive(Default)]
pub(crate) struct Slots {
    slots: Mutex<HashMap<Key, Arc<OnceCell<Value>>>>,
}

impl Slots {
    /// The value under `key`, computed by `compute` if it is not there yet; an `Expired`
    /// computation keeps nothing. `T` must be the same for every call with the same kind of key.
    pub(crate) fn get_or_try_compute<T: Any + Send + Sync>(
        &self,
        key: Key,
        compute: impl FnOnce() -> Result<T, Expired>,
    ) -> Result<Arc<T>, Expired> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            match slots.get(&key) {
                Some(slot) => Arc::clone(slot),
                None if slots.len() >= MAX_KEPT => return compute().map(Arc::new),
                None => Arc::clone(slots.entry(key).or_default()),
            }
        };
        let value =
            slot.get_or_try_init(|| -> Result<Value, Expired> { Ok(Arc::new(compute()?)) })?;
        Ok(Arc::clone(value)
            .downcast::<T>()
            .expect("each kind of key holds one type"))
    }

    /// Whether a value is kept under `key`.
    #[cfg(test)]
    pub(crate) fn holds(&self, key: &Key) -> bool {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .is_some_and(|s| s.get().is_some())
    }
}

impl Clone for Slots {
    fn clone(&self) -> Slots {
        Slots::default()
    }
}

impl fmt::Debug for Slots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("Slots").field("entries", &n).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_computation_keeps_nothing_and_the_next_call_computes() {
        let slots = Slots::default();
        let key = Key::Bridges(Within::all());
        assert_eq!(
            slots.get_or_try_compute::<u32>(key.clone(), || Err(Expired)),
            Err(Expired)
        );
        assert!(!slots.holds(&key));
        let a = slots.get_or_try_compute(key.clone(), || Ok(7u32)).unwrap();
        let b = slots.get_or_try_compute(key.clone(), || Ok(8u32)).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(slots.holds(&key));
    }
}
