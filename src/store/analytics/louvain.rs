//! Communities by the Louvain method: groups of entities more tied among themselves than to
//! the rest.

use super::rng::SplitMix64;
use super::view::View;
use super::Scope;
use crate::store::deadline::{Deadline, Expired};
use crate::store::graph::{Graph, Node};

/// The seed [`Version::cached_communities`](crate::store::Version::cached_communities) uses, so that its answer is reproducible.
pub const COMMUNITIES_SEED: u64 = 42;

/// Louvain stops when a level raises modularity by no more than this (networkx's `threshold`).
const THRESHOLD: f64 = 1e-7;

/// A cap on local-moving sweeps per level. Each move raises modularity, so the sweeps end; the
/// cap only guards against rounding making two moves undo each other forever. Real graphs
/// settle in a few dozen sweeps.
const MAX_SWEEPS: usize = 1_000;

/// A division of the entities in scope into communities.
#[derive(Debug, Clone, PartialEq)]
pub struct Communities {
    /// The communities, largest first, equal sizes by their first entity's id; each one's
    /// entities in entity (id) order. Every entity in scope is in exactly one.
    pub groups: Vec<Vec<Node>>,
    /// The modularity of this division of the undirected simple graph, as
    /// `networkx.community.modularity` (resolution 1) computes it: the share of ties inside
    /// communities minus the share expected if ties were placed at random with the same
    /// degrees. In [−1/2, 1); 0 when the scope has no ties.
    pub modularity: f64,
}

impl Graph {
    /// Communities found by the Louvain method (Blondel et al., 2008), as networkx's
    /// `louvain_communities(G, resolution=1, threshold=1e-7)` finds them: every entity starts
    /// alone; entities are visited in a random order and each moves to the neighbouring
    /// community that raises modularity most, until no move helps; then each community becomes
    /// one entity of a smaller weighted graph and the moving starts again, until a level raises
    /// modularity by no more than 1e-7.
    ///
    /// Deterministic for a given `seed`, which fixes the visiting orders (the same seed gives
    /// the same communities; networkx's seeds draw other orders, so its communities can differ
    /// where the graph leaves a choice). Entities without ties stay alone.
    ///
    /// Each sweep is O(V + E); in practice a few sweeps per level and a few levels, so about
    /// O(E log V) overall, plus O(V + E log d) to read the scope.
    pub fn communities(&self, scope: &Scope, seed: u64) -> Communities {
        self.communities_within(scope, seed, &Deadline::none())
            .expect("no deadline")
    }

    /// [`Graph::communities`], stopped with [`Expired`] once `deadline` passes (checked
    /// between the passes over the scope and at each sweep of the local moves).
    pub fn communities_within(
        &self,
        scope: &Scope,
        seed: u64,
        deadline: &Deadline,
    ) -> Result<Communities, Expired> {
        let view = View::build_within(self, scope, deadline)?;
        let membership = louvain(&view, seed, deadline)?;
        let (groups, count) = groups_of(&membership);
        Ok(Communities {
            modularity: modularity(&view, &membership, count),
            groups: groups.iter().map(|g| view.entities(g)).collect(),
        })
    }
}

/// Each view index's community, numbered from 0.
fn louvain(view: &View, seed: u64, deadline: &Deadline) -> Result<Vec<usize>, Expired> {
    let mut membership: Vec<usize> = (0..view.len()).collect();
    let m = view.tie_count() as f64;
    if m == 0.0 {
        return Ok(membership);
    }
    let mut rng = SplitMix64::new(seed);
    let mut level = Level::from_view(view);
    let mut current = level.modularity(&membership, membership.len(), m);
    while let Some((community, count)) = level.local_moves(m, &mut rng, deadline)? {
        membership.iter_mut().for_each(|c| *c = community[*c]);
        let next = level.modularity(&community, count, m);
        if next - current <= THRESHOLD {
            break;
        }
        current = next;
        level = level.aggregate(&community, count);
    }
    Ok(membership)
}

/// One level of the method: a weighted undirected graph whose nodes are the communities of the
/// level below (level 0: the view, every weight 1).
struct Level {
    /// Node `u`'s ties to other nodes are `ties[offsets[u]..offsets[u + 1]]`.
    offsets: Vec<usize>,
    /// (neighbour, weight), each tie in both rows.
    ties: Vec<(usize, f64)>,
    /// The weight of ties inside each node (the ties inside its community, below).
    inside: Vec<f64>,
    /// Weighted degree: ties to others plus twice the ties inside.
    degree: Vec<f64>,
}

impl Level {
    fn from_view(view: &View) -> Level {
        let n = view.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut ties = Vec::with_capacity(2 * view.tie_count());
        offsets.push(0);
        for u in 0..n {
            ties.extend(view.neighbours(u).iter().map(|&v| (v as usize, 1.0)));
            offsets.push(ties.len());
        }
        Level {
            offsets,
            ties,
            inside: vec![0.0; n],
            degree: (0..n).map(|u| view.degree(u) as f64).collect(),
        }
    }

