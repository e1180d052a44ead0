//! Typos of a query word found by two narrow walks instead of one wide one: the words'
//! trie walked with few edits allowed on the first half of the query, and a trie of the
//! reversed words walked with few edits allowed on its second half.
//!
//! # Why
//! A word of eight letters or more allows two edits, so the plain walk ([`WordTrie::walk`]
//! without a cap) keeps every prefix of up to two or three letters alive: on the generated
//! names (an alphabet of 32 syllables) and on CoDEx-M's `Q`+digits ids it visits thousands of
//! nodes a query word. Splitting the allowance cuts the shallow levels, where the walk spends
//! its time: the prefixes that must match the query's first half nearly exactly are few.
//!
//! # Why the two walks find every typo, and only typos
//! The typo lengths are walked in classes allowing the same edits (a nine-letter query
//! allows two edits to a word of seven to eleven letters, three to one of twelve: see
//! `length_classes`). In a class allowing `D` edits, split them as `a = (D − 1) / 2` and
//! `b = D − 1 − a`, and let `h = n / 2` for a query of `n` characters. Take a typo `w` and an alignment of least cost `c ≤ D` through strsim's
//! matrix (the unrestricted Damerau–Levenshtein distance: matches, substitutions, insertions,
//! deletions, and transpositions `aXb` ↔ `bYa` costing `1 + |X| + |Y|`), and its last cell
//! in a column of at most `h` (the query's first `h` characters), costing `e₁`; the rest
//! costs `e₂ = c − e₁`. Either `e₁ ≤ a`, or `e₁ ≥ a + 1` and then `e₂ ≤ D − a − 1 = b`.
//! - When `e₁ ≤ a`, every cell of the alignment in the columns up to `h` costs at most `a`
//!   (costs only grow along it), so the forward walk capped at `a` on those columns
//!   ([`Cap`]) still holds the alignment and finds `w`.
//! - When `e₂ ≤ b`, the same operations read backwards align the reversed word with the
//!   reversed query at the same cost (a transposition reversed is a transposition, of the
//!   same cost, and strsim's matrix finds the least over all of them), and every cell of
//!   that alignment in a reversed column of at most `n − h − 1` (the query's columns from
//!   `h + 1` on, all after the cell above) costs at most `e₂ ≤ b`. So the reversed walk
//!   capped at `b` on those columns finds `w`.
//!
//! One more step makes this hold for the walks as they compute: strsim's matrix (and so a
//! walk) tries a transposition only from the last row and column before it holding its two
//! letters, which is enough because an alignment using earlier ones costs the same moved
//! there (the letters between deleted or inserted first instead of inside the
//! transposition). Take the alignment above in that form for the forward matrix: its cells
//! are all among those the capped walk minimises over, so when `e₁ ≤ a` the walk finds `w`.
//! When `e₁ > a`, move its transpositions into the form of the reversed matrix instead (the
//! letters between deleted or inserted after the transposition): each moved cell lies after
//! the transposition's start on the alignment, so the last cell in the first `h` columns
//! comes no earlier and costs no less, `e₁` grows or stays, and `e₂ ≤ b` still holds for
//! the reversed walk to find `w`.
//!
//! A capped walk's distance is the least over fewer alignments, never below the true one,
//! so what either walk accepts is a typo. Under a cap, a row can be all unreachable while a
//! transposition still jumps over it from a capped cell into the uncapped columns: the walk
//! keeps such a subtree while that jump could be within the edits (see [`WordTrie::walk`]). Words longer than the trie holds are compared one
//! by one, as before. The proptests of this module check both walks together against
//! strsim word by word, and each walk alone against the words its cap must keep.
//!
//! # Stages
//! A search often needs only the closest typos: a word of distance `e` to a query of `n`
//! characters, `m` of its own, has a similarity of `1 − e / max(n, m)`, so the typos of
//! fewer edits can be enough to fill the answer, and the typos of three edits (a twelve-
//! letter word for a nine-letter query) are needed least. Each length class is therefore
//! walked in [`stages`] of 1, 2, … edits up to its own: a stage of `E` edits is the class's
//! walk with every length allowing at most `E` ([`WordTrie::walk`]'s `edits`), split as above
//! with `E` for `D` (the argument holds for any bound on the distance). It finds the typos
//! of distance at most `E`, so a typo is first found by the stage of its own distance,
//! where its similarity is at most the stage's `best`. The stage of one edit is two exact
//! halves: cheap. The proptests check every stage against strsim.

