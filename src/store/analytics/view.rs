//! The undirected simple graph every analysis runs on: the scoped entities numbered `0..n` in
//! entity (id) order, each with its distinct neighbours, in compressed sparse rows.

use super::Scope;
use crate::store::deadline::{Deadline, Expired};
use crate::store::graph::{Graph, Node};
use crate::store::records::DEAD;

/// Visited "not in scope" in the node-to-index table.
const OUT: u32 = u32::MAX;

/// A compact undirected adjacency of the entities in a scope.
///
/// Why a second set of rows beside the graph's own: the algorithms walk every neighbour list
/// many times (Brandes walks them once per source) and want each tie once, undirected, with
/// repeats and self-loops gone, and the entities of the scope numbered `0..n`; the graph's rows
/// hold relations, both directions apart, in the numbering of the whole graph.
#[derive(Debug, Clone, Default)]
pub(super) struct View {
    /// The entity of each index, in the graph's entity order.
    pub(super) nodes: Vec<Node>,
    /// Index `i`'s neighbours are `targets[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<u32>,
    /// Neighbour indices, sorted and distinct within each row; each tie appears in both rows.
    targets: Vec<u32>,
}

/// The entities of the scope in entity (id) order, and each entity's number among them
/// (indexed by [`Node::index`]; [`OUT`] for those outside). O(V). Under an as-of day, events
/// not in force then are outside.
pub(super) fn numbering(graph: &Graph, scope: &Scope) -> (Vec<Node>, Vec<u32>) {
    let bound = graph.node_bound();
    let subset = scope.nodes.as_ref().map(|nodes| {
        let mut member = vec![false; bound];
        for n in nodes.iter().filter(|n| n.index() < bound) {
            member[n.index()] = true;
        }
        member
    });
    let kinds = scope.entity_kinds.as_deref();
    let nodes: Vec<Node> = graph
        .entities(kinds)
        .filter(|n| subset.as_ref().is_none_or(|m| m[n.index()]))
        .filter(|&n| scope.as_of.is_none_or(|a| graph.entity_in_force(n, a)))
        .collect();
    let mut index = vec![OUT; bound];
    for (i, n) in nodes.iter().enumerate() {
        index[n.index()] = i as u32;
    }
    (nodes, index)
}

/// The ties of the scope between two different entities, as pairs of their numbers (see
/// [`numbering`]), one per relation in scope: repeats are not dropped. O(E).
pub(super) fn ties<'a>(
    graph: &'a Graph,
    scope: &'a Scope,
    index: &'a [u32],
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let relation_kinds = scope.relation_kinds.as_deref();
    let as_of = scope.as_of;
    graph
        .relations
        .iter()
        .enumerate()
        .filter_map(move |(e, r)| {
            if r.bits & DEAD != 0 || relation_kinds.is_some_and(|k| !k.contains(&r.kind)) {
                return None;
            }
            // The ends are tested by the numbering: an event out of force is outside.
            if as_of.is_some_and(|a| !graph.relation_dates_hold(e as u32, r, a)) {
                return None;
            }
            let (a, b) = (index[r.from as usize], index[r.to as usize]);
            (a != OUT && b != OUT && a != b).then_some((a as usize, b as usize))
        })
}

impl View {
    /// The view of `graph` restricted to `scope`. O(V + E) from the rows of other ends when
    /// the scope names no relation kind and no day; O(V + E + Σ d log d) otherwise, from the
    /// relations' records.
    ///
    /// Panics if the scope has 2^31 ties or more (far beyond what one machine holds).
    pub(super) fn build(graph: &Graph, scope: &Scope) -> View {
        View::build_within(graph, scope, &Deadline::none()).expect("no deadline")
    }

    /// [`View::build`], checking `deadline` between its passes.
    pub(super) fn build_within(
        graph: &Graph,
        scope: &Scope,
        deadline: &Deadline,
    ) -> Result<View, Expired> {
        let (nodes, index) = numbering(graph, scope);
        deadline.check()?;
        if scope.relation_kinds.is_none() && scope.as_of.is_none() {
            return Ok(View::from_rows(graph, nodes, &index));
        }
        View::from_records(graph, scope, nodes, &index, deadline)
    }

