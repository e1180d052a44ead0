//! How well one folded name matches a query: the tiers and their scores. Both the index and
//! the reference scan ([`super::Version::search_scan`]) score their candidates here, so they
//! cannot disagree on a score.

use super::MatchReason;
use strsim::normalized_damerau_levenshtein as similarity;

/// The lowest similarity (0..1) counted as a typo rather than a different word.
pub(super) const TYPO_SIMILARITY: f64 = 0.75;

/// The shortest query word (in characters of its folded form) matched as a typo.
pub(super) const TYPO_MIN_CHARS: usize = 4;

/// The shortest query word (in bytes of its loose form) matched as a word prefix.
pub(super) const PREFIX_MIN_BYTES: usize = 2;

/// Whether loose word `word` is close enough in spelling to the loose query word `query`.
/// O(len²).
pub(super) fn is_typo(query: &str, word: &str) -> bool {
    similarity(query, word) >= TYPO_SIMILARITY
}

/// A search query, folded once: the whole (folded and loose) and its words (folded, loose).
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub(super) folded: String,
    pub(super) loose: String,
    pub(super) words: Vec<(String, String)>,
    /// For each word, the characters of its loose form when it is long enough to be
    /// matched as a typo.
    pub(super) typo_chars: Vec<Option<usize>>,
}

impl SearchQuery {
    /// Folds `text`; `None` when nothing of it is searchable. O(query length).
    pub fn parse(text: &str) -> Option<SearchQuery> {
        let folded = super::fold(text);
        if folded.is_empty() {
            return None;
        }
        let loose = super::loose(&folded);
        let words = folded
            .split(' ')
            .map(|w| (w.to_string(), super::loose(w)))
            .collect::<Vec<_>>();
        let typo_chars = words
            .iter()
            .map(|(qf, ql)| (qf.chars().count() >= TYPO_MIN_CHARS).then(|| ql.chars().count()))
            .collect();
        Some(SearchQuery {
            folded,
            loose,
            words,
            typo_chars,
        })
    }

    /// How well `name` (an entity's name, or one of its aliases when `alias`), as written,
    /// matches this query, scored as [`super::Version::search`] scores the names it
    /// holds: for names outside the index, such as an overlay's. `None` when it does not
    /// match. O(name length + query words × name words × word length²).
    pub fn score_name(&self, name: &str, alias: bool) -> Option<(f64, MatchReason)> {
        let folded = super::fold(name);
        if folded.is_empty() {
            return None;
        }
        score(alias, &folded, &super::loose(&folded), self)
    }
}

/// Scores one name against the query; `None` when it does not match at all.
/// O(query words × name words × word length²).
pub(super) fn score(
    alias: bool,
    folded: &str,
    loose: &str,
    q: &SearchQuery,
) -> Option<(f64, MatchReason)> {
    // An alias scores a little below the name itself at every tier.
    let alias_factor = if alias { 0.97 } else { 1.0 };
    if folded == q.folded {
        let reason = if alias {
            MatchReason::Alias
        } else {
            MatchReason::Exact
        };
        return Some((if alias { 0.95 } else { 1.0 }, reason));
    }
    if loose == q.loose {
        return Some((0.9 * alias_factor, MatchReason::Transliteration));
    }
    // Word by word: each query word must find a word of the name.
    let mut total = 0.0;
    let mut worst = MatchReason::Words;
    // Which words of the name a query word took, as bits (a name's 65th word on is never
    // marked, which only lowers its coverage).
    let mut used = 0u64;
    for ((_, ql), &typo_chars) in q.words.iter().zip(&q.typo_chars) {
        let mut best: Option<(f64, MatchReason, usize)> = None;
        for (i, wl) in loose.split(' ').enumerate() {
            let candidate = if wl == ql {
                Some((1.0, MatchReason::Words))
            } else if ql.len() >= PREFIX_MIN_BYTES && wl.starts_with(ql.as_str()) {
                Some((0.85, MatchReason::Prefix))
            } else if let Some(n) = typo_chars {
                typo_similarity(ql, n, wl).map(|s| (0.8 * s, MatchReason::Fuzzy))
            } else {
                None
            };
            if let Some((s, r)) = candidate {
                if best.is_none_or(|(b, _, _)| s > b) {
                    best = Some((s, r, i));
                }
            }
        }
        let (s, r, i) = best?;
        if i < 64 {
            used |= 1 << i;
        }
        total += s;
        worst = worst.max(r);
    }
    if total > 0.0 {
        let word_score = total / q.words.len() as f64;
        let coverage = f64::from(used.count_ones()) / loose.split(' ').count() as f64;
        return Some((
            0.8 * word_score * (0.7 + 0.3 * coverage) * alias_factor,
            worst,
        ));
    }
    None
}

