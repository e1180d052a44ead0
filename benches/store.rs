//! Store benchmarks on a generated graph: traversals, paths, analytics and search.
//!
//! The graph (`DOSSIER_BENCH_ENTITIES`, default 100,000 entities, and
//! `DOSSIER_BENCH_RELATIONS`, default 1,000,000 relations, seed 42) is written by
//! `dossier::generate` into a temporary directory and loaded with the CSV importer, as
//! `dossier import` would. Queries start from seeded entities, so every run asks the same.
//!
//! `cargo bench --bench store` takes about two minutes on a 2-core machine; see BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use dossier::generate::{self, Spec};
use dossier::import::{self, ImportSource, Mapping, Silent};
use dossier::store::{Deadline, Filter, Graph, Node, Scope, Version};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// How many different start entities (and pairs) the traversal benchmarks cycle through.
const PICKS: u64 = 64;

fn size(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Generates and imports the benchmark graph, and says how long each took.
fn graph() -> Version {
    let spec = Spec {
        entities: size("DOSSIER_BENCH_ENTITIES", 100_000),
        relations: size("DOSSIER_BENCH_RELATIONS", 1_000_000),
        seed: 42,
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let started = Instant::now();
    generate::generate(&spec, dir.path()).expect("the generator writes its tables");
    let generated = started.elapsed();
    let source = ImportSource::at(dir.path(), None).expect("a CSV directory");
    let started = Instant::now();
    let (graph, _) = import::load_with_imports(None, &[source], &Mapping::default(), &Silent)
        .unwrap_or_else(|e| panic!("the generated graph imports: {e}"));
    eprintln!(
        "graph: {} entities, {} relations; generated in {:.2} s, imported in {:.2} s",
        graph.entity_count(),
        graph.relation_count(),
        generated.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    graph
}

/// The `k`-th seeded entity: a multiplicative hash of `k`, the same on every run.
fn pick(graph: &Graph, seed: u64, k: u64) -> Node {
    let n = graph.entity_count() as u64;
    let i = (k.wrapping_add(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) % n;
    graph
        .node(&format!("e{i}"))
        .expect("generated ids are e0, e1, …")
}

fn benches(c: &mut Criterion) {
    let graph = graph();
    let starts: Vec<Node> = (0..PICKS).map(|k| pick(&graph, 1, k)).collect();
    let pairs: Vec<(Node, Node)> = (0..PICKS)
        .map(|k| (pick(&graph, 2, k), pick(&graph, 3, k)))
        .collect();
    let filter = Filter::default();

    // The entities within 1 and 2 hops (what `reach` returns, and GraphQL's neighbourhood
    // when only entities are asked for), then with every relation among them as well.
    let by_depth =
        |c: &mut Criterion, name: &str, samples: usize, walk: &dyn Fn(Node, usize) -> usize| {
            let mut group = c.benchmark_group(name);
            group.sample_size(samples);
            for depth in [1, 2] {
                group.bench_with_input(BenchmarkId::from_parameter(depth), &depth, |b, &depth| {
                    let mut k = 0;
                    b.iter(|| {
                        k = (k + 1) % starts.len();
                        black_box(walk(starts[k], depth))
                    })
                });
            }
            group.finish();
        };
    by_depth(c, "reach", 100, &|s, depth| {
        graph.reach(&[s], depth, &filter, usize::MAX).nodes.len()
    });
    // A 2-hop neighbourhood with its relations reads every relation of the hubs it reaches.
    by_depth(c, "neighbourhood", 20, &|s, depth| {
        graph
            .neighbourhood(&[s], depth, &filter, usize::MAX)
            .edges
            .len()
    });

    c.bench_function("shortest_path", |b| {
        let mut k = 0;
        b.iter(|| {
            k = (k + 1) % pairs.len();
            let (from, to) = pairs[k];
            let path = graph.shortest_path(from, to, &filter, false, Deadline::none());
            black_box(path.map(|p| p.map(|p| p.len())))
        })
    });

    let mut group = c.benchmark_group("analytics");
    group.sample_size(10);
    group.bench_function("components", |b| {
        b.iter(|| black_box(graph.components(&Scope::all()).len()))
    });
    group.bench_function("pagerank_20_iterations", |b| {
        // A tolerance of 0 never converges early: exactly 20 iterations.
        b.iter(|| black_box(graph.pagerank(&Scope::all(), 0.85, 20, 0.0).len()))
    });
    group.finish();

    // Search: queries made from the names of the seeded people (`Amina Abalov`), cycled.
    let people: Vec<String> = (0..PICKS * 4)
        .map(|k| graph.entity(pick(&graph, 4, k)).name().to_string())
        .filter(|n| n.contains(' ') && !n.contains(" of ") && !n.contains(" in "))
        .take(PICKS as usize)
        .collect();
    let made = |f: fn(&str) -> String| people.iter().map(|n| f(n)).collect::<Vec<_>>();
    let mut group = c.benchmark_group("search");
    for (label, queries) in [
        ("exact_name", made(|n| n.to_string())),
        // the last word cut after four letters: `Amina Abal`
        (
            "prefix",
            made(|n| n.chars().take(n.find(' ').unwrap_or(0) + 5).collect()),
        ),
        // a letter doubled, as transliterations do (`Mammadov` / `Mamadov`): `Amminna Abalov`
        (
            "transliteration",
            made(|n| n.replacen('m', "mm", 1).replacen('n', "nn", 1)),
        ),
        // two letters of the last name swapped: `Amina Ablaov`
        (
            "one_typo",
            made(|n| {
                let mut c: Vec<char> = n.chars().collect();
                let i = n.find(' ').unwrap_or(0) + 3;
                c.swap(i, i + 1);
                c.into_iter().collect()
            }),
        ),
    ] {
        let mut k = 0;
        group.bench_function(label, |b| {
            b.iter(|| {
                k = (k + 1) % queries.len();
                black_box(graph.search(&queries[k], None, 10).len())
            })
        });
        if label == "exact_name" {
            // The scan every query made before the index: the "before" figure.
            group.sample_size(10);
            group.bench_function("exact_name_scan", |b| {
                b.iter(|| {
                    k = (k + 1) % queries.len();
                    black_box(graph.search_scan(&queries[k], None, 10).len())
                })
            });
            group.sample_size(100);
        }
    }
    group.finish();
}

criterion_group! {
    name = store;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(store);
