//! Network analysis in the API: rankings by centrality, connected components and communities,
//! on the whole graph (the `ranking`, `components` and `communities` queries) or on a subgraph
//! (the same fields on `Subgraph`). Results are computed by the store once per graph version and
//! scope, then cached.

use super::arguments::{as_of_day, with_arguments};
use super::bounds::bounded;
use super::context::{self, blocking, graph};
use super::entity::Entity;
use super::error::ApiError;
use super::scalars::{entity_kinds, relation_kinds, EntityKind, RelationKind};
use crate::model;
use crate::store::{AsOf, Communities, Measure, Node, Scope, Version};
use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use std::sync::Arc;

/// The most entities a ranking, a component or a community lists.
pub const MAX_LISTED: i32 = 1000;

/// A centrality measure. Analyses read the graph as undirected and simple: every relation is a
/// tie between its two entities, several relations between the same two count once, and
/// self-relations are ignored.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Centrality {
    /// The number of distinct entities an entity is tied to: its `neighbourCount`, not its
    /// `degree` (which counts relations, several with one entity each).
    Degree,
    /// PageRank (damping 0.85, as `networkx.pagerank`); scores sum to 1.
    Pagerank,
    /// Betweenness, normalised as `networkx.betweenness_centrality`: the share of shortest paths
    /// between other entities that pass through this one. Exact up to 5,000 entities; above
    /// that, estimated from 500 sampled sources, each score then within about 0.061 of the exact
    /// one with 95% confidence.
    Betweenness,
}

impl From<Centrality> for Measure {
    fn from(c: Centrality) -> Measure {
        match c {
            Centrality::Degree => Measure::Degree,
            Centrality::Pagerank => Measure::PageRank,
            Centrality::Betweenness => Measure::Betweenness,
        }
    }
}

/// An entity and its score under a measure.
#[derive(SimpleObject)]
pub struct RankedEntity {
    /// The entity.
    entity: Entity,
    /// Its score.
    score: f64,
    /// Its place in the ranking, from 1.
    rank: usize,
}

/// A set of entities tied to each other: a connected component, a community, or a strongly
/// connected group.
pub struct Group {
    id: usize,
    nodes: Arc<Vec<Vec<Node>>>,
}

impl Group {
    /// The `id`-th of `nodes`.
    pub(crate) fn new(id: usize, nodes: Arc<Vec<Vec<Node>>>) -> Group {
        Group { id, nodes }
    }
}

/// A connected component, a community (entities more tied to each other than to the rest), or
/// a strongly connected group (entities that all reach each other along directed relations).
#[Object]
impl Group {
    /// Its number: 0 for the largest, then by size.
    async fn id(&self) -> usize {
        self.id
    }
    /// How many entities it holds.
    async fn size(&self) -> usize {
        self.nodes[self.id].len()
    }
    /// Its entities, in id order; the first `limit` (default 100, at most 1000).
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] limit: i32,
    ) -> Result<Vec<Entity>> {
        let limit = listed(limit)?;
        let g = graph(ctx);
        Ok(self.nodes[self.id]
            .iter()
            .take(limit)
            .map(|&n| Entity::of(g, n))
            .collect())
    }
}

/// A partition of the graph into communities (Louvain, seeded so it is reproducible).
pub struct Partition(Arc<Communities>, Arc<Vec<Vec<Node>>>);

/// A partition of the graph into communities (the Louvain method, seeded so the same graph
/// always gives the same communities).
#[Object]
impl Partition {
    /// Newman's modularity of the partition (as `networkx.community.modularity`): above about
    /// 0.3, the communities are markedly denser inside than between.
    async fn modularity(&self) -> f64 {
        self.0.modularity
    }
    /// How many communities there are.
    async fn count(&self) -> usize {
        self.0.groups.len()
    }
    /// The largest communities first; the first `limit` (default 20, at most 1000).
    async fn communities(&self, #[graphql(default = 20)] limit: i32) -> Result<Vec<Group>> {
        let limit = listed(limit)?;
        Ok((0..self.1.len().min(limit))
            .map(|id| Group {
                id,
                nodes: self.1.clone(),
            })
            .collect())
    }
}

/// The `limit` of a list of entities, groups or relations, from 1 to [`MAX_LISTED`].
pub(crate) fn listed(limit: i32) -> Result<usize, ApiError> {
    bounded("limit", limit, 1, MAX_LISTED)
}