/// The best score a name of `m` words (at least `m`, for the last bucket: `open`) could reach
/// when the query word `i` of `q`'s best match in it scores at most `most[i]` (1 for the
/// same word, 0.85 for a word it begins, 0.8 × similarity for a typo). Computed with the
/// same arithmetic as [`score`] on values at least as large, so it is at least the score of
/// every such name, to the last bit (rounding is monotonic). O(query words).
pub(super) fn bound(most: &[f64], m: usize, open: bool) -> f64 {
    let k = most.len();
    // The exact and transliteration tiers: every query word is a word of the name, in
    // order, and the name has no other.
    if (m == k || (open && k >= m)) && most.iter().all(|&s| s == 1.0) {
        return 1.0;
    }
    let mut total = 0.0;
    for &s in most {
        total += s;
    }
    let word_score = total / k as f64;
    // At most min(k, m) of the name's words are taken, of at least `m`.
    let coverage = k.min(m) as f64 / m as f64;
    0.8 * word_score * (0.7 + 0.3 * coverage) * 1.0
}

/// The similarity of loose words `ql` (of `n` characters) and `wl` when it reaches the typo
/// threshold, without computing their distance when their lengths or letters alone rule it
/// out: the distance is at least the difference of their lengths and at least their bag
/// distance. O(len) when ruled out, O(len²) otherwise.
fn typo_similarity(ql: &str, n: usize, wl: &str) -> Option<f64> {
    let m = wl.chars().count();
    let longest = n.max(m) as f64;
    // As the similarity is computed, from a distance at least the true one.
    let ruled_out = |d: usize| 1.0 - (d as f64) / longest < TYPO_SIMILARITY;
    if ruled_out(n.abs_diff(m)) || bag_distance(ql, wl).is_some_and(ruled_out) {
        return None;
    }
    let s = similarity(ql, wl);
    (s >= TYPO_SIMILARITY).then_some(s)
}

/// The bag distance of two ASCII words — the larger of the letters one has and the other
/// lacks, counted with repeats — which is at most their Damerau–Levenshtein distance (an edit
/// changes it by at most one, a transposition not at all); `None` unless both are ASCII.
/// O(len).
fn bag_distance(a: &str, b: &str) -> Option<usize> {
    if !a.is_ascii() || !b.is_ascii() {
        return None;
    }
    let mut counts = [0i16; 128];
    for c in a.bytes() {
        counts[c as usize] += 1;
    }
    for c in b.bytes() {
        counts[c as usize] -= 1;
    }
    let (mut more, mut fewer) = (0usize, 0usize);
    for c in counts {
        if c > 0 {
            more += c as usize;
        } else {
            fewer += c.unsigned_abs() as usize;
        }
    }
    Some(more.max(fewer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bag_distance_never_exceeds_the_edit_distance() {
        assert_eq!(bag_distance("ibadoglu", "ibadolgu"), Some(0));
        assert_eq!(bag_distance("abc", "abd"), Some(1));
        assert_eq!(bag_distance("q108946", "q108011"), Some(3));
        assert_eq!(bag_distance("я", "b"), None);
    }

    #[test]
    fn the_quick_typo_test_agrees_with_the_similarity() {
        let words = [
            "",
            "a",
            "ab",
            "abcd",
            "abdc",
            "ibadoglu",
            "ibadolgu",
            "ibadoghlu",
            "я",
            "яbcd",
        ];
        for a in words {
            for b in words {
                let n = a.chars().count();
                let want = (similarity(a, b) >= TYPO_SIMILARITY).then(|| similarity(a, b));
                assert_eq!(typo_similarity(a, n, b), want, "{a} {b}");
            }
        }
    }
}
