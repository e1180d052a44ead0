//! Answering one reconciliation query: candidates from the graph's own name search (the one
//! GraphQL's `search` calls), checked against the query's properties, scored, and marked
//! `match` when the answer is unambiguous.
//!
//! # The match rule
//! The best candidate is a `match` when all of these hold:
//! 1. the query text is its id, or one of its names or aliases read the way search reads
//!    names — ignoring case, diacritics and punctuation, and across transliterations (the
//!    search's `EXACT`, `ALIAS` or `TRANSLITERATION`);
//! 2. no other entity of the types asked for matches the text that strongly: two
//!    "Aliyev"s are a choice for the user, not a match;
//! 3. every property given matched it.
//!
//! Typos, word and prefix matches ("Ibad", "Ibadolgu") are candidates, never matches: a
//! researcher confirms them. The strong tiers score at least 0.87 and the others at most 0.8,
//! so a match is always clearly ahead of the next candidate.
//!
//! # Scores
//! `score` is the search's relevance times 100 (100: the exact name or the id). Each property
//! that no value matched halves it. Candidates are sorted by score, then name.
//!
//! # Types
//! Types restrict the candidates to entities of those kinds, whatever `type_strict` says
//! (`any`, and `should`, which OpenRefine always sends); `all` with two different kinds finds
//! nothing, since an entity has one kind.

use super::batch::{Given, Property, Query, Strictness};
use super::kind_json;
use crate::store::{fold, Graph, Hit, MatchReason, Node, Version};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// How many candidates the search is asked for at least, so that a second strong match is seen
/// (rule 2) and properties can lift a candidate from below the first few.
const FETCH_AT_LEAST: usize = 10;
/// The most entities one property value stands for (`related: "Azerbaijan"` names several).
const VALUE_SPREAD: usize = 100;
/// The factor for each property that no value matched.
const PROPERTY_MISSED: f64 = 0.5;

/// Why a candidate was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// The query text is its id.
    Id,
    /// The name search found it so.
    Name(MatchReason),
}

impl Why {
    fn strong(self) -> bool {
        match self {
            Why::Id => true,
            Why::Name(r) => r <= MatchReason::Transliteration,
        }
    }

    fn feature(self) -> &'static str {
        match self {
            Why::Id => "name_id",
            Why::Name(MatchReason::Exact) => "name_exact",
            Why::Name(MatchReason::Alias) => "name_alias",
            Why::Name(MatchReason::Transliteration) => "name_transliteration",
            Why::Name(MatchReason::Words) => "name_words",
            Why::Name(MatchReason::Prefix) => "name_prefix",
            Why::Name(MatchReason::Fuzzy) => "name_fuzzy",
        }
    }
}

struct Candidate {
    node: Node,
    relevance: f64,
    why: Why,
    properties: Vec<(Property, bool)>,
    score: f64,
}

/// The candidates for one query, best first, at most `q.limit`, as reconciliation candidates
/// (`id`, `name`, `score`, `match`, `type`, `description`, `features`). Costs one search of
/// every name, plus one per property value for `alias` and `related`.
pub fn candidates(g: &Version, q: &Query) -> Vec<Value> {
    let kinds: Option<Vec<_>> = match q.strict {
        _ if q.types.is_empty() => None,
        Strictness::Any => Some(q.types.clone()),
        Strictness::All => {
            let first = q.types[0];
            if q.types.iter().any(|&k| k != first) {
                return Vec::new(); // An entity has one kind.
            }
            Some(vec![first])
        }
    };
    let fetch = q.limit.max(FETCH_AT_LEAST);
    let mut found: Vec<(Node, f64, Why)> = Vec::new();
    let mut seen = HashSet::new();
    let texts: Vec<&str> = match &q.text {
        Some(t) => vec![t.as_str()],
        // Without a name, the aliases given are the names to look for.
        None => values_of(q, Property::Alias).filter_map(text_of).collect(),
    };
    for text in texts {
        if let Some(n) = g.node(text.trim()) {
            if kinds.as_ref().is_none_or(|k| k.contains(&g.entity_kind(n))) && seen.insert(n) {
                found.push((n, 1.0, Why::Id));
            }
        }
        for Hit {
            node,
            score,
            reason,
            ..
        } in g.search(text, kinds.as_deref(), fetch)
        {
            if seen.insert(node) {
                found.push((node, score, Why::Name(reason)));
            }
        }
    }
    let checks: Vec<(Property, Check)> = q
        .properties
        .iter()
        .map(|(p, values)| (*p, Check::new(g, *p, values)))
        .collect();
    let strong = found.iter().filter(|(_, _, why)| why.strong()).count();
    let mut cands: Vec<Candidate> = found
        .into_iter()
        .map(|(node, relevance, why)| {
            let properties: Vec<(Property, bool)> = checks
                .iter()
                .map(|(p, check)| (*p, check.matches(g, node)))
                .collect();
            let mut score = relevance;
            for _ in properties.iter().filter(|(_, ok)| !ok) {
                score *= PROPERTY_MISSED;
            }
            Candidate {
                node,
                relevance,
                why,
                properties,
                score,
            }
        })
        .collect();
    cands.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| g.entity(a.node).name().cmp(g.entity(b.node).name()))
    });
    cands.truncate(q.limit);
    cands
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let is_match =
                i == 0 && c.why.strong() && strong == 1 && c.properties.iter().all(|(_, ok)| *ok);
            candidate_json(g, c, is_match)
        })
        .collect()
}

