//! Tables shared between graph versions: a large base behind an [`Arc`], never changed once
//! built, and a small layer of what was added since. Cloning one copies the layer, not the
//! base, so a version made by a few additions costs what they cost (see
//! [`super::GraphBuilder::over`]); folding the layer into a new base ([`Layered::fold`])
//! is the only O(n) step, done for bulk loads at once and for curators' writes in the
//! background (see `crate::curate`).
//!
//! A position is the same in every version that has it: the base's first, then the layer's.

use hashbrown::{HashMap, HashSet};
use std::borrow::Borrow;
use std::hash::Hash;
use std::ops::Index;
use std::sync::Arc;

/// A vector in two parts: a shared base and an owned layer appended to it, and the items of
/// the base replaced since it was folded.
#[derive(Debug, Clone)]
pub(super) struct Layered<T> {
    base: Arc<Vec<T>>,
    layer: Vec<T>,
    replaced: HashMap<u32, T>,
}

impl<T> Default for Layered<T> {
    fn default() -> Self {
        Layered {
            base: Arc::new(Vec::new()),
            layer: Vec::new(),
            replaced: HashMap::new(),
        }
    }
}

impl<T> Layered<T> {
    /// A base of `items`, nothing layered.
    pub(super) fn from_vec(items: Vec<T>) -> Layered<T> {
        Layered {
            base: Arc::new(items),
            layer: Vec::new(),
            replaced: HashMap::new(),
        }
    }

    /// Number of items, base and layer. O(1).
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.base.len() + self.layer.len()
    }

    /// Number of items in the layer (added since the base was folded) and of the base's
    /// replaced since. O(1).
    pub(super) fn layer_len(&self) -> usize {
        self.layer.len() + self.replaced.len()
    }

    /// The item at `i`, if there is one. O(1).
    #[inline]
    pub(super) fn get(&self, i: usize) -> Option<&T> {
        match i.checked_sub(self.base.len()) {
            None => Some(self.in_base(i)),
            Some(j) => self.layer.get(j),
        }
    }

    /// The base's item `i`, or what replaced it.
    #[inline]
    fn in_base(&self, i: usize) -> &T {
        if !self.replaced.is_empty() {
            if let Some(item) = self.replaced.get(&(i as u32)) {
                return item;
            }
        }
        &self.base[i]
    }

    /// Replaces the item at `i` (which must exist): in the layer in place, in the base beside
    /// it. O(1).
    pub(super) fn set(&mut self, i: usize, item: T) {
        match i.checked_sub(self.base.len()) {
            None => {
                self.replaced.insert(i as u32, item);
            }
            Some(j) => self.layer[j] = item,
        }
    }

    /// Appends an item to the layer. Amortised O(1).
    pub(super) fn push(&mut self, item: T) {
        self.layer.push(item);
    }

    /// Room for `n` more items in the layer.
    pub(super) fn reserve(&mut self, n: usize) {
        self.layer.reserve(n);
    }

    /// Every item in order.
    pub(super) fn iter(&self) -> Iter<'_, T> {
        Iter {
            all: self,
            base: self.base.iter(),
            layer: self.layer.iter(),
            at: 0,
        }
    }

    /// Bytes held by the items (capacities; a shared base counted whole).
    pub(super) fn bytes(&self) -> usize {
        (self.base.capacity() + self.layer.capacity() + self.replaced.capacity())
            * std::mem::size_of::<T>()
    }

    /// The base alone, as a slice (what the last fold left).
    pub(super) fn base(&self) -> &[T] {
        &self.base
    }

    /// The layer alone.
    pub(super) fn layer(&self) -> &[T] {
        &self.layer
    }

    /// The positions of the items replaced or added since the base was folded (the replaced
    /// in no order, then the added). O(layer).
    pub(super) fn changed(&self) -> impl Iterator<Item = usize> + '_ {
        (self.replaced.keys().map(|&i| i as usize)).chain(self.base.len()..self.len())
    }
}

