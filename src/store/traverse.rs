//! Walking out from entities: relations of one entity, neighbours, k-hop neighbourhoods.

use super::filter::Filter;
use super::graph::{Edge, Graph, Node};
use crate::model::RelationKind;
use hashbrown::HashSet;

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
        self.incident_iter(node)
            .filter(|&e| filter.step(self, node, e).is_some())
            .collect()
    }

    /// The distinct entities one relation away from `node` through the filter, in the order of
    /// the relations. O(degree).
    pub fn neighbours(&self, node: Node, filter: &Filter) -> Vec<Node> {
        let mut seen = HashSet::new();
        self.incident_iter(node)
            .filter_map(|e| filter.step(self, node, e))
            .filter(|&n| filter.admits(self, n) && seen.insert(n))
            .collect()
    }

    /// Everything within `depth` relations of the seeds, breadth first, through the filter.
    /// Seeds are always included. At most `limit` entities are returned; if more were
    /// reachable, `truncated` is set. The relations returned are all relations among the
    /// returned entities that pass the filter's relation kinds ([`Graph::relations_among`]).
    /// O(V' + E') for the part of the graph visited, plus the relations of the entities found.
    pub fn neighbourhood(
        &self,
        seeds: &[Node],
        depth: usize,
        filter: &Filter,
        limit: usize,
    ) -> Subgraph {
        let reach = self.reach(seeds, depth, filter, limit);
        let edges = self.relations_among(&reach.nodes, filter.relation_kinds);
        Subgraph {
            nodes: reach.nodes,
            edges,
            truncated: reach.truncated,
        }
    }

    /// The entities of [`Graph::neighbourhood`] without the relations among them: what a
    /// caller that only lists or counts entities needs. O(V' + E') for the part visited.
    pub fn reach(&self, seeds: &[Node], depth: usize, filter: &Filter, limit: usize) -> Reach {
        let mut seen: HashSet<Node> = HashSet::new();
        let mut nodes = Vec::new();
        let mut truncated = false;
        for &s in seeds {
            if seen.contains(&s) {
                continue;
            }
            if nodes.len() >= limit {
                truncated = true;
                break;
            }
            seen.insert(s);
            nodes.push(s);
        }
        // Breadth first, one layer at a time: `nodes[layer]` are the entities at the current
        // distance.
        let mut layer = 0..nodes.len();
        'walk: for _ in 0..depth {
            if layer.is_empty() || truncated {
                break;
            }
            let next_start = nodes.len();
            for i in layer.clone() {
                let n = nodes[i];
                for e in self.incident_iter(n) {
                    let Some(m) = filter.step(self, n, e) else {
                        continue;
                    };
                    if seen.contains(&m) || !filter.admits(self, m) {
                        continue;
                    }
                    if nodes.len() >= limit {
                        truncated = true;
                        break 'walk;
                    }
                    seen.insert(m);
                    nodes.push(m);
                }
            }
            layer = next_start..nodes.len();
        }
        Reach { nodes, truncated }
    }

    /// Every relation among `nodes` of the given kinds (`None`: all), in the order they were
    /// added. O(Σ out-degree of `nodes`).
    pub fn relations_among(&self, nodes: &[Node], kinds: Option<&[RelationKind]>) -> Vec<Edge> {
        let members: HashSet<Node> = nodes.iter().copied().collect();
        let mut edges = Vec::new();
        for &n in &members {
            for e in self.outgoing(n) {
                let (_, to) = self.endpoints(e);
                if members.contains(&to) && kinds.is_none_or(|k| k.contains(&self.relation_kind(e)))
                {
                    edges.push(e);
                }
            }
        }
        edges.sort_unstable();
        edges
    }
}

/// The entities of a neighbourhood, without its relations: see [`Graph::reach`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// The entities, seeds first, then nearest first, in the order they were reached.
    pub nodes: Vec<Node>,
    /// Whether the size limit stopped the walk before it was complete.
    pub truncated: bool,
}