    fn len(&self) -> usize {
        self.degree.len()
    }

    fn ties(&self, u: usize) -> &[(usize, f64)] {
        &self.ties[self.offsets[u]..self.offsets[u + 1]]
    }

    /// Modularity of a division of this level's nodes into `count` communities, `m` being the
    /// total weight. O(V + E).
    fn modularity(&self, community: &[usize], count: usize, m: f64) -> f64 {
        let mut inside = vec![0.0; count];
        let mut total = vec![0.0; count];
        for u in 0..self.len() {
            let c = community[u];
            total[c] += self.degree[u];
            inside[c] += self.inside[u];
            for &(v, w) in self.ties(u) {
                if v > u && community[v] == c {
                    inside[c] += w;
                }
            }
        }
        inside
            .iter()
            .zip(&total)
            .map(|(l, d)| l / m - (d / (2.0 * m)).powi(2))
            .sum()
    }

    /// Moves nodes between communities until no move raises modularity: the local-moving
    /// phase, as networkx's `_one_level`. Returns each node's community, numbered from 0 in
    /// order of the node first in it, and the number of communities; `None` if nothing moved.
    fn local_moves(
        &self,
        m: f64,
        rng: &mut SplitMix64,
        deadline: &Deadline,
    ) -> Result<Option<(Vec<usize>, usize)>, Expired> {
        let n = self.len();
        let mut community: Vec<usize> = (0..n).collect();
        // Total degree of each community.
        let mut total = self.degree.clone();
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        // Weight from the node at hand to each neighbouring community, and which those are.
        let mut weight_to = vec![0.0; n];
        let mut seen = vec![false; n];
        let mut near: Vec<usize> = Vec::new();
        let two_m_squared = 2.0 * m * m;
        let mut moved = false;
        for _ in 0..MAX_SWEEPS {
            deadline.check()?;
            let mut moves = 0;
            for &u in &order {
                for &(v, w) in self.ties(u) {
                    let c = community[v];
                    if !seen[c] {
                        seen[c] = true;
                        near.push(c);
                    }
                    weight_to[c] += w;
                }
                let (own, degree) = (community[u], self.degree[u]);
                total[own] -= degree;
                let remove_cost = -weight_to[own] / m + total[own] * degree / two_m_squared;
                let (mut best, mut best_gain) = (own, 0.0);
                for &c in &near {
                    let gain = remove_cost + weight_to[c] / m - total[c] * degree / two_m_squared;
                    if gain > best_gain {
                        (best, best_gain) = (c, gain);
                    }
                }
                total[best] += degree;
                if best != own {
                    community[u] = best;
                    moves += 1;
                }
                for &c in &near {
                    weight_to[c] = 0.0;
                    seen[c] = false;
                }
                near.clear();
            }
            if moves == 0 {
                break;
            }
            moved = true;
        }
        if !moved {
            return Ok(None);
        }
        let mut number = vec![usize::MAX; n];
        let mut count = 0;
        for c in community.iter_mut() {
            if number[*c] == usize::MAX {
                number[*c] = count;
                count += 1;
            }
            *c = number[*c];
        }
        Ok(Some((community, count)))
    }

    /// The next level: one node per community, tie weights summed. O(V + E log E).
    fn aggregate(&self, community: &[usize], count: usize) -> Level {
        let mut inside = vec![0.0; count];
        let mut degree = vec![0.0; count];
        let mut between: Vec<(usize, usize, f64)> = Vec::new();
        for u in 0..self.len() {
            let c = community[u];
            inside[c] += self.inside[u];
            degree[c] += self.degree[u];
            for &(v, w) in self.ties(u) {
                let d = community[v];
                if c != d {
                    between.push((c, d, w));
                } else if v > u {
                    inside[c] += w;
                }
            }
        }
        between.sort_unstable_by_key(|&(c, d, _)| (c, d));
        let mut offsets = vec![0; count + 1];
        let mut ties: Vec<(usize, f64)> = Vec::new();
        let mut last = None;
        for (c, d, w) in between {
            match ties.last_mut() {
                Some((_, sum)) if last == Some((c, d)) => *sum += w,
                _ => {
                    ties.push((d, w));
                    last = Some((c, d));
                }
            }
            offsets[c + 1] = ties.len();
        }
        // Rows without ties end where the previous row ended.
        for c in 0..count {
            offsets[c + 1] = offsets[c + 1].max(offsets[c]);
        }
        Level {
            offsets,
            ties,
            inside,
            degree,
        }
    }
}

/// The members of each community, as ascending view indices, largest first, equal sizes by
/// their first index; and the number of communities.
fn groups_of(membership: &[usize]) -> (Vec<Vec<usize>>, usize) {
    let count = membership.iter().map(|&c| c + 1).max().unwrap_or(0);
    let mut groups = vec![Vec::new(); count];
    for (i, &c) in membership.iter().enumerate() {
        groups[c].push(i);
    }
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    (groups, count)
}