/// The scope of an analysis from its arguments.
pub(crate) fn scope(
    relation: Option<Vec<RelationKind>>,
    entity: Option<Vec<EntityKind>>,
    nodes: Option<Vec<Node>>,
    as_of: Option<AsOf>,
) -> Scope {
    Scope {
        relation_kinds: relation_kinds(relation),
        entity_kinds: entity_kinds(entity),
        nodes,
        as_of,
    }
}

/// Ranks the entities of `scope` by `measure`, keeping only those of `kinds`, best first.
pub(crate) async fn rank(
    ctx: &Context<'_>,
    measure: Centrality,
    scope: Scope,
    kinds: Option<Vec<model::EntityKind>>,
    limit: i32,
) -> Result<Vec<RankedEntity>> {
    let limit = listed(limit)?;
    let work = context::work(ctx);
    let ranking = blocking(ctx, move |g: &Version| {
        g.ranking(measure.into(), &scope, &work)
    })
    .await
    .map_err(|why| context::stopped(ctx, why))?;
    let g = graph(ctx);
    Ok(ranking
        .iter()
        .filter(|(n, _)| {
            kinds
                .as_ref()
                .is_none_or(|k| k.contains(&g.entity(*n).kind()))
        })
        .take(limit)
        .enumerate()
        .map(|(i, &(n, score))| RankedEntity {
            entity: Entity::of(g, n),
            score,
            rank: i + 1,
        })
        .collect())
}

/// The connected components of `scope`, largest first.
pub(crate) async fn components(ctx: &Context<'_>, scope: Scope, limit: i32) -> Result<Vec<Group>> {
    let limit = listed(limit)?;
    let work = context::work(ctx);
    let comps = blocking(ctx, move |g: &Version| g.cached_components(&scope, &work))
        .await
        .map_err(|why| context::stopped(ctx, why))?;
    Ok((0..comps.len().min(limit))
        .map(|id| Group {
            id,
            nodes: comps.clone(),
        })
        .collect())
}

/// The communities of `scope`.
pub(crate) async fn communities(ctx: &Context<'_>, scope: Scope) -> Result<Partition> {
    let work = context::work(ctx);
    let c = blocking(ctx, move |g: &Version| g.cached_communities(&scope, &work))
        .await
        .map_err(|why| context::stopped(ctx, why))?;
    let groups = Arc::new(c.groups.clone());
    Ok(Partition(c, groups))
}

/// The whole-graph analysis queries, merged into the query root.
#[derive(Default)]
pub struct AnalysisQuery;

with_arguments! {
    /// Rankings, components and communities of the whole graph.
    #[Object]
    impl AnalysisQuery {
        /// The entities ranked by a centrality measure, best first, computed over the relations of
        /// `relationKinds` (default all) and listing only entities of `kinds` (default all): "rank
        /// the people by betweenness" keeps every tie but lists people only. With `asOf`, over the
        /// graph as it stood on that day ("who was central before the arrests?").
        #[allow(clippy::too_many_arguments)]
        async fn ranking(
            &self,
            ctx: &Context<'_>,
            measure: Centrality,
            kinds: Option<Vec<EntityKind>>,
            relation_kinds: Option<Vec<RelationKind>>,
            #[graphql(default = 20)] limit: i32
        ) as_of(as_of, undated) -> Result<Vec<RankedEntity>> {
            rank(
                ctx,
                measure,
                scope(relation_kinds, None, None, as_of_day(as_of, undated)?),
                entity_kinds(kinds),
                limit,
            )
            .await
        }

        /// The connected components, largest first, of the graph restricted to the relations of
        /// `relationKinds` and the entities of `kinds` (default: all of both), as of a day if
        /// `asOf` is given.
        async fn components(
            &self,
            ctx: &Context<'_>,
            relation_kinds: Option<Vec<RelationKind>>,
            kinds: Option<Vec<EntityKind>>,
            #[graphql(default = 20)] limit: i32
        ) as_of(as_of, undated) -> Result<Vec<Group>> {
            let scope = scope(relation_kinds, kinds, None, as_of_day(as_of, undated)?);
            components(ctx, scope, limit).await
        }

        /// The communities (Louvain) of the graph restricted to the relations of `relationKinds`
        /// and the entities of `kinds` (default: all of both), as of a day if `asOf` is given.
        async fn communities(
            &self,
            ctx: &Context<'_>,
            relation_kinds: Option<Vec<RelationKind>>,
            kinds: Option<Vec<EntityKind>>
        ) as_of(as_of, undated) -> Result<Partition> {
            let scope = scope(relation_kinds, kinds, None, as_of_day(as_of, undated)?);
            communities(ctx, scope).await
        }
    }
}