impl<T: Clone> Layered<T> {
    /// Makes the layer and the replacements part of the base: moved when the base is empty,
    /// else the base is copied (when another version shares it), changed and extended. O(n)
    /// at worst.
    pub(super) fn fold(&mut self) {
        if !self.replaced.is_empty() {
            let base = Arc::make_mut(&mut self.base);
            for (i, item) in std::mem::take(&mut self.replaced) {
                base[i as usize] = item;
            }
        }
        fold_layer(&mut self.base, &mut self.layer);
    }
}

/// What a layer and its base are: a vector, or a string (the text arena, [`super::records`]).
pub(super) trait Buffer: Clone + Default {
    /// Whether it holds nothing.
    fn is_empty(&self) -> bool;
    /// Its length.
    fn len(&self) -> usize;
    /// Gives back its spare capacity.
    fn shrink_to_fit(&mut self);
    /// Makes room for exactly `more`.
    fn reserve_exact(&mut self, more: usize);
    /// Moves `other` onto its end.
    fn append(&mut self, other: Self);
}

impl<T: Clone> Buffer for Vec<T> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn shrink_to_fit(&mut self) {
        Vec::shrink_to_fit(self)
    }
    fn reserve_exact(&mut self, more: usize) {
        Vec::reserve_exact(self, more)
    }
    fn append(&mut self, mut other: Self) {
        Vec::append(self, &mut other)
    }
}

impl Buffer for String {
    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }
    fn len(&self) -> usize {
        str::len(self)
    }
    fn shrink_to_fit(&mut self) {
        String::shrink_to_fit(self)
    }
    fn reserve_exact(&mut self, more: usize) {
        String::reserve_exact(self, more)
    }
    fn append(&mut self, other: Self) {
        self.push_str(&other)
    }
}

/// Makes `layer` part of `base`, leaving it empty: moved when the base is empty, else the
/// base is copied (when another version shares it) and extended. Positions stay valid.
/// O(base + layer) at worst.
pub(super) fn fold_layer<B: Buffer>(base: &mut Arc<B>, layer: &mut B) {
    if layer.is_empty() {
        return;
    }
    let mut layer = std::mem::take(layer);
    if base.is_empty() {
        layer.shrink_to_fit();
        *base = Arc::new(layer);
        return;
    }
    let base = Arc::make_mut(base);
    base.reserve_exact(layer.len());
    base.append(layer);
}

/// The items of a [`Layered`] in order, replacements read in place of what they replaced.
#[derive(Debug, Clone)]
pub(super) struct Iter<'a, T> {
    all: &'a Layered<T>,
    base: std::slice::Iter<'a, T>,
    layer: std::slice::Iter<'a, T>,
    at: usize,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    #[inline]
    fn next(&mut self) -> Option<&'a T> {
        let item = match self.base.next() {
            Some(item) if self.all.replaced.is_empty() => item,
            Some(_) => self.all.in_base(self.at),
            None => self.layer.next()?,
        };
        self.at += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.base.len() + self.layer.len();
        (n, Some(n))
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<T> Index<usize> for Layered<T> {
    type Output = T;

    #[inline]
    fn index(&self, i: usize) -> &T {
        match i.checked_sub(self.base.len()) {
            None => self.in_base(i),
            Some(j) => &self.layer[j],
        }
    }
}

impl<'a, T> IntoIterator for &'a Layered<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A hash map shared between versions: a base behind an [`Arc`], a layer of the keys given a
/// value since, and the base's keys taken away since.
#[derive(Debug, Clone)]
pub(super) struct LayeredMap<K, V> {
    base: Arc<HashMap<K, V>>,
    layer: HashMap<K, V>,
    removed: HashSet<K>,
}

impl<K, V> Default for LayeredMap<K, V> {
    fn default() -> Self {
        LayeredMap {
            base: Arc::new(HashMap::new()),
            layer: HashMap::new(),
            removed: HashSet::new(),
        }
    }
}

