//! Typos of a query word: the distinct loose words as a trie, walked with the rows of the
//! Damerau–Levenshtein distance to the query word, so only the words' shared prefixes that
//! can still end within the typo distance are visited.
//!
//! (Somewhat over the usual length: the walk's pruning rules and their proofs are one
//! concept, and its tests check them against strsim.)
//!
//! # Why this finds every typo, and only typos
//! The distance is computed as [`strsim::damerau_levenshtein`] computes it (the unrestricted
//! distance, Lowrance–Wagner: a row for each prefix of the word, a column for each prefix of
//! the query), one row a trie node, so each word's last row holds its exact distance, and a
//! word is kept when that distance is within the edits [`super::score::is_typo`] allows for
//! the longer of the two. A subtree is left when the smallest value of its root's row passes
//! the most edits any reachable word allows: every alignment of a longer word either passes
//! through that row, or jumps over it with a transposition whose cost already covers deleting
//! the skipped letters, so no word below can be closer than that smallest value.
//!
//! The walk leaves a subtree sooner than that: an alignment through the cell of row `i` and
//! column `y` still has to cover the rest of the word (`m − i` characters) and of the query
//! (`n − y`), at a cost of at least the difference of those lengths, and a word of `m`
//! characters allows the edits of `max(n, m)` characters only. So a subtree is left unless
//! some cell and some length `m` keep `cell + |(m − i) − (n − y)|` within the edits `m`
//! allows. A transposition jumping from row `k − 1` over row `i` to row `i'` (columns `l − 1`
//! to `j'`) costs `1 + (i' − k − 1) + (j' − l − 1)`, at least what the cell `(i, l)` (at most
//! `1 + (i − k)` above the jump's start) plus that length difference ask, since
//! `|(i' − i) − (j' − l)| ≤ (i' − i − 1) + (j' − l − 1)` when both steps are positive.
//! This matters most where a longer typo allows more edits than the query's length does: a
//! query of nine characters allows three edits, but only to a word of twelve, three
//! insertions and nothing else.
//!
//! And a subtree none of whose words has one of the lengths looked for (a walk looks for
//! the typos of some lengths only: see `super::split::stages`) is not entered at all: each
//! node keeps the lengths of the words below it as bits. Nothing below could be found, so
//! this leaves out nothing the walk would find. On the generated names, whose words have at
//! most eleven letters, the stages of twelve- and thirteen-letter typos of a long surname
//! (8,000–30,000 nodes each) visit no node; on CoDEx-M, whose ids are mostly of seven
//! characters, the walk for eight- and nine-character typos keeps to the subtrees holding
//! them (a third of the nodes).
//!
//! # Layout
//! Breadth first: the root, then each node's children side by side, in character order, 16
//! bytes a node (character and depth, first child, the lengths of the words below it, the
//! word it ends; a node's children end where the next node's begin), each distinct prefix of
//! a word once. The walk goes depth first with a stack of nodes; it
//! tests every child of each node it keeps and descends into few, so siblings side by side
//! come a cache line at a time, where a preorder layout met each sibling across its elder
//! siblings' subtrees, one cache miss apiece. Words longer than [`LONGEST`] characters stay
//! out of the trie and are compared one by one.

use super::score::TYPO_SIMILARITY;

/// The longest word (in characters) kept in the trie; longer ones are compared directly.
pub(super) const LONGEST: usize = 64;

/// A value no distance reaches (the rows' border outside the matrix).
const FAR: u32 = 1 << 20;

/// The distinct loose words as a trie, each node's children side by side (see the
/// [module docs](self)).
#[derive(Debug, Clone, Default)]
pub(super) struct WordTrie {
    /// The root first, then each node's children together, in character order.
    nodes: Vec<TrieNode>,
    /// The words longer than [`LONGEST`] characters, with their lengths in characters.
    long: Vec<(u32, usize)>,
}

