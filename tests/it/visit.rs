//! petgraph's algorithms on the store through its `visit` traits give the answers they give on
//! a `petgraph::Graph` copy of the same relations: property tests on random graphs (self-loops,
//! parallel relations, symmetric and directed kinds, claims and dates included).

use dossier::model::{
    Citation, ClaimStatus, Date, Document, Entity, EntityKind, Id, Relation, RelationKind,
};
use dossier::store::{
    articulation_parts, steiner_edges, Deadline, Direction, Filter, Graph, GraphBuilder, Lens,
    Node, Scope, Scoped, Within,
};
use petgraph::graph::NodeIndex;
use petgraph::visit::{Bfs, EdgeRef, NodeIndexable};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

const KINDS: [RelationKind; 5] = [
    RelationKind::Accused,
    RelationKind::Criticised,
    RelationKind::Requested,
    RelationKind::Called,
    RelationKind::AssociateOf,
];

/// One random relation: ends, kind, claim, day of September 2023 (0: undated).
type Spec = (usize, usize, usize, usize, u8);

fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
}

/// The graph of `n` entities (people, every third an organisation) and the relations.
fn build(n: usize, rels: &[Spec]) -> Graph {
    let mut b = GraphBuilder::new();
    b.add_document(Document {
        id: id("doc"),
        title: "A document".into(),
        publisher: None,
        published: None,
        url: None,
    })
    .unwrap();
    for i in 0..n {
        let kind = if i % 3 == 2 {
            EntityKind::Organisation
        } else {
            EntityKind::Person
        };
        b.add_entity(Entity::new(id(&format!("e{i:03}")), kind, format!("E{i}")))
            .unwrap();
    }
    for (r, &(a, z, k, c, day)) in rels.iter().enumerate() {
        let relation = Relation {
            claim: [
                None,
                Some(ClaimStatus::Confirmed),
                Some(ClaimStatus::Alleged),
            ][c % 3],
            date: (day > 0).then(|| Date::ymd(2023, 9, day)),
            ..Relation::cited(
                id(&format!("r{r}")),
                KINDS[k % KINDS.len()],
                id(&format!("e{:03}", a % n)),
                id(&format!("e{:03}", z % n)),
                Citation {
                    document: id("doc"),
                    quote: "q".into(),
                },
            )
        };
        b.add_relation(relation).unwrap();
    }
    b.build().unwrap()
}

/// A `petgraph::Graph` copy of the relations `keep` admits among the entities `nodes`
/// admits: node `i` is entity `i`, edge `j` the `j`-th relation kept.
fn copy<Ty: petgraph::EdgeType>(
    g: &Graph,
    keep: impl Fn(dossier::store::Edge) -> bool,
) -> (petgraph::Graph<(), u32, Ty>, Vec<dossier::store::Edge>) {
    let mut c = petgraph::Graph::<(), u32, Ty>::default();
    for _ in 0..g.entity_count() {
        c.add_node(());
    }
    let mut kept = Vec::new();
    for e in g.all_relations() {
        if keep(e) {
            let (a, b) = g.endpoints(e);
            c.add_edge(NodeIndex::new(a.index()), NodeIndex::new(b.index()), 1);
            kept.push(e);
        }
    }
    (c, kept)
}

fn groups_of_nodes(groups: Vec<Vec<Node>>) -> BTreeSet<BTreeSet<usize>> {
    groups
        .into_iter()
        .map(|g| g.into_iter().map(|n| n.index()).collect())
        .collect()
}

fn groups_of_indices(groups: Vec<Vec<NodeIndex>>) -> BTreeSet<BTreeSet<usize>> {
    groups
        .into_iter()
        .map(|g| g.into_iter().map(|n| n.index()).collect())
        .collect()
}

