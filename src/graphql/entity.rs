//! The `Entity` interface and its six implementations, one per entity kind.

use super::arguments::{as_of_day, with_arguments};
use super::bounds::bounded;
use super::context::graph;
use super::curation::Change;
use super::filter::Walk;
use super::page::{Page, PageRequest};
use super::relation::{Attribute, Relation};
use super::scalars::{Date, Direction, EntityKind, RelationKind};
use crate::model;
use crate::store::{AsOf, Graph, Node};
use async_graphql::{Context, Interface, Object, Result, ID};

/// The most entities `neighbours` returns.
pub const MAX_NEIGHBOURS: i32 = 1000;

/// Declares the `Entity` interface, given the time arguments its fields `relations` and
/// `neighbours` take (see [`with_arguments!`]).
macro_rules! entity_interface {
    ($($as_of:tt)*) => {
        // The description keeps its own line breaks, which the schema shows.
        /// A person, organisation, court, government, event or place. Query the kind-specific fields
        /// with inline fragments: `... on Person { roles }`, `... on Event { start end place { name } }`.
        // The lint mistakes the interface's per-field `arg(...)` lists for repeated attributes.
        #[allow(clippy::duplicated_attributes)]
        #[derive(Interface)]
        #[graphql(
            field(
                name = "id",
                ty = "ID",
                desc = "Stable, human-readable id (a slug such as `gubad-ibadoglu`)."
            ),
            field(name = "kind", ty = "EntityKind", desc = "What the entity is."),
            field(name = "name", ty = "String", desc = "The name to display."),
            field(
                name = "aliases",
                ty = "Vec<String>",
                desc = "Other spellings: transliterations, short forms, names in other scripts."
            ),
            field(
                name = "description",
                ty = "Option<String>",
                desc = "Who or what this is, in a sentence or two."
            ),
            field(
                name = "degree",
                ty = "usize",
                desc = "How many relations touch this entity: several relations with the same entity each count, a self-relation once. Not the score of `ranking(measure: DEGREE)`, which counts distinct neighbours: that is `neighbourCount`."
            ),
            field(
                name = "neighbour_count",
                ty = "usize",
                desc = "How many distinct other entities share a relation with this one, in either direction (a self-relation not counted): the score `ranking(measure: DEGREE)` gives it over all relations, where `degree` counts relations."
            ),
            field(
                name = "merged_from",
                ty = "Vec<ID>",
                desc = "The ids merged into this entity (`mergeEntities`); each still resolves to it."
            ),
            field(
                name = "history",
                ty = "Vec<Change>",
                desc = "The changes that touched this entity, oldest first (the first `first`, default 20, at most 100); empty on a server without a journal.",
                arg(name = "first", ty = "Option<i32>")
            ),
            field(
                name = "attributes",
                ty = "Vec<Attribute>",
                desc = "Structured figures (casualties, counts)."
            ),
            field(
                name = "relations",
                ty = "Page<Relation>",
                desc = "The relations touching this entity, in the order they were recorded, optionally only some kinds, one direction, or as of a day.",
                arg(name = "kinds", ty = "Option<Vec<RelationKind>>"),
                arg(name = "direction", ty = "Direction", default_with = "Direction::Both"),
                arg(name = "first", ty = "Option<i32>"),
                arg(name = "after", ty = "Option<String>"),
                $($as_of)*
            ),
            field(
                name = "neighbours",
                ty = "Vec<Entity>",
                desc = "The distinct entities one relation away, optionally through some relation kinds, in one direction, of some kinds, as of a day; the first `limit` (default 100, at most 1000).",
                arg(name = "relation_kinds", ty = "Option<Vec<RelationKind>>"),
                arg(name = "direction", ty = "Direction", default_with = "Direction::Both"),
                arg(name = "kinds", ty = "Option<Vec<EntityKind>>"),
                arg(name = "limit", ty = "i32", default = 100),
                $($as_of)*
            )
        )]
        pub enum Entity {
            /// A person.
            Person(Person),
            /// An organisation.
            Organisation(Organisation),
            /// A court.
            Court(Court),
            /// A government or state body.
            Government(Government),
            /// An event.
            Event(Event),
            /// A place.
            Place(Place),
        }
    };
}