impl<K: Hash + Eq, V> LayeredMap<K, V> {
    /// The value of `key`. O(1).
    #[inline]
    pub(super) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if self.layer.is_empty() && self.removed.is_empty() {
            return self.base.get(key);
        }
        if let Some(value) = self.layer.get(key) {
            return Some(value);
        }
        if !self.removed.is_empty() && self.removed.contains(key) {
            return None;
        }
        self.base.get(key)
    }

    /// Whether `key` has a value. O(1).
    pub(super) fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get(key).is_some()
    }

    /// Gives `key` a value, in the layer. O(1) amortised.
    pub(super) fn insert(&mut self, key: K, value: V) {
        self.layer.insert(key, value);
    }

    /// Takes `key`'s value away. O(1) amortised.
    pub(super) fn remove(&mut self, key: K) {
        self.layer.remove(&key);
        if self.base.contains_key(&key) {
            self.removed.insert(key);
        }
    }

    /// Whether the map is empty.
    pub(super) fn is_empty(&self) -> bool {
        self.layer.is_empty() && self.base.len() == self.removed.len()
    }

    /// Slots held, base and layer.
    pub(super) fn capacity(&self) -> usize {
        self.base.capacity() + self.layer.capacity() + self.removed.capacity()
    }

    /// Every key with its value, in no order. O(n).
    pub(super) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let base = (self.base.iter())
            .filter(|(k, _)| !self.removed.contains(*k) && !self.layer.contains_key(*k));
        base.chain(self.layer.iter())
    }
}

impl<K: Hash + Eq + Clone, V: Clone> LayeredMap<K, V> {
    /// Makes the layer part of the base (moved when the base is empty, else the base copied
    /// when shared). O(n) at worst.
    pub(super) fn fold(&mut self) {
        if self.layer.is_empty() && self.removed.is_empty() {
            return;
        }
        let layer = std::mem::take(&mut self.layer);
        if self.base.is_empty() {
            self.base = Arc::new(layer);
            self.removed.clear();
            return;
        }
        let base = Arc::make_mut(&mut self.base);
        for key in std::mem::take(&mut self.removed) {
            base.remove(&key);
        }
        base.extend(layer);
    }

    /// A folded map of the same keys with the values `f` gives (`None`: left out). O(n).
    pub(super) fn filter_map(&self, f: impl Fn(&V) -> Option<V>) -> LayeredMap<K, V> {
        LayeredMap {
            base: Arc::new(
                self.iter()
                    .filter_map(|(k, v)| Some((k.clone(), f(v)?)))
                    .collect(),
            ),
            ..LayeredMap::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_stay_where_they_were_across_folds_and_clones() {
        let mut a: Layered<u32> = Layered::default();
        a.push(1);
        a.push(2);
        a.fold();
        let mut b = a.clone();
        b.push(3);
        assert_eq!((a.len(), b.len(), b.layer_len()), (2, 3, 1));
        assert_eq!((b[0], b[2], b.get(3)), (1, 3, None));
        b.fold();
        assert_eq!(b.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(
            a.iter().copied().collect::<Vec<_>>(),
            [1, 2],
            "a's base is untouched"
        );
    }

    #[test]
    fn a_key_taken_away_is_gone_from_this_version_only() {
        let mut a: LayeredMap<String, u32> = LayeredMap::default();
        a.insert("x".into(), 1);
        a.insert("y".into(), 2);
        a.fold();
        let mut b = a.clone();
        b.remove("x".into());
        b.insert("z".into(), 3);
        assert_eq!(
            (b.get("x"), b.get("y"), b.get("z")),
            (None, Some(&2), Some(&3))
        );
        assert_eq!(a.get("x"), Some(&1), "a's base is untouched");
        let mut keys: Vec<_> = b.iter().map(|(k, v)| (k.clone(), *v)).collect();
        keys.sort();
        assert_eq!(keys, [("y".into(), 2), ("z".into(), 3)]);
        b.insert("x".into(), 4);
        assert_eq!(b.get("x"), Some(&4), "given a value again");
        b.remove("x".into());
        b.fold();
        assert_eq!((b.get("x"), b.get("y")), (None, Some(&2)));
        assert!(!b.is_empty());
    }
}
