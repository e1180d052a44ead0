//! Traversals on the fixture graph: neighbours, neighbourhoods, shortest paths, all paths and
//! the timeline, including disconnected, cyclic and self-referencing cases.

use crate::support::{ids, n, traversal_graph, Fixture};
use dossier::model::{Date, EntityKind, RelationKind};
use dossier::store::{
    Deadline, Direction, Filter, Graph, Node, RelationQuery, Route, Store, Version,
};

/// Shorthands for searches with no deadline.
trait Walk {
    fn sp(&self, a: Node, b: Node, f: &Filter, directed: bool) -> Option<Route>;
    fn ps(&self, a: Node, b: Node, max_len: usize, limit: usize, f: &Filter) -> Vec<Route>;
}

impl Walk for Graph {
    fn sp(&self, a: Node, b: Node, f: &Filter, directed: bool) -> Option<Route> {
        self.shortest_path(a, b, f, directed, Deadline::none())
            .unwrap()
    }
    fn ps(&self, a: Node, b: Node, max_len: usize, limit: usize, f: &Filter) -> Vec<Route> {
        self.paths(a, b, max_len, limit, f, Deadline::none())
            .unwrap()
    }
}

fn filter(direction: Direction) -> Filter<'static> {
    Filter {
        direction,
        ..Filter::default()
    }
}

#[test]
fn neighbours_follow_direction_and_symmetric_relations_match_both() {
    let g = traversal_graph();
    let ann = n(&g, "ann");
    assert_eq!(
        ids(&g, &g.neighbours(ann, &filter(Direction::Both))),
        ["gov", "ngo", "bob"]
    );
    // ann CALLED bob is symmetric, so it counts as outgoing and incoming alike.
    assert_eq!(
        ids(&g, &g.neighbours(ann, &filter(Direction::Outgoing))),
        ["bob"]
    );
    assert_eq!(
        ids(&g, &g.neighbours(ann, &filter(Direction::Incoming))),
        ["gov", "ngo", "bob"]
    );
    let bob = n(&g, "bob");
    assert_eq!(
        ids(&g, &g.neighbours(bob, &filter(Direction::Outgoing))),
        ["ann", "ngo"]
    );
}

#[test]
fn neighbours_filter_by_relation_kind_and_entity_kind() {
    let g = traversal_graph();
    let ann = n(&g, "ann");
    let kinds = [RelationKind::Arrested, RelationKind::Called];
    let f = Filter {
        relation_kinds: Some(&kinds),
        ..Filter::default()
    };
    assert_eq!(ids(&g, &g.neighbours(ann, &f)), ["gov", "bob"]);
    let people = [EntityKind::Person];
    let f = Filter {
        entity_kinds: Some(&people),
        ..Filter::default()
    };
    assert_eq!(ids(&g, &g.neighbours(ann, &f)), ["bob"]);
}

#[test]
fn a_self_loop_is_one_relation_and_its_entity_is_its_own_neighbour() {
    let g = traversal_graph();
    let selfie = n(&g, "selfie");
    assert_eq!(g.degree(selfie), 1);
    assert_eq!(g.relations_of(selfie, &Filter::default()).len(), 1);
    assert_eq!(
        ids(&g, &g.neighbours(selfie, &Filter::default())),
        ["selfie"]
    );
    let sub = g.neighbourhood(&[selfie], 2, &Filter::default(), 10);
    assert_eq!(ids(&g, &sub.nodes), ["selfie"]);
    assert_eq!(sub.edges.len(), 1);
}

#[test]
fn neighbourhood_grows_by_depth_and_includes_relations_among_the_entities() {
    let g = traversal_graph();
    let ann = n(&g, "ann");
    let one = g.neighbourhood(&[ann], 1, &Filter::default(), 100);
    // Reached through ann's outgoing relations first (she called bob), then her incoming ones.
    assert_eq!(ids(&g, &one.nodes), ["ann", "bob", "gov", "ngo"]);
    // bob MEMBER_OF ngo joins two entities at depth 1, so it is included.
    assert_eq!(one.edges.len(), 4);
    assert!(!one.truncated);
    let two = g.neighbourhood(&[ann], 2, &Filter::default(), 100);
    assert_eq!(ids(&g, &two.nodes), ["ann", "bob", "gov", "ngo", "talks"]);
    let zero = g.neighbourhood(&[ann], 0, &Filter::default(), 100);
    assert_eq!(ids(&g, &zero.nodes), ["ann"]);
    assert!(zero.edges.is_empty());
}

