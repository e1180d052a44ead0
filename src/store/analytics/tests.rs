//! The scopes and the cache, across the analyses.

use super::testgraph::{ids, scores, TestGraph};
use super::*;
use crate::model::EntityKind::{Organisation, Person};
use crate::model::RelationKind::{Called, MemberOf, Met};
use crate::store::graph::{Graph, Node};
use crate::store::version::Version;
use std::sync::Arc;

#[test]
fn a_second_ranking_call_is_a_cache_hit() {
    let g = Version::new(TestGraph::path(4));
    for measure in [Measure::Degree, Measure::PageRank, Measure::Betweenness] {
        let first = g
            .ranking(measure, &Scope::all(), &Work::unlimited())
            .unwrap();
        let second = g
            .ranking(measure, &Scope::all(), &Work::unlimited())
            .unwrap();
        assert!(Arc::ptr_eq(&first, &second), "{measure:?}");
    }
    let c = g
        .cached_communities(&Scope::all(), &Work::unlimited())
        .unwrap();
    assert!(Arc::ptr_eq(
        &c,
        &g.cached_communities(&Scope::all(), &Work::unlimited())
            .unwrap()
    ));
    let c = g
        .cached_components(&Scope::all(), &Work::unlimited())
        .unwrap();
    assert!(Arc::ptr_eq(
        &c,
        &g.cached_components(&Scope::all(), &Work::unlimited())
            .unwrap()
    ));
}

#[test]
fn equal_scopes_in_another_order_share_a_cache_entry() {
    let g = Version::new(TestGraph::path(4));
    let (a, b) = (g.node("n000").unwrap(), g.node("n001").unwrap());
    let messy = Scope {
        nodes: Some(vec![b, a, b]),
        ..Scope::default()
    };
    let tidy = Scope {
        nodes: Some(vec![a, b]),
        ..Scope::default()
    };
    let first = g
        .ranking(Measure::Degree, &messy, &Work::unlimited())
        .unwrap();
    assert!(Arc::ptr_eq(
        &first,
        &g.ranking(Measure::Degree, &tidy, &Work::unlimited())
            .unwrap()
    ));
    assert_eq!(
        scores(&g, &first),
        [("n000".into(), 1.0), ("n001".into(), 1.0)]
    );
    let other = g
        .ranking(Measure::Degree, &Scope::all(), &Work::unlimited())
        .unwrap();
    assert!(!Arc::ptr_eq(&first, &other));
}

#[test]
fn the_next_version_starts_with_an_empty_cache_and_computes_the_same() {
    let g = Version::new(TestGraph::path(4));
    let first = g
        .ranking(Measure::PageRank, &Scope::all(), &Work::unlimited())
        .unwrap();
    let copy = g.next(g.graph().clone());
    let again = copy
        .ranking(Measure::PageRank, &Scope::all(), &Work::unlimited())
        .unwrap();
    assert!(!Arc::ptr_eq(&first, &again));
    assert_eq!(first, again);
}

#[test]
fn rankings_are_best_first_with_ties_in_entity_order() {
    let g = Version::new(TestGraph::path(4));
    let ranked = g
        .ranking(Measure::Betweenness, &Scope::all(), &Work::unlimited())
        .unwrap();
    assert_eq!(
        scores(&g, &ranked),
        [
            ("n001".into(), 2.0 / 3.0),
            ("n002".into(), 2.0 / 3.0),
            ("n000".into(), 0.0),
            ("n003".into(), 0.0),
        ]
    );
    let ranked = g
        .ranking(Measure::Degree, &Scope::all(), &Work::unlimited())
        .unwrap();
    let order: Vec<Node> = ranked.iter().map(|&(n, _)| n).collect();
    assert_eq!(ids(&g, &order), ["n001", "n002", "n000", "n003"]);
}

/// Alice and Bob met; Bob called Carol; Alice and Carol are members of an organisation.
fn mixed() -> Graph {
    let mut t = TestGraph::new();
    t.entity("alice", Person)
        .entity("bob", Person)
        .entity("carol", Person)
        .entity("union", Organisation);
    t.relation("alice", Met, "bob")
        .relation("bob", Called, "carol")
        .relation("alice", MemberOf, "union")
        .relation("carol", MemberOf, "union");
    t.build()
}

#[test]
fn a_relation_kind_scope_keeps_only_those_ties() {
    let g = mixed();
    let all = g.degree_ranking(&Scope::all());
    assert_eq!(
        scores(&g, &all),
        [
            ("alice".into(), 2.0),
            ("bob".into(), 2.0),
            ("carol".into(), 2.0),
            ("union".into(), 2.0),
        ]
    );
    let talk = Scope {
        relation_kinds: Some(vec![Met, Called]),
        ..Scope::default()
    };
    // Every entity stays in scope; only the ties change.
    assert_eq!(
        scores(&g, &g.degree_ranking(&talk)),
        [
            ("alice".into(), 1.0),
            ("bob".into(), 2.0),
            ("carol".into(), 1.0),
            ("union".into(), 0.0),
        ]
    );
    // The talk ties form a path alice-bob-carol (plus the isolated union): bob is between.
    let between = g.betweenness(&talk, None).scores;
    assert_eq!(
        scores(&g, &between),
        [
            ("alice".into(), 0.0),
            ("bob".into(), 1.0 / 3.0),
            ("carol".into(), 0.0),
            ("union".into(), 0.0),
        ]
    );
}

#[test]
fn an_entity_kind_scope_drops_other_entities_and_their_ties() {
    let g = mixed();
    let people = Scope {
        entity_kinds: Some(vec![Person]),
        ..Scope::default()
    };
    assert_eq!(
        scores(&g, &g.degree_ranking(&people)),
        [
            ("alice".into(), 1.0),
            ("bob".into(), 2.0),
            ("carol".into(), 1.0),
        ]
    );
    let groups: Vec<Vec<String>> = g.components(&people).iter().map(|c| ids(&g, c)).collect();
    assert_eq!(groups, [["alice", "bob", "carol"]]);
    let nobody = Scope {
        entity_kinds: Some(vec![]),
        ..Scope::default()
    };
    assert!(g.degree_ranking(&nobody).is_empty());
}

#[test]
fn a_node_scope_is_the_induced_subgraph() {
    let g = TestGraph::path(4);
    let first_three: Vec<Node> = ["n002", "n000", "n001"]
        .iter()
        .map(|id| g.node(id).unwrap())
        .collect();
    let scope = Scope {
        nodes: Some(first_three),
        ..Scope::default()
    };
    // P3, in entity order whatever the order given.
    assert_eq!(
        scores(&g, &g.betweenness(&scope, None).scores),
        [
            ("n000".into(), 0.0),
            ("n001".into(), 1.0),
            ("n002".into(), 0.0)
        ]
    );
    let pr = g.pagerank(&scope, 0.85, 1000, 1e-10);
    let total: f64 = pr.iter().map(|p| p.1).sum();
    assert!((total - 1.0).abs() < 1e-12);
    assert_eq!(pr.len(), 3);
}
