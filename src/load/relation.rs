//! A `[[relation]]` table: its fields, its label, its citations (quotes checked against the
//! documents' texts), then the store's own check, every problem at its field.

use super::file::{self, RawCitation};
use super::{Loader, Site};
use crate::model::{Citation, ClaimStatus, Date, Id, Relation, RelationKind};
use crate::store::StoreError;
use toml::Spanned;

impl Loader<'_> {
    pub(super) fn relation(
        &mut self,
        at: &Site,
        file_doc: Option<&Id>,
        raw: &Spanned<file::RawRelation>,
    ) {
        let r = raw.get_ref();
        let explicit_id = self.parse_opt(at, "relation.id", &r.id, Id::parse);
        let kind = self.parse(at, "relation.kind", &r.kind, str::parse::<RelationKind>);
        let from = self.parse(at, "relation.from", &r.from, Id::parse);
        let to = self.parse(at, "relation.to", &r.to, Id::parse);
        let date = self.parse_opt(at, "relation.date", &r.date, Date::parse);
        let until = self.parse_opt(at, "relation.until", &r.until, Date::parse);
        let claim = self.parse_opt(at, "relation.claim", &r.claim, str::parse::<ClaimStatus>);
        let attributes = self.attributes(at, "relation.attributes", &r.attributes);
        let citations = self.citations(at, file_doc, raw);
        let (
            Ok(explicit_id),
            Some(kind),
            Some(from),
            Some(to),
            Ok(date),
            Ok(until),
            Ok(claim),
            Some(attributes),
            Some(citations),
        ) = (
            explicit_id,
            kind,
            from,
            to,
            date,
            until,
            claim,
            attributes,
            citations,
        )
        else {
            return;
        };
        let id = match explicit_id {
            Some(id) => id,
            None => {
                let numbered = Id::parse(&Relation::default_id(&from, kind, &to))
                    .and_then(|base| self.builder.free_relation_id(base, None));
                match numbered {
                    Ok(id) => id,
                    Err(e) => {
                        self.errors
                            .push(at.at(raw.span(), "relation.id", e.to_string()));
                        return;
                    }
                }
            }
        };
        let label = match (&r.label, kind == RelationKind::Related) {
            (Some(l), true) if !l.get_ref().trim().is_empty() => {
                Some(l.get_ref().trim().to_string())
            }
            (Some(l), true) => {
                self.errors
                    .push(at.at(l.span(), "relation.label", "cannot be empty".into()));
                return;
            }
            (None, true) => {
                self.errors.push(at.at(
                    r.kind.span(),
                    "relation.label",
                    "a RELATED relation needs its own `label` (\"award received\")".into(),
                ));
                return;
            }
            (Some(l), false) => {
                self.errors.push(at.at(
                    l.span(),
                    "relation.label",
                    format!(
                        "only a RELATED relation has its own label; {kind} is labelled \"{}\"",
                        kind.label()
                    ),
                ));
                return;
            }
            (None, false) => None,
        };
        let relation = Relation {
            id,
            kind,
            label,
            from,
            to,
            date,
            until,
            role: r.role.clone().filter(|s| !s.trim().is_empty()),
            claim,
            description: r.description.clone().filter(|s| !s.trim().is_empty()),
            citations,
            attributes,
        };
        // The store's rules, checked once for every way in (see `check_relation`): every
        // problem is reported, each at its field.
        let checked = match self.builder.check_relation((None, None), relation) {
            Ok(checked) => checked,
            Err(problems) => {
                for err in problems {
                    let span = match &err {
                        StoreError::Unknown { field: "from", .. } => r.from.span(),
                        StoreError::Unknown { field: "to", .. } => r.to.span(),
                        StoreError::KindsNotAllowed { .. } => r.kind.span(),
                        StoreError::Duplicate { .. } => {
                            r.id.as_ref().map_or(raw.span(), |i| i.span())
                        }
                        StoreError::EndsBeforeItBegins { .. } | StoreError::EndWithoutStart => {
                            r.until.as_ref().map_or(raw.span(), |u| u.span())
                        }
                        _ => raw.span(),
                    };
                    let field = format!("relation.{}", err.field().unwrap_or("citations"));
                    self.errors.push(at.at(span, &field, err.to_string()));
                }
                return;
            }
        };
        if let Err(err) = self.builder.push_relation(checked) {
            let field = format!("relation.{}", err.field().unwrap_or("citations"));
            self.errors.push(at.at(raw.span(), &field, err.to_string()));
        }
    }

    /// The relation's citations: `quote` cites the file's document; `citations` any document.
    /// Quotes of documents with a known text must occur in it verbatim.
    fn citations(
        &mut self,
        at: &Site,
        file_doc: Option<&Id>,
        raw: &Spanned<file::RawRelation>,
    ) -> Option<Vec<Citation>> {
        let r = raw.get_ref();
        let mut out = Vec::new();
        let mut ok = true;
        if let Some(q) = &r.quote {
            match file_doc {
                Some(doc) => ok &= self.cite(at, "relation.quote", doc.clone(), q, &mut out),
                None => {
                    self.errors.push(at.at(
                        q.span(),
                        "relation.quote",
                        "`quote` cites the file's [document], but this file has none: use `citations = [{ document = \"…\", quote = \"…\" }]`".into(),
                    ));
                    ok = false;
                }
            }
        }
        for c in &r.citations {
            let RawCitation { document, quote } = c.get_ref();
            match Id::parse(document.get_ref()) {
                Ok(doc) => ok &= self.cite(at, "relation.citations.quote", doc, quote, &mut out),
                Err(e) => {
                    self.errors.push(at.at(
                        document.span(),
                        "relation.citations.document",
                        e.to_string(),
                    ));
                    ok = false;
                }
            }
        }
        if ok && out.is_empty() {
            self.errors.push(at.at(
                raw.span(),
                "relation.quote",
                "a relation needs a source: give `quote` (a verbatim sentence of this file's document) or `citations`".into(),
            ));
            return None;
        }
        ok.then_some(out)
    }

    fn cite(
        &mut self,
        at: &Site,
        field: &str,
        document: Id,
        quote: &Spanned<String>,
        out: &mut Vec<Citation>,
    ) -> bool {
        let text = quote.get_ref();
        if text.trim().is_empty() {
            self.errors
                .push(at.at(quote.span(), field, "a quote cannot be empty".into()));
            return false;
        }
        if let Some(source) = self.texts.get(&document) {
            if !source.contains(text.as_str()) {
                self.errors.push(at.at(
                    quote.span(),
                    field,
                    format!("this quote does not occur verbatim in the text of document `{document}` (check quotation marks, apostrophes and spaces)"),
                ));
                return false;
            }
        }
        out.push(Citation {
            document,
            quote: text.clone(),
        });
        true
    }
}
