//! The search index of one graph version: every name and alias folded, and three posting
//! tables that lead a query to the few names it can match without looking at the others.
//!
//! # What is stored (all ids are `u32`, all strings in one [`Text`] arena)
//! - `names`: each name or alias of each entity, folded and loosened (24 bytes a name).
//! - `words`: the distinct loose words of all names, sorted, as spans into the names' own
//!   loose keys (no copy). Exact words and word prefixes are a binary search and a range.
//! - word → names postings (`word_starts`, `word_names`): which names hold each word, in
//!   name order.
//! - trigram → words postings (`gram_keys`, `gram_starts`, `gram_words`): the character
//!   trigrams of each word padded with two blanks at either end, one entry per occurrence.
//!   A typo's candidates are the words that share enough trigrams with the query word.
//!
//! # Why the candidates are complete
//! A name matches (at any tier) only if every query word equals, begins or is a typo of one
//! of its loose words (the exact and transliteration tiers imply this: equal loose keys have
//! equal words). So the names of any one query word's matching words hold every hit; the
//! index takes the query word whose exact and prefix matches have the fewest names, adds the
//! words it is a typo of, and scores only their names, with the same [`super::score::score`]
//! as the scan. For typos: a word within Damerau–Levenshtein
//! distance `d` of another shares at least `max_len + 2 − 4d` of its padded trigrams (each
//! edit, transpositions included, touches at most four of them), and a typo allows at most
//! `max_len / 4` edits, so the count filter never drops a true typo; every word it keeps is
//! checked with the real similarity.
//!
//! # Writes (not built yet)
//! The index is immutable, like the version it belongs to. A later overlay of changed
//! entities can keep a small second index (or a plain list, scanned) of the names added or
//! changed since this version, and a set of the nodes whose names changed or were removed:
//! a search takes this index's candidates minus those nodes, adds the overlay's, and scores
//! and ranks them all together — the ranking does not care where a candidate came from. A
//! background rebuild folds the overlay in when it grows.
//!
//! Past 450 lines only with its tests, at the end of the file.

use super::super::fold::{fold, loose};
use super::super::graph::{Graph, Node};
use super::super::records::{Span, Text};
use super::score::{is_typo, Query, PREFIX_MIN_BYTES, TYPO_MIN_CHARS, TYPO_SIMILARITY};
use hashbrown::HashMap;

/// One name or alias of an entity, folded. 24 bytes; the texts live in the index's arena.
#[derive(Debug, Clone, Copy)]
pub(super) struct Name {
    pub(super) node: Node,
    /// 0 for the entity's name, `i + 1` for its `i`-th alias.
    pub(super) which: u32,
    pub(super) folded: Span,
    /// The loose key of the whole name; its words are the loose keys of the folded words
    /// (the loose rules never cross a space).
    pub(super) loose: Span,
}

impl Name {
    pub(super) fn is_alias(&self) -> bool {
        self.which != 0
    }
}

/// The folded names and aliases of every entity of one graph version, with the postings that
/// find a query's candidates (see the [module docs](self)).
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    pub(super) names: Vec<Name>,
    pub(super) text: Text,
    /// Distinct loose words, in byte order.
    words: Vec<Span>,
    /// Each word's length in characters, capped at `u16::MAX`.
    word_chars: Vec<u16>,
    /// The names holding word `w` are `word_names[word_starts[w]..word_starts[w + 1]]`.
    word_starts: Vec<u32>,
    word_names: Vec<u32>,
    /// Distinct padded trigrams, sorted; the words holding `gram_keys[g]` (once per
    /// occurrence, in word order) are `gram_words[gram_starts[g]..gram_starts[g + 1]]`.
    gram_keys: Vec<u64>,
    gram_starts: Vec<u32>,
    gram_words: Vec<u32>,
}

impl SearchIndex {
    /// Folds every name and alias of the graph and builds the postings.
    /// O(total name length + W log W + T log T) for W words and T trigrams.
    pub fn build(graph: &Graph) -> SearchIndex {
        let mut index = SearchIndex::default();
        for i in 0..graph.entity_count() {
            let node = Node::new(i);
            let e = graph.entity(node);
            let texts = std::iter::once(e.name()).chain(e.aliases().iter().map(String::as_str));
            for (which, text) in texts.enumerate() {
                let folded = fold(text);
                if folded.is_empty() {
                    continue;
                }
                let spans = index
                    .text
                    .push(&folded)
                    .and_then(|f| Ok((f, index.text.push(&loose(&folded))?)));
                // Past 4 GiB of folded names, the rest are not searchable by name (they are
                // still found by id); no graph one machine holds comes near.
                let Ok((folded, loose)) = spans else { break };
                index.names.push(Name {
                    node,
                    which: which as u32,
                    folded,
                    loose,
                });
            }
        }
        index.names.shrink_to_fit();
        index.text.shrink();
        index.build_words();
        index.build_grams();
        index
    }