    /// The view of the ties [`ties`] gives: each relation's record read, for a scope that
    /// names relation kinds or a day. O(V + E + Σ d log d): two passes over the relations
    /// and a sort of each neighbour list.
    fn from_records(
        graph: &Graph,
        scope: &Scope,
        nodes: Vec<Node>,
        index: &[u32],
        deadline: &Deadline,
    ) -> Result<View, Expired> {
        let ties = || ties(graph, scope, index);

        // Count, place, then sort and drop repeats within each row.
        let n = nodes.len();
        let mut offsets = vec![0u32; n + 1];
        for (a, b) in ties() {
            offsets[a + 1] += 1;
            offsets[b + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] = offsets[i]
                .checked_add(offsets[i + 1])
                .expect("fewer than 2^31 ties in scope");
        }
        deadline.check()?;
        let mut fill: Vec<u32> = offsets[..n].to_vec();
        let mut targets = vec![0u32; offsets[n] as usize];
        for (a, b) in ties() {
            targets[fill[a] as usize] = b as u32;
            fill[a] += 1;
            targets[fill[b] as usize] = a as u32;
            fill[b] += 1;
        }
        deadline.check()?;
        let mut write = 0usize;
        for i in 0..n {
            let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
            targets[start..end].sort_unstable();
            offsets[i] = write as u32;
            for j in start..end {
                if j == start || targets[j] != targets[j - 1] {
                    targets[write] = targets[j];
                    write += 1;
                }
            }
        }
        offsets[n] = write as u32;
        targets.truncate(write);
        targets.shrink_to_fit();
        Ok(View {
            nodes,
            offsets,
            targets,
        })
    }

    /// The view of every relation among `nodes` (numbered by `index`, see [`numbering`]),
    /// read from the graph's rows of other ends: what a scope that names no relation kind
    /// and no day needs, without reading a relation's record. O(V + E), no sort.
    ///
    /// Each entity `j`, in view order, is written into the rows of the entities its own two
    /// rows name, so every row comes out ascending; a repeat of `j` in a row (parallel
    /// relations, or a tie both ways) is the row's last entry when it comes, and is dropped
    /// there. The rows are laid out at their upper bound (the two rows' lengths) and closed
    /// up at the end.
    fn from_rows(graph: &Graph, nodes: Vec<Node>, index: &[u32]) -> View {
        let n = nodes.len();
        let rows = |g: Node| graph.other_ends(g.index());
        let mut offsets = vec![0u32; n + 1];
        for (i, &g) in nodes.iter().enumerate() {
            let [out, inc] = rows(g);
            offsets[i + 1] = (offsets[i].checked_add((out.len() + inc.len()) as u32))
                .expect("fewer than 2^31 ties in scope");
        }
        // Each row's next free slot and the last entity written into it, side by side: the
        // test for a repeat reads this small table, not the row (a cache miss a tie).
        let mut fill: Vec<(u32, u32)> = offsets[..n].iter().map(|&o| (o, OUT)).collect();
        let mut targets = vec![0u32; offsets[n] as usize];
        for (j, &g) in nodes.iter().enumerate() {
            let j = j as u32;
            for &other in rows(g).into_iter().flatten() {
                let i = index[other as usize];
                if i == OUT || i == j {
                    continue;
                }
                let (free, last) = &mut fill[i as usize];
                if *last != j {
                    *last = j;
                    targets[*free as usize] = j;
                    *free += 1;
                }
            }
        }
        let mut write = 0usize;
        for i in 0..n {
            let (start, end) = (offsets[i] as usize, fill[i].0 as usize);
            targets.copy_within(start..end, write);
            offsets[i] = write as u32;
            write += end - start;
        }
        offsets[n] = write as u32;
        targets.truncate(write);
        if targets.capacity() - write > write / 8 {
            targets.shrink_to_fit();
        }
        View {
            nodes,
            offsets,
            targets,
        }
    }

    /// Number of entities in scope. O(1).
    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Number of distinct ties. O(1).
    pub(super) fn tie_count(&self) -> usize {
        self.targets.len() / 2
    }