#[test]
fn neighbourhood_stops_at_the_limit_and_says_so() {
    let g = traversal_graph();
    let sub = g.neighbourhood(&[n(&g, "ann")], 3, &Filter::default(), 3);
    assert_eq!(sub.nodes.len(), 3);
    assert!(sub.truncated);
    let exact = g.neighbourhood(&[n(&g, "ann")], 1, &Filter::default(), 4);
    assert!(
        !exact.truncated,
        "a limit that is just enough is not a truncation"
    );
}

#[test]
fn neighbourhood_of_a_disconnected_entity_is_itself() {
    let g = traversal_graph();
    let loner = n(&g, "loner");
    let sub = g.neighbourhood(&[loner], 3, &Filter::default(), 100);
    assert_eq!(ids(&g, &sub.nodes), ["loner"]);
    assert!(sub.edges.is_empty() && !sub.truncated);
    let both = g.neighbourhood(&[loner, n(&g, "city")], 1, &Filter::default(), 100);
    assert_eq!(ids(&g, &both.nodes), ["loner", "city", "talks"]);
}

#[test]
fn shortest_path_walks_either_way_unless_directed() {
    let g = traversal_graph();
    let (ann, city, gov) = (n(&g, "ann"), n(&g, "city"), n(&g, "gov"));
    let p = g.sp(ann, city, &Filter::default(), false).unwrap();
    assert_eq!(ids(&g, &p.nodes), ["ann", "gov", "talks", "city"]);
    assert_eq!(p.len(), 3);
    assert_eq!(p.edges.len(), 3);
    assert!(g.sp(ann, city, &Filter::default(), true).is_none());
    let d = g.sp(gov, city, &Filter::default(), true).unwrap();
    assert_eq!(ids(&g, &d.nodes), ["gov", "talks", "city"]);
    // Against the arrow only when undirected.
    assert!(g.sp(city, gov, &Filter::default(), true).is_none());
    assert_eq!(g.sp(city, gov, &Filter::default(), false).unwrap().len(), 2);
}

#[test]
fn shortest_path_uses_symmetric_relations_both_ways_when_directed() {
    let g = traversal_graph();
    let p = g
        .sp(n(&g, "bob"), n(&g, "ann"), &Filter::default(), true)
        .unwrap();
    assert_eq!(ids(&g, &p.nodes), ["bob", "ann"]);
}

#[test]
fn shortest_path_respects_kind_filters_and_reports_no_path() {
    let g = traversal_graph();
    let (ann, city) = (n(&g, "ann"), n(&g, "city"));
    let only_calls = [RelationKind::Called];
    let f = Filter {
        relation_kinds: Some(&only_calls),
        ..Filter::default()
    };
    assert!(g.sp(ann, city, &f, false).is_none());
    let no_governments = [
        EntityKind::Person,
        EntityKind::Organisation,
        EntityKind::Event,
    ];
    let f = Filter {
        entity_kinds: Some(&no_governments),
        ..Filter::default()
    };
    assert!(g.sp(ann, city, &f, false).is_none());
    assert!(g
        .sp(ann, n(&g, "loner"), &Filter::default(), false)
        .is_none());
    let same = g.sp(ann, ann, &Filter::default(), false).unwrap();
    assert_eq!(same.len(), 0);
    assert_eq!(ids(&g, &same.nodes), ["ann"]);
}

#[test]
fn shortest_path_on_a_cycle_takes_the_short_way_round() {
    let g = traversal_graph();
    let p = g
        .sp(n(&g, "ann"), n(&g, "ngo"), &Filter::default(), false)
        .unwrap();
    assert_eq!(p.len(), 1);
}

#[test]
fn paths_lists_simple_paths_shortest_first_up_to_the_length_and_limit() {
    let g = traversal_graph();
    let (ann, ngo) = (n(&g, "ann"), n(&g, "ngo"));
    let all = g.ps(ann, ngo, 4, 20, &Filter::default());
    let shapes: Vec<Vec<String>> = all.iter().map(|p| ids(&g, &p.nodes)).collect();
    assert_eq!(shapes, vec![vec!["ann", "ngo"], vec!["ann", "bob", "ngo"]]);
    assert_eq!(g.ps(ann, ngo, 1, 20, &Filter::default()).len(), 1);
    assert_eq!(g.ps(ann, ngo, 4, 1, &Filter::default()).len(), 1);
    assert!(g
        .ps(ann, n(&g, "loner"), 6, 20, &Filter::default())
        .is_empty());
    // No path visits an entity twice, even on the ann-bob-ngo cycle.
    for p in g.ps(ann, n(&g, "city"), 6, 20, &Filter::default()) {
        let mut seen = p.nodes.clone();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), p.nodes.len());
    }
}

