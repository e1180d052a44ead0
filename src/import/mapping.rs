//! The mapping file (`--mapping FILE`, TOML): how an imported dataset's relation codes and
//! entity types become dossier's kinds, and the side files that label them.
//!
//! ```toml
//! default_entity_kind = "ORGANISATION"   # for entities no type below names
//!
//! [files]                                # JSON side files, relative to this file
//! entity_types = "entity2types.json"     # {"Q42": ["Q5", …]}: each entity's types
//! relation_labels = "relations.json"     # {"P463": {"label": "member of"}} or {"P463": "member of"}
//! type_labels = "types.json"             # the same shape, for types (kept in `types`)
//! entity_labels = "entities.json"        # the same shape, for entity names
//!
//! [document]                             # the source document each imported file stands for
//! title = "CoDEx-M"
//! publisher = "CoDEx (Safavi and Koutra, EMNLP 2020)"
//! url = "https://…"
//!
//! [entity_types]                         # a type (QID, FtM schema, CSV kind text) → entity kind
//! Q5 = "PERSON"
//!
//! [relations]                            # a relation code or label → relation kind
//! P463 = "MEMBER_OF"
//! P26 = { kind = "RELATIVE_OF", role = "spouse" }
//! P488 = { kind = "LEADS", reverse = true }            # the tail leads the head
//! "award received" = { kind = "RELATED", label = "won" }
//! ```
//!
//! Keys match case-insensitively. A relation is looked up by its code, then by its label.
//!
//! Past 450 lines only with its tests, at the end of the file.

use crate::load::{LoadError, LoadErrors};
use crate::model::{Date, EntityKind, RelationKind};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What a mapped relation code becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationRule {
    /// The kind.
    pub kind: RelationKind,
    /// For `RELATED`: the label to give instead of the dataset's.
    pub label: Option<String>,
    /// The role to record (`spouse` for a `RELATIVE_OF`).
    pub role: Option<String>,
    /// Whether the relation reads from the tail to the head (`chairperson`: the tail leads).
    pub reverse: bool,
}

/// Metadata of the source document that stands for an imported file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentMeta {
    /// Title; the file's name is appended.
    pub title: Option<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// Publication date.
    pub published: Option<Date>,
    /// Where the dataset can be found.
    pub url: Option<String>,
}

/// A parsed mapping file; [`Mapping::default`] maps nothing.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    relations: HashMap<String, RelationRule>,
    entity_types: HashMap<String, EntityKind>,
    default_entity_kind: Option<EntityKind>,
    types_of: HashMap<Box<str>, Box<[Box<str>]>>,
    relation_labels: HashMap<Box<str>, Box<str>>,
    type_labels: HashMap<Box<str>, Box<str>>,
    entity_labels: HashMap<Box<str>, Box<str>>,
    document: DocumentMeta,
    /// The file it was read from; `None` for [`Mapping::default`] (no `--mapping` given).
    file: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    default_entity_kind: Option<Spanned<String>>,
    #[serde(default)]
    files: RawFiles,
    #[serde(default)]
    document: RawDocument,
    #[serde(default)]
    entity_types: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    relations: BTreeMap<String, Spanned<toml::Value>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    entity_types: Option<Spanned<String>>,
    relation_labels: Option<Spanned<String>>,
    type_labels: Option<Spanned<String>>,
    entity_labels: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    title: Option<String>,
    publisher: Option<String>,
    published: Option<Spanned<String>>,
    url: Option<String>,
}

/// A JSON side file value: a label, an object with a `label`, or a list of types.
#[derive(Deserialize)]
#[serde(untagged)]
enum SideValue {
    Text(String),
    Labelled { label: Option<String> },
    List(Vec<String>),
}

