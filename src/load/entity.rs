//! An `[[entity]]` table: its fields checked against its kind (only an event has dates and a
//! place, only a person roles), then added; where its `place` is written is kept for the
//! check made once every entity is known.

use super::{file, Loader, OwnedSite, Site};
use crate::model::{Date, Entity, EntityKind, Id};
use toml::Spanned;

impl Loader<'_> {
    pub(super) fn entity(&mut self, at: &Site, raw: &Spanned<file::RawEntity>) {
        let e = raw.get_ref();
        let id = self.parse(at, "entity.id", &e.id, Id::parse);
        let kind = self.parse(at, "entity.kind", &e.kind, str::parse::<EntityKind>);
        let name = self.non_empty(at, "entity.name", &e.name);
        let start = self.parse_opt(at, "entity.start", &e.start, Date::parse);
        let end = self.parse_opt(at, "entity.end", &e.end, Date::parse);
        let place = self.parse_opt(at, "entity.place", &e.place, Id::parse);
        let attributes = self.attributes(at, "entity.attributes", &e.attributes);
        let (Some(id), Some(kind), Some(name), Ok(start), Ok(end), Ok(place), Some(attributes)) =
            (id, kind, name, start, end, place, attributes)
        else {
            return;
        };
        if kind != EntityKind::Event {
            for (field, present) in [
                ("entity.start", e.start.as_ref().map(|s| s.span())),
                ("entity.end", e.end.as_ref().map(|s| s.span())),
                ("entity.place", e.place.as_ref().map(|s| s.span())),
            ] {
                if let Some(span) = present {
                    self.errors.push(at.at(
                        span,
                        field,
                        format!(
                            "only an EVENT has {}, this entity is {}",
                            &field[7..],
                            kind.with_article()
                        ),
                    ));
                    return;
                }
            }
        }
        let roles = e
            .roles
            .as_ref()
            .map(|r| r.get_ref().clone())
            .unwrap_or_default();
        if let (true, Some(r)) = (kind != EntityKind::Person && !roles.is_empty(), &e.roles) {
            self.errors.push(at.at(
                r.span(),
                "entity.roles",
                format!(
                    "only a PERSON has roles, this entity is {}",
                    kind.with_article()
                ),
            ));
            return;
        }
        if let (Some(s), Some(en)) = (start, end) {
            if en < s {
                let span = e.end.as_ref().expect("end is set").span();
                self.errors.push(at.at(
                    span,
                    "entity.end",
                    format!("the end ({en}) is before the start ({s})"),
                ));
                return;
            }
        }
        let mut entity = Entity::new(id.clone(), kind, name);
        entity.aliases = e
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        entity.description = e.description.clone().filter(|d| !d.trim().is_empty());
        entity.roles = roles;
        entity.start = start;
        entity.end = end;
        entity.place = place;
        entity.attributes = attributes;
        if let Err(err) = self.builder.add_entity(entity) {
            let span = match err.field() {
                Some("name") => e.name.span(),
                _ => e.id.span(),
            };
            let field = format!("entity.{}", err.field().unwrap_or("id"));
            self.errors.push(at.at(span, &field, err.to_string()));
            return;
        }
        if let Some(p) = &e.place {
            let (line, column) = at.lines.locate(p.span().start);
            self.entity_sites.insert(
                id,
                OwnedSite {
                    file: at.path.to_path_buf(),
                    line,
                    column,
                },
            );
        }
    }
}
