//! GraphML, as `networkx.read_graphml`, yEd and Gephi read it.
//!
//! Every field has a typed `<key>`: the fixed fields are `string`s (lists joined, see the module
//! documentation of [`crate::export`]); attributes are `long`, `double`, `boolean` or `string`
//! by their values across the view. Nodes also get a `label` (the name) for yEd and Gephi.
//! The graph is `edgedefault="directed"`; each edge has the relation id as its `id`, which
//! NetworkX uses as the edge key when relations run in parallel.

use super::fields::{
    edge_columns, edge_texts, node_columns, node_texts, AttributeColumn, EDGE_FIELDS, NODE_FIELDS,
};
use super::xml::{xml_type, Xml};
use super::Prepared;
use crate::store::Graph;

/// Writes the view as GraphML.
pub(crate) fn write(graph: &Graph, view: &Prepared) -> String {
    let node_attrs = node_columns(graph, view);
    let edge_attrs = edge_columns(graph, view);
    let mut x = Xml::new();
    x.open(
        "graphml",
        &[
            ("xmlns", "http://graphml.graphdrawing.org/xmlns"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
            ),
        ],
    );
    // Key ids: `n<i>` for node fields, `e<i>` for edge fields, in column order.
    let node_keys = keys(
        &mut x,
        "node",
        'n',
        std::iter::once("label").chain(NODE_FIELDS.iter().copied()),
        &node_attrs,
    );
    let edge_keys = keys(
        &mut x,
        "edge",
        'e',
        EDGE_FIELDS.iter().copied(),
        &edge_attrs,
    );
    if view.paged() {
        x.empty(
            "key",
            &[
                ("id", "nref"),
                ("for", "node"),
                ("attr.name", "page_ref"),
                ("attr.type", "boolean"),
            ],
        );
    }
    let mut graph_data: Vec<(&str, &str, &str, String)> = Vec::new();
    if let Some(note) = &view.note {
        graph_data.push(("g0", "truncated", "boolean", note.truncated.to_string()));
        graph_data.push(("g1", "truncation", "string", note.text.clone()));
        if let Some(page) = &note.page {
            graph_data.push(("g2", "page", "long", page.number.to_string()));
            graph_data.push(("g3", "pages", "long", page.pages.to_string()));
            if let Some(next) = &page.next {
                graph_data.push(("g4", "next_page", "string", next.clone()));
            }
        }
    }
    for (id, name, ty, _) in &graph_data {
        x.empty(
            "key",
            &[
                ("id", id),
                ("for", "graph"),
                ("attr.name", name),
                ("attr.type", ty),
            ],
        );
    }
    x.open("graph", &[("id", "dossier"), ("edgedefault", "directed")]);
    for (id, _, _, value) in &graph_data {
        x.leaf("data", &[("key", id)], value);
    }
    for &n in &view.nodes {
        let e = graph.entity(n);
        x.open("node", &[("id", e.id())]);
        x.leaf("data", &[("key", &node_keys.id("label"))], e.name());
        for (field, value) in node_texts(graph, n) {
            x.leaf("data", &[("key", &node_keys.id(field))], &value);
        }
        for (i, col) in node_attrs.iter().enumerate() {
            if let Some(v) = col.text(e.attributes()) {
                x.leaf("data", &[("key", &node_keys.attribute(i))], &v);
            }
        }
        if view.is_ref(n) {
            x.leaf("data", &[("key", "nref")], "true");
        }
        x.close("node");
    }
    for &edge in &view.edges {
        let r = graph.relation(edge);
        let id = r.id();
        x.open(
            "edge",
            &[("id", &id), ("source", r.from()), ("target", r.to())],
        );
        for (field, value) in edge_texts(graph, edge) {
            x.leaf("data", &[("key", &edge_keys.id(field))], &value);
        }
        for (i, col) in edge_attrs.iter().enumerate() {
            if let Some(v) = col.text(r.attributes()) {
                x.leaf("data", &[("key", &edge_keys.attribute(i))], &v);
            }
        }
        x.close("edge");
    }
    x.close("graph");
    x.close("graphml");
    x.finish()
}

/// The key ids of one domain (`node` or `edge`): fixed fields first, then attributes.
struct Keys {
    prefix: char,
    fixed: Vec<&'static str>,
}

impl Keys {
    fn id(&self, field: &str) -> String {
        let i = self
            .fixed
            .iter()
            .position(|f| *f == field)
            .expect("a declared field");
        format!("{}{i}", self.prefix)
    }

    fn attribute(&self, i: usize) -> String {
        format!("{}{}", self.prefix, self.fixed.len() + i)
    }
}

fn keys(
    x: &mut Xml,
    domain: &str,
    prefix: char,
    fixed: impl Iterator<Item = &'static str>,
    attrs: &[AttributeColumn],
) -> Keys {
    let keys = Keys {
        prefix,
        fixed: fixed.collect(),
    };
    for f in &keys.fixed {
        let id = keys.id(f);
        x.empty(
            "key",
            &[
                ("id", &id),
                ("for", domain),
                ("attr.name", f),
                ("attr.type", "string"),
            ],
        );
    }
    for (i, col) in attrs.iter().enumerate() {
        let id = keys.attribute(i);
        x.empty(
            "key",
            &[
                ("id", &id),
                ("for", domain),
                ("attr.name", &col.field),
                ("attr.type", xml_type(col.ty)),
            ],
        );
    }
    keys
}

#[cfg(test)]
mod tests {
    use crate::export::testing::{whole, NASTY};
    use crate::export::xml::escape_text;
    use crate::export::{export, Format, View};

    #[test]
    fn keys_are_typed_and_edges_have_ids() {
        let (g, v) = whole();
        let s = export(&g, &v, Format::Graphml);
        assert!(
            s.contains(r#"<graph id="dossier" edgedefault="directed">"#),
            "{s}"
        );
        assert!(s.contains(r#"attr.name="participants" attr.type="long""#));
        assert!(s.contains(r#"attr.name="share" attr.type="double""#));
        assert!(s.contains(r#"attr.name="public" attr.type="boolean""#));
        assert!(s.contains(r#"attr.name="attr_name" attr.type="string""#));
        assert!(s.contains(r#"attr.name="attr_date" attr.type="string""#));
        assert!(s.contains(
            r#"<edge id="state.detained.rail-mammadov.2" source="state" target="rail-mammadov">"#
        ));
        assert!(s.contains(r#"<edge id="state.detained.rail-mammadov" source="state""#));
    }

    #[test]
    fn text_is_escaped_and_kept_verbatim() {
        let (g, v) = whole();
        let s = export(&g, &v, Format::Graphml);
        assert!(s.contains(&escape_text(NASTY)));
        assert!(s.contains("Əli Əliyev") && s.contains("Արամ Պետրոսյան"));
        assert!(s.contains(
            "He said: “Stop” &amp; &lt;left&gt; | line one\nline two \"quoted\" \\ back"
        ));
        assert!(s.contains("Ali Aliyev; Али Алиев"));
        assert!(!s.contains("<b>"));
    }

    #[test]
    fn an_empty_view_is_a_valid_empty_graph() {
        let (g, _) = whole();
        let s = export(&g, &View::default(), Format::Graphml);
        assert!(s.contains("<graph id=\"dossier\" edgedefault=\"directed\">"));
        assert!(!s.contains("<node") && !s.contains("<edge"));
        assert!(s.trim_end().ends_with("</graphml>"));
    }
}
