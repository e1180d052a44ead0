//! Finding entities by messy names: case, diacritics, scripts, transliterations and typos.
//!
//! Every name and alias is folded once when a graph version is built (see `normalise.rs`),
//! and indexed ([`index`]): its loose words, word → names postings by name length in order of
//! prominence, and a trie of the words for typos ([`typo`]). A query reads the names holding
//! a match of its rarest word, best possible score first, until nothing left can make the
//! answer ([`walk`]), and scores each in tiers — exact, transliteration variant, whole words,
//! word prefixes, typos ([`score`]); an entity's best name decides its score. The hit says
//! which name matched and how.
//!
//! The index belongs to a [`Version`], beside its graph: search is a method of the version.
//! [`Version::search_scan`] scores every name instead: it is the reference the index is tested
//! against (same hits, same order), and the "before" of the benchmarks.
//!
//! Names the index does not hold (an overlay of recent writes) are scored on their own with
//! [`SearchQuery::score_name`], and their hits merged with the index's by [`merge_hits`],
//! which ranks as [`Version::search`] does.

#[cfg(test)]
mod equivalence;
mod index;
mod normalise;
mod score;
mod split;
mod typo;
mod walk;

use super::graph::Node;
use super::version::Version;
use crate::model::EntityKind;
pub use index::SearchIndex;
pub use normalise::{fold, loose};
use score::score;
pub use score::SearchQuery;
use std::cmp::Ordering;

/// Calls `$callback!` with the ways a query can match and what each means, so the GraphQL
/// `MatchReason` is derived from the one table instead of repeating it.
macro_rules! match_reasons {
    ($callback:ident) => {
        $callback! {
            Exact => "The entity's name, ignoring case, diacritics and punctuation.";
            Alias => "One of its aliases, ignoring case, diacritics and punctuation.";
            Transliteration => "A transliteration variant of its name or an alias (Ibadoghlu / İbadoğlu / Ibadoglu).";
            Words => "Every word of the query is a word of the name, perhaps transliterated: `Aliev` in `Ilham Aliyev`.";
            Prefix => "Every word of the query begins a word of the name: `Ibad` in `Gubad Ibadoglu`.";
            Fuzzy => "Close in spelling, allowing for typos.";
        }
    };
}
pub(crate) use match_reasons;

macro_rules! match_reason_enum {
    ($( $variant:ident => $doc:literal; )*) => {
        /// How a query matched a name, from strongest to weakest.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub enum MatchReason { $( #[doc = $doc] $variant, )* }
    };
}
match_reasons!(match_reason_enum);

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The entity found.
    pub node: Node,
    /// Its relevance in (0, 1]: 1 is an exact match of its name.
    pub score: f64,
    /// The name or alias that matched, as written in the data.
    pub matched: String,
    /// How it matched.
    pub reason: MatchReason,
}

impl Version {
    /// The entities whose name or an alias matches `text`, best first, at most `limit`,
    /// optionally only of some kinds. Equal scores are ordered by prominence — more relations
    /// first ([`Graph::degree`](super::Graph::degree)) — then by name, then by id order, so the same graph always
    /// answers alike. The index leads to the names holding a match of one query word (the
    /// rarest), read tier by tier and bucket by bucket of name length, best possible score
    /// first and each in order of prominence, until the hits kept outrank everything left
    /// (see `search::walk`): O(query words × log W + the lead's words + names read × name length +
    /// the trie walk for the lead's typos, when they can still make the answer) for W
    /// distinct words. Gives exactly what [`Version::search_scan`] gives.
    pub fn search(&self, text: &str, kinds: Option<&[EntityKind]>, limit: usize) -> Vec<Hit> {
        let Some(q) = SearchQuery::parse(text) else {
            return Vec::new();
        };
        if limit == 0 {
            return Vec::new();
        }
        self.search_indexed(&q, kinds, limit)
    }

    /// Whether the index's names of `node` are scored: not when its entity changed (or went)
    /// since the index was built — the search layer scores it then — nor when it is not of
    /// `kinds`. O(1).
    pub(super) fn scored_from_index(&self, node: Node, kinds: Option<&[EntityKind]>) -> bool {
        !self.stale_since_layout(node) && kinds.is_none_or(|k| k.contains(&self.entity_kind(node)))
    }

    /// [`Version::search`] by scoring every name and alias, without the index: the reference
    /// the index is checked against. O(number of names × name length + hits × log hits).
    pub fn search_scan(&self, text: &str, kinds: Option<&[EntityKind]>, limit: usize) -> Vec<Hit> {
        let Some(q) = SearchQuery::parse(text) else {
            return Vec::new();
        };
        if limit == 0 {
            return Vec::new();
        }
        self.rank(&q, 0..self.search.names.len(), kinds, limit)
    }

