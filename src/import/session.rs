//! The state shared by the importers: the builder, what was added, the errors so far, and
//! the relation drafts whose kind may fall back to `RELATED`.

use super::first::Tables;
use super::{slug, ImportSummary, Mapping, Progress, MAX_ERRORS};
use crate::load::LoadError;
use crate::model::{
    Attributes, Citation, ClaimStatus, Date, Document, Entity, EntityKind, Id, Relation,
    RelationKind,
};
use crate::store::{GraphBuilder, Node, ResolvedRelation, Resolver, StoreError};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// A place in an imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Site {
    pub(super) file: PathBuf,
    pub(super) line: usize,
    pub(super) column: usize,
}

impl Site {
    pub(super) fn new(file: &Path, line: usize, column: usize) -> Site {
        Site {
            file: file.to_path_buf(),
            line,
            column,
        }
    }

    pub(super) fn error(&self, field: &str, message: impl Into<String>) -> LoadError {
        LoadError {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// A relation before its id is fixed.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    /// The id the file gives, if any; else `<from>.<kind>.<to>`, then `.2`, `.3`.
    pub(super) id: Option<Id>,
    pub(super) kind: RelationKind,
    pub(super) label: Option<String>,
    /// For a kind chosen by a mapping or a schema rather than written in the file: the label
    /// to fall back to, as `RELATED`, if the kind does not allow the ends.
    pub(super) fallback: Option<String>,
    /// Whether a mapping turned the relation around (`reverse = true`); a fallback turns it
    /// back, so the label reads as the dataset wrote it.
    pub(super) reversed: bool,
    pub(super) from: Id,
    pub(super) to: Id,
    pub(super) date: Option<Date>,
    pub(super) until: Option<Date>,
    pub(super) role: Option<String>,
    pub(super) claim: Option<ClaimStatus>,
    pub(super) description: Option<String>,
    pub(super) citations: Vec<Citation>,
    pub(super) attributes: Attributes,
}

impl Draft {
    pub(super) fn new(kind: RelationKind, from: Id, to: Id, citations: Vec<Citation>) -> Draft {
        Draft {
            id: None,
            kind,
            label: None,
            fallback: None,
            reversed: false,
            from,
            to,
            date: None,
            until: None,
            role: None,
            claim: None,
            description: None,
            citations,
            attributes: Attributes::new(),
        }
    }

    /// The relation, with this id.
    fn into_relation(self, id: Id) -> Relation {
        Relation {
            id,
            kind: self.kind,
            label: self.label,
            from: self.from,
            to: self.to,
            date: self.date,
            until: self.until,
            role: self.role,
            claim: self.claim,
            description: self.description,
            citations: self.citations,
            attributes: self.attributes,
        }
    }

    /// Turns a mapped kind that does not fit into `RELATED` with the fallback label.
    pub(super) fn fall_back(&mut self) -> bool {
        match self.fallback.take() {
            Some(label) if self.kind != RelationKind::Related => {
                self.kind = RelationKind::Related;
                self.label = Some(label);
                if self.reversed {
                    std::mem::swap(&mut self.from, &mut self.to);
                    self.reversed = false;
                }
                true
            }
            _ => false,
        }
    }
}

/// Where a draft's ends are looked up and its relation resolved: the builder itself, or a
/// copy of its entities made for the thread pool.
pub(super) trait Lookup {
    fn find(&self, id: &str) -> End;
    fn resolve_relation(&self, ends: (Option<Node>, Option<Node>), r: Relation)
        -> ResolvedRelation;
}

impl Lookup for GraphBuilder {
    fn find(&self, id: &str) -> End {
        self.node(id).map(|n| (n, self.kind_of(n)))
    }

    fn resolve_relation(
        &self,
        ends: (Option<Node>, Option<Node>),
        r: Relation,
    ) -> ResolvedRelation {
        GraphBuilder::resolve_relation(self, ends, r)
    }
}

impl Lookup for Resolver {
    fn find(&self, id: &str) -> End {
        Resolver::find(self, id)
    }

    fn resolve_relation(
        &self,
        ends: (Option<Node>, Option<Node>),
        r: Relation,
    ) -> ResolvedRelation {
        Resolver::resolve_relation(self, ends, r)
    }
}

/// A relation draft made ready for its turn, on any thread ([`prepare`]).
pub(super) struct Prepared {
    /// Checked against the entities and documents.
    resolved: ResolvedRelation,
    /// For a relation the file gives no id: whether the id it holds, its base, is exactly
    /// its default id. Its number (`.2`, `.3`) is decided in its turn.
    numbered: Option<bool>,
    /// Whether its mapped kind did not allow its ends and fell back to `RELATED`.
    fell_back: bool,
}

/// An end of a relation as looked up: its entity and the entity's kind, if it exists.
pub(super) type End = Option<(Node, EntityKind)>;

/// Looks up the ends of a draft.
pub(super) fn look_up(builder: &impl Lookup, draft: &Draft) -> (End, End) {
    (
        builder.find(draft.from.as_str()),
        builder.find(draft.to.as_str()),
    )
}

/// Makes a draft ready to be added, reading the builder only: its ends looked up, a mapped
/// kind that does not allow them fallen back to `RELATED` with its label, its base id made
/// when the file gives none, and the store's checks that no later addition changes
/// ([`GraphBuilder::resolve_relation`]). The rest is done in its turn, by
/// [`Session::add_prepared`].
pub(super) fn prepare(builder: &impl Lookup, draft: Draft) -> Prepared {
    let ends = look_up(builder, &draft);
    prepare_with(builder, draft, ends)
}

/// [`prepare`], given the draft's ends as [`look_up`] found them.
pub(super) fn prepare_with(builder: &impl Lookup, mut draft: Draft, ends: (End, End)) -> Prepared {
    let mut nodes = (ends.0.map(|(n, _)| n), ends.1.map(|(n, _)| n));
    let mut fell_back = false;
    if let (Some((_, from)), Some((_, to))) = ends {
        if !draft.kind.allows(from, to) {
            let reversed = draft.reversed;
            fell_back = draft.fall_back();
            if fell_back && reversed {
                nodes = (nodes.1, nodes.0);
            }
        }
    }
    let (id, numbered) = match draft.id.take() {
        Some(id) => (id, None),
        None => {
            let base = BASE.with_borrow_mut(|base| {
                base.clear();
                base.push_str(draft.from.as_str());
                base.push('.');
                base.push_str(segment(draft.kind));
                base.push('.');
                base.push_str(draft.to.as_str());
                slug::fit(base, base, 8)
            });
            // Not shortened by `fit` (a kind's id segment is as long as its name).
            let is_default = base.as_str().len()
                == draft.from.as_str().len()
                    + draft.kind.name().len()
                    + draft.to.as_str().len()
                    + 2;
            (base, Some(is_default))
        }
    };
    Prepared {
        resolved: builder.resolve_relation(nodes, draft.into_relation(id)),
        numbered,
        fell_back,
    }
}

thread_local! {
    /// Where [`prepare_with`] writes a relation's default id (`Relation::default_id`), to
    /// read it as an id: one allocation a relation rather than four.
    static BASE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// A kind's segment in default ids: its name in lower case with hyphens (`ruled-on`), as
/// `Relation::default_id` writes it.
fn segment(kind: RelationKind) -> &'static str {
    static SEGMENTS: LazyLock<Vec<String>> = LazyLock::new(|| {
        RelationKind::ALL
            .iter()
            .map(|k| k.name().to_ascii_lowercase().replace('_', "-"))
            .collect()
    });
    &SEGMENTS[kind as usize]
}

impl Prepared {
    /// Looks up, without using the answer, what adding it will look up first (whether its
    /// default id is taken), so that a run of these lookups overlap their cache misses.
    pub(super) fn look_ahead(&self, builder: &GraphBuilder) {
        if let (Some(_), (Some(from), Some(to))) = (self.numbered, self.resolved.ends()) {
            builder.look_ahead(from, self.resolved.kind(), to);
        }
    }
}

/// The state of one import: the builder, what was added, the errors so far.
pub(super) struct Session<'a> {
    pub(super) builder: &'a mut GraphBuilder,
    pub(super) mapping: &'a Mapping,
    pub(super) progress: &'a dyn Progress,
    pub(super) errors: Vec<LoadError>,
    /// Entities with a `place`, where it was written: checked once every entity is in.
    pub(super) places: Vec<(Id, Site, &'static str)>,
    /// The document standing for each imported file, once cited.
    pub(super) standins: HashMap<PathBuf, Id>,
    pub(super) summary: ImportSummary,
    /// Lines (CSV records) read so far, over every file and pass: told when reading stops.
    pub(super) lines: usize,
    /// Where reading was when the error that filled the list was found.
    pub(super) stopped_at: Option<(PathBuf, usize)>,
    /// The entities the builder held before the import (their nodes come first) and the
    /// documents: a duplicate of one of these clashes with the curated data.
    pub(super) entities_before: usize,
    pub(super) documents_before: HashSet<String>,
    /// The curated data directory the builder was loaded from, when known: searched for the
    /// first definition of a duplicate id.
    pub(super) curated_dir: Option<PathBuf>,
    /// The CSV tables read so far, searched for the first definition of a duplicate id.
    pub(super) tables: Tables,
}

impl Session<'_> {
    /// Whether enough errors were found to stop reading.
    pub(super) fn full(&self) -> bool {
        self.errors.len() >= MAX_ERRORS
    }

    pub(super) fn push(&mut self, error: LoadError) {
        if self.errors.len() + 1 == MAX_ERRORS {
            self.stopped_at = Some((error.file.clone(), error.line));
        }
        self.errors.push(error);
    }

    /// Counts one line (or CSV record) read.
    pub(super) fn line_read(&mut self) {
        self.lines += 1;
    }

    pub(super) fn add_document(&mut self, doc: Document) -> Result<(), StoreError> {
        self.builder.add_document(doc)?;
        self.summary.documents += 1;
        Ok(())
    }

    pub(super) fn add_entity(&mut self, entity: Entity) -> Result<(), StoreError> {
        self.builder.add_entity(entity)?;
        self.summary.entities += 1;
        Ok(())
    }

    /// The document that stands for an imported file, added the first time it is cited:
    /// id `import-<file name>`, title from the mapping's `[document]` (with the file name) or
    /// `<directory>/<file name>`.
    pub(super) fn standin(&mut self, file: &Path) -> Result<Id, StoreError> {
        if let Some(id) = self.standins.get(file) {
            return Ok(id.clone());
        }
        let name = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let parent = file
            .parent()
            .and_then(|p| p.file_name())
            .map(|p| p.to_string_lossy().into_owned());
        let shown = match &parent {
            Some(p) => format!("{p}/{name}"),
            None => name.clone(),
        };
        let meta = self.mapping.document();
        let id = slug::fit(&slug::slugify(&format!("import {shown}")), &shown, 0);
        let title = match &meta.title {
            Some(t) => format!("{t} ({name})"),
            None => format!("{shown} (imported dataset)"),
        };
        self.add_document(Document {
            id: id.clone(),
            title,
            publisher: meta.publisher.clone(),
            published: meta.published,
            url: meta.url.clone(),
        })?;
        self.standins.insert(file.to_path_buf(), id.clone());
        Ok(id)
    }

    /// Adds a relation. A mapped kind that does not allow the ends becomes `RELATED` with its
    /// fallback label (counted); an explicit kind that does not is an error.
    pub(super) fn add_relation(&mut self, draft: Draft) -> Result<(), StoreError> {
        let prepared = prepare(self.builder, draft);
        self.add_prepared(prepared)
    }

    /// Adds a relation [`prepare`]d, in its turn: its id numbered if the file gave none (a
    /// fresh id: `<from>.<kind>.<to>`, then `.2`, `.3` for repeats, as the data loader
    /// does), then the checks that depend on the relations before it (the store's
    /// [`GraphBuilder::check_resolved`]; the first problem is the error).
    pub(super) fn add_prepared(&mut self, prepared: Prepared) -> Result<(), StoreError> {
        let Prepared {
            mut resolved,
            numbered,
            fell_back,
        } = prepared;
        let kind = resolved.kind();
        if let Some(is_default) = numbered {
            let ends = match resolved.ends() {
                // The common case, checked without building or parsing the id.
                (Some(f), Some(t)) if is_default => Some((f, kind, t)),
                _ => None,
            };
            // `fit` left room for the number.
            let base = resolved.id().clone();
            let id = self
                .builder
                .free_relation_id(base, ends)
                .expect("an id with a numbered segment");
            if id.as_str() != resolved.id().as_str() {
                resolved.set_id(id);
            }
        }
        let checked = self
            .builder
            .check_resolved(resolved)
            .map_err(|mut problems| problems.swap_remove(0))?;
        self.builder.push_relation(checked)?;
        self.summary.relations += 1;
        if kind == RelationKind::Related {
            self.summary.related += 1;
        }
        if fell_back {
            self.summary.fallbacks += 1;
        }
        Ok(())
    }

    /// Records where an entity's `place` was written.
    pub(super) fn place_at(&mut self, id: Id, site: Site, field: &'static str) {
        self.places.push((id, site, field));
    }

    pub(super) fn check_places(&mut self) {
        if self.places.is_empty() || !self.errors.is_empty() {
            return;
        }
        let sites: HashMap<&Id, (&Site, &str)> =
            self.places.iter().map(|(id, s, f)| (id, (s, *f))).collect();
        let mut found = Vec::new();
        for (id, err) in self.builder.check_places() {
            if let Some((site, field)) = sites.get(&id) {
                found.push(site.error(field, err.to_string()));
            }
        }
        self.errors.extend(found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_those_of_default_ids() {
        let (a, b) = (Id::parse("a").unwrap(), Id::parse("b").unwrap());
        for &kind in RelationKind::ALL {
            let id = format!("a.{}.b", segment(kind));
            assert_eq!(id, Relation::default_id(&a, kind, &b));
        }
    }
}
