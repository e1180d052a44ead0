//! The fields every format writes, computed once: the flat (text) form for GraphML, GEXF, CSV
//! and DOT, the JSON form for node-link and Cytoscape, and the attribute columns with one type
//! each.
//!
//! Past 450 lines only with its tests, at the end of the file.

use super::brokers::brokers;
use super::Prepared;
use crate::model::{AttributeValue, Attributes, Date, Document};
use crate::store::{Edge, EntityRef, Graph, Node, RelationRef};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value as Json};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Separator of aliases and roles in flat formats.
pub(crate) const LIST_SEPARATOR: &str = "; ";
/// Separator of the quotes of several citations in flat formats.
pub(crate) const QUOTE_SEPARATOR: &str = " | ";

/// The fixed entity fields of flat formats, in column order (`id` is written by each format).
pub(crate) const NODE_FIELDS: &[&str] = &[
    "kind",
    "name",
    "aliases",
    "description",
    "roles",
    "start",
    "end",
    "place",
    "place_name",
];

/// The fixed relation fields of flat formats, in column order (`id` and the two ends are
/// written by each format).
pub(crate) const EDGE_FIELDS: &[&str] = &[
    "kind",
    "label",
    "date",
    "until",
    "role",
    "claim",
    "description",
    "quote",
    "document",
    "document_title",
];

/// Field names an attribute may not take besides the fixed fields ([`NODE_FIELDS`],
/// [`EDGE_FIELDS`]): `id`, and the names formats give structure (`source`, `target`, `key`,
/// `value`, `element`…). An attribute with one of these names is written as `attr_<name>`.
const STRUCTURE_FIELDS: &[&str] = &[
    "id",
    "citations",
    "from",
    "to",
    "source",
    "target",
    "key",
    "value",
    "element",
    "spells",
    "broker",
    "page_ref",
];

/// Whether an attribute may not take `name`: a fixed field's, or one of
/// [`STRUCTURE_FIELDS`].
pub(crate) fn reserved(name: &str) -> bool {
    [NODE_FIELDS, EDGE_FIELDS, STRUCTURE_FIELDS]
        .iter()
        .any(|names| names.contains(&name))
}

/// The field name an attribute is written under.
pub(crate) fn attribute_field(name: &str) -> Cow<'_, str> {
    if reserved(name) {
        Cow::Owned(format!("attr_{name}"))
    } else {
        Cow::Borrowed(name)
    }
}

/// The fixed fields of an entity as text, in [`NODE_FIELDS`] order, absent ones left out.
pub(crate) fn node_texts(graph: &Graph, node: Node) -> Vec<(&'static str, Cow<'_, str>)> {
    let e = graph.entity(node);
    let mut out: Vec<(&'static str, Cow<'_, str>)> = vec![
        ("kind", Cow::Borrowed(e.kind().name())),
        ("name", Cow::Borrowed(e.name())),
    ];
    if !e.aliases().is_empty() {
        out.push(("aliases", Cow::Owned(e.aliases().join(LIST_SEPARATOR))));
    }
    if let Some(d) = e.description() {
        out.push(("description", Cow::Borrowed(d)));
    }
    if !e.roles().is_empty() {
        out.push(("roles", Cow::Owned(e.roles().join(LIST_SEPARATOR))));
    }
    if let Some(d) = e.start() {
        out.push(("start", Cow::Owned(d.to_string())));
    }
    if let Some(d) = e.end() {
        out.push(("end", Cow::Owned(d.to_string())));
    }
    if let Some(p) = e.place() {
        out.push(("place", Cow::Borrowed(p.as_str())));
        if let Some(name) = place_name(graph, p.as_str()) {
            out.push(("place_name", Cow::Borrowed(name)));
        }
    }
    out
}

/// The name of the place with this id, if it exists.
pub(crate) fn place_name<'g>(graph: &'g Graph, id: &str) -> Option<&'g str> {
    graph.node(id).map(|n| graph.entity(n).name())
}