use super::typo::{max_typo_edits, typo_lengths, Cap, WordTrie, LONGEST};

/// The words as a trie and reversed as a second trie (see the [module docs](self)).
#[derive(Debug, Clone, Default)]
pub(super) struct TypoTries {
    forward: WordTrie,
    reversed: WordTrie,
    /// The word id of each word of the reversed trie, in its order (the reversed words'
    /// byte order).
    ids: Vec<u32>,
}

impl TypoTries {
    /// The tries of `words`, distinct and sorted by bytes (a word's id is its place).
    /// O(total characters + W log W).
    pub(super) fn build<'a>(words: impl ExactSizeIterator<Item = &'a str> + Clone) -> TypoTries {
        let forward = WordTrie::build(words.clone());
        let mut reversed: Vec<(String, u32)> = words
            .enumerate()
            .map(|(w, word)| (word.chars().rev().collect(), w as u32))
            .collect();
        reversed.sort_unstable();
        let ids = reversed.iter().map(|&(_, w)| w).collect();
        TypoTries {
            forward,
            reversed: WordTrie::build(reversed.iter().map(|(r, _)| r.as_str())),
            ids,
        }
    }

    /// Adds to `out` the words (ids in word order; one may come twice) the loose query word
    /// `ql` is a typo of: a similarity of at least the typo threshold, as
    /// [`super::score::is_typo`] says. `word` gives a word's text (for the few too long for
    /// the tries). O(visited nodes × query length), the visited nodes those within the caps.
    pub(super) fn typos<'a>(&self, ql: &str, word: impl Fn(u32) -> &'a str, out: &mut Vec<u32>) {
        for stage in stages(ql.chars().count()) {
            self.typos_in(ql, stage, &word, |w, _| out.push(w));
        }
    }

    /// Calls `found` with the words (ids in word order; one may come twice), and their
    /// lengths in characters, of `stage`'s lengths that are typos of the loose query word
    /// `ql` within its edits — those a query of
    /// `ql`'s length has in [`stages`] next to it, and the long words when it is the first.
    /// The walks of [`TypoTries::typos`], for one stage.
    pub(super) fn typos_in<'a>(
        &self,
        ql: &str,
        stage: Stage,
        word: impl Fn(u32) -> &'a str,
        mut found: impl FnMut(u32, usize),
    ) {
        let b: Vec<char> = ql.chars().collect();
        let n = b.len();
        let Stage { lengths, edits, .. } = stage;
        if edits == 0 || n < 2 {
            // No edits to split (only the word itself), or no halves.
            self.forward.walk(&b, lengths, None, edits, &mut found);
        } else {
            let back: Vec<char> = b.iter().rev().copied().collect();
            let (first, second) = caps(n, edits);
            self.forward
                .walk(&b, lengths, Some(first), edits, &mut found);
            self.reversed
                .walk(&back, lengths, Some(second), edits, |w, m| {
                    found(self.ids[w as usize], m)
                });
        }
        if stage.long {
            self.forward.long_typos(ql, word, found);
        }
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        self.forward.bytes() + self.reversed.bytes() + self.ids.capacity() * 4
    }
}

/// The typo lengths of a query of `n` characters ([`typo_lengths`]) grouped by the edits
/// they allow, fewest first: each group is walked apart, so the shorter typos are not
/// looked for with the edits only the longest allow (a nine-letter query allows three
/// edits to a twelve-letter word, two to the others). O(n).
fn length_classes(n: usize) -> Vec<((usize, usize), usize)> {
    let (lo, hi) = typo_lengths(n);
    let mut classes: Vec<((usize, usize), usize)> = Vec::new();
    for m in lo..=hi {
        let most = max_typo_edits(n.max(m));
        match classes.last_mut() {
            Some(((_, end), d)) if *d == most => *end = m,
            _ => classes.push(((m, m), most)),
        }
    }
    classes
}

