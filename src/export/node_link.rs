//! Node-link JSON, as `networkx.node_link_graph(data, edges="links")` and D3 read it:
//! `{"directed": true, "multigraph": true, "graph": {...}, "nodes": [...], "links": [...]}`.
//! Each link's `key` is the relation id, so parallel relations stay apart in a `MultiDiGraph`.

use super::fields::{graph_json, link_json, nodes_json, Object};
use super::Prepared;
use crate::store::Graph;
use serde::Serialize;

#[derive(Serialize)]
struct NodeLink {
    directed: bool,
    multigraph: bool,
    graph: Object,
    nodes: Vec<Object>,
    links: Vec<Object>,
}

/// Writes the view as node-link JSON.
pub(crate) fn write(graph: &Graph, view: &Prepared) -> String {
    let nodes = nodes_json(graph, view, |_| Vec::new());
    let links = view.edges.iter().map(|&e| link_json(graph, e)).collect();
    let doc = NodeLink {
        directed: true,
        multigraph: true,
        graph: graph_json(graph, view),
        nodes,
        links,
    };
    serde_json::to_string_pretty(&doc).expect("plain JSON") + "\n"
}

#[cfg(test)]
mod tests {
    use crate::export::testing::{whole, COUNTS, NASTY};
    use crate::export::{export, Format, View};
    use serde_json::Value;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn every_entity_and_relation_is_there_with_its_fields() {
        let (g, v) = whole();
        let doc = parse(&export(&g, &v, Format::NodeLinkJson));
        assert_eq!(doc["directed"], true);
        assert_eq!(doc["multigraph"], true);
        let nodes = doc["nodes"].as_array().unwrap();
        let links = doc["links"].as_array().unwrap();
        assert_eq!((nodes.len(), links.len()), COUNTS);
        let ali = nodes.iter().find(|n| n["id"] == "ali-aliyev").unwrap();
        assert_eq!(ali["name"], "Əli Əliyev");
        assert_eq!(ali["description"], NASTY);
        assert_eq!(ali["aliases"][1], "Али Алиев");
        assert_eq!(ali["roles"][0], "minister");
        let talks = nodes.iter().find(|n| n["id"] == "talks").unwrap();
        assert_eq!(talks["start"], "2023-09-21");
        assert_eq!(talks["place"], "town");
        assert_eq!(talks["place_name"], "Yevlax / Եւլախ");
        assert_eq!(talks["participants"], 2);
        assert_eq!(talks["share"], 0.5);
        assert_eq!(talks["public"], false);
        assert_eq!(talks["attr_name"], "shadowed");
        assert_eq!(talks["name"], "Talks in Yevlax");
        let arrest = links
            .iter()
            .find(|l| l["key"] == "state.arrested.rail-mammadov")
            .unwrap();
        assert_eq!(arrest["source"], "state");
        assert_eq!(arrest["target"], "rail-mammadov");
        assert_eq!(arrest["label"], "arrested");
        assert_eq!(arrest["until"], "2023-09-22");
        assert_eq!(arrest["claim"], "REPORTED");
        assert_eq!(arrest["citations"][0]["quote"], "He said: “Stop” & <left>");
        assert_eq!(arrest["citations"][1]["document"], "second-source");
        assert_eq!(arrest["attr_date"], "clash");
        assert_eq!(arrest["date"], "2023-09-21");
        let docs = doc["graph"]["documents"].as_array().unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0]["url"], "https://example.org/bulletin?id=1&lang=en");
    }

    #[test]
    fn parallel_relations_keep_their_own_keys() {
        let (g, v) = whole();
        let doc = parse(&export(&g, &v, Format::NodeLinkJson));
        let detentions: Vec<&Value> = doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["kind"] == "DETAINED")
            .collect();
        assert_eq!(detentions.len(), 2);
        assert_ne!(detentions[0]["key"], detentions[1]["key"]);
    }

    #[test]
    fn an_empty_view_is_an_empty_graph() {
        let (g, _) = whole();
        let doc = parse(&export(&g, &View::default(), Format::NodeLinkJson));
        assert_eq!(doc["nodes"].as_array().unwrap().len(), 0);
        assert_eq!(doc["links"].as_array().unwrap().len(), 0);
        assert_eq!(doc["graph"]["documents"].as_array().unwrap().len(), 0);
    }
}