impl Mapping {
    /// Reads and checks a mapping file and its side files. Errors name the file, line, column
    /// and key at fault.
    pub fn load(path: &Path) -> Result<Mapping, LoadErrors> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| LoadErrors(vec![at_start(path, "file", format!("cannot read: {e}"))]))?;
        Mapping::parse(path, &text)
    }

    /// Parses a mapping given as text; `path` names it in errors and anchors its side files.
    pub fn parse(path: &Path, text: &str) -> Result<Mapping, LoadErrors> {
        let raw: RawMapping = toml::from_str(text).map_err(|e| {
            let (line, column) = locate(text, e.span().map_or(0, |s| s.start));
            LoadErrors(vec![LoadError {
                file: path.to_path_buf(),
                line,
                column,
                field: "syntax".into(),
                message: e.message().trim().to_string(),
            }])
        })?;
        let mut errors = Vec::new();
        let err = |span: Range<usize>, field: &str, message: String| {
            let (line, column) = locate(text, span.start);
            LoadError {
                file: path.to_path_buf(),
                line,
                column,
                field: field.to_string(),
                message,
            }
        };
        let mut mapping = Mapping {
            file: Some(path.to_path_buf()),
            ..Mapping::default()
        };
        if let Some(k) = &raw.default_entity_kind {
            match k.get_ref().to_ascii_uppercase().parse::<EntityKind>() {
                Ok(kind) => mapping.default_entity_kind = Some(kind),
                Err(e) => errors.push(err(k.span(), "default_entity_kind", e.to_string())),
            }
        }
        for (ty, kind) in &raw.entity_types {
            match kind.get_ref().to_ascii_uppercase().parse::<EntityKind>() {
                Ok(k) => {
                    mapping.entity_types.insert(ty.to_lowercase(), k);
                }
                Err(e) => errors.push(err(
                    kind.span(),
                    &format!("entity_types.{ty}"),
                    e.to_string(),
                )),
            }
        }
        for (key, value) in &raw.relations {
            match rule(value.get_ref()) {
                Ok(r) => {
                    mapping.relations.insert(key.to_lowercase(), r);
                }
                Err(message) => {
                    errors.push(err(value.span(), &format!("relations.{key}"), message))
                }
            }
        }
        let d = raw.document;
        if let Some(p) = &d.published {
            match Date::parse(p.get_ref()) {
                Ok(date) => mapping.document.published = Some(date),
                Err(e) => errors.push(err(p.span(), "document.published", e.to_string())),
            }
        }
        mapping.document.title = d.title.filter(|t| !t.trim().is_empty());
        mapping.document.publisher = d.publisher.filter(|t| !t.trim().is_empty());
        mapping.document.url = d.url.filter(|t| !t.trim().is_empty());
        if !errors.is_empty() {
            return Err(LoadErrors(errors));
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        let side = |name: &str, file: &Option<Spanned<String>>| -> Result<_, LoadError> {
            let Some(file) = file else {
                return Ok(None);
            };
            let full = dir.join(file.get_ref());
            read_side_file(&full).map(Some).map_err(|mut e| {
                if e.line == 0 {
                    e = err(
                        file.span(),
                        &format!("files.{name}"),
                        format!(
                            "cannot read `{}` (a path relative to the mapping file): {}",
                            file.get_ref(),
                            e.message
                        ),
                    );
                }
                e
            })
        };
        let f = &raw.files;
        let mut side_errors = Vec::new();
        let mut take = |name: &str, file: &Option<Spanned<String>>| match side(name, file) {
            Ok(v) => v.unwrap_or_default(),
            Err(e) => {
                side_errors.push(e);
                HashMap::new()
            }
        };
        let types_of = take("entity_types", &f.entity_types);
        let relation_labels = take("relation_labels", &f.relation_labels);
        let type_labels = take("type_labels", &f.type_labels);
        let entity_labels = take("entity_labels", &f.entity_labels);
        if !side_errors.is_empty() {
            return Err(LoadErrors(side_errors));
        }
        mapping.types_of = types_of
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(Box::from).collect()))
            .collect();
        let labels = |m: HashMap<Box<str>, Vec<String>>| -> HashMap<Box<str>, Box<str>> {
            m.into_iter()
                .filter_map(|(k, v)| v.into_iter().next().map(|l| (k, Box::from(l))))
                .collect()
        };
        mapping.relation_labels = labels(relation_labels);
        mapping.type_labels = labels(type_labels);
        mapping.entity_labels = labels(entity_labels);
        Ok(mapping)
    }

    /// The rule for a relation code, or else for its label.
    pub fn relation(&self, code: &str, label: Option<&str>) -> Option<&RelationRule> {
        if self.relations.is_empty() {
            return None;
        }
        self.relations
            .get(&code.to_lowercase())
            .or_else(|| label.and_then(|l| self.relations.get(&l.to_lowercase())))
    }

    /// The kind a type (a QID, an FtM schema, a CSV kind text) maps to.
    pub fn entity_type(&self, ty: &str) -> Option<EntityKind> {
        if self.entity_types.is_empty() {
            return None;
        }
        self.entity_types.get(&ty.to_lowercase()).copied()
    }

    /// The kind for entities no type names.
    pub fn default_entity_kind(&self) -> Option<EntityKind> {
        self.default_entity_kind
    }

    /// The kind of an entity of a triples file: the first of its types (in the side file's
    /// order) that `[entity_types]` maps, else the default.
    pub fn entity_kind(&self, token: &str) -> Option<EntityKind> {
        self.types(token)
            .iter()
            .find_map(|t| self.entity_type(t))
            .or(self.default_entity_kind)
    }

    /// An entity's types, as the side file lists them.
    pub fn types(&self, token: &str) -> &[Box<str>] {
        self.types_of.get(token).map_or(&[], |t| t)
    }

    /// A type's label, else the type itself.
    pub fn type_label<'a>(&'a self, ty: &'a str) -> &'a str {
        self.type_labels.get(ty).map_or(ty, |l| l)
    }

    /// A relation code's label, if the side file gives one.
    pub fn relation_label(&self, code: &str) -> Option<&str> {
        self.relation_labels.get(code).map(|l| &**l)
    }

    /// An entity token's label, if the side file gives one.
    pub fn entity_label(&self, token: &str) -> Option<&str> {
        self.entity_labels.get(token).map(|l| &**l)
    }

    /// The file the mapping was read from; `None` when no mapping file was given.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Whether any entity types or a default are known (a triples file needs one of them).
    pub fn has_entity_kinds(&self) -> bool {
        self.default_entity_kind.is_some() || !self.entity_types.is_empty()
    }

    /// The metadata of the documents that stand for imported files.
    pub fn document(&self) -> &DocumentMeta {
        &self.document
    }
}

