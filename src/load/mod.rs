//! Loading the curated `data/` directory: every `*.toml` file in it (sorted by name, not
//! recursing), validated as a whole before anything is kept.
//!
//! Checks: TOML syntax and unknown fields; ids, kinds, dates and claim statuses; duplicate ids
//! across files; relations between known entities of kinds the vocabulary allows; at least one
//! citation per relation, of a known document; and, when a document gives its full `text`,
//! that every quote from it occurs in that text verbatim. Every problem is reported as
//! `file:line:column: field: message`; if there is any, nothing is loaded.

mod error;
mod file;

pub use error::{LoadError, LoadErrors};

use crate::model::{
    AttributeValue, Attributes, Citation, ClaimStatus, Date, Document, Entity, EntityKind, Id,
    Relation, RelationKind,
};
use crate::store::{Graph, GraphBuilder, StoreError};
use error::Lines;
use file::{RawCitation, RawFile};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What a successful load found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    /// The data files read.
    pub files: usize,
    /// Documents, entities and relations loaded.
    pub documents: usize,
    /// Entities loaded.
    pub entities: usize,
    /// Relations loaded.
    pub relations: usize,
}

/// Loads and validates every data file in `dir` into a new graph.
pub fn load_dir(dir: &Path) -> Result<(Graph, LoadSummary), LoadErrors> {
    let files = list_files(dir)?;
    let mut sources = Vec::new();
    for path in files {
        match std::fs::read_to_string(&path) {
            Ok(text) => sources.push((path, text)),
            Err(e) => {
                return Err(LoadErrors(vec![file_error(
                    &path,
                    format!("cannot read: {e}"),
                )]));
            }
        }
    }
    load_sources(dir, &sources)
}

/// Loads data files given as (path, text) pairs; `dir` is where `text` paths are resolved.
pub fn load_sources(
    dir: &Path,
    sources: &[(PathBuf, String)],
) -> Result<(Graph, LoadSummary), LoadErrors> {
    let mut loader = Loader {
        dir,
        builder: GraphBuilder::new(),
        errors: Vec::new(),
        texts: HashMap::new(),
        entity_sites: HashMap::new(),
    };
    let mut parsed = Vec::new();
    for (path, text) in sources {
        let lines = Lines::new(text);
        match toml::from_str::<RawFile>(text) {
            Ok(raw) => parsed.push((path.as_path(), lines, raw)),
            Err(e) => {
                let (line, column) = lines.locate(e.span().map_or(0, |s| s.start));
                loader.errors.push(LoadError {
                    file: path.clone(),
                    line,
                    column,
                    field: "syntax".into(),
                    message: syntax_message(e.message()),
                });
            }
        }
    }
    // Documents first, then entities, then relations: files may refer to each other's ids.
    for (path, lines, raw) in &parsed {
        let at = Site { path, lines };
        if let Some(doc) = &raw.document {
            loader.document(&at, doc);
        }
    }
    for (path, lines, raw) in &parsed {
        let at = Site { path, lines };
        for e in &raw.entity {
            loader.entity(&at, e);
        }
    }
    for (path, lines, raw) in &parsed {
        let at = Site { path, lines };
        let doc_id = raw
            .document
            .as_ref()
            .and_then(|d| Id::parse(d.get_ref().id.get_ref()).ok());
        for r in &raw.relation {
            loader.relation(&at, doc_id.as_ref(), r);
        }
    }
    for (id, err) in loader.builder.check_places() {
        if let Some(site) = loader.entity_sites.get(&id) {
            let e = site.error("entity.place", err.to_string());
            loader.errors.push(e);
        }
    }
    if !loader.errors.is_empty() {
        loader
            .errors
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        return Err(LoadErrors(loader.errors));
    }
    let graph = loader
        .builder
        .build()
        .expect("places were checked above, and nothing else can fail");
    let summary = LoadSummary {
        files: sources.len(),
        documents: graph.document_count(),
        entities: graph.entity_count(),
        relations: graph.relation_count(),
    };
    Ok((graph, summary))
}

/// The TOML parser's message, or a description of its most common silent failure.
fn syntax_message(message: &str) -> String {
    let m = message.trim();
    if m.is_empty() {
        "invalid TOML here (a control character such as NUL, or an unexpected character)".into()
    } else {
        m.to_string()
    }
}

fn list_files(dir: &Path) -> Result<Vec<PathBuf>, LoadErrors> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        LoadErrors(vec![file_error(
            dir,
            format!("cannot read the data directory: {e}"),
        )])
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

fn file_error(path: &Path, message: String) -> LoadError {
    LoadError {
        file: path.to_path_buf(),
        line: 1,
        column: 1,
        field: "file".into(),
        message,
    }
}

