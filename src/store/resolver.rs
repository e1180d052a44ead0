//! A copy of a builder's entities and documents, to resolve relations against on other
//! threads while the builder takes relations in ([`Resolver`]).

use super::builder::{resolve, Entities, ResolvedRelation};
use super::graph::Node;
use super::records::Text;
use crate::model::{EntityKind, Id, Relation};
use foldhash::fast::FixedState;
use hashbrown::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

/// The entities and documents of a [`super::GraphBuilder`], copied
/// ([`super::GraphBuilder::resolver`]) to resolve relations against on other threads while the
/// builder itself takes relations in: [`Resolver::resolve_relation`] answers as
/// [`super::GraphBuilder::resolve_relation`] would have when the copy was made. Only that
/// builder checks what it resolves.
#[derive(Debug)]
pub struct Resolver {
    pub(super) entities: EntityTable,
    /// The builder's text arena, where the entities' names are (each slot of `entities` has
    /// where its name starts).
    pub(super) text: Text,
    /// Document ids to their index.
    pub(super) documents: HashMap<Id, u32>,
    /// The documents' full texts.
    pub(super) texts: HashMap<Id, Arc<str>>,
    /// The builder's hasher of quotes.
    pub(super) quote_hasher: FixedState,
    /// The builder it was made from.
    pub(super) origin: u64,
}

impl Resolver {
    /// [`super::GraphBuilder::resolve_relation`], against the copy: two entity lookups, each
    /// one cache line in most graphs.
    pub fn resolve_relation(
        &self,
        ends: (Option<Node>, Option<Node>),
        relation: Relation,
    ) -> ResolvedRelation {
        resolve(
            self,
            &self.texts,
            &self.quote_hasher,
            self.origin,
            ends,
            relation,
        )
    }

    /// The entity with this id and its kind, in the copy. O(1). Asks for the line of its
    /// name too (a prefetch): [`Resolver::resolve_relation`] reads it, and lookups made a few
    /// at a time (as the importers make them) then wait for the names at once.
    pub fn find(&self, id: &str) -> Option<(Node, EntityKind)> {
        let (node, kind, name) = self.entities.find(id)?;
        self.text.prefetch(name);
        Some((node, kind))
    }
}

impl Entities for Resolver {
    fn end(&self, _given: Option<Node>, id: &str) -> Option<(Node, EntityKind, u32)> {
        // Looking up again costs less than checking the given one: the entry is in the cache
        // (the caller found it here), the entity's record would not be.
        self.entities.find(id)
    }

    fn document(&self, id: &Id) -> Option<u32> {
        self.documents.get(id).copied()
    }

    fn name_at(&self, at: u32) -> &str {
        self.text.name_at(at)
    }
}

/// The longest id kept in its slot; longer ones are kept apart.
const INLINE: usize = 22;

/// One entry of an [`EntityTable`]: 32 bytes, two to a cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    /// The id, when it is at most [`INLINE`] bytes long; else its hash (8 bytes) and where it
    /// is in [`EntityTable::long`] (start and length, 4 bytes each).
    id: [u8; INLINE],
    /// The id's length when inline; [`LONG`] when kept apart.
    len: u8,
    /// The entity's kind (its place in [`EntityKind::ALL`]) plus one; 0 for an empty slot.
    kind: u8,
    node: u32,
    /// Where the entity's name starts in the text arena (see `Text::push_name`).
    name: u32,
}

/// [`Slot::len`] of an id kept apart.
const LONG: u8 = u8::MAX;

const EMPTY: Slot = Slot {
    id: [0; INLINE],
    len: 0,
    kind: 0,
    node: 0,
    name: 0,
};

/// Entities by id, each entry holding the id (when short) and the entity's kind, so that a
/// lookup reads one cache line: where the builder's own index reads its control bytes, its
/// slot, the id's text and the entity's record, four lines far apart in a large graph.
#[derive(Debug, Default)]
pub(super) struct EntityTable {
    /// A power of two long, at most 7/8 full; open addressing, probed in order.
    slots: Vec<Slot>,
    /// The ids longer than [`INLINE`] bytes, one after another.
    long: String,
    hasher: FixedState,
}

