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
    /// The name the entity was added with, once it has another: the name its relations'
    /// quotes are templates of (see [`super::Graph::quote_name`]). Not part of the entity.
    pub(super) quoted: Option<Span>,
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
        quoted: None,
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
            quoted: None,
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
/// filled from the relation that cites it. 8 bytes, the size of a [`Span`]: the top bit of
/// the length tells a template, whose index is then the start.
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
    /// The index of its template in [`super::Graph`]'s template table.
    Template(u32),
}

impl Quote {
    /// A quote kept as text. `None` for a text of 2 GiB or more.
    pub(super) fn text(span: Span) -> Option<Quote> {
        (span.len < TEMPLATE).then_some(Quote {
            at: span.start,
            len: span.len,
        })
    }

    /// A quote kept as the template at `index`.
    pub(super) fn template(index: u32) -> Quote {
        Quote {
            at: index,
            len: TEMPLATE,
        }
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
            QuoteIs::Template(self.at)
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