    /// Scores the names at `names` (indices into the index's names, each entity's together),
    /// keeps each entity's best (the first of equal scores), and ranks them: the best
    /// `limit` picked, then sorted.
    fn rank(
        &self,
        q: &SearchQuery,
        names: impl Iterator<Item = usize>,
        kinds: Option<&[EntityKind]>,
        limit: usize,
    ) -> Vec<Hit> {
        let index = &self.search;
        // (node, score, reason, which name, degree) of each entity's best name.
        let mut hits: Vec<(Node, f64, MatchReason, u32, usize)> = Vec::new();
        for i in names {
            let name = &index.names[i];
            if !self.scored_from_index(name.node, kinds) {
                continue;
            }
            let folded = index.text.get(name.folded);
            let loose = index.text.get(name.loose);
            let Some((score, reason)) = score(name.is_alias(), folded, loose, q) else {
                continue;
            };
            match hits.last_mut() {
                Some(last) if last.0 == name.node => {
                    if score > last.1 {
                        (last.1, last.2, last.3) = (score, reason, name.which);
                    }
                }
                _ => hits.push((name.node, score, reason, name.which, 0)),
            }
        }
        // The entities added or changed since the index's layout (see
        // `Graph::touched_since_layout`), scored from their names folded now: after the
        // index's, as the scan would meet them.
        for &node in self.touched_since_layout() {
            if kinds.is_some_and(|k| !k.contains(&self.entity_kind(node))) {
                continue;
            }
            let e = self.entity(node);
            let texts = std::iter::once(e.name()).chain(e.aliases().iter().map(String::as_str));
            let mut best: Option<(f64, MatchReason, u32)> = None;
            for (which, text) in texts.enumerate() {
                let folded = fold(text);
                if folded.is_empty() {
                    continue;
                }
                let Some((score, reason)) = score(which != 0, &folded, &loose(&folded), q) else {
                    continue;
                };
                if best.is_none_or(|b| score > b.0) {
                    best = Some((score, reason, which as u32));
                }
            }
            if let Some((score, reason, which)) = best {
                hits.push((node, score, reason, which, 0));
            }
        }
        // Only hits scoring at least the `limit`-th best score can be in the answer; the
        // tie-breaks (degree, name) are looked up for those alone.
        if hits.len() > limit {
            let (_, kth, _) = hits.select_nth_unstable_by(limit - 1, |a, b| b.1.total_cmp(&a.1));
            let kth = kth.1;
            hits.retain(|h| h.1 >= kth);
        }
        // Each hit's degree once, not once per comparison.
        for hit in &mut hits {
            hit.4 = self.degree(hit.0);
        }
        let order = |a: &(Node, f64, MatchReason, u32, usize),
                     b: &(Node, f64, MatchReason, u32, usize)| {
            ranking(
                (a.1, a.4, self.entity(a.0).name(), a.0),
                (b.1, b.4, self.entity(b.0).name(), b.0),
            )
        };
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit - 1, order);
            hits.truncate(limit);
        }
        hits.sort_unstable_by(order);
        hits.into_iter()
            .map(|(node, score, reason, which, _)| {
                let e = self.entity(node);
                let matched = match which {
                    0 => e.name(),
                    i => e.aliases()[i as usize - 1].as_str(),
                };
                Hit {
                    node,
                    score,
                    matched: matched.to_string(),
                    reason,
                }
            })
            .collect()
    }

    /// [`merge_hits`] with this graph's relation counts and names as the tie-breaks.
    pub fn merge_hits(&self, a: Vec<Hit>, b: Vec<Hit>, limit: usize) -> Vec<Hit> {
        merge_hits(a, b, limit, |n| (self.degree(n), self.entity(n).name()))
    }
}

/// The order of hits, best first: higher score, then more relations, then name (by bytes),
/// then node. Each side is (score, relation count, name, node).
fn ranking(a: (f64, usize, &str, Node), b: (f64, usize, &str, Node)) -> Ordering {
    b.0.total_cmp(&a.0)
        .then_with(|| b.1.cmp(&a.1))
        .then_with(|| a.2.cmp(b.2))
        .then_with(|| a.3.cmp(&b.3))
}

