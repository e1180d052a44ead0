//! Ids for imported records: any text made into a valid [`Id`], shortened with a hash when it
//! is too long, so an imported token is never refused for its spelling.

use crate::model::Id;
use crate::store::fold;

/// The model's longest id, in bytes (`model::id::MAX_ID_LEN`, which the model does not export;
/// a test below checks the two agree).
const MAX_ID_LEN: usize = 128;

/// Length of the hash suffix of a shortened id, in hex digits.
const HASH_DIGITS: usize = 12;

/// Lower-cases and transliterates `text` (as search does: `Əli` → `ali`), and turns every run
/// of anything but ASCII letters and digits into one hyphen: `Q5` → `q5`, `/m/02mjmr` →
/// `m-02mjmr`. May be empty (a name in a script search does not transliterate).
pub(super) fn slugify(text: &str) -> String {
    let simple = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b' ' | b'/' | b':'));
    let folded;
    let source = if simple {
        text
    } else {
        folded = fold(text);
        &folded
    };
    let mut out = String::with_capacity(source.len());
    let mut gap = false;
    for c in source.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// A valid id for `slug`, a text already made of id characters (letters, digits, hyphens and
/// dots): itself when it is a valid id of at most `MAX_ID_LEN - room` bytes; otherwise cut
/// short (or, when empty, `x`) and suffixed with a hash of `original`, so different originals
/// keep different ids. `room` leaves space for a later `.2`-style suffix.
pub(super) fn fit(slug: &str, original: &str, room: usize) -> Id {
    let limit = MAX_ID_LEN - room;
    if slug.len() <= limit {
        if let Ok(id) = Id::parse(slug) {
            return id;
        }
    }
    let keep = limit - HASH_DIGITS - 1;
    let mut cut = slug[..slug.len().min(keep)].trim_end_matches(['-', '.']);
    if cut.is_empty() {
        cut = "x";
    }
    let text = format!(
        "{cut}-{:0width$x}",
        hash(original) >> 16,
        width = HASH_DIGITS
    );
    Id::parse(&text).expect("a cut slug with a hex suffix is a valid id")
}

/// The id for an imported token: [`slugify`] then [`fit`], leaving room for relation ids.
pub(super) fn token_id(token: &str) -> Id {
    fit(&slugify(token), token, 8)
}

/// The id for an imported token, made different from the ids `taken` refuses by a hash suffix
/// (two tokens that slugify alike, `Foo Bar` and `foo-bar`).
pub(super) fn distinct_id(token: &str, taken: impl Fn(&str) -> bool) -> Id {
    let id = token_id(token);
    if !taken(id.as_str()) {
        return id;
    }
    let base = slugify(token);
    let keep = (MAX_ID_LEN - 8 - HASH_DIGITS - 1).min(base.len());
    let text = format!(
        "{}-{:0width$x}",
        base[..keep].trim_end_matches('-'),
        hash(token) >> 16,
        width = HASH_DIGITS
    );
    let text = text.trim_start_matches('-');
    Id::parse(text).unwrap_or_else(|_| fit("", token, 8))
}

/// FNV-1a, 64 bits: stable across Rust versions and runs, unlike `DefaultHasher`, so the same
/// file always gets the same ids.
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_limit_is_the_models() {
        assert!(Id::parse(&"a".repeat(MAX_ID_LEN)).is_ok());
        assert!(Id::parse(&"a".repeat(MAX_ID_LEN + 1)).is_err());
    }

    #[test]
    fn tokens_become_slugs() {
        assert_eq!(slugify("Q5"), "q5");
        assert_eq!(slugify("/m/02mjmr"), "m-02mjmr");
        assert_eq!(slugify("Əli Əliyev"), "ali-aliyev");
        assert_eq!(slugify("NK-a1b2_c3"), "nk-a1b2-c3");
        assert_eq!(slugify("J.R.R. Tolkien"), "j-r-r-tolkien");
        assert_eq!(slugify("戦争"), "");
    }

    #[test]
    fn long_or_empty_slugs_are_shortened_with_a_stable_hash() {
        let long = "a".repeat(300);
        let id = token_id(&long);
        assert!(id.as_str().len() <= MAX_ID_LEN - 8, "{id}");
        assert_eq!(id, token_id(&long));
        assert_ne!(id, token_id(&"a".repeat(301)));
        let empty = token_id("戦争");
        assert!(empty.as_str().starts_with("x-"), "{empty}");
        assert_ne!(empty, token_id("平和"));
    }

    #[test]
    fn tokens_that_slugify_alike_get_distinct_ids() {
        let first = token_id("Foo Bar");
        let second = distinct_id("foo-bar", |id| id == first.as_str());
        assert_ne!(first, second);
        assert!(second.as_str().starts_with("foo-bar-"), "{second}");
    }
}
