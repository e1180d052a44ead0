//! The index gives what the scan gives: same hits, same order, same scores, reasons and
//! matched names, on random names (Latin, Azerbaijani letters, Cyrillic) and queries made
//! from them by truncating, dropping or transposing a letter, and transliterating.

use crate::model::{Entity, EntityKind, Id};
use crate::store::{Graph, GraphBuilder};
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

fn graph(entities: &[(String, Vec<String>, u8)]) -> Graph {
    let mut b = GraphBuilder::new();
    for (i, (name, aliases, kind)) in entities.iter().enumerate() {
        let kind = [
            EntityKind::Person,
            EntityKind::Place,
            EntityKind::Organisation,
        ][*kind as usize];
        let mut e = Entity::new(Id::parse(&format!("e{i}")).unwrap(), kind, name.as_str());
        e.aliases = aliases.clone();
        b.add_entity(e).unwrap();
    }
    b.build().unwrap()
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
            let (name, aliases, _) = &entities[pick.index(entities.len())];
            let source = if how & 8 != 0 && !aliases.is_empty() { &aliases[0] } else { name };
            let q = derive(source, how, at);
            let kinds = only_people.then_some(&[EntityKind::Person][..]);
            let indexed = g.search(&q, kinds, 100);
            let scanned = g.search_scan(&q, kinds, 100);
            prop_assert_eq!(indexed, scanned, "query {:?}", q);
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