with_arguments!(interface => entity_interface);

impl Entity {
    /// Wraps the entity behind `node` in the type of its kind.
    pub(crate) fn of(graph: &Graph, node: Node) -> Entity {
        let r = EntityFields(node);
        match graph.entity(node).kind() {
            model::EntityKind::Person => Entity::Person(Person(r)),
            model::EntityKind::Organisation => Entity::Organisation(Organisation(r)),
            model::EntityKind::Court => Entity::Court(Court(r)),
            model::EntityKind::Government => Entity::Government(Government(r)),
            model::EntityKind::Event => Entity::Event(Event(r)),
            model::EntityKind::Place => Entity::Place(Place(r)),
        }
    }

    /// The entity's node in the graph.
    pub(crate) fn node(&self) -> Node {
        match self {
            Entity::Person(Person(r))
            | Entity::Organisation(Organisation(r))
            | Entity::Court(Court(r))
            | Entity::Government(Government(r))
            | Entity::Event(Event(r))
            | Entity::Place(Place(r)) => r.0,
        }
    }
}

/// The fields every entity type shares, implemented once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntityFields(pub Node);

impl EntityFields {
    fn get<'a>(&self, ctx: &Context<'a>) -> crate::store::EntityRef<'a> {
        graph(ctx).entity(self.0)
    }

    fn relations(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<RelationKind>>,
        direction: Direction,
        first: Option<i32>,
        after: Option<String>,
        as_of: Option<AsOf>,
    ) -> Result<Page<Relation>> {
        let page = PageRequest::parse(first, after.as_deref())?;
        let walk = Walk::new(kinds, None, direction.into(), as_of);
        let edges = graph(ctx).relations_of(self.0, &walk.filter());
        Ok(page.page(edges, Relation))
    }

    fn neighbours(
        &self,
        ctx: &Context<'_>,
        relation_kinds: Option<Vec<RelationKind>>,
        direction: Direction,
        kinds: Option<Vec<EntityKind>>,
        limit: i32,
        as_of: Option<AsOf>,
    ) -> Result<Vec<Entity>> {
        let limit = bounded("limit", limit, 1, MAX_NEIGHBOURS)?;
        let g = graph(ctx);
        let walk = Walk::new(relation_kinds, kinds, direction.into(), as_of);
        Ok(g.neighbours(self.0, &walk.filter())
            .into_iter()
            .take(limit)
            .map(|n| Entity::of(g, n))
            .collect())
    }
}

