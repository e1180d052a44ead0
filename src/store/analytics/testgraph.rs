//! Small graphs with known answers, shared by the analytics tests.
//!
//! Numbered graphs name their entities `n000`, `n001`, … so that entity (id) order is number
//! order, and the expected values in the tests were computed with networkx 3.6 on the same
//! graph (`nx.Graph` of the relations, self-loops removed).

use super::rng::SplitMix64;
use super::Betweenness;
use crate::model::{Citation, Document, Entity, EntityKind, Id, Relation, RelationKind};
use crate::store::{Graph, GraphBuilder, Node};

/// A graph built by hand, one call per entity or relation; every relation cites one document.
pub(super) struct TestGraph {
    b: GraphBuilder,
    relations: usize,
}

fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
}

/// The id of numbered entity `i`.
pub(super) fn num(i: usize) -> String {
    format!("n{i:03}")
}

impl TestGraph {
    pub(super) fn new() -> TestGraph {
        let mut b = GraphBuilder::new();
        b.add_document(Document {
            id: id("doc"),
            title: "A document".into(),
            publisher: None,
            published: None,
            url: None,
        })
        .unwrap();
        TestGraph { b, relations: 0 }
    }

    pub(super) fn entity(&mut self, slug: &str, kind: EntityKind) -> &mut TestGraph {
        self.b
            .add_entity(Entity::new(id(slug), kind, slug))
            .unwrap();
        self
    }

    pub(super) fn relation(&mut self, from: &str, kind: RelationKind, to: &str) -> &mut TestGraph {
        self.relations += 1;
        self.b
            .add_relation(Relation::cited(
                id(&format!("r{}", self.relations)),
                kind,
                id(from),
                id(to),
                Citation {
                    document: id("doc"),
                    quote: format!("{from} {} {to}", kind.label()),
                },
            ))
            .unwrap();
        self
    }

    pub(super) fn build(&mut self) -> Graph {
        std::mem::take(&mut self.b).build().unwrap()
    }

    /// People `n000..n{n-1}` with an `ASSOCIATE_OF` relation for each pair in `ties`.
    pub(super) fn numbered(n: usize, ties: &[(usize, usize)]) -> Graph {
        let mut t = TestGraph::new();
        for i in 0..n {
            t.entity(&num(i), EntityKind::Person);
        }
        for &(a, b) in ties {
            t.relation(&num(a), RelationKind::AssociateOf, &num(b));
        }
        t.build()
    }

    /// The path 0 - 1 - … - (n-1).
    pub(super) fn path(n: usize) -> Graph {
        let ties: Vec<_> = (1..n).map(|i| (i - 1, i)).collect();
        TestGraph::numbered(n, &ties)
    }

    /// A hub, 0, tied to `leaves` leaves.
    pub(super) fn star(leaves: usize) -> Graph {
        let ties: Vec<_> = (1..=leaves).map(|i| (0, i)).collect();
        TestGraph::numbered(leaves + 1, &ties)
    }

    /// Two 4-cliques, 0-3 and 4-7, joined by the bridge 3 - 4.
    pub(super) fn two_cliques() -> Graph {
        let mut ties = vec![(3, 4)];
        for base in [0, 4] {
            for a in 0..4 {
                for b in a + 1..4 {
                    ties.push((base + a, base + b));
                }
            }
        }
        TestGraph::numbered(8, &ties)
    }

    /// A triangle 0-1-2, a pair 3 - 4, and 5 alone.
    pub(super) fn disconnected() -> Graph {
        TestGraph::numbered(6, &[(0, 1), (1, 2), (0, 2), (3, 4)])
    }