impl EntityTable {
    /// A table for `n` entities.
    pub(super) fn with_capacity(n: usize) -> EntityTable {
        let slots = (n.saturating_mul(8) / 7 + 1).next_power_of_two().max(16);
        EntityTable {
            slots: vec![EMPTY; slots],
            long: String::new(),
            hasher: FixedState::with_seed(0x7265_736f_6c76_6572),
        }
    }

    fn start(&self, hash: u64) -> usize {
        (hash >> 32) as usize & (self.slots.len() - 1)
    }

    /// Adds an entity, whose id is not in the table yet, with where its name starts in the
    /// text arena. The table has room (see [`EntityTable::with_capacity`]).
    pub(super) fn insert(&mut self, id: &str, node: Node, kind: EntityKind, name: u32) {
        let hash = self.hasher.hash_one(id);
        let mut slot = Slot {
            id: [0; INLINE],
            len: LONG,
            kind: kind as u8 + 1,
            node: node.index() as u32,
            name,
        };
        if id.len() <= INLINE {
            slot.id[..id.len()].copy_from_slice(id.as_bytes());
            slot.len = id.len() as u8;
        } else {
            let start = self.long.len() as u32;
            self.long.push_str(id);
            slot.id[..8].copy_from_slice(&hash.to_le_bytes());
            slot.id[8..12].copy_from_slice(&start.to_le_bytes());
            slot.id[12..16].copy_from_slice(&(id.len() as u32).to_le_bytes());
        }
        let mask = self.slots.len() - 1;
        let mut i = self.start(hash);
        while self.slots[i].kind != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    /// The entity with this id, its kind and where its name starts. O(1) expected.
    pub(super) fn find(&self, id: &str) -> Option<(Node, EntityKind, u32)> {
        if self.slots.is_empty() {
            return None;
        }
        let hash = self.hasher.hash_one(id);
        // A short id as its slot holds it, so that comparing is comparing two arrays.
        let short = (id.len() <= INLINE).then(|| {
            let mut key = [0; INLINE];
            key[..id.len()].copy_from_slice(id.as_bytes());
            key
        });
        let mask = self.slots.len() - 1;
        let mut i = self.start(hash);
        loop {
            let slot = &self.slots[i];
            if slot.kind == 0 {
                return None;
            }
            let same = match short {
                Some(key) => usize::from(slot.len) == id.len() && slot.id == key,
                None => {
                    let word =
                        |at: usize| u32::from_le_bytes(slot.id[at..at + 4].try_into().unwrap());
                    slot.len == LONG
                        && slot.id[..8] == hash.to_le_bytes()
                        && self
                            .long
                            .get(word(8) as usize..(word(8) + word(12)) as usize)
                            == Some(id)
                }
            };
            if same {
                let kind = EntityKind::ALL[usize::from(slot.kind) - 1];
                return Some((Node::new(slot.node as usize), kind, slot.name));
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_ids_are_found_with_their_kind_and_others_are_not() {
        let long = "a-very-long-entity-id-that-does-not-fit-in-a-slot";
        // Short ids, long ones, and ids of 22 bytes (the longest kept in a slot) and 23.
        let ids: Vec<String> = (0..5_000)
            .map(|i| match i % 3 {
                0 => format!("e{i}"),
                1 => format!("{long}-{i}"),
                _ => format!("exactly-twenty-two-{i:03}"),
            })
            .collect();
        let mut table = EntityTable::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            let kind = EntityKind::ALL[i % EntityKind::ALL.len()];
            table.insert(id, Node::new(i), kind, 7 * i as u32 + 1);
        }
        for (i, id) in ids.iter().enumerate() {
            let found = table.find(id).map(|(n, k, name)| (n.index(), k, name));
            let kind = EntityKind::ALL[i % EntityKind::ALL.len()];
            assert_eq!(found, Some((i, kind, 7 * i as u32 + 1)), "{id}");
        }
        assert_eq!(table.find("e1"), None);
        assert_eq!(table.find(&format!("{long}-0")), None);
        assert_eq!(table.find(""), None);
        assert_eq!(EntityTable::default().find("e0"), None);
        // Still two slots to a cache line with the name's place in each.
        assert_eq!(std::mem::size_of::<Slot>(), 32);
    }
}
