//! The most reliable paths: chains of relations weighed by how well each is established
//! (confirmed before reported before alleged or disputed) or by how recent it is, found by
//! petgraph's `astar` running on the store's scoped views.

use super::deadline::{Deadline, Expired};
use super::filter::Filter;
use super::graph::{Edge, Graph, Node};
use super::lens::{Lens, Within};
use super::path::Route;
use super::visit::{Scoped, Watch};
use crate::model::{ClaimStatus, Date};
use petgraph::visit::{EdgeRef, IntoEdges};

/// What a relation costs on a path; a path's weight is the sum over its relations. Every
/// relation costs at least 1, so a lighter path is never much longer than a shortest one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PathWeight {
    /// Every relation costs 1: the weight is the length.
    #[default]
    Hops,
    /// By claim status: [`ClaimStatus::Confirmed`] 1, [`ClaimStatus::Reported`] (or no
    /// status: the source states it as fact) 2, [`ClaimStatus::Alleged`] and
    /// [`ClaimStatus::Disputed`] 4.
    Claim,
    /// By age: 1 plus the years between the relation's last day (the end of its period, if
    /// it has one) and the newest date in the graph; an undated relation costs one year more
    /// than the oldest dated one.
    Recent,
}

/// A path and its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedPath {
    /// The path.
    pub path: Route,
    /// The sum of its relations' costs.
    pub weight: f64,
}

/// The cost of each relation under a [`PathWeight`], for one graph.
#[derive(Debug, Clone, Copy)]
pub struct Costs {
    weight: PathWeight,
    /// The newest and oldest last days of dated relations, as day numbers.
    newest: i64,
    oldest: i64,
}

/// Days since 1970-01-01 of a (year, month, day) (Howard Hinnant's `days_from_civil`).
fn day_number((y, m, d): (i32, u8, u8)) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Costs {
    /// The costs under `weight` on `graph`: O(1), or O(E) for [`PathWeight::Recent`] (one
    /// pass to find the newest and oldest dates).
    pub fn new(graph: &Graph, weight: PathWeight) -> Costs {
        let mut costs = Costs {
            weight,
            newest: 0,
            oldest: 0,
        };
        if weight == PathWeight::Recent {
            let mut range: Option<(i64, i64)> = None;
            for e in graph.all_relations() {
                if let Some(day) = costs.last_day(graph, e.index() as u32) {
                    range = Some(range.map_or((day, day), |(lo, hi)| (lo.min(day), hi.max(day))));
                }
            }
            (costs.oldest, costs.newest) = range.unwrap_or((0, 0));
        }
        costs
    }

    fn last_day(&self, graph: &Graph, e: u32) -> Option<i64> {
        let r = &graph.relations[e as usize];
        let date = Date::from_bits(r.date)?;
        let until = graph.relation_extra(e, r).and_then(|x| x.until);
        Some(day_number(until.unwrap_or(date).last_day()))
    }

    /// The cost of relation `e`. O(1).
    #[inline]
    pub fn cost(&self, graph: &Graph, e: Edge) -> f64 {
        match self.weight {
            PathWeight::Hops => 1.0,
            PathWeight::Claim => match graph.relations[e.index()].claim() {
                Some(ClaimStatus::Confirmed) => 1.0,
                None | Some(ClaimStatus::Reported) => 2.0,
                Some(ClaimStatus::Alleged) | Some(ClaimStatus::Disputed) => 4.0,
            },
            PathWeight::Recent => {
                let day = self
                    .last_day(graph, e.index() as u32)
                    .unwrap_or(self.oldest - 366);
                1.0 + (self.newest - day).max(0) as f64 / 365.25
            }
        }
    }

    /// The weight of a path. O(length).
    pub fn weigh(&self, graph: &Graph, path: &Route) -> f64 {
        path.edges.iter().map(|&e| self.cost(graph, e)).sum()
    }
}

/// How many chains [`Graph::lightest_paths`] weighs before keeping the lightest.
pub const WEIGHED_PATHS: usize = 1000;

impl Graph {
    /// The scoped lens of a path search: the filter's relation kinds, and its entity kinds for
    /// every entity but the two ends. O(1), or O(V) with entity kinds.
    fn path_lens(&self, from: Node, to: Node, filter: &Filter, directed: bool) -> Lens {
        let mut within = Within::all();
        within.scope.relation_kinds = filter.relation_kinds.map(<[_]>::to_vec);
        within.scope.as_of = filter.as_of;
        if let Some(kinds) = filter.entity_kinds {
            let mut nodes: Vec<Node> = self.entities(Some(kinds)).collect();
            nodes.extend([from, to]);
            within.scope.nodes = Some(nodes);
        }
        let lens = Lens::new(self, &within);
        if directed {
            lens.symmetric_both_ways()
        } else {
            lens
        }
    }

