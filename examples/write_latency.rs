//! Acknowledged-write latency: `addRelation` writes through the one writer (check, apply, commit
//! to the SQLite journal with fsync, publish), on the bulletin or on an imported graph, and the
//! latency of a read (a 1-hop neighbourhood) taken while writes run.
//!
//! ```text
//! cargo run --release --example write_latency -- data 200
//! cargo run --release --example write_latency -- /tmp/g1m 50      # a `dossier generate` dir
//! ```

use dossier::curate::{Curator, Operation};
use dossier::import::{self, ImportSource, Mapping};
use dossier::journal::Sqlite;
use dossier::model::{Citation, Id, Relation, RelationKind};
use dossier::store::{Graph, Store};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn load(path: &Path) -> Graph {
    if path.join("relations.csv").exists() {
        let source = ImportSource::at(path, None).expect("a CSV directory");
        import::load_with_imports(None, &[source], &Mapping::default(), &import::Silent)
            .expect("imports")
            .0
    } else {
        dossier::load::load_dir(path).expect("loads").0
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "data".into());
    let writes: usize = args.next().map_or(100, |n| n.parse().expect("a count"));
    let started = Instant::now();
    let graph = load(Path::new(&path));
    println!(
        "{path}: {} entities, {} relations, loaded in {:.1} s",
        graph.entity_count(),
        graph.relation_count(),
        started.elapsed().as_secs_f64()
    );
    // Two entities with relations, and a document, to cite.
    let hubs: Vec<_> = graph.entities(None).take(2).collect();
    let (a, b) = (hubs[0], hubs[1]);
    let (a, b) = (
        Id::parse(graph.entity(a).id()).unwrap(),
        Id::parse(graph.entity(b).id()).unwrap(),
    );
    let document = graph.documents().next().expect("a document").id.clone();
    let state = tempfile::tempdir().expect("a temp dir");
    let store = Store::new(graph);
    let curator = Curator::new(store.clone(), Box::new(Sqlite::open(state.path()).unwrap()));

    // Reads during the writes: a 1-hop neighbourhood of `a`, over and over.
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (store, stop, a) = (store.clone(), stop.clone(), a.clone());
        std::thread::spawn(move || {
            let mut times = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let g = store.snapshot();
                let n = g.node(a.as_str()).unwrap();
                let count = g.incident_iter(n).count();
                std::hint::black_box(count);
                times.push(t.elapsed());
                std::thread::sleep(Duration::from_micros(200));
            }
            times
        })
    };
    let mut times = Vec::with_capacity(writes);
    for i in 0..writes {
        let relation = Relation::cited(
            Id::parse("new").unwrap(),
            RelationKind::Related,
            a.clone(),
            b.clone(),
            Citation {
                document: document.clone(),
                quote: format!("write {i}"),
            },
        );
        let t = Instant::now();
        curator
            .write("bench", None, Operation::AddRelation(relation))
            .expect("the write is taken");
        times.push(t.elapsed());
    }
    stop.store(true, Ordering::Relaxed);
    let mut reads = reader.join().unwrap();
    times.sort();
    reads.sort();
    println!(
        "{writes} acknowledged writes (addRelation, fsync included): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "{} reads during the writes (1-hop of a hub): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        reads.len(),
        percentile(&reads, 0.5).as_secs_f64() * 1e6,
        percentile(&reads, 0.99).as_secs_f64() * 1e6,
        reads.last().unwrap().as_secs_f64() * 1e6
    );
}