    /// The vocabulary and the word → names postings.
    fn build_words(&mut self) {
        let text = &self.text;
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut spans: Vec<Span> = Vec::new();
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(self.names.len() * 2);
        let mut mine: Vec<u32> = Vec::new();
        for (i, name) in self.names.iter().enumerate() {
            mine.clear();
            let mut offset = 0;
            for w in text.get(name.loose).split(' ') {
                let id = *ids.entry(w).or_insert_with(|| {
                    spans.push(Text::sub(name.loose, offset, w.len()));
                    spans.len() as u32 - 1
                });
                mine.push(id);
                offset += w.len() + 1;
            }
            mine.sort_unstable();
            mine.dedup();
            pairs.extend(mine.iter().map(|&w| (w, i as u32)));
        }
        drop(ids);
        let mut order: Vec<u32> = (0..spans.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            text.get(spans[a as usize]).cmp(text.get(spans[b as usize]))
        });
        let mut rank = vec![0u32; spans.len()];
        for (r, &o) in order.iter().enumerate() {
            rank[o as usize] = r as u32;
        }
        self.words = order.iter().map(|&o| spans[o as usize]).collect();
        self.word_chars = self
            .words
            .iter()
            .map(|&s| text.get(s).chars().count().min(u16::MAX as usize) as u16)
            .collect();
        // A counting sort by word: stable, so each word's names stay in name order.
        let mut starts = vec![0u32; self.words.len() + 1];
        for &(w, _) in &pairs {
            starts[rank[w as usize] as usize + 1] += 1;
        }
        for w in 0..self.words.len() {
            starts[w + 1] += starts[w];
        }
        let mut cursor = starts.clone();
        let mut postings = vec![0u32; pairs.len()];
        for &(w, name) in &pairs {
            let c = &mut cursor[rank[w as usize] as usize];
            postings[*c as usize] = name;
            *c += 1;
        }
        self.word_starts = starts;
        self.word_names = postings;
    }

    /// The trigram → words postings.
    fn build_grams(&mut self) {
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        let mut grams = Vec::new();
        for (w, &span) in self.words.iter().enumerate() {
            trigrams(self.text.get(span), &mut grams);
            pairs.extend(grams.iter().map(|&g| (g, w as u32)));
        }
        pairs.sort_unstable();
        let mut keys = Vec::new();
        let mut starts = Vec::new();
        for (i, &(g, _)) in pairs.iter().enumerate() {
            if keys.last() != Some(&g) {
                keys.push(g);
                starts.push(i as u32);
            }
        }
        starts.push(pairs.len() as u32);
        self.gram_words = pairs.into_iter().map(|(_, w)| w).collect();
        self.gram_keys = keys;
        self.gram_starts = starts;
    }

    /// Bytes held.
    pub(crate) fn bytes(&self) -> usize {
        fn vec<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        vec(&self.names)
            + self.text.len()
            + vec(&self.words)
            + vec(&self.word_chars)
            + vec(&self.word_starts)
            + vec(&self.word_names)
            + vec(&self.gram_keys)
            + vec(&self.gram_starts)
            + vec(&self.gram_words)
    }

    /// The names (indices into `names`, ascending) among which every name matching `q` is:
    /// those holding a word that one query word equals, begins or is a typo of.
    /// O(query words × (log W + words begun) + typo work + candidates × log candidates),
    /// where typo work is the walk of some of the query word's trigram postings (see
    /// [`Self::typos`]).
    pub(super) fn candidates(&self, q: &Query) -> Vec<u32> {
        // The query word whose exact and prefix matches have the fewest names (the longer on
        // a tie; words with none last) is expanded; its typos are looked for only then. Any word would give a
        // complete set; this one gives a small set cheaply.
        let mut best: Option<(usize, usize, Vec<u32>)> = None;
        for (i, (_, ql)) in q.words.iter().enumerate() {
            let words = self.words_beginning(ql);
            let cost: usize = words.iter().map(|&w| self.postings(w).len()).sum();
            // A word with no exact or prefix match ranks after those with some: it is
            // likely misspelt, and its typos may be a common word.
            let key = |cost: usize, len: usize| (cost == 0, cost, std::cmp::Reverse(len));
            let better = best
                .as_ref()
                .is_none_or(|(c, b, _)| key(cost, ql.len()) < key(*c, q.words[*b].1.len()));
            if better {
                best = Some((cost, i, words));
            }
        }
        let Some((_, i, mut words)) = best else {
            return Vec::new();
        };
        let (qf, ql) = &q.words[i];
        if qf.chars().count() >= TYPO_MIN_CHARS {
            self.typos(ql, &mut words);
            words.sort_unstable();
            words.dedup();
        }
        let mut names = Vec::new();
        for w in words {
            names.extend_from_slice(self.postings(w));
        }
        names.sort_unstable();
        names.dedup();
        names
    }

    fn postings(&self, w: u32) -> &[u32] {
        let w = w as usize;
        &self.word_names[self.word_starts[w] as usize..self.word_starts[w + 1] as usize]
    }

    fn word(&self, w: u32) -> &str {
        self.text.get(self.words[w as usize])
    }

    /// The words a loose query word matches as a whole or a prefix: itself, and the words
    /// it begins when it is long enough. O(log W + the words it begins).
    fn words_beginning(&self, ql: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let lo = self.words.partition_point(|&s| self.text.get(s) < ql);
        let mut w = lo;
        while w < self.words.len() && self.text.get(self.words[w]).starts_with(ql) {
            if ql.len() < PREFIX_MIN_BYTES && self.text.get(self.words[w]) != ql {
                break;
            }
            out.push(w as u32);
            w += 1;
        }
        out
    }

    /// Adds the words that are typos of `ql` (similarity at least the typo threshold): the
    /// words sharing enough padded trigrams with it (counted over its trigrams' postings),
    /// then, past a cheap bag-distance bound, checked with the similarity itself.
    /// O(W + postings of `ql`'s trigrams + survivors × len²).
    fn typos(&self, ql: &str, out: &mut Vec<u32>) {
        let n = ql.chars().count();
        let mut grams = Vec::new();
        trigrams(ql, &mut grams);
        grams.sort_unstable();
        // Each distinct trigram of the query: its count there and its postings.
        let mut runs: Vec<(usize, &[u32])> = Vec::new();
        for g in grams.chunk_by(|a, b| a == b) {
            let posting = match self.gram_keys.binary_search(&g[0]) {
                Ok(k) => {
                    &self.gram_words[self.gram_starts[k] as usize..self.gram_starts[k + 1] as usize]
                }
                Err(_) => &[],
            };
            runs.push((g.len(), posting));
        }
        // The lengths a typo of `ql` can have, and the fewest trigrams any of them shares.
        let lo = n - max_typo_edits(n);
        let mut hi = n;
        while hi + 1 - n <= max_typo_edits(hi + 1) {
            hi += 1;
        }
        // For each reachable length m (from lo): the edits allowed and the trigrams needed.
        let reach: Vec<(usize, usize)> = (lo..=hi)
            .map(|m| (max_typo_edits(n.max(m)), shared_needed(n, m)))
            .collect();
        let fewest = (lo..=hi)
            .zip(&reach)
            .filter(|&(m, &(edits, _))| n.abs_diff(m) <= edits)
            .map(|(_, &(_, need))| need)
            .min()
            .unwrap_or(1);
        // Every typo shares `fewest` trigram occurrences with the query, so one of them is
        // outside the most common trigrams holding `fewest - 1` occurrences: those long
        // postings are not walked, only looked into for the survivors.
        runs.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
        let mut budget = fewest.saturating_sub(1);
        let mut skipped = 0;
        while skipped < runs.len() && runs[skipped].0 <= budget {
            budget -= runs[skipped].0;
            skipped += 1;
        }
        let (skip, probe) = runs.split_at(skipped);
        let skippable: usize = skip.iter().map(|&(cq, _)| cq).sum();
        let in_reach = |w: u32| {
            let m = self.word_chars[w as usize];
            usize::from(m) >= lo && (usize::from(m) <= hi || m == u16::MAX)
        };
        let mut counts = vec![0u8; self.words.len()];
        let mut touched: Vec<u32> = Vec::new();
        for &(cq, posting) in probe {
            // Runs of the same word: a trigram it holds twice counts up to the query's count.
            for same in posting.chunk_by(|a, b| a == b) {
                let w = same[0];
                if !in_reach(w) {
                    continue;
                }
                let c = &mut counts[w as usize];
                if *c == 0 {
                    touched.push(w);
                }
                *c = c.saturating_add(cq.min(same.len()) as u8);
            }
        }
        for w in touched {
            let m = match self.word_chars[w as usize] {
                u16::MAX => self.word(w).chars().count(),
                m => m as usize,
            };
            let (edits, need) = match reach.get(m.wrapping_sub(lo)) {
                Some(&r) => r,
                None => (max_typo_edits(n.max(m)), shared_needed(n, m)),
            };
            if n.abs_diff(m) > edits {
                continue;
            }
            let mut count = usize::from(counts[w as usize]);
            if count < u8::MAX as usize && count + skippable < need {
                continue;
            }
            for &(cq, posting) in skip {
                if count >= need {
                    break;
                }
                let start = posting.partition_point(|&x| x < w);
                let held = posting[start..].iter().take_while(|&&x| x == w).count();
                count += cq.min(held);
            }
            if counts[w as usize] < u8::MAX && count < need {
                continue;
            }
            let word = self.word(w);
            if bag_distance_over(ql, word, edits) {
                continue;
            }
            if is_typo(ql, word) {
                out.push(w);
            }
        }
    }
}

