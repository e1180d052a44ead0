//! The brokers of an exported subgraph — the entities whose removal splits it — for the
//! `broker` flag of the JSON formats.

use super::Prepared;
use crate::store::{articulation_parts, Graph, Node};
use hashbrown::{HashMap, HashSet};
use petgraph::graph::{NodeIndex, UnGraph};

/// The entities of the view whose removal splits the part of the view they are in, its
/// relations read undirected. O(V + E) of the view: a petgraph copy of the exported relations
/// (small beside the text written for them) and one depth-first search.
pub(crate) fn brokers(graph: &Graph, view: &Prepared) -> HashSet<Node> {
    let index: HashMap<Node, u32> = view
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i as u32))
        .collect();
    let mut g = UnGraph::<(), ()>::with_capacity(view.nodes.len(), view.edges.len());
    for _ in &view.nodes {
        g.add_node(());
    }
    for &e in &view.edges {
        let (a, b) = graph.endpoints(e);
        if let (Some(&x), Some(&y)) = (index.get(&a), index.get(&b)) {
            g.add_edge(NodeIndex::new(x as usize), NodeIndex::new(y as usize), ());
        }
    }
    articulation_parts(&g)
        .into_iter()
        .map(|(i, _)| view.nodes[i])
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::export::testing::whole;
    use crate::export::{export, Format};
    use serde_json::Value;

    #[test]
    fn the_json_formats_flag_the_brokers_of_the_subgraph_exported() {
        let (g, v) = whole();
        let expected: std::collections::BTreeSet<String> = g
            .brokers(&crate::store::Within::all(), crate::store::Deadline::none())
            .unwrap()
            .iter()
            .map(|b| g.entity(b.node).id().to_string())
            .collect();
        let doc: Value = serde_json::from_str(&export(&g, &v, Format::NodeLinkJson)).unwrap();
        let flagged: std::collections::BTreeSet<String> = doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["broker"] == true)
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(flagged, expected);
        let doc: Value = serde_json::from_str(&export(&g, &v, Format::CytoscapeJson)).unwrap();
        let flagged = doc["elements"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["data"]["broker"] == true)
            .count();
        assert_eq!(flagged, expected.len());
    }
}
