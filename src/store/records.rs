//! The compact records a [`super::Graph`] is made of: one text arena for the strings, small
//! fixed-size records for entities, relations and citations, and side tables for the fields
//! most records do not have.
//!
//! Why records rather than the model's structs: a [`crate::model::Relation`] with its owned
//! strings, vectors and maps takes about 500 bytes; a [`RelationRecord`] takes 20. Fields that
//! are rare in bulk data (the end of a period, a role, a description, attributes, a second
//! citation, an id other than the default) live in a side table, found by binary search from
//! the records that have them. The model's structs stay the currency of loading and of the API's owned values
//! ([`super::EntityRef::to_entity`], [`super::RelationRef::to_relation`]).

use super::quotes::Holes;
use crate::model::{Attributes, ClaimStatus, Date, Entity, EntityKind, Id, RelationKind};
use std::sync::Arc;

/// Where a string lives in the [`Text`] arena.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Span {
    start: u32,
    len: u32,
}

impl Span {
    /// Where it starts in the arena.
    pub(super) fn start(self) -> usize {
        self.start as usize
    }

    /// Its length in bytes.
    pub(super) fn len(self) -> usize {
        self.len as usize
    }
}

/// Every short string of a graph (entity ids and names, folded search keys, quotes) in one
/// buffer, addressed by [`Span`]s: 8 bytes a string instead of a 24-byte `String` and its own
/// allocation. The buffer is a shared base and a layer of what was added since (see
/// [`super::layered`]): a clone copies the layer only.
#[derive(Debug, Clone, Default)]
pub(super) struct Text {
    base: Arc<String>,
    layer: String,
}

/// The arena is addressed with 32-bit offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the graph's text would pass 4 GiB, the most one graph version holds")]
pub(super) struct TextFull;

impl Text {
    /// Appends `s`. Fails if the arena would pass 4 GiB.
    pub(super) fn push(&mut self, s: &str) -> Result<Span, TextFull> {
        let start = u32::try_from(self.len()).map_err(|_| TextFull)?;
        let len = u32::try_from(s.len()).map_err(|_| TextFull)?;
        start.checked_add(len).ok_or(TextFull)?;
        self.layer.push_str(s);
        Ok(Span { start, len })
    }

    /// Appends an entity's name after its length (in base 64, one ASCII byte a digit, one
    /// byte below 64: see [`write_length`]), so that the place of the length alone tells the
    /// name ([`Text::name_at`]): what a relation whose quotes are kept as templates keeps of
    /// its ends' names (see `store::quotes`). The span of the name itself. Fails if the arena
    /// would pass 4 GiB.
    pub(super) fn push_name(&mut self, name: &str) -> Result<Span, TextFull> {
        let len = u32::try_from(name.len()).map_err(|_| TextFull)?;
        let mut digits = [0u8; LENGTH_DIGITS];
        let n = write_length(len, &mut digits);
        let at = u32::try_from(self.len()).map_err(|_| TextFull)?;
        at.checked_add(len)
            .and_then(|end| end.checked_add(n as u32))
            .ok_or(TextFull)?;
        self.layer.reserve(n + name.len());
        self.layer
            .extend(digits[..n].iter().map(|&b| char::from(b)));
        self.layer.push_str(name);
        Ok(Span {
            start: at + n as u32,
            len,
        })
    }

    /// Where the length before the name at `span` ([`Text::push_name`]) is. O(1).
    #[inline]
    pub(super) fn name_start(span: Span) -> u32 {
        span.start - length_digits(span.len) as u32
    }

    /// The name whose length is at `at` ([`Text::push_name`], [`Text::name_start`]). O(1):
    /// one cache line for a short name.
    #[inline]
    pub(super) fn name_at(&self, at: u32) -> &str {
        let at = at as usize;
        let (part, i): (&str, usize) = match at.checked_sub(self.base.len()) {
            None => (&self.base, at),
            Some(i) => (&self.layer, i),
        };
        let (len, n) = read_length(&part.as_bytes()[i..]);
        &part[i + n..i + n + len as usize]
    }

