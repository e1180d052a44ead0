//! CSV tables: `documents.csv`, `nodes.csv` and `relations.csv`, each with a header row naming
//! its columns (in any order; the README lists them). Empty cells are absent values; lists
//! (`aliases`, `roles`) are separated by `|`.
//!
//! A relation's `kind` is a vocabulary name (`ARRESTED`: the ends must fit it), or anything
//! else: first looked up in the mapping, then read as a vocabulary name or label written
//! loosely (`member of`, `took part in`, `Accuse`, `Apologize`: see `loose`) — those fall back to `RELATED` when the ends do not
//! fit — and otherwise kept as `RELATED` with the kind as its label, in lower-case words
//! (`AWARD_RECEIVED` → "award received").

mod table;

use super::first::Record;
use super::session::{look_up, prepare_with, Prepared};
use super::{Draft, Mapping, RelationRule, Session};
use crate::model::{Citation, ClaimStatus, Date, Document, Entity, EntityKind, Id, RelationKind};
use crate::store::{Resolver, StoreError};
use hashbrown::HashMap;
use std::cell::RefCell;
use std::path::Path;
pub(in crate::import) use table::find_row;
use table::{each_row, Columns, Place, Row, Table};

const DOCUMENTS: Columns = Columns {
    table: "documents",
    required: &["id", "title"],
    optional: &["publisher", "published", "url"],
};

const NODES: Columns = Columns {
    table: "nodes",
    required: &["id", "kind", "name"],
    optional: &["aliases", "description", "roles", "start", "end", "place"],
};

const RELATIONS: Columns = Columns {
    table: "relations",
    required: &["from", "to", "kind", "quote", "source"],
    optional: &[
        "date",
        "label",
        "id",
        "until",
        "role",
        "claim",
        "description",
    ],
};

/// Reads `documents.csv`.
pub(super) fn documents(cx: &mut Session, path: &Path) {
    cx.tables.reading(Record::Document, path);
    each_row(cx, path, &Documents);
}

/// The rows of `documents.csv`.
struct Documents;

impl Table for Documents {
    type Row = Document;

    fn columns(&self) -> &Columns {
        &DOCUMENTS
    }

    fn parse(&self, row: &Row) -> Option<Document> {
        let id = row.id("id");
        let title = row.required("title");
        let published = row.parse("published", Date::parse);
        let (Some(id), Some(title), Ok(published)) = (id, title, published) else {
            return None;
        };
        Some(Document {
            id,
            title: title.to_string(),
            publisher: row.get("publisher").map(String::from),
            published,
            url: row.get("url").map(String::from),
        })
    }

    fn add(&self, cx: &mut Session, at: &Place, doc: Document) {
        let id = doc.id.to_string();
        if let Err(e) = cx.add_document(doc) {
            let mut message = e.to_string();
            if matches!(e, StoreError::Duplicate { .. }) {
                message += &cx.first_definition(Record::Document, &id);
            }
            at.fail(cx, "id", message);
        }
    }
}

/// Reads `nodes.csv`.
pub(super) fn nodes(cx: &mut Session, path: &Path) {
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

/// Reads `relations.csv`: each row parsed and checked against the entities and documents on
/// the pool (a copy of them: no row adds any), then added in file order.
pub(super) fn relations(cx: &mut Session, path: &Path) {
    let relations = Relations {
        mapping: cx.mapping,
        resolver: cx.builder.resolver(),
    };
    each_row(cx, path, &relations);
}

/// The rows of `relations.csv`.
struct Relations<'a> {
    mapping: &'a Mapping,
    /// The builder's entities and documents, to check the rows against on the pool.
    resolver: Resolver,
}

/// A row of `relations.csv`: parsed, then made ready to add once its chunk's rows are parsed.
enum RelationRow {
    Parsed(Draft),
    Ready(Prepared),
    /// Between the two.
    Taken,
}

impl Table for Relations<'_> {
    type Row = RelationRow;

    fn columns(&self) -> &Columns {
        &RELATIONS
    }

    fn reserve(&self, cx: &mut Session, rows: usize) {
        cx.builder.reserve(0, rows);
    }

    fn parse(&self, row: &Row) -> Option<RelationRow> {
        relation(self.mapping, row).map(RelationRow::Parsed)
    }

    /// Looks up the ends of a few relations in one go, then makes them ready: in a large
    /// graph a lookup is mostly waiting for memory, and lookups one after another wait at
    /// once; making the relations ready then finds what they read in the cache.
    fn finish(&self, mut rows: Vec<&mut RelationRow>) {
        for group in rows.chunks_mut(16) {
            let ends: Vec<_> = group
                .iter()
                .map(|row| match row {
                    RelationRow::Parsed(draft) => look_up(&self.resolver, draft),
                    _ => (None, None),
                })
                .collect();
            for (row, ends) in group.iter_mut().zip(ends) {
                if let RelationRow::Parsed(draft) = std::mem::replace(*row, RelationRow::Taken) {
                    **row = RelationRow::Ready(prepare_with(&self.resolver, draft, ends));
                }
            }
        }
    }

    /// Looks up whether its default id is taken (without using the answer): the lookups of
    /// the next few relations wait for memory at once, and adding each finds its answer in the
    /// cache.
    fn ahead(&self, cx: &Session, row: &RelationRow) {
        if let RelationRow::Ready(p) = row {
            p.look_ahead(cx.builder);
        }
    }

    fn add(&self, cx: &mut Session, at: &Place, row: RelationRow) {
        let RelationRow::Ready(prepared) = row else {
            unreachable!("every row is made ready on the pool");
        };
        if let Err(e) = cx.add_prepared(prepared) {
            let field = match &e {
                StoreError::Unknown {
                    field: "document", ..
                } => "source",
                StoreError::Unknown { field, .. } => field,
                StoreError::NoCitation | StoreError::EmptyQuote => "quote",
                other => other.field().unwrap_or("kind"),
            };
            at.fail(cx, field, e.to_string());
        }
    }
}

