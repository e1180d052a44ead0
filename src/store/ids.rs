//! Finding entities and relations by id without a map of owned strings.
//!
//! Entities: a hash table of entity indices, hashed by the id text that lives in the graph's
//! text arena — 4 bytes an entity plus the table's slack, where a `HashMap<String, u32>` costs
//! a second copy of every id.
//!
//! Relations: most relations have their default id, `<from>.<kind in lower case>.<to>`, which
//! is derived from the record and never stored. Looking one up splits the id at each kind's
//! segment, finds the two entities, and scans the smaller end's relations. Only the ids that
//! differ from the default are kept, in a map.

use super::records::{Span, Text};
use crate::model::RelationKind;
use hashbrown::{DefaultHashBuilder, HashSet, HashTable};
use std::hash::BuildHasher;
use std::sync::{Arc, LazyLock};

/// Each kind with its id segment (`ruled-on`), for splitting ids.
static SEGMENTS: LazyLock<Vec<(RelationKind, String)>> = LazyLock::new(|| {
    RelationKind::ALL
        .iter()
        .map(|&k| (k, k.name().to_ascii_lowercase().replace('_', "-")))
        .collect()
});

/// The id segment of a kind: its name in lower case with hyphens (`ruled-on`).
pub(super) fn segment(kind: RelationKind) -> &'static str {
    SEGMENTS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, s)| s.as_str())
        .expect("every kind has a segment")
}

/// The default id of a relation: `<from>.<kind in lower case>.<to>`.
pub(super) fn default_id(from: &str, kind: RelationKind, to: &str) -> String {
    let seg = segment(kind);
    let mut id = String::with_capacity(from.len() + seg.len() + to.len() + 2);
    id.push_str(from);
    id.push('.');
    id.push_str(seg);
    id.push('.');
    id.push_str(to);
    id
}

/// Whether `id` is the default id of a relation of `kind` from `from` to `to`, without
/// building it.
pub(super) fn is_default_id(id: &str, from: &str, kind: RelationKind, to: &str) -> bool {
    let seg = segment(kind);
    id.len() == from.len() + seg.len() + to.len() + 2
        && id.starts_with(from)
        && id.ends_with(to)
        && id[from.len()..].starts_with('.')
        && id[from.len() + 1..].starts_with(seg)
        && id[from.len() + 1 + seg.len()..].starts_with('.')
}

/// Every way `id` splits into `(from, kind, to)` as a default id. Entity ids may contain dots,
/// so there can be several; each is checked against the graph by the caller.
pub(super) fn splits(id: &str) -> impl Iterator<Item = (&str, RelationKind, &str)> {
    SEGMENTS.iter().flat_map(move |(kind, seg)| {
        id.match_indices('.').filter_map(move |(i, _)| {
            let rest = &id[i + 1..];
            let to = rest.strip_prefix(seg.as_str())?.strip_prefix('.')?;
            (i > 0 && !to.is_empty()).then_some((&id[..i], *kind, to))
        })
    })
}

/// Entity indices by id, hashed by the id text in the arena. Each slot keeps the id's span
/// beside the entity's index, so a probe reads the table and the text, not the entity record
/// too (a bulk import looks up two ids a relation, each a cache miss on a large graph).
#[derive(Clone, Default)]
pub(super) struct EntityIndex {
    /// The entities of the base, shared between versions.
    base: Arc<HashTable<(u32, Span)>>,
    /// The entities added since the base was folded.
    layer: HashTable<(u32, Span)>,
    /// The base's entities removed since (see [`EntityIndex::remove`]).
    hidden: HashSet<u32>,
    hasher: DefaultHashBuilder,
}

impl std::fmt::Debug for EntityIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntityIndex")
            .field("len", &(self.base.len() + self.layer.len()))
            .finish()
    }
}

