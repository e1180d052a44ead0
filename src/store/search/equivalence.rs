//! The index gives what the scan gives: same hits, same order, same scores, reasons and
//! matched names, on random names (Latin, Azerbaijani letters, Cyrillic) and queries made
//! from them by truncating, dropping or transposing a letter, and transliterating; with
//! random relations (so ties go by relation count), limits small enough that the index stops
//! reading early, and on a version built over the layout (entities added, renamed and given
//! relations since the index was built).

use crate::model::{Citation, Document, Entity, EntityKind, Id, Relation, RelationKind};
use crate::store::{GraphBuilder, Version};
use proptest::prelude::*;

/// Pieces names are made of: shared syllables make words that begin, contain and nearly
/// equal each other, as real names do.
const PIECES: &[&str] = &[
    "ab", "al", "ov", "ya", "gh", "kh", "sh", "a", "i", "e", "Ib", "Gu", "ba", "do", "lu", "ə",
    "ş", "ğ", "ü", "İ", "ı", "ç", "ö", "x", "q", "yev", "iy", "ts", "mm", "аб", "ал", "ов", "х",
    "ц", "я", "ё", "Ж", "é", "ñ", "zz", "o", "u",
];

fn word() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..4).prop_map(|p| p.concat())
}

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..4).prop_map(|w| w.join(" "))
}

fn entity() -> impl Strategy<Value = (String, Vec<String>, u8)> {
    (name(), prop::collection::vec(name(), 0..2), 0u8..3)
}

/// A query made from `text` by `how`, at positions picked by `at`.
fn derive(text: &str, how: u8, at: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let i = at % chars.len().max(1);
    match how % 7 {
        0 => text.to_string(),
        1 => chars[..i.max(1).min(chars.len())].iter().collect(),
        2 => chars
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, c)| c)
            .collect(),
        3 => {
            let mut c = chars.clone();
            if i + 1 < c.len() {
                c.swap(i, i + 1);
            }
            c.into_iter().collect()
        }
        4 => text
            .replace("gh", "ğ")
            .replace("sh", "ş")
            .replace('a', "ə")
            .replace("kh", "x")
            .replace("ov", "ов"),
        5 => text
            .replace('ğ', "g")
            .replace('ə', "e")
            .replace("yev", "ev")
            .replace("mm", "m")
            .to_uppercase(),
        // the last word only, doubled letter and all
        _ => text.rsplit(' ').next().unwrap_or(text).to_string() + "a",
    }
}

fn entity_of(i: usize, (name, aliases, kind): &(String, Vec<String>, u8)) -> Entity {
    let kind = [
        EntityKind::Person,
        EntityKind::Place,
        EntityKind::Organisation,
    ][*kind as usize];
    let mut e = Entity::new(Id::parse(&format!("e{i}")).unwrap(), kind, name.as_str());
    e.aliases = aliases.clone();
    e
}

/// `RELATED` from entity `from` to entity `to`, the `n`-th relation.
fn relation(n: usize, from: usize, to: usize) -> Relation {
    Relation::cited(
        Id::parse(&format!("r{n}")).unwrap(),
        RelationKind::Related,
        Id::parse(&format!("e{from}")).unwrap(),
        Id::parse(&format!("e{to}")).unwrap(),
        Citation {
            document: Id::parse("doc").unwrap(),
            quote: format!("e{from} and e{to}"),
        },
    )
}

fn graph(entities: &[(String, Vec<String>, u8)]) -> Version {
    graph_with(entities, &[])
}

/// The entities, with a relation for each pair of `ties` (taken modulo the entity count).
fn graph_with(entities: &[(String, Vec<String>, u8)], ties: &[(usize, usize)]) -> Version {
    let mut b = GraphBuilder::new();
    b.add_document(Document {
        id: Id::parse("doc").unwrap(),
        title: "A document".into(),
        publisher: None,
        published: None,
        url: None,
    })
    .unwrap();
    for (i, e) in entities.iter().enumerate() {
        b.add_entity(entity_of(i, e)).unwrap();
    }
    for (n, &(from, to)) in ties.iter().enumerate() {
        let n_entities = entities.len();
        b.add_relation(relation(n, from % n_entities, to % n_entities))
            .unwrap();
    }
    Version::new(b.build().unwrap())
}

/// The queries of a test case, each from an entity's name or first alias.
fn query_of(
    entities: &[(String, Vec<String>, u8)],
    (pick, how, at): (&prop::sample::Index, u8, usize),
) -> String {
    let (name, aliases, _) = &entities[pick.index(entities.len())];
    let source = if how & 8 != 0 && !aliases.is_empty() {
        &aliases[0]
    } else {
        name
    };
    derive(source, how, at)
}

