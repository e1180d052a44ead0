//! CSV for pandas: the two plain tables (`nodes.csv`, `edges.csv`) and the one long table that
//! holds both (see the module documentation of [`crate::export`]).
//!
//! Comma-separated, a header row, fields quoted only when needed (`"` doubled; newlines kept
//! inside quotes, which `pandas.read_csv` reads back as they were), UTF-8 without a byte-order
//! mark. Absent values are empty cells (NaN in pandas).

use super::fields::{
    edge_columns, edge_texts, node_columns, node_texts, AttributeColumn, EDGE_FIELDS, NODE_FIELDS,
};
use super::{Prepared, View};
use crate::store::{Edge, Graph, Node};
use std::borrow::Cow;
use std::collections::HashMap;

/// The two tables of a view: `nodes.csv` (`id`, `kind`, `name`, `aliases`, `description`,
/// `roles`, `start`, `end`, `place`, `place_name`, then one column per attribute) and
/// `edges.csv` (`id`, `kind`, `label`, `from`, `to`, `date`, `until`, `role`, `claim`,
/// `description`, `quote`, `document`, `document_title`, then one column per attribute).
/// O(V + E).
pub fn csv_tables(graph: &Graph, view: &View) -> (String, String) {
    csv_tables_cut(graph, view, None)
}

/// [`csv_tables`], with a last row in the nodes table (`id` = `#truncated`, the note in
/// `description`) when a limit cut the view short. The edges table has no such row, so that
/// every row of it stays an edge.
pub fn csv_tables_cut(graph: &Graph, view: &View, cut: Option<super::Cut>) -> (String, String) {
    let mut view = Prepared::new(graph, view);
    view.note = cut.map(super::Note::cut);
    (nodes_table(graph, &view), edges_table(graph, &view))
}

/// The two tables of a page of the whole graph: the nodes table with a `page_ref` column
/// (`true` for the other ends on other pages) and a last row with `id` = `#truncated` (or
/// `#page` when the page is the whole graph) and the page's note in `description`.
pub fn csv_tables_page(graph: &Graph, paged: &super::Paged) -> (String, String) {
    let view = Prepared::page(graph, paged);
    (nodes_table(graph, &view), edges_table(graph, &view))
}

/// The row that says an export was cut short or is a page, keyed `key` = `value`
/// (`None`: `#` and the note's tag, `#truncated` or `#page`).
fn note_row<'g>(
    view: &'g Prepared,
    key: &str,
    value: Option<&'g str>,
) -> Option<HashMap<String, Cow<'g, str>>> {
    let note = view.note.as_ref()?;
    let value = match value {
        Some(v) => Cow::Borrowed(v),
        None => Cow::Owned(format!("#{}", note.tag())),
    };
    Some(HashMap::from([
        (key.to_string(), value),
        ("description".to_string(), Cow::Borrowed(note.text.as_str())),
    ]))
}

fn node_header(attrs: &[AttributeColumn], paged: bool) -> Vec<String> {
    std::iter::once("id")
        .chain(NODE_FIELDS.iter().copied())
        .chain(paged.then_some("page_ref"))
        .map(String::from)
        .chain(attrs.iter().map(|c| c.field.clone()))
        .collect()
}

fn edge_header(attrs: &[AttributeColumn]) -> Vec<String> {
    let mut h: Vec<String> = vec![
        "id".into(),
        "kind".into(),
        "label".into(),
        "from".into(),
        "to".into(),
    ];
    h.extend(EDGE_FIELDS.iter().skip(2).map(|s| s.to_string()));
    h.extend(attrs.iter().map(|c| c.field.clone()));
    h
}

/// One row as a map from column to value, for writing under any header.
fn node_row<'g>(
    graph: &'g Graph,
    view: &Prepared,
    n: Node,
    attrs: &[AttributeColumn],
) -> HashMap<String, Cow<'g, str>> {
    let e = graph.entity(n);
    let mut row: HashMap<String, Cow<'g, str>> = node_texts(graph, n)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    row.insert("id".into(), Cow::Borrowed(e.id()));
    if view.is_ref(n) {
        row.insert("page_ref".into(), Cow::Borrowed("true"));
    }
    for c in attrs {
        if let Some(v) = c.text(e.attributes()) {
            row.insert(c.field.clone(), Cow::Owned(v));
        }
    }
    row
}

fn edge_row<'g>(
    graph: &'g Graph,
    e: Edge,
    attrs: &[AttributeColumn],
) -> HashMap<String, Cow<'g, str>> {
    let r = graph.relation(e);
    let mut row: HashMap<String, Cow<'g, str>> = edge_texts(graph, e)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    row.insert("id".into(), r.id());
    row.insert("from".into(), Cow::Borrowed(r.from()));
    row.insert("to".into(), Cow::Borrowed(r.to()));
    for c in attrs {
        if let Some(v) = c.text(r.attributes()) {
            row.insert(c.field.clone(), Cow::Owned(v));
        }
    }
    row
}

fn table<'g>(
    header: &[String],
    rows: impl Iterator<Item = HashMap<String, Cow<'g, str>>>,
) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(
            header
                .iter()
                .map(|h| row.get(h).map(|v| v.as_ref()).unwrap_or("")),
        )
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

