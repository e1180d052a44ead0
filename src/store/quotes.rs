//! Quotes stored as templates: a quote in which the names of the relation's two ends (and
//! its date, as `Date` writes it) occur verbatim is kept as the rest of its text and where
//! those values go, so that quotes of one shape ("{from} defended {to} on {date}.") share one
//! stored text, and a quote shared by no other still leaves out its names' bytes.
//!
//! Which names: the ones the relation's ends had when its quotes were made templates. The
//! quote's citation keeps where those names are in the text arena (`Graph::quote_names`; an
//! entity's name is stored after its length, `Text::push_name`), and the arena is only ever
//! appended to, so a rename (which stores the new name elsewhere) leaves the quote as it was
//! cited; a relation moved to other ends (a merge, an update) is taken apart as text and
//! stored again against its new ends. So the values a template is filled with never change
//! for the citation they belong to, and decoding is a concatenation. Reading one reads the
//! citation's two places and the two names there, not the ends' records.
//!
//! [`encode`] finds the values on rayon's pool while relations are resolved; the builder
//! interns what it finds (`GraphBuilder::citation`); [`decode`] puts a quote back
//! together. Exact by construction: the text between the values is kept byte for byte, and
//! each value is the very string that was found there (the proptests check it on quotes
//! built to trip it).

/// Where the values of a template go: up to [`MAX_HOLES`] holes, 16 bits each from the low
/// end, each the value's kind ([`FROM`], [`TO`], [`DATE`]; 0 for no hole) in its top two
/// bits and the byte offset in the template's text where it goes in the other fourteen.
/// Offsets never decrease. 0: no hole (a quote stored as text).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) struct Holes(u64);

/// The value a hole is filled with: the name of the relation's `from` end.
pub(super) const FROM: u8 = 1;
/// The name of the relation's `to` end.
pub(super) const TO: u8 = 2;
/// The relation's date as [`crate::model::Date`] writes it (`2023-09-22`, `2023-09`, `2023`).
pub(super) const DATE: u8 = 3;

/// The most holes a template has; values found after them stay in its text.
pub(super) const MAX_HOLES: usize = 4;

/// The longest text a template keeps (hole offsets are 14 bits).
pub(super) const MAX_TEXT: usize = (1 << 14) - 1;

/// The fewest bytes the values must take out of a quote for it to be stored as a template: a
/// template's record (text span and holes) takes 16, so even a template no other quote shares
/// costs no more than the quote's text would.
pub(super) const MIN_SAVED: usize = 16;

impl Holes {
    /// No hole.
    pub(super) const NONE: Holes = Holes(0);

    /// Whether there is none.
    pub(super) fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The holes in order: each value's kind and the offset in the text where it goes.
    pub(super) fn iter(self) -> impl Iterator<Item = (u8, usize)> {
        (0..MAX_HOLES)
            .map(move |i| (self.0 >> (16 * i)) as u16)
            .take_while(|&h| h != 0)
            .map(|h| ((h >> 14) as u8, usize::from(h & 0x3fff)))
    }

    /// As a number (for hashing and storing).
    pub(super) fn bits(self) -> u64 {
        self.0
    }
}