/// Whether the index and the scan agree on `q` for every limit from 1 to 12 and 100.
fn agree(g: &Version, q: &str, kinds: Option<&[EntityKind]>) -> Result<(), TestCaseError> {
    for limit in (1..=12).chain([100]) {
        let indexed = g.search(q, kinds, limit);
        let scanned = g.search_scan(q, kinds, limit);
        prop_assert_eq!(indexed, scanned, "query {:?}, limit {}", q, limit);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn the_index_finds_what_the_scan_finds(
        entities in prop::collection::vec(entity(), 1..60),
        queries in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<usize>(), any::<bool>()), 1..12),
    ) {
        let g = graph(&entities);
        for (pick, how, at, only_people) in queries {
            let q = query_of(&entities, (&pick, how, at));
            let kinds = only_people.then_some(&[EntityKind::Person][..]);
            agree(&g, &q, kinds)?;
        }
    }

    #[test]
    fn ties_go_by_relations_in_the_index_as_in_the_scan(
        entities in prop::collection::vec(entity(), 1..40),
        ties in prop::collection::vec((0usize..40, 0usize..40), 0..80),
        queries in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<usize>()), 1..8),
    ) {
        let g = graph_with(&entities, &ties);
        for (pick, how, at) in &queries {
            agree(&g, &query_of(&entities, (pick, *how, *at)), None)?;
        }
    }

    #[test]
    fn a_version_built_over_the_layout_agrees_too(
        entities in prop::collection::vec(entity(), 2..30),
        ties in prop::collection::vec((0usize..30, 0usize..30), 0..40),
        later in prop::collection::vec((0usize..30, 0usize..30), 0..20),
        added in prop::collection::vec(entity(), 0..5),
        renamed in prop::option::of((0usize..30, name())),
        queries in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<usize>()), 1..8),
    ) {
        let g = graph_with(&entities, &ties);
        let mut b = GraphBuilder::over(&g);
        let mut all = entities.clone();
        for e in &added {
            b.add_entity(entity_of(all.len(), e)).unwrap();
            all.push(e.clone());
        }
        if let Some((i, name)) = &renamed {
            let i = i % entities.len();
            all[i].0 = name.clone();
            let node = b.node(&format!("e{i}")).unwrap();
            b.replace_entity(node, entity_of(i, &all[i])).unwrap();
        }
        for (n, &(from, to)) in later.iter().enumerate() {
            b.add_relation(relation(ties.len() + n, from % all.len(), to % all.len()))
                .unwrap();
        }
        // The next version shares the layout's index; what changed is scored beside it.
        let layout_index = std::sync::Arc::clone(&g.search);
        let g = g.next(b.build().unwrap());
        prop_assert!(std::sync::Arc::ptr_eq(&g.search, &layout_index));
        for (pick, how, at) in &queries {
            agree(&g, &query_of(&all, (pick, *how, *at)), None)?;
        }
    }
}

#[test]
fn typos_of_long_words_are_found_through_the_trie() {
    let entities: Vec<(String, Vec<String>, u8)> = [
        "Gubad Ibadoghlu",
        "Bakhtiyar Hajiyev",
        "Konstantinopolskaya",
        "Abcdefghijklmnop",
        "Ruben Vardanyan",
    ]
    .iter()
    .map(|n| (n.to_string(), Vec::new(), 0))
    .collect();
    let g = graph(&entities);
    for q in [
        "Ibadolgu",
        "Hajyiev",
        "Konstnatinopolksaya",
        "Abcdefgihjklmnpo",
        "Abdcefghijlkmnop",
        "Vardnayan",
        "Rubne",
    ] {
        let indexed = g.search(q, None, 10);
        assert_eq!(indexed, g.search_scan(q, None, 10), "{q}");
        assert!(!indexed.is_empty(), "{q}");
    }
}

#[test]
fn typos_of_every_stage_are_found_as_the_scan_finds_them() {
    // A ten-letter surname and its typos at one, two and three edits, in names of one to
    // twenty words, so the hits kept before a stage is walked score just above or below
    // what its typos can: a stage left on a bound too low loses a hit the scan has.
    let filler = |n: usize| vec!["o"; n].join(" ");
    let mut names: Vec<String> = vec![
        format!("Jasalazade {}", filler(19)),
        format!("Jasalazade {}", filler(9)),
        format!("Jasalazade {}", filler(4)),
        "Tural Jasalazade".to_string(),
        "Jasalazadd".to_string(),
        "Jasalazadeoo".to_string(),
        "Jasalazadeooo".to_string(),
        "Jasalxzadx".to_string(),
        "Jaslazade".to_string(),
        "Tural Jasalzaade".to_string(),
        "Tural Jasalazadeyo".to_string(),
        "Turla Jasalazde".to_string(),
    ];
    names.extend((1..6).map(|k| format!("Jasalazadd {}", filler(k))));
    let entities: Vec<(String, Vec<String>, u8)> =
        names.into_iter().map(|n| (n, Vec::new(), 0)).collect();
    let g = graph(&entities);
    for q in [
        "Jasalazade",
        "Jasalazadd",
        "Tural Jasalazade",
        "Jasalzaade",
        "Tural Jasalazadeo",
        "Jasalazadeooo",
    ] {
        for limit in (1..=12).chain([100]) {
            assert_eq!(
                g.search(q, None, limit),
                g.search_scan(q, None, limit),
                "{q}, limit {limit}"
            );
        }
    }
}
