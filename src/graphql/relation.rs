//! Relations, their citations and source documents, and structured attributes.

use super::context::graph;
use super::entity::Entity;
use super::scalars::{ClaimStatus, Date, RelationKind};
use crate::model;
use crate::store::{self, Edge};
use async_graphql::{Context, Object, SimpleObject, ID};

/// A typed, dated, sourced link: `from` did `kind` to `to` ("the ECHR ruled on Gubad
/// Ibadoglu"), with at least one citation of the sentence that states it.
#[derive(Debug, Clone, Copy)]
pub struct Relation(pub(crate) Edge);

impl Relation {
    fn get<'a>(&self, ctx: &Context<'a>) -> store::RelationRef<'a> {
        graph(ctx).relation(self.0)
    }
}

/// A typed, dated, sourced link: `from` did `kind` to `to` ("the ECHR ruled on Gubad
/// Ibadoglu"), with at least one citation of the sentence that states it.
#[Object]
impl Relation {
    /// Stable id (by default `<from>.<kind>.<to>`).
    async fn id(&self, ctx: &Context<'_>) -> ID {
        ID(self.get(ctx).id().to_string())
    }
    /// What kind of relation.
    async fn kind(&self, ctx: &Context<'_>) -> RelationKind {
        self.get(ctx).kind().into()
    }
    /// The active label, read from `from` to `to` ("arrested"); a `RELATED` relation's own
    /// label ("award received").
    async fn label(&self, ctx: &Context<'_>) -> String {
        self.get(ctx).label().to_string()
    }
    /// The inverse label, read from `to` to `from` ("arrested by").
    async fn inverse_label(&self, ctx: &Context<'_>) -> &'static str {
        self.get(ctx).kind().spec().inverse
    }
    /// Whether the relation reads the same both ways (a call, a meeting, a family tie).
    async fn symmetric(&self, ctx: &Context<'_>) -> bool {
        self.get(ctx).kind().is_symmetric()
    }
    /// Who did it.
    async fn from(&self, ctx: &Context<'_>) -> Entity {
        let g = graph(ctx);
        Entity::of(g, g.endpoints(self.0).0)
    }
    /// To whom or what.
    async fn to(&self, ctx: &Context<'_>) -> Entity {
        let g = graph(ctx);
        Entity::of(g, g.endpoints(self.0).1)
    }
    /// When it happened or began.
    async fn date(&self, ctx: &Context<'_>) -> Option<Date> {
        self.get(ctx).date().map(Date)
    }
    /// When a period ended ("in the past 24 hours": from the 21st until the 22nd).
    async fn until(&self, ctx: &Context<'_>) -> Option<Date> {
        self.get(ctx).until().map(Date)
    }
    /// The role played, in free text ("brother", "defence counsel").
    async fn role(&self, ctx: &Context<'_>) -> Option<String> {
        self.get(ctx).role().map(str::to_string)
    }
    /// How the source presents it: reported, alleged, disputed or confirmed.
    async fn claim(&self, ctx: &Context<'_>) -> Option<ClaimStatus> {
        self.get(ctx).claim().map(Into::into)
    }
    /// Context, in a sentence or two.
    async fn description(&self, ctx: &Context<'_>) -> Option<String> {
        self.get(ctx).description().map(str::to_string)
    }
    /// Where it is stated: never empty.
    async fn citations(&self, ctx: &Context<'_>) -> Vec<Citation> {
        let r = self.get(ctx);
        (0..r.citations().len())
            .map(|i| Citation(self.0, i))
            .collect()
    }
    /// Structured figures (a sentence length, a number of days).
    async fn attributes(&self, ctx: &Context<'_>) -> Vec<Attribute> {
        Attribute::list(self.get(ctx).attributes())
    }
}

/// A verbatim quote from a source document.
#[derive(Debug, Clone, Copy)]
pub struct Citation(Edge, usize);

/// A verbatim quote from a source document.
#[Object]
impl Citation {
    /// The document quoted.
    async fn document(&self, ctx: &Context<'_>) -> Document {
        let g = graph(ctx);
        let c = g.relation(self.0).citation(self.1);
        Document(c.expect("a citation of this relation").document().clone())
    }
    /// The exact words of the source.
    async fn quote(&self, ctx: &Context<'_>) -> String {
        let c = graph(ctx).relation(self.0).citation(self.1);
        c.expect("a citation of this relation").quote().into_owned()
    }
}

/// A source document: a bulletin, a report, an article.
#[derive(Debug, Clone)]
pub struct Document(pub(crate) model::Document);

/// A source document: a bulletin, a report, an article.
#[Object]
impl Document {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Who published it.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }
    /// When it was published; relative dates in it ("on Tuesday") are resolved against this.
    async fn published(&self) -> Option<Date> {
        self.0.published.map(Date)
    }
    /// Where it can be read.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
}

/// A named structured value.
#[derive(SimpleObject, Debug, Clone)]
pub struct Attribute {
    /// The name (`dead_min`, `sentence_months`).
    pub name: String,
    /// The value as text.
    pub value: String,
    /// The value as a number, when it is one.
    pub number: Option<f64>,
}

impl Attribute {
    pub(crate) fn list(attrs: &model::Attributes) -> Vec<Attribute> {
        attrs
            .iter()
            .map(|(name, v)| Attribute {
                name: name.clone(),
                value: v.to_string(),
                number: match v {
                    model::AttributeValue::Integer(i) => Some(*i as f64),
                    model::AttributeValue::Float(x) => Some(*x),
                    _ => None,
                },
            })
            .collect()
    }
}
