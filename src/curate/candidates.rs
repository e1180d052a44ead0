//! Pairs of entities a curator should look at: possibly one entity recorded twice.

use crate::model::{EntityKind, Id};
use crate::store::{fold, loose, Deadline, Expired, Graph, Node, Ticker};
use hashbrown::{HashMap, HashSet};

/// Why two entities look alike, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Likeness {
    /// Their names are the same once case, diacritics and script are folded.
    SameName,
    /// One's name is the other's alias, or they share an alias (folded).
    SameAlias,
    /// Their names differ only in spacing, punctuation or transliteration ("Kim Jong Un",
    /// "Kim Jong-Un"), and they share a neighbour.
    SimilarName,
}

/// One pair to look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// One entity (the one with more relations, then the smaller id).
    pub a: Node,
    /// The other.
    pub b: Node,
    /// Why they look alike.
    pub likeness: Likeness,
    /// The neighbours they share.
    pub shared_neighbours: usize,
}

/// Most entities one folded name is compared within (the best connected); a name shared by
/// thousands of entities is not a duplicate a curator can review pair by pair.
const MAX_GROUP: usize = 50;

/// Letters and digits of the loose folding, for "near-identical" names.
fn squeezed(name: &str) -> String {
    loose(&fold(name))
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Pairs of entities of the same kind (of `kinds`, if given) that may be one entity, not
/// judged distinct by a curator: strongest likeness first, then most shared neighbours, then
/// ids. At most `first`. O(V + names), plus the pairs within each group of alike names.
pub fn duplicate_candidates(
    graph: &Graph,
    kinds: Option<&[EntityKind]>,
    first: usize,
    deadline: Deadline,
) -> Result<Vec<Candidate>, Expired> {
    let mut ticker = Ticker::new(deadline);
    let mut groups: HashMap<(EntityKind, u8, String), Vec<Node>> = HashMap::new();
    for n in graph.entities(kinds) {
        ticker.tick()?;
        let e = graph.entity(n);
        let kind = e.kind();
        let name = fold(e.name());
        let mut keys = vec![(0u8, name.clone()), (2u8, squeezed(e.name()))];
        keys.push((1, name));
        for a in e.aliases() {
            keys.push((1, fold(a)));
        }
        keys.sort();
        keys.dedup();
        for (tier, key) in keys {
            if !key.is_empty() {
                groups.entry((kind, tier, key)).or_default().push(n);
            }
        }
    }
    let mut best: HashMap<(Node, Node), Likeness> = HashMap::new();
    for ((_, tier, _), mut nodes) in groups {
        if nodes.len() < 2 {
            continue;
        }
        nodes.sort_by_key(|&n| (std::cmp::Reverse(graph.degree(n)), graph.entity(n).id()));
        nodes.dedup();
        nodes.truncate(MAX_GROUP);
        let likeness = match tier {
            0 => Likeness::SameName,
            1 => Likeness::SameAlias,
            _ => Likeness::SimilarName,
        };
        for (i, &a) in nodes.iter().enumerate() {
            for &b in &nodes[i + 1..] {
                ticker.tick()?;
                let slot = best.entry((a, b)).or_insert(likeness);
                *slot = (*slot).min(likeness);
            }
        }
    }
    let neighbours = |n: Node| -> HashSet<Node> {
        graph
            .incident_iter(n)
            .map(|e| {
                let (f, t) = graph.endpoints(e);
                if f == n {
                    t
                } else {
                    f
                }
            })
            .collect()
    };
    let id = |n: Node| Id::parse(graph.entity(n).id()).expect("stored id");
    let mut out = Vec::new();
    for ((a, b), likeness) in best {
        ticker.tick()?;
        if graph.judged_distinct(&id(a), &id(b)) {
            continue;
        }
        let shared = neighbours(a).intersection(&neighbours(b)).count();
        if likeness == Likeness::SimilarName && shared == 0 {
            continue;
        }
        out.push(Candidate {
            a,
            b,
            likeness,
            shared_neighbours: shared,
        });
    }
    out.sort_by(|x, y| {
        (x.likeness, std::cmp::Reverse(x.shared_neighbours))
            .cmp(&(y.likeness, std::cmp::Reverse(y.shared_neighbours)))
            .then_with(|| graph.entity(x.a).id().cmp(graph.entity(y.a).id()))
            .then_with(|| graph.entity(x.b).id().cmp(graph.entity(y.b).id()))
    });
    out.truncate(first);
    Ok(out)
}