/// One node of a [`WordTrie`]. 16 bytes.
#[derive(Debug, Clone, Copy)]
struct TrieNode {
    /// The node's character (the root's is `'\0'`) above its depth — the characters from
    /// the root to it, at most [`LONGEST`] — in the low 7 bits.
    key: u32,
    /// Its first child.
    children: u32,
    /// The lengths (in characters) of the words ending in its subtree, its own included:
    /// bit `m` for a word of `m` characters, bit 31 for 31 or more (see [`length_bits`]).
    /// Its children's count is not stored: they end where the next node's begin.
    lengths: u32,
    /// The word it ends, or [`NO_WORD`].
    word: u32,
}

/// The `word` of a node that ends none.
const NO_WORD: u32 = u32::MAX;

impl TrieNode {
    fn char(&self) -> char {
        char::from_u32(self.key >> 7).expect("a character was stored")
    }

    fn depth(&self) -> usize {
        (self.key & 0x7f) as usize
    }
}

/// The children of node `k` of a breadth-first layout, side by side: up to where the next
/// node's begin. O(1).
fn children_of(nodes: &[TrieNode], k: usize) -> std::ops::Range<u32> {
    let end = nodes.get(k + 1).map_or(nodes.len() as u32, |n| n.children);
    nodes[k].children..end
}

/// The bit of [`TrieNode::lengths`] for a word of `m` characters.
fn length_bit(m: usize) -> u32 {
    1 << m.min(31)
}

/// The bits of [`TrieNode::lengths`] a word of `lo..=hi` characters may have: a subtree
/// whose lengths hold none of them has no such word. O(1).
fn length_bits(lo: usize, hi: usize) -> u32 {
    if lo > hi {
        return 0;
    }
    let to_hi = if hi >= 31 {
        u32::MAX
    } else {
        (1u32 << (hi + 1)) - 1
    };
    to_hi & !(length_bit(lo) - 1)
}

impl WordTrie {
    /// The children of node `k` (see [`children_of`]). O(1).
    fn children(&self, k: u32) -> std::ops::Range<u32> {
        children_of(&self.nodes, k as usize)
    }

    /// The trie of `words`, distinct and sorted by bytes. O(total characters).
    pub(super) fn build<'a>(words: impl Iterator<Item = &'a str>) -> WordTrie {
        // First in preorder: (character, depth, the node after its subtree, the word it
        // ends), the nodes of each word's new suffix appended after the previous word's.
        let mut preorder: Vec<(char, usize, u32, u32)> = vec![('\0', 0, 0, NO_WORD)];
        let mut long = Vec::new();
        // The open nodes, from the root down the path of the previous word.
        let mut path: Vec<u32> = vec![0];
        let mut previous: Vec<char> = Vec::new();
        let mut chars: Vec<char> = Vec::new();
        for (w, word) in words.enumerate() {
            chars.clear();
            chars.extend(word.chars());
            if chars.len() > LONGEST {
                long.push((w as u32, chars.len()));
                continue;
            }
            let shared = previous
                .iter()
                .zip(&chars)
                .take_while(|(a, b)| a == b)
                .count();
            // Close the previous word's nodes below the shared prefix.
            while path.len() > shared + 1 {
                let node = path.pop().expect("the root stays open");
                preorder[node as usize].2 = preorder.len() as u32;
            }
            for (depth, &c) in chars.iter().enumerate().skip(shared) {
                path.push(preorder.len() as u32);
                preorder.push((c, depth + 1, 0, NO_WORD));
            }
            // Its last node (or the root, for the empty word) ends it.
            let last = *path.last().expect("the root stays open");
            preorder[last as usize].3 = w as u32;
            previous.clone_from(&chars);
        }
        while let Some(node) = path.pop() {
            preorder[node as usize].2 = preorder.len() as u32;
        }
        // Then breadth first, so each node's children sit together: `from[k]` is the
        // preorder node of node `k`.
        let mut nodes: Vec<TrieNode> = Vec::with_capacity(preorder.len());
        let mut from: Vec<u32> = Vec::with_capacity(preorder.len());
        let (c, depth, _, word) = preorder[0];
        nodes.push(TrieNode {
            key: (u32::from(c) << 7) | depth as u32,
            children: 0,
            lengths: 0,
            word,
        });
        from.push(0);
        let mut k = 0;
        while k < nodes.len() {
            let p = from[k] as usize;
            nodes[k].children = nodes.len() as u32;
            let mut child = p + 1;
            while child < preorder[p].2 as usize {
                let (c, depth, end, word) = preorder[child];
                nodes.push(TrieNode {
                    key: (u32::from(c) << 7) | depth as u32,
                    children: 0,
                    lengths: 0,
                    word,
                });
                from.push(child as u32);
                child = end as usize;
            }
            k += 1;
        }
        // Each node's word lengths: its own word's and its children's (which come after it
        // in the layout, so are done first).
        for k in (0..nodes.len()).rev() {
            let mut lengths = match nodes[k].word {
                NO_WORD => 0,
                _ => length_bit(nodes[k].depth()),
            };
            for child in children_of(&nodes, k) {
                lengths |= nodes[child as usize].lengths;
            }
            nodes[k].lengths = lengths;
        }
        WordTrie { nodes, long }
    }
}