    /// Asks for the cache line at `at` ahead of reading it (a hint: it changes nothing, and
    /// does nothing off x86-64 or past the arena's end).
    #[inline]
    pub(super) fn prefetch(&self, at: u32) {
        #[cfg(target_arch = "x86_64")]
        {
            let at = at as usize;
            let byte = match at.checked_sub(self.base.len()) {
                None => self.base.as_bytes().get(at),
                Some(i) => self.layer.as_bytes().get(i),
            };
            if let Some(byte) = byte {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                // SAFETY: SSE is part of x86-64, so the instruction exists; a prefetch reads
                // nothing into the program and cannot fault, and the address is a byte's.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(byte).cast()) };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = at;
    }

    /// The part of `span` from byte `offset` for `len` bytes (the caller keeps it inside
    /// `span`, on character boundaries). O(1).
    pub(super) fn sub(span: Span, offset: usize, len: usize) -> Span {
        debug_assert!(offset + len <= span.len as usize);
        Span {
            start: span.start + offset as u32,
            len: len as u32,
        }
    }

    /// The string at `span`.
    #[inline]
    pub(super) fn get(&self, span: Span) -> &str {
        let (start, end) = (span.start as usize, (span.start + span.len) as usize);
        match start.checked_sub(self.base.len()) {
            None => &self.base[start..end],
            Some(s) => &self.layer[s..s + span.len as usize],
        }
    }

    /// Bytes held.
    pub(super) fn len(&self) -> usize {
        self.base.len() + self.layer.len()
    }

    /// Gives back spare capacity once a graph is built.
    pub(super) fn shrink(&mut self) {
        self.layer.shrink_to_fit();
    }

    /// Makes the layer part of the base (moved when the base is empty, else the base is
    /// copied when shared, and extended). Spans stay valid. O(bytes) at worst.
    pub(super) fn fold(&mut self) {
        super::layered::fold_layer(&mut self.base, &mut self.layer);
    }
}

/// The most bytes [`write_length`] writes (32 bits, six at a time).
const LENGTH_DIGITS: usize = 6;

/// Writes `len` in base 64 into `out`, most significant digit first, each digit one ASCII
/// byte: `0x40 | digit` for every digit but the last, `digit` (below `0x40`) for the last. So
/// the length of a name below 64 bytes is one byte, and the arena stays UTF-8. How many bytes.
pub(super) fn write_length(len: u32, out: &mut [u8; LENGTH_DIGITS]) -> usize {
    let n = length_digits(len);
    for (i, byte) in out[..n].iter_mut().enumerate() {
        let digit = ((len >> (6 * (n - 1 - i))) & 0x3f) as u8;
        *byte = if i + 1 == n { digit } else { 0x40 | digit };
    }
    n
}

/// How many bytes [`write_length`] writes for `len`.
#[inline]
pub(super) fn length_digits(len: u32) -> usize {
    (32 - len.leading_zeros() as usize).div_ceil(6).max(1)
}

/// The length [`write_length`] wrote at the start of `bytes`, and how many bytes it took.
#[inline]
pub(super) fn read_length(bytes: &[u8]) -> (u32, usize) {
    let mut len = 0u32;
    for (i, &b) in bytes.iter().take(LENGTH_DIGITS).enumerate() {
        len = (len << 6) | u32::from(b & 0x3f);
        if b & 0x40 == 0 {
            return (len, i + 1);
        }
    }
    (len, LENGTH_DIGITS)
}

/// "No side-table entry" in [`EntityRecord::extra`].
pub(super) const NO_EXTRA: u32 = u32::MAX;

/// An entity: 24 bytes.
#[derive(Debug, Clone, Copy)]
pub(super) struct EntityRecord {
    pub(super) id: Span,
    pub(super) name: Span,
    /// Index into the entity side table, or [`NO_EXTRA`].
    pub(super) extra: u32,
    pub(super) kind: EntityKind,
}

/// The fields of an entity that bulk data mostly leaves empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct EntityExtra {
    pub(super) aliases: Vec<String>,
    pub(super) description: Option<String>,
    pub(super) roles: Vec<String>,
    pub(super) start: Option<Date>,
    pub(super) end: Option<Date>,
    pub(super) place: Option<Id>,
    pub(super) attributes: Attributes,
}

impl EntityExtra {
    /// The side-table entry of an entity that has none of its fields (what a view reads for
    /// an entity without an entry).
    pub(super) const EMPTY: &'static EntityExtra = &EntityExtra {
        aliases: Vec::new(),
        description: None,
        roles: Vec::new(),
        start: None,
        end: None,
        place: None,
        attributes: Attributes::new(),
    };

