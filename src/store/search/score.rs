//! How well one folded name matches a query: the tiers and their scores. Both the index and
//! the reference scan ([`super::Graph::search_scan`]) score their candidates here, so they
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

/// A query, folded once: the whole (folded and loose) and its words (folded, loose).
pub(super) struct Query {
    pub(super) folded: String,
    pub(super) loose: String,
    pub(super) words: Vec<(String, String)>,
}

impl Query {
    /// Folds `text`; `None` when nothing of it is searchable. O(query length).
    pub(super) fn parse(text: &str) -> Option<Query> {
        let folded = super::fold(text);
        if folded.is_empty() {
            return None;
        }
        let loose = super::loose(&folded);
        let words = folded
            .split(' ')
            .map(|w| (w.to_string(), super::loose(w)))
            .collect();
        Some(Query {
            folded,
            loose,
            words,
        })
    }
}

/// Scores one name against the query; `None` when it does not match at all.
/// O(query words × name words × word length²).
pub(super) fn score(
    alias: bool,
    folded: &str,
    loose: &str,
    q: &Query,
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
    for (qf, ql) in &q.words {
        let mut best: Option<(f64, MatchReason, usize)> = None;
        for (i, wl) in loose.split(' ').enumerate() {
            let candidate = if wl == ql {
                Some((1.0, MatchReason::Words))
            } else if ql.len() >= PREFIX_MIN_BYTES && wl.starts_with(ql.as_str()) {
                Some((0.85, MatchReason::Prefix))
            } else if qf.chars().count() >= TYPO_MIN_CHARS {
                let s = similarity(ql, wl);
                (s >= TYPO_SIMILARITY).then_some((0.8 * s, MatchReason::Fuzzy))
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
