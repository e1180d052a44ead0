//! The deadline a view checks as an algorithm walks it.

use super::*;

/// A deadline that a view checks as an algorithm walks it, for algorithms (petgraph's) that
/// cannot be told to stop: once the deadline has passed, every neighbour and edge iterator
/// the view starts is empty, so the algorithm runs out of graph and ends within O(V) more
/// steps; its answer is then incomplete and [`Watch::finish`] says so.
///
/// Checks the clock once every 1024 iterators started.
#[derive(Debug)]
pub struct Watch {
    deadline: Deadline,
    count: Cell<u32>,
    expired: Cell<bool>,
}

impl Watch {
    const EVERY: u32 = 1024;

    /// A watch over `deadline`.
    pub fn new(deadline: Deadline) -> Watch {
        Watch {
            deadline,
            count: Cell::new(0),
            expired: Cell::new(false),
        }
    }

    /// Counts one step; false once the deadline has been seen passed (and from then on).
    #[inline]
    pub fn tick(&self) -> bool {
        if self.expired.get() {
            return false;
        }
        let c = self.count.get() + 1;
        if c >= Self::EVERY {
            self.count.set(0);
            if self.deadline.expired() {
                self.expired.set(true);
                return false;
            }
        } else {
            self.count.set(c);
        }
        true
    }

    /// `Err(Expired)` if the watch cut a walk short: whatever was computed through the view
    /// is incomplete and must be dropped. A deadline passed after the work ended is no error.
    pub fn finish(&self) -> Result<(), Expired> {
        if self.expired.get() {
            Err(Expired)
        } else {
            Ok(())
        }
    }
}
