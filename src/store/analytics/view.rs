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
    /// The view of `graph` restricted to `scope`. O(V + E + Σ d log d): one pass over the
    /// entities, two over the relations, and a sort of each neighbour list.
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
        let ties = || ties(graph, scope, &index);

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

    #[test]
    fn the_empty_graph_has_an_empty_view() {
        let v = View::build(&Graph::default(), &Scope::all());
        assert_eq!((v.len(), v.tie_count()), (0, 0));
    }
}
