//! The search index of one graph version: every name and alias folded, and the tables that
//! lead a query to the few names it can match, best first, without looking at the others.
//!
//! # What is stored (all ids are `u32`, all strings in one [`Text`] arena)
//! - `names`: each name or alias of each entity, folded and loosened (24 bytes a name), the
//!   entities in their order of prominence — more relations first, then by name, then by
//!   node, the order [`Version::search`](crate::store::Version::search) breaks ties in — and each entity's names together
//!   (its name, then its aliases in order). `ranks` gives each entity's place in that order.
//! - `words`: the distinct loose words of all names, sorted, as spans into the names' own
//!   loose keys (no copy). Exact words and word prefixes are a binary search and a range.
//! - word → names postings (`word_starts`, `word_names`): which names hold each word, split
//!   by how many words the name has (1, 2, 3, 4, 5 or more: a name's "bucket"), each part in
//!   name order — so in order of prominence.
//! - `trie`: the same words as a trie ([`super::typo`]), and reversed as a second trie,
//!   walked with the Damerau–Levenshtein rows to find the words a query word is a typo of,
//!   each with few edits allowed on one half of the query ([`super::split`]).
//!
//! # How a query uses it
//! A name matches (at any tier) only if every query word equals, begins or is a typo of one
//! of its loose words (the exact and transliteration tiers imply this: equal loose keys have
//! equal words). So the names holding a match of any one query word — the "lead" — hold
//! every hit. [`Version::search`](crate::store::Version::search) takes the lead's matching words tier by tier (the word
//! itself, the words it begins, its typos), and for each tier and bucket the best score any
//! name there could reach (see [`super::score::bound`]); it reads those postings, best bound
//! first, each in order of prominence, and stops reading one once the hits kept outrank
//! anything still unread in it. The lead's typos are looked for stage by stage (by length
//! and number of edits, best possible similarity first), each only when some name holding
//! one of its typos could still make the answer.
//!
//! # Writes
//! The index is immutable, like the version it belongs to, and shared by the versions made
//! over the same layout (see [`crate::store::Version`]). The entities added or changed since
//! that layout are scored without it ([`Graph::touched_since_layout`]), and their names in
//! the index left out ([`Graph::stale_since_layout`]). The order of prominence is that of the relation
//! counts when the index was built: once any entity's relations changed since (a version
//! built beside the layout), a search reads every posting it would need whole, ranking by
//! the relation counts of its own version.

use super::super::graph::{Graph, Node};
use super::super::records::{Span, Text};
use super::normalise::{fold, loose};
use super::score::PREFIX_MIN_BYTES;
use super::split::TypoTries;
use hashbrown::{HashMap, HashSet};

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
/// find a query's candidates (see the module docs of `store::search::index`).
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    pub(super) names: Vec<Name>,
    pub(super) text: Text,
    /// Each entity's place in the order of prominence (by node; the entities the index was
    /// built with).
    pub(super) ranks: Vec<u32>,
    /// Distinct loose words, in byte order.
    words: Vec<Span>,
    /// The names of `b + 1` words (of 5 or more for the last bucket) holding word `w` are
    /// `word_names[word_starts[w * BUCKETS + b]..word_starts[w * BUCKETS + b + 1]]`.
    word_starts: Vec<u32>,
    word_names: Vec<u32>,
    /// The words again, as a trie and a trie of the reversed words, for their typos.
    trie: TypoTries,
}

/// How many buckets the names are split into by their word count: 1, 2, 3, 4, 5 or more.
pub(super) const BUCKETS: usize = 5;

/// The bucket of a name of `words` words.
fn bucket(words: usize) -> usize {
    words.clamp(1, BUCKETS) - 1
}

