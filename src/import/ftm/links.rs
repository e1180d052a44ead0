//! The second pass over an FtM file: link schemata become relations; then court cases and
//! events' participants, once every file is read.

use super::proxy::{self, Proxy};
use super::{classify, each_line, is_court_role, Class, Ftm};
use crate::import::{Draft, Session, Site};
use crate::model::{AttributeValue, Citation, Id, RelationKind};
use crate::store::StoreError;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The FtM link schemata dossier reads as relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LinkSchema {
    Representation,
    Call,
    Membership,
    Employment,
    Family,
    Associate,
    Directorship,
    Ownership,
    UnknownLink,
}

impl LinkSchema {
    pub(super) fn of(schema: &str) -> Option<LinkSchema> {
        Some(match schema {
            "Representation" => LinkSchema::Representation,
            "Call" => LinkSchema::Call,
            "Membership" => LinkSchema::Membership,
            "Employment" => LinkSchema::Employment,
            "Family" => LinkSchema::Family,
            "Associate" => LinkSchema::Associate,
            "Directorship" => LinkSchema::Directorship,
            "Ownership" => LinkSchema::Ownership,
            "UnknownLink" => LinkSchema::UnknownLink,
            _ => return None,
        })
    }

    /// The properties naming the two ends, from → to.
    fn ends(self) -> (&'static str, &'static str) {
        match self {
            LinkSchema::Representation => ("agent", "client"),
            LinkSchema::Call => ("caller", "receiver"),
            LinkSchema::Membership => ("member", "organization"),
            LinkSchema::Employment => ("employee", "employer"),
            LinkSchema::Family => ("person", "relative"),
            LinkSchema::Associate => ("person", "associate"),
            LinkSchema::Directorship => ("director", "organization"),
            LinkSchema::Ownership => ("owner", "asset"),
            LinkSchema::UnknownLink => ("subject", "object"),
        }
    }

    /// The property that says the role (`role`, or `relationship` for people).
    fn role(self) -> Option<&'static str> {
        match self {
            LinkSchema::Call => None,
            LinkSchema::Family | LinkSchema::Associate => Some("relationship"),
            _ => Some("role"),
        }
    }

    /// The schema's own label, kept when its kind does not fit the ends.
    fn label(self) -> &'static str {
        match self {
            LinkSchema::Representation => "represents",
            LinkSchema::Call => "called",
            LinkSchema::Membership => "member of",
            LinkSchema::Employment => "works for",
            LinkSchema::Family => "relative of",
            LinkSchema::Associate => "associate of",
            LinkSchema::Directorship => "director of",
            LinkSchema::Ownership => "owner of",
            LinkSchema::UnknownLink => "linked to",
        }
    }

    /// The kind and label of a link with these roles, and how many roles that used up (an
    /// `UnknownLink`'s first role is its label).
    fn kind(self, roles: &[&str]) -> (RelationKind, String, usize) {
        let said = roles.join(" ").to_lowercase();
        let says = |words: &[&str]| words.iter().any(|w| said.contains(w));
        let kind = match self {
            LinkSchema::Representation if says(&["spokes"]) => RelationKind::SpokespersonFor,
            LinkSchema::Representation
                if says(&["defen", "counsel", "lawyer", "attorney", "advocat", "legal"]) =>
            {
                RelationKind::Defended
            }
            LinkSchema::Representation => RelationKind::Represents,
            LinkSchema::Call => RelationKind::Called,
            LinkSchema::Membership => RelationKind::MemberOf,
            LinkSchema::Employment if says(&["spokes"]) => RelationKind::SpokespersonFor,
            LinkSchema::Employment | LinkSchema::Directorship => RelationKind::WorksFor,
            LinkSchema::Family => RelationKind::RelativeOf,
            LinkSchema::Associate => RelationKind::AssociateOf,
            LinkSchema::Ownership => RelationKind::Related,
            LinkSchema::UnknownLink => {
                return match roles.first() {
                    Some(first) => {
                        let kind = crate::import::loose::relation_kind(first)
                            .unwrap_or(RelationKind::Related);
                        (kind, first.to_string(), 1)
                    }
                    None => (RelationKind::Related, self.label().into(), 0),
                };
            }
        };
        (kind, self.label().into(), 0)
    }
}

/// The role dossier's export writes for a kind when the relation has none; read back as none.
fn default_role(kind: RelationKind) -> Option<&'static str> {
    match kind {
        RelationKind::Defended => Some("defence counsel"),
        RelationKind::Represents => Some("representative"),
        RelationKind::SpokespersonFor => Some("spokesperson"),
        _ => None,
    }
}

