//! Tab-separated triples (`head<TAB>relation<TAB>tail`, as CoDEx, FB15k or WN18 ship them).
//!
//! Entities are created on first sight: id the token slugified (`Q42` → `q42`; an entity of
//! `data/` or of another source with that id is used instead), name the token or its label
//! from the mapping's `entity_labels`, kind from the mapping (the entity's types, then
//! `default_entity_kind`), and the labels of its types in the attribute `types`. A relation's
//! kind comes from the mapping's `[relations]`, else it is `RELATED` with the code's label
//! (`relation_labels`) or the code itself. Each relation cites the document standing for the
//! file, quoting its line. Repeated triples are kept, with ids `.2`, `.3` as the data loader
//! gives.

use super::parallel::each_line;
use super::{slug, Draft, RelationRule, Session, Site};
use crate::load::LoadError;
use crate::model::{AttributeValue, Citation, Entity, Id, RelationKind};
use hashbrown::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

/// Refuses a triples file up front when the mapping gives its entities no kind.
pub(super) fn check_mapping(cx: &mut Session, path: &Path) {
    if cx.mapping.has_entity_kinds() {
        return;
    }
    const WHY: &str = "a triples file names its entities by tokens alone (`Q42`), never by kind, \
        so a mapping file must give their kind: `default_entity_kind = \"ORGANISATION\"` for all, \
        or `[entity_types]` with an `entity_types` side file for each (see the README, \
        \"The mapping file\")";
    let message = match cx.mapping.file() {
        None => format!(
            "no mapping file was given (`--mapping FILE`; `--import-mapping FILE` for `serve`): {WHY}"
        ),
        Some(file) => format!(
            "the mapping file {} gives no entity kinds: {WHY}",
            file.display()
        ),
    };
    cx.push(Site::new(path, 1, 1).error("mapping", message));
}

/// What a relation code becomes.
struct Verb {
    rule: Option<RelationRule>,
    label: String,
}

/// Reads a triples file, adding its entities and relations.
pub(super) fn read(cx: &mut Session, path: &Path) {
    if !cx.mapping.has_entity_kinds() {
        return;
    }
    let doc = match cx.standin(path) {
        Ok(id) => id,
        Err(e) => return cx.push(Site::new(path, 1, 1).error("document", e.to_string())),
    };
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let mut file = TriplesFile {
        path,
        doc,
        ids: HashMap::new(),
        mine: HashSet::new(),
        verbs: HashMap::new(),
    };
    each_line(
        cx,
        path,
        &name,
        |n, line| split(path, n, line),
        |cx, n, line, columns| file.line(cx, n, line, columns),
    );
}

/// A line cut into its three columns, each trimmed, with the column (in characters) it
/// starts at.
enum Columns {
    Blank,
    Wrong(LoadError),
    Three([(Range<usize>, usize); 3]),
}

/// Cuts line `n` at its tabs (on the pool).
fn split(path: &Path, n: usize, line: &str) -> Columns {
    if line.trim().is_empty() {
        return Columns::Blank;
    }
    let columns: Vec<&str> = line.splitn(4, '\t').collect();
    if columns.len() != 3 {
        let found = line.split('\t').count();
        return Columns::Wrong(Site::new(path, n, 1).error(
            "columns",
            format!("expected 3 tab-separated columns (head, relation, tail), found {found}"),
        ));
    }
    let mut column = 1;
    let mut at = [0; 3];
    for (i, c) in columns.iter().enumerate() {
        at[i] = column;
        column += c.chars().count() + 1;
    }
    for (i, field) in ["head", "relation", "tail"].into_iter().enumerate() {
        if columns[i].trim().is_empty() {
            return Columns::Wrong(Site::new(path, n, at[i]).error(field, "is empty"));
        }
    }
    let range = |c: &str| {
        let t = c.trim();
        let start = t.as_ptr() as usize - line.as_ptr() as usize;
        start..start + t.len()
    };
    Columns::Three([0, 1, 2].map(|i| (range(columns[i]), at[i])))
}