/// `quote` as a template of `values` (`[from's name, to's name, date]`; an empty value is
/// never looked for): the holes found, and `quote` made the template's text in place — or
/// `None`, `quote` untouched, when the values take fewer than [`MIN_SAVED`] bytes out of it or
/// its text would be longer than [`MAX_TEXT`].
///
/// Reads the quote from its start, taking at each step the earliest occurrence of any value
/// (the longest of those starting there, then the first value), until [`MAX_HOLES`] are
/// found. O(quote × values) at most.
pub(super) fn encode(quote: &mut String, values: [&str; 3]) -> Option<Holes> {
    if quote.len() > 4 * MAX_TEXT {
        return None;
    }
    // Where each value occurs next at or after `at` (`usize::MAX`: nowhere).
    let mut next = [0usize; 3];
    // Bytes, not `str::find`: a valid UTF-8 needle found in valid UTF-8 starts and ends on
    // character boundaries. Each place of the needle's first byte (`memchr`, a few vector
    // compares for a quote) is compared whole: in a sentence a name's first byte is rare,
    // where building `str::find`'s searcher took a third of the time a relation was resolved
    // in.
    let find = |v: &str, from: usize| -> usize { find_from(quote.as_bytes(), v.as_bytes(), from) };
    for (i, v) in values.iter().enumerate() {
        next[i] = find(v, 0);
    }
    let mut found: [(u8, usize, usize); MAX_HOLES] = [(0, 0, 0); MAX_HOLES];
    let mut n = 0;
    while n < MAX_HOLES {
        let mut best: Option<usize> = None;
        for i in 0..3 {
            if next[i] == usize::MAX {
                continue;
            }
            best = match best {
                Some(b)
                    if next[b] < next[i]
                        || (next[b] == next[i] && values[b].len() >= values[i].len()) =>
                {
                    Some(b)
                }
                _ => Some(i),
            };
        }
        let Some(b) = best else { break };
        let start = next[b];
        let at = start + values[b].len();
        found[n] = ([FROM, TO, DATE][b], start, at);
        n += 1;
        for i in 0..3 {
            if next[i] != usize::MAX && next[i] < at {
                next[i] = find(values[i], at);
            }
        }
    }
    let saved: usize = found[..n].iter().map(|&(_, s, e)| e - s).sum();
    if saved < MIN_SAVED || quote.len() - saved > MAX_TEXT {
        return None;
    }
    let mut holes = 0u64;
    let mut removed = 0;
    for (i, &(kind, start, end)) in found[..n].iter().enumerate() {
        let offset = (start - removed) as u64;
        holes |= (u64::from(kind) << 14 | offset) << (16 * i);
        removed += end - start;
    }
    for &(_, start, end) in found[..n].iter().rev() {
        quote.replace_range(start..end, "");
    }
    Some(Holes(holes))
}

/// Where `needle` occurs first in `haystack` at or after `from`; `usize::MAX` where it does
/// not, or when it is empty.
fn find_from(haystack: &[u8], needle: &[u8], from: usize) -> usize {
    let Some((&first, rest)) = needle.split_first() else {
        return usize::MAX;
    };
    let mut at = from;
    while let Some(i) = haystack.get(at..).and_then(|h| memchr::memchr(first, h)) {
        let start = at + i;
        if haystack.get(start + 1..start + needle.len()) == Some(rest) {
            return start;
        }
        at = start + 1;
    }
    usize::MAX
}

/// The quote of template `text` with `holes`, each hole filled with its value in `values`
/// (`[from's name, to's name, date]`, what [`encode`] was given). O(quote), one allocation of
/// the quote's exact length.
pub(super) fn decode(text: &str, holes: Holes, values: [&str; 3]) -> String {
    fill(
        text,
        holes,
        [values[0], values[1]],
        |out| out.push_str(values[2]),
        values[2].len(),
    )
}