#[test]
fn timeline_is_oldest_first_and_filters_by_range_and_entity() {
    let g = traversal_graph();
    let all = g.timeline(&RelationQuery::default());
    let dates: Vec<String> = all
        .iter()
        .map(|&e| g.relation(e).date().unwrap().to_string())
        .collect();
    assert_eq!(dates, ["2023-09", "2023-09-20", "2023-09-21"]);
    let since = Date::parse("2023-09-21").ok();
    let q = RelationQuery {
        since,
        ..RelationQuery::default()
    };
    // The month-precision date overlaps the 21st, so it stays.
    assert_eq!(g.timeline(&q).len(), 2);
    let q = RelationQuery {
        touching: Some(n(&g, "bob")),
        ..RelationQuery::default()
    };
    assert_eq!(g.timeline(&q).len(), 1);
}

#[test]
fn select_relations_matches_symmetric_relations_from_either_end() {
    let g = traversal_graph();
    let q = RelationQuery {
        from: Some(n(&g, "bob")),
        to: Some(n(&g, "ann")),
        ..RelationQuery::default()
    };
    let found = g.select_relations(&q);
    assert_eq!(found.len(), 1);
    assert_eq!(g.relation(found[0]).kind(), RelationKind::Called);
}

#[test]
fn a_snapshot_keeps_its_version_when_the_store_moves_on() {
    let store = Store::new(traversal_graph());
    let before = store.snapshot();
    store.replace(dossier::store::GraphBuilder::new().build().unwrap());
    assert_eq!(before.entity_count(), 8);
    assert_eq!(store.snapshot().entity_count(), 0);
}

#[test]
fn long_searches_stop_at_their_deadline() {
    let g = traversal_graph();
    let past = Deadline::after(std::time::Duration::ZERO);
    // Too small to reach the first check: small searches finish whatever the deadline.
    assert!(g
        .paths(n(&g, "ann"), n(&g, "ngo"), 4, 20, &Filter::default(), past)
        .is_ok());
    let mut big = crate::support::Fixture::new();
    for i in 0..40 {
        big = big.entity(&format!("p{i}"), EntityKind::Person);
    }
    for i in 0..40 {
        for j in (i + 1)..40 {
            big = big.relation(
                &format!("p{i}"),
                RelationKind::AssociateOf,
                &format!("p{j}"),
            );
        }
    }
    let g = big.build();
    let (a, b) = (n(&g, "p0"), n(&g, "p39"));
    assert!(g.paths(a, b, 6, 100_000, &Filter::default(), past).is_err());
    assert!(
        g.paths(a, b, 3, 10, &Filter::default(), Deadline::none())
            .unwrap()
            .len()
            == 10
    );
}

#[test]
fn search_ties_put_the_entity_with_more_relations_first_then_the_name() {
    // Both names fold to "kim jong un": two EXACT hits scoring 1.0. The obscure duplicate
    // sorts first by name (a space before a hyphen); the prominent one has more relations.
    let g = Version::new(
        Fixture::new()
            .named("kim-dup", EntityKind::Person, "Kim Jong Un")
            .named("kim-jong-un", EntityKind::Person, "Kim Jong-Un")
            .named("a-twin", EntityKind::Person, "Twin")
            .named("b-twin", EntityKind::Person, "Twin")
            .entity("x", EntityKind::Person)
            .entity("y", EntityKind::Person)
            .relation("kim-jong-un", RelationKind::Met, "x")
            .relation("kim-jong-un", RelationKind::Met, "y")
            .relation("kim-dup", RelationKind::Met, "x")
            .build(),
    );
    let hits = g.search("Kim Jong-Un", None, 10);
    assert_eq!(hits[0].score, hits[1].score);
    assert_eq!(
        ids(&g, &[hits[0].node, hits[1].node]),
        ["kim-jong-un", "kim-dup"]
    );
    // Equal scores and degrees: by name, then in id order, the same on every call.
    let twins: Vec<_> = g.search("twin", None, 10).iter().map(|h| h.node).collect();
    assert_eq!(ids(&g, &twins), ["a-twin", "b-twin"]);
}
