//! petgraph on the store: a breadth-first walk through petgraph's traits beside the store's
//! own walk over the same entities, and the structural analyses (brokers, bridges, strongly
//! connected groups) on the whole graph.
//!
//! The graph is the one `benches/store.rs` uses (`DOSSIER_BENCH_ENTITIES`, default 100,000,
//! `DOSSIER_BENCH_RELATIONS`, default 1,000,000, seed 42), generated and imported as there.
//! `cargo bench --bench visit` takes about a minute on a 2-core machine; see BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use dossier::generate::{self, Spec};
use dossier::import::{self, ImportSource, Mapping, Silent};
use dossier::store::{Deadline, Direction, Filter, Graph, Lens, Node, Scoped, Within};
use petgraph::visit::Bfs;
use std::hint::black_box;
use std::time::Duration;

fn size(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn graph() -> Graph {
    let spec = Spec {
        entities: size("DOSSIER_BENCH_ENTITIES", 100_000),
        relations: size("DOSSIER_BENCH_RELATIONS", 1_000_000),
        seed: 42,
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    generate::generate(&spec, dir.path()).expect("the generator writes its tables");
    let source = ImportSource::at(dir.path(), None).expect("a CSV directory");
    let (graph, _) = import::load_with_imports(None, &[source], &Mapping::default(), &Silent)
        .unwrap_or_else(|e| panic!("the generated graph imports: {e}"));
    graph.into_graph()
}

/// Counts what a petgraph breadth-first walk from `start` reaches.
fn bfs<G>(g: G, start: Node) -> usize
where
    G: petgraph::visit::IntoNeighbors<NodeId = Node> + petgraph::visit::Visitable<NodeId = Node>,
{
    let mut walk = Bfs::new(g, start);
    let mut n = 0;
    while walk.next(g).is_some() {
        n += 1;
    }
    n
}

fn benches(c: &mut Criterion) {
    let graph = graph();
    let start = graph.node("e0").expect("generated ids are e0, e1, …");
    let lens = Lens::all(&graph);
    let undirected = Scoped::new(&graph, &lens).undirected();
    // The store's outgoing walks follow symmetric relations both ways; so does this view.
    let both_ways = Lens::all(&graph).symmetric_both_ways();
    let directed = Scoped::new(&graph, &both_ways);
    let everything = Filter::default();
    let outgoing = Filter {
        direction: Direction::Outgoing,
        ..Filter::default()
    };
    // Both walks reach the same entities: checked before timing.
    let reach_all = |f: &Filter| graph.reach(&[start], usize::MAX, f, usize::MAX).nodes.len();
    assert_eq!(reach_all(&everything), bfs(undirected, start));
    assert_eq!(reach_all(&outgoing), bfs(directed, start));

    let mut group = c.benchmark_group("walk_everything");
    group.sample_size(20);
    group.bench_function("store_reach_undirected", |b| {
        b.iter(|| black_box(reach_all(&everything)))
    });
    group.bench_function("petgraph_bfs_undirected_view", |b| {
        b.iter(|| black_box(bfs(undirected, start)))
    });
    group.bench_function("store_reach_outgoing", |b| {
        b.iter(|| black_box(reach_all(&outgoing)))
    });
    group.bench_function("petgraph_bfs_directed_view", |b| {
        b.iter(|| black_box(bfs(directed, start)))
    });
    group.finish();

    let mut group = c.benchmark_group("structure");
    group.sample_size(10);
    let all = Within::all();
    group.bench_function("brokers", |b| {
        b.iter(|| black_box(graph.brokers(&all, Deadline::none()).map(|v| v.len())))
    });
    group.bench_function("bridges", |b| {
        b.iter(|| black_box(graph.bridges(&all, Deadline::none()).map(|v| v.len())))
    });
    group.bench_function("cycles", |b| {
        b.iter(|| black_box(graph.cycles(&all, Deadline::none()).map(|v| v.len())))
    });
    group.finish();
}

criterion_group! {
    name = visit;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(visit);
