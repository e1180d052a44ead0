//! Structural analyses in the API: brokers, bridges, strongly connected groups, connecting
//! subgraphs and cliques, on the whole graph (the queries here) or on a `Subgraph` (the same
//! fields there). petgraph's algorithms do the work, on the store's own graph through
//! petgraph's traits; each runs inside the request's work deadline and answers
//! `LIMIT_EXCEEDED` when stopped.

use super::analysis::{listed, scope, Group};
use super::arguments::with_arguments;
use super::bounds::{at_most, bounded};
use super::context::timed_out;
use super::context::{self, blocking, deadline, graph};
use super::entity::Entity;
use super::query::{node, nodes, Subgraph};
use super::relation::Relation;
use super::scalars::{ClaimStatus, Date, EntityKind, RelationKind};
use crate::model;
use crate::store::{self, AsOf, Node, Version, Within};
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use std::sync::Arc;

/// The most entities `connectingSubgraph` joins.
pub const MAX_TERMINALS: usize = 50;
/// The most neighbours `cliques` searches among.
pub const MAX_CLIQUE_NEIGHBOURS: i32 = 200;

/// An entity whose removal splits its part of the network (an articulation point).
#[derive(SimpleObject)]
pub struct Broker {
    /// The entity.
    entity: Entity,
    /// The sizes, in entities, of the parts its connected component falls into without it,
    /// largest first (at least two).
    parts: Vec<usize>,
    /// How many entities it alone links to the largest part: the sum of the other parts.
    cut_off: usize,
}

/// Few relations joining chosen entities: an approximate Steiner tree.
pub struct Connection {
    found: store::Connection,
    /// The as-of day it was found under, which its subgraph keeps.
    as_of: Option<AsOf>,
}

/// Few relations joining chosen entities: an approximate Steiner tree (Mehlhorn's algorithm,
/// at most twice the relations of the smallest tree).
#[Object]
impl Connection {
    /// The chosen entities, then those the relations pass through (in the order the
    /// relations were recorded).
    async fn entities(&self, ctx: &Context<'_>) -> Vec<Entity> {
        let g = graph(ctx);
        self.found.nodes.iter().map(|&n| Entity::of(g, n)).collect()
    }
    /// The relations joining them.
    async fn relations(&self) -> Vec<Relation> {
        self.found.edges.iter().copied().map(Relation).collect()
    }
    /// Whether every chosen entity is joined to every other (false: some are not connected
    /// at all within the scope, and each connected group is joined on its own).
    async fn connected(&self) -> bool {
        self.found.connected
    }
    /// The same entities and relations as a subgraph, to analyse or export.
    async fn subgraph(&self) -> Subgraph {
        Subgraph::of(
            self.found.nodes.clone(),
            self.found.edges.clone(),
            self.as_of,
        )
    }
}

/// A maximal clique: entities each tied to every other.
#[derive(SimpleObject)]
pub struct Clique {
    /// How many entities it holds.
    size: usize,
    /// The entity searched around, then the others in id order.
    members: Vec<Entity>,
}

/// The maximal cliques around an entity.
#[derive(SimpleObject)]
pub struct Cliques {
    /// The cliques, largest first.
    cliques: Vec<Clique>,
    /// Whether the entity had more neighbours than `neighbours`, so that only the first were
    /// searched.
    truncated: bool,
}

/// The part of the graph an analysis runs on, from the arguments every structural field
/// takes.
pub(crate) fn within(
    relation: Option<Vec<RelationKind>>,
    entity: Option<Vec<EntityKind>>,
    claims: Option<Vec<ClaimStatus>>,
    since: Option<Date>,
    until: Option<Date>,
    nodes: Option<Vec<Node>>,
    as_of: Option<AsOf>,
) -> Within {
    Within {
        scope: scope(relation, entity, nodes, as_of),
        claims: claims.map(|c| c.into_iter().map(model::ClaimStatus::from).collect()),
        since: since.map(|d| d.0),
        until: until.map(|d| d.0),
    }
}

/// Few relations joining `ids` within `w` (see `connectingSubgraph`).
pub(crate) async fn connecting(ctx: &Context<'_>, ids: Vec<ID>, w: Within) -> Result<Connection> {
    at_most("ids", ids.len(), MAX_TERMINALS)?;
    let g = graph(ctx);
    let terminals = nodes(g, "ids", &ids)?;
    let deadline = deadline(ctx);
    let as_of = w.scope.as_of;
    let found = blocking(ctx, move |g: &Version| {
        g.connecting(&terminals, &w, deadline)
    })
    .await
    .map_err(|_| timed_out(ctx))?;
    Ok(Connection { found, as_of })
}

/// The maximal cliques around an entity within `w` (see `cliques`).
pub(crate) async fn cliques(
    ctx: &Context<'_>,
    around: ID,
    w: Within,
    neighbours: i32,
    limit: i32,
) -> Result<Cliques> {
    let limit = listed(limit)?;
    let cap = bounded("neighbours", neighbours, 1, MAX_CLIQUE_NEIGHBOURS)?;
    let g = graph(ctx);
    let centre = node(g, "around", &around)?;
    let deadline = deadline(ctx);
    let found = blocking(ctx, move |g: &Version| {
        g.cliques_around(centre, &w, cap, deadline)
    })
    .await
    .map_err(|_| timed_out(ctx))?;
    Ok(Cliques {
        truncated: found.truncated,
        cliques: found
            .cliques
            .into_iter()
            .take(limit)
            .map(|c| Clique {
                size: c.len(),
                members: c.into_iter().map(|n| Entity::of(g, n)).collect(),
            })
            .collect(),
    })
}

