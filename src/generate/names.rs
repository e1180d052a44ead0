//! Names, titles and quotes: pure functions of the seed and an index, so the same entity is
//! named the same in `nodes.csv` and in the quotes of `relations.csv` without being stored.

use super::rng::hash;
use crate::model::EntityKind;

const FIRST: &[&str] = &[
    "Amina", "Rail", "Nemat", "Leyla", "Emin", "Gubad", "Sevda", "Tural", "Arzu", "Ilkin", "Nigar",
    "Orkhan", "Samir", "Zaur", "Aygun", "Elnur", "Farid", "Gunel", "Javid", "Kamran", "Lala",
    "Murad", "Narmin", "Rashad", "Sabina", "Togrul", "Ulviyya", "Vugar", "Yusif", "Zarina", "Anna",
    "Boris", "Clara", "David", "Elena", "Frank", "Greta", "Hugo", "Irina", "Jonas",
];
const SYLLABLES: &[&str] = &[
    "ab", "al", "am", "ar", "ba", "be", "da", "di", "el", "fa", "ga", "gu", "ha", "ib", "ja", "ka",
    "la", "li", "ma", "mu", "na", "no", "or", "ra", "sa", "se", "ta", "tu", "va", "ya", "za", "zo",
];
const LAST_END: &[&str] = &["ov", "ova", "li", "zade", "yev", "yeva", "man", "sky"];
const ORG: &[&str] = &[
    "Foundation",
    "Union",
    "Institute",
    "Centre",
    "Party",
    "Network",
    "Watch",
    "Council",
];
const EVENT: &[&str] = &[
    "Protest",
    "Trial",
    "Talks",
    "Summit",
    "Raid",
    "Election",
    "Operation",
    "Hearing",
];

/// A pronounceable word of two or three syllables, capitalised, from the bits of `h`.
fn word(mut h: u64) -> String {
    let parts = 2 + (h & 1) as usize;
    h >>= 1;
    let mut w = String::new();
    for _ in 0..parts {
        w.push_str(SYLLABLES[(h % SYLLABLES.len() as u64) as usize]);
        h /= SYLLABLES.len() as u64;
    }
    let mut chars = w.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    first.into_iter().chain(chars).collect()
}

/// The name of entity `index` of kind `kind`. O(1).
pub(super) fn entity_name(seed: u64, index: u64, kind: EntityKind) -> String {
    let h = hash(seed ^ 0x6E61_6D65, index);
    let place = word(h >> 20);
    match kind {
        EntityKind::Person => format!(
            "{} {}{}",
            FIRST[(h % FIRST.len() as u64) as usize],
            word(h >> 8),
            LAST_END[((h >> 40) % LAST_END.len() as u64) as usize]
        ),
        EntityKind::Organisation => {
            format!("{} {}", word(h >> 4), ORG[(h % ORG.len() as u64) as usize])
        }
        EntityKind::Government => format!("Government of {place}"),
        EntityKind::Court => format!("{place} District Court"),
        EntityKind::Event => format!("{} in {place}", EVENT[(h % EVENT.len() as u64) as usize]),
        EntityKind::Place => place,
    }
}
