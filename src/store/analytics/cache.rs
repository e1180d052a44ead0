//! Results kept with the graph version they were computed on.

use super::{Measure, Scope, Stopped, Work};
use crate::store::as_of::AsOf;
use crate::store::lens::Within;
use once_cell::sync::OnceCell;
use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// How many results one graph version keeps. Scopes with entity lists are open-ended; past this
/// many entries, new results are computed and returned but not kept, so a client sweeping
/// through scopes cannot grow a version's memory without bound.
const MAX_CACHED_RESULTS: usize = 256;

/// How many as-of days one graph version keeps results for. A client stepping through the
/// calendar asks for a new day each time; past this many days, the results of the day asked
/// for longest ago are dropped to make room, so the days kept are the recent ones and results
/// without a day (the whole graph, the common case) are never pushed out by them.
const MAX_CACHED_DAYS: usize = 16;

/// What was computed: the measure, its parameters and its (normalised) scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Key {
    Ranking(Measure, Scope),
    Betweenness(Scope),
    Communities(Scope),
    Components(Scope),
    Brokers(Within),
    Bridges(Within),
    Cycles(Within),
}

impl Key {
    /// The as-of day of the key's scope, if it has one.
    fn as_of(&self) -> Option<AsOf> {
        match self {
            Key::Ranking(_, s) | Key::Betweenness(s) | Key::Communities(s) | Key::Components(s) => {
                s.as_of
            }
            Key::Brokers(w) | Key::Bridges(w) | Key::Cycles(w) => w.scope.as_of,
        }
    }
}

/// A computed value, shared with every caller.
type Value = Arc<dyn Any + Send + Sync>;

/// Analytics results of one graph version, by [`Key`].
///
/// Why a lock here: a version is immutable and shared between queries through an `Arc`, and the
/// cache is the one thing that fills in afterwards. The map's `Mutex` is held only to find or
/// add a slot, never while computing; each slot is a `OnceCell`, so concurrent callers for the
/// same key wait for one computation instead of repeating it, while other keys go ahead. A
/// computation stopped by its deadline leaves its slot empty (`OnceCell::get_or_try_init`,
/// which std's `OnceLock` has no stable form of): the next caller computes afresh.
///
/// Never shared between versions: each [`Version`](crate::store::Version) starts with an
/// empty one, so results of one version never leak into the next.
///
/// Results scoped to an as-of day are kept for at most [`MAX_CACHED_DAYS`] days, the least
/// recently asked-for day's results dropped first (a caller still holding one of its slots
/// finishes with it; it is simply no longer found).
#[derive(Default)]
pub(crate) struct Cache {
    slots: Mutex<Slots>,
}

/// The cache's map, and the as-of days it holds results for.
#[derive(Default)]
struct Slots {
    map: HashMap<Key, Arc<OnceCell<Value>>>,
    /// The days with results kept, the least recently asked for first.
    days: Vec<AsOf>,
}

impl Slots {
    /// Marks `day` as just asked for, dropping the results of the least recently asked-for
    /// day if that makes more than [`MAX_CACHED_DAYS`]. O(days + entries) at worst.
    fn touch(&mut self, day: AsOf) {
        if let Some(i) = self.days.iter().position(|&d| d == day) {
            let d = self.days.remove(i);
            self.days.push(d);
            return;
        }
        if self.days.len() >= MAX_CACHED_DAYS {
            let oldest = self.days.remove(0);
            self.map.retain(|k, _| k.as_of() != Some(oldest));
        }
        self.days.push(day);
    }
}

impl Cache {
    /// The value under `key`, computed by `compute` if it is not there yet. The type `T` must be
    /// the same for every call with the same kind of key.
    ///
    /// A value not yet there counts as one analysis of `work`'s allowance (refused with
    /// [`Stopped::TooManyAnalyses`] past it), and `compute` is given `work`'s deadline: if it
    /// stops, nothing is kept.
    pub(super) fn get_or_compute<T: Any + Send + Sync>(
        &self,
        key: Key,
        work: &Work,
        compute: impl FnOnce() -> Result<T, Stopped>,
    ) -> Result<Arc<T>, Stopped> {
        let slot = {
            // The map stays consistent even if a holder panicked: it is only ever inserted into.
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(day) = key.as_of() {
                slots.touch(day);
            }
            match slots.map.get(&key) {
                Some(slot) => Arc::clone(slot),
                None if slots.map.len() >= MAX_CACHED_RESULTS => {
                    drop(slots);
                    work.admit()?;
                    return Ok(Arc::new(compute()?));
                }
                None => Arc::clone(slots.map.entry(key).or_default()),
            }
        };
        let value = match slot.get() {
            Some(value) => value,
            None => slot.get_or_try_init(|| -> Result<Value, Stopped> {
                work.admit()?;
                Ok(Arc::new(compute()?))
            })?,
        };
        Ok(Arc::clone(value)
            .downcast::<T>()
            .expect("each kind of cache key holds one type"))
    }

