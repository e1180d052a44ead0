//! Acknowledged-write latency: `addRelation` writes (a hub to another entity, a thousand in
//! turn) through the one writer (check, apply, commit to the SQLite journal with fsync,
//! publish), then corrections in place, removals, merges and merges undone, on the bulletin
//! or on an imported graph, and the
//! latency of a read (a 1-hop neighbourhood) taken while writes run, apart from those taken
//! while a fold of the writes' layers ran in the background (past `dossier::curate::FOLD_AT`
//! writes; `FOLD_AT=n` in the environment sets another size).
//!
//! ```text
//! cargo run --release --example write_latency -- data 200
//! cargo run --release --example write_latency -- /tmp/g1m 50      # a `dossier generate` dir
//! ```

use dossier::curate::{Curator, Operation};
use dossier::import::{self, ImportSource, Mapping};
use dossier::journal::Sqlite;
use dossier::model::{Citation, Date, Id, Relation, RelationKind};
use dossier::store::{Store, Version};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn load(path: &Path) -> Version {
    if path.join("relations.csv").exists() {
        let source = ImportSource::at(path, None).expect("a CSV directory");
        import::load_with_imports(None, &[source], &Mapping::default(), &import::Silent)
            .expect("imports")
            .0
    } else {
        Version::new(dossier::load::load_dir(path).expect("loads").0)
    }
}

