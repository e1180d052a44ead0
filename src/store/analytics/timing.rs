//! Timings on a larger graph; run with
//! `cargo test --release --lib store::analytics::timing -- --ignored --nocapture`.

use super::testgraph::{worst_error, TestGraph};
use super::*;
use std::time::Instant;

#[test]
#[ignore = "a timing, not a check: run it in release mode"]
fn time_the_measures_on_ten_thousand_entities() {
    let started = Instant::now();
    let g = TestGraph::random(10_000, 3, 1);
    println!("build 10k entities: {:?}", started.elapsed());
    let all = Scope::all();
    let time = |what: &str, f: &dyn Fn() -> usize| {
        let started = Instant::now();
        let n = f();
        println!("{what}: {:?} ({n})", started.elapsed());
    };
    time("view", &|| view::View::build(&g, &all).tie_count());
    time("degree", &|| g.degree_ranking(&all).len());
    time("pagerank", &|| g.pagerank(&all, 0.85, 100, 1e-10).len());
    time("betweenness exact", &|| {
        g.betweenness(&all, None).scores.len()
    });
    time("betweenness auto (k = 500)", &|| {
        g.betweenness_auto(&all).sampled_sources.unwrap_or(0)
    });
    time("components", &|| g.components(&all).len());
    time("louvain", &|| g.communities(&all, 42).groups.len());
    let (exact, sampled) = (g.betweenness(&all, None), g.betweenness_auto(&all));
    let worst = worst_error(&exact, &sampled);
    println!(
        "sampled: worst error {worst:.5}, bound {:?}",
        sampled.error_bound
    );
    let g = crate::store::Version::new(g);
    time("ranking pagerank, first call", &|| {
        g.ranking(Measure::PageRank, &all, &Work::unlimited())
            .unwrap()
            .len()
    });
    time("ranking pagerank, cached", &|| {
        g.ranking(Measure::PageRank, &all, &Work::unlimited())
            .unwrap()
            .len()
    });
}
