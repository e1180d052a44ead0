//! Each entity's relations in compressed rows, laid out once per layout, with the rows that
//! changed since kept whole beside them (see [`Adjacency`]).

use super::records::RelationRecord;
use hashbrown::HashMap;
use std::sync::Arc;

/// Relations by entity in compressed rows: the relations of entity `n` are
/// `edges[offsets[n]..offsets[n + 1]]`, in the order they were added, and the entities at
/// their other ends are `ends` over the same range.
///
/// Why the other ends are kept beside the relations (4 more bytes a relation at each side):
/// relation records are in the order they were added, so reading a neighbour from its record
/// is a cache miss per relation on a large graph; a walk through a hub reads its row straight
/// through instead, 10–20 times faster.
/// The rows of the entities whose relations changed since the base was laid out (see
/// [`Adjacency::push`]) are kept whole beside it, each shared between versions until changed
/// again: a version made by a few additions copies the rows of their ends, not the base. So a
/// write costs the degrees of the entities whose rows it changes (the version before still
/// shares each row, so it is copied): 0.1 ms for a hub of 90,000 relations, and for a merge
/// the degrees of the merged entity's neighbours, whose rows name it.
#[derive(Debug, Clone, Default)]
pub(super) struct Adjacency {
    base: Arc<Rows>,
    changed: HashMap<u32, Arc<Row>>,
}

/// Compressed rows, laid out once.
#[derive(Debug, Default)]
struct Rows {
    offsets: Vec<u32>,
    edges: Vec<u32>,
    ends: Vec<u32>,
}

/// One entity's row, changed since the base was laid out.
#[derive(Debug, Clone, Default)]
struct Row {
    edges: Vec<u32>,
    ends: Vec<u32>,
}