/// The fixed fields of a relation as text, in [`EDGE_FIELDS`] order, absent ones left out.
pub(crate) fn edge_texts(graph: &Graph, edge: Edge) -> Vec<(&'static str, Cow<'_, str>)> {
    let r = graph.relation(edge);
    let mut out: Vec<(&'static str, Cow<'_, str>)> = vec![
        ("kind", Cow::Borrowed(r.kind().name())),
        ("label", Cow::Borrowed(r.label())),
    ];
    if let Some(d) = r.date() {
        out.push(("date", Cow::Owned(d.to_string())));
    }
    if let Some(d) = r.until() {
        out.push(("until", Cow::Owned(d.to_string())));
    }
    if let Some(role) = r.role() {
        out.push(("role", Cow::Borrowed(role)));
    }
    if let Some(c) = r.claim() {
        out.push(("claim", Cow::Borrowed(c.name())));
    }
    if let Some(d) = r.description() {
        out.push(("description", Cow::Borrowed(d)));
    }
    out.push(("quote", Cow::Owned(quotes(r))));
    if let Some(c) = r.citation(0) {
        let doc = c.document();
        out.push(("document", Cow::Borrowed(doc.id.as_str())));
        out.push(("document_title", Cow::Borrowed(doc.title.as_str())));
    }
    out
}

/// The quotes of a relation's citations, joined with [`QUOTE_SEPARATOR`].
pub(crate) fn quotes(r: RelationRef<'_>) -> String {
    r.citations()
        .map(|c| c.quote())
        .collect::<Vec<_>>()
        .join(QUOTE_SEPARATOR)
}

/// The documents cited by the view's relations, in id order.
pub(crate) fn cited_documents<'g>(graph: &'g Graph, view: &Prepared) -> Vec<&'g Document> {
    let ids: BTreeSet<&str> = view
        .edges
        .iter()
        .flat_map(|&e| graph.relation(e).citations())
        .map(|c| c.document().id.as_str())
        .collect();
    ids.into_iter()
        .filter_map(|id| graph.document(id))
        .collect()
}

/// The type of a flat attribute column: one per name across the whole view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnType {
    /// Every value is a whole number.
    Integer,
    /// Every value is a number, some with decimals.
    Float,
    /// Every value is true or false.
    Bool,
    /// Anything else: values are written as text.
    Text,
}

impl ColumnType {
    fn of(v: &AttributeValue) -> ColumnType {
        match v {
            AttributeValue::Integer(_) => ColumnType::Integer,
            AttributeValue::Float(_) => ColumnType::Float,
            AttributeValue::Bool(_) => ColumnType::Bool,
            AttributeValue::Text(_) => ColumnType::Text,
        }
    }

    fn unify(self, other: ColumnType) -> ColumnType {
        use ColumnType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Integer, Float) | (Float, Integer) => Float,
            _ => Text,
        }
    }
}

/// One attribute column: the attribute's name, the field it is written under, its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttributeColumn {
    /// The attribute's name in the data.
    pub(crate) attribute: String,
    /// The field name written (see [`attribute_field`]).
    pub(crate) field: String,
    /// The one type every value is written as.
    pub(crate) ty: ColumnType,
}

impl AttributeColumn {
    /// This column's value in `attributes`, as text of the column's type.
    pub(crate) fn text(&self, attributes: &Attributes) -> Option<String> {
        let v = attributes.get(&self.attribute)?;
        Some(match (self.ty, v) {
            (ColumnType::Float, AttributeValue::Integer(i)) => format!("{:?}", *i as f64),
            (ColumnType::Float, AttributeValue::Float(x)) => format!("{x:?}"),
            _ => v.to_string(),
        })
    }
}

/// The attribute columns of a set of records, in name order, each with one type.
pub(crate) fn attribute_columns<'a>(
    records: impl Iterator<Item = &'a Attributes>,
) -> Vec<AttributeColumn> {
    let mut types: BTreeMap<&str, ColumnType> = BTreeMap::new();
    for attrs in records {
        for (name, v) in attrs {
            let t = ColumnType::of(v);
            types
                .entry(name.as_str())
                .and_modify(|old| *old = old.unify(t))
                .or_insert(t);
        }
    }
    let mut taken: HashSet<String> = HashSet::new();
    types
        .into_iter()
        .map(|(name, ty)| {
            let mut field = attribute_field(name).into_owned();
            while !taken.insert(field.clone()) {
                field.push('_');
            }
            AttributeColumn {
                attribute: name.to_string(),
                field,
                ty,
            }
        })
        .collect()
}