/// The kind in the id of a link dossier's export wrote (`dossier-rel-<from>.<kind>.<to>`),
/// when its ends are these.
fn dossier_kind(ftm_id: &str, from: &Id, to: &Id) -> Option<RelationKind> {
    let mut parts = ftm_id.strip_prefix("dossier-rel-")?.split('.');
    let (f, k, t) = (parts.next()?, parts.next()?, parts.next()?);
    if f != from.as_str() || t != to.as_str() {
        return None;
    }
    RelationKind::ALL
        .iter()
        .copied()
        .find(|kind| kind.name().to_ascii_lowercase().replace('_', "-") == k)
}

/// A relation id the file gives (`recordId`, or a dossier export's `dossier-rel-<id>`), if it
/// is a valid id not taken yet.
fn given_id<'a>(cx: &Session, mut candidates: impl Iterator<Item = &'a str>) -> Option<Id> {
    candidates.find_map(|c| {
        Id::parse(c)
            .ok()
            .filter(|id| !cx.builder.has_relation(id.as_str()))
    })
}

/// Dates of a link or party: `date` (or `startDate`) and `endDate`; an end with no start is
/// kept as the attribute `endDate`.
fn dates(
    draft: &mut Draft,
    date: Option<&str>,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<(), (&'static str, String)> {
    let (prop, first) = match (date, start) {
        (Some(d), _) => ("date", Some(d)),
        (None, Some(s)) => ("startDate", Some(s)),
        (None, None) => ("date", None),
    };
    draft.date = first.map(proxy::date).transpose().map_err(|e| (prop, e))?;
    let until = end
        .map(proxy::date)
        .transpose()
        .map_err(|e| ("endDate", e))?;
    // A period that ends before it begins is the store's to refuse (`check_relation`), with
    // the same words as for a data file or a CSV row.
    match (draft.date, until) {
        (Some(_), u) => {
            draft.until = u.filter(|u| Some(*u) != draft.date);
            Ok(())
        }
        (None, Some(u)) => {
            draft
                .attributes
                .insert("endDate".into(), AttributeValue::Text(u.to_string()));
            Ok(())
        }
        (None, None) => Ok(()),
    }
}

impl Ftm {
    /// Second pass over a file: its links.
    pub(in crate::import) fn links(&mut self, cx: &mut Session, path: &Path) {
        // Lines that do not parse were reported by the first pass.
        let mapping = cx.mapping;
        let parse_link = |_, line: &str| {
            let p = serde_json::from_str::<Proxy>(line).ok()?;
            match classify(&p.schema, mapping) {
                Class::Link(schema) => Some((schema, p)),
                _ => None,
            }
        };
        each_line(cx, path, "links", parse_link, |cx, n, line, link| {
            if let Some((schema, p)) = link {
                self.link(cx, schema, &p, Site::new(path, n, 1), line);
            }
        });
    }

    /// The id of the entity an end names; `Ok(None)` for an entity left out.
    fn end(
        &self,
        cx: &mut Session,
        reference: Option<&str>,
        prop: &str,
        what: &str,
        at: Site,
    ) -> Result<Option<Id>, ()> {
        let Some(r) = reference else {
            cx.push(at.error(prop, format!("a {what} needs its `{prop}`")));
            return Err(());
        };
        if let Some(id) = self.things.get(r) {
            return Ok(Some(id.clone()));
        }
        if self.skipped.contains(r) {
            return Ok(None);
        }
        cx.push(at.error(
            prop,
            format!("unknown entity `{r}`: no entity of the imported files has this id"),
        ));
        Err(())
    }

    fn link(&mut self, cx: &mut Session, schema: LinkSchema, p: &Proxy, site: Site, line: &str) {
        let (src, dst) = schema.ends();
        let at = |prop: &str| Site::new(&site.file, site.line, proxy::column_of(line, prop));
        let from = self.end(cx, p.first(src), src, &p.schema, at(src));
        let to = self.end(cx, p.first(dst), dst, &p.schema, at(dst));
        let (Ok(from), Ok(to)) = (from, to) else {
            return;
        };
        let (Some(from), Some(to)) = (from, to) else {
            cx.summary.skipped += 1;
            return;
        };
        let roles: Vec<&str> = schema
            .role()
            .map_or_else(Vec::new, |r| p.values(r).collect());
        let (mut kind, mut label, used) = schema.kind(&roles);
        if let Some(k) = dossier_kind(&p.id, &from, &to) {
            kind = k;
        }
        let mut role = None;
        let (mut from, mut to, mut reversed) = (from, to, false);
        if let Some(rule) = cx.mapping.relation(&label, Some(&p.schema)) {
            kind = rule.kind;
            if let Some(l) = &rule.label {
                label = l.clone();
            }
            role = rule.role.clone();
            if rule.reverse {
                std::mem::swap(&mut from, &mut to);
                reversed = true;
            }
        }
        let rest = roles[used.min(roles.len())..].join("; ");
        if !rest.is_empty() && Some(rest.as_str()) != default_role(kind) {
            role = Some(rest);
        }
        let citations = self.citations(
            cx,
            p.values("recordId").chain(std::iter::once(p.id.as_str())),
            &site,
            line,
        );
        let Some(citations) = citations else { return };
        let mut d = Draft::new(kind, from, to, citations);
        if kind == RelationKind::Related {
            d.label = Some(label);
        } else {
            d.fallback = Some(label);
        }
        d.reversed = reversed;
        d.role = role;
        d.id = given_id(
            cx,
            p.values("recordId")
                .chain(p.id.strip_prefix("dossier-rel-")),
        );
        if let Err((prop, e)) = dates(
            &mut d,
            p.first("date"),
            p.first("startDate"),
            p.first("endDate"),
        ) {
            return cx.push(at(prop).error(prop, e));
        }
        d.description = p.first("description").map(String::from);
        for s in p.values("status") {
            match proxy::claim(s) {
                Some(c) => d.claim = Some(c),
                None => {
                    d.attributes
                        .insert("status".into(), AttributeValue::Text(s.into()));
                }
            }
        }
        let summary = p
            .values("summary")
            .filter(|s| match s.strip_prefix("claim: ") {
                Some(c) => {
                    d.claim = proxy::claim(c).or(d.claim);
                    false
                }
                None => true,
            });
        proxy::notes(summary, &mut d.attributes);
        d.attributes
            .insert("ftm_id".into(), AttributeValue::Text(p.id.clone()));
        let joined = (d.from.clone(), d.to.clone(), d.kind);
        match cx.add_relation(d) {
            Ok(()) => {
                if matches!(
                    joined.2,
                    RelationKind::ParticipatedIn | RelationKind::Organised
                ) {
                    self.joined.insert(joined);
                }
            }
            Err(e) => {
                let prop = match &e {
                    StoreError::Unknown { field: "from", .. } => src,
                    StoreError::Unknown { field: "to", .. } => dst,
                    StoreError::EndsBeforeItBegins { .. } => "endDate",
                    other => other.field().unwrap_or("id"),
                };
                cx.push(at(prop).error(prop, e.to_string()));
            }
        }
    }

    /// The citations `Documentation` gives for these keys (without repeats), else one of the
    /// document standing for the file, quoting `line`. `None` if that document cannot be
    /// added (recorded).
    fn citations<'a>(
        &self,
        cx: &mut Session,
        keys: impl Iterator<Item = &'a str>,
        site: &Site,
        line: &str,
    ) -> Option<Vec<Citation>> {
        let mut out: Vec<Citation> = Vec::new();
        for key in keys {
            for &i in self.cited.get(key).into_iter().flatten() {
                let cite = &self.cites[i as usize];
                // An unknown document was reported when the things were added.
                let Some(document) = self.documents.get(&cite.document) else {
                    continue;
                };
                if !out
                    .iter()
                    .any(|c| &c.document == document && c.quote == cite.quote)
                {
                    out.push(Citation {
                        document: document.clone(),
                        quote: cite.quote.clone(),
                    });
                }
            }
        }
        if out.is_empty() {
            match cx.standin(&site.file) {
                Ok(document) => out.push(Citation {
                    document,
                    quote: line.to_string(),
                }),
                Err(e) => {
                    cx.push(site.error("document", e.to_string()));
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Reports `Documentation` of documents no file defines.
    pub(in crate::import) fn check_citations(&self, cx: &mut Session) {
        for cite in &self.cites {
            if !self.documents.contains_key(&cite.document) {
                cx.push(cite.site.error(
                    "document",
                    format!(
                        "unknown document `{}`: no Document of the imported files has this id",
                        cite.document
                    ),
                ));
            }
        }
    }

    /// After every file's links: court cases become `RULED_ON` (or participation in the case's
    /// event), and events' `involved` and `organizer` become `PARTICIPATED_IN` and `ORGANISED`
    /// where no link said so already.
    pub(in crate::import) fn finish(&mut self, cx: &mut Session) {
        let cases: HashMap<&str, usize> = self
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| (&*c.ftm_id, i))
            .collect();
        let mut courts: HashMap<&str, Vec<Id>> = HashMap::new();
        for party in &self.parties {
            if party.role.as_deref().is_some_and(is_court_role) {
                if let Some(id) = self.things.get(party.party.as_str()) {
                    courts
                        .entry(party.case.as_str())
                        .or_default()
                        .push(id.clone());
                }
            }
        }
        let mut drafts = Vec::new();
        for party in &self.parties {
            if cx.full() {
                return;
            }
            let at = |prop: &str| {
                Site::new(
                    &party.site.file,
                    party.site.line,
                    proxy::column_of(&party.line, prop),
                )
            };
            let Some(&ci) = cases.get(party.case.as_str()) else {
                cx.push(at("case").error(
                    "case",
                    format!(
                        "unknown court case `{}`: no CourtCase of the imported files has this id",
                        party.case
                    ),
                ));
                continue;
            };
            if party.role.as_deref().is_some_and(is_court_role) {
                continue;
            }
            let case = &self.cases[ci];
            let Ok(who) = self.end(
                cx,
                Some(&party.party),
                "party",
                "CourtCaseParty",
                at("party"),
            ) else {
                continue;
            };
            let Some(who) = who else {
                cx.summary.skipped += 1;
                continue;
            };
            let ends: Vec<(Id, Id, RelationKind, &str)> = match &case.event {
                Some(event) => vec![(who, event.clone(), RelationKind::ParticipatedIn, "party to")],
                None => courts
                    .get(&*case.ftm_id)
                    .into_iter()
                    .flatten()
                    .map(|court| {
                        (
                            court.clone(),
                            who.clone(),
                            RelationKind::RuledOn,
                            "ruled on",
                        )
                    })
                    .collect(),
            };
            for (from, to, kind, label) in ends {
                let keys = case
                    .record_ids
                    .iter()
                    .map(String::as_str)
                    .chain(std::iter::once(&*case.ftm_id));
                let Some(citations) = self.citations(cx, keys, &party.site, &party.line) else {
                    continue;
                };
                let mut d = Draft::new(kind, from, to, citations);
                d.fallback = Some(label.to_string());
                d.role = party.role.clone();
                d.description = case.description.clone();
                d.claim = case.status.as_deref().and_then(proxy::claim);
                d.id = given_id(cx, case.ftm_id.strip_prefix("dossier-rel-").into_iter());
                d.attributes.insert(
                    "ftm_id".into(),
                    AttributeValue::Text(case.ftm_id.to_string()),
                );
                if let Err((prop, e)) = dates(
                    &mut d,
                    party.date.as_deref(),
                    party.start.as_deref(),
                    party.end.as_deref(),
                ) {
                    cx.push(at(prop).error(prop, e));
                    continue;
                }
                drafts.push((d, party.site.clone()));
            }
        }
        for (d, site) in drafts {
            if let Err(e) = cx.add_relation(d) {
                cx.push(site.error(e.field().unwrap_or("party"), e.to_string()));
            }
        }
        self.event_links(cx);
    }

    fn event_links(&mut self, cx: &mut Session) {
        let mut added: HashSet<(Id, Id, RelationKind)> = HashSet::new();
        for ev in &self.events {
            let at = |prop: &str| {
                Site::new(
                    &ev.site.file,
                    ev.site.line,
                    proxy::column_of(&ev.line, prop),
                )
            };
            for (prop, refs, kind, label) in [
                (
                    "involved",
                    &ev.involved,
                    RelationKind::ParticipatedIn,
                    "involved in",
                ),
                (
                    "organizer",
                    &ev.organizer,
                    RelationKind::Organised,
                    "organised",
                ),
            ] {
                for r in refs {
                    if cx.full() {
                        return;
                    }
                    let Ok(who) = self.end(cx, Some(r), prop, "Event", at(prop)) else {
                        continue;
                    };
                    let Some(who) = who else {
                        cx.summary.skipped += 1;
                        continue;
                    };
                    let key = (who.clone(), ev.event.clone(), kind);
                    if self.joined.contains(&key) || !added.insert(key) {
                        continue;
                    }
                    let Some(citations) =
                        self.citations(cx, std::iter::empty(), &ev.site, &ev.line)
                    else {
                        continue;
                    };
                    let mut d = Draft::new(kind, who, ev.event.clone(), citations);
                    d.fallback = Some(label.to_string());
                    if let Err(e) = cx.add_relation(d) {
                        cx.push(at(prop).error(prop, e.to_string()));
                    }
                }
            }
        }
    }
}