/// Where in which file something was written.
struct Site<'a> {
    path: &'a Path,
    lines: &'a Lines<'a>,
}

impl Site<'_> {
    fn at(&self, span: Range<usize>, field: &str, message: String) -> LoadError {
        let (line, column) = self.lines.locate(span.start);
        LoadError {
            file: self.path.to_path_buf(),
            line,
            column,
            field: field.to_string(),
            message,
        }
    }
}

/// A recorded location, kept for errors found only when the graph is complete.
struct OwnedSite {
    file: PathBuf,
    line: usize,
    column: usize,
}

impl OwnedSite {
    fn error(&self, field: &str, message: String) -> LoadError {
        LoadError {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            field: field.to_string(),
            message,
        }
    }
}

struct Loader<'a> {
    dir: &'a Path,
    builder: GraphBuilder,
    errors: Vec<LoadError>,
    /// Full texts of documents that give one, to check quotes against.
    texts: HashMap<Id, String>,
    /// Where each entity's `place` was written, for errors found at build time.
    entity_sites: HashMap<Id, OwnedSite>,
}

impl Loader<'_> {
    /// Parses a spanned value, recording an error at its span on failure.
    fn parse<T, E: std::fmt::Display>(
        &mut self,
        at: &Site,
        field: &str,
        value: &Spanned<String>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(value.get_ref()) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(at.at(value.span(), field, e.to_string()));
                None
            }
        }
    }

    fn parse_opt<T, E: std::fmt::Display>(
        &mut self,
        at: &Site,
        field: &str,
        value: &Option<Spanned<String>>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ()> {
        match value {
            None => Ok(None),
            Some(v) => self.parse(at, field, v, parse).map(Some).ok_or(()),
        }
    }

    fn non_empty(&mut self, at: &Site, field: &str, value: &Spanned<String>) -> Option<String> {
        let text = value.get_ref().trim();
        if text.is_empty() {
            self.errors
                .push(at.at(value.span(), field, "cannot be empty".into()));
            return None;
        }
        Some(text.to_string())
    }

    fn attributes(
        &mut self,
        at: &Site,
        field: &str,
        raw: &Option<Spanned<BTreeMap<String, toml::Value>>>,
    ) -> Option<Attributes> {
        let mut out = Attributes::new();
        let Some(raw) = raw else { return Some(out) };
        for (key, value) in raw.get_ref() {
            let v = match value {
                toml::Value::Integer(i) => AttributeValue::Integer(*i),
                toml::Value::Float(x) => AttributeValue::Float(*x),
                toml::Value::String(s) => AttributeValue::Text(s.clone()),
                toml::Value::Boolean(b) => AttributeValue::Bool(*b),
                other => {
                    self.errors.push(at.at(
                        raw.span(),
                        &format!("{field}.{key}"),
                        format!(
                            "expected a string, number or boolean, found {}",
                            other.type_str()
                        ),
                    ));
                    return None;
                }
            };
            out.insert(key.clone(), v);
        }
        Some(out)
    }

    fn document(&mut self, at: &Site, raw: &Spanned<file::RawDocument>) {
        let d = raw.get_ref();
        let id = self.parse(at, "document.id", &d.id, Id::parse);
        let title = self.non_empty(at, "document.title", &d.title);
        let published = self.parse_opt(at, "document.published", &d.published, Date::parse);
        let text = match &d.text {
            None => Ok(None),
            Some(t) => {
                let path = self.dir.join(t.get_ref());
                match std::fs::read_to_string(&path) {
                    Ok(s) => Ok(Some(s)),
                    Err(e) => {
                        self.errors.push(at.at(
                            t.span(),
                            "document.text",
                            format!(
                                "cannot read `{}` (a path relative to the data directory): {e}",
                                t.get_ref()
                            ),
                        ));
                        Err(())
                    }
                }
            }
        };
        let (Some(id), Some(title), Ok(published), Ok(text)) = (id, title, published, text) else {
            return;
        };
        let doc = Document {
            id: id.clone(),
            title,
            publisher: d.publisher.clone(),
            published,
            url: d.url.clone(),
        };
        match self.builder.add_document(doc) {
            Ok(()) => {
                if let Some(text) = text {
                    self.texts.insert(id, text);
                }
            }
            Err(e) => self
                .errors
                .push(at.at(d.id.span(), "document.id", e.to_string())),
        }
    }

    fn entity(&mut self, at: &Site, raw: &Spanned<file::RawEntity>) {
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

    fn relation(&mut self, at: &Site, file_doc: Option<&Id>, raw: &Spanned<file::RawRelation>) {
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
