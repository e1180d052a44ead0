//! Walking out from entities: relations of one entity, neighbours, k-hop neighbourhoods.

use super::filter::Filter;
use super::graph::{Edge, Graph, Node};
use std::collections::{HashMap, HashSet, VecDeque};

/// A set of entities and the relations among them, as returned by a neighbourhood query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subgraph {
    /// The entities, seeds first, then in the order they were reached.
    pub nodes: Vec<Node>,
    /// The relations among them that pass the filter, in the order they were added.
    pub edges: Vec<Edge>,
    /// Whether the size limit stopped the walk before it was complete.
    pub truncated: bool,
}

impl Graph {
    /// The relations of `node` that pass the filter's relation-kind and direction tests, in the
    /// order they were added. O(degree).
    pub fn relations_of(&self, node: Node, filter: &Filter) -> Vec<Edge> {
        self.incident(node)
            .into_iter()
            .filter(|&e| filter.step(self, node, e).is_some())
            .collect()
    }

    /// The distinct entities one relation away from `node` through the filter, in the order of
    /// the relations. O(degree).
    pub fn neighbours(&self, node: Node, filter: &Filter) -> Vec<Node> {
        let mut seen = HashSet::new();
        self.incident(node)
            .into_iter()
            .filter_map(|e| filter.step(self, node, e))
            .filter(|&n| filter.admits(self, n) && seen.insert(n))
            .collect()
    }

    /// Everything within `depth` relations of the seeds, breadth first, through the filter.
    /// Seeds are always included. At most `limit` entities are returned; if more were
    /// reachable, `truncated` is set. The relations returned are all relations among the
    /// returned entities that pass the filter's relation kinds.
    /// O(V' + E') for the part of the graph visited.
    pub fn neighbourhood(
        &self,
        seeds: &[Node],
        depth: usize,
        filter: &Filter,
        limit: usize,
    ) -> Subgraph {
        let mut dist: HashMap<Node, usize> = HashMap::new();
        let mut nodes = Vec::new();
        let mut queue = VecDeque::new();
        let mut truncated = false;
        for &s in seeds {
            if dist.contains_key(&s) {
                continue;
            }
            if nodes.len() >= limit {
                truncated = true;
                break;
            }
            dist.insert(s, 0);
            nodes.push(s);
            queue.push_back(s);
        }
        'walk: while let Some(n) = queue.pop_front() {
            let d = dist[&n];
            if d >= depth {
                continue;
            }
            for e in self.incident(n) {
                let Some(m) = filter.step(self, n, e) else {
                    continue;
                };
                if dist.contains_key(&m) || !filter.admits(self, m) {
                    continue;
                }
                if nodes.len() >= limit {
                    truncated = true;
                    break 'walk;
                }
                dist.insert(m, d + 1);
                nodes.push(m);
                queue.push_back(m);
            }
        }
        let kinds_only = Filter {
            relation_kinds: filter.relation_kinds,
            ..Filter::default()
        };
        let mut edges = Vec::new();
        for &n in &nodes {
            for e in self.incident(n) {
                let (from, to) = self.endpoints(e);
                let other = if from == n { to } else { from };
                // Each edge once: from the end that comes first in `nodes` order is hard to
                // know cheaply, so keep it at its `from` end.
                if from == n && dist.contains_key(&other) && kinds_only.step(self, n, e).is_some() {
                    edges.push(e);
                }
            }
        }
        edges.sort_unstable();
        Subgraph {
            nodes,
            edges,
            truncated,
        }
    }
}
