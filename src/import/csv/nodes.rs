//! `nodes.csv`: the entities, one a row, their kind a vocabulary name or a type the mapping
//! names.

use super::header::Columns;
use super::row::{Place, Row};
use super::table::{each_row, Table};
use crate::import::first::Record;
use crate::import::{Mapping, Session};
use crate::model::{Date, Entity, EntityKind, Id};
use crate::store::StoreError;
use std::path::Path;

const NODES: Columns = Columns {
    table: "nodes",
    required: &["id", "kind", "name"],
    optional: &["aliases", "description", "roles", "start", "end", "place"],
};

/// Reads `nodes.csv`.
pub(in crate::import) fn nodes(cx: &mut Session, path: &Path) {
    cx.tables.reading(Record::Entity, path);
    let mapping = cx.mapping;
    each_row(cx, path, &Nodes { mapping });
}

/// The rows of `nodes.csv`.
struct Nodes<'a> {
    mapping: &'a Mapping,
}

impl Table for Nodes<'_> {
    type Row = Entity;

    fn columns(&self) -> &Columns {
        &NODES
    }

    fn reserve(&self, cx: &mut Session, rows: usize) {
        cx.builder.reserve(rows, 0);
    }

    fn parse(&self, row: &Row) -> Option<Entity> {
        node(self.mapping, row)
    }

    /// Looks the id up (without using the answer): the lookups of the next few rows wait for
    /// memory at once, and adding each finds where its id goes in the cache.
    fn ahead(&self, cx: &Session, entity: &Entity) {
        std::hint::black_box(cx.builder.node(entity.id.as_str()));
    }

    fn add(&self, cx: &mut Session, at: &Place, entity: Entity) {
        add_node(cx, at, entity);
    }
}

/// An entity from a `nodes.csv` row (on the pool).
fn node(mapping: &Mapping, row: &Row) -> Option<Entity> {
    let id = row.id("id");
    let kind = row
        .required("kind")
        .and_then(|k| entity_kind(mapping, row, k));
    let name = row.required("name");
    let start = row.parse("start", Date::parse);
    let end = row.parse("end", Date::parse);
    let place = row.parse("place", Id::parse);
    let (Some(id), Some(kind), Some(name), Ok(start), Ok(end), Ok(place)) =
        (id, kind, name, start, end, place)
    else {
        return None;
    };
    if kind != EntityKind::Event {
        for field in ["start", "end", "place"] {
            if row.get(field).is_some() {
                row.fail(
                    field,
                    format!(
                        "only an EVENT has {field}, this entity is {}",
                        kind.with_article()
                    ),
                );
                return None;
            }
        }
    }
    let roles = list(row.get("roles"));
    if kind != EntityKind::Person && !roles.is_empty() {
        row.fail(
            "roles",
            format!(
                "only a PERSON has roles, this entity is {}",
                kind.with_article()
            ),
        );
        return None;
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            row.fail("end", format!("the end ({e}) is before the start ({s})"));
            return None;
        }
    }
    let mut entity = Entity::new(id, kind, name);
    entity.aliases = list(row.get("aliases"));
    entity.description = row.get("description").map(String::from);
    entity.roles = roles;
    entity.start = start;
    entity.end = end;
    entity.place = place;
    Some(entity)
}

/// Adds an entity of a `nodes.csv` row (in file order).
fn add_node(cx: &mut Session, at: &Place, entity: Entity) {
    let id = entity.id.clone();
    let has_place = entity.place.is_some();
    match cx.add_entity(entity) {
        Ok(()) if has_place => {
            let site = at.site("place");
            cx.place_at(id, site, "place");
        }
        Ok(()) => {}
        Err(e) => {
            let field = if e.field() == Some("name") {
                "name"
            } else {
                "id"
            };
            let mut message = e.to_string();
            if matches!(e, StoreError::Duplicate { .. }) {
                message += &cx.first_definition(Record::Entity, id.as_str());
            }
            at.fail(cx, field, message);
        }
    }
}

fn entity_kind(mapping: &Mapping, row: &Row, text: &str) -> Option<EntityKind> {
    match text.to_ascii_uppercase().parse::<EntityKind>() {
        Ok(k) => Some(k),
        Err(e) => match mapping.entity_type(text).or(mapping.default_entity_kind()) {
            Some(k) => Some(k),
            None => {
                row.fail(
                    "kind",
                    format!("{e}, or a type the mapping's [entity_types] names"),
                );
                None
            }
        },
    }
}

fn list(cell: Option<&str>) -> Vec<String> {
    cell.map(|c| {
        c.split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    })
    .unwrap_or_default()
}