/// The relation of a `relations.csv` row (on the pool).
fn relation(mapping: &Mapping, row: &Row) -> Option<Draft> {
    let from = row.id("from");
    let to = row.id("to");
    let kind = row.required("kind").map(|k| relation_kind(mapping, k));
    let date = row.parse("date", Date::parse);
    let until = row.parse("until", Date::parse);
    let claim = row.parse("claim", |c| c.to_ascii_uppercase().parse::<ClaimStatus>());
    let explicit_id = row.parse("id", Id::parse);
    let quote = row.required("quote");
    let source = document_id(row);
    let (Some(from), Some(to), Some(kind), Ok(date), Ok(until), Ok(claim), Ok(explicit_id)) =
        (from, to, kind, date, until, claim, explicit_id)
    else {
        return None;
    };
    let (Some(quote), Some(source)) = (quote, source) else {
        return None;
    };
    let citation = Citation {
        document: source,
        quote: quote.to_string(),
    };
    let label = row.get("label");
    let mut draft = match kind {
        Kind::Explicit(RelationKind::Related) => {
            let Some(label) = label else {
                row.fail(
                    "label",
                    "a RELATED relation needs its own `label` (\"award received\")".into(),
                );
                return None;
            };
            let mut d = Draft::new(RelationKind::Related, from, to, vec![citation]);
            d.label = Some(label.to_string());
            d
        }
        Kind::Explicit(k) => {
            if label.is_some() {
                row.fail(
                    "label",
                    format!(
                        "only a RELATED relation has its own label; {k} is labelled \"{}\"",
                        k.label()
                    ),
                );
                return None;
            }
            Draft::new(k, from, to, vec![citation])
        }
        Kind::Loose(rule, words) => {
            if label.is_some() {
                row.fail(
                    "label",
                    format!("the kind `{}` is outside the vocabulary and is itself the label: leave `label` empty, or write kind RELATED", row.get("kind").unwrap_or_default()),
                );
                return None;
            }
            let (from, to) = if rule.reverse { (to, from) } else { (from, to) };
            let mut d = Draft::new(rule.kind, from, to, vec![citation]);
            d.reversed = rule.reverse;
            d.role = rule.role;
            if rule.kind == RelationKind::Related {
                d.label = Some(rule.label.unwrap_or(words));
            } else {
                d.fallback = Some(words);
            }
            d
        }
    };
    draft.id = explicit_id;
    draft.date = date;
    draft.until = until;
    draft.claim = claim;
    if let Some(role) = row.get("role") {
        draft.role = Some(role.to_string());
    }
    draft.description = row.get("description").map(String::from);
    Some(draft)
}

/// A row's `source`, as [`Row::id`] reads it. Most rows of a large table cite a few documents:
/// each thread keeps the ids it read, and hands out another handle to the same id rather than
/// a new one.
fn document_id(row: &Row) -> Option<Id> {
    thread_local! {
        static READ: RefCell<HashMap<Box<str>, Id>> = RefCell::default();
    }
    let text = row.get("source");
    if let Some(id) = text.and_then(|t| READ.with_borrow(|read| read.get(t).cloned())) {
        return Some(id);
    }
    let id = row.id("source")?;
    READ.with_borrow_mut(|read| {
        if read.len() >= 4096 {
            read.clear();
        }
        read.insert(id.as_str().into(), id.clone());
    });
    Some(id)
}

/// How a relation row's `kind` was read.
enum Kind {
    /// A vocabulary name, written exactly: the ends must fit.
    Explicit(RelationKind),
    /// Mapped, or a vocabulary name or label written loosely (the words fall back to
    /// `RELATED` when the ends do not fit), or outside the vocabulary (a `RELATED` rule: the
    /// words are the label). The words are the kind in lower case.
    Loose(RelationRule, String),
}

fn relation_kind(mapping: &Mapping, text: &str) -> Kind {
    if let Ok(k) = text.parse::<RelationKind>() {
        return Kind::Explicit(k);
    }
    let words = words(text);
    if let Some(rule) = mapping.relation(text, Some(&words)) {
        return Kind::Loose(rule.clone(), words);
    }
    let loose = super::loose::relation_kind(&words);
    let rule = |kind| RelationRule {
        kind,
        label: None,
        role: None,
        reverse: false,
    };
    Kind::Loose(rule(loose.unwrap_or(RelationKind::Related)), words)
}

/// A kind written as a label: lower case, underscores and runs of spaces to single spaces.
fn words(text: &str) -> String {
    text.replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_outside_the_vocabulary_become_lower_case_words() {
        let m = super::super::Mapping::default();
        assert!(matches!(
            relation_kind(&m, "ARRESTED"),
            Kind::Explicit(RelationKind::Arrested)
        ));
        assert!(matches!(
            relation_kind(&m, "member of"),
            Kind::Loose(
                RelationRule {
                    kind: RelationKind::MemberOf,
                    ..
                },
                _
            )
        ));
        assert!(matches!(
            relation_kind(&m, "took part in"),
            Kind::Loose(
                RelationRule {
                    kind: RelationKind::ParticipatedIn,
                    ..
                },
                _
            )
        ));
        match relation_kind(&m, "AWARD_RECEIVED") {
            Kind::Loose(rule, words) => {
                assert_eq!(rule.kind, RelationKind::Related);
                assert_eq!(words, "award received");
            }
            _ => panic!("expected RELATED"),
        }
    }
}