/// A part of a query word's typos, walked only when a name holding one of them can still
/// make the answer (see `Version::read_index`): the words of `lengths` characters within
/// `edits` edits (a length class of [`length_classes`] allowing at least that many). The
/// stages of one class allow 1, 2, … edits up to the class's, so a typo is first found by the
/// stage of its distance, and its similarity is at most that stage's `best`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Stage {
    lengths: (usize, usize),
    edits: usize,
    /// Whether the words too long for the tries are compared here (the first stage).
    long: bool,
    /// The highest similarity, as strsim computes it, of a typo of this stage's lengths at
    /// a distance of exactly its edits (or none, for a class of no edits).
    pub(super) best: f64,
}

impl Stage {
    /// The similarity, as strsim computes it, of a typo of `m` characters this stage finds
    /// for a query word of `n` characters, when no earlier stage found it and it is not the
    /// query word itself (a typo of no edits, found by every stage): its distance is
    /// then this stage's edits (every stage of its class with fewer edits comes earlier and
    /// finds the typos within them), so its similarity is `1 − edits / max(n, m)` — unless
    /// it is too long for the tries (compared one by one, at any distance): `None` then.
    /// O(1).
    pub(super) fn similarity(&self, n: usize, m: usize) -> Option<f64> {
        if m > LONGEST {
            return None;
        }
        Some(match n.max(m) {
            0 => 1.0, // two empty words, as strsim has it
            longest => 1.0 - (self.edits as f64) / (longest as f64),
        })
    }
}

/// The stages of the typos of a query word of `n` characters, highest `best` first (then in
/// length order, fewer edits first): together they hold every typo, each typo in the stage
/// of its distance, where its similarity is at most the stage's `best`. O(n²).
pub(super) fn stages(n: usize) -> Vec<Stage> {
    let mut out: Vec<Stage> = Vec::new();
    for (lengths, most) in length_classes(n) {
        for edits in most.min(1)..=most {
            // A word of `m` characters is at least `|n − m|` edits away.
            let best = (lengths.0..=lengths.1)
                .filter(|m| n.abs_diff(*m) <= edits)
                .map(|m| match n.max(m) {
                    0 => 1.0, // two empty words
                    longest => 1.0 - (edits as f64) / (longest as f64),
                })
                .fold(f64::NEG_INFINITY, f64::max);
            if best > f64::NEG_INFINITY {
                out.push(Stage {
                    lengths,
                    edits,
                    long: false,
                    best,
                });
            }
        }
    }
    out.sort_by(|a, b| b.best.total_cmp(&a.best));
    match out.first_mut() {
        Some(first) => first.long = true,
        // No typo lengths (no query of any length has none; kept for the long words).
        None => out.push(Stage {
            lengths: (1, 0),
            edits: 0,
            long: true,
            best: 1.0,
        }),
    }
    out
}