struct TriplesFile<'a> {
    path: &'a Path,
    /// The document standing for this file.
    doc: Id,
    /// Token → entity id, for every token seen.
    ids: HashMap<Box<str>, Id>,
    /// The entities this file created (to tell a slug clash from a reference to `data/`).
    mine: HashSet<Id>,
    /// Relation code → what it becomes.
    verbs: HashMap<Box<str>, Verb>,
}

impl TriplesFile<'_> {
    fn line(&mut self, cx: &mut Session, n: usize, line: &str, columns: Columns) {
        let [(head, head_at), (code, _), (tail, tail_at)] = match columns {
            Columns::Blank => return,
            Columns::Wrong(e) => return cx.push(e),
            Columns::Three(c) => c.map(|(range, at)| (&line[range], at)),
        };
        let from = self.entity(cx, head, Site::new(self.path, n, head_at), "head");
        let to = self.entity(cx, tail, Site::new(self.path, n, tail_at), "tail");
        let (Some(from), Some(to)) = (from, to) else {
            return;
        };
        let verb = self.verbs.entry(code.into()).or_insert_with(|| {
            let label = cx.mapping.relation_label(code).unwrap_or(code).to_string();
            let rule = cx.mapping.relation(code, Some(&label)).cloned();
            Verb { rule, label }
        });
        let citation = Citation {
            document: self.doc.clone(),
            quote: line.to_string(),
        };
        let draft = match &verb.rule {
            Some(rule) if rule.kind == RelationKind::Related => {
                let mut d = Draft::new(RelationKind::Related, from, to, vec![citation]);
                d.label = Some(rule.label.clone().unwrap_or_else(|| verb.label.clone()));
                d.role = rule.role.clone();
                d
            }
            Some(rule) => {
                let (from, to) = if rule.reverse { (to, from) } else { (from, to) };
                let mut d = Draft::new(rule.kind, from, to, vec![citation]);
                d.fallback = Some(verb.label.clone());
                d.reversed = rule.reverse;
                d.role = rule.role.clone();
                d
            }
            None => {
                let mut d = Draft::new(RelationKind::Related, from, to, vec![citation]);
                d.label = Some(verb.label.clone());
                d
            }
        };
        if let Err(e) = cx.add_relation(draft) {
            cx.push(Site::new(self.path, n, 1).error(e.field().unwrap_or("line"), e.to_string()));
        }
    }

    /// The id of the entity a token names, creating it on first sight.
    fn entity(&mut self, cx: &mut Session, token: &str, site: Site, field: &str) -> Option<Id> {
        if let Some(id) = self.ids.get(token) {
            return Some(id.clone());
        }
        let mut id = slug::token_id(token);
        if cx.builder.has_entity(id.as_str()) {
            if !self.mine.contains(&id) {
                // An entity of data/ or of another source: refer to it.
                self.ids.insert(token.into(), id.clone());
                return Some(id);
            }
            id = slug::distinct_id(token, |s| cx.builder.has_entity(s));
        }
        let Some(kind) = cx.mapping.entity_kind(token) else {
            cx.push(site.error(
                field,
                format!("no entity kind for `{token}`: the mapping's [entity_types] names none of its types, and it has no default_entity_kind"),
            ));
            return None;
        };
        let name = cx.mapping.entity_label(token).unwrap_or(token);
        let mut entity = Entity::new(id.clone(), kind, name);
        if name != token {
            entity.aliases.push(token.to_string());
        }
        let types = cx.mapping.types(token);
        if !types.is_empty() {
            let labels: Vec<&str> = types.iter().map(|t| cx.mapping.type_label(t)).collect();
            entity
                .attributes
                .insert("types".into(), AttributeValue::Text(labels.join(", ")));
        }
        if let Err(e) = cx.add_entity(entity) {
            cx.push(site.error(field, e.to_string()));
            return None;
        }
        self.mine.insert(id.clone());
        self.ids.insert(token.into(), id.clone());
        Some(id)
    }
}
