//! The graph as it stood on a day: which relations and events were in force then.
//!
//! # What "in force on day D" means
//! A **relation** is in force on D when it had begun by D and had not ended before D:
//! - *begun*: the first day its date can mean is on or before D. Partial dates get the benefit
//!   of the doubt, as date ranges do: a relation dated to the month (`2023-09`) has begun on
//!   every day from 1 September, its earliest possible day — so it counts as of `2023-09-20` —
//!   and one dated to the year (`2023`) from 1 January; `2023-09-21` from the 21st on.
//! - *not ended*: it has no end (`until`), or the last day its end can mean is on or after D
//!   (`until: 2023-09` holds through 30 September, `until: 2023-09-22` through the 22nd). A
//!   relation with a date and no end is an act whose consequence stands: an arrest on the 21st
//!   is part of the graph from the 21st on.
//! - *undated* (no date at all): counts when [`AsOf::undated`] says so — a standing fact such
//!   as who leads a government is usually recorded without a date.
//!
//! An **event** entity is in force by its `start` and `end` in the same way (an event that
//! starts after D, or ended before it, is not part of the graph as of D; one without a start
//! counts as undated); every other entity always is. A relation counts only when both its
//! ends are in force too, so the relations of an event not yet begun go with it.
//!
//! The day must be a full date: "as of September" could mean its first day or its last, and
//! the two answers differ, so a month or a year is refused ([`NotADay`]).

use super::graph::{Edge, Graph, Node};
use super::records::{EntityExtra, RelationRecord};
use crate::model::{Date, EntityKind};

/// A day to read the graph at, and whether what carries no date counts then. Plain data,
/// comparable and hashable: analyses are cached by it (see [`super::Scope::as_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AsOf {
    day: Date,
    undated: bool,
}

/// Why a date cannot be the day of an [`AsOf`]: it is a month or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a day: the graph is read as of one day (YYYY-MM-DD, e.g. 2023-09-20)")]
pub struct NotADay(pub Date);

impl AsOf {
    /// The graph as of `day`, with undated relations and events counted if `undated`. Refuses
    /// a month or a year. O(1).
    pub fn new(day: Date, undated: bool) -> Result<AsOf, NotADay> {
        if day.is_day() {
            Ok(AsOf { day, undated })
        } else {
            Err(NotADay(day))
        }
    }

    /// The day.
    pub fn day(self) -> Date {
        self.day
    }

    /// Whether relations and events without a date count.
    pub fn undated(self) -> bool {
        self.undated
    }

    /// Whether something that happened or began on `start` and ended on `end` (if it did) is in
    /// force on the day: begun by then (by the first day `start` can mean) and not ended before
    /// (by the last day `end` can mean). Without a start, whether undated things count (and,
    /// if it has an end, that it has not passed). O(1).
    #[inline]
    pub fn holds(self, start: Option<Date>, end: Option<Date>) -> bool {
        let day = self.day.first_day();
        let begun = match start {
            Some(s) => s.first_day() <= day,
            None => self.undated,
        };
        begun && end.is_none_or(|e| e.last_day() >= day)
    }
}

impl Graph {
    /// Whether `node` is in force as of the day: an event by its start and end, any other
    /// entity always. O(1).
    #[inline]
    pub fn entity_in_force(&self, node: Node, as_of: AsOf) -> bool {
        let record = &self.entities[node.index()];
        if record.kind != EntityKind::Event {
            return true;
        }
        let extra = self
            .entity_extras
            .get(record.extra as usize)
            .unwrap_or(EntityExtra::EMPTY);
        as_of.holds(extra.start, extra.end)
    }

    /// Whether relation `edge` is in force as of the day: its own date and end, and both its
    /// ends ([`Graph::entity_in_force`]). O(1) (a side-table lookup, O(log x), for a dated
    /// relation with a side-table entry).
    #[inline]
    pub fn relation_in_force(&self, edge: Edge, as_of: AsOf) -> bool {
        let e = edge.index() as u32;
        let (from, to) = self.endpoints(edge);
        self.relation_dates_hold(e, &self.relations[edge.index()], as_of)
            && self.entity_in_force(from, as_of)
            && (from == to || self.entity_in_force(to, as_of))
    }

    /// Whether the dates of relation `e` (its record `r`) hold as of the day, its ends aside.
    #[inline]
    pub(super) fn relation_dates_hold(&self, e: u32, r: &RelationRecord, as_of: AsOf) -> bool {
        let start = Date::from_bits(r.date);
        // Only a dated relation can have an end, and only one with a side-table entry.
        let end = match start {
            Some(_) => self.relation_extra(e, r).and_then(|x| x.until),
            None => None,
        };
        as_of.holds(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn on(day: &str) -> AsOf {
        AsOf::new(d(day), true).unwrap()
    }

    #[test]
    fn a_month_or_a_year_is_not_a_day() {
        assert_eq!(AsOf::new(d("2023-09"), true), Err(NotADay(d("2023-09"))));
        assert!(AsOf::new(d("2023"), false).is_err());
        assert!(AsOf::new(d("2023-09-20"), false).is_ok());
    }

    #[test]
    fn a_partial_date_has_begun_from_its_first_possible_day() {
        let month = Some(d("2023-09"));
        assert!(on("2023-09-01").holds(month, None));
        assert!(on("2023-09-20").holds(month, None));
        assert!(!on("2023-08-31").holds(month, None));
        assert!(on("2023-01-01").holds(Some(d("2023")), None));
        assert!(!on("2022-12-31").holds(Some(d("2023")), None));
    }

    #[test]
    fn a_day_counts_from_that_day_and_stands_without_an_end() {
        let day = Some(d("2023-09-21"));
        assert!(!on("2023-09-20").holds(day, None));
        assert!(on("2023-09-21").holds(day, None));
        assert!(on("2024-01-01").holds(day, None));
    }

    #[test]
    fn an_end_holds_through_its_last_possible_day() {
        let start = Some(d("2023-09-21"));
        assert!(on("2023-09-22").holds(start, Some(d("2023-09-22"))));
        assert!(!on("2023-09-23").holds(start, Some(d("2023-09-22"))));
        assert!(on("2023-09-30").holds(start, Some(d("2023-09"))));
        assert!(!on("2023-10-01").holds(start, Some(d("2023-09"))));
    }

    #[test]
    fn undated_things_count_only_when_asked() {
        assert!(on("2023-09-20").holds(None, None));
        let strict = AsOf::new(d("2023-09-20"), false).unwrap();
        assert!(!strict.holds(None, None));
        assert!(!on("2023-09-20").holds(None, Some(d("2023-09-19"))));
    }
}
