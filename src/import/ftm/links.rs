//! The second pass over an FtM file: link schemata become relations, cited by the
//! `Documentation` that names them or else by the line itself.

use super::proxy::{self, Proxy};
use super::schema::{classify, default_role, dossier_kind, Class, LinkSchema};
use super::{each_line, Ftm};
use crate::import::{Draft, Session, Site};
use crate::model::{AttributeValue, Citation, Id, RelationKind};
use crate::store::StoreError;
use std::path::Path;

/// A relation id the file gives (`recordId`, or a dossier export's `dossier-rel-<id>`), if it
/// is a valid id not taken yet.
pub(super) fn given_id<'a>(
    cx: &Session,
    mut candidates: impl Iterator<Item = &'a str>,
) -> Option<Id> {
    candidates.find_map(|c| {
        Id::parse(c)
            .ok()
            .filter(|id| !cx.builder.has_relation(id.as_str()))
    })
}

/// Dates of a link or party: `date` (or `startDate`) and `endDate`; an end with no start is
/// kept as the attribute `endDate`.
pub(super) fn dates(
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
    pub(super) fn end(
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
    pub(super) fn citations<'a>(
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
}