/// A cap on the walk's matrix: the cells of the query's prefixes of at most `columns`
/// characters are kept only while they are at most `edits`; above it they count as
/// unreachable. The walk then finds the words whose distance some alignment reaches while
/// costing at most `edits` when it leaves those first `columns` characters of the query
/// (see [`super::split`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Cap {
    pub(super) columns: usize,
    pub(super) edits: u32,
}

impl WordTrie {
    /// Calls `found` with each word (its place in the trie's order, and its length in
    /// characters) of `lo..=hi` characters
    /// (typo lengths of the query, see [`typo_lengths`]) whose distance to the query `b` —
    /// under `cap`, when given — is within the edits [`super::score::is_typo`] allows for the
    /// longer of the two, and within `edits`: all of them are typos, and without a cap every
    /// typo of those lengths within `edits` is found. Words too long for the trie are not looked at (see [`WordTrie::long`]).
    /// O(visited nodes × query length); the visited nodes are the prefixes still within the
    /// most edits allowed of some prefix of the query (and within the cap).
    pub(super) fn walk(
        &self,
        b: &[char],
        (lo, hi): (usize, usize),
        cap: Option<Cap>,
        edits: usize,
        mut found: impl FnMut(u32, usize),
    ) {
        if self.nodes.is_empty() || lo > hi {
            return; // the default, of no graph
        }
        let n = b.len();
        let most = max_typo_edits(n.max(hi)).min(edits);
        let deepest = hi.min(LONGEST);
        // Without a cap, no column is capped.
        let (capped, cap_edits) = cap.map_or((None, FAR), |c| (Some(c.columns), c.edits));
        let limit = |column: usize, cell: u32| {
            if capped.is_some_and(|h| column <= h) && cell > cap_edits {
                FAR
            } else {
                cell
            }
        };
        // strsim's matrix, one row a depth: row x is the path's first x - 1 characters
        // against every prefix of the query (column y is its first y - 1); row 0 and column
        // 0 are the border.
        let width = n + 2;
        let mut rows = vec![FAR; (deepest + 2) * width];
        for (y, cell) in rows[width + 1..2 * width].iter_mut().enumerate() {
            *cell = limit(y, y as u32);
        }
        // The path's characters by depth (1 on), for the transpositions.
        let mut path = vec!['\0'; deepest + 1];
        // Under a cap, a transposition can jump from a capped cell over several rows into
        // the uncapped columns, while the capped cells of the rows it jumps over are
        // unreachable. `jumps[d]` is the least, over the rows `r <= d` on the path, of
        // `cell + (h - column) - 1 - r` over the capped cells of row `r` before column `h`
        // (the last capped one): a node at depth `i` below can still be reached by such a
        // jump only if `jumps[i - 1] + i` is within the most edits.
        let mut jumps = vec![i64::from(FAR); deepest + 1];
        // Row `r`'s cells are valid in column 0 and in `columns` (its band).
        let jump_from = |row: &[u32], r: usize, columns: std::ops::RangeInclusive<usize>| {
            let Some(h) = capped else {
                return i64::from(FAR);
            };
            let (first, last) = (*columns.start(), (*columns.end()).min(h.saturating_sub(1)));
            std::iter::once(0)
                .filter(|_| h >= 1)
                .chain(first.max(1)..=last)
                .map(|c| i64::from(row[c + 1]) + (h - c) as i64 - 1 - r as i64)
                .min()
                .unwrap_or(i64::from(FAR))
        };
        jumps[0] = jump_from(&rows[width..2 * width], 0, 0..=n);
        // The edits allowed a typo of each length from `lo` to `hi`.
        let allowed: Vec<u32> = (lo..=hi)
            .map(|m| max_typo_edits(n.max(m)).min(edits) as u32)
            .collect();
        let accept =
            |m: usize, distance: u32| (lo..=hi).contains(&m) && distance <= allowed[m - lo];
        // Whether a word of `m` characters below a node at depth `i` can be a typo, given
        // the node's cell of column `y` (the path against the query's first `y` characters):
        // the rest of any alignment through that cell costs at least the difference of the
        // two remainders' lengths.
        // Computed once a walk: `slack[i * (n + 1) + y]` is the most the cell may hold.
        let slack: Vec<u32> = (0..=deepest)
            .flat_map(|i| (0..=n).map(move |y| (i, y)))
            .map(|(i, y)| {
                (lo.max(i)..=hi)
                    .filter_map(|m| allowed[m - lo].checked_sub((m - i).abs_diff(n - y) as u32))
                    .max()
                    .map_or(0, |s| s + 1)
            })
            .collect();
        let reachable = |i: usize, y: usize, cell: u32| cell < slack[i * (n + 1) + y];
        let root = self.nodes[0];
        if root.word != NO_WORD && accept(0, limit(n, n as u32)) {
            found(root.word, 0);
        }
        // Depth first: a node's children are taken off the stack before anything pushed
        // earlier, so the rows above a node's depth are its path's.
        let mut stack: Vec<u32> = Vec::new();
        // A subtree holding no word of the lengths looked for is left unvisited.
        let want = length_bits(lo, deepest);
        if deepest > 0 && root.lengths & want != 0 {
            stack.extend(self.children(0).rev());
        }
        while let Some(node) = stack.pop() {
            let this = self.nodes[node as usize];
            if this.lengths & want == 0 {
                continue;
            }
            let i = this.depth();
            let a = this.char();
            let (above, below) = rows.split_at_mut((i + 1) * width);
            let row = &mut below[..width];
            let up = &above[i * width..];
            path[i] = a;
            // Only the band of cells within `most` of the diagonal can be within `most`
            // (a cell is at least the difference of its two prefixes' lengths); the cells
            // just outside it are set past `most`, which is all the next rows need of them.
            let first = i.saturating_sub(most).max(1);
            let last_column = (i + most).min(n);
            row[1] = limit(0, i as u32);
            if first >= 2 {
                row[first] = FAR;
            }
            if last_column < n {
                row[last_column + 2] = FAR;
            }
            // Whether a typo can still end below this node (see `reachable`), or be reached
            // by a transposition jumping out of the capped columns (see `jumps`).
            let mut alive =
                (i <= most && reachable(i, 0, row[1])) || jumps[i - 1] + i as i64 <= most as i64;
            // The last column before this one whose query character is this node's.
            let mut db = b[..first - 1]
                .iter()
                .rposition(|&c| c == a)
                .map_or(0, |p| p + 1);
            for j in first..=last_column {
                let l = db;
                let same = a == b[j - 1];
                if same {
                    db = j;
                }
                let substitute = up[j] + u32::from(!same);
                let insert = up[j + 1] + 1;
                let delete = row[j] + 1;
                // A transposition needs this character earlier in the query (column l) and the
                // query's character j earlier on the path (at depth k, found only then); row
                // k + 1 is on the path, valid inside its band.
                let transpose = if l == 0 {
                    FAR
                } else {
                    let k = path[1..i]
                        .iter()
                        .rposition(|&c| c == b[j - 1])
                        .map_or(0, |p| p + 1);
                    if k >= 1 && k.abs_diff(l) <= most {
                        above[k * width + l] + (i - k) as u32 + (j - l - 1) as u32
                    } else {
                        FAR
                    }
                };
                let cell = limit(j, substitute.min(insert).min(delete).min(transpose));
                row[j + 1] = cell;
                alive = alive || (cell as usize <= most && reachable(i, j, cell));
            }
            if this.word != NO_WORD && i.abs_diff(n) <= most && accept(i, row[n + 1]) {
                found(this.word, i);
            }
            jumps[i] = if capped.is_some() {
                jumps[i - 1].min(jump_from(row, i, first..=last_column))
            } else {
                jumps[i - 1]
            };
            if alive && i < deepest {
                stack.extend(self.children(node).rev());
            }
        }
    }

