//! The search index of one graph version: every name and alias folded, and the tables that
//! lead a query to the few names it can match without looking at the others.
//!
//! # What is stored (all ids are `u32`, all strings in one [`Text`] arena)
//! - `names`: each name or alias of each entity, folded and loosened (24 bytes a name).
//! - `words`: the distinct loose words of all names, sorted, as spans into the names' own
//!   loose keys (no copy). Exact words and word prefixes are a binary search and a range.
//! - word → names postings (`word_starts`, `word_names`): which names hold each word, in
//!   name order.
//! - `trie`: the same words as a trie ([`super::typo`]), walked with the Damerau–Levenshtein
//!   rows to find the words a query word is a typo of.
//!
//! # Why the candidates are complete
//! A name matches (at any tier) only if every query word equals, begins or is a typo of one
//! of its loose words (the exact and transliteration tiers imply this: equal loose keys have
//! equal words). So the names holding, for every query word, one of the words it matches
//! hold every hit. The index expands each query word to the words it matches (whole, as a
//! prefix, as a typo) and takes the union of their postings for the word with the fewest
//! names, then intersects it (galloping through the sorted postings) with each next word's,
//! rarest first, until few enough are left to score directly with the same
//! [`super::score::score`] as the scan.
//!
//! # Writes (not built yet)
//! The index is immutable, like the version it belongs to. A later overlay of changed
//! entities can keep a small second index (or a plain list, scanned) of the names added or
//! changed since this version, and a set of the nodes whose names changed or were removed:
//! a search takes this index's hits minus those nodes, scores the overlay's names with
//! [`super::SearchQuery::score_name`], and merges both with [`super::merge_hits`].

use super::super::fold::{fold, loose};
use super::super::graph::{Graph, Node};
use super::super::records::{Span, Text};
use super::score::{SearchQuery, PREFIX_MIN_BYTES, TYPO_MIN_CHARS};
use super::typo::WordTrie;
use hashbrown::HashMap;

/// Candidates left at or below this many are scored without intersecting them with the
/// remaining query words' postings: scoring a few hundred names costs about what walking the
/// trie for one more word's typos does (measured on the generated 1M graph).
const SCORED_DIRECTLY: usize = 256;

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
    /// The names holding word `w` are `word_names[word_starts[w]..word_starts[w + 1]]`.
    word_starts: Vec<u32>,
    word_names: Vec<u32>,
    /// The words again, as a trie for their typos.
    trie: WordTrie,
}

impl SearchIndex {
    /// Folds every name and alias of the graph and builds the postings and the trie.
    /// O(total name length + W log W) for W distinct words.
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
        index.trie = WordTrie::build(index.words.iter().map(|&s| index.text.get(s)));
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

    /// Bytes held.
    pub(crate) fn bytes(&self) -> usize {
        fn vec<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        vec(&self.names)
            + self.text.len()
            + vec(&self.words)
            + vec(&self.word_starts)
            + vec(&self.word_names)
            + self.trie.bytes()
    }

    /// The names (indices into `names`, ascending) among which every name matching `q` is:
    /// those holding, for each query word, a word it equals, begins or is a typo of — or,
    /// once at most [`SCORED_DIRECTLY`] are left, that for the words intersected so far.
    /// O(query words × (log W + words begun + trie walk) + names of the rarest word × log +
    /// postings galloped through).
    pub(super) fn candidates(&self, q: &SearchQuery) -> Vec<u32> {
        // Each query word: the words it matches (whole or as a prefix; as a typo once
        // walked), how many names hold them, and whether its typos are in. A word with no
        // whole or prefix match is likely misspelt: its typos decide how common it is (a
        // misspelt `government`), so they are looked for first.
        let mut plans: Vec<(usize, Vec<u32>, usize, bool)> = q
            .words
            .iter()
            .enumerate()
            .map(|(i, (_, ql))| {
                let words = self.words_beginning(ql);
                let cost = self.cost(&words);
                let mut plan = (i, words, cost, false);
                if cost == 0 {
                    self.add_typos(q, &mut plan);
                }
                plan
            })
            .collect();
        // The fewest names first, the longer word on a tie.
        plans.sort_by_key(|&(i, _, cost, _)| (cost, std::cmp::Reverse(q.words[i].1.len()), i));
        let mut plans = plans.into_iter();
        let Some(mut first) = plans.next() else {
            return Vec::new();
        };
        self.add_typos(q, &mut first);
        let mut names = Vec::new();
        for &w in &first.1 {
            names.extend_from_slice(self.postings(w));
        }
        names.sort_unstable();
        names.dedup();
        for mut plan in plans {
            if names.len() <= SCORED_DIRECTLY {
                break;
            }
            self.add_typos(q, &mut plan);
            names = self.holding(names, &plan.1);
        }
        names
    }

    /// How many names hold `words`.
    fn cost(&self, words: &[u32]) -> usize {
        words.iter().map(|&w| self.postings(w).len()).sum()
    }

    /// Adds to a query word's plan the words it is a typo of, if it is long enough to have
    /// typos and they are not in yet.
    fn add_typos(&self, q: &SearchQuery, plan: &mut (usize, Vec<u32>, usize, bool)) {
        let (i, words, cost, walked) = plan;
        let (qf, ql) = &q.words[*i];
        if *walked || qf.chars().count() < TYPO_MIN_CHARS {
            return;
        }
        self.trie.typos(ql, |w| self.word(w), words);
        words.sort_unstable();
        words.dedup();
        *cost = self.cost(words);
        *walked = true;
    }

    /// The names of `found` (ascending) that hold one of `words`. Each posting is galloped
    /// through from the shorter side. O(Σ min(posting, found) × log).
    fn holding(&self, found: Vec<u32>, words: &[u32]) -> Vec<u32> {
        let mut keep = vec![false; found.len()];
        for &w in words {
            let posting = self.postings(w);
            if posting.len() < found.len() {
                let mut at = 0;
                for &name in posting {
                    at += gallop(&found[at..], name);
                    match found.get(at) {
                        Some(&f) if f == name => keep[at] = true,
                        Some(_) => {}
                        None => break,
                    }
                }
            } else {
                let mut at = 0;
                for (k, &name) in found.iter().enumerate() {
                    at += gallop(&posting[at..], name);
                    match posting.get(at) {
                        Some(&p) if p == name => keep[k] = true,
                        Some(_) => {}
                        None => break,
                    }
                }
            }
        }
        found
            .into_iter()
            .zip(keep)
            .filter_map(|(name, kept)| kept.then_some(name))
            .collect()
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
}

/// The first index of ascending `sorted` holding `x` or more: a doubling search from the
/// start, then a binary search. O(log of the answer).
fn gallop(sorted: &[u32], x: u32) -> usize {
    if sorted.first().is_none_or(|&f| f >= x) {
        return 0;
    }
    // sorted[lo] < x throughout.
    let (mut lo, mut step) = (0, 1);
    while lo + step < sorted.len() && sorted[lo + step] < x {
        lo += step;
        step *= 2;
    }
    let hi = (lo + step + 1).min(sorted.len());
    lo + 1 + sorted[lo + 1..hi].partition_point(|&v| v < x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gallop_finds_the_first_not_smaller() {
        let v = [1, 3, 3, 5, 8, 13, 21, 34, 55];
        for x in 0..60 {
            assert_eq!(gallop(&v, x), v.partition_point(|&y| y < x), "{x}");
        }
        assert_eq!(gallop(&[], 4), 0);
    }
}