impl SearchIndex {
    /// Folds every name and alias of the graph and builds the postings and the trie.
    /// O(total name length + W log W) for W distinct words.
    pub fn build(graph: &Graph) -> SearchIndex {
        let mut index = SearchIndex::default();
        let order = prominence(graph);
        index.ranks = vec![0; order.len()];
        for (rank, &node) in order.iter().enumerate() {
            index.ranks[node.index()] = rank as u32;
        }
        // Entities touched since the graph's layout are scored beside the index.
        let touched: HashSet<Node> = graph.touched_since_layout().iter().copied().collect();
        for node in order {
            if !touched.is_empty() && touched.contains(&node) {
                continue;
            }
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
        index.trie = TypoTries::build(index.words.iter().map(|&s| index.text.get(s)));
        index
    }

    /// The vocabulary and the word → names postings, by bucket.
    fn build_words(&mut self) {
        let text = &self.text;
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut spans: Vec<Span> = Vec::new();
        // (word, bucket of the name, name)
        let mut pairs: Vec<(u32, u8, u32)> = Vec::with_capacity(self.names.len() * 2);
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
            let b = bucket(mine.len()) as u8;
            mine.sort_unstable();
            mine.dedup();
            pairs.extend(mine.iter().map(|&w| (w, b, i as u32)));
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
        // A counting sort by word and bucket: stable, so each part keeps name order.
        let slot = |w: u32, b: u8| rank[w as usize] as usize * BUCKETS + b as usize;
        let slots = self.words.len() * BUCKETS;
        let mut starts = vec![0u32; slots + 1];
        for &(w, b, _) in &pairs {
            starts[slot(w, b) + 1] += 1;
        }
        for i in 0..slots {
            starts[i + 1] += starts[i];
        }
        let mut cursor = starts.clone();
        let mut postings = vec![0u32; pairs.len()];
        for &(w, b, name) in &pairs {
            let c = &mut cursor[slot(w, b)];
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
            + vec(&self.ranks)
            + self.text.len()
            + vec(&self.words)
            + vec(&self.word_starts)
            + vec(&self.word_names)
            + self.trie.bytes()
    }

    /// The names of bucket `b` holding word `w`, in name order.
    pub(super) fn postings(&self, w: u32, b: usize) -> &[u32] {
        let at = w as usize * BUCKETS + b;
        &self.word_names[self.word_starts[at] as usize..self.word_starts[at + 1] as usize]
    }

    /// How many names hold word `w`.
    pub(super) fn names_holding(&self, w: u32) -> usize {
        let at = w as usize * BUCKETS;
        (self.word_starts[at + BUCKETS] - self.word_starts[at]) as usize
    }

    /// The text of word `w`.
    pub(super) fn word(&self, w: u32) -> &str {
        self.text.get(self.words[w as usize])
    }

    /// Adds to `out` the words (ids in word order) the loose query word `ql` is a typo of
    /// (see [`TypoTries::typos`]).
    pub(super) fn typos(&self, ql: &str, out: &mut Vec<u32>) {
        self.trie.typos(ql, |w| self.word(w), out);
    }

    /// Calls `found` with the words (ids in word order) of one stage of the typos of the
    /// loose query word `ql`, and their lengths in characters (see [`TypoTries::typos_in`]).
    pub(super) fn typos_in(
        &self,
        ql: &str,
        stage: super::split::Stage,
        found: impl FnMut(u32, usize),
    ) {
        self.trie.typos_in(ql, stage, |w| self.word(w), found);
    }

    /// The words a loose query word matches as a whole or a prefix: itself, and the words
    /// it begins when it is long enough. O(log W + the words it begins).
    pub(super) fn words_beginning(&self, ql: &str) -> Vec<u32> {
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

/// The entities in their order of prominence: more relations first (as [`Graph::degree`]
/// counts them, here from the relation records), then by name (by bytes), then by node.
/// O(E + V log V), sorted on rayon's thread pool.
fn prominence(graph: &Graph) -> Vec<Node> {
    use rayon::slice::ParallelSliceMut;
    // Numbered by slot, gaps of removals skipped (a layout has none: it leaves them out
    // before it builds the index).
    let mut degree = vec![0u32; graph.node_bound()];
    for e in graph.all_relations() {
        let r = &graph.relations[e.index()];
        degree[r.from as usize] += 1;
        if r.to != r.from {
            degree[r.to as usize] += 1;
        }
    }
    let mut order: Vec<Node> = (0..graph.node_bound())
        .map(Node::new)
        .filter(|&n| !graph.node_removed(n))
        .collect();
    order.par_sort_unstable_by(|&a, &b| {
        (degree[b.index()].cmp(&degree[a.index()]))
            .then_with(|| graph.entity(a).name().cmp(graph.entity(b).name()))
            .then_with(|| a.cmp(&b))
    });
    order
}
