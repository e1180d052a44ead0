//! Paths between two entities: the shortest one, and all simple ones up to a length.

use super::deadline::{Deadline, Expired, Ticker};
use super::filter::{Direction, Filter};
use super::graph::{Edge, Graph, Node};
use hashbrown::hash_map::Entry;
use hashbrown::{HashMap, HashSet};
use std::collections::VecDeque;

/// A chain of relations from one entity to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The entities, from the start to the end; one more than `edges`.
    pub nodes: Vec<Node>,
    /// The relations walked, one per step.
    pub edges: Vec<Edge>,
}

impl Route {
    /// The number of relations walked.
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    /// Whether the path is a single entity (start = end).
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }
}

/// How much work an all-paths search may do before it stops with what it found.
pub const PATH_SEARCH_BUDGET: usize = 1_000_000;

impl Graph {
    /// A shortest path from `from` to `to` through the filter's relation kinds, by
    /// bidirectional breadth-first search. `directed` follows relations only from `from` to `to`
    /// (symmetric relations both ways); otherwise relations are walked either way. The filter's
    /// entity kinds restrict the intermediate entities. Returns `None` when no path exists.
    /// O(V + E) in the worst case, far less when the two frontiers meet early. Stops with
    /// [`Expired`] at the deadline.
    pub fn shortest_path(
        &self,
        from: Node,
        to: Node,
        filter: &Filter,
        directed: bool,
        deadline: Deadline,
    ) -> Result<Option<Route>, Expired> {
        if from == to {
            return Ok(Some(Route {
                nodes: vec![from],
                edges: vec![],
            }));
        }
        let mut ticker = Ticker::new(deadline);
        let fwd_filter = Filter {
            direction: if directed {
                Direction::Outgoing
            } else {
                Direction::Both
            },
            ..filter.clone()
        };
        let bwd_filter = Filter {
            direction: if directed {
                Direction::Incoming
            } else {
                Direction::Both
            },
            ..filter.clone()
        };
        // parent maps: node -> (previous node, edge) on the side that reached it.
        let mut fwd: HashMap<Node, Option<(Node, Edge)>> = HashMap::from([(from, None)]);
        let mut bwd: HashMap<Node, Option<(Node, Edge)>> = HashMap::from([(to, None)]);
        let mut fq = VecDeque::from([from]);
        let mut bq = VecDeque::from([to]);
        let passable = |n: Node| n == from || n == to || filter.admits(self, n);
        // Every relation either way: the step is the other end, read from the rows beside
        // the relation's number, without touching its record (a cache miss a relation).
        let plain = !directed && filter.relation_kinds.is_none() && filter.as_of.is_none();
        while !fq.is_empty() && !bq.is_empty() {
            // Expand the smaller frontier, one whole level at a time.
            let forward = fq.len() <= bq.len();
            let (queue, seen, other, f) = if forward {
                (&mut fq, &mut fwd, &bwd, &fwd_filter)
            } else {
                (&mut bq, &mut bwd, &fwd, &bwd_filter)
            };
            let mut meet = None;
            for _ in 0..queue.len() {
                let n = queue.pop_front().expect("level size");
                let mut incident = self.incident_iter(n);
                while let Some((e, end)) = incident.next_with_end() {
                    ticker.tick()?;
                    let m = match plain {
                        true => end,
                        false => match f.step(self, n, e) {
                            Some(m) => m,
                            None => continue,
                        },
                    };
                    match seen.entry(m) {
                        Entry::Occupied(_) => continue,
                        Entry::Vacant(_) if !passable(m) => continue,
                        Entry::Vacant(slot) => slot.insert(Some((n, e))),
                    };
                    if other.contains_key(&m) {
                        meet = Some(m);
                        break;
                    }
                    queue.push_back(m);
                }
                if meet.is_some() {
                    break;
                }
            }
            if let Some(m) = meet {
                return Ok(Some(join(&fwd, &bwd, m)));
            }
        }
        Ok(None)
    }

