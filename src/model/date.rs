//! Partial dates: a year, a month or a day.

use std::fmt;

/// A calendar date known to year, month or day precision (`2023`, `2023-09`, `2023-09-22`).
///
/// Ordering sorts by the earliest day the date can mean, and a coarser date before a finer one
/// that starts on the same day (`2023-09` < `2023-09-01` < `2023-09-02`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a date: {reason} (expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2023-09-22)")]
pub struct DateError {
    /// The text given.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking month lengths and leap years.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let err = |reason| DateError {
            text: text.to_string(),
            reason,
        };
        let mut parts = text.split('-');
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let year = parts.next().unwrap_or_default();
        if !digits(year, 4) {
            return Err(err("the year must have four digits"));
        }
        let year: i32 = year.parse().map_err(|_| err("bad year"))?;
        let month = match parts.next() {
            None => 0,
            Some(m) if digits(m, 2) => m.parse().map_err(|_| err("bad month"))?,
            Some(_) => return Err(err("the month must have two digits")),
        };
        if month > 12 || (month == 0 && text.len() > 4) {
            return Err(err("the month must be 01 to 12"));
        }
        let day = match parts.next() {
            None => 0,
            Some(d) if digits(d, 2) => d.parse().map_err(|_| err("bad day"))?,
            Some(_) => return Err(err("the day must have two digits")),
        };
        if parts.next().is_some() {
            return Err(err("too many parts"));
        }
        if text.len() > 7 && (day == 0 || day > days_in_month(year, month)) {
            return Err(err("no such day in that month"));
        }
        Ok(Date { year, month, day })
    }

    /// A day-precision date. Panics if the day does not exist.
    pub fn ymd(year: i32, month: u8, day: u8) -> Date {
        assert!((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month));
        Date { year, month, day }
    }

    /// The date in 32 bits, never 0 (so 0 can mean "no date" in compact records), ordered like
    /// the dates. `None` for years outside ±4,194,303, which no record needs.
    pub fn to_bits(self) -> Option<u32> {
        let year = u32::try_from(i64::from(self.year) + (1 << 22))
            .ok()
            .filter(|&y| y > 0 && y < (1 << 23))?;
        Some(year << 9 | u32::from(self.month) << 5 | u32::from(self.day))
    }

    /// The date of [`Date::to_bits`]; `None` for 0.
    pub fn from_bits(bits: u32) -> Option<Date> {
        (bits != 0).then(|| Date {
            year: (i64::from(bits >> 9) - (1 << 22)) as i32,
            month: ((bits >> 5) & 0xf) as u8,
            day: (bits & 0x1f) as u8,
        })
    }

    /// Whether the date is known to the day (not only to the month or the year).
    pub fn is_day(self) -> bool {
        self.day > 0
    }

    /// The first day this date can mean, as (year, month, day).
    pub fn first_day(self) -> (i32, u8, u8) {
        (self.year, self.month.max(1), self.day.max(1))
    }

    /// The last day this date can mean, as (year, month, day).
    pub fn last_day(self) -> (i32, u8, u8) {
        let month = if self.month == 0 { 12 } else { self.month };
        let day = if self.day == 0 {
            days_in_month(self.year, month)
        } else {
            self.day
        };
        (self.year, month, day)
    }

    /// Whether the period this date means overlaps `[since, until]` (either bound optional,
    /// each bound taken at its own precision: `until: 2023-09` includes 30 September).
    pub fn overlaps(self, end: Option<Date>, since: Option<Date>, until: Option<Date>) -> bool {
        let last = end.unwrap_or(self).last_day();
        since.is_none_or(|s| last >= s.first_day())
            && until.is_none_or(|u| self.first_day() <= u.last_day())
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// "00" to "99", for [`Date::push_to`].
const TWO_DIGITS: &str = "0001020304050607080910111213141516171819\
                          2021222324252627282930313233343536373839\
                          4041424344454647484950515253545556575859\
                          6061626364656667686970717273747576777879\
                          8081828384858687888990919293949596979899";

/// A date as [`Display`](fmt::Display) writes it, held on the stack ([`Date::written`]).
#[derive(Debug, Clone, Copy)]
pub struct WrittenDate {
    bytes: [u8; 24],
    len: u8,
}

impl WrittenDate {
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and `-` are written.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Write for WrittenDate {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let at = usize::from(self.len);
        let end = at + s.len();
        self.bytes
            .get_mut(at..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end as u8;
        Ok(())
    }
}

impl Date {
    /// How many bytes [`Date::push_to`] appends. O(1).
    #[inline]
    pub fn written_len(self) -> usize {
        match u32::try_from(self.year) {
            Ok(y) if y <= 9999 => {
                4 + if self.month > 0 { 3 } else { 0 } + if self.day > 0 { 3 } else { 0 }
            }
            _ => self.written().len.into(),
        }
    }

    /// Appends the date as [`Display`](fmt::Display) writes it (what [`Date::written`]
    /// holds), character by character: what a quote kept as a template is filled with as it
    /// is read (`store::quotes`).
    #[inline]
    pub fn push_to(self, out: &mut String) {
        // Two digits a `push_str` of a constant length, which compiles to a move.
        let two = |n: u32| {
            let at = 2 * (n % 100) as usize;
            &TWO_DIGITS[at..at + 2]
        };
        match u32::try_from(self.year) {
            Ok(y) if y <= 9999 => {
                out.push_str(two(y / 100));
                out.push_str(two(y));
            }
            _ => {
                use fmt::Write;
                let _ = write!(out, "{:04}", self.year);
            }
        }
        if self.month > 0 {
            out.push('-');
            out.push_str(two(self.month.into()));
        }
        if self.day > 0 {
            out.push('-');
            out.push_str(two(self.day.into()));
        }
    }

    /// The date as [`Display`](fmt::Display) writes it (`2023-09-22`, `2023-09`, `2023`),
    /// without an allocation, nor the formatting machinery for the years of four digits: what
    /// a quote kept as a template is filled with (`store::quotes`).
    #[inline]
    pub fn written(self) -> WrittenDate {
        let mut out = WrittenDate {
            bytes: [0; 24],
            len: 0,
        };
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let mut at = match u32::try_from(self.year) {
            Ok(y) if y <= 9999 => {
                out.bytes[..4].copy_from_slice(&[
                    digit(y / 1000),
                    digit(y / 100),
                    digit(y / 10),
                    digit(y),
                ]);
                4
            }
            _ => {
                use fmt::Write;
                // At most 11 characters (an i32 and its sign).
                let _ = write!(out, "{:04}", self.year);
                usize::from(out.len)
            }
        };
        if self.month > 0 {
            let m = u32::from(self.month);
            out.bytes[at..at + 3].copy_from_slice(&[b'-', digit(m / 10), digit(m)]);
            at += 3;
        }
        if self.day > 0 {
            let d = u32::from(self.day);
            out.bytes[at..at + 3].copy_from_slice(&[b'-', digit(d / 10), digit(d)]);
            at += 3;
        }
        out.len = at as u8;
        out
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if self.month > 0 {
            write!(f, "-{:02}", self.month)?;
        }
        if self.day > 0 {
            write!(f, "-{:02}", self.day)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_is_what_display_writes() {
        let mut dates = vec![
            Date::ymd(2023, 9, 22),
            Date::ymd(1, 1, 1),
            Date::ymd(9999, 12, 31),
        ];
        for year in [-40_000, -1, 0, 7, 999, 2024, 10_000, 4_000_000] {
            for month in [0, 1, 9, 12] {
                for day in [0, 1, 28] {
                    let day = if month == 0 { 0 } else { day };
                    dates.push(Date { year, month, day });
                }
            }
        }
        dates.push(Date {
            year: i32::MIN,
            month: 12,
            day: 31,
        });
        for d in dates {
            let shown = d.to_string();
            assert_eq!(d.written().as_str(), shown);
            let mut pushed = String::from("x");
            d.push_to(&mut pushed);
            assert_eq!(pushed, format!("x{shown}"));
            assert_eq!(d.written_len(), shown.len());
        }
    }

    #[test]
    fn bits_round_trip_and_keep_the_order() {
        let dates: Vec<Date> = [
            "0001",
            "1999-12",
            "2023",
            "2023-09",
            "2023-09-01",
            "2023-09-22",
            "9999-12-31",
        ]
        .iter()
        .map(|t| Date::parse(t).unwrap())
        .collect();
        for w in dates.windows(2) {
            assert!(w[0] < w[1]);
            assert!(w[0].to_bits().unwrap() < w[1].to_bits().unwrap());
        }
        for d in dates {
            let bits = d.to_bits().unwrap();
            assert_ne!(bits, 0);
            assert_eq!(Date::from_bits(bits), Some(d));
        }
        assert_eq!(Date::from_bits(0), None);
        assert_eq!(
            Date::ymd(-5, 1, 1).to_bits().map(Date::from_bits),
            Some(Some(Date::ymd(-5, 1, 1)))
        );
    }

    #[test]
    fn the_three_precisions_parse_and_print_back() {
        for text in ["2023", "2023-09", "2023-09-22", "2024-02-29"] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn malformed_dates_are_refused_with_a_reason() {
        for bad in [
            "",
            "23",
            "2023-9",
            "2023-13",
            "2023-00",
            "2023-02-29",
            "2023-09-31",
            "2023-09-22-1",
            "22/09/2023",
            "2023-09-",
        ] {
            let err = Date::parse(bad).unwrap_err();
            assert!(err.to_string().contains("expected YYYY"), "{bad}: {err}");
        }
    }

    #[test]
    fn coarse_dates_sort_before_the_days_they_contain_and_overlap_ranges() {
        let month = Date::parse("2023-09").unwrap();
        let day = Date::parse("2023-09-20").unwrap();
        assert!(month < day);
        let since = Date::parse("2023-09-21").ok();
        assert!(month.overlaps(None, since, None));
        assert!(!day.overlaps(None, since, None));
        assert!(day.overlaps(Date::parse("2023-09-21").ok(), since, None));
        assert!(day.overlaps(None, None, Date::parse("2023-09").ok()));
    }
}