fn candidate_json(g: &Graph, c: &Candidate, is_match: bool) -> Value {
    let e = g.entity(c.node);
    let mut features = vec![
        json!({ "id": "name_score", "value": round(c.relevance, 4) }),
        json!({ "id": c.why.feature(), "value": true }),
    ];
    features.extend(
        c.properties
            .iter()
            .map(|(p, ok)| json!({ "id": format!("property_{}", p.id()), "value": ok })),
    );
    let mut out = json!({
        "id": e.id(),
        "name": e.name(),
        "score": round(c.score * 100.0, 2),
        "match": is_match,
        "type": [kind_json(e.kind())],
        "features": features,
    });
    if let Some(d) = e.description() {
        out["description"] = Value::from(d);
    }
    out
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn values_of(q: &Query, p: Property) -> impl Iterator<Item = &Given> {
    q.properties
        .iter()
        .filter(move |(pp, _)| *pp == p)
        .flat_map(|(_, vs)| vs.iter())
}

fn text_of(v: &Given) -> Option<&str> {
    match v {
        Given::Text(t) => Some(t),
        Given::Entity { name, .. } => name.as_deref(),
    }
}

/// One property of a query, prepared once for every candidate.
enum Check {
    /// `alias`: the entities each value names as the search reads names.
    Named(Vec<HashSet<Node>>),
    /// `related`: the entities each value names; the candidate must have a relation with one.
    Neighbour(Vec<HashSet<Node>>),
    /// `role`: folded words, per value, to find in one of the roles.
    Words(Vec<String>),
}

impl Check {
    fn new(g: &Version, p: Property, values: &[Given]) -> Check {
        match p {
            Property::Role => Check::Words(
                values
                    .iter()
                    .filter_map(text_of)
                    .map(fold)
                    .filter(|w| !w.is_empty())
                    .collect(),
            ),
            // An alias is a name the search reads as the entity's own: the strong tiers.
            Property::Alias => Check::Named(
                values
                    .iter()
                    .map(|v| named(g, v, MatchReason::Transliteration))
                    .collect(),
            ),
            // A related entity may be named by whole words of its name ("Aliyev").
            Property::Related => Check::Neighbour(
                values
                    .iter()
                    .map(|v| named(g, v, MatchReason::Words))
                    .collect(),
            ),
        }
    }

    /// Whether some value matches the candidate. O(roles), O(values) or O(degree × values).
    fn matches(&self, g: &Graph, node: Node) -> bool {
        match self {
            Check::Words(values) => {
                let roles: Vec<String> = g
                    .entity(node)
                    .roles()
                    .iter()
                    .map(|r| format!(" {} ", fold(r)))
                    .collect();
                values
                    .iter()
                    .any(|v| roles.iter().any(|r| r.contains(&format!(" {v} "))))
            }
            Check::Named(sets) => sets.iter().any(|s| s.contains(&node)),
            Check::Neighbour(sets) => g.incident_iter(node).any(|edge| {
                let (a, b) = g.endpoints(edge);
                let other = if a == node { b } else { a };
                sets.iter().any(|s| s.contains(&other))
            }),
        }
    }
}

/// The entities a value names: the one with its id, and those the search finds for its text
/// at `weakest` or stronger.
fn named(g: &Version, v: &Given, weakest: MatchReason) -> HashSet<Node> {
    let mut set = HashSet::new();
    let (id, text) = match v {
        Given::Text(t) => (Some(t.as_str()), Some(t.as_str())),
        Given::Entity { id, name } => (Some(id.as_str()), name.as_deref()),
    };
    if let Some(n) = id.and_then(|id| g.node(id.trim())) {
        set.insert(n);
    }
    if let Some(t) = text {
        let best: HashMap<Node, MatchReason> = g
            .search(t, None, VALUE_SPREAD)
            .into_iter()
            .map(|h| (h.node, h.reason))
            .collect();
        set.extend(
            best.into_iter()
                .filter(|(_, r)| *r <= weakest)
                .map(|(n, _)| n),
        );
    }
    set
}