/// The modularity of a division of the view, as `networkx.community.modularity`; 0 without
/// ties. O(V + E).
fn modularity(view: &View, membership: &[usize], count: usize) -> f64 {
    let m = view.tie_count() as f64;
    if m == 0.0 {
        return 0.0;
    }
    let mut inside = vec![0.0; count];
    let mut total = vec![0.0; count];
    for (u, &c) in membership.iter().enumerate() {
        total[c] += view.degree(u) as f64;
        inside[c] += view
            .neighbours(u)
            .iter()
            .filter(|&&v| v as usize > u && membership[v as usize] == c)
            .count() as f64;
    }
    inside
        .iter()
        .zip(&total)
        .map(|(l, d)| l / m - (d / (2.0 * m)).powi(2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::super::testgraph::{ids, TestGraph};
    use super::*;

    fn groups(g: &Graph, c: &Communities) -> Vec<Vec<String>> {
        c.groups.iter().map(|members| ids(g, members)).collect()
    }

    #[test]
    fn louvain_finds_the_two_cliques() {
        let g = TestGraph::two_cliques();
        for seed in 0..20 {
            let c = g.communities(&Scope::all(), seed);
            assert_eq!(
                groups(&g, &c),
                [
                    ["n000", "n001", "n002", "n003"],
                    ["n004", "n005", "n006", "n007"]
                ],
                "seed {seed}"
            );
            assert!((c.modularity - 0.42307692307692313).abs() < 1e-9);
        }
    }

    #[test]
    fn louvain_matches_networkx_on_small_graphs() {
        let all = Scope::all();
        let p4 = TestGraph::path(4);
        let c = p4.communities(&all, 42);
        assert_eq!(groups(&p4, &c), [["n000", "n001"], ["n002", "n003"]]);
        assert!((c.modularity - 0.16666666666666663).abs() < 1e-9);

        let star = TestGraph::star(4);
        let c = star.communities(&all, 42);
        assert_eq!(groups(&star, &c).len(), 1);
        assert!(c.modularity.abs() < 1e-9);

        let apart = TestGraph::disconnected();
        let c = apart.communities(&all, 42);
        assert_eq!(
            groups(&apart, &c),
            [
                vec!["n000", "n001", "n002"],
                vec!["n003", "n004"],
                vec!["n005"]
            ]
        );
        assert!((c.modularity - 0.375).abs() < 1e-9);

        let c = Graph::default().communities(&all, 42);
        assert!(c.groups.is_empty());
        assert_eq!(c.modularity, 0.0);
    }

    #[test]
    fn entities_without_ties_stay_alone_with_zero_modularity() {
        let g = TestGraph::numbered(3, &[]);
        let c = g.communities(&Scope::all(), 1);
        assert_eq!(groups(&g, &c), [["n000"], ["n001"], ["n002"]]);
        assert_eq!(c.modularity, 0.0);
    }

    #[test]
    fn louvain_is_as_good_as_networkx_on_the_karate_club() {
        // networkx 3.6's louvain_communities on the unweighted club, seeds 0..50, finds
        // modularity between 0.3920 and 0.4198 (the best known division: 0.4198).
        let g = TestGraph::karate();
        for seed in 0..20 {
            let c = g.communities(&Scope::all(), seed);
            assert!(
                (0.39..=0.41979).contains(&c.modularity),
                "seed {seed}: {}",
                c.modularity
            );
            let mut everyone: Vec<Node> = c.groups.concat();
            everyone.sort_unstable();
            assert_eq!(everyone.len(), 34);
            everyone.dedup();
            assert_eq!(everyone.len(), 34);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_communities() {
        let g = TestGraph::random(300, 2, 3);
        let a = g.communities(&Scope::all(), 9);
        assert_eq!(a, g.communities(&Scope::all(), 9));
        let view = View::build(&g, &Scope::all());
        let mut membership = vec![0; view.len()];
        for (c, members) in a.groups.iter().enumerate() {
            for n in members {
                membership[view.nodes.iter().position(|x| x == n).unwrap()] = c;
            }
        }
        let again = modularity(&view, &membership, a.groups.len());
        assert!((again - a.modularity).abs() < 1e-12);
        // networkx 3.6 on this graph, seeds 0..30: 0.5086 to 0.5243.
        for seed in 0..10 {
            let q = g.communities(&Scope::all(), seed).modularity;
            assert!((0.50..0.54).contains(&q), "seed {seed}: {q}");
        }
    }

    #[test]
    fn parallel_relations_and_self_loops_change_nothing() {
        let (parallel, simple) = (TestGraph::parallel(), TestGraph::simple());
        for seed in 0..5 {
            let (a, b) = (
                parallel.communities(&Scope::all(), seed),
                simple.communities(&Scope::all(), seed),
            );
            assert_eq!(groups(&parallel, &a), groups(&simple, &b));
            assert_eq!(a.modularity, b.modularity);
            assert!(a.modularity.abs() < 1e-9, "{}", a.modularity);
        }
    }
}