/// The attribute columns of the view's entities.
pub(crate) fn node_columns(graph: &Graph, view: &Prepared) -> Vec<AttributeColumn> {
    attribute_columns(view.nodes.iter().map(|&n| graph.entity(n).attributes()))
}

/// The attribute columns of the view's relations.
pub(crate) fn edge_columns(graph: &Graph, view: &Prepared) -> Vec<AttributeColumn> {
    attribute_columns(view.edges.iter().map(|&e| graph.relation(e).attributes()))
}

/// A JSON object that keeps its keys in the order they were added (the fields in a fixed,
/// readable order, `id` first), whatever `serde_json`'s map does.
#[derive(Debug, Default)]
pub(crate) struct Object(pub(crate) Vec<(Cow<'static, str>, Json)>);

impl Object {
    /// Adds a field.
    pub(crate) fn put(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Json>) {
        self.0.push((key.into(), value.into()));
    }

    /// Adds a field if the value is present.
    pub(crate) fn put_some<T: Into<Json>>(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: Option<T>,
    ) {
        if let Some(v) = value {
            self.put(key, v);
        }
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k.as_ref(), v)?;
        }
        map.end()
    }
}

fn date_text(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn attribute_json(v: &AttributeValue) -> Json {
    match v {
        AttributeValue::Integer(i) => json!(i),
        AttributeValue::Float(x) => json!(x),
        AttributeValue::Text(s) => json!(s),
        AttributeValue::Bool(b) => json!(b),
    }
}

fn put_attributes(obj: &mut Object, attributes: &Attributes) {
    for (name, v) in attributes {
        let field = attribute_field(name).into_owned();
        if obj.0.iter().all(|(k, _)| *k != field) {
            obj.put(field, attribute_json(v));
        }
    }
}

/// An object that starts with `id`, then a format's `extra` keys.
fn with_id(id: impl Into<Json>, extra: &[(&'static str, Json)]) -> Object {
    let mut o = Object::default();
    o.put("id", id);
    for (k, v) in extra {
        o.put(*k, v.clone());
    }
    o
}

/// An entity's fields as JSON, lists kept as lists: `id`, `kind`, `name`, `aliases`,
/// `description`, `roles`, `start`, `end`, `place`, `place_name`, then the attributes.
/// Format-specific keys go after `id` via `extra`.
pub(crate) fn node_json(graph: &Graph, node: Node, extra: &[(&'static str, Json)]) -> Object {
    let e = graph.entity(node);
    let mut o = with_id(e.id(), extra);
    o.put("kind", e.kind().name());
    o.put("name", e.name());
    o.put("aliases", e.aliases());
    o.put_some("description", e.description());
    o.put("roles", e.roles());
    o.put_some("start", date_text(e.start()));
    o.put_some("end", date_text(e.end()));
    if let Some(p) = e.place() {
        o.put("place", p.as_str());
        o.put_some("place_name", place_name(graph, p.as_str()));
    }
    put_attributes(&mut o, e.attributes());
    o
}

/// A relation as the JSON graph formats write it (node-link links, Cytoscape edges): its ends
/// as `source` and `target`, its id again as `key` (a multigraph's edge key), then the rest of
/// [`edge_json`].
pub(crate) fn link_json(graph: &Graph, edge: Edge) -> Object {
    let r = graph.relation(edge);
    let extra = [
        ("source", Json::from(r.from())),
        ("target", Json::from(r.to())),
        ("key", Json::from(r.id())),
    ];
    edge_json(graph, edge, &extra)
}

/// A relation's fields as JSON: `id`, the format's `extra` keys (ends, key), `kind`, `label`,
/// `date`, `until`, `role`, `claim`, `description`, `citations` (`{document, title, quote}`),
/// then the attributes.
pub(crate) fn edge_json(graph: &Graph, edge: Edge, extra: &[(&'static str, Json)]) -> Object {
    let r = graph.relation(edge);
    let mut o = with_id(r.id(), extra);
    o.put("kind", r.kind().name());
    o.put("label", r.label());
    o.put_some("date", date_text(r.date()));
    o.put_some("until", date_text(r.until()));
    o.put_some("role", r.role());
    o.put_some("claim", r.claim().map(|c| c.name()));
    o.put_some("description", r.description());
    let citations: Vec<Json> = r
        .citations()
        .map(|c| {
            let mut obj = serde_json::Map::new();
            let d = c.document();
            obj.insert("document".into(), json!(d.id.as_str()));
            obj.insert("title".into(), json!(d.title));
            obj.insert("quote".into(), json!(c.quote()));
            Json::Object(obj)
        })
        .collect();
    o.put("citations", citations);
    put_attributes(&mut o, r.attributes());
    o
}

/// A source document as JSON: `id`, `title`, `publisher`, `published`, `url`.
pub(crate) fn document_json(d: &Document) -> Object {
    let mut o = Object::default();
    o.put("id", d.id.as_str());
    o.put("title", d.title.as_str());
    o.put_some("publisher", d.publisher.clone());
    o.put_some("published", date_text(d.published));
    o.put_some("url", d.url.clone());
    o
}

/// The graph-level object of the JSON formats: a name and the cited documents.
pub(crate) fn graph_json(graph: &Graph, view: &Prepared) -> Object {
    let mut o = Object::default();
    o.put("name", "dossier");
    o.put("graph_version", graph.version());
    let docs: Vec<Json> = cited_documents(graph, view)
        .into_iter()
        .map(|d| serde_json::to_value(document_json(d)).expect("plain JSON"))
        .collect();
    o.put("documents", docs);
    if let Some(note) = &view.note {
        o.put("truncated", note.truncated);
        o.put("truncation", note.text.as_str());
        if let Some(page) = &note.page {
            o.put("page", page.number);
            o.put("pages", page.pages);
            o.put_some("next_page", page.next.clone());
        }
    }
    o
}

/// The entities of the view as the JSON formats (node-link, Cytoscape) write them:
/// [`node_json`] with the format's `first` keys, then `broker` (whether removing it splits
/// the view) and, for an entity on a page only as the other end of a relation, `page_ref`.
pub(crate) fn nodes_json(
    graph: &Graph,
    view: &Prepared,
    first: impl Fn(EntityRef<'_>) -> Vec<(&'static str, Json)>,
) -> Vec<Object> {
    let brokers = brokers(graph, view);
    view.nodes
        .iter()
        .map(|&n| {
            let mut extra = first(graph.entity(n));
            extra.push(("broker", brokers.contains(&n).into()));
            extra.extend(view.is_ref(n).then_some(("page_ref", Json::Bool(true))));
            node_json(graph, n, &extra)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttributeValue::*;

    fn attrs(pairs: &[(&str, AttributeValue)]) -> Attributes {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn attribute_columns_get_one_type_each_and_never_shadow_a_field() {
        let a = attrs(&[
            ("count", Integer(3)),
            ("ratio", Integer(1)),
            ("mixed", Bool(true)),
            ("date", Text("x".into())),
        ]);
        let b = attrs(&[("ratio", Float(0.5)), ("mixed", Integer(2))]);
        let cols = attribute_columns([&a, &b].into_iter());
        let summary: Vec<(&str, &str, ColumnType)> = cols
            .iter()
            .map(|c| (c.attribute.as_str(), c.field.as_str(), c.ty))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("count", "count", ColumnType::Integer),
                ("date", "attr_date", ColumnType::Text),
                ("mixed", "mixed", ColumnType::Text),
                ("ratio", "ratio", ColumnType::Float),
            ]
        );
        assert_eq!(cols[3].text(&a).as_deref(), Some("1.0"));
        assert_eq!(cols[2].text(&b).as_deref(), Some("2"));
    }

    #[test]
    fn an_object_keeps_its_key_order() {
        let mut o = Object::default();
        o.put("id", "b");
        o.put("aardvark", 1);
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"id":"b","aardvark":1}"#
        );
    }
}