    /// Splits an entity into what its record holds (id, kind, name) and the rest.
    pub(super) fn split(entity: Entity) -> (Id, EntityKind, String, EntityExtra) {
        let Entity {
            id,
            kind,
            name,
            aliases,
            description,
            roles,
            start,
            end,
            place,
            attributes,
        } = entity;
        let extra = EntityExtra {
            aliases,
            description,
            roles,
            start,
            end,
            place,
            attributes,
        };
        (id, kind, name, extra)
    }

    /// Whether there is nothing to keep.
    pub(super) fn is_empty(&self) -> bool {
        self == EntityExtra::EMPTY
    }
}

/// [`RelationRecord::bits`]: the claim status, 0 for none, else its index in
/// `ClaimStatus::ALL` plus one.
pub(super) const CLAIM_MASK: u8 = 0b0000_0111;
/// [`RelationRecord::bits`]: the relation's id is its default id, derived from its ends and
/// kind, and not stored.
pub(super) const DEFAULT_ID: u8 = 0b0000_1000;
/// [`RelationRecord::bits`]: the relation has an entry in the relation side table.
pub(super) const HAS_EXTRA: u8 = 0b0001_0000;
/// [`RelationRecord::bits`]: the relation was removed since the last layout; it is in no
/// row and no id index, and every walk over all relations skips it (see `store::tombstones`).
pub(super) const DEAD: u8 = 0b0010_0000;

/// A relation: 20 bytes.
#[derive(Debug, Clone, Copy)]
pub(super) struct RelationRecord {
    pub(super) from: u32,
    pub(super) to: u32,
    /// [`Date::to_bits`], 0 for none. (The end of a period is rare: it is in the side table.)
    pub(super) date: u32,
    /// The first citation, an index into the citation table.
    pub(super) citation: u32,
    /// The own label, an index into the label table; 0 for none (the kind's label).
    pub(super) label: u16,
    pub(super) kind: RelationKind,
    /// [`CLAIM_MASK`], [`DEFAULT_ID`], [`HAS_EXTRA`], [`DEAD`].
    pub(super) bits: u8,
}

impl RelationRecord {
    pub(super) fn claim(&self) -> Option<ClaimStatus> {
        match self.bits & CLAIM_MASK {
            0 => None,
            i => ClaimStatus::ALL.get(usize::from(i) - 1).copied(),
        }
    }

    pub(super) fn claim_bits(claim: Option<ClaimStatus>) -> u8 {
        claim.map_or(0, |c| {
            ClaimStatus::ALL
                .iter()
                .position(|&x| x == c)
                .map_or(0, |i| i as u8 + 1)
        })
    }
}

/// The fields of a relation that bulk data mostly leaves empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct RelationExtra {
    /// An id other than the default one.
    pub(super) id: Option<Id>,
    /// An own label that did not fit the 16-bit label table.
    pub(super) label: Option<Box<str>>,
    /// When a period ended.
    pub(super) until: Option<Date>,
    pub(super) role: Option<String>,
    pub(super) description: Option<String>,
    /// Citations after the first, as indices into the citation table.
    pub(super) citations: Vec<u32>,
    pub(super) attributes: Attributes,
}

impl RelationExtra {
    const EMPTY: &'static RelationExtra = &RelationExtra {
        id: None,
        label: None,
        until: None,
        role: None,
        description: None,
        citations: Vec::new(),
        attributes: Attributes::new(),
    };

    /// Whether there is nothing to keep.
    pub(super) fn is_empty(&self) -> bool {
        self == RelationExtra::EMPTY
    }
}

/// A citation: the document (an index into the document table) and the quote. 12 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CitationRecord {
    pub(super) document: u32,
    pub(super) quote: Quote,
}

/// Where a citation's quote is: its text in the arena, or a template ([`super::quotes`])
/// filled with the names kept for it. 8 bytes, the size of a [`Span`]: the top bit of the
/// length tells a template, whose index is then the start, and the other 31 bits where its
/// names are in [`super::Graph`]'s `quote_names`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Quote {
    at: u32,
    len: u32,
}