impl EntityIndex {
    /// The entity with this id. O(1).
    #[inline]
    pub(super) fn find(&self, id: &str, text: &Text) -> Option<u32> {
        let hash = self.hasher.hash_one(id);
        let found = |table: &HashTable<(u32, Span)>| {
            table
                .find(hash, |&(_, span)| text.get(span) == id)
                .map(|&(n, _)| n)
        };
        match found(&self.base) {
            Some(n) if self.hidden.is_empty() || !self.hidden.contains(&n) => Some(n),
            _ => (!self.layer.is_empty()).then(|| found(&self.layer))?,
        }
    }

    /// Takes entity `n`, whose id is `id`, out of the index: out of the layer, or hidden in
    /// the base. O(1).
    pub(super) fn remove(&mut self, n: u32, id: &str, text: &Text) {
        let hash = self.hasher.hash_one(id);
        match self.layer.find_entry(hash, |&(m, _)| m == n) {
            Ok(entry) => {
                entry.remove();
            }
            Err(_) => {
                self.hidden.insert(n);
            }
        }
        debug_assert!(self.find(id, text) != Some(n));
    }

    /// Adds entity `n` with the id at `span`, which must not be in the index yet. O(1)
    /// amortised.
    pub(super) fn insert(&mut self, n: u32, span: Span, text: &Text) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(text.get(span));
        self.layer
            .insert_unique(hash, (n, span), |&(_, s)| hasher.hash_one(text.get(s)));
    }

    /// Bytes held (the tables' slots and control bytes, roughly).
    pub(super) fn bytes(&self) -> usize {
        (self.base.capacity() + self.layer.capacity()) * (std::mem::size_of::<(u32, Span)>() + 1)
            + self.hidden.capacity() * 5
    }

    /// Room for `n` more entities.
    pub(super) fn reserve(&mut self, n: usize, text: &Text) {
        let hasher = &self.hasher;
        self.layer
            .reserve(n, |&(_, s)| hasher.hash_one(text.get(s)));
    }

    /// Makes the entities added since the last fold part of the base (moved when the base is
    /// empty, else the base copied when shared and extended). O(n) at worst.
    pub(super) fn fold(&mut self, text: &Text) {
        if !self.hidden.is_empty() {
            let hidden = std::mem::take(&mut self.hidden);
            Arc::make_mut(&mut self.base).retain(|(n, _)| !hidden.contains(n));
        }
        if self.layer.is_empty() {
            return;
        }
        let layer = std::mem::take(&mut self.layer);
        if self.base.is_empty() {
            self.base = Arc::new(layer);
            return;
        }
        let hasher = &self.hasher;
        let base = Arc::make_mut(&mut self.base);
        base.reserve(layer.len(), |&(_, s)| hasher.hash_one(text.get(s)));
        for (n, span) in layer {
            base.insert_unique(hasher.hash_one(text.get(span)), (n, span), |&(_, s)| {
                hasher.hash_one(text.get(s))
            });
        }
    }
}

/// The first id of `base`, `base.2`, `base.3`, … that `taken` says is free: the numbering of
/// relations given no id, the same for the data files, the importers and the mutations.
pub fn numbered(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}.{n}"))
        .find(|candidate| !taken(candidate))
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ids_are_recognised_without_being_built() {
        let id = default_id("gubad-ibadoglu", RelationKind::RuledOn, "baku-court");
        assert_eq!(id, "gubad-ibadoglu.ruled-on.baku-court");
        assert!(is_default_id(
            &id,
            "gubad-ibadoglu",
            RelationKind::RuledOn,
            "baku-court"
        ));
        assert!(!is_default_id(
            &id,
            "gubad-ibadoglu",
            RelationKind::Arrested,
            "baku-court"
        ));
        assert!(!is_default_id(
            &format!("{id}.2"),
            "gubad-ibadoglu",
            RelationKind::RuledOn,
            "baku-court"
        ));
    }

    #[test]
    fn ids_split_at_every_kind_segment() {
        let found: Vec<_> = splits("a.b.arrested.c.called.d").collect();
        assert!(found.contains(&("a.b", RelationKind::Arrested, "c.called.d")));
        assert!(found.contains(&("a.b.arrested.c", RelationKind::Called, "d")));
        assert_eq!(splits("a.arrested").count(), 0);
        assert_eq!(splits(".arrested.b").count(), 0);
    }
}