fn nodes_table(graph: &Graph, view: &Prepared) -> String {
    let attrs = node_columns(graph, view);
    table(
        &node_header(&attrs, view.paged()),
        view.nodes
            .iter()
            .map(|&n| node_row(graph, view, n, &attrs))
            .chain(note_row(view, "id", None)),
    )
}

fn edges_table(graph: &Graph, view: &Prepared) -> String {
    let attrs = edge_columns(graph, view);
    table(
        &edge_header(&attrs),
        view.edges.iter().map(|&e| edge_row(graph, e, &attrs)),
    )
}

fn tagged<'g>(
    tag: &'static str,
    mut row: HashMap<String, Cow<'g, str>>,
) -> HashMap<String, Cow<'g, str>> {
    row.insert("element".into(), Cow::Borrowed(tag));
    row
}

/// The long table: `element` (`node` or `edge`), then the union of both tables' columns.
pub(crate) fn write_long(graph: &Graph, view: &Prepared) -> String {
    let node_attrs = node_columns(graph, view);
    let edge_attrs = edge_columns(graph, view);
    let mut header: Vec<String> = vec!["element".into()];
    for h in node_header(&node_attrs, view.paged())
        .into_iter()
        .chain(edge_header(&edge_attrs))
    {
        if !header.contains(&h) {
            header.push(h);
        }
    }
    let rows = view
        .nodes
        .iter()
        .map(|&n| tagged("node", node_row(graph, view, n, &node_attrs)))
        .chain(
            view.edges
                .iter()
                .map(|&e| tagged("edge", edge_row(graph, e, &edge_attrs))),
        )
        .chain(note_row(view, "element", Some("note")));
    table(&header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::{whole, COUNTS, NASTY};
    use crate::export::{export, Format};

    fn read(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = ::csv::Reader::from_reader(text.as_bytes());
        let header = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        (header, rows)
    }

    fn cell<'a>(header: &[String], row: &'a [String], col: &str) -> &'a str {
        let i = header
            .iter()
            .position(|h| h == col)
            .unwrap_or_else(|| panic!("no column {col}"));
        &row[i]
    }

    #[test]
    fn the_two_tables_have_one_row_per_entity_and_relation() {
        let (g, v) = whole();
        let (nodes, edges) = csv_tables(&g, &v);
        let (nh, nrows) = read(&nodes);
        let (eh, erows) = read(&edges);
        assert_eq!((nrows.len(), erows.len()), COUNTS);
        assert_eq!(&nh[..3], ["id", "kind", "name"]);
        assert_eq!(&eh[..5], ["id", "kind", "label", "from", "to"]);
        let ali = nrows.iter().find(|r| r[0] == "ali-aliyev").unwrap();
        assert_eq!(cell(&nh, ali, "description"), NASTY);
        assert_eq!(cell(&nh, ali, "aliases"), "Ali Aliyev; Али Алиев");
        let talks = nrows.iter().find(|r| r[0] == "talks").unwrap();
        assert_eq!(cell(&nh, talks, "share"), "0.5");
        assert_eq!(cell(&nh, talks, "attr_name"), "shadowed");
        assert_eq!(cell(&nh, ali, "share"), "");
        let arrest = erows
            .iter()
            .find(|r| r[0] == "state.arrested.rail-mammadov")
            .unwrap();
        assert_eq!(
            cell(&eh, arrest, "quote"),
            "He said: “Stop” & <left> | line one\nline two \"quoted\" \\ back"
        );
        assert_eq!(cell(&eh, arrest, "document"), "bulletin");
        assert_eq!(
            cell(&eh, arrest, "document_title"),
            "Bulletin “22 September” <draft> & notes"
        );
        assert_eq!(cell(&eh, arrest, "date"), "2023-09-21");
        assert_eq!(cell(&eh, arrest, "attr_date"), "clash");
        assert_eq!(cell(&eh, arrest, "sentence_months"), "4");
        let detentions = erows
            .iter()
            .filter(|r| cell(&eh, r, "kind") == "DETAINED")
            .count();
        assert_eq!(detentions, 2);
    }

    #[test]
    fn the_long_table_tags_each_row_with_its_element() {
        let (g, v) = whole();
        let (h, rows) = read(&export(&g, &v, Format::Csv));
        assert_eq!(h[0], "element");
        let nodes = rows.iter().filter(|r| r[0] == "node").count();
        let edges = rows.iter().filter(|r| r[0] == "edge").count();
        assert_eq!((nodes, edges), COUNTS);
        let arrest = rows
            .iter()
            .find(|r| r[1] == "state.arrested.rail-mammadov")
            .unwrap();
        assert_eq!(cell(&h, arrest, "from"), "state");
        assert_eq!(cell(&h, arrest, "name"), "");
        assert_eq!(h.iter().filter(|c| *c == "description").count(), 1);
    }

    #[test]
    fn an_empty_view_has_only_headers() {
        let (g, _) = whole();
        let (nodes, edges) = csv_tables(&g, &View::default());
        assert_eq!(nodes.lines().count(), 1);
        assert_eq!(edges.lines().count(), 1);
        assert_eq!(export(&g, &View::default(), Format::Csv).lines().count(), 1);
    }
}
