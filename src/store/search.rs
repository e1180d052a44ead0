//! Finding entities by messy names: case, diacritics, scripts, transliterations and typos.
//!
//! Every name and alias is folded once when a graph version is built (see [`super::fold`]).
//! A query is scored against each of them in tiers — exact, transliteration variant, whole
//! words, word prefixes, typos — and an entity's best name decides its score. The hit says
//! which name matched and how.

use super::fold::{fold, loose};
use super::graph::{Graph, Node};
use super::records::{Span, Text};
use crate::model::EntityKind;
use strsim::normalized_damerau_levenshtein as similarity;

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

/// One name or alias of an entity, folded. 24 bytes; the texts live in the index's arena.
#[derive(Debug, Clone, Copy)]
struct Name {
    node: Node,
    /// 0 for the entity's name, `i + 1` for its `i`-th alias.
    which: u32,
    folded: Span,
    /// The loose key of the whole name; its words are the loose keys of the folded words
    /// (the loose rules never cross a space).
    loose: Span,
}

impl Name {
    fn is_alias(&self) -> bool {
        self.which != 0
    }
}

/// The folded names and aliases of every entity of one graph version.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    names: Vec<Name>,
    text: Text,
}

/// The lowest similarity (0..1) counted as a typo rather than a different word.
const TYPO_SIMILARITY: f64 = 0.75;

impl SearchIndex {
    /// Folds every name and alias of the graph. O(total name length).
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
        index
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        self.names.capacity() * std::mem::size_of::<Name>() + self.text.len()
    }
}

impl Graph {
    /// The entities whose name or an alias matches `text`, best first, at most `limit`,
    /// optionally only of some kinds. Equal scores are ordered by prominence — more relations
    /// first ([`Graph::degree`]) — then by name, then by id order, so the same graph always
    /// answers alike. O(number of names × name length + hits × log hits).
    pub fn search(&self, text: &str, kinds: Option<&[EntityKind]>, limit: usize) -> Vec<Hit> {
        let q_folded = fold(text);
        if q_folded.is_empty() || limit == 0 {
            return Vec::new();
        }
        let q_loose = loose(&q_folded);
        let q_words: Vec<(String, String)> = q_folded
            .split(' ')
            .map(|w| (w.to_string(), loose(w)))
            .collect();
        let mut best: std::collections::HashMap<Node, Hit> = std::collections::HashMap::new();
        let index = &self.search;
        for name in &index.names {
            if kinds.is_some_and(|k| !k.contains(&self.entity_kind(name.node))) {
                continue;
            }
            let folded = index.text.get(name.folded);
            let loose = index.text.get(name.loose);
            let Some((score, reason)) = score(
                name.is_alias(),
                folded,
                loose,
                &q_folded,
                &q_loose,
                &q_words,
            ) else {
                continue;
            };
            let e = self.entity(name.node);
            let matched = match name.which {
                0 => e.name(),
                i => e.aliases()[i as usize - 1].as_str(),
            };
            let hit = Hit {
                node: name.node,
                score,
                matched: matched.to_string(),
                reason,
            };
            match best.get(&name.node) {
                Some(h) if h.score >= score => {}
                _ => {
                    best.insert(name.node, hit);
                }
            }
        }
        // Each hit's degree once, not once per comparison.
        let mut hits: Vec<(Hit, usize)> = best
            .into_values()
            .map(|h| {
                let degree = self.degree(h.node);
                (h, degree)
            })
            .collect();
        hits.sort_by(|(a, a_degree), (b, b_degree)| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| b_degree.cmp(a_degree))
                .then_with(|| self.entity(a.node).name().cmp(self.entity(b.node).name()))
                .then_with(|| a.node.cmp(&b.node))
        });
        hits.truncate(limit);
        hits.into_iter().map(|(h, _)| h).collect()
    }
}

/// Scores one name against the query; `None` when it does not match at all.
fn score(
    alias: bool,
    folded: &str,
    loose: &str,
    q_folded: &str,
    q_loose: &str,
    q_words: &[(String, String)],
) -> Option<(f64, MatchReason)> {
    // An alias scores a little below the name itself at every tier.
    let alias_factor = if alias { 0.97 } else { 1.0 };
    if folded == q_folded {
        let reason = if alias {
            MatchReason::Alias
        } else {
            MatchReason::Exact
        };
        return Some((if alias { 0.95 } else { 1.0 }, reason));
    }
    if loose == q_loose {
        return Some((0.9 * alias_factor, MatchReason::Transliteration));
    }
    // Word by word: each query word must find a word of the name.
    let mut total = 0.0;
    let mut worst = MatchReason::Words;
    // Which words of the name a query word took, as bits (a name's 65th word on is never
    // marked, which only lowers its coverage).
    let mut used = 0u64;
    for (qf, ql) in q_words {
        let mut best: Option<(f64, MatchReason, usize)> = None;
        for (i, wl) in loose.split(' ').enumerate() {
            let candidate = if wl == ql {
                Some((1.0, MatchReason::Words))
            } else if ql.len() >= 2 && wl.starts_with(ql.as_str()) {
                Some((0.85, MatchReason::Prefix))
            } else if qf.chars().count() >= 4 {
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
        let word_score = total / q_words.len() as f64;
        let coverage = f64::from(used.count_ones()) / loose.split(' ').count() as f64;
        return Some((
            0.8 * word_score * (0.7 + 0.3 * coverage) * alias_factor,
            worst,
        ));
    }
    None
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