    /// Simple paths (no entity twice) from `from` to `to` of at most `max_len` relations,
    /// walking relations either way through the filter, shortest first, at most `limit` of
    /// them. Between two entities joined by several relations, one path is returned per chain
    /// of entities, using the first relation added. Stops early after
    /// [`PATH_SEARCH_BUDGET`] steps, or with [`Expired`] at the deadline.
    /// O(branching^max_len) in the worst case.
    pub fn paths(
        &self,
        from: Node,
        to: Node,
        max_len: usize,
        limit: usize,
        filter: &Filter,
        deadline: Deadline,
    ) -> Result<Vec<Route>, Expired> {
        let mut found = Vec::new();
        if limit == 0 {
            return Ok(found);
        }
        if from == to {
            found.push(Route {
                nodes: vec![from],
                edges: vec![],
            });
            return Ok(found);
        }
        let f = Filter {
            direction: Direction::Both,
            ..filter.clone()
        };
        let mut budget = PATH_SEARCH_BUDGET;
        let mut ticker = Ticker::new(deadline);
        // Iterative deepening gives shortest-first order without holding every partial path.
        for len in 1..=max_len {
            let mut stack_nodes = vec![from];
            let mut stack_edges = Vec::new();
            let mut on_path = HashSet::from([from]);
            let mut search = Search {
                to,
                len,
                filter: &f,
                limit,
                budget: &mut budget,
                ticker: &mut ticker,
            };
            search.extend(
                self,
                &mut stack_nodes,
                &mut stack_edges,
                &mut on_path,
                &mut found,
            )?;
            if found.len() >= limit || budget == 0 {
                break;
            }
        }
        Ok(found)
    }
}

/// The state of one depth of the all-paths search.
struct Search<'a, 'f> {
    to: Node,
    len: usize,
    filter: &'a Filter<'f>,
    limit: usize,
    budget: &'a mut usize,
    ticker: &'a mut Ticker,
}

impl Search<'_, '_> {
    fn extend(
        &mut self,
        g: &Graph,
        nodes: &mut Vec<Node>,
        edges: &mut Vec<Edge>,
        on_path: &mut HashSet<Node>,
        found: &mut Vec<Route>,
    ) -> Result<(), Expired> {
        let n = *nodes.last().expect("non-empty path");
        let mut tried = HashSet::new();
        for e in g.incident_iter(n) {
            if found.len() >= self.limit || *self.budget == 0 {
                return Ok(());
            }
            *self.budget -= 1;
            self.ticker.tick()?;
            let Some(m) = self.filter.step(g, n, e) else {
                continue;
            };
            if on_path.contains(&m) || !tried.insert(m) {
                continue;
            }
            if edges.len() + 1 == self.len {
                if m == self.to {
                    let mut p_nodes = nodes.clone();
                    p_nodes.push(m);
                    let mut p_edges = edges.clone();
                    p_edges.push(e);
                    found.push(Route {
                        nodes: p_nodes,
                        edges: p_edges,
                    });
                }
                continue;
            }
            if m == self.to || !self.filter.admits(g, m) {
                continue;
            }
            nodes.push(m);
            edges.push(e);
            on_path.insert(m);
            self.extend(g, nodes, edges, on_path, found)?;
            on_path.remove(&m);
            edges.pop();
            nodes.pop();
        }
        Ok(())
    }
}

/// Joins the two half-paths of a bidirectional search at the meeting node `m`.
fn join(
    fwd: &HashMap<Node, Option<(Node, Edge)>>,
    bwd: &HashMap<Node, Option<(Node, Edge)>>,
    m: Node,
) -> Route {
    let mut nodes = vec![m];
    let mut edges = Vec::new();
    let mut cur = m;
    while let Some(Some((prev, e))) = fwd.get(&cur) {
        nodes.push(*prev);
        edges.push(*e);
        cur = *prev;
    }
    nodes.reverse();
    edges.reverse();
    cur = m;
    while let Some(Some((next, e))) = bwd.get(&cur) {
        nodes.push(*next);
        edges.push(*e);
        cur = *next;
    }
    Route { nodes, edges }
}