    fn len(&self) -> usize {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .map
            .len()
    }
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache")
            .field("entries", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_cache_still_answers_but_keeps_nothing_new() {
        let cache = Cache::default();
        for i in 0..MAX_CACHED_RESULTS {
            let nodes = Some(vec![crate::store::Node::new(i)]);
            let scope = Scope {
                nodes,
                ..Scope::default()
            };
            cache
                .get_or_compute(Key::Components(scope), &Work::unlimited(), || Ok(i))
                .unwrap();
        }
        let key = Key::Components(Scope::default());
        let work = Work::unlimited();
        let a = cache
            .get_or_compute(key.clone(), &work, || Ok(7usize))
            .unwrap();
        let b = cache.get_or_compute(key, &work, || Ok(7usize)).unwrap();
        assert_eq!((*a, *b), (7, 7));
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(cache.len(), MAX_CACHED_RESULTS);
    }

    fn on(day: u8) -> Scope {
        let date = crate::model::Date::ymd(2023, 9, day);
        Scope {
            as_of: Some(AsOf::new(date, true).unwrap()),
            ..Scope::default()
        }
    }

    #[test]
    fn results_are_kept_for_a_bounded_number_of_days_the_least_recently_asked_for_dropped_first() {
        let cache = Cache::default();
        let work = Work::unlimited();
        let whole = Key::Components(Scope::default());
        let kept = cache
            .get_or_compute(whole.clone(), &work, || Ok(0usize))
            .unwrap();
        // Day 1 and day 2, then day 1 again: day 2 is now the least recently asked for.
        let day1 = cache
            .get_or_compute(Key::Components(on(1)), &work, || Ok(1usize))
            .unwrap();
        cache
            .get_or_compute(Key::Ranking(Measure::Degree, on(2)), &work, || Ok(2usize))
            .unwrap();
        cache
            .get_or_compute(Key::Components(on(1)), &work, || Ok(1usize))
            .unwrap();
        // As many more days as the cache keeps in all: day 2 goes, then day 1.
        for day in 3..(3 + MAX_CACHED_DAYS as u8 - 1) {
            cache
                .get_or_compute(Key::Components(on(day)), &work, || Ok(day as usize))
                .unwrap();
        }
        assert_eq!(cache.len(), 1 + MAX_CACHED_DAYS);
        let again = cache
            .get_or_compute(Key::Components(on(1)), &work, || Ok(1usize))
            .unwrap();
        assert!(Arc::ptr_eq(&day1, &again), "day 1 was asked for recently");
        let refused = Work::new(crate::store::Deadline::none(), 0);
        assert!(
            cache
                .get_or_compute(Key::Ranking(Measure::Degree, on(2)), &refused, || Ok(
                    2usize
                ))
                .is_err(),
            "day 2's result was dropped: it would be computed afresh"
        );
        cache
            .get_or_compute(Key::Components(on(30)), &work, || Ok(30usize))
            .unwrap();
        let days = cache.slots.lock().unwrap().days.len();
        assert_eq!(days, MAX_CACHED_DAYS);
        assert!(cache.len() <= 1 + MAX_CACHED_DAYS);
        // The result without a day is never pushed out by days.
        let same = cache
            .get_or_compute(whole, &refused, || Ok(9usize))
            .unwrap();
        assert!(Arc::ptr_eq(&kept, &same));
    }

    #[test]
    fn a_stopped_computation_keeps_nothing_and_the_next_caller_computes() {
        let cache = Cache::default();
        let key = Key::Components(Scope::default());
        let work = Work::unlimited();
        let stopped =
            cache.get_or_compute(key.clone(), &work, || Err::<usize, _>(Stopped::Expired));
        assert_eq!(stopped.unwrap_err(), Stopped::Expired);
        let again = cache.get_or_compute(key, &work, || Ok(3usize)).unwrap();
        assert_eq!(*again, 3);
    }

    #[test]
    fn only_computed_values_count_against_the_allowance() {
        let cache = Cache::default();
        let work = Work::new(crate::store::Deadline::none(), 1);
        let key = |n| {
            Key::Components(Scope {
                nodes: Some(vec![crate::store::Node::new(n)]),
                ..Scope::default()
            })
        };
        cache.get_or_compute(key(0), &work, || Ok(0usize)).unwrap();
        // A hit is free.
        cache.get_or_compute(key(0), &work, || Ok(0usize)).unwrap();
        let refused = cache.get_or_compute(key(1), &work, || Ok(1usize));
        assert_eq!(refused.unwrap_err(), Stopped::TooManyAnalyses { limit: 1 });
    }
}
