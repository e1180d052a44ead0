//! The first pass over an FtM file: entities, documents, `Documentation` and court cases;
//! then, once every file is read, the entities added (a `PublicBody` a court or a government).

use super::cases::is_court_role;
use super::proxy::{self, Proxy};
use super::schema::{classify, Class};
use super::{each_line, parse, Case, Cite, EventLinks, Ftm, Party, Pending};
use crate::import::{slug, Session, Site};
use crate::model::{AttributeValue, Document, Entity, EntityKind, Id};
use std::collections::HashSet;
use std::path::Path;

impl Ftm {
    /// First pass over a file: entities, documents, citations, court cases and parties.
    pub(in crate::import) fn things(&mut self, cx: &mut Session, path: &Path) {
        let parse_line = |n, line: &str| parse(path, n, line);
        each_line(cx, path, "things", parse_line, |cx, n, line, parsed| {
            let p = match parsed {
                Ok(p) => p,
                Err(e) => return cx.push(e),
            };
            let site = Site::new(path, n, 1);
            if !self.seen.insert(p.id.as_str().into()) {
                return cx.push(site.error(
                    "id",
                    format!("the FtM id `{}` appears on an earlier line too: fragments are not merged (run `ftm aggregate` first)", p.id),
                ));
            }
            match classify(&p.schema, cx.mapping) {
                Class::Thing(kind) => self.thing(cx, &p, kind, site, line),
                Class::Document => self.document(cx, &p, site, line),
                Class::Documentation => self.documentation(cx, &p, site, line),
                Class::CourtCase => self.cases.push(Case {
                    ftm_id: p.id.as_str().into(),
                    name: p.first("name").unwrap_or(&p.id).to_string(),
                    description: p.first("description").map(String::from),
                    status: p.first("status").map(String::from),
                    record_ids: p.values("recordId").map(String::from).collect(),
                    site,
                    event: None,
                }),
                Class::CourtCaseParty => {
                    let (Some(case), Some(party)) = (p.first("case"), p.first("party")) else {
                        let prop = if p.first("case").is_none() {
                            "case"
                        } else {
                            "party"
                        };
                        return cx.push(
                            Site::new(path, n, proxy::column_of(line, prop))
                                .error(prop, format!("a CourtCaseParty needs its `{prop}`")),
                        );
                    };
                    self.parties.push(Party {
                        case: case.into(),
                        party: party.into(),
                        role: p.first("role").map(String::from),
                        date: p.first("date").map(String::from),
                        start: p.first("startDate").map(String::from),
                        end: p.first("endDate").map(String::from),
                        site,
                        line: line.to_string(),
                    });
                }
                Class::Link(_) => {}
                Class::Other => {
                    self.skipped.insert(p.id.as_str().into());
                    cx.summary.skipped += 1;
                }
            }
        });
    }

    fn thing(
        &mut self,
        cx: &mut Session,
        p: &Proxy,
        kind: Option<EntityKind>,
        site: Site,
        line: &str,
    ) {
        let id = self.entity_id(cx, &p.id);
        let mut names = p.values("name").chain(p.values("full"));
        let name = names.next().unwrap_or(&p.id).to_string();
        let mut entity = Entity::new(id.clone(), kind.unwrap_or(EntityKind::Government), name);
        for alias in names
            .chain(p.values("alias"))
            .chain(p.values("weakAlias"))
            .chain(p.values("previousName"))
        {
            if alias != entity.name && !entity.aliases.iter().any(|a| a == alias) {
                entity.aliases.push(alias.to_string());
            }
        }
        entity.description = p.first("description").map(String::from);
        proxy::notes(p.values("notes"), &mut entity.attributes);
        if kind == Some(EntityKind::Person) {
            entity.roles = p.values("position").map(String::from).collect();
        }
        let mut place = None;
        if kind == Some(EntityKind::Event) {
            let at = |prop: &str| Site::new(&site.file, site.line, proxy::column_of(line, prop));
            for (prop, slot) in [
                ("startDate", &mut entity.start),
                ("endDate", &mut entity.end),
            ] {
                if let Some(v) = p.first(prop) {
                    match proxy::date(v) {
                        Ok(d) => *slot = Some(d),
                        Err(e) => return cx.push(at(prop).error(prop, e)),
                    }
                }
            }
            if entity.start.is_none() {
                if let Some(v) = p.first("date") {
                    match proxy::date(v) {
                        Ok(d) => entity.start = Some(d),
                        Err(e) => return cx.push(at("date").error("date", e)),
                    }
                }
            }
            if let (Some(s), Some(e)) = (entity.start, entity.end) {
                if e < s {
                    return cx.push(at("endDate").error(
                        "endDate",
                        format!("the end ({e}) is before the start ({s})"),
                    ));
                }
            }
            place = p
                .first("addressEntity")
                .map(|a| (a.to_string(), at("addressEntity")));
            let involved: Vec<String> = p.values("involved").map(String::from).collect();
            let organizer: Vec<String> = p.values("organizer").map(String::from).collect();
            if !involved.is_empty() || !organizer.is_empty() {
                self.events.push(EventLinks {
                    event: id.clone(),
                    involved,
                    organizer,
                    site: site.clone(),
                    line: line.to_string(),
                });
            }
        }
        entity
            .attributes
            .insert("ftm_id".into(), AttributeValue::Text(p.id.clone()));
        self.things.insert(p.id.as_str().into(), id);
        self.pending.push(Pending {
            entity,
            public_body: kind.is_none(),
            ftm_id: p.id.as_str().into(),
            site,
            place,
        });
    }