    /// The distinct neighbours of index `i`, ascending. O(1).
    pub(super) fn neighbours(&self, i: usize) -> &[u32] {
        &self.targets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// Number of distinct neighbours of index `i`. O(1).
    pub(super) fn degree(&self, i: usize) -> usize {
        (self.offsets[i + 1] - self.offsets[i]) as usize
    }

    /// Pairs each entity with its value; `values` is indexed like the view. O(V).
    pub(super) fn label(&self, values: Vec<f64>) -> Vec<(Node, f64)> {
        self.nodes.iter().copied().zip(values).collect()
    }

    /// The entities of a list of indices. O(len).
    pub(super) fn entities(&self, indices: &[usize]) -> Vec<Node> {
        indices.iter().map(|&i| self.nodes[i]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::{ids, TestGraph};
    use super::*;

    #[test]
    fn parallel_relations_collapse_and_self_loops_are_dropped() {
        let g = TestGraph::parallel();
        let v = View::build(&g, &Scope::all());
        assert_eq!(ids(&g, &v.nodes), ["n000", "n001", "n002", "n003"]);
        assert_eq!(v.tie_count(), 4);
        let rows: Vec<&[u32]> = (0..v.len()).map(|i| v.neighbours(i)).collect();
        assert_eq!(rows, [&[1][..], &[0, 2, 3], &[1, 3], &[1, 2]]);
    }

    use crate::model::{Citation, EntityKind, Id, Relation, RelationKind};
    use crate::store::{Edge, GraphBuilder};
    use proptest::prelude::*;

    /// `n` entities named `e0`, `e1`, … (so `e10` comes before `e2`: id order is not the
    /// numbering), every third an organisation, with the relations `rels` (self-loops and
    /// repeats both ways included); then, over that version, the relations `gone` (indices
    /// into `rels`) removed, one entity left without relations removed, and `more` relations
    /// added beside the layout (rows changed since it).
    fn graph(n: usize, rels: &[(usize, usize)], gone: &[usize], more: &[(usize, usize)]) -> Graph {
        let id = |s: String| Id::parse(&s).unwrap();
        let relation = |r: String, (a, z): (usize, usize)| {
            Relation::cited(
                id(r),
                RelationKind::AssociateOf,
                id(format!("e{}", a % n)),
                id(format!("e{}", z % n)),
                Citation {
                    document: id("doc".into()),
                    quote: "q".into(),
                },
            )
        };
        let mut t = TestGraph::new();
        for i in 0..n {
            let kind = [
                EntityKind::Person,
                EntityKind::Person,
                EntityKind::Organisation,
            ][i % 3];
            t.entity(&format!("e{i}"), kind);
        }
        let mut g = t.build();
        let mut b = GraphBuilder::over(&g);
        for (r, &ends) in rels.iter().enumerate() {
            b.add_relation(relation(format!("r{r}"), ends)).unwrap();
        }
        g = b.build().unwrap();
        let mut b = GraphBuilder::over(&g);
        let mut gone: Vec<Edge> = gone
            .iter()
            .filter(|&&r| r < rels.len())
            .map(|&r| Edge::new(r))
            .collect();
        gone.sort();
        gone.dedup();
        b.remove_relations(&gone).unwrap();
        g = b.build().unwrap();
        let lonely = g.entities(None).find(|&v| g.incident(v).is_empty());
        if let Some(lonely) = lonely {
            let mut b = GraphBuilder::over(&g);
            b.remove_entity(lonely).unwrap();
            g = b.build().unwrap();
        }
        let mut b = GraphBuilder::over(&g);
        for (r, &(a, z)) in more.iter().enumerate() {
            if g.entities(None).any(|v| v.index() == a % n)
                && g.entities(None).any(|v| v.index() == z % n)
            {
                b.add_relation(relation(format!("m{r}"), (a, z))).unwrap();
            }
        }
        b.build().unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// The view read from the rows' other ends is the view read from the relations'
        /// records: the same entities, rows and order, for the whole graph, some entity kinds
        /// and a set of entities.
        #[test]
        fn the_rows_give_the_view_the_records_give(
            n in 1usize..30,
            rels in prop::collection::vec((0usize..30, 0usize..30), 0..80),
            gone in prop::collection::vec(0usize..80, 0..20),
            more in prop::collection::vec((0usize..30, 0usize..30), 0..10),
            subset in prop::collection::vec(0usize..30, 0..15),
        ) {
            let g = graph(n, &rels, &gone, &more);
            let scopes = [
                Scope::all(),
                Scope { entity_kinds: Some(vec![EntityKind::Person]), ..Scope::all() },
                Scope { nodes: Some(subset.iter().map(|&i| Node::new(i % n)).collect()), ..Scope::all() },
            ];
            for scope in &scopes {
                let (nodes, index) = numbering(&g, scope);
                let rows = View::from_rows(&g, nodes.clone(), &index);
                let records = View::from_records(&g, scope, nodes, &index, &Deadline::none()).unwrap();
                prop_assert_eq!(&rows.nodes, &records.nodes);
                prop_assert_eq!(&rows.offsets, &records.offsets);
                prop_assert_eq!(&rows.targets, &records.targets);
            }
        }
    }

    #[test]
    fn the_empty_graph_has_an_empty_view() {
        let v = View::build(&Graph::default(), &Scope::all());
        assert_eq!((v.len(), v.tie_count()), (0, 0));
    }
}
