//! Entities in a page, answered in one step when only their plain fields are asked.
//!
//! async-graphql answers each field of each object with a boxed future, a task in a fresh
//! `FuturesUnordered` and a map insertion, and a field selected on the `Entity` interface first
//! goes through the interface's name-by-name dispatch: for `entities(first: 100) { nodes { id
//! name kind } }` that machinery and its allocations were most of the page's time. A
//! [`Listed`] entity whose selection is only plain fields (`id`, `name`, `kind`, `aliases`,
//! `description`, `degree`, `neighbourCount`, `__typename`, without directives) is answered
//! here, reading the record once; any other selection (a fragment, a field with arguments, a
//! directive) takes async-graphql's own way. The schema does not see the difference: a
//! `Listed` is an `Entity` to it.

use super::context::Snapshot;
use super::entity::Entity;
use super::scalars::EntityKind;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::{ContextSelectionSet, InputType, OutputType, Positioned, ServerResult, Value};
use std::borrow::Cow;

/// An entity in a list, of the GraphQL type `Entity`.
pub(crate) struct Listed(pub(crate) Entity);

impl OutputType for Listed {
    fn type_name() -> Cow<'static, str> {
        Entity::type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Entity::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match plain(&self.0, ctx) {
            Some(value) => Ok(value),
            None => self.0.resolve(ctx, field).await,
        }
    }
}

/// The answer to `ctx`'s selection on `entity` when it is only plain fields; `None` otherwise.
fn plain(entity: &Entity, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
    let items = &ctx.item.node.items;
    let g = ctx.data_unchecked::<Snapshot>().current();
    let node = entity.node();
    let record = g.entity(node);
    let mut object = IndexMap::with_capacity(items.len());
    for sel in items {
        let Selection::Field(f) = &sel.node else {
            return None;
        };
        let f = &f.node;
        if !f.directives.is_empty() || !f.arguments.is_empty() {
            return None;
        }
        let value = match f.name.node.as_str() {
            "id" => Value::String(record.id().to_owned()),
            "name" => Value::String(record.name().to_owned()),
            "kind" => EntityKind::from(record.kind()).to_value(),
            "description" => record
                .description()
                .map_or(Value::Null, |d| Value::String(d.to_owned())),
            "aliases" => Value::List(
                (record.aliases().iter())
                    .map(|a| Value::String(a.clone()))
                    .collect(),
            ),
            "degree" => Value::from(g.degree(node) as u64),
            "neighbourCount" => Value::from(g.neighbour_count(node) as u64),
            "__typename" => Value::String(entity.introspection_type_name().into_owned()),
            _ => return None,
        };
        // A key asked twice keeps its first place, as async-graphql's own answer does.
        object.entry(f.response_key().node.clone()).or_insert(value);
    }
    Some(Value::Object(object))
}

#[cfg(test)]
mod tests {
    use crate::graphql::build_schema;
    use crate::model::{Entity, EntityKind, Id};
    use crate::store::{GraphBuilder, Store};

    #[tokio::test]
    async fn plain_fields_answer_as_async_graphql_does() {
        let mut b = GraphBuilder::new();
        for (id, kind) in [("ann", EntityKind::Person), ("court", EntityKind::Court)] {
            let mut e = Entity::new(Id::parse(id).unwrap(), kind, id.to_uppercase());
            e.aliases = vec![format!("{id} alias")];
            b.add_entity(e).unwrap();
        }
        let schema = build_schema(Store::new(b.build().unwrap()));
        let fields = "__typename id n: name kind aliases description degree neighbourCount id";
        let ask = |q: String| {
            let schema = schema.clone();
            async move { serde_json::to_string(&schema.execute(q).await).unwrap() }
        };
        let quick = ask(format!("{{ entities {{ nodes {{ {fields} }} }} }}")).await;
        // An inline fragment takes async-graphql's own way.
        let own = ask(format!(
            "{{ entities {{ nodes {{ ... on Entity {{ {fields} }} }} }} }}"
        ))
        .await;
        assert_eq!(quick, own);
        assert!(
            quick.contains(r#""__typename":"Court","id":"court","n":"COURT","kind":"COURT""#),
            "{quick}"
        );
    }
}