/// [`Quote::len`]'s bit telling a template.
const TEMPLATE: u32 = 1 << 31;

/// What a [`Quote`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum QuoteIs {
    /// The quote's text.
    Text(Span),
    /// A template and the names it is filled with.
    Template {
        /// The index of the template in [`super::Graph`]'s template table.
        template: u32,
        /// The index of the names in `Graph::quote_names`.
        names: u32,
    },
}

impl Quote {
    /// A quote kept as text. `None` for a text of 2 GiB or more.
    pub(super) fn text(span: Span) -> Option<Quote> {
        (span.len < TEMPLATE).then_some(Quote {
            at: span.start,
            len: span.len,
        })
    }

    /// A quote kept as the template at `index`, filled with the names at `names` in
    /// `Graph::quote_names`. `None` for `names` of 2^31 or more.
    pub(super) fn template(index: u32, names: u32) -> Option<Quote> {
        (names < TEMPLATE).then_some(Quote {
            at: index,
            len: TEMPLATE | names,
        })
    }

    /// Which it is.
    #[inline]
    pub(super) fn is(self) -> QuoteIs {
        if self.len & TEMPLATE == 0 {
            QuoteIs::Text(Span {
                start: self.at,
                len: self.len,
            })
        } else {
            QuoteIs::Template {
                template: self.at,
                names: self.len & !TEMPLATE,
            }
        }
    }
}

/// A quote's shape, shared by the quotes that have it ([`super::quotes`]): its text without
/// the values, and where they go. 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TemplateRecord {
    pub(super) text: Span,
    pub(super) holes: Holes,
}

/// The (from, to, kind) of every relation that holds its default id, while a graph is built:
/// a set in open addressing whose keys sit in their slots, 12 bytes each.
///
/// Why not a `HashSet`: a bulk import asks for one key a relation and adds it, in a table far
/// larger than any cache. `hashbrown` keeps its control bytes apart from its slots, so the
/// question reads one cache line and the addition writes another; here both are the slot's
/// line, which the question (asked ahead for a run of relations, see
/// `GraphBuilder::look_ahead`) has brought into the cache.
#[derive(Debug, Clone, Default)]
pub(super) struct DefaultIds {
    /// `[from, to, kind + 1]`; `[_, _, 0]` is an empty slot. A power of two long, or empty.
    slots: Vec<[u32; 3]>,
    len: usize,
}

impl DefaultIds {
    fn key(from: u32, to: u32, kind: RelationKind) -> [u32; 3] {
        [from, to, kind as u32 + 1]
    }

