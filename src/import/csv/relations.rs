//! `relations.csv`: the relations, one a row, parsed and checked on the pool against a copy of
//! the entities and documents, then added in file order; a `kind` outside the vocabulary read
//! as the module documentation of `csv` says.

use super::header::Columns;
use super::row::{Place, Row};
use super::table::{each_row, Table};
use crate::import::session::{look_up, prepare_with, Prepared};
use crate::import::{Draft, Mapping, RelationRule, Session};
use crate::model::{Citation, ClaimStatus, Date, Id, RelationKind};
use crate::store::{Resolver, StoreError};
use hashbrown::HashMap;
use std::cell::RefCell;
use std::path::Path;

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

/// Reads `relations.csv`: each row parsed and checked against the entities and documents on
/// the pool (a copy of them: no row adds any), then added in file order.
pub(in crate::import) fn relations(cx: &mut Session, path: &Path) {
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
    let loose = crate::import::loose::relation_kind(&words);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_outside_the_vocabulary_become_lower_case_words() {
        let m = Mapping::default();
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
