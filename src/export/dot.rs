//! Graphviz DOT: a `digraph` for `dot -Tsvg`.
//!
//! Nodes are the quoted entity ids, labelled with the name and shaped by kind (person: ellipse,
//! organisation: box, court: house, government: double octagon, event: rounded box, place:
//! hexagon); edges are labelled with the relation label and its dates. Every other field is
//! carried as a custom attribute (Graphviz keeps those without warnings; `gvpr` and the SVG's
//! `id`s can use them), the description or quote also as the SVG `tooltip`. Structured
//! attributes are written as `attr_<name>`, since a bare name could be one of Graphviz's own
//! (`width`, `color`) and change the drawing.
//!
//! Strings are double-quoted with `"` and `\` escaped; newlines become `\n` (a centred line
//! break in labels). Everything else, Armenian and Azerbaijani letters included, is UTF-8.

use super::fields::{edge_texts, node_texts};
use super::Prepared;
use crate::model::EntityKind;
use crate::store::Graph;
use std::borrow::Cow;
use std::fmt::Write;

/// Quotes a DOT string: `"` and `\` escaped, line breaks as `\n`.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An attribute name: bare if it is a plain identifier, quoted otherwise.
fn key(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        name.to_string()
    } else {
        quote(name)
    }
}

fn shape(kind: EntityKind) -> (&'static str, Option<&'static str>) {
    match kind {
        EntityKind::Person => ("ellipse", None),
        EntityKind::Organisation => ("box", None),
        EntityKind::Court => ("house", None),
        EntityKind::Government => ("doubleoctagon", None),
        EntityKind::Event => ("box", Some("rounded")),
        EntityKind::Place => ("hexagon", None),
    }
}

fn attr_list(out: &mut String, attrs: &[(String, String)]) {
    out.push_str(" [");
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{}={}", key(k), quote(v));
    }
    out.push_str("];\n");
}

/// Writes the view as a DOT digraph.
pub(crate) fn write(graph: &Graph, view: &Prepared) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// dossier export: {} entities, {} relations",
        view.nodes.len(),
        view.edges.len()
    );
    if let Some(note) = &view.note {
        let _ = writeln!(out, "// {}", note.text.replace('\n', " "));
    }
    out.push_str("digraph \"dossier\" {\n");
    if let Some(note) = &view.note {
        let _ = writeln!(out, "  comment={};", quote(&note.text));
    }
    for &n in &view.nodes {
        let e = graph.entity(n);
        let (shape, style) = shape(e.kind());
        let mut attrs: Vec<(String, String)> = vec![
            ("id".into(), e.id().to_string()),
            ("label".into(), e.name().to_string()),
            ("shape".into(), shape.into()),
        ];
        if let Some(style) = style {
            attrs.push(("style".into(), style.into()));
        }
        if let Some(d) = e.description() {
            attrs.push(("tooltip".into(), d.to_string()));
        }
        attrs.extend(
            node_texts(graph, n)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into_owned())),
        );
        attrs.extend(
            e.attributes()
                .iter()
                .map(|(k, v)| (format!("attr_{k}"), v.to_string())),
        );
        if view.is_ref(n) {
            attrs.push(("page_ref".into(), "true".into()));
        }
        out.push_str("  ");
        out.push_str(&quote(e.id()));
        attr_list(&mut out, &attrs);
    }
    for &edge in &view.edges {
        let r = graph.relation(edge);
        let mut label = r.label().to_string();
        match (r.date(), r.until()) {
            (Some(d), Some(u)) => label.push_str(&format!("\n{d} – {u}")),
            (Some(d), None) => label.push_str(&format!("\n{d}")),
            (None, Some(u)) => label.push_str(&format!("\nuntil {u}")),
            (None, None) => {}
        }
        let mut attrs: Vec<(String, String)> =
            vec![("id".into(), r.id().to_string()), ("label".into(), label)];
        let tooltip =
            (r.description().map(Cow::Borrowed)).or_else(|| r.citation(0).map(|c| c.quote()));
        if let Some(t) = tooltip {
            attrs.push(("tooltip".into(), t.to_string()));
        }
        attrs.extend(
            edge_texts(graph, edge)
                .into_iter()
                .filter(|(k, _)| *k != "label")
                .map(|(k, v)| (k.to_string(), v.into_owned())),
        );
        attrs.extend(
            r.attributes()
                .iter()
                .map(|(k, v)| (format!("attr_{k}"), v.to_string())),
        );
        let _ = write!(out, "  {} -> {}", quote(r.from()), quote(r.to()));
        attr_list(&mut out, &attrs);
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::quote;
    use crate::export::testing::{whole, COUNTS};
    use crate::export::{export, Format, View};

    #[test]
    fn strings_are_quoted_with_escapes() {
        assert_eq!(quote(r#"say "hi" \ bye"#), r#""say \"hi\" \\ bye""#);
        assert_eq!(quote("one\ntwo\r\nthree"), r#""one\ntwo\nthree""#);
        assert_eq!(quote("Əliyev & <Արամ> “x”"), "\"Əliyev & <Արամ> “x”\"");
    }

    #[test]
    fn every_entity_and_relation_is_a_statement() {
        let (g, v) = whole();
        let s = export(&g, &v, Format::Dot);
        assert!(s.starts_with("// dossier export") && s.contains("digraph \"dossier\" {"));
        assert_eq!(s.matches(" -> ").count(), COUNTS.1);
        assert!(s.contains(
            r#""rail-mammadov" [id="rail-mammadov", label="Rail \"R\" Mammadov", shape="ellipse""#
        ), "{s}");
        assert!(s.contains(r#"label="arrested\n2023-09-21 – 2023-09-22""#));
        assert!(s.contains(r#"label="detained\n2023-09""#));
        assert!(s.contains(r#"shape="house""#));
        assert!(s.contains(r#"attr_participants="2""#));
        assert!(s.contains(r#"attr_date="clash""#));
        assert!(s.contains(
            r#"quote="He said: “Stop” & <left> | line one\nline two \"quoted\" \\ back""#
        ));
    }

    #[test]
    fn an_empty_view_is_an_empty_digraph() {
        let (g, _) = whole();
        let s = export(&g, &View::default(), Format::Dot);
        assert!(s.ends_with("digraph \"dossier\" {\n}\n"), "{s}");
    }
}