    /// Adds to `out` the words (ids in word order) that are typos of the loose query word
    /// `ql` without a cap, the long ones too: the reference the split walk is checked
    /// against. O(visited nodes × query length + long words × their length²).
    #[cfg(test)]
    pub(super) fn typos<'a>(&self, ql: &str, word: impl Fn(u32) -> &'a str, out: &mut Vec<u32>) {
        let b: Vec<char> = ql.chars().collect();
        self.walk(&b, typo_lengths(b.len()), None, usize::MAX, |w, _| {
            out.push(w)
        });
        self.long_typos(ql, word, |w, _| out.push(w));
    }

    /// Calls `found` with each word too long for the trie that is a typo of `ql`, and its
    /// length in characters. O(long words × their length²), the lengths ruling most out at
    /// once.
    pub(super) fn long_typos<'a>(
        &self,
        ql: &str,
        word: impl Fn(u32) -> &'a str,
        mut found: impl FnMut(u32, usize),
    ) {
        let (lo, hi) = typo_lengths(ql.chars().count());
        for &(w, m) in &self.long {
            if (lo..=hi).contains(&m) && super::score::is_typo(ql, word(w)) {
                found(w, m);
            }
        }
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<TrieNode>()
            + self.long.capacity() * std::mem::size_of::<(u32, usize)>()
    }
}

