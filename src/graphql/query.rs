//! The query root: the questions researchers ask of the graph.
//!
//! Past 450 lines with the descriptions of its arguments: async-graphql takes a description
//! per argument, so those of `asOf` and `undated` are written out on every field that takes
//! them. `Subgraph` is in `subgraph.rs`.

use super::arguments::{as_of_day, with_arguments};
use super::bounds::{at_most, bounded};
use super::context::{blocking, deadline, graph, timed_out};
use super::entity::Entity;
use super::error::ApiError;
use super::filter::Walk;
use super::listed::Listed;
use super::page::{Page, PageRequest, MAX_PAGE};
use super::relation::{Document, Relation};
use super::scalars::PathWeight;
use super::scalars::{
    entity_kinds, relation_kinds, Date, EntityKind, MatchReason, RelationKind, RelationOrder,
};
pub use super::subgraph::Subgraph;
use crate::model;
use crate::store::{self, Graph, Node, RelationQuery};
use async_graphql::{Context, Object, Result, SimpleObject, ID};

/// The deepest `neighbourhood` walk allowed.
pub const MAX_DEPTH: i32 = 4;
/// The most entities a `neighbourhood` returns when `limit` is not given.
pub const DEFAULT_NEIGHBOURHOOD: i32 = 100;
/// The most entities a `neighbourhood` may return.
pub const MAX_NEIGHBOURHOOD: i32 = 1000;
/// The longest path `paths` searches for.
pub const MAX_PATH_LENGTH: i32 = 6;
/// The most paths `paths` returns.
pub const MAX_PATHS: i32 = 100;
/// The most seeds a `neighbourhood` takes.
pub const MAX_SEEDS: usize = 100;
/// The most relations `timeline` returns.
pub const MAX_TIMELINE: i32 = 10_000;
/// The longest search text.
pub const MAX_SEARCH_TEXT: usize = 200;

/// The root of every query.
#[derive(Default)]
pub struct Query;

/// A search result: the entity, how relevant it is, and why it matched.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// The entity found.
    entity: Entity,
    /// Relevance in (0, 1]; 1 is an exact match of the entity's name.
    score: f64,
    /// The name or alias that matched, as written in the data.
    matched: String,
    /// How it matched: exactly, as an alias, as a transliteration, by words, prefix or typo.
    reason: MatchReason,
}

/// A chain of relations from one entity to another.
#[derive(SimpleObject)]
pub struct Path {
    /// The entities along the path, from the start to the end.
    entities: Vec<Entity>,
    /// The relations walked, one per step (each may be walked against its direction).
    relations: Vec<Relation>,
    /// The number of relations walked.
    length: usize,
    /// The sum of the relations' costs under the `weight` asked for; the length without one.
    weight: f64,
}

/// One row of the relation vocabulary.
#[derive(SimpleObject)]
pub struct RelationKindInfo {
    /// The enum value.
    kind: RelationKind,
    /// The active label ("arrested").
    label: &'static str,
    /// The inverse label ("arrested by").
    inverse_label: &'static str,
    /// Whether it reads the same both ways.
    symmetric: bool,
    /// The entity kinds allowed at `from`.
    from_kinds: Vec<EntityKind>,
    /// The entity kinds allowed at `to`.
    to_kinds: Vec<EntityKind>,
    /// What it means.
    description: &'static str,
}

pub(super) fn node(g: &Graph, argument: &'static str, id: &ID) -> Result<Node, ApiError> {
    g.node(id.as_str()).ok_or_else(|| ApiError::NotFound {
        argument,
        what: "entity",
        id: id.to_string(),
    })
}

/// The entities `ids` (the argument `argument`) name: `NOT_FOUND` for the first that names
/// none.
pub(super) fn nodes(g: &Graph, argument: &'static str, ids: &[ID]) -> Result<Vec<Node>, ApiError> {
    ids.iter().map(|id| node(g, argument, id)).collect()
}

/// Refuses a range that ends before it begins: `since` is compared by its first day and
/// `until` by its last, so `since: "2023-09", until: "2023-09-01"` is a valid (one-day)
/// overlap, and `since: "2023-09-22", until: "2023-09-21"` is not.
fn date_range(since: Option<Date>, until: Option<Date>) -> Result<(), ApiError> {
    if let (Some(s), Some(u)) = (since, until) {
        if s.0.first_day() > u.0.last_day() {
            return Err(ApiError::invalid(
                "since",
                format!("`{}` is after `until` (`{}`): the range is empty", s.0, u.0),
            ));
        }
    }
    Ok(())
}