/// A `[relations]` value: a kind name, or a table with `kind`, `label`, `role`, `reverse`.
fn rule(value: &toml::Value) -> Result<RelationRule, String> {
    let kind_of = |name: &str| {
        name.to_ascii_uppercase()
            .parse::<RelationKind>()
            .map_err(|e| e.to_string())
    };
    match value {
        toml::Value::String(name) => Ok(RelationRule {
            kind: kind_of(name)?,
            label: None,
            role: None,
            reverse: false,
        }),
        toml::Value::Table(t) => {
            let text = |key: &str| -> Result<Option<String>, String> {
                match t.get(key) {
                    None => Ok(None),
                    Some(toml::Value::String(s)) if !s.trim().is_empty() => {
                        Ok(Some(s.trim().to_string()))
                    }
                    Some(_) => Err(format!("`{key}` must be a non-empty string")),
                }
            };
            if let Some(k) = t
                .keys()
                .find(|k| !["kind", "label", "role", "reverse"].contains(&k.as_str()))
            {
                return Err(format!(
                    "unknown key `{k}` (expected kind, label, role, reverse)"
                ));
            }
            let kind = kind_of(&text("kind")?.ok_or("a rule needs a `kind`")?)?;
            let label = text("label")?;
            if label.is_some() && kind != RelationKind::Related {
                return Err(format!(
                    "only a RELATED rule has its own `label`; {kind} is labelled \"{}\"",
                    kind.label()
                ));
            }
            let reverse = match t.get("reverse") {
                None => false,
                Some(toml::Value::Boolean(b)) => *b,
                Some(_) => return Err("`reverse` must be true or false".into()),
            };
            Ok(RelationRule {
                kind,
                label,
                role: text("role")?,
                reverse,
            })
        }
        _ => Err(
            "expected a relation kind (\"MEMBER_OF\") or a table { kind = …, label = …, role = …, reverse = … }"
                .into(),
        ),
    }
}