/// The shortest and longest lengths (in characters) a typo of a word of `n` characters can
/// have. O(n).
pub(super) fn typo_lengths(n: usize) -> (usize, usize) {
    let lo = n - max_typo_edits(n);
    let mut hi = n;
    while hi + 1 - n <= max_typo_edits(hi + 1) {
        hi += 1;
    }
    (lo, hi)
}

/// The most edits a typo of a word of `len` characters may have: the largest `d` with
/// `1 − d / len` at least the threshold, computed as the similarity is. O(len).
pub(super) fn max_typo_edits(len: usize) -> usize {
    let mut d = 0;
    while d < len && 1.0 - ((d + 1) as f64) / (len as f64) >= TYPO_SIMILARITY {
        d += 1;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::search::score::is_typo;
    use proptest::prelude::*;

    fn typos_of(words: &[String], query: &str) -> Vec<u32> {
        let trie = WordTrie::build(words.iter().map(String::as_str));
        let mut out = Vec::new();
        trie.typos(query, |w| words[w as usize].as_str(), &mut out);
        out.sort_unstable();
        out
    }

    /// Short pieces over few letters, so words begin, contain and nearly equal each other.
    fn word() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(&["a", "b", "ab", "ba", "c", "я", "ə", "ca", "abc"][..]);
        prop::collection::vec(pieces, 0..8).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn the_walk_finds_exactly_the_typos(
            mut words in prop::collection::vec(word(), 1..80),
            query in word(),
        ) {
            words.sort();
            words.dedup();
            let want: Vec<u32> = (0..words.len() as u32)
                .filter(|&w| is_typo(&query, &words[w as usize]))
                .collect();
            prop_assert_eq!(typos_of(&words, &query), want, "query {:?}", query);
        }
    }

    #[test]
    fn transpositions_with_letters_between_count_as_strsim_counts_them() {
        // Unrestricted Damerau–Levenshtein: `ca` → `abc` is two edits, not three.
        let words: Vec<String> = ["xxxxabcyy", "xxxxcayy", "abcdefgh", "badcfehg"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        let mut sorted = words.clone();
        sorted.sort();
        for q in &words {
            let want: Vec<u32> = (0..sorted.len() as u32)
                .filter(|&w| is_typo(q, &sorted[w as usize]))
                .collect();
            assert_eq!(typos_of(&sorted, q), want, "{q}");
        }
    }

    #[test]
    fn an_empty_query_word_is_a_typo_of_the_empty_word_alone() {
        let words = vec!["a".to_string()];
        assert!(typos_of(&words, "").is_empty());
        let words = vec![String::new(), "a".to_string()];
        assert_eq!(typos_of(&words, ""), vec![0]);
    }

    #[test]
    fn words_too_long_for_the_trie_are_still_found() {
        let long = "ab".repeat(40);
        let mut typo = long.clone();
        typo.replace_range(10..12, "ba");
        let words = vec!["ab".to_string(), long.clone()];
        assert_eq!(typos_of(&words, &typo), vec![1]);
    }

    #[test]
    fn words_of_every_length_the_trie_holds_are_found() {
        // Lengths 28 to 36 around a query of 32 characters: those of 31 or more share the
        // last bit of the nodes' lengths, the others have one each.
        let base: String = "abcdefghijklmnopqrstuvwxyz0123456789".chars().collect();
        let mut words: Vec<String> = (28..=36).map(|m| base[..m].to_string()).collect();
        words.push("zz".to_string());
        words.sort();
        for q in [&base[..32], &base[..29], &base[..31], &base[1..33]] {
            let want: Vec<u32> = (0..words.len() as u32)
                .filter(|&w| is_typo(q, &words[w as usize]))
                .collect();
            assert!(want.len() >= 3, "{q}");
            assert_eq!(typos_of(&words, q), want, "{q}");
        }
        // Each walk of a length range alone: a subtree is left only when it holds no word
        // of the range.
        let trie = WordTrie::build(words.iter().map(String::as_str));
        let q: Vec<char> = base[..32].chars().collect();
        for m in 28..=36 {
            let mut found = Vec::new();
            trie.walk(&q, (m, m), None, usize::MAX, |w, length| {
                found.push((w, length))
            });
            let want: Vec<(u32, usize)> = (0..words.len() as u32)
                .filter(|&w| {
                    words[w as usize].len() == m && is_typo(&base[..32], &words[w as usize])
                })
                .map(|w| (w, m))
                .collect();
            assert_eq!(found, want, "length {m}");
        }
    }

    #[test]
    fn the_lengths_below_a_node_are_its_words_and_its_childrens() {
        assert_eq!(length_bits(2, 4), 0b11100);
        assert_eq!(length_bits(3, 2), 0);
        assert_eq!(length_bits(30, 31), 0b11 << 30);
        assert_eq!(length_bits(29, 64), 0b111 << 29);
        let words = ["ab", "abcd", "b"].map(String::from);
        let trie = WordTrie::build(words.iter().map(String::as_str));
        // The root holds every length; `a` those of `ab` and `abcd`; `b` its own.
        assert_eq!(trie.nodes[0].lengths, 0b10110);
        let a = trie.children(0).start as usize;
        assert_eq!(trie.nodes[a].lengths, 0b10100);
        assert_eq!(trie.nodes[a + 1].lengths, 0b10);
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
