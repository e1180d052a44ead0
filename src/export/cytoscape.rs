//! Cytoscape JSON: `{"data": {...}, "elements": {"nodes": [{"data": {...}}], "edges": [...]}}`,
//! what `cy.add(json.elements)` / `cytoscape({elements})` and `networkx.cytoscape_graph` read.
//!
//! Node data has `id`, `label` (the name, for the default style) and `value` (the id again:
//! `cytoscape_graph` keys nodes by it); edge data has `id`, `source`, `target`, `key` (the
//! relation id: `cytoscape_graph` keys parallel edges by it) and `label` ("arrested").
//! `directed` and `multigraph` are set for NetworkX; Cytoscape.js ignores them.

use super::fields::{graph_json, link_json, nodes_json, Object};
use super::Prepared;
use crate::store::Graph;
use serde::Serialize;
use serde_json::json;

#[derive(Serialize)]
struct Element {
    data: Object,
}

#[derive(Serialize)]
struct Elements {
    nodes: Vec<Element>,
    edges: Vec<Element>,
}

#[derive(Serialize)]
struct Cytoscape {
    data: Object,
    directed: bool,
    multigraph: bool,
    elements: Elements,
}

/// Writes the view as Cytoscape JSON.
pub(crate) fn write(graph: &Graph, view: &Prepared) -> String {
    let nodes = nodes_json(graph, view, |e| {
        vec![("value", json!(e.id())), ("label", json!(e.name()))]
    })
    .into_iter()
    .map(|data| Element { data })
    .collect();
    let edges = view
        .edges
        .iter()
        .map(|&e| Element {
            data: link_json(graph, e),
        })
        .collect();
    let doc = Cytoscape {
        data: graph_json(graph, view),
        directed: true,
        multigraph: true,
        elements: Elements { nodes, edges },
    };
    serde_json::to_string_pretty(&doc).expect("plain JSON") + "\n"
}

#[cfg(test)]
mod tests {
    use crate::export::testing::{whole, COUNTS, NASTY};
    use crate::export::{export, Format, View};
    use serde_json::Value;

    #[test]
    fn elements_carry_ids_labels_ends_and_fields() {
        let (g, v) = whole();
        let doc: Value = serde_json::from_str(&export(&g, &v, Format::CytoscapeJson)).unwrap();
        let nodes = doc["elements"]["nodes"].as_array().unwrap();
        let edges = doc["elements"]["edges"].as_array().unwrap();
        assert_eq!((nodes.len(), edges.len()), COUNTS);
        let aram = nodes
            .iter()
            .map(|n| &n["data"])
            .find(|d| d["id"] == "aram-petrosyan")
            .unwrap();
        assert_eq!(aram["label"], "Արամ Պետրոսյան");
        assert_eq!(aram["value"], "aram-petrosyan");
        assert_eq!(aram["kind"], "PERSON");
        let arrest = edges
            .iter()
            .map(|e| &e["data"])
            .find(|d| d["id"] == "state.arrested.rail-mammadov")
            .unwrap();
        assert_eq!(arrest["source"], "state");
        assert_eq!(arrest["target"], "rail-mammadov");
        assert_eq!(arrest["label"], "arrested");
        assert_eq!(arrest["kind"], "ARRESTED");
        assert_eq!(arrest["description"], NASTY);
        let ids: std::collections::HashSet<&Value> =
            edges.iter().map(|e| &e["data"]["id"]).collect();
        assert_eq!(
            ids.len(),
            edges.len(),
            "parallel relations keep distinct ids"
        );
        assert_eq!(doc["data"]["documents"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn an_empty_view_has_no_elements() {
        let (g, _) = whole();
        let doc: Value =
            serde_json::from_str(&export(&g, &View::default(), Format::CytoscapeJson)).unwrap();
        assert!(doc["elements"]["nodes"].as_array().unwrap().is_empty());
        assert!(doc["elements"]["edges"].as_array().unwrap().is_empty());
    }
}
