//! After every file's links: court cases and their parties become `RULED_ON` (or take part in
//! the case's event), and events' `involved` and `organizer` become `PARTICIPATED_IN` and
//! `ORGANISED`.

use super::links::{dates, given_id};
use super::proxy;
use super::Ftm;
use crate::import::{Draft, Session, Site};
use crate::model::{AttributeValue, Id, RelationKind};
use std::collections::{HashMap, HashSet};

impl Ftm {
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

pub(super) fn is_court_role(role: &str) -> bool {
    role.trim().eq_ignore_ascii_case("court")
}
