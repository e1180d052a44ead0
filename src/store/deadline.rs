//! Deadlines for long, CPU-bound work: a search checks one every so many steps and stops with
//! [`Expired`] rather than holding a thread past its request's time.

use std::time::{Duration, Instant};

/// When long work must stop. The default never expires.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deadline(Option<Instant>);

/// The error of work stopped by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the work was stopped at its deadline")]
pub struct Expired;

impl Deadline {
    /// A deadline that never expires.
    pub fn none() -> Deadline {
        Deadline(None)
    }

    /// A deadline `budget` from now.
    pub fn after(budget: Duration) -> Deadline {
        Deadline(Instant::now().checked_add(budget))
    }

    /// Whether the deadline has passed. Costs a clock read.
    pub fn expired(&self) -> bool {
        self.0.is_some_and(|t| Instant::now() >= t)
    }

    /// `Err(Expired)` once the deadline has passed.
    pub fn check(&self) -> Result<(), Expired> {
        if self.expired() {
            Err(Expired)
        } else {
            Ok(())
        }
    }
}

/// Checks a deadline every `EVERY` ticks, so hot loops pay for the clock rarely.
#[derive(Debug)]
pub struct Ticker {
    deadline: Deadline,
    count: u32,
}

impl Ticker {
    const EVERY: u32 = 1024;

    /// A ticker for `deadline`.
    pub fn new(deadline: Deadline) -> Ticker {
        Ticker { deadline, count: 0 }
    }

    /// Counts one step; every 1024 steps, fails if the deadline has passed.
    pub fn tick(&mut self) -> Result<(), Expired> {
        self.count += 1;
        if self.count >= Self::EVERY {
            self.count = 0;
            self.deadline.check()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_past_deadline_stops_a_ticker_within_a_thousand_steps() {
        let mut t = Ticker::new(Deadline::after(Duration::ZERO));
        let steps = (0..5000).position(|_| t.tick().is_err());
        assert!(steps.is_some_and(|s| s < 1024));
        let mut never = Ticker::new(Deadline::none());
        assert!((0..5000).all(|_| never.tick().is_ok()));
    }
}