/// Reads a JSON side file into code → values (a label is a one-value list). An error with
/// line 0 could not open the file; others point into it.
fn read_side_file(path: &Path) -> Result<HashMap<Box<str>, Vec<String>>, LoadError> {
    let file = std::fs::File::open(path).map_err(|e| LoadError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        field: "file".into(),
        message: e.to_string(),
    })?;
    let raw: HashMap<Box<str>, SideValue> = serde_json::from_reader(std::io::BufReader::new(file))
        .map_err(|e| LoadError {
            file: path.to_path_buf(),
            line: e.line().max(1),
            column: e.column().max(1),
            field: "json".into(),
            message: format!(
                "{e} (expected an object of code → label, {{\"label\": …}} or [types])"
            ),
        })?;
    Ok(raw
        .into_iter()
        .map(|(k, v)| {
            let values = match v {
                SideValue::Text(s) => vec![s],
                SideValue::Labelled { label } => label.into_iter().collect(),
                SideValue::List(l) => l,
            };
            (k, values)
        })
        .collect())
}

fn at_start(path: &Path, field: &str, message: String) -> LoadError {
    LoadError {
        file: PathBuf::from(path),
        line: 1,
        column: 1,
        field: field.into(),
        message,
    }
}

/// 1-based (line, column in characters) of a byte offset in `text`.
pub(super) fn locate(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Mapping, LoadErrors> {
        Mapping::parse(Path::new("m.toml"), text)
    }

    #[test]
    fn rules_are_found_by_code_or_label_in_any_case() {
        let m = parse(
            "default_entity_kind = \"PLACE\"\n[entity_types]\nQ5 = \"PERSON\"\n[relations]\nP463 = \"MEMBER_OF\"\n\"Award Received\" = { kind = \"RELATED\", label = \"won\" }\nP488 = { kind = \"LEADS\", reverse = true }\n",
        )
        .unwrap();
        assert_eq!(
            m.relation("p463", None).unwrap().kind,
            RelationKind::MemberOf
        );
        let won = m.relation("P166", Some("award received")).unwrap();
        assert_eq!(won.label.as_deref(), Some("won"));
        assert!(m.relation("P488", None).unwrap().reverse);
        assert_eq!(m.entity_type("q5"), Some(EntityKind::Person));
        assert_eq!(m.entity_kind("Q1"), Some(EntityKind::Place));
    }

    #[test]
    fn an_unknown_kind_is_reported_at_its_line_and_key() {
        let err = parse("[relations]\nP1 = \"MEMBER_OF\"\nP463 = \"MEMBERS_OF\"\n").unwrap_err();
        assert_eq!(err.0.len(), 1);
        let e = &err.0[0];
        assert_eq!((e.line, e.column), (3, 8));
        assert_eq!(e.field, "relations.P463");
        assert!(e.message.contains("MEMBERS_OF"), "{e}");
        let err = parse("[entity_types]\nQ5 = \"HUMAN\"\n").unwrap_err();
        assert_eq!(err.0[0].field, "entity_types.Q5");
        assert_eq!(err.0[0].line, 2);
    }

    #[test]
    fn a_label_on_a_vocabulary_rule_and_unknown_keys_are_refused() {
        let err = parse("[relations]\nP1 = { kind = \"MEMBER_OF\", label = \"x\" }\n").unwrap_err();
        assert!(err.0[0].message.contains("only a RELATED rule"), "{err}");
        let err = parse("[relations]\nP1 = { kind = \"MEMBER_OF\", rol = \"x\" }\n").unwrap_err();
        assert!(err.0[0].message.contains("unknown key `rol`"), "{err}");
        let err = parse("colour = 1\n").unwrap_err();
        assert_eq!(err.0[0].field, "syntax");
    }

    #[test]
    fn a_missing_side_file_names_the_key() {
        let err = parse("[files]\nentity_types = \"nowhere.json\"\n").unwrap_err();
        assert_eq!(err.0[0].field, "files.entity_types");
        assert_eq!(err.0[0].line, 2);
    }
}