/// Two lists of hits, each ranked as [`Version::search`] ranks them, merged into one ranked
/// the same way, at most `limit`: for an overlay of recent writes, whose names are scored
/// with [`SearchQuery::score_name`] beside the index's hits. An entity in both lists keeps
/// its higher-scored hit (`a`'s on a tie). `prominence` gives an entity's relation count and
/// name, the tie-breaks. O((a + b) × log(a + b)).
pub fn merge_hits<'n>(
    a: Vec<Hit>,
    b: Vec<Hit>,
    limit: usize,
    prominence: impl Fn(Node) -> (usize, &'n str),
) -> Vec<Hit> {
    let mut all: Vec<(Hit, usize, &'n str)> = Vec::with_capacity(a.len() + b.len());
    let mut best: std::collections::HashMap<Node, usize> = std::collections::HashMap::new();
    for hit in a.into_iter().chain(b) {
        let (degree, name) = prominence(hit.node);
        match best.get(&hit.node) {
            Some(&i) if all[i].0.score >= hit.score => {}
            Some(&i) => all[i] = (hit, degree, name),
            None => {
                best.insert(hit.node, all.len());
                all.push((hit, degree, name));
            }
        }
    }
    all.sort_by(|(a, da, na), (b, db, nb)| {
        ranking((a.score, *da, na, a.node), (b.score, *db, nb, b.node))
    });
    all.truncate(limit);
    all.into_iter().map(|(hit, _, _)| hit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, Id};
    use crate::store::GraphBuilder;

    fn graph(names: &[(&str, &str, &[&str])]) -> Version {
        let mut b = GraphBuilder::new();
        for (id, name, aliases) in names {
            let mut e = Entity::new(Id::parse(id).unwrap(), EntityKind::Person, *name);
            e.aliases = aliases.iter().map(|a| a.to_string()).collect();
            b.add_entity(e).unwrap();
        }
        Version::new(b.build().unwrap())
    }

    fn top(g: &Version, q: &str) -> Vec<(String, MatchReason)> {
        g.search(q, None, 10)
            .into_iter()
            .map(|h| (g.entity(h.node).id().to_string(), h.reason))
            .collect()
    }

    #[test]
    fn ranks_exact_over_alias_over_prefix_over_fuzzy() {
        let g = graph(&[
            ("gubad-ibadoglu", "Gubad Ibadoglu", &["Gubad Bey"]),
            ("galib-toghrul-bey", "Galib Toghrul Bey", &[]),
            ("rail-abbasov", "Rail Abbasov", &[]),
            ("nemat-abbasov", "Nemat Abbasov", &[]),
        ]);
        assert_eq!(
            top(&g, "gubad ibadoglu")[0],
            ("gubad-ibadoglu".into(), MatchReason::Exact)
        );
        assert_eq!(
            top(&g, "GUBAD BEY")[0],
            ("gubad-ibadoglu".into(), MatchReason::Alias)
        );
        assert_eq!(
            top(&g, "Qubad İbadoğlu")[0],
            ("gubad-ibadoglu".into(), MatchReason::Transliteration)
        );
        assert_eq!(
            top(&g, "Ibadoghlu")[0],
            ("gubad-ibadoglu".into(), MatchReason::Words)
        );
        assert_eq!(
            top(&g, "Ibad")[0],
            ("gubad-ibadoglu".into(), MatchReason::Prefix)
        );
        assert_eq!(
            top(&g, "Ibadolgu")[0],
            ("gubad-ibadoglu".into(), MatchReason::Fuzzy)
        );
        let rail = top(&g, "Rail Abbasov");
        assert_eq!(rail[0].0, "rail-abbasov");
        assert!(rail.iter().all(|(id, _)| id != "nemat-abbasov"));
        let abbasov = top(&g, "Abbasov");
        assert_eq!(abbasov.len(), 2);
    }

    #[test]
    fn loose_keys_never_cross_words() {
        for name in [
            "Gubad Ibadoghlu",
            "Qubad İbadoğlu",
            "Ilham Aliyev",
            "Bakhtiyar Hajiyev",
            "Tofig Yagublu",
            "Anar Mammadli",
            "Ксения Ц",
            "x x",
            "ya ya yev",
            "Ruben Vardanyan",
        ] {
            let folded = fold(name);
            let whole = loose(&folded);
            let by_word: Vec<String> = folded.split(' ').map(loose).collect();
            assert_eq!(whole.split(' ').collect::<Vec<_>>(), by_word, "{name}");
        }
    }

    #[test]
    fn nothing_matches_an_empty_or_unrelated_query() {
        let g = graph(&[("rail-abbasov", "Rail Abbasov", &[])]);
        assert!(g.search("", None, 10).is_empty());
        assert!(g.search("  ,, ", None, 10).is_empty());
        assert!(g.search("Macron", None, 10).is_empty());
    }
}