impl Rows {
    fn range(&self, n: usize) -> std::ops::Range<usize> {
        match (self.offsets.get(n), self.offsets.get(n + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }
}

impl Adjacency {
    /// Lays out the rows of `nodes` entities, `end` choosing the entity a relation belongs
    /// to and `other` the entity at its other end. O(nodes + relations).
    pub(super) fn build<'r>(
        nodes: usize,
        relations: impl Iterator<Item = &'r RelationRecord> + Clone,
        end: impl Fn(&RelationRecord) -> u32,
        other: impl Fn(&RelationRecord) -> u32,
    ) -> Adjacency {
        let mut offsets = vec![0u32; nodes + 1];
        let mut count = 0usize;
        for r in relations.clone() {
            offsets[end(r) as usize + 1] += 1;
            count += 1;
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        let mut fill: Vec<u32> = offsets[..nodes].to_vec();
        let mut edges = vec![0u32; count];
        let mut ends = vec![0u32; count];
        for (e, r) in relations.enumerate() {
            let slot = &mut fill[end(r) as usize];
            edges[*slot as usize] = e as u32;
            ends[*slot as usize] = other(r);
            *slot += 1;
        }
        Adjacency {
            base: Arc::new(Rows {
                offsets,
                edges,
                ends,
            }),
            changed: HashMap::new(),
        }
    }

    /// The relations of entity `n`, ascending. O(1).
    #[inline]
    pub(super) fn row(&self, n: usize) -> &[u32] {
        if !self.changed.is_empty() {
            if let Some(row) = self.changed.get(&(n as u32)) {
                return &row.edges;
            }
        }
        &self.base.edges[self.base.range(n)]
    }

    /// The entities at the other ends of [`Adjacency::row`]. O(1).
    #[inline]
    pub(super) fn ends(&self, n: usize) -> &[u32] {
        if !self.changed.is_empty() {
            if let Some(row) = self.changed.get(&(n as u32)) {
                return &row.ends;
            }
        }
        &self.base.ends[self.base.range(n)]
    }

    /// Asks the processor to start loading the first entities of [`Adjacency::ends`]`(n)`,
    /// for a walk that reads that row some steps later: a walk that goes from entity to
    /// entity across the graph otherwise waits on a cache miss at the start of each row (a
    /// row is short and lies anywhere in the rows). Only a hint: it changes nothing, and does
    /// nothing off x86-64 or for a row changed since the layout.
    #[inline]
    pub(super) fn prefetch_ends(&self, n: usize) {
        #[cfg(target_arch = "x86_64")]
        if let Some(first) =
            (self.base.offsets.get(n)).and_then(|&o| self.base.ends.get(o as usize))
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            // SAFETY: SSE is part of x86-64, so the instruction exists; a prefetch reads
            // nothing into the program and cannot fault, and the address is an element's.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(first).cast()) };
        }
    }

    /// Adds relation `edge`, whose other end is `other`, to the end of entity `n`'s row
    /// (`edge` is past every relation in it). O(degree): the row is copied unless no other
    /// version shares it (a builder adding many relations to one row copies it once).
    pub(super) fn push(&mut self, n: u32, edge: u32, other: u32) {
        let row = self.row_mut(n);
        row.edges.push(edge);
        row.ends.push(other);
    }

    /// Changes entity `n`'s row at once: the relations of `removed` taken out, those of
    /// `added` (each with the entity at its other end) put in where their numbers place them
    /// (a relation moved to another end keeps its number). O(degree + k log k) for k changes,
    /// so that moving or removing all of a hub's relations costs its row once.
    pub(super) fn change(&mut self, n: u32, removed: &[u32], mut added: Vec<(u32, u32)>) {
        let row = self.row_mut(n);
        if !removed.is_empty() {
            let mut gone: Vec<u32> = removed.to_vec();
            gone.sort_unstable();
            let mut kept = 0;
            for i in 0..row.edges.len() {
                if gone.binary_search(&row.edges[i]).is_err() {
                    row.edges[kept] = row.edges[i];
                    row.ends[kept] = row.ends[i];
                    kept += 1;
                }
            }
            row.edges.truncate(kept);
            row.ends.truncate(kept);
        }
        if added.is_empty() {
            return;
        }
        added.sort_unstable();
        let (edges, ends) = (
            std::mem::take(&mut row.edges),
            std::mem::take(&mut row.ends),
        );
        let mut old = edges.into_iter().zip(ends).peekable();
        let mut new = added.into_iter().peekable();
        let mut merged = (Vec::with_capacity(old.len() + new.len()), Vec::new());
        merged.1.reserve(merged.0.capacity());
        loop {
            let next = match (old.peek(), new.peek()) {
                (Some(a), Some(b)) if a.0 <= b.0 => old.next(),
                (Some(_), Some(_)) | (None, Some(_)) => new.next(),
                (Some(_), None) => old.next(),
                (None, None) => break,
            };
            let (e, other) = next.expect("one side has one");
            merged.0.push(e);
            merged.1.push(other);
        }
        (row.edges, row.ends) = merged;
    }

    /// Entity `n`'s row, copied beside the base the first time it changes after a layout
    /// (and again when another version shares it).
    fn row_mut(&mut self, n: u32) -> &mut Row {
        let base = &self.base;
        let row = self.changed.entry(n).or_insert_with(|| {
            let range = base.range(n as usize);
            Arc::new(Row {
                edges: base.edges[range.clone()].to_vec(),
                ends: base.ends[range].to_vec(),
            })
        });
        Arc::make_mut(row)
    }

    /// How many rows changed since the layout.
    pub(super) fn changed(&self) -> usize {
        self.changed.len()
    }

    pub(super) fn bytes(&self) -> usize {
        (self.base.offsets.capacity() + self.base.edges.capacity() + self.base.ends.capacity()) * 4
            + (self.changed.values())
                .map(|r| (r.edges.capacity() + r.ends.capacity()) * 4 + 16)
                .sum::<usize>()
    }
}

/// Changes to rows gathered over many relations, made once a row (see
/// [`Adjacency::change`]).
#[derive(Debug, Default)]
pub(super) struct RowChanges {
    outgoing: HashMap<u32, RowChange>,
    incoming: HashMap<u32, RowChange>,
}

/// One row's changes: the relations leaving it, and those joining it with their other ends.
type RowChange = (Vec<u32>, Vec<(u32, u32)>);

impl RowChanges {
    /// Relation `e` leaves the rows of `from` and `to`.
    pub(super) fn remove(&mut self, e: u32, from: u32, to: u32) {
        self.outgoing.entry(from).or_default().0.push(e);
        self.incoming.entry(to).or_default().0.push(e);
    }

    /// Relation `e` joins the rows of `from` and `to`.
    pub(super) fn add(&mut self, e: u32, from: u32, to: u32) {
        self.outgoing.entry(from).or_default().1.push((e, to));
        self.incoming.entry(to).or_default().1.push((e, from));
    }

    /// Makes the changes in a graph's two sides' rows.
    pub(super) fn make(self, outgoing: &mut Adjacency, incoming: &mut Adjacency) {
        for (n, (removed, added)) in self.outgoing {
            outgoing.change(n, &removed, added);
        }
        for (n, (removed, added)) in self.incoming {
            incoming.change(n, &removed, added);
        }
    }
}
