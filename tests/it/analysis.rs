//! Rankings, components, communities and exports through the GraphQL API.

use crate::support::{first_code, run, traversal_graph};
use serde_json::{json, Value};

#[tokio::test]
async fn degree_ranking_counts_distinct_neighbours_and_filters_the_listing_by_kind() {
    let r = run(
        traversal_graph(),
        r#"{ all: ranking(measure: DEGREE, limit: 3) { rank score entity { id } }
            people: ranking(measure: DEGREE, kinds: [PERSON]) { entity { id } } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["all"],
        json!([{"rank": 1, "score": 3.0, "entity": {"id": "ann"}},
               {"rank": 2, "score": 2.0, "entity": {"id": "bob"}},
               {"rank": 3, "score": 2.0, "entity": {"id": "gov"}}])
    );
    // The self-loop of `selfie` is ignored: a degree of 0, like `loner`.
    let people: Vec<&str> = r["data"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entity"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(people, ["ann", "bob", "loner", "selfie"]);
}

#[tokio::test]
async fn pagerank_scores_sum_to_one_and_betweenness_finds_the_bridge() {
    let r = run(
        traversal_graph(),
        r#"{ pr: ranking(measure: PAGERANK, limit: 100) { score }
            bw: ranking(measure: BETWEENNESS, limit: 3) { score entity { id } } }"#,
    )
    .await;
    let total: f64 = r["data"]["pr"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["score"].as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    // ann and gov are the two cut points between {bob, ngo} and {talks, city}: each lies on
    // the shortest paths of 6 pairs, normalised by (n-1)(n-2)/2 = 21 (n = 8).
    let bw = r["data"]["bw"].as_array().unwrap();
    assert_eq!(
        (
            bw[0]["entity"]["id"].as_str(),
            bw[1]["entity"]["id"].as_str()
        ),
        (Some("ann"), Some("gov"))
    );
    for b in &bw[..2] {
        assert!(
            (b["score"].as_f64().unwrap() - 6.0 / 21.0).abs() < 1e-12,
            "{b}"
        );
    }
    assert!(bw[2]["score"].as_f64().unwrap() < 6.0 / 21.0);
}

#[tokio::test]
async fn ranking_can_follow_only_some_relation_kinds() {
    let r = run(traversal_graph(), r#"{ ranking(measure: DEGREE, relationKinds: [CALLED], limit: 2) { score entity { id } } }"#).await;
    assert_eq!(
        r["data"]["ranking"],
        json!([{"score": 1.0, "entity": {"id": "ann"}}, {"score": 1.0, "entity": {"id": "bob"}}])
    );
}

#[tokio::test]
async fn components_are_listed_largest_first_with_their_members() {
    let r = run(
        traversal_graph(),
        r#"{ components { id size members { id } } }"#,
    )
    .await;
    let comps = r["data"]["components"].as_array().unwrap();
    assert_eq!(comps.len(), 3);
    assert_eq!(comps[0]["size"], 6);
    assert_eq!(comps[1]["members"], json!([{"id": "loner"}]));
    assert_eq!(comps[2]["members"], json!([{"id": "selfie"}]));
}

#[tokio::test]
async fn communities_have_a_modularity_and_cover_every_entity() {
    let r = run(
        traversal_graph(),
        r#"{ communities { modularity count communities(limit: 100) { size } } }"#,
    )
    .await;
    let c = &r["data"]["communities"];
    let sizes: u64 = c["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["size"].as_u64().unwrap())
        .sum();
    assert_eq!(sizes, 8);
    assert_eq!(
        c["count"].as_u64().unwrap() as usize,
        c["communities"].as_array().unwrap().len()
    );
    assert!(c["modularity"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn a_subgraph_is_analysed_on_its_own() {
    let r = run(
        traversal_graph(),
        r#"{ neighbourhood(ids: ["talks"], depth: 1) {
              entities { id } ranking(measure: DEGREE) { score entity { id } } components { size } } }"#,
    )
    .await;
    let n = &r["data"]["neighbourhood"];
    assert_eq!(n["entities"].as_array().unwrap().len(), 3);
    assert_eq!(
        n["ranking"][0],
        json!({"score": 2.0, "entity": {"id": "talks"}})
    );
    assert_eq!(n["components"], json!([{"size": 3}]));
}

#[tokio::test]
async fn a_subgraph_exports_in_every_format() {
    let formats = [
        "NODE_LINK_JSON",
        "GRAPHML",
        "GEXF",
        "CYTOSCAPE_JSON",
        "CSV",
        "DOT",
        "FTM",
    ];
    let fields: String = formats
        .iter()
        .map(|f| format!("{f}: export(format: {f}) "))
        .collect();
    let r = run(
        traversal_graph(),
        &format!(r#"{{ neighbourhood(ids: ["ann"], depth: 1) {{ {fields} }} }}"#),
    )
    .await;
    let n = &r["data"]["neighbourhood"];
    for f in formats {
        assert!(n[f].as_str().is_some_and(|s| !s.is_empty()), "{f}: {r}");
    }
    let node_link: Value = serde_json::from_str(n["NODE_LINK_JSON"].as_str().unwrap()).unwrap();
    assert_eq!(node_link["nodes"].as_array().unwrap().len(), 4);
    assert_eq!(node_link["links"].as_array().unwrap().len(), 4);
    assert!(n["GRAPHML"].as_str().unwrap().starts_with("<?xml"));
    assert!(n["DOT"].as_str().unwrap().contains("digraph"));
}

#[tokio::test]
async fn analysis_limits_are_enforced() {
    let r = run(
        traversal_graph(),
        r#"{ ranking(measure: DEGREE, limit: 5000) { score } }"#,
    )
    .await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED");
    let r = run(traversal_graph(), r#"{ components(limit: 0) { size } }"#).await;
    assert_eq!(first_code(&r), "INVALID_INPUT");
    let r = run(
        traversal_graph(),
        r#"{ ranking(measure: CLOSENESS) { score } }"#,
    )
    .await;
    assert_eq!(first_code(&r), "INVALID_INPUT");
}

#[tokio::test]
async fn neighbour_count_is_the_degree_ranking_score_and_degree_counts_relations() {
    let r = run(
        traversal_graph(),
        r#"{ ranking(measure: DEGREE, limit: 100) { score entity { id degree neighbourCount } } }"#,
    )
    .await;
    let rows = r["data"]["ranking"].as_array().unwrap();
    assert!(!rows.is_empty(), "{r}");
    for row in rows {
        assert_eq!(
            row["score"].as_f64().unwrap(),
            row["entity"]["neighbourCount"].as_f64().unwrap(),
            "{row}"
        );
    }
    let entity = |id: &str| {
        rows.iter()
            .find(|row| row["entity"]["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))["entity"]
            .clone()
    };
    // `selfie` has one relation, to itself: a degree of 1 and no neighbour.
    assert_eq!(
        entity("selfie"),
        json!({"id": "selfie", "degree": 1, "neighbourCount": 0})
    );
}
