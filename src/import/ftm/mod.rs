//! FollowTheMoney JSON lines: the format of Aleph, OpenSanctions and dossier's own FtM export
//! (whose mapping, in the other direction, is in [`crate::export`]).
//!
//! | FtM schema | dossier |
//! |---|---|
//! | `Person` | `PERSON` (`position` → roles) |
//! | `Organization`, `Company`, `LegalEntity` | `ORGANISATION` |
//! | `PublicBody` | `COURT` if it is the court of a `CourtCase` or its name says court or tribunal, else `GOVERNMENT` |
//! | `Event` | `EVENT` (`startDate`, `endDate`, `date`, `addressEntity` → place; `involved` → `PARTICIPATED_IN`, `organizer` → `ORGANISED`, unless a link says so already) |
//! | `Address` | `PLACE` |
//! | `Document` and its kin (`Pages`, `PlainText`, `HyperText`, `Email`, …) | a source document |
//! | `Documentation` | a citation of its `document`, quoting its `summary` or `description`, for the relation whose `recordId` (or FtM id) it names |
//! | `Representation` | `DEFENDED` (a role of defence, counsel, lawyer or advocate), `SPOKESPERSON_FOR` (a spokesperson), else `REPRESENTS` |
//! | `Call`, `Membership`, `Employment`, `Family`, `Associate` | `CALLED`, `MEMBER_OF`, `WORKS_FOR` (`SPOKESPERSON_FOR` for a spokesperson), `RELATIVE_OF`, `ASSOCIATE_OF` |
//! | `Directorship` | `WORKS_FOR`, role "director" |
//! | `Ownership` | `RELATED` "owner of" |
//! | `UnknownLink` | the vocabulary kind whose label is its first `role` ("arrested"), else `RELATED` with that role as label |
//! | `CourtCase` + `CourtCaseParty` | `RULED_ON` from the party in the role "court" to each other party; a case with no court party becomes an `EVENT` its parties took part in |
//! | anything else (`Vessel`, `Sanction`, …) | left out and counted, with the links that touch it |
//!
//! The mapping's `[entity_types]` may name a schema (`PublicBody = "COURT"`, `Vessel =
//! "ORGANISATION"`), and its `[relations]` a link's label or schema. A kind that does not fit
//! the ends falls back to `RELATED` with the schema's label ("member of").
//!
//! Ids: an FtM id dossier's export wrote (`dossier-<id>`, `dossier-doc-<id>`,
//! `dossier-rel-<id>`) gives back the original id; any other is slugified (hash-suffixed if it
//! must be shortened) and kept in the attribute `ftm_id`. A relation with no `Documentation`
//! cites the document standing for the file, quoting its JSON line.
//!
//! The file is read twice: first its things (entities, documents, citations, court cases),
//! then its links, so a link may come before the entities it joins. Fragments (the same id on
//! several lines) are refused: merge them first (`ftm aggregate`).

mod links;
mod proxy;

use super::parallel;
use super::{slug, Session, Site};
use crate::load::LoadError;
use crate::model::{AttributeValue, Document, Entity, EntityKind, Id, RelationKind};
use proxy::Proxy;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What a schema becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// An entity; `None` for a `PublicBody`, whose kind is decided once every court is known.
    Thing(Option<EntityKind>),
    Document,
    Documentation,
    CourtCase,
    CourtCaseParty,
    Link(links::LinkSchema),
    /// Not held by dossier.
    Other,
}

fn classify(schema: &str, mapping: &super::Mapping) -> Class {
    if let Some(kind) = mapping.entity_type(schema) {
        return Class::Thing(Some(kind));
    }
    match schema {
        "Person" => Class::Thing(Some(EntityKind::Person)),
        "Organization" | "Company" | "LegalEntity" => Class::Thing(Some(EntityKind::Organisation)),
        "PublicBody" => Class::Thing(None),
        "Event" => Class::Thing(Some(EntityKind::Event)),
        "Address" => Class::Thing(Some(EntityKind::Place)),
        "Document" | "Pages" | "Folder" | "Package" | "PlainText" | "HyperText" | "Email"
        | "Message" | "Article" | "Image" | "Video" | "Audio" | "Table" | "Workbook" => {
            Class::Document
        }
        "Documentation" => Class::Documentation,
        "CourtCase" => Class::CourtCase,
        "CourtCaseParty" => Class::CourtCaseParty,
        other => links::LinkSchema::of(other).map_or(Class::Other, Class::Link),
    }
}