    /// The id for an FtM entity: the original of a dossier export's `dossier-<id>`, else the
    /// FtM id slugified, made distinct from ids already given.
    fn entity_id(&mut self, cx: &Session, ftm_id: &str) -> Id {
        if let Some(id) = ftm_id
            .strip_prefix("dossier-")
            .and_then(|rest| Id::parse(rest).ok())
        {
            if !self.taken.contains(&id) {
                self.taken.insert(id.clone());
                return id;
            }
        }
        let taken = &self.taken;
        let id = slug::distinct_id(ftm_id, |s| taken.contains(s) || cx.builder.has_entity(s));
        self.taken.insert(id.clone());
        id
    }

    fn document(&mut self, cx: &mut Session, p: &Proxy, site: Site, line: &str) {
        let id =
            p.id.strip_prefix("dossier-doc-")
                .and_then(|rest| Id::parse(rest).ok())
                .unwrap_or_else(|| slug::token_id(&p.id));
        let published = match p.first_of(&["publishedAt", "date", "authoredAt"]) {
            None => None,
            Some(v) => match proxy::date(v) {
                Ok(d) => Some(d),
                Err(e) => {
                    let prop = ["publishedAt", "date", "authoredAt"]
                        .into_iter()
                        .find(|q| p.first(q) == Some(v))
                        .unwrap_or("date");
                    let at = Site::new(&site.file, site.line, proxy::column_of(line, prop));
                    return cx.push(at.error(prop, e));
                }
            },
        };
        let doc = Document {
            id: id.clone(),
            title: p
                .first_of(&["title", "fileName", "name", "subject"])
                .unwrap_or(&p.id)
                .to_string(),
            publisher: p.first("publisher").map(String::from),
            published,
            url: p.first("sourceUrl").map(String::from),
        };
        match cx.add_document(doc) {
            Ok(()) => {
                self.documents.insert(p.id.as_str().into(), id);
            }
            Err(e) => cx.push(site.error("id", e.to_string())),
        }
    }

    fn documentation(&mut self, cx: &mut Session, p: &Proxy, site: Site, line: &str) {
        let Some(document) = p.first("document") else {
            return cx.push(site.error("document", "a Documentation needs its `document`"));
        };
        let quote = p
            .first_of(&["summary", "description"])
            .map_or_else(|| line.to_string(), String::from);
        let index = self.cites.len() as u32;
        self.cites.push(Cite {
            document: document.into(),
            quote,
            site,
        });
        for key in p.values("recordId").chain(p.values("entity")) {
            self.cited.entry(key.into()).or_default().push(index);
        }
    }

    /// Adds the entities read by every file's first pass, now that every court is known.
    pub(in crate::import) fn add_things(&mut self, cx: &mut Session) {
        self.check_citations(cx);
        let courts: HashSet<&str> = self
            .parties
            .iter()
            .filter(|p| p.role.as_deref().is_some_and(is_court_role))
            .map(|p| p.party.as_str())
            .collect();
        for p in std::mem::take(&mut self.pending) {
            let Pending {
                mut entity,
                public_body,
                ftm_id,
                site,
                place,
            } = p;
            if public_body {
                entity.kind = if courts.contains(&*ftm_id) || is_court_name(&entity) {
                    EntityKind::Court
                } else {
                    EntityKind::Government
                };
            }
            if let Some((reference, at)) = &place {
                match self.things.get(reference.as_str()) {
                    Some(id) => entity.place = Some(id.clone()),
                    None => {
                        cx.push(at.error(
                            "addressEntity",
                            format!("unknown entity `{reference}`: no entity of the imported files has this id"),
                        ));
                        continue;
                    }
                }
            }
            let id = entity.id.clone();
            match cx.add_entity(entity) {
                Ok(()) => {
                    if let Some((_, at)) = place {
                        cx.place_at(id, at, "addressEntity");
                    }
                }
                Err(e) => cx.push(site.error("id", e.to_string())),
            }
            if cx.full() {
                return;
            }
        }
        // A case none of whose parties is its court becomes an event.
        let with_court: HashSet<String> = self
            .parties
            .iter()
            .filter(|p| p.role.as_deref().is_some_and(is_court_role))
            .map(|p| p.case.clone())
            .collect();
        for i in 0..self.cases.len() {
            if with_court.contains(&*self.cases[i].ftm_id) {
                continue;
            }
            let ftm_id = self.cases[i].ftm_id.clone();
            let id = self.entity_id(cx, &ftm_id);
            let case = &mut self.cases[i];
            let mut event = Entity::new(id.clone(), EntityKind::Event, case.name.clone());
            event.description = case.description.clone();
            event
                .attributes
                .insert("ftm_id".into(), AttributeValue::Text(ftm_id.to_string()));
            match cx.add_entity(event) {
                Ok(()) => {
                    case.event = Some(id.clone());
                    self.things.insert(ftm_id, id);
                }
                Err(e) => cx.push(case.site.error("id", e.to_string())),
            }
        }
    }
}

/// Whether a public body's name or an alias says it is a court or tribunal.
fn is_court_name(entity: &Entity) -> bool {
    std::iter::once(&entity.name)
        .chain(&entity.aliases)
        .any(|name| {
            name.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| matches!(w, "court" | "courts" | "tribunal" | "tribunals"))
        })
}