macro_rules! entity_type {
    ($(#[$doc:meta])* $name:ident $(with $participants:ident)? { $($extra:tt)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name(pub(crate) EntityFields);

        with_arguments! {
            $(#[$doc])*
            #[Object]
            impl $name {
                /// Stable, human-readable id (a slug such as `gubad-ibadoglu`).
                async fn id(&self, ctx: &Context<'_>) -> ID {
                    ID(self.0.get(ctx).id().to_string())
                }
                /// What the entity is.
                async fn kind(&self, ctx: &Context<'_>) -> EntityKind {
                    self.0.get(ctx).kind().into()
                }
                /// The name to display.
                async fn name(&self, ctx: &Context<'_>) -> String {
                    self.0.get(ctx).name().to_owned()
                }
                /// Other spellings: transliterations, short forms, names in other scripts.
                async fn aliases(&self, ctx: &Context<'_>) -> Vec<String> {
                    self.0.get(ctx).aliases().to_owned()
                }
                /// Who or what this is, in a sentence or two.
                async fn description(&self, ctx: &Context<'_>) -> Option<String> {
                    self.0.get(ctx).description().map(str::to_string)
                }
                /// How many relations touch this entity: several relations with the same entity
                /// each count, a self-relation once. Not the score of `ranking(measure: DEGREE)`,
                /// which counts distinct neighbours: that is `neighbourCount`.
                async fn degree(&self, ctx: &Context<'_>) -> usize {
                    graph(ctx).degree(self.0 .0)
                }
                /// How many distinct other entities share a relation with this one, in either
                /// direction (a self-relation not counted): the score `ranking(measure: DEGREE)`
                /// gives it over all relations, where `degree` counts relations. O(degree).
                async fn neighbour_count(&self, ctx: &Context<'_>) -> usize {
                    graph(ctx).neighbour_count(self.0 .0)
                }
                /// The ids merged into this entity (`mergeEntities`); each still resolves to it.
                async fn merged_from(&self, ctx: &Context<'_>) -> Vec<ID> {
                    graph(ctx).merged_from(self.0 .0).into_iter().map(|i| ID(i.to_string())).collect()
                }
                /// The changes that touched this entity, oldest first (the first `first`,
                /// default 20, at most 100); empty on a server without a journal.
                async fn history(&self, ctx: &Context<'_>, first: Option<i32>) -> Result<Vec<Change>> {
                    let id = self.0.get(ctx).id().to_owned();
                    super::curation::history(ctx, id, first).await
                }
                /// Structured figures (casualties, counts).
                async fn attributes(&self, ctx: &Context<'_>) -> Vec<Attribute> {
                    Attribute::list(&self.0.get(ctx).attributes())
                }
                /// The relations touching this entity, in the order they were recorded, optionally
                /// only some kinds, one direction (symmetric relations match every direction), or
                /// as of a day.
                #[allow(clippy::too_many_arguments)]
                async fn relations(
                    &self,
                    ctx: &Context<'_>,
                    kinds: Option<Vec<RelationKind>>,
                    #[graphql(default)] direction: Direction,
                    first: Option<i32>,
                    after: Option<String>
                ) as_of(as_of, undated) -> Result<Page<Relation>> {
                    let as_of = as_of_day(as_of, undated)?;
                    self.0.relations(ctx, kinds, direction, first, after, as_of)
                }
                /// The distinct entities one relation away, optionally through some relation kinds,
                /// in one direction, of some kinds, as of a day; the first `limit` (default 100, at
                /// most 1000).
                #[allow(clippy::too_many_arguments)]
                async fn neighbours(
                    &self,
                    ctx: &Context<'_>,
                    relation_kinds: Option<Vec<RelationKind>>,
                    #[graphql(default)] direction: Direction,
                    kinds: Option<Vec<EntityKind>>,
                    #[graphql(default = 100)] limit: i32
                ) as_of(as_of, undated) -> Result<Vec<Entity>> {
                    let as_of = as_of_day(as_of, undated)?;
                    self.0
                        .neighbours(ctx, relation_kinds, direction, kinds, limit, as_of)
                }
                $(
                /// Who took part (entities with a PARTICIPATED_IN relation to it).
                async fn $participants(&self, ctx: &Context<'_>) -> Vec<Entity> {
                    let g = graph(ctx);
                    g.participants(self.0 .0)
                        .into_iter()
                        .map(|n| Entity::of(g, n))
                        .collect()
                }
                )?
                $($extra)*
            }
        }
    };
}

entity_type! {
    /// A natural person.
    Person {
        /// The person's roles as the sources give them ("former diplomat", "activist").
        async fn roles(&self, ctx: &Context<'_>) -> Vec<String> {
            self.0.get(ctx).roles().to_owned()
        }
    }
}

entity_type! {
    /// A non-state organisation: an NGO, a union, a company, a news agency, a platform.
    Organisation {}
}

entity_type! {
    /// A court or tribunal.
    Court {}
}

entity_type! {
    /// A state, a government or one of its bodies (a ministry, a presidential office).
    Government {}
}

entity_type! {
    /// A city, a region, a building.
    Place {}
}

entity_type! {
    /// Something that happened: an operation, talks, a meeting.
    Event with participants {
        /// When it began.
        async fn start(&self, ctx: &Context<'_>) -> Option<Date> {
            self.0.get(ctx).start().map(Date)
        }
        /// When it ended.
        async fn end(&self, ctx: &Context<'_>) -> Option<Date> {
            self.0.get(ctx).end().map(Date)
        }
        /// Where it took place.
        async fn place(&self, ctx: &Context<'_>) -> Option<Place> {
            let g = graph(ctx);
            let id = self.0.get(ctx).place()?;
            g.node(id.as_str()).map(|n| Place(EntityFields(n)))
        }
    }
}