/// The time `op` takes in memory alone: its edits found and the next version made (every
/// check included) over the current version, without the journal's commit and fsync, and
/// thrown away.
fn in_memory(store: &Store, op: &Operation) -> Duration {
    let g = store.snapshot();
    let t = Instant::now();
    let edits = dossier::curate::operations::edits(&g, op).expect("the change is valid");
    let next = g.apply(&edits).expect("the change applies");
    let took = t.elapsed();
    drop(next);
    took
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
    // A hub (the first entity in id order) and the next thousand entities: each write links
    // the hub to one of them, in turn, so every write changes the hub's row and another's.
    let mut ids = graph
        .entities(None)
        .take(1001)
        .map(|n| Id::parse(graph.entity(n).id()).unwrap());
    let a = ids.next().expect("an entity");
    let others: Vec<Id> = ids.collect();
    let document = graph.documents().next().expect("a document").id.clone();
    let state = tempfile::tempdir().expect("a temp dir");
    let store = Store::new(graph);
    let fold_at = std::env::var("FOLD_AT").map_or(dossier::curate::FOLD_AT, |n| {
        n.parse().expect("FOLD_AT is a count")
    });
    let curator = Arc::new(
        Curator::new(store.clone(), Box::new(Sqlite::open(state.path()).unwrap())).fold_at(fold_at),
    );

    // Reads during the writes: a 1-hop neighbourhood of `a`, over and over.
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (store, stop, a, curator) = (store.clone(), stop.clone(), a.clone(), curator.clone());
        std::thread::spawn(move || {
            let (mut times, mut folding) = (Vec::new(), Vec::new());
            while !stop.load(Ordering::Relaxed) {
                let during_fold = curator.folds().1;
                let t = Instant::now();
                let g = store.snapshot();
                let n = g.node(a.as_str()).unwrap();
                let count = g.incident_iter(n).count();
                std::hint::black_box(count);
                let took = t.elapsed();
                if during_fold && curator.folds().1 {
                    folding.push(took);
                } else {
                    times.push(took);
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            (times, folding)
        })
    };
    let mut times = Vec::with_capacity(writes);
    let mut added = Vec::with_capacity(writes);
    // In memory alone, by kind of write (see `in_memory`), for every tenth write.
    let mut memory: [Vec<Duration>; 4] = Default::default();
    for i in 0..writes {
        let relation = Relation::cited(
            Id::parse("new").unwrap(),
            RelationKind::Related,
            a.clone(),
            others[i % others.len()].clone(),
            Citation {
                document: document.clone(),
                quote: format!("write {i}"),
            },
        );
        let op = Operation::AddRelation(relation);
        if i % 10 == 0 {
            memory[0].push(in_memory(&store, &op));
        }
        let t = Instant::now();
        let written = curator
            .write("bench", None, op)
            .expect("the write is taken");
        times.push(t.elapsed());
        if let Some(dossier::store::Edit::Relation { id, .. }) =
            written.entry.as_ref().and_then(|e| e.edits.first())
        {
            added.push(id.to_string());
        }
    }
    // Corrections in place: the date of each relation just added, a hundred of them.
    let mut updates = Vec::new();
    for (i, rid) in added.iter().take(100).enumerate() {
        let g = store.snapshot();
        let mut relation = g.relation(g.edge(rid).expect("added")).to_relation();
        relation.date = Some(Date::parse(&format!("2024-01-{:02}", i % 28 + 1)).unwrap());
        let op = Operation::UpdateRelation(relation);
        memory[1].push(in_memory(&store, &op));
        let t = Instant::now();
        curator
            .write("bench", None, op)
            .expect("the update is taken");
        updates.push(t.elapsed());
    }
    updates.sort();
    // Removals: a hundred of the relations just added, the newest first.
    let mut removals = Vec::new();
    for rid in added.iter().rev().take(100) {
        let op = Operation::RemoveRelation(Id::parse(rid).unwrap());
        memory[2].push(in_memory(&store, &op));
        let t = Instant::now();
        curator
            .write("bench", None, op)
            .expect("the removal is taken");
        removals.push(t.elapsed());
    }
    removals.sort();
    // Merges of two entities of one kind (fifty pairs among the entities the writes did not
    // touch), then twenty of them undone.
    let g = store.snapshot();
    let mut by_kind: std::collections::HashMap<_, Vec<Id>> = Default::default();
    let mut pairs = Vec::new();
    for n in g
        .entities(None)
        .skip(g.entity_count().min(4000) / 2)
        .take(5000)
    {
        let kind = g.entity_kind(n);
        if kind == dossier::model::EntityKind::Place {
            continue;
        }
        let list = by_kind.entry(kind).or_default();
        list.push(Id::parse(g.entity(n).id()).unwrap());
        if list.len() == 2 {
            pairs.push((list[0].clone(), list[1].clone()));
            list.clear();
        }
        if pairs.len() == 50 {
            break;
        }
    }
    let moved: usize = (pairs.iter())
        .map(|(_, m)| g.degree(g.node(m.as_str()).unwrap()))
        .sum();
    let moved_max = (pairs.iter())
        .map(|(_, m)| g.degree(g.node(m.as_str()).unwrap()))
        .max()
        .unwrap_or(0);
    drop(g);
    let (mut merges, mut merged) = (Vec::new(), Vec::new());
    for (keep, merge) in pairs {
        let op = Operation::Merge {
            keep,
            merge: vec![merge],
        };
        memory[3].push(in_memory(&store, &op));
        let t = Instant::now();
        let written = curator
            .write("bench", None, op)
            .expect("the merge is taken");
        merges.push(t.elapsed());
        merged.extend(written.entry.map(|e| e.seq));
    }
    merges.sort();
    let mut reverts = Vec::new();
    for &seq in merged.iter().rev().take(20) {
        let t = Instant::now();
        curator
            .write("bench", None, Operation::Revert(seq))
            .expect("the revert is taken");
        reverts.push(t.elapsed());
    }
    reverts.sort();
    // Reads go on until the fold the writes started has finished.
    let waited = Instant::now();
    while curator.folds().1 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let fold_wait = waited.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (mut reads, mut during_folds) = reader.join().unwrap();
    times.sort();
    reads.sort();
    during_folds.sort();
    println!(
        "{writes} acknowledged writes (addRelation, fsync included): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "{} acknowledged updates in place (updateRelation, a date): p50 {:.2} ms, p99 {:.2} ms",
        updates.len(),
        percentile(&updates, 0.5).as_secs_f64() * 1e3,
        percentile(&updates, 0.99).as_secs_f64() * 1e3,
    );
    for (what, times) in [
        ("removals (removeRelation)", &removals),
        ("merges of two entities (mergeEntities)", &merges),
        ("merges undone (revert)", &reverts),
    ] {
        if times.is_empty() {
            continue;
        }
        println!(
            "{} acknowledged {what}: p50 {:.2} ms, p99 {:.2} ms",
            times.len(),
            percentile(times, 0.5).as_secs_f64() * 1e3,
            percentile(times, 0.99).as_secs_f64() * 1e3,
        );
    }
    for (what, times) in [
        "addRelation",
        "updateRelation",
        "removeRelation",
        "mergeEntities",
    ]
    .iter()
    .zip(memory.iter_mut())
    {
        if times.is_empty() {
            continue;
        }
        times.sort();
        println!(
            "  in memory alone (checks and the next version, no journal), {} {what}: p50 {:.3} ms, p99 {:.3} ms",
            times.len(),
            percentile(times, 0.5).as_secs_f64() * 1e3,
            percentile(times, 0.99).as_secs_f64() * 1e3,
        );
    }
    if !merges.is_empty() {
        println!(
            "  (the merged entities had {:.1} relations each on average, {moved_max} at most)",
            moved as f64 / merges.len() as f64
        );
    }
    println!(
        "{} reads during the writes (1-hop of a hub): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        reads.len(),
        percentile(&reads, 0.5).as_secs_f64() * 1e6,
        percentile(&reads, 0.99).as_secs_f64() * 1e6,
        reads.last().unwrap().as_secs_f64() * 1e6
    );
    let (folds, _) = curator.folds();
    println!(
        "{folds} background folds (past {fold_at} records in the layers), the last finished {:.0} ms after the last write; layers now {} records",
        fold_wait.as_secs_f64() * 1e3,
        store.snapshot().layer_size()
    );
    if !during_folds.is_empty() {
        println!(
            "{} reads during a fold (1-hop of a hub): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
            during_folds.len(),
            percentile(&during_folds, 0.5).as_secs_f64() * 1e6,
            percentile(&during_folds, 0.99).as_secs_f64() * 1e6,
            during_folds.last().unwrap().as_secs_f64() * 1e6
        );
    }
}