/// The brokers of `within`, most entities cut off first.
pub(crate) async fn brokers(ctx: &Context<'_>, within: Within, limit: i32) -> Result<Vec<Broker>> {
    let limit = listed(limit)?;
    let work = context::work(ctx);
    let found = blocking(ctx, move |g: &Version| g.cached_brokers(&within, &work))
        .await
        .map_err(|why| context::stopped(ctx, why))?;
    let g = graph(ctx);
    Ok(found
        .iter()
        .take(limit)
        .map(|b| Broker {
            entity: Entity::of(g, b.node),
            cut_off: b.cut_off(),
            parts: b.parts.clone(),
        })
        .collect())
}

/// The bridges of `within`, in the order they were recorded.
pub(crate) async fn bridges(
    ctx: &Context<'_>,
    within: Within,
    limit: i32,
) -> Result<Vec<Relation>> {
    let limit = listed(limit)?;
    let work = context::work(ctx);
    let found = blocking(ctx, move |g: &Version| g.cached_bridges(&within, &work))
        .await
        .map_err(|why| context::stopped(ctx, why))?;
    Ok(found.iter().take(limit).copied().map(Relation).collect())
}

/// The strongly connected groups of `within`, largest first.
pub(crate) async fn cycles(ctx: &Context<'_>, within: Within, limit: i32) -> Result<Vec<Group>> {
    let limit = listed(limit)?;
    let work = context::work(ctx);
    let found = blocking(ctx, move |g: &Version| g.cached_cycles(&within, &work))
        .await
        .map_err(|why| context::stopped(ctx, why))?;
    Ok((0..found.len().min(limit))
        .map(|id| Group::new(id, Arc::clone(&found)))
        .collect())
}

/// The structural queries, merged into the query root.
#[derive(Default)]
pub struct StructureQuery;

with_arguments! {
    /// Brokers, bridges, cycles, connecting subgraphs and cliques of the whole graph.
    #[Object]
    impl StructureQuery {
        /// Brokers: entities whose removal splits their part of the network (articulation
        /// points), each with the sizes of the parts it separates — "who is the only link between
        /// the detained activists and the foreign governments?". Relations are read undirected.
        /// Most entities cut off first; at most `limit` (default 20, at most 1000). Optionally
        /// only over some relation kinds, entity kinds, claim statuses (a relation without one
        /// counts as REPORTED), relations overlapping a date range, or the graph as of a day
        /// (`asOf`). Cost: O(V + E) on the part in
        /// scope (Tarjan's search), once per graph version and scope; cached afterwards.
        #[allow(clippy::too_many_arguments)]
        async fn brokers(&self, ctx: &Context<'_>) within(w) (#[graphql(default = 20)] limit: i32)
            -> Result<Vec<Broker>> {
            brokers(ctx, w, limit).await
        }

        /// Bridges: relations that are the only tie between two parts of the network, read
        /// undirected (two relations between the same entities are never bridges), in the order
        /// they were recorded; at most `limit` (default 100, at most 1000). Scoped as `brokers`.
        /// Cost: O(V + E) on the part in scope (petgraph's `bridges`), once per graph version and
        /// scope; cached afterwards.
        #[allow(clippy::too_many_arguments)]
        async fn bridges(&self, ctx: &Context<'_>) within(w) (#[graphql(default = 100)] limit: i32)
            -> Result<Vec<Relation>> {
            bridges(ctx, w, limit).await
        }

        /// Cycles: strongly connected groups of two or more entities over directed relations —
        /// in each, every entity reaches every other following relations from `from` to `to`
        /// (who accuses, requests or criticises whom in a circle). Symmetric kinds (CALLED, MET,
        /// …) are left out. Largest first, at most `limit` (default 20, at most 1000). Scoped as
        /// `brokers`. Cost: O(V + E) on the part in scope (petgraph's `kosaraju_scc`), once per
        /// graph version and scope; cached afterwards.
        #[allow(clippy::too_many_arguments)]
        async fn cycles(&self, ctx: &Context<'_>) within(w) (#[graphql(default = 20)] limit: i32)
            -> Result<Vec<Group>> {
            cycles(ctx, w, limit).await
        }

        /// Few relations joining the given entities (2 to 50), read undirected: an approximate
        /// Steiner tree by Mehlhorn's algorithm, never more than twice the relations of the
        /// smallest tree (at most 2(1 − 1/ℓ) times, ℓ its leaves). Scoped as `brokers`. Cost:
        /// O(V + E) (one breadth-first search from all the entities at once), plus sorting the
        /// relations between their regions; not cached.
        #[allow(clippy::too_many_arguments)]
        async fn connecting_subgraph(&self, ctx: &Context<'_>, ids: Vec<ID>) within(w)
            -> Result<Connection> {
            connecting(ctx, ids, w).await
        }

        /// The maximal cliques containing an entity — groups in which everyone is tied to
        /// everyone, read undirected — searched among its first `neighbours` distinct neighbours
        /// (default 100, at most 200; `truncated` says whether it had more), largest first, at
        /// most `limit` (default 20, at most 1000). Scoped as `brokers`. Cost: O(Σ degree) of the
        /// neighbours to tie them up, then petgraph's Bron–Kerbosch, exponential in the worst
        /// case (hence the cap and the deadline); not cached.
        #[allow(clippy::too_many_arguments)]
        async fn cliques(
            &self,
            ctx: &Context<'_>,
            around: ID
        ) within(w) (
            #[graphql(default = 100)] neighbours: i32,
            #[graphql(default = 20)] limit: i32
        ) -> Result<Cliques> {
            cliques(ctx, around, w, neighbours, limit).await
        }
    }
}