/// [`decode`] as a graph reads a quote: the names given, the date appended by `date` (which
/// appends `date_len` bytes, what [`encode`] was given as the date). One allocation.
#[inline]
pub(super) fn fill(
    text: &str,
    holes: Holes,
    names: [&str; 2],
    date: impl Fn(&mut String),
    date_len: usize,
) -> String {
    let len_of = |kind: u8| match kind {
        FROM => names[0].len(),
        TO => names[1].len(),
        _ => date_len,
    };
    let len = text.len() + holes.iter().map(|(kind, _)| len_of(kind)).sum::<usize>();
    let mut out = String::with_capacity(len);
    let mut at = 0;
    for (kind, offset) in holes.iter() {
        out.push_str(&text[at..offset]);
        match kind {
            FROM => out.push_str(names[0]),
            TO => out.push_str(names[1]),
            _ => date(&mut out),
        }
        at = offset;
    }
    out.push_str(&text[at..]);
    debug_assert_eq!(out.len(), len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip(quote: &str, values: [&str; 3]) -> Option<(String, Holes)> {
        let mut text = quote.to_string();
        let holes = encode(&mut text, values);
        match holes {
            None => assert_eq!(text, quote, "left untouched when not a template"),
            Some(h) => assert_eq!(decode(&text, h, values), quote),
        }
        holes.map(|h| (text, h))
    }

    #[test]
    fn a_generated_quote_becomes_its_shape() {
        let values = ["Rashad Dadali", "Diga District Court", "2020-03-28"];
        let quote = "Rashad Dadali defended Diga District Court on 2020-03-28.";
        let (text, holes) = round_trip(quote, values).expect("a template");
        assert_eq!(text, " defended  on .");
        let holes: Vec<_> = holes.iter().collect();
        assert_eq!(holes, [(FROM, 0), (TO, 10), (DATE, 14)]);
        // Another relation of the same shape has the same template.
        let other = ["Aysel Mammadova", "Baku Court", "2021"];
        let mut q = "Aysel Mammadova defended Baku Court on 2021.".to_string();
        let h = encode(&mut q, other).expect("a template");
        assert_eq!((q.as_str(), h.iter().count()), (" defended  on .", 3));
    }

    #[test]
    fn find_from_finds_the_first_occurrence_at_or_after_a_place() {
        let hay = "abcab abcabd 2020-03-28".as_bytes();
        assert_eq!(find_from(hay, b"ab", 0), 0);
        assert_eq!(find_from(hay, b"ab", 1), 3);
        assert_eq!(find_from(hay, b"abcabd", 0), 6);
        assert_eq!(find_from(hay, b"2020-03-28", 0), 13);
        assert_eq!(find_from(hay, b"2020-03-28", 14), usize::MAX);
        assert_eq!(find_from(hay, b"28x", 0), usize::MAX);
        assert_eq!(find_from(hay, b"", 0), usize::MAX);
        assert_eq!(find_from(hay, b"a", hay.len()), usize::MAX);
        assert_eq!(find_from(hay, b"a", hay.len() + 5), usize::MAX);
    }

    #[test]
    fn a_quote_saving_too_little_stays_text() {
        assert_eq!(round_trip("Ali met Veli.", ["Ali", "Veli", ""]), None);
        assert_eq!(
            round_trip("Nobody is named here.", ["Ali", "Veli", "2020"]),
            None
        );
        assert_eq!(round_trip("", ["", "", ""]), None);
    }

    #[test]
    fn names_twice_prefixes_and_overlaps_come_back_exact() {
        let cases: &[(&str, [&str; 3])] = &[
            (
                "Gubad Ibadoglu and Gubad Ibadoglu again, Gubad Ibadoglu.",
                ["Gubad Ibadoglu", "x", ""],
            ),
            (
                "Baku District Court of Baku tried Baku District Court.",
                ["Baku", "Baku District Court", ""],
            ),
            (
                "Ilham Aliyev Ilham Aliyev Ilham Aliyev",
                ["Ilham Aliyev", "Ilham Aliyev", ""],
            ),
            ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ["aaaaaaaa", "aaaaa", "aa"]),
            (
                "Ибадоглу арестован Ибадоглу 2023-09-22",
                ["Ибадоглу", "арестован", "2023-09-22"],
            ),
            (
                "Əliyev və Əliyevа {from} \u{0}\u{1} görüşdü",
                ["Əliyev", "{from}", "\u{0}\u{1}"],
            ),
        ];
        for (quote, values) in cases {
            assert!(round_trip(quote, *values).is_some(), "{quote}");
        }
    }

    #[test]
    fn at_most_four_holes_the_rest_stays_text() {
        let quote =
            "Vladimir Putin, Vladimir Putin, Vladimir Putin, Vladimir Putin, Vladimir Putin.";
        let (text, holes) = round_trip(quote, ["Vladimir Putin", "", ""]).expect("a template");
        assert_eq!(holes.iter().count(), MAX_HOLES);
        assert_eq!(text, ", , , , Vladimir Putin.");
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Ali".to_string()),
            Just("Ali Veli".to_string()),
            Just("Əliyev".to_string()),
            Just("Ибадоглу".to_string()),
            Just("2023-09".to_string()),
            Just("{from}".to_string()),
            Just("\u{0}".to_string()),
            Just(" ".to_string()),
            "[a-zA-Zəüö ИБА\u{0}-\u{3}{}]{0,6}",
        ]
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("Ali".to_string()),
            Just("Ali Veli".to_string()),
            Just("Veli".to_string()),
            Just("Əliyev".to_string()),
            Just("Ибадоглу".to_string()),
            Just("2023-09".to_string()),
            Just("{from}".to_string()),
            "[a-zA-Zəü ИБА\u{0}{}]{1,8}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn every_quote_comes_back_byte_for_byte(
            pieces in proptest::collection::vec(piece(), 0..16),
            from in value(),
            to in value(),
            date in value(),
        ) {
            let quote: String = pieces.concat();
            let values = [from.as_str(), to.as_str(), date.as_str()];
            let mut text = quote.clone();
            match encode(&mut text, values) {
                None => prop_assert_eq!(&text, &quote),
                Some(holes) => {
                    prop_assert!(text.len() + MIN_SAVED <= quote.len());
                    prop_assert_eq!(decode(&text, holes, values), quote);
                }
            }
        }
    }
}
