//! What one request may spend on analyses ([`Work`]), and why an analysis stopped
//! ([`Stopped`]).

use crate::store::deadline::{Deadline, Expired};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one request may spend on analyses: a deadline, and how many analyses not yet cached
/// it may compute. Shared by the analyses of one query, which may run at the same time.
#[derive(Debug)]
pub struct Work {
    /// When every analysis of the request must stop.
    pub deadline: Deadline,
    /// The most analyses the request may compute.
    limit: usize,
    /// How many it has started.
    started: AtomicUsize,
}

impl Work {
    /// An allowance of `limit` analyses, each stopped at `deadline`.
    pub fn new(deadline: Deadline, limit: usize) -> Work {
        Work {
            deadline,
            limit,
            started: AtomicUsize::new(0),
        }
    }

    /// No deadline and no limit (for tools and tests).
    pub fn unlimited() -> Work {
        Work::new(Deadline::none(), usize::MAX)
    }

    /// Counts one more analysis, or refuses it past the limit.
    pub(super) fn admit(&self) -> Result<(), Stopped> {
        let before = self.started.fetch_add(1, Ordering::Relaxed);
        if before >= self.limit {
            return Err(Stopped::TooManyAnalyses { limit: self.limit });
        }
        self.deadline.check()?;
        Ok(())
    }
}

/// Why an analysis did not answer. Nothing is cached for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Stopped {
    /// The request's deadline passed.
    #[error("the analysis was stopped at the request's deadline")]
    Expired,
    /// The request asked for more analyses than it may compute.
    #[error("the query asks for more than {limit} analyses that are not cached yet")]
    TooManyAnalyses {
        /// The most analyses one request may compute.
        limit: usize,
    },
}

impl From<Expired> for Stopped {
    fn from(_: Expired) -> Stopped {
        Stopped::Expired
    }
}
