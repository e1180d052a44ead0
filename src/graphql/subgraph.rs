//! `Subgraph`: a set of entities and the relations among them, with analyses of it and its
//! exports.

use super::analysis::{self, Centrality, Group, Partition, RankedEntity};
use super::context::{blocking, graph};
use super::entity::Entity;
use super::error::ApiError;
use super::query::node;
use super::relation::Relation;
use super::scalars::ExportFormat;
use super::scalars::RelationKind;
use super::structure;
use crate::export;
use crate::store::{self, AsOf, Node};
use async_graphql::{Context, Object, Result, ID};
use std::sync::Arc;

/// A set of entities and the relations among them.
pub struct Subgraph {
    nodes: Arc<Vec<Node>>,
    /// The relations among the entities, found the first time a field needs them (listing
    /// the entities alone does not pay for the relations of every hub among them).
    edges: tokio::sync::OnceCell<Arc<Vec<store::Edge>>>,
    truncated: bool,
    relation_kinds: Option<Vec<RelationKind>>,
    /// The day the subgraph was read as of: its relations and analyses keep to it.
    as_of: Option<AsOf>,
}

impl Subgraph {
    /// The entities a walk reached (the relations among them are found when first asked for).
    pub(super) fn walked(
        nodes: Vec<Node>,
        truncated: bool,
        relation_kinds: Option<Vec<RelationKind>>,
        as_of: Option<AsOf>,
    ) -> Subgraph {
        Subgraph {
            nodes: Arc::new(nodes),
            edges: tokio::sync::OnceCell::new(),
            truncated,
            relation_kinds,
            as_of,
        }
    }

    /// A subgraph of exactly these entities and relations (not every relation among them),
    /// analysed as of `as_of` if given.
    pub(super) fn of(nodes: Vec<Node>, edges: Vec<store::Edge>, as_of: Option<AsOf>) -> Subgraph {
        Subgraph {
            nodes: Arc::new(nodes),
            edges: tokio::sync::OnceCell::new_with(Some(Arc::new(edges))),
            truncated: false,
            relation_kinds: None,
            as_of,
        }
    }

    /// The scope of a ranking, components or communities of this subgraph.
    fn scope(&self) -> store::Scope {
        analysis::scope(
            self.relation_kinds.clone(),
            None,
            Some(self.nodes.to_vec()),
            self.as_of,
        )
    }

    /// The entity `id` names, if it is in this subgraph; else `NOT_FOUND` (no such entity) or
    /// `INVALID_INPUT` (not in the subgraph).
    fn member(&self, ctx: &Context<'_>, argument: &'static str, id: &ID) -> Result<Node, ApiError> {
        let n = node(graph(ctx), argument, id)?;
        if self.nodes.contains(&n) {
            Ok(n)
        } else {
            Err(ApiError::invalid(
                argument,
                format!("`{}` is not in this subgraph", id.as_str()),
            ))
        }
    }

    /// The scope of an analysis of this subgraph.
    fn within(&self) -> store::Within {
        structure::within(
            self.relation_kinds.clone(),
            None,
            None,
            None,
            None,
            Some(self.nodes.to_vec()),
            self.as_of,
        )
    }

    async fn edges(&self, ctx: &Context<'_>) -> Arc<Vec<store::Edge>> {
        let edges = self.edges.get_or_init(|| async {
            let nodes = Arc::clone(&self.nodes);
            let kinds = super::scalars::relation_kinds(self.relation_kinds.clone());
            let as_of = self.as_of;
            let edges = blocking(ctx, move |g| {
                g.relations_among(&nodes, kinds.as_deref(), as_of)
            })
            .await;
            Arc::new(edges)
        });
        Arc::clone(edges.await)
    }
}

