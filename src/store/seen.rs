//! "Seen" sets for walks: a bit per entity, reused from walk to walk.
//!
//! Why not a `HashSet<Node>`: a walk that passes a hub tests tens of thousands of entities,
//! and hashing each costs more than the rest of the step. A bit array answers with one load
//! from memory small enough to stay in cache (12.5 KiB for 100,000 entities, 125 KiB for a
//! million), and it is emptied for the next walk by clearing only the bits this walk set. It
//! lives in a thread-local, so concurrent walks on other threads never share it and a thread
//! allocates it once.

use super::graph::Node;
use std::cell::RefCell;

thread_local! {
    static MARKS: RefCell<Seen> = RefCell::new(Seen::default());
}

/// The marks of one walk, for a graph of a given size.
#[derive(Debug, Default)]
pub(super) struct Seen {
    bits: Vec<u64>,
    /// Set while a walk runs; a walk that did not give its marks back (a panic) leaves it
    /// set, and the next one clears every bit.
    dirty: bool,
}

impl Seen {
    /// Runs `f` with a set of marks holding no entity, for a graph of `entities` entities.
    /// `marked` gives, from `f`'s result, every entity `f` marked: their bits are cleared for
    /// the next walk. Falls back to a fresh set if this thread's is in use (a walk inside a
    /// walk).
    pub(super) fn with<T>(
        entities: usize,
        f: impl FnOnce(&mut Seen) -> T,
        marked: impl for<'a> FnOnce(&'a T) -> &'a [Node],
    ) -> T {
        MARKS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut marks) => marks.walk(entities, f, marked),
            Err(_) => Seen::default().walk(entities, f, marked),
        })
    }

    fn walk<T>(
        &mut self,
        entities: usize,
        f: impl FnOnce(&mut Seen) -> T,
        marked: impl for<'a> FnOnce(&'a T) -> &'a [Node],
    ) -> T {
        if self.dirty {
            self.bits.fill(0);
        }
        let words = entities.div_ceil(64);
        if self.bits.len() < words {
            self.bits.resize(words, 0);
        }
        self.dirty = true;
        let value = f(self);
        let marked = marked(&value);
        if marked.len() > self.bits.len() / 8 {
            self.bits.fill(0);
        } else {
            for n in marked {
                self.bits[n.index() >> 6] = 0;
            }
        }
        self.dirty = false;
        value
    }

    /// Seen `node`; false if it was marked already.
    #[inline]
    pub(super) fn insert(&mut self, node: Node) -> bool {
        let i = node.index();
        let (word, bit) = (&mut self.bits[i >> 6], 1u64 << (i & 63));
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }

    /// Takes `node`'s mark off (for a walk that clears its own marks and names none to
    /// [`Seen::with`]).
    #[inline]
    pub(super) fn remove(&mut self, node: Node) {
        let i = node.index();
        self.bits[i >> 6] &= !(1u64 << (i & 63));
    }

    /// Whether `node` is marked.
    #[inline]
    pub(super) fn contains(&self, node: Node) -> bool {
        let i = node.index();
        self.bits[i >> 6] & (1u64 << (i & 63)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(ids: &[usize]) -> Vec<Node> {
        ids.iter().map(|&i| Node::new(i)).collect()
    }

    fn mark(m: &mut Seen, ids: &[usize]) -> Vec<Node> {
        let ns = nodes(ids);
        for &n in &ns {
            assert!(m.insert(n));
            assert!(!m.insert(n));
            assert!(m.contains(n));
        }
        ns
    }

    #[test]
    fn each_walk_starts_empty() {
        Seen::with(200, |m| mark(m, &[1, 64, 199]), |v| v);
        Seen::with(
            200,
            |m| assert!((0..200).all(|i| !m.contains(Node::new(i)))),
            |_| &[],
        );
    }

    #[test]
    fn a_large_walk_is_cleared_too() {
        let all: Vec<usize> = (0..1000).collect();
        Seen::with(1000, |m| mark(m, &all), |v| v);
        Seen::with(2000, |m| mark(m, &[0, 999, 1999]), |v| v);
        Seen::with(
            2000,
            |m| assert!((0..2000).all(|i| !m.contains(Node::new(i)))),
            |_| &[],
        );
    }

    #[test]
    fn a_walk_inside_a_walk_gets_its_own_marks() {
        Seen::with(
            3,
            |outer| {
                let ns = mark(outer, &[0]);
                Seen::with(
                    3,
                    |inner| {
                        assert!(!inner.contains(Node::new(0)));
                        mark(inner, &[2])
                    },
                    |v| v,
                );
                assert!(!outer.contains(Node::new(2)));
                ns
            },
            |v| v,
        );
    }

    #[test]
    fn a_walk_that_panicked_leaves_no_marks_behind() {
        let _ = std::panic::catch_unwind(|| {
            Seen::with(
                100,
                |m| {
                    mark(m, &[5]);
                    panic!("walk failed");
                },
                |v: &Vec<Node>| v,
            )
        });
        Seen::with(100, |m| assert!(!m.contains(Node::new(5))), |_| &[]);
    }
}