    /// A lightest chain of relations from `from` to `to` under `weight`, through the filter's
    /// relation kinds and (between the ends) entity kinds; `directed` follows relations only
    /// from `from` towards `to` (symmetric ones both ways). By petgraph's `astar` with no
    /// estimate — Dijkstra's algorithm — on the store's scoped view: O((V + E) log V) at worst,
    /// less when `to` is near. Between two entities joined by several relations, the cheapest
    /// is taken (the first added among equals). `None` when they are not connected. Stops
    /// with [`Expired`] at the deadline.
    #[allow(clippy::too_many_arguments)]
    pub fn lightest_path(
        &self,
        from: Node,
        to: Node,
        filter: &Filter,
        directed: bool,
        weight: PathWeight,
        deadline: Deadline,
    ) -> Result<Option<WeightedPath>, Expired> {
        // An end out of force as of the filter's day has no relation in the graph of that day
        // (and is no node of the scoped view the search runs on).
        if let Some(a) = filter.as_of {
            if !(self.entity_in_force(from, a) && self.entity_in_force(to, a)) {
                return Ok((from == to).then(|| WeightedPath {
                    path: Route {
                        nodes: vec![from],
                        edges: vec![],
                    },
                    weight: 0.0,
                }));
            }
        }
        let lens = self.path_lens(from, to, filter, directed);
        let costs = Costs::new(self, weight);
        let watch = Watch::new(deadline);
        let view = Scoped::new(self, &lens).watched(&watch);
        let cost = |l: super::visit::Link| costs.cost(self, l.id());
        let found = if directed {
            petgraph::algo::astar(view, from, |n| n == to, cost, |_| 0.0)
        } else {
            petgraph::algo::astar(view.undirected(), from, |n| n == to, cost, |_| 0.0)
        };
        watch.finish()?;
        let Some((total, nodes)) = found else {
            return Ok(None);
        };
        let plain = Scoped::new(self, &lens);
        let edges = nodes
            .windows(2)
            .map(|w| {
                let cheapest = |links: &mut dyn Iterator<Item = super::visit::Link>| {
                    links
                        .filter(|l| l.target() == w[1])
                        .map(|l| (costs.cost(self, l.id()), l.id()))
                        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                        .map(|(_, e)| e)
                };
                let e = if directed {
                    cheapest(&mut plain.edges(w[0]))
                } else {
                    cheapest(&mut plain.undirected().edges(w[0]))
                };
                e.expect("a relation between consecutive entities of the path")
            })
            .collect();
        Ok(Some(WeightedPath {
            path: Route { nodes, edges },
            weight: total,
        }))
    }

    /// The chains of [`Graph::paths`] (simple, walking relations either way, at most
    /// `max_len` relations), weighed under `weight` — each step taking its cheapest relation —
    /// lightest first (shorter first among equals), at most `limit`. At most
    /// [`WEIGHED_PATHS`] chains are weighed, shortest first: where more exist, the answer is
    /// the lightest of those. Costs what [`Graph::paths`] costs, plus O(degree) a step.
    #[allow(clippy::too_many_arguments)]
    pub fn lightest_paths(
        &self,
        from: Node,
        to: Node,
        max_len: usize,
        limit: usize,
        filter: &Filter,
        weight: PathWeight,
        deadline: Deadline,
    ) -> Result<Vec<WeightedPath>, Expired> {
        let found = self.paths(
            from,
            to,
            max_len,
            WEIGHED_PATHS.max(limit),
            filter,
            deadline,
        )?;
        let costs = Costs::new(self, weight);
        let mut weighed: Vec<WeightedPath> = found
            .into_iter()
            .map(|mut path| {
                for (i, e) in path.edges.iter_mut().enumerate() {
                    let (a, b) = (path.nodes[i], path.nodes[i + 1]);
                    *e = self
                        .incident_iter(a)
                        .filter(|&x| {
                            let (f, t) = self.endpoints(x);
                            (f == a && t == b || f == b && t == a)
                                && filter.step(self, a, x).is_some()
                        })
                        .min_by(|x, y| {
                            costs
                                .cost(self, *x)
                                .total_cmp(&costs.cost(self, *y))
                                .then(x.cmp(y))
                        })
                        .unwrap_or(*e);
                }
                let weight = costs.weigh(self, &path);
                WeightedPath { path, weight }
            })
            .collect();
        weighed.sort_by(|a, b| {
            a.weight
                .total_cmp(&b.weight)
                .then(a.path.len().cmp(&b.path.len()))
        });
        weighed.truncate(limit);
        Ok(weighed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_count_from_the_unix_epoch() {
        assert_eq!(day_number((1970, 1, 1)), 0);
        assert_eq!(day_number((2023, 9, 22)), 19_622);
        assert_eq!(day_number((2000, 3, 1)) - day_number((2000, 2, 28)), 2);
    }
}
