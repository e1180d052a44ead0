//! GEXF 1.3 for Gephi, also read by `networkx.read_gexf` (NetworkX 3.6 knows the 1.3
//! namespace). See the module documentation of [`crate::export`] for the choice of version.
//!
//! The graph is `mode="dynamic"`, `timeformat="date"`: relations carry a spell from their
//! `date` to their `until`, events one from their `start` to their `end`, each bound widened
//! to whole days (`2023-09` → 2023-09-01 … 2023-09-30), so Gephi's timeline can play the graph.
//! Node labels are names; edge labels are relation labels ("arrested") and each edge's `kind`
//! is the relation kind, which Gephi uses as the edge type so that parallel relations of
//! different kinds stay apart. Every field is an `<attvalue>` of a declared `<attribute>`.

use super::fields::{
    edge_columns, edge_texts, node_columns, node_texts, AttributeColumn, EDGE_FIELDS, NODE_FIELDS,
};
use super::xml::{xml_type, Xml};
use super::Prepared;
use crate::model::Date;
use crate::store::Graph;

fn day((y, m, d): (i32, u8, u8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The spell of something dated from `from` to `to` (either may be missing), in whole days:
/// the first day `from` can mean to the last day `to` (or `from`) can mean. `None` when
/// undated.
pub(crate) fn spell(
    from: Option<Date>,
    to: Option<Date>,
) -> Option<(Option<String>, Option<String>)> {
    match (from, to) {
        (None, None) => None,
        (Some(f), to) => Some((
            Some(day(f.first_day())),
            Some(day(to.unwrap_or(f).last_day())),
        )),
        (None, Some(t)) => Some((None, Some(day(t.last_day())))),
    }
}

fn write_spell(x: &mut Xml, s: Option<(Option<String>, Option<String>)>) {
    let Some((start, end)) = s else { return };
    let mut attrs = Vec::new();
    if let Some(s) = &start {
        attrs.push(("start", s.as_str()));
    }
    if let Some(e) = &end {
        attrs.push(("end", e.as_str()));
    }
    x.open("spells", &[]);
    x.empty("spell", &attrs);
    x.close("spells");
}

/// Writes the view as GEXF 1.3.
pub(crate) fn write(graph: &Graph, view: &Prepared) -> String {
    let node_attrs = node_columns(graph, view);
    let edge_attrs = edge_columns(graph, view);
    let node_fields: Vec<&str> = NODE_FIELDS.to_vec();
    // The edge label is the `label` XML attribute; the rest are attribute values.
    let edge_fields: Vec<&str> = EDGE_FIELDS
        .iter()
        .copied()
        .filter(|f| *f != "label")
        .collect();
    let mut x = Xml::new();
    x.open(
        "gexf",
        &[
            ("xmlns", "http://gexf.net/1.3"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
            ),
            ("version", "1.3"),
        ],
    );
    x.open("meta", &[]);
    x.leaf(
        "creator",
        &[],
        concat!("dossier ", env!("CARGO_PKG_VERSION")),
    );
    match &view.note {
        None => x.leaf(
            "description",
            &[],
            "Entities and the dated, cited relations among them, exported from dossier",
        ),
        Some(note) => {
            let mut keywords: Vec<String> = Vec::new();
            if note.truncated {
                keywords.push("truncated".into());
            }
            if let Some(page) = &note.page {
                keywords.push(format!("page {} of {}", page.number, page.pages));
            }
            x.leaf("keywords", &[], &keywords.join(", "));
            x.leaf(
                "description",
                &[],
                &format!(
                    "Entities and the dated, cited relations among them, exported from dossier; {}",
                    note.text
                ),
            );
        }
    }
    x.close("meta");
    x.open(
        "graph",
        &[
            ("defaultedgetype", "directed"),
            ("mode", "dynamic"),
            ("timeformat", "date"),
        ],
    );
    declare(&mut x, "node", 'n', &node_fields, &node_attrs, view.paged());
    declare(&mut x, "edge", 'e', &edge_fields, &edge_attrs, false);

    x.open("nodes", &[("count", &view.nodes.len().to_string())]);
    for &n in &view.nodes {
        let e = graph.entity(n);
        x.open("node", &[("id", e.id()), ("label", e.name())]);
        x.open("attvalues", &[]);
        for (field, value) in node_texts(graph, n) {
            let id = field_id('n', &node_fields, field);
            x.empty("attvalue", &[("for", &id), ("value", &value)]);
        }
        attribute_values(&mut x, 'n', node_fields.len(), &node_attrs, e.attributes());
        if view.is_ref(n) {
            x.empty("attvalue", &[("for", "nref"), ("value", "true")]);
        }
        x.close("attvalues");
        write_spell(&mut x, spell(e.start(), e.end()));
        x.close("node");
    }
    x.close("nodes");

    x.open("edges", &[("count", &view.edges.len().to_string())]);
    for &edge in &view.edges {
        let r = graph.relation(edge);
        let id = r.id();
        x.open(
            "edge",
            &[
                ("id", &id),
                ("source", r.from()),
                ("target", r.to()),
                ("label", r.label()),
                ("kind", r.kind().name()),
            ],
        );
        x.open("attvalues", &[]);
        for (field, value) in edge_texts(graph, edge) {
            if field == "label" {
                continue;
            }
            let id = field_id('e', &edge_fields, field);
            x.empty("attvalue", &[("for", &id), ("value", &value)]);
        }
        attribute_values(&mut x, 'e', edge_fields.len(), &edge_attrs, r.attributes());
        x.close("attvalues");
        write_spell(&mut x, spell(r.date(), r.until()));
        x.close("edge");
    }
    x.close("edges");
    x.close("graph");
    x.close("gexf");
    x.finish()
}

fn field_id(prefix: char, fields: &[&str], field: &str) -> String {
    let i = fields
        .iter()
        .position(|f| *f == field)
        .expect("a declared field");
    format!("{prefix}{i}")
}

/// Declares the fields and attribute columns of a class, and `page_ref` (id `nref`) when
/// `page_ref` is set.
fn declare(
    x: &mut Xml,
    class: &str,
    prefix: char,
    fields: &[&str],
    attrs: &[AttributeColumn],
    page_ref: bool,
) {
    x.open("attributes", &[("class", class)]);
    for (i, f) in fields.iter().enumerate() {
        let id = format!("{prefix}{i}");
        x.empty(
            "attribute",
            &[("id", &id), ("title", f), ("type", "string")],
        );
    }
    for (i, col) in attrs.iter().enumerate() {
        let id = format!("{prefix}{}", fields.len() + i);
        x.empty(
            "attribute",
            &[
                ("id", &id),
                ("title", &col.field),
                ("type", xml_type(col.ty)),
            ],
        );
    }
    if page_ref {
        x.empty(
            "attribute",
            &[("id", "nref"), ("title", "page_ref"), ("type", "boolean")],
        );
    }
    x.close("attributes");
}

fn attribute_values(
    x: &mut Xml,
    prefix: char,
    offset: usize,
    cols: &[AttributeColumn],
    attributes: &crate::model::Attributes,
) {
    for (i, col) in cols.iter().enumerate() {
        if let Some(v) = col.text(attributes) {
            let id = format!("{prefix}{}", offset + i);
            x.empty("attvalue", &[("for", &id), ("value", &v)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::spell;
    use crate::export::testing::{whole, COUNTS, NASTY};
    use crate::export::xml::escape_attribute;
    use crate::export::{export, Format, View};
    use crate::model::Date;

    fn d(s: &str) -> Option<Date> {
        Some(Date::parse(s).unwrap())
    }

    #[test]
    fn spells_cover_whole_days_months_and_years() {
        let s = |a, b| spell(a, b).map(|(x, y)| (x.unwrap_or_default(), y.unwrap_or_default()));
        assert_eq!(
            s(d("2023-09-21"), d("2023-09-22")),
            Some(("2023-09-21".into(), "2023-09-22".into()))
        );
        assert_eq!(
            s(d("2023-09-21"), None),
            Some(("2023-09-21".into(), "2023-09-21".into()))
        );
        assert_eq!(
            s(d("2023-09"), None),
            Some(("2023-09-01".into(), "2023-09-30".into()))
        );
        assert_eq!(
            s(d("2024"), d("2024-02")),
            Some(("2024-01-01".into(), "2024-02-29".into()))
        );
        assert_eq!(s(None, None), None);
        assert_eq!(
            s(None, d("2023")),
            Some((String::new(), "2023-12-31".into()))
        );
    }

    #[test]
    fn the_document_is_dynamic_gexf_13_with_spells() {
        let (g, v) = whole();
        let s = export(&g, &v, Format::Gexf);
        assert!(s.contains(r#"<gexf xmlns="http://gexf.net/1.3""#), "{s}");
        assert!(s.contains(r#"version="1.3""#));
        assert!(
            s.contains(r#"<graph defaultedgetype="directed" mode="dynamic" timeformat="date">"#)
        );
        assert!(s.contains(&format!(r#"<nodes count="{}">"#, COUNTS.0)));
        assert!(s.contains(&format!(r#"<edges count="{}">"#, COUNTS.1)));
        assert!(s.contains(r#"<spell start="2023-09-21" end="2023-09-22"/>"#));
        assert!(s.contains(r#"<spell start="2023-09-01" end="2023-09-30"/>"#));
        assert!(s.contains(r#"<spell start="2023-01-01" end="2023-12-31"/>"#));
        assert!(s.contains(r#"title="participants" type="long""#));
        assert!(s.contains(r#"label="arrested" kind="ARRESTED""#));
    }

    #[test]
    fn values_in_attributes_keep_their_newlines_and_quotes() {
        let (g, v) = whole();
        let s = export(&g, &v, Format::Gexf);
        assert!(s.contains(&format!(r#"value="{}""#, escape_attribute(NASTY))));
        assert!(s.contains(r#"label="Rail &quot;R&quot; Mammadov""#));
        assert!(s.contains(r#"label="Court of &lt;Appeal&gt; &amp; Review""#));
        assert!(s.contains("Արամ Պետրոսյան"));
    }

    #[test]
    fn an_empty_view_still_has_nodes_and_edges_elements() {
        let (g, _) = whole();
        let s = export(&g, &View::default(), Format::Gexf);
        assert!(s.contains(r#"<nodes count="0">"#) && s.contains(r#"<edges count="0">"#));
    }
}