/// A set of entities and the relations among them, with analyses of it and exports in the
/// formats of the tools researchers use. A subgraph read as of a day (`neighbourhood(asOf:)`)
/// keeps to that day: its relations, rankings, components, communities, brokers, bridges,
/// cycles, cliques and exports are those of the graph as it stood then.
#[Object]
impl Subgraph {
    /// The entities: the seeds first, then nearest first.
    async fn entities(&self, ctx: &Context<'_>) -> Vec<Entity> {
        let g = graph(ctx);
        self.nodes.iter().map(|&n| Entity::of(g, n)).collect()
    }
    /// Every relation among these entities (of the kinds asked for).
    async fn relations(&self, ctx: &Context<'_>) -> Vec<Relation> {
        self.edges(ctx)
            .await
            .iter()
            .copied()
            .map(Relation)
            .collect()
    }
    /// Whether the size limit cut the walk short: more entities were in reach.
    async fn truncated(&self) -> bool {
        self.truncated
    }
    /// The subgraph's entities ranked by a centrality measure computed within the subgraph,
    /// best first, at most `limit` (default 20, at most 1000).
    async fn ranking(
        &self,
        ctx: &Context<'_>,
        measure: Centrality,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<Vec<RankedEntity>> {
        analysis::rank(ctx, measure, self.scope(), None, limit).await
    }
    /// The subgraph's connected components, largest first.
    async fn components(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<Vec<Group>> {
        analysis::components(ctx, self.scope(), limit).await
    }
    /// The subgraph's communities (Louvain).
    async fn communities(&self, ctx: &Context<'_>) -> Result<Partition> {
        analysis::communities(ctx, self.scope()).await
    }
    /// The subgraph's brokers: entities whose removal splits it, with the sizes of the parts
    /// each separates, most entities cut off first; at most `limit` (default 20, at most
    /// 1000). O(V + E) of the subgraph, cached per graph version and subgraph.
    async fn brokers(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<Vec<structure::Broker>> {
        structure::brokers(ctx, self.within(), limit).await
    }
    /// The subgraph's bridges: relations that are the only tie between two parts of it; at
    /// most `limit` (default 100, at most 1000). O(V + E) of the subgraph, cached per graph
    /// version and subgraph.
    async fn bridges(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] limit: i32,
    ) -> Result<Vec<Relation>> {
        structure::bridges(ctx, self.within(), limit).await
    }
    /// The subgraph's strongly connected groups over directed relations (symmetric kinds
    /// left out), largest first; at most `limit` (default 20, at most 1000). O(V + E) of the
    /// subgraph, cached per graph version and subgraph.
    async fn cycles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<Vec<Group>> {
        structure::cycles(ctx, self.within(), limit).await
    }
    /// Few of the subgraph's relations joining the given entities (2 to 50, in the subgraph):
    /// an approximate Steiner tree by Mehlhorn's algorithm, never more than twice the
    /// relations of the smallest tree. O(V + E) of the subgraph; not cached.
    async fn connecting_subgraph(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> Result<structure::Connection> {
        for id in &ids {
            self.member(ctx, "ids", id)?;
        }
        structure::connecting(ctx, ids, self.within()).await
    }
    /// The maximal cliques of the subgraph containing an entity of it, searched among its
    /// first `neighbours` distinct neighbours in the subgraph (default 100, at most 200),
    /// largest first, at most `limit` (default 20, at most 1000). Exponential in the worst
    /// case, hence the cap and the deadline; not cached.
    async fn cliques(
        &self,
        ctx: &Context<'_>,
        around: ID,
        #[graphql(default = 100)] neighbours: i32,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<structure::Cliques> {
        self.member(ctx, "around", &around)?;
        structure::cliques(ctx, around, self.within(), neighbours, limit).await
    }
    /// The subgraph as a file for another tool: NetworkX node-link JSON, GraphML, GEXF (Gephi,
    /// with a timeline), Cytoscape.js JSON, a CSV table for pandas, Graphviz DOT, or
    /// FollowTheMoney JSON lines. Every format keeps kinds, dates and source quotes.
    async fn export(&self, ctx: &Context<'_>, format: ExportFormat) -> String {
        let view = export::View {
            nodes: self.nodes.to_vec(),
            edges: self.edges(ctx).await.to_vec(),
        };
        blocking(ctx, move |g| export::export(g, &view, format.into())).await
    }
}