/// The fewest padded trigram occurrences a word of `m` characters shares with one of `n`
/// when it is a typo of it: `max + 2 − 4 × edits` (each edit touches at most four). O(len).
fn shared_needed(n: usize, m: usize) -> usize {
    let longest = n.max(m);
    (longest + 2).saturating_sub(4 * max_typo_edits(longest))
}

/// The most edits a typo of a word of `len` characters may have: the largest `d` with
/// `1 − d / len` at least the threshold, computed as the similarity is. O(len).
fn max_typo_edits(len: usize) -> usize {
    let mut d = 0;
    while d < len && 1.0 - ((d + 1) as f64) / (len as f64) >= TYPO_SIMILARITY {
        d += 1;
    }
    d
}

/// Whether the bag distance of two ASCII words (the larger of the letters one has and the
/// other lacks, counted with repeats) passes `edits`. It is at most their Damerau–Levenshtein
/// distance (each edit changes it by at most one, a transposition not at all), so `true`
/// rules a typo out cheaply; `false` for words that are not ASCII. O(len).
fn bag_distance_over(a: &str, b: &str, edits: usize) -> bool {
    if !a.is_ascii() || !b.is_ascii() {
        return false;
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
    more.max(fewer) > edits
}

/// The character trigrams of `word` padded with two blanks (`\0`) at each end: `len + 2` of
/// them, each three 21-bit code points in a `u64`. O(len).
fn trigrams(word: &str, out: &mut Vec<u64>) {
    out.clear();
    let (mut a, mut b) = (0u64, 0u64);
    for c in word.chars().map(u64::from).chain([0, 0]) {
        out.push(a << 42 | b << 21 | c);
        a = b;
        b = c;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_has_its_length_plus_two_padded_trigrams() {
        let mut g = Vec::new();
        trigrams("abcd", &mut g);
        assert_eq!(g.len(), 6);
        trigrams("я", &mut g);
        assert_eq!(g.len(), 3);
    }

    #[test]
    fn the_bag_distance_never_exceeds_the_edit_distance() {
        assert!(!bag_distance_over("ibadoglu", "ibadolgu", 0));
        assert!(!bag_distance_over("abc", "abd", 1));
        assert!(bag_distance_over("abc", "abd", 0));
        assert!(bag_distance_over("q108946", "q108011", 1));
        assert!(!bag_distance_over("я", "b", 0));
    }

    #[test]
    fn typo_edits_follow_the_similarity_threshold() {
        assert_eq!(max_typo_edits(3), 0);
        assert_eq!(max_typo_edits(4), 1);
        assert_eq!(max_typo_edits(7), 1);
        assert_eq!(max_typo_edits(8), 2);
        assert_eq!(max_typo_edits(12), 3);
    }
}