/// The caps of the forward and the reversed walk for a query of `n ≥ 2` characters whose
/// typos allow at most `most ≥ 1` edits. O(1).
fn caps(n: usize, most: usize) -> (Cap, Cap) {
    let a = (most - 1) / 2;
    let b = most - 1 - a;
    let h = n / 2;
    (
        Cap {
            columns: h,
            edits: a as u32,
        },
        Cap {
            columns: n - h - 1,
            edits: b as u32,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::search::score::is_typo;
    use proptest::prelude::*;

    /// Short pieces over few letters, so words begin, contain and nearly equal each other,
    /// and letters repeat far apart (transpositions with letters between).
    fn word() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(&["a", "b", "ab", "ba", "c", "я", "ə", "ca", "abc"][..]);
        prop::collection::vec(pieces, 0..9).prop_map(|p| p.concat())
    }

    fn sorted(mut words: Vec<String>) -> Vec<String> {
        words.sort();
        words.dedup();
        words
    }

    fn split_typos(words: &[String], query: &str) -> Vec<u32> {
        let tries = TypoTries::build(words.iter().map(String::as_str));
        let mut out = Vec::new();
        tries.typos(query, |w| words[w as usize].as_str(), &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// strsim's distance, as `is_typo` sees it.
    fn distance(a: &str, b: &str) -> usize {
        strsim::damerau_levenshtein(a, b)
    }

    /// strsim's matrix for `word` against `query` (the unrestricted distance,
    /// Lowrance–Wagner: a transposition from the last row and column holding its letters),
    /// written out plainly, with the cells of the query's first `cap.columns` characters
    /// beyond `cap.edits` unreachable: what a walk under `cap` must compute.
    fn capped_distance(word: &[char], query: &[char], cap: Cap) -> usize {
        const FAR: usize = usize::MAX / 4;
        let (m, n) = (word.len(), query.len());
        let limit = |j: usize, v: usize| {
            if j <= cap.columns && v > cap.edits as usize {
                FAR
            } else {
                v
            }
        };
        let mut d = vec![vec![FAR; n + 2]; m + 2];
        for (i, row) in d.iter_mut().enumerate().skip(1) {
            row[1] = limit(0, i - 1);
        }
        for j in 0..=n {
            d[1][j + 1] = limit(j, j);
        }
        let mut last_row: std::collections::HashMap<char, usize> = Default::default();
        for i in 1..=m {
            let mut last_column = 0;
            for j in 1..=n {
                let k = last_row.get(&query[j - 1]).copied().unwrap_or(0);
                let l = last_column;
                let same = word[i - 1] == query[j - 1];
                if same {
                    last_column = j;
                }
                let mut v = (d[i][j] + usize::from(!same))
                    .min(d[i][j + 1] + 1)
                    .min(d[i + 1][j] + 1);
                if k > 0 && l > 0 {
                    v = v.min(d[k][l] + (i - k - 1) + 1 + (j - l - 1));
                }
                d[i + 1][j + 1] = limit(j, v);
            }
            last_row.insert(word[i - 1], i);
        }
        d[m + 1][n + 1]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn the_two_walks_find_exactly_the_typos(
            words in prop::collection::vec(word(), 1..80),
            query in word(),
        ) {
            let words = sorted(words);
            let want: Vec<u32> = (0..words.len() as u32)
                .filter(|&w| is_typo(&query, &words[w as usize]))
                .collect();
            prop_assert_eq!(split_typos(&words, &query), want, "query {:?}", query);
        }

        #[test]
        fn each_capped_walk_finds_what_its_cap_keeps(
            words in prop::collection::vec(word(), 1..60),
            query in word(),
        ) {
            let words = sorted(words);
            let q: Vec<char> = query.chars().collect();
            let n = q.len();
            prop_assume!(n >= 2);
            let back: Vec<char> = q.iter().rev().copied().collect();
            for ((lo, hi), most) in length_classes(n).into_iter().filter(|c| c.1 >= 1) {
            let (first, second) = caps(n, most);
            for (cap, reverse, query) in [(first, false, &q), (second, true, &back)] {
                let texts: Vec<String> = sorted(words.iter().map(|w| {
                    if reverse { w.chars().rev().collect() } else { w.clone() }
                }).collect());
                let trie = WordTrie::build(texts.iter().map(String::as_str));
                let mut found = Vec::new();
                trie.walk(query, (lo, hi), Some(cap), usize::MAX, |w, _| found.push(w));
                found.sort_unstable();
                let want: Vec<u32> = (0..texts.len() as u32)
                    .filter(|&w| {
                        let chars: Vec<char> = texts[w as usize].chars().collect();
                        let m = chars.len();
                        (lo..=hi).contains(&m)
                            && capped_distance(&chars, query, cap) <= max_typo_edits(n.max(m))
                    })
                    .collect();
                prop_assert_eq!(found, want, "query {:?}, reversed {}", query, reverse);
            }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// What `Version::read_index` needs of the stages: together they find every typo,
        /// best first, each typo in the stage of its distance, scoring at most its `best`.
        #[test]
        fn each_stage_finds_the_typos_of_its_distance(
            words in prop::collection::vec(word(), 1..80),
            query in word(),
        ) {
            let words = sorted(words);
            let tries = TypoTries::build(words.iter().map(String::as_str));
            let n = query.chars().count();
            let mut all: Vec<u32> = Vec::new();
            let mut above = f64::INFINITY;
            for stage in stages(n) {
                prop_assert!(stage.best <= above, "stages out of order: {:?}", stages(n));
                above = stage.best;
                let mut found = Vec::new();
                let mut lengths = Vec::new();
                tries.typos_in(&query, stage, |w| words[w as usize].as_str(), |w, m| {
                    found.push(w);
                    lengths.push((w, m));
                });
                for (w, m) in lengths {
                    prop_assert_eq!(m, words[w as usize].chars().count());
                }
                found.sort_unstable();
                found.dedup();
                for w in 0..words.len() as u32 {
                    let text = words[w as usize].as_str();
                    let m = text.chars().count();
                    let d = distance(&query, text);
                    let here = is_typo(&query, text)
                        && (stage.lengths.0..=stage.lengths.1).contains(&m)
                        && d <= stage.edits;
                    prop_assert_eq!(
                        found.binary_search(&w).is_ok(),
                        here,
                        "query {:?}, word {:?}, stage {:?}", query, text, stage
                    );
                    if here && d == stage.edits && d > 0 {
                        prop_assert!(
                            strsim::normalized_damerau_levenshtein(&query, text) <= stage.best,
                            "query {:?}, word {:?}, stage {:?}", query, text, stage
                        );
                    }
                    // A typo no earlier stage found has the similarity the stage gives it.
                    if here && d > 0 && !all.contains(&w) {
                        prop_assert_eq!(
                            stage.similarity(n, m),
                            Some(strsim::normalized_damerau_levenshtein(&query, text)),
                            "query {:?}, word {:?}, stage {:?}", query, text, stage
                        );
                    }
                }
                all.extend(found);
            }
            all.sort_unstable();
            all.dedup();
            let want: Vec<u32> = (0..words.len() as u32)
                .filter(|&w| is_typo(&query, &words[w as usize]))
                .collect();
            prop_assert_eq!(all, want, "query {:?}", query);
        }
    }

    #[test]
    fn a_ten_letter_word_walks_its_closest_typos_first() {
        let walked: Vec<((usize, usize), usize)> =
            stages(10).iter().map(|s| (s.lengths, s.edits)).collect();
        // One edit (best 10/11), two to twelve letters (10/12), two (9/11), three (10/13).
        assert_eq!(
            walked,
            [((8, 11), 1), ((12, 13), 2), ((8, 11), 2), ((12, 13), 3)]
        );
        assert!(stages(10)[0].long && !stages(10)[1].long);
    }

    #[test]
    fn the_plain_matrix_is_strsims() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "ca",
            "xxxxabcyy",
            "xxxxcayy",
            "badcfehg",
        ];
        let open = Cap {
            columns: 0,
            edits: u32::MAX,
        };
        for a in words {
            for b in words {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                assert_eq!(capped_distance(&x, &y, open), distance(a, b), "{a} {b}");
            }
        }
    }

    #[test]
    fn a_transposition_across_the_halves_is_found() {
        // The query's middle letters swapped, and swapped with letters between: the
        // alignment jumps from the first half's columns into the second's.
        let words = sorted(
            ["abcdefgh", "abcedfgh", "abcfdegh", "abxcdefgh", "bacdefhg"]
                .iter()
                .map(|w| w.to_string())
                .collect(),
        );
        for q in ["abcdefgh", "abcedfgh", "abdcefgh", "abcdfegh"] {
            let want: Vec<u32> = (0..words.len() as u32)
                .filter(|&w| is_typo(q, &words[w as usize]))
                .collect();
            assert_eq!(split_typos(&words, q), want, "{q}");
        }
    }
}