/// An entity read, waiting for every file's things before it is added.
struct Pending {
    entity: Entity,
    /// For a `PublicBody`: its kind is not known yet.
    public_body: bool,
    ftm_id: Box<str>,
    site: Site,
    /// An event's `addressEntity`, and where it is written.
    place: Option<(String, Site)>,
}

/// A citation read from a `Documentation`.
struct Cite {
    document: Box<str>,
    quote: String,
    site: Site,
}

/// A `CourtCase`.
struct Case {
    ftm_id: Box<str>,
    name: String,
    description: Option<String>,
    status: Option<String>,
    record_ids: Vec<String>,
    site: Site,
    /// The id of the `EVENT` it becomes when no party is its court.
    event: Option<Id>,
}

/// A `CourtCaseParty`.
struct Party {
    case: String,
    party: String,
    role: Option<String>,
    date: Option<String>,
    start: Option<String>,
    end: Option<String>,
    site: Site,
    line: String,
}

/// An event's `involved` and `organizer`.
struct EventLinks {
    event: Id,
    involved: Vec<String>,
    organizer: Vec<String>,
    site: Site,
    line: String,
}

/// What the FtM files of one import have read so far.
#[derive(Default)]
pub(super) struct Ftm {
    /// FtM id → entity id, for every entity read.
    things: HashMap<Box<str>, Id>,
    /// Entity ids given out, before the entities are added.
    taken: HashSet<Id>,
    /// FtM id → document id.
    documents: HashMap<Box<str>, Id>,
    /// Ids of entities of schemata dossier does not hold.
    skipped: HashSet<Box<str>>,
    /// Ids seen, to refuse fragments.
    seen: HashSet<Box<str>>,
    pending: Vec<Pending>,
    cites: Vec<Cite>,
    /// `recordId` or documented entity id → indices into `cites`.
    cited: HashMap<Box<str>, Vec<u32>>,
    cases: Vec<Case>,
    parties: Vec<Party>,
    events: Vec<EventLinks>,
    /// (from, to, kind) of `PARTICIPATED_IN` and `ORGANISED` links, so an event's `involved`
    /// and `organizer` do not repeat them.
    joined: HashSet<(Id, Id, RelationKind)>,
}

impl Ftm {
    /// First pass over a file: entities, documents, citations, court cases and parties.
    pub(super) fn things(&mut self, cx: &mut Session, path: &Path) {
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
    pub(super) fn add_things(&mut self, cx: &mut Session) {
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

fn is_court_role(role: &str) -> bool {
    role.trim().eq_ignore_ascii_case("court")
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

/// Parses one line (on the pool); an error at its column when it is not an FtM entity.
fn parse(path: &Path, n: usize, line: &str) -> Result<Proxy, LoadError> {
    serde_json::from_str::<Proxy>(line).map_err(|e| {
        // serde's message ends with its own " at line 1 column N": the site says it.
        let text = e.to_string();
        let message = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(m, _)| m);
        Site::new(path, n, e.column().max(1)).error(
            "json",
            format!(
                "{message} (each line is one FtM entity: {{\"id\": …, \"schema\": …, \"properties\": {{name: [values]}}}})"
            ),
        )
    })
}

/// Reads a file line by line, blank lines skipped, each line parsed by `parse` on the pool
/// and handed to `each` in file order (see [`parallel::each_line`]).
fn each_line<T: Send>(
    cx: &mut Session,
    path: &Path,
    pass: &str,
    parse: impl Fn(usize, &str) -> T + Sync,
    mut each: impl FnMut(&mut Session, usize, &str, T),
) {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    parallel::each_line(
        cx,
        path,
        &format!("{name} ({pass})"),
        |n, line| (!line.trim().is_empty()).then(|| parse(n, line)),
        |cx, n, line, parsed| {
            if let Some(parsed) = parsed {
                each(cx, n, line, parsed);
            }
        },
    );
}
