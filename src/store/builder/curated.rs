//! What curation adds to a builder: documents' text, merged ids, distinct pairs, and the
//! check that merged ids and entities do not overlap.

use super::GraphBuilder;
use crate::model::Id;
use crate::store::curated;
use crate::store::error::StoreError;
use crate::store::graph::Edge;
use crate::store::records::QuoteIs;

impl GraphBuilder {
    /// Gives a document its full text (or takes it away), against which later quotes are
    /// checked word for word. Fails if the document is unknown or a relation added already
    /// quotes it with words the text does not have. O(citations), or O(citations added
    /// since the layout) for a document added over a version; when a quote of it is kept as
    /// a template (see `store::quotes`), the relations are read too (all of them, or those
    /// changed since the layout).
    pub fn set_document_text(&mut self, id: &Id, text: Option<&str>) -> Result<(), StoreError> {
        let Some(&d) = self.graph.document_index.get(id) else {
            return Err(StoreError::Unknown {
                field: "document",
                what: "document",
                id: id.to_string(),
            });
        };
        let Some(text) = text else {
            self.curated.texts.remove(id);
            return Ok(());
        };
        // A document added over a version can only be cited by citations added since: those
        // are read, not every citation.
        let new_here = matches!(self.start, Some(s) if d as usize >= s.documents);
        let g = &self.graph;
        let (since, all) = match new_here {
            true => (g.citations.layer(), None),
            false => (&[][..], Some(g.citations.iter())),
        };
        let quoted = (since.iter())
            .chain(all.into_iter().flatten())
            .filter(|c| c.document == d);
        let not_verbatim = |quote: &str| StoreError::NotVerbatim {
            document: id.to_string(),
            quote: quote.chars().take(60).collect(),
        };
        let mut templates = false;
        for c in quoted {
            match c.quote.is() {
                QuoteIs::Text(span) if !curated::is_verbatim(g.text.get(span), text) => {
                    return Err(not_verbatim(g.text.get(span)));
                }
                QuoteIs::Text(_) => {}
                QuoteIs::Template { .. } => templates = true,
            }
        }
        if templates {
            // A template is filled from the relation that cites it: the relations are read
            // (those changed since the layout, for a document added since).
            let edges: Box<dyn Iterator<Item = usize>> = match new_here {
                true => Box::new(g.relations.changed()),
                false => Box::new(0..g.edge_bound()),
            };
            for e in edges.map(Edge::new).filter(|&e| !g.edge_removed(e)) {
                let r = g.relation(e);
                for c in r.citations() {
                    let record = c.record();
                    if record.document == d && matches!(record.quote.is(), QuoteIs::Template { .. })
                    {
                        let quote = c.quote();
                        if !curated::is_verbatim(&quote, text) {
                            return Err(not_verbatim(&quote));
                        }
                    }
                }
            }
        }
        self.curated.texts.insert(id.clone(), text.into());
        Ok(())
    }

    /// Records that `id` was merged into `into` (`None`: undoes it). `into` must be an entity
    /// of the graph and `id` must not be one.
    pub fn set_merged(&mut self, id: &Id, into: Option<&Id>) -> Result<(), StoreError> {
        let Some(into) = into else {
            self.curated.merged.remove(id);
            return Ok(());
        };
        if self.has_entity(id.as_str()) {
            return Err(StoreError::Duplicate {
                what: "an entity",
                id: id.to_string(),
            });
        }
        if !self.has_entity(into.as_str()) {
            return Err(StoreError::Unknown {
                field: "keep",
                what: "entity",
                id: into.to_string(),
            });
        }
        self.curated.merged.insert(id.clone(), into.clone());
        Ok(())
    }

    /// Records (or takes back) the judgement that `a` and `b` are not the same.
    pub fn set_distinct(&mut self, a: &Id, b: &Id, distinct: bool) {
        let pair = curated::pair(a, b);
        if distinct {
            self.curated.distinct.insert(pair);
        } else {
            self.curated.distinct.remove(&pair);
        }
    }

    /// Checks that no merged id is also an entity (an entity added back under an id merged
    /// since: a revert of its removal) and that each resolves to one. O(merged ids).
    pub fn check_merges(&self) -> Vec<(Id, StoreError)> {
        let mut errors = Vec::new();
        for (old, into) in self.curated.merged.iter() {
            if self.has_entity(old.as_str()) {
                errors.push((
                    old.clone(),
                    StoreError::Conflict {
                        what: "entity",
                        id: old.to_string(),
                        message: format!("its id was merged into `{into}`"),
                    },
                ));
            } else if !self.has_entity(into.as_str()) {
                errors.push((
                    old.clone(),
                    StoreError::Unknown {
                        field: "keep",
                        what: "entity",
                        id: into.to_string(),
                    },
                ));
            }
        }
        errors
    }
}