fn graphs() -> impl Strategy<Value = (usize, Vec<Spec>)> {
    (1usize..24).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec((0..n, 0..n, 0usize..5, 0usize..3, 0u8..8), 0..3 * n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn strongly_connected_components_agree((n, rels) in graphs()) {
        let g = build(n, &rels);
        let (c, _) = copy::<petgraph::Directed>(&g, |_| true);
        let expected = groups_of_indices(petgraph::algo::tarjan_scc(&c));
        prop_assert_eq!(groups_of_nodes(petgraph::algo::tarjan_scc(&g)), expected.clone());
        prop_assert_eq!(groups_of_nodes(petgraph::algo::kosaraju_scc(&g)), expected.clone());
        let lens = Lens::all(&g);
        prop_assert_eq!(groups_of_nodes(petgraph::algo::tarjan_scc(Scoped::new(&g, &lens))), expected);
    }

    #[test]
    fn a_scoped_view_is_the_copy_of_what_it_lets_through((n, rels) in graphs()) {
        let g = build(n, &rels);
        let within = Within {
            scope: Scope {
                relation_kinds: Some(vec![RelationKind::Accused, RelationKind::Called]),
                entity_kinds: Some(vec![EntityKind::Person]),
                nodes: None,
                as_of: None,
            },
            claims: Some(vec![ClaimStatus::Reported, ClaimStatus::Alleged]),
            since: Some(Date::ymd(2023, 9, 3)),
            until: None,
        };
        let lens = Lens::new(&g, &within);
        let keep = |e| {
            let r = g.relation(e);
            let (a, b) = g.endpoints(e);
            [RelationKind::Accused, RelationKind::Called].contains(&r.kind())
                && g.entity_kind(a) == EntityKind::Person
                && g.entity_kind(b) == EntityKind::Person
                && r.claim() != Some(ClaimStatus::Confirmed)
                && r.date().is_some_and(|d| d >= Date::ymd(2023, 9, 3))
        };
        let (c, _) = copy::<petgraph::Directed>(&g, keep);
        // Organisations are isolated in the copy: out of scope, they are not in the view.
        let expected: BTreeSet<BTreeSet<usize>> = groups_of_indices(petgraph::algo::tarjan_scc(&c))
            .into_iter()
            .filter(|s| s.iter().all(|&i| g.entity_kind(Node::new(i)) == EntityKind::Person))
            .collect();
        let view = Scoped::new(&g, &lens);
        prop_assert_eq!(groups_of_nodes(petgraph::algo::tarjan_scc(view)), expected);
        let (u, _) = copy::<petgraph::Undirected>(&g, keep);
        let people = (0..n).filter(|&i| i % 3 != 2).count();
        let isolated_orgs = n - people;
        prop_assert_eq!(
            petgraph::algo::connected_components(view.undirected()),
            petgraph::algo::connected_components(&u) - isolated_orgs
        );
    }

    #[test]
    fn articulation_points_and_bridges_agree((n, rels) in graphs()) {
        let g = build(n, &rels);
        let lens = Lens::all(&g);
        let view = Scoped::new(&g, &lens).undirected();
        let (u, kept) = copy::<petgraph::Undirected>(&g, |_| true);
        let expected: BTreeSet<usize> =
            petgraph::algo::articulation_points::articulation_points(&u).into_iter().map(|i| i.index()).collect();
        let through: BTreeSet<usize> =
            petgraph::algo::articulation_points::articulation_points(view).into_iter().map(|n| n.index()).collect();
        prop_assert_eq!(&through, &expected);
        let ours: BTreeSet<usize> = articulation_parts(view).into_iter().map(|(i, _)| i).collect();
        prop_assert_eq!(&ours, &expected);
        let expected: BTreeSet<usize> = petgraph::algo::bridges(&u)
            .map(|e| kept[e.id().index()].index())
            .collect();
        let through: BTreeSet<usize> =
            petgraph::algo::bridges(view).map(|l| l.id().index()).collect();
        prop_assert_eq!(through, expected);
    }

    #[test]
    fn the_parts_a_broker_separates_are_the_components_left_without_it((n, rels) in graphs()) {
        let g = build(n, &rels);
        let lens = Lens::all(&g);
        let view = Scoped::new(&g, &lens).undirected();
        for (i, mut parts) in articulation_parts(view) {
            // Remove entity i: the components of its old component are the parts.
            let (u, _) = copy::<petgraph::Undirected>(&g, |e| {
                let (a, b) = g.endpoints(e);
                a.index() != i && b.index() != i
            });
            let mut whole = BTreeSet::new();
            let (full, _) = copy::<petgraph::Undirected>(&g, |_| true);
            let mut walk = Bfs::new(&full, NodeIndex::new(i));
            while let Some(x) = walk.next(&full) {
                whole.insert(x.index());
            }
            let mut sizes = Vec::new();
            let mut seen = BTreeSet::from([i]);
            for &start in &whole {
                if seen.contains(&start) {
                    continue;
                }
                let mut b = Bfs::new(&u, NodeIndex::new(start));
                let mut size = 0;
                while let Some(x) = b.next(&u) {
                    seen.insert(x.index());
                    size += 1;
                }
                sizes.push(size);
            }
            sizes.sort_unstable();
            parts.sort_unstable();
            prop_assert_eq!(parts, sizes);
        }
    }

    #[test]
    fn shortest_distances_and_breadth_first_reach_agree((n, rels) in graphs()) {
        let g = build(n, &rels);
        let (c, _) = copy::<petgraph::Directed>(&g, |_| true);
        let ours = petgraph::algo::dijkstra(&g, Node::new(0), None, |_| 1u32);
        let theirs = petgraph::algo::dijkstra(&c, NodeIndex::new(0), None, |e| *e.weight());
        let ours: HashMap<usize, u32> = ours.into_iter().map(|(k, v)| (k.index(), v)).collect();
        let theirs: HashMap<usize, u32> = theirs.into_iter().map(|(k, v)| (k.index(), v)).collect();
        prop_assert_eq!(ours, theirs);
        let mut bfs = Bfs::new(&g, Node::new(0));
        let mut reached = BTreeSet::new();
        while let Some(x) = bfs.next(&g) {
            reached.insert(x.index());
        }
        let mut bfs = Bfs::new(&c, NodeIndex::new(0));
        let mut expected = BTreeSet::new();
        while let Some(x) = bfs.next(&c) {
            expected.insert(x.index());
        }
        prop_assert_eq!(reached, expected);
        let lens = Lens::all(&g);
        let (u, _) = copy::<petgraph::Undirected>(&g, |_| true);
        let view = Scoped::new(&g, &lens).undirected();
        let ours = petgraph::algo::astar(view, Node::new(0), |x| x.index() == n - 1, |_| 1u32, |_| 0);
        let theirs = petgraph::algo::astar(&u, NodeIndex::new(0), |x| x.index() == n - 1, |_| 1u32, |_| 0);
        prop_assert_eq!(ours.map(|p| p.0), theirs.map(|p| p.0));
    }

    #[test]
    fn maximal_cliques_agree((n, rels) in graphs()) {
        let g = build(n, &rels);
        let lens = Lens::all(&g);
        let view = Scoped::new(&g, &lens).undirected();
        let (u, _) = copy::<petgraph::Undirected>(&g, |e| {
            let (a, b) = g.endpoints(e);
            a != b
        });
        let ours: BTreeSet<BTreeSet<usize>> = petgraph::algo::maximal_cliques(view)
            .into_iter()
            .map(|c| c.into_iter().map(|n| n.index()).collect())
            .collect();
        let theirs: BTreeSet<BTreeSet<usize>> = petgraph::algo::maximal_cliques(&u)
            .into_iter()
            .map(|c| c.into_iter().map(|n| n.index()).collect())
            .collect();
        prop_assert_eq!(ours, theirs);
    }

    #[test]
    fn the_steiner_approximation_joins_the_terminals_within_twice_petgraphs(
        (n, rels) in graphs(),
        picks in prop::collection::vec(0usize..24, 2..5),
    ) {
        let g = build(n, &rels);
        let lens = Lens::all(&g);
        let view = Scoped::new(&g, &lens).undirected();
        let terminals: Vec<Node> = picks.iter().map(|&p| Node::new(p % n)).collect();
        let (edges, connected) = steiner_edges(view, &terminals);
        // Every terminal is reached from the first through the chosen relations, if connected.
        let (u, kept) = copy::<petgraph::Undirected>(&g, |e| edges.contains(&e));
        let mut bfs = Bfs::new(&u, NodeIndex::new(terminals[0].index()));
        let mut reached = BTreeSet::new();
        while let Some(x) = bfs.next(&u) {
            reached.insert(x.index());
        }
        let all_reached = terminals.iter().all(|t| reached.contains(&t.index()));
        prop_assert_eq!(all_reached, connected);
        // A tree: one relation fewer than the entities it touches.
        let touched: BTreeSet<usize> = kept.iter().flat_map(|&e| {
            let (a, b) = g.endpoints(e);
            [a.index(), b.index()]
        }).collect();
        if connected && !edges.is_empty() {
            prop_assert_eq!(edges.len() + 1, touched.len());
            let (full, _) = copy::<petgraph::Undirected>(&g, |e| {
                let (a, b) = g.endpoints(e);
                a != b
            });
            let ts: Vec<NodeIndex> = terminals.iter().map(|t| NodeIndex::new(t.index())).collect();
            let mut ts_unique = ts.clone();
            ts_unique.sort();
            ts_unique.dedup();
            let theirs = petgraph::algo::steiner_tree(&full, &ts_unique);
            prop_assert!(edges.len() <= 2 * theirs.edge_count().max(1));
        }
    }
}

#[test]
fn node_numbers_of_a_view_over_a_few_entities_are_compact() {
    let g = build(
        40,
        &[
            (0, 1, 0, 0, 0),
            (1, 2, 0, 0, 0),
            (2, 0, 0, 0, 0),
            (30, 31, 0, 0, 0),
        ],
    );
    let within = Within::scope(Scope {
        nodes: Some(vec![
            Node::new(31),
            Node::new(2),
            Node::new(1),
            Node::new(0),
            Node::new(2),
        ]),
        ..Scope::default()
    });
    let lens = Lens::new(&g, &within);
    let view = Scoped::new(&g, &lens);
    assert_eq!(view.node_bound(), 4);
    let numbered: Vec<usize> = (0..4).map(|i| view.from_index(i).index()).collect();
    assert_eq!(numbered, [0, 1, 2, 31]);
    assert_eq!(view.to_index(Node::new(31)), 3);
    let groups = groups_of_nodes(petgraph::algo::tarjan_scc(view));
    let expected: BTreeSet<BTreeSet<usize>> = [BTreeSet::from([0, 1, 2]), BTreeSet::from([31])]
        .into_iter()
        .collect();
    assert_eq!(groups, expected);
}

/// The distance from `from` to `to` through `filter` (`directed`: `from` to `to` only), by a
/// plain breadth-first search over `Graph::incident` and `Filter::step`: the reference for
/// `Graph::shortest_path`.
fn distance(g: &Graph, from: Node, to: Node, filter: &Filter, directed: bool) -> Option<usize> {
    let f = Filter {
        direction: if directed {
            Direction::Outgoing
        } else {
            Direction::Both
        },
        ..filter.clone()
    };
    let mut dist = HashMap::from([(from, 0usize)]);
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(n) = queue.pop_front() {
        if n == to {
            return Some(dist[&n]);
        }
        for e in g.incident(n) {
            let Some(m) = f.step(g, n, e) else { continue };
            if dist.contains_key(&m) || (m != to && !filter.admits(g, m)) {
                continue;
            }
            dist.insert(m, dist[&n] + 1);
            queue.push_back(m);
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every relation either way (the rows' fast path), directed, some kinds only, and some
    /// entity kinds only: the path found is a path through the filter, and no path is shorter.
    #[test]
    fn shortest_paths_are_paths_and_none_is_shorter(
        (n, rels) in graphs(),
        pairs in prop::collection::vec((0usize..24, 0usize..24), 1..12),
        how in 0usize..4,
    ) {
        let g = build(n, &rels);
        let people = [dossier::model::EntityKind::Person];
        let (filter, directed) = match how {
            0 => (Filter::default(), false),
            1 => (Filter::default(), true),
            2 => (Filter { relation_kinds: Some(&KINDS[1..4]), ..Filter::default() }, false),
            _ => (Filter { entity_kinds: Some(&people), ..Filter::default() }, false),
        };
        for (a, z) in pairs {
            let (from, to) = (Node::new(a % n), Node::new(z % n));
            let route = g.shortest_path(from, to, &filter, directed, Deadline::none()).unwrap();
            let expected = distance(&g, from, to, &filter, directed);
            prop_assert_eq!(route.as_ref().map(|r| r.edges.len()), expected);
            let Some(route) = route else { continue };
            prop_assert_eq!(route.nodes.first(), Some(&from));
            prop_assert_eq!(route.nodes.last(), Some(&to));
            let step = Filter {
                direction: if directed { Direction::Outgoing } else { Direction::Both },
                ..filter.clone()
            };
            for (i, &e) in route.edges.iter().enumerate() {
                prop_assert_eq!(step.step(&g, route.nodes[i], e), Some(route.nodes[i + 1]));
            }
            let inner = route.nodes.len().saturating_sub(2);
            for &m in route.nodes.iter().skip(1).take(inner) {
                prop_assert!(filter.admits(&g, m));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The count of distinct neighbours is the 1-hop neighbourhood's size without the entity
    /// (self-loops and parallel relations included), and leaves no mark behind for the walks
    /// after it.
    #[test]
    fn the_neighbour_count_is_the_one_hop_neighbourhood((n, rels) in graphs()) {
        let g = build(n, &rels);
        for i in 0..n {
            let node = Node::new(i);
            let reach = g.reach(&[node], 1, &Filter::default(), usize::MAX).nodes;
            prop_assert_eq!(g.neighbour_count(node), reach.len() - 1);
            let distinct: BTreeSet<usize> = g
                .incident(node)
                .into_iter()
                .map(|e| {
                    let (a, z) = g.endpoints(e);
                    if a == node { z.index() } else { a.index() }
                })
                .filter(|&m| m != i)
                .collect();
            prop_assert_eq!(g.neighbour_count(node), distinct.len());
        }
    }
}

/// The plain breadth-first walk [`Graph::reach`] documents: the seeds (once each, in order),
/// then layer by layer, each entity's outgoing relations in the order they were added and
/// then its incoming ones; at most `limit` entities, `truncated` when one more was in reach.
fn reach_by_hand(g: &Graph, seeds: &[Node], depth: usize, limit: usize) -> (Vec<usize>, bool) {
    let mut nodes: Vec<usize> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut truncated = false;
    let mut visit = |m: usize, nodes: &mut Vec<usize>| {
        if seen.contains(&m) {
            return true;
        }
        if nodes.len() >= limit {
            return false;
        }
        seen.insert(m);
        nodes.push(m);
        true
    };
    for s in seeds {
        if !visit(s.index(), &mut nodes) {
            return (nodes, true);
        }
    }
    let mut layer = 0..nodes.len();
    'walk: for _ in 0..depth {
        let next = nodes.len();
        for i in layer.clone() {
            let n = Node::new(nodes[i]);
            for e in g.outgoing(n).chain(g.incoming(n)) {
                let (a, z) = g.endpoints(e);
                let m = if a == n { z } else { a };
                if !visit(m.index(), &mut nodes) {
                    truncated = true;
                    break 'walk;
                }
            }
        }
        layer = next..nodes.len();
    }
    (nodes, truncated)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `reach` through every relation (its fast path, which writes each row's entities
    /// straight into the list) returns the plain walk's entities in the plain walk's order,
    /// stops at the limit at the same entity, and leaves no mark behind for the next walk.
    #[test]
    fn reach_is_the_plain_breadth_first_walk(
        (n, rels) in graphs(),
        seeds in prop::collection::vec(0usize..24, 1..4),
        depth in 0usize..4,
        limit in 0usize..30,
    ) {
        let g = build(n, &rels);
        let seeds: Vec<Node> = seeds.into_iter().map(|s| Node::new(s % n)).collect();
        let limit = if limit >= 26 { usize::MAX } else { limit };
        let reach = g.reach(&seeds, depth, &Filter::default(), limit);
        let nodes: Vec<usize> = reach.nodes.iter().map(|m| m.index()).collect();
        let (expected, truncated) = reach_by_hand(&g, &seeds, depth, limit);
        prop_assert_eq!(&nodes, &expected);
        prop_assert_eq!(reach.truncated, truncated);
        let again = g.reach(&seeds, depth, &Filter::default(), limit);
        prop_assert_eq!(again, reach);
    }
}
