use super::*;
use crate::import::{self, ImportSource, Mapping, Silent};

fn spec(entities: u64, relations: u64) -> Spec {
    Spec {
        entities,
        relations,
        seed: 42,
    }
}

#[test]
fn a_generated_graph_imports_cleanly_with_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let written = generate(&spec(10_000, 50_000), dir.path()).unwrap();
    assert_eq!((written.entities, written.relations), (10_000, 50_000));
    let source = ImportSource::at(dir.path(), None).unwrap();
    let (graph, summary) = import::load_with_imports(None, &[source], &Mapping::default(), &Silent)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(graph.entity_count(), 10_000);
    assert_eq!(graph.relation_count(), 50_000);
    assert_eq!(graph.document_count(), DOCUMENTS as usize);
    assert_eq!(summary.fallbacks, 0);
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
    let [a, b, c] = [(); 3].map(|_| tempfile::tempdir().unwrap());
    generate(&spec(10_000, 50_000), a.path()).unwrap();
    generate(&spec(10_000, 50_000), b.path()).unwrap();
    generate(
        &Spec {
            seed: 7,
            ..spec(10_000, 50_000)
        },
        c.path(),
    )
    .unwrap();
    for file in ["documents.csv", "nodes.csv", "relations.csv"] {
        let read = |d: &tempfile::TempDir| std::fs::read(d.path().join(file)).unwrap();
        assert!(read(&a) == read(&b), "{file} differs for the same seed");
    }
    let relations = |d: &tempfile::TempDir| std::fs::read(d.path().join("relations.csv")).unwrap();
    assert!(relations(&a) != relations(&c));
}

#[test]
fn degrees_follow_a_power_law_with_hubs_and_the_kind_mix_is_a_news_one() {
    let n = 10_000;
    let mut degree = vec![0u32; n];
    let sampler = Zipf::new(n as u64);
    let mut rng = SplitMix64::new(1);
    for _ in 0..100_000 {
        degree[sampler.draw(&mut rng) as usize] += 1;
    }
    let max = *degree.iter().max().unwrap();
    let mut sorted = degree.clone();
    sorted.sort_unstable();
    let median = sorted[n / 2];
    assert!(max > 100 * median.max(1), "max {max}, median {median}");
    let people = (0..n as u64)
        .filter(|&i| kind_of(42, i) == EntityKind::Person)
        .count();
    assert!((5_200..5_800).contains(&people), "{people} people");
}

#[test]
fn every_pair_of_entity_kinds_has_a_relation_kind_that_fits() {
    let table = KindTable::new();
    for &from in EntityKind::ALL {
        for &to in EntityKind::ALL {
            for &k in table.allowed(from, to) {
                assert!(k.allows(from, to), "{k} from {from} to {to}");
            }
        }
    }
}

#[test]
fn relations_among_fewer_than_two_entities_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(generate(&spec(1, 5), dir.path()).is_err());
}