    /// The slot where `key` is, or the empty one where it would go. The table is not full.
    fn slot(&self, key: [u32; 3]) -> usize {
        let mask = self.slots.len() - 1;
        // A 64-bit mix of the three numbers (splitmix64's finaliser), its high bits the start.
        let mut h = (u64::from(key[0]) << 32 | u64::from(key[1])) ^ u64::from(key[2]) << 58;
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^= h >> 31;
        let mut i = (h >> 32) as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot[2] == 0 || slot == key {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Whether the set holds the key. O(1) expected.
    pub(super) fn contains(&self, from: u32, to: u32, kind: RelationKind) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let key = Self::key(from, to, kind);
        self.slots[self.slot(key)] == key
    }

    /// Adds the key; whether it was not there. O(1) amortised.
    pub(super) fn insert(&mut self, from: u32, to: u32, kind: RelationKind) -> bool {
        self.reserve(1);
        let key = Self::key(from, to, kind);
        let i = self.slot(key);
        if self.slots[i] == key {
            return false;
        }
        self.slots[i] = key;
        self.len += 1;
        true
    }

    /// Room for `more` keys without growing (at most 5/8 of the slots are used).
    pub(super) fn reserve(&mut self, more: usize) {
        let needed = (self.len + more).saturating_mul(8) / 5 + 1;
        if needed <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(
            &mut self.slots,
            vec![[0; 3]; needed.next_power_of_two().max(16)],
        );
        for key in old.into_iter().filter(|k| k[2] != 0) {
            let i = self.slot(key);
            self.slots[i] = key;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_stay_small() {
        assert_eq!(std::mem::size_of::<EntityRecord>(), 24);
        assert_eq!(std::mem::size_of::<RelationRecord>(), 20);
        assert_eq!(std::mem::size_of::<CitationRecord>(), 12);
        assert_eq!(std::mem::size_of::<TemplateRecord>(), 16);
    }

    #[test]
    fn a_name_is_found_from_where_its_length_starts_whatever_its_length() {
        // Lengths either side of each extra digit (64 and 4,096 bytes), in the base and in the
        // layer, between other text.
        let lengths = [1, 2, 62, 63, 64, 65, 4095, 4096, 4097, 70_000];
        let names: Vec<String> = (lengths.iter().enumerate())
            .map(|(i, &n)| "Əa".repeat(n).chars().skip(i % 2).take(n).collect())
            .collect();
        let mut text = Text::default();
        let mut spans = Vec::new();
        for (i, name) in names.iter().enumerate() {
            text.push(&"x".repeat(i)).unwrap();
            spans.push(text.push_name(name).unwrap());
            if i == 4 {
                text.fold();
            }
        }
        for (name, &span) in names.iter().zip(&spans) {
            assert_eq!(text.get(span), name, "the name itself at its span");
            let start = Text::name_start(span);
            assert_eq!(
                span.start() - start as usize,
                length_digits(name.len() as u32)
            );
            assert_eq!(text.name_at(start), name);
        }
        // One place off either way is not the name (a wrong length, or past the arena).
        for (i, span) in spans.iter().enumerate() {
            let start = Text::name_start(*span);
            for off in [start.checked_sub(1), Some(start + 1)]
                .into_iter()
                .flatten()
            {
                let read = std::panic::catch_unwind(|| text.name_at(off).to_string());
                assert!(read.map_or(true, |n| n != names[i]), "{i}");
            }
        }
    }

    #[test]
    fn lengths_are_written_in_ascii_and_read_back() {
        for len in [0, 1, 63, 64, 4095, 4096, 262_143, 262_144, u32::MAX] {
            let mut digits = [0; LENGTH_DIGITS];
            let n = write_length(len, &mut digits);
            assert_eq!(n, length_digits(len));
            assert!(digits[..n].is_ascii(), "{len}");
            let mut bytes = digits[..n].to_vec();
            bytes.extend_from_slice(b"tail");
            assert_eq!(read_length(&bytes), (len, n));
        }
    }

    #[test]
    fn text_spans_give_back_their_strings() {
        let mut t = Text::default();
        let a = t.push("gubad-ibadoglu").unwrap();
        let b = t.push("").unwrap();
        let c = t.push("Ибадоглу").unwrap();
        assert_eq!(
            (t.get(a), t.get(b), t.get(c)),
            ("gubad-ibadoglu", "", "Ибадоглу")
        );
    }

    #[test]
    fn default_ids_are_found_once_added_and_only_then() {
        let mut set = DefaultIds::default();
        assert!(!set.contains(1, 2, RelationKind::Called));
        for i in 0..10_000u32 {
            assert!(set.insert(i, i * 7 % 13, RelationKind::Called));
        }
        assert!(
            !set.insert(5, 35 % 13, RelationKind::Called),
            "already there"
        );
        for i in 0..10_000u32 {
            assert!(set.contains(i, i * 7 % 13, RelationKind::Called));
            assert!(!set.contains(i, i * 7 % 13, RelationKind::Arrested));
            assert!(!set.contains(i * 7 % 13, i + 13, RelationKind::Called));
        }
        assert_eq!(set.len, 10_000);
        assert!(set.slots.len().is_power_of_two() && set.len * 8 <= set.slots.len() * 5);
    }

    #[test]
    fn claims_pack_into_three_bits() {
        for c in std::iter::once(None).chain(ClaimStatus::ALL.iter().copied().map(Some)) {
            let bits = RelationRecord::claim_bits(c);
            assert_eq!(bits & !CLAIM_MASK, 0);
            let r = RelationRecord {
                from: 0,
                to: 0,
                date: 0,
                citation: 0,
                label: 0,
                kind: RelationKind::Related,
                bits,
            };
            assert_eq!(r.claim(), c);
        }
    }
}