    /// The ties 0-1, 1-2, 2-3, 1-3, with 0-1 stated twice (in two kinds), 1-2 stated in both
    /// directions, and a self-loop on 3: as a simple graph, the same as [`TestGraph::simple`].
    pub(super) fn parallel() -> Graph {
        let mut t = TestGraph::new();
        for i in 0..4 {
            t.entity(&num(i), EntityKind::Person);
        }
        let (n0, n1, n2, n3) = (num(0), num(1), num(2), num(3));
        t.relation(&n0, RelationKind::AssociateOf, &n1)
            .relation(&n0, RelationKind::Met, &n1)
            .relation(&n1, RelationKind::Called, &n2)
            .relation(&n2, RelationKind::Called, &n1)
            .relation(&n2, RelationKind::AssociateOf, &n3)
            .relation(&n1, RelationKind::AssociateOf, &n3)
            .relation(&n3, RelationKind::AssociateOf, &n3);
        t.build()
    }

    /// [`TestGraph::parallel`] with each tie stated once and no self-loop.
    pub(super) fn simple() -> Graph {
        TestGraph::numbered(4, &[(0, 1), (1, 2), (2, 3), (1, 3)])
    }

    /// Zachary's karate club (34 members, 78 ties), as `nx.karate_club_graph()` without weights.
    pub(super) fn karate() -> Graph {
        TestGraph::numbered(34, KARATE)
    }

    /// A random-ish connected graph: `n` people, each tied to `per_node` earlier ones picked
    /// by a seeded generator (repeats collapse).
    pub(super) fn random(n: usize, per_node: usize, seed: u64) -> Graph {
        let mut rng = SplitMix64::new(seed);
        let mut ties = Vec::new();
        for i in 1..n {
            for _ in 0..per_node {
                ties.push((rng.below(i), i));
            }
        }
        TestGraph::numbered(n, &ties)
    }
}

#[rustfmt::skip]
const KARATE: &[(usize, usize)] = &[
    (0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0, 6), (0, 7), (0, 8), (0, 10), (0, 11), (0, 12),
    (0, 13), (0, 17), (0, 19), (0, 21), (0, 31), (1, 2), (1, 3), (1, 7), (1, 13), (1, 17),
    (1, 19), (1, 21), (1, 30), (2, 3), (2, 7), (2, 8), (2, 9), (2, 13), (2, 27), (2, 28),
    (2, 32), (3, 7), (3, 12), (3, 13), (4, 6), (4, 10), (5, 6), (5, 10), (5, 16), (6, 16),
    (8, 30), (8, 32), (8, 33), (9, 33), (13, 33), (14, 32), (14, 33), (15, 32), (15, 33),
    (18, 32), (18, 33), (19, 33), (20, 32), (20, 33), (22, 32), (22, 33), (23, 25), (23, 27),
    (23, 29), (23, 32), (23, 33), (24, 25), (24, 27), (24, 31), (25, 31), (26, 29), (26, 33),
    (27, 33), (28, 31), (28, 33), (29, 32), (29, 33), (30, 32), (30, 33), (31, 32), (31, 33),
    (32, 33),
];

/// The ids of a list of handles.
pub(super) fn ids(g: &Graph, nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .map(|&n| g.entity(n).id().to_string())
        .collect()
}

/// Scores by entity id, in the order given.
pub(super) fn scores(g: &Graph, scores: &[(Node, f64)]) -> Vec<(String, f64)> {
    scores
        .iter()
        .map(|&(n, s)| (g.entity(n).id().to_string(), s))
        .collect()
}

/// Asserts that `actual`, in entity order, equals `expected` within `tolerance` each.
#[track_caller]
pub(super) fn assert_close(actual: &[(Node, f64)], expected: &[f64], tolerance: f64) {
    let values: Vec<f64> = actual.iter().map(|p| p.1).collect();
    assert_eq!(values.len(), expected.len(), "{values:?} vs {expected:?}");
    for (i, (a, e)) in values.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance,
            "entity {i}: {a} vs {e} (all: {values:?})"
        );
    }
}

/// The largest difference between a sampled betweenness and the exact one, entity by entity.
pub(super) fn worst_error(exact: &Betweenness, sampled: &Betweenness) -> f64 {
    exact
        .scores
        .iter()
        .zip(&sampled.scores)
        .map(|(e, s)| (e.1 - s.1).abs())
        .fold(0.0, f64::max)
}
