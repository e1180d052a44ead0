//! Finding entities by messy names: case, diacritics, scripts, transliterations and typos.
//!
//! Every name and alias is folded once when a graph version is built (see [`super::fold`]),
//! and indexed ([`index`]): its loose words, word → names postings and the words' trigrams.
//! A query finds its candidate names through the index, scores each in tiers — exact,
//! transliteration variant, whole words, word prefixes, typos ([`score`]) — and an entity's
//! best name decides its score. The hit says which name matched and how.
//!
//! [`Graph::search_scan`] scores every name instead: it is the reference the index is tested
//! against (same hits, same order), and the "before" of the benchmarks.

#[cfg(test)]
mod equivalence;
mod index;
mod score;

use super::fold::{fold, loose};
use super::graph::{Graph, Node};
use crate::model::EntityKind;
pub use index::SearchIndex;
use score::{score, Query};

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

impl Graph {
    /// The entities whose name or an alias matches `text`, best first, at most `limit`,
    /// optionally only of some kinds. Equal scores are ordered by prominence — more relations
    /// first ([`Graph::degree`]) — then by name, then by id order, so the same graph always
    /// answers alike. The index leads to the names of the query word with the fewest
    /// matches; only those are scored: O(query words × (log W + its trigrams' postings) +
    /// candidates × name length + hits × log hits) for W distinct words. Gives exactly what
    /// [`Graph::search_scan`] gives.
    pub fn search(&self, text: &str, kinds: Option<&[EntityKind]>, limit: usize) -> Vec<Hit> {
        let Some(q) = Query::parse(text) else {
            return Vec::new();
        };
        if limit == 0 {
            return Vec::new();
        }
        let candidates = self.search.candidates(&q);
        self.rank(&q, candidates.into_iter().map(|i| i as usize), kinds, limit)
    }

    /// [`Graph::search`] by scoring every name and alias, without the index: the reference
    /// the index is checked against. O(number of names × name length + hits × log hits).
    pub fn search_scan(&self, text: &str, kinds: Option<&[EntityKind]>, limit: usize) -> Vec<Hit> {
        let Some(q) = Query::parse(text) else {
            return Vec::new();
        };
        if limit == 0 {
            return Vec::new();
        }
        self.rank(&q, 0..self.search.names.len(), kinds, limit)
    }

    /// Scores the names at `names` (ascending indices into the index's names), keeps each
    /// entity's best (the first of equal scores), and ranks them.
    fn rank(
        &self,
        q: &Query,
        names: impl Iterator<Item = usize>,
        kinds: Option<&[EntityKind]>,
        limit: usize,
    ) -> Vec<Hit> {
        let index = &self.search;
        // (score, reason, which name) of each entity's best name so far.
        let mut best: std::collections::HashMap<Node, (f64, MatchReason, u32)> =
            std::collections::HashMap::new();
        for i in names {
            let name = &index.names[i];
            // An entity changed since the index was built is scored from the search layer.
            if !self.search_stale.is_empty() && self.search_stale.contains(&name.node) {
                continue;
            }
            if kinds.is_some_and(|k| !k.contains(&self.entity_kind(name.node))) {
                continue;
            }
            let folded = index.text.get(name.folded);
            let loose = index.text.get(name.loose);
            let Some((score, reason)) = score(name.is_alias(), folded, loose, q) else {
                continue;
            };
            match best.get(&name.node) {
                Some((s, _, _)) if *s >= score => {}
                _ => {
                    best.insert(name.node, (score, reason, name.which));
                }
            }
        }
        // The entities added since the index was built (see `Graph::search_layer`), scored
        // from their names folded now: after the index's, as the scan would meet them.
        for &node in &self.search_layer {
            if kinds.is_some_and(|k| !k.contains(&self.entity_kind(node))) {
                continue;
            }
            let e = self.entity(node);
            let texts = std::iter::once(e.name()).chain(e.aliases().iter().map(String::as_str));
            for (which, text) in texts.enumerate() {
                let folded = fold(text);
                if folded.is_empty() {
                    continue;
                }
                let Some((score, reason)) = score(which != 0, &folded, &loose(&folded), q) else {
                    continue;
                };
                match best.get(&node) {
                    Some((s, _, _)) if *s >= score => {}
                    _ => {
                        best.insert(node, (score, reason, which as u32));
                    }
                }
            }
        }
        // Each hit's degree once, not once per comparison.
        let mut hits: Vec<(Node, f64, MatchReason, u32, usize)> = best
            .into_iter()
            .map(|(node, (score, reason, which))| (node, score, reason, which, self.degree(node)))
            .collect();
        hits.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| b.4.cmp(&a.4))
                .then_with(|| self.entity(a.0).name().cmp(self.entity(b.0).name()))
                .then_with(|| a.0.cmp(&b.0))
        });
        hits.truncate(limit);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, Id};
    use crate::store::GraphBuilder;

    fn graph(names: &[(&str, &str, &[&str])]) -> Graph {
        let mut b = GraphBuilder::new();
        for (id, name, aliases) in names {
            let mut e = Entity::new(Id::parse(id).unwrap(), EntityKind::Person, *name);
            e.aliases = aliases.iter().map(|a| a.to_string()).collect();
            b.add_entity(e).unwrap();
        }
        b.build().unwrap()
    }

    fn top(g: &Graph, q: &str) -> Vec<(String, MatchReason)> {
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