fn path(g: &Graph, p: store::Route) -> Path {
    let weight = p.len() as f64;
    weighed(g, store::WeightedPath { path: p, weight })
}

fn weighed(g: &Graph, w: store::WeightedPath) -> Path {
    let p = w.path;
    Path {
        weight: w.weight,
        length: p.len(),
        entities: p.nodes.into_iter().map(|n| Entity::of(g, n)).collect(),
        relations: p.edges.into_iter().map(Relation).collect(),
    }
}

with_arguments! {
    /// The questions researchers ask of the graph: entities, names, relations, neighbourhoods,
    /// paths and the timeline.
    #[Object(name = "LookupQuery")]
    impl Query {
        /// The entity with this id, or null if there is none.
        async fn entity(&self, ctx: &Context<'_>, id: ID) -> Option<Entity> {
            let g = graph(ctx);
            g.node(id.as_str()).map(|n| Entity::of(g, n))
        }

        /// Every entity, in id order, optionally only some kinds; 20 a page by default, at most 100.
        async fn entities(
            &self,
            ctx: &Context<'_>,
            kinds: Option<Vec<EntityKind>>,
            first: Option<i32>,
            after: Option<String>,
        ) -> Result<Page<Listed>> {
            let page = PageRequest::parse(first, after.as_deref())?;
            let g = graph(ctx);
            let kinds = entity_kinds(kinds);
            // Counted, not collected: collecting every entity's handle for each page cost more
            // than the page's 100 entities on a 100,000-entity graph.
            let total = match kinds.as_deref() {
                None => g.entity_count(),
                Some(k) => g.entities(Some(k)).count(),
            };
            let listed = |n| Listed(Entity::of(g, n));
            Ok(page.page_of(total, g.entities(kinds.as_deref()), listed))
        }

        /// Finds entities by name or alias, ignoring case and diacritics, across scripts and
        /// transliterations (Ibadoghlu / İbadoğlu, Aliev / Əliyev, Путин), tolerating typos. Best
        /// first; each hit says which name matched and how. Hits with the same score come in
        /// order of prominence — more relations first (the entity's `degree`) — then by name.
        async fn search(
            &self,
            ctx: &Context<'_>,
            text: String,
            kinds: Option<Vec<EntityKind>>,
            #[graphql(default = 10)] limit: i32,
        ) -> Result<Vec<SearchHit>> {
            let limit = bounded("limit", limit, 1, MAX_PAGE as i32)?;
            at_most("text", text.len(), MAX_SEARCH_TEXT)?;
            let g = graph(ctx);
            let kinds = entity_kinds(kinds);
            Ok(g.search(&text, kinds.as_deref(), limit)
                .into_iter()
                .map(|h| SearchHit {
                    entity: Entity::of(g, h.node),
                    score: h.score,
                    matched: h.matched,
                    reason: h.reason.into(),
                })
                .collect())
        }

        /// Relations, optionally only some kinds, from or to an entity (symmetric relations match
        /// either end), or overlapping a date range (undated relations are left out when a range
        /// is given). In the order they were recorded, or with `orderBy: DATE` oldest first (then
        /// the undated): `relations(since:, until:, orderBy: DATE)` pages through a period in date
        /// order, with its `totalCount`, where `timeline` gives one list of at most 10,000. A
        /// cursor works only with the `orderBy` that issued it. With `asOf`, only the relations
        /// in force on that day.
        #[allow(clippy::too_many_arguments)]
        async fn relations(
            &self,
            ctx: &Context<'_>,
            kinds: Option<Vec<RelationKind>>,
            from: Option<ID>,
            to: Option<ID>,
            since: Option<Date>,
            until: Option<Date>,
            first: Option<i32>,
            after: Option<String>,
            #[graphql(default)] order_by: RelationOrder
        ) as_of(as_of, undated) -> Result<Page<Relation>> {
            let page = match order_by {
                RelationOrder::Recorded => PageRequest::parse(first, after.as_deref())?,
                RelationOrder::Date => PageRequest::parse_by_date(first, after.as_deref())?,
            };
            date_range(since, until)?;
            let g = graph(ctx);
            let kinds = relation_kinds(kinds);
            let q = RelationQuery {
                kinds: kinds.as_deref(),
                from: from.map(|id| node(g, "from", &id)).transpose()?,
                to: to.map(|id| node(g, "to", &id)).transpose()?,
                touching: None,
                since: since.map(|d| d.0),
                until: until.map(|d| d.0),
                as_of: as_of_day(as_of, undated)?,
            };
            let edges = match order_by {
                RelationOrder::Recorded => g.select_relations(&q),
                RelationOrder::Date => g.relations_by_date(&q),
            };
            Ok(page.page(edges, Relation))
        }

        /// Everything within `depth` relations (0 to 4; 0: only the given entities and the
        /// relations among them) of the given entities, optionally only
        /// through some relation kinds and to some entity kinds, with every relation among the
        /// entities found. At most `limit` entities (default 100, at most 1000); `truncated` says
        /// whether more were in reach. With `asOf`, the walk and the relations are those of the
        /// graph as it stood on that day, and so are the subgraph's analyses and export (the
        /// given entities are listed even when not in force then, without relations).
        #[allow(clippy::too_many_arguments)]
        async fn neighbourhood(
            &self,
            ctx: &Context<'_>,
            ids: Vec<ID>,
            #[graphql(default = 1)] depth: i32,
            relation_kinds: Option<Vec<RelationKind>>,
            kinds: Option<Vec<EntityKind>>,
            limit: Option<i32>
        ) as_of(as_of, undated) -> Result<Subgraph> {
            let depth = bounded("depth", depth, 0, MAX_DEPTH)?;
            let limit = bounded(
                "limit",
                limit.unwrap_or(DEFAULT_NEIGHBOURHOOD),
                1,
                MAX_NEIGHBOURHOOD,
            )?;
            at_most("ids", ids.len(), MAX_SEEDS)?;
            let g = graph(ctx);
            let seeds = nodes(g, "ids", &ids)?;
            let as_of = as_of_day(as_of, undated)?;
            let kinds_asked = relation_kinds.clone();
            let walk = Walk::new(relation_kinds, kinds, store::Direction::Both, as_of);
            let sub = blocking(ctx, move |g| g.reach(&seeds, depth, &walk.filter(), limit)).await;
            Ok(Subgraph::walked(sub.nodes, sub.truncated, kinds_asked, as_of))
        }

        /// A shortest chain of relations between two entities, or null if they are not connected.
        /// Relations are walked either way unless `directed` is true (then only from `from` towards
        /// `to`; symmetric relations both ways). Optionally only through some relation kinds, and
        /// only through intermediate entities of some kinds.
        ///
        /// With a `weight`, the most reliable chain instead: the lightest under that weighting
        /// (CLAIM prefers confirmed over reported over alleged or disputed relations, RECENT
        /// prefers recent ones), by Dijkstra's algorithm (petgraph's `astar`) over the store,
        /// O((V + E) log V) at worst; `weight` in the answer says its total. With `asOf`, only
        /// through the graph as it stood on that day.
        #[allow(clippy::too_many_arguments)]
        async fn shortest_path(
            &self,
            ctx: &Context<'_>,
            from: ID,
            to: ID,
            relation_kinds: Option<Vec<RelationKind>>,
            #[graphql(default = false)] directed: bool,
            kinds: Option<Vec<EntityKind>>,
            weight: Option<PathWeight>
        ) as_of(as_of, undated) -> Result<Option<Path>> {
            let g = graph(ctx);
            let (a, b) = (node(g, "from", &from)?, node(g, "to", &to)?);
            let as_of = as_of_day(as_of, undated)?;
            let walk = Walk::new(relation_kinds, kinds, store::Direction::Both, as_of);
            let deadline = deadline(ctx);
            let found = blocking(ctx, move |g| {
                let filter = walk.filter();
                match weight {
                    None => g
                        .shortest_path(a, b, &filter, directed, deadline)
                        .map(|p| p.map(|p| (p, None))),
                    Some(w) => g
                        .lightest_path(a, b, &filter, directed, w.into(), deadline)
                        .map(|p| p.map(|p| (p.path, Some(p.weight)))),
                }
            })
            .await
            .map_err(|_| timed_out(ctx))?;
            Ok(found.map(|(p, w)| match w {
                None => path(g, p),
                Some(weight) => weighed(g, store::WeightedPath { path: p, weight }),
            }))
        }

        /// Every chain of relations between two entities that visits no entity twice, up to
        /// `maxLength` relations (at most 6), shortest first, at most `limit` (at most 100).
        /// Where two entities are joined by several relations, each chain of entities is listed
        /// once, with the first relation recorded between them.
        ///
        /// With a `weight`, each step takes its cheapest relation under that weighting and the
        /// chains come lightest first (shorter first among equals); the first 1000 chains found,
        /// shortest first, are weighed. With `asOf`, only through the graph as it stood on that
        /// day.
        #[allow(clippy::too_many_arguments)]
        async fn paths(
            &self,
            ctx: &Context<'_>,
            from: ID,
            to: ID,
            #[graphql(default = 4)] max_length: i32,
            #[graphql(default = 20)] limit: i32,
            relation_kinds: Option<Vec<RelationKind>>,
            weight: Option<PathWeight>
        ) as_of(as_of, undated) -> Result<Vec<Path>> {
            let max_len = bounded("maxLength", max_length, 1, MAX_PATH_LENGTH)?;
            let limit = bounded("limit", limit, 1, MAX_PATHS)?;
            let as_of = as_of_day(as_of, undated)?;
            let g = graph(ctx);
            let (a, b) = (node(g, "from", &from)?, node(g, "to", &to)?);
            let walk = Walk::new(relation_kinds, None, store::Direction::Both, as_of);
            let deadline = deadline(ctx);
            let found = blocking(ctx, move |g| {
                let filter = walk.filter();
                match weight {
                    None => g
                        .paths(a, b, max_len, limit, &filter, deadline)
                        .map(|ps| ps.into_iter().map(|p| (p, None)).collect::<Vec<_>>()),
                    Some(w) => g
                        .lightest_paths(a, b, max_len, limit, &filter, w.into(), deadline)
                        .map(|ps| ps.into_iter().map(|p| (p.path, Some(p.weight))).collect()),
                }
            })
            .await
            .map_err(|_| timed_out(ctx))?;
            Ok(found
                .into_iter()
                .map(|(p, w)| match w {
                    None => path(g, p),
                    Some(weight) => weighed(g, store::WeightedPath { path: p, weight }),
                })
                .collect())
        }

        /// Dated relations, oldest first, optionally overlapping a date range, touching one entity,
        /// or of some kinds; the first `limit` of them (default 1000, at most 10000), with no sign
        /// that more exist: to page through them all with a total, ask
        /// `relations(since:, until:, orderBy: DATE) { totalCount pageInfo { hasNextPage endCursor } }`.
        /// Relative dates in sources ("on Tuesday") are resolved against the document's
        /// publication date when the data is curated. With `asOf`, only the relations in force on
        /// that day (begun by then, not ended before it, between entities in force then).
        #[allow(clippy::too_many_arguments)]
        async fn timeline(
            &self,
            ctx: &Context<'_>,
            since: Option<Date>,
            until: Option<Date>,
            entity: Option<ID>,
            kinds: Option<Vec<RelationKind>>,
            #[graphql(default = 1000)] limit: i32
        ) as_of(as_of, undated) -> Result<Vec<Relation>> {
            let limit = bounded("limit", limit, 1, MAX_TIMELINE)?;
            date_range(since, until)?;
            let g = graph(ctx);
            let kinds = relation_kinds(kinds);
            let q = RelationQuery {
                kinds: kinds.as_deref(),
                touching: entity.map(|id| node(g, "entity", &id)).transpose()?,
                since: since.map(|d| d.0),
                until: until.map(|d| d.0),
                as_of: as_of_day(as_of, undated)?,
                ..RelationQuery::default()
            };
            Ok(g.timeline(&q)
                .into_iter()
                .take(limit)
                .map(Relation)
                .collect())
        }

        /// The relation with this id, or null.
        async fn relation(&self, ctx: &Context<'_>, id: ID) -> Option<Relation> {
            graph(ctx).edge(id.as_str()).map(Relation)
        }

        /// Every source document, in id order.
        async fn documents(&self, ctx: &Context<'_>) -> Vec<Document> {
            graph(ctx).documents().cloned().map(Document).collect()
        }

        /// The relation vocabulary: every kind with its labels, symmetry and allowed entity kinds.
        async fn vocabulary(&self) -> Vec<RelationKindInfo> {
            let kinds = |ks: &[model::EntityKind]| ks.iter().map(|&k| k.into()).collect();
            model::RelationKind::ALL
                .iter()
                .map(|&k| {
                    let s = k.spec();
                    RelationKindInfo {
                        kind: k.into(),
                        label: s.label,
                        inverse_label: s.inverse,
                        symmetric: s.symmetric,
                        from_kinds: kinds(s.from),
                        to_kinds: kinds(s.to),
                        description: s.doc,
                    }
                })
                .collect()
        }
    }
}
