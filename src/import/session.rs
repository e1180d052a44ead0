//! The state shared by the importers: the builder, what was added, the errors so far, and
//! the relation drafts whose kind may fall back to `RELATED`.

use super::first::Tables;
use super::{slug, ImportSummary, Mapping, Progress, MAX_ERRORS};
use crate::load::LoadError;
use crate::model::{
    Attributes, Citation, ClaimStatus, Date, Document, Entity, Id, Relation, RelationKind,
};
use crate::store::{GraphBuilder, Node, StoreError};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

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

    /// A fresh relation id: `<from>.<kind>.<to>`, then `.2`, `.3` for repeats, as the data
    /// loader does; shortened with a hash if too long.
    pub(super) fn relation_id(
        &self,
        from: &Id,
        kind: RelationKind,
        to: &Id,
        ends: (Option<Node>, Option<Node>),
    ) -> Id {
        let base = Relation::default_id(from, kind, to);
        let base = slug::fit(&base, &base, 8);
        // Not shortened by `fit` (a kind's id segment is as long as its name).
        let is_default =
            base.as_str().len() == from.as_str().len() + kind.name().len() + to.as_str().len() + 2;
        let ends = match ends {
            // The common case, checked without building or parsing the id.
            (Some(f), Some(t)) if is_default => Some((f, kind, t)),
            _ => None,
        };
        // `fit` left room for the number.
        self.builder
            .free_relation_id(base, ends)
            .expect("an id with a numbered segment")
    }

    /// Adds a relation. A mapped kind that does not allow the ends becomes `RELATED` with its
    /// fallback label (counted); an explicit kind that does not is an error.
    pub(super) fn add_relation(&mut self, mut draft: Draft) -> Result<(), StoreError> {
        // Each end looked up once, here (an unknown one is the store's error to report).
        let ends = (
            self.builder.node(draft.from.as_str()),
            self.builder.node(draft.to.as_str()),
        );
        let mut fell_back = false;
        if let (Some(f), Some(t)) = ends {
            if !draft
                .kind
                .allows(self.builder.kind_of(f), self.builder.kind_of(t))
            {
                fell_back = draft.fall_back();
            }
        }
        let kind = draft.kind;
        let relation = self.relation(draft, ends);
        self.builder.add_relation_between(ends, relation)?;
        self.summary.relations += 1;
        if kind == RelationKind::Related {
            self.summary.related += 1;
        }
        if fell_back {
            self.summary.fallbacks += 1;
        }
        Ok(())
    }

    pub(super) fn relation(&self, d: Draft, ends: (Option<Node>, Option<Node>)) -> Relation {
        let id = match d.id {
            Some(id) => id,
            None => self.relation_id(&d.from, d.kind, &d.to, ends),
        };
        Relation {
            id,
            kind: d.kind,
            label: d.label,
            from: d.from,
            to: d.to,
            date: d.date,
            until: d.until,
            role: d.role,
            claim: d.claim,
            description: d.description,
            citations: d.citations,
            attributes: d.attributes,
        }
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
