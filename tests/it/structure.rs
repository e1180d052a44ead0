//! Brokers, bridges, cycles, connecting subgraphs, cliques and the most reliable paths through
//! the GraphQL API.

use crate::support::{bundled_data_dir, first_code, run, traversal_graph, Fixture};
use dossier::load::load_dir;
use dossier::model::{
    Citation, ClaimStatus, Document, Entity, EntityKind, Id, Relation, RelationKind,
};
use dossier::store::{GraphBuilder, Store};
use serde_json::{json, Value};

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn brokers_name_the_cut_points_with_the_parts_they_separate() {
    let r = run(
        traversal_graph(),
        r#"{ brokers { entity { id } parts cutOff }
            neighbourhood(ids: ["ann"]) { brokers { entity { id } parts } } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["brokers"],
        json!([{"entity": {"id": "ann"}, "parts": [3, 2], "cutOff": 2},
               {"entity": {"id": "gov"}, "parts": [3, 2], "cutOff": 2},
               {"entity": {"id": "talks"}, "parts": [4, 1], "cutOff": 1}])
    );
    // Within ann's neighbourhood, only ann holds gov to the triangle.
    assert_eq!(
        r["data"]["neighbourhood"]["brokers"],
        json!([{"entity": {"id": "ann"}, "parts": [2, 1]}])
    );
}

#[tokio::test]
async fn bridges_are_the_relations_whose_removal_disconnects() {
    let r = run(
        traversal_graph(),
        r#"{ bridges { id } only: bridges(relationKinds: [ARRESTED, DEFENDED]) { id } }"#,
    )
    .await;
    assert_eq!(
        ids(&r["data"]["bridges"]),
        [
            "gov.arrested.ann",
            "gov.participated-in.talks",
            "talks.located-in.city"
        ]
    );
    assert_eq!(
        ids(&r["data"]["only"]),
        ["gov.arrested.ann", "ngo.defended.ann"]
    );
}

#[tokio::test]
async fn cycles_follow_directed_relations_only() {
    let g = Fixture::new()
        .entity("a", EntityKind::Person)
        .entity("b", EntityKind::Person)
        .entity("c", EntityKind::Organisation)
        .relation("a", RelationKind::Accused, "b")
        .relation("b", RelationKind::Criticised, "c")
        .relation("c", RelationKind::Accused, "a")
        .relation("a", RelationKind::Called, "b")
        .build();
    let r = run(
        g,
        r#"{ cycles { size members { id } }
            none: cycles(relationKinds: [ACCUSED, CALLED]) { size } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["cycles"],
        json!([{"size": 3, "members": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}])
    );
    assert_eq!(r["data"]["none"], json!([]));
    let r = run(traversal_graph(), "{ cycles { size } }").await;
    assert_eq!(r["data"]["cycles"], json!([]));
}

#[tokio::test]
async fn a_connecting_subgraph_joins_the_chosen_entities_and_exports() {
    let r = run(
        traversal_graph(),
        r#"{ connectingSubgraph(ids: ["bob", "city"]) {
               connected entities { id } relations { id }
               subgraph { relations { id } export(format: CSV) } }
            apart: connectingSubgraph(ids: ["bob", "loner"]) { connected relations { id } } }"#,
    )
    .await;
    let c = &r["data"]["connectingSubgraph"];
    assert_eq!(c["connected"], true);
    assert_eq!(ids(&c["entities"]), ["bob", "city", "gov", "ann", "talks"]);
    assert_eq!(c["relations"].as_array().unwrap().len(), 4);
    assert_eq!(c["subgraph"]["relations"], c["relations"]);
    assert!(c["subgraph"]["export"]
        .as_str()
        .unwrap()
        .contains("talks.located-in.city"));
    assert_eq!(
        r["data"]["apart"],
        json!({"connected": false, "relations": []})
    );
}

#[tokio::test]
async fn cliques_around_an_entity_are_largest_first() {
    let r = run(
        traversal_graph(),
        r#"{ cliques(around: "ann") { truncated cliques { size members { id } } }
            capped: cliques(around: "ann", neighbours: 1) { truncated cliques { size } } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["cliques"],
        json!({"truncated": false, "cliques": [
            {"size": 3, "members": [{"id": "ann"}, {"id": "bob"}, {"id": "ngo"}]},
            {"size": 2, "members": [{"id": "ann"}, {"id": "gov"}]}]})
    );
    assert_eq!(r["data"]["capped"]["truncated"], true);
    let r = run(
        traversal_graph(),
        r#"{ cliques(around: "ann", neighbours: 500) { truncated } }"#,
    )
    .await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED");
}

/// a → b → d is confirmed, then reported; a → c → d alleged twice; a → d disputed.
fn claims() -> dossier::store::Graph {
    let id = |s: &str| Id::parse(s).unwrap();
    let mut b = GraphBuilder::new();
    b.add_document(Document {
        id: id("doc"),
        title: "A document".into(),
        publisher: None,
        published: None,
        url: None,
    })
    .unwrap();
    for e in ["a", "b", "c", "d"] {
        b.add_entity(Entity::new(id(e), EntityKind::Person, e))
            .unwrap();
    }
    let rels = [
        ("a", "b", Some(ClaimStatus::Confirmed)),
        ("b", "d", None),
        ("a", "c", Some(ClaimStatus::Alleged)),
        ("c", "d", Some(ClaimStatus::Alleged)),
        ("a", "d", Some(ClaimStatus::Disputed)),
    ];
    for (i, (from, to, claim)) in rels.into_iter().enumerate() {
        b.add_relation(Relation {
            claim,
            ..Relation::cited(
                id(&format!("r{i}")),
                RelationKind::Accused,
                id(from),
                id(to),
                Citation {
                    document: id("doc"),
                    quote: "q".into(),
                },
            )
        })
        .unwrap();
    }
    b.build().unwrap()
}

#[tokio::test]
async fn the_most_reliable_path_prefers_confirmed_claims_and_says_its_weight() {
    let r = run(
        claims(),
        r#"{ short: shortestPath(from: "a", to: "d") { length weight relations { id } }
            reliable: shortestPath(from: "a", to: "d", weight: CLAIM) { length weight relations { id } }
            paths(from: "a", to: "d", weight: CLAIM) { weight relations { id } } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["short"],
        json!({"length": 1, "weight": 1.0, "relations": [{"id": "r4"}]})
    );
    assert_eq!(
        r["data"]["reliable"],
        json!({"length": 2, "weight": 3.0, "relations": [{"id": "r0"}, {"id": "r1"}]})
    );
    let weights: Vec<f64> = r["data"]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["weight"].as_f64().unwrap())
        .collect();
    assert_eq!(weights, [3.0, 4.0, 8.0]);
}

#[tokio::test]
async fn a_structural_search_past_the_deadline_answers_limit_exceeded() {
    let mut f = Fixture::new();
    for i in 0..3000 {
        f = f.entity(&format!("p{i}"), EntityKind::Person);
    }
    for i in 1..3000 {
        f = f.relation(
            &format!("p{}", i - 1),
            RelationKind::AssociateOf,
            &format!("p{i}"),
        );
    }
    let limits = dossier::graphql::Limits {
        max_work: std::time::Duration::ZERO,
        ..Default::default()
    };
    let schema = dossier::graphql::build_schema_with(Store::new(f.build()), limits, None);
    for query in [
        "{ brokers { cutOff } }",
        "{ bridges { id } }",
        r#"{ connectingSubgraph(ids: ["p0", "p2999"]) { connected } }"#,
        r#"{ shortestPath(from: "p0", to: "p2999", weight: CLAIM) { length } }"#,
    ] {
        let r = serde_json::to_value(schema.execute(query).await).unwrap();
        assert_eq!(first_code(&r), "LIMIT_EXCEEDED", "{query}: {r}");
    }
}

#[tokio::test]
async fn the_bulletins_brokers_and_bridges_are_those_in_the_readme() {
    let g = load_dir(&bundled_data_dir()).unwrap().0;
    let r = run(
        g,
        r#"{ brokers(limit: 3) { entity { id } parts cutOff }
            bridges { id }
            cycles { size } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["brokers"],
        json!([{"entity": {"id": "azerbaijan"}, "parts": [33, 11, 5, 1], "cutOff": 17},
               {"entity": {"id": "echr"}, "parts": [46, 4], "cutOff": 4},
               {"entity": {"id": "karabakh-armenians"}, "parts": [48, 2], "cutOff": 2}])
    );
    assert_eq!(r["data"]["bridges"].as_array().unwrap().len(), 11);
    assert_eq!(
        r["data"]["cycles"],
        json!([{"size": 4}, {"size": 2}, {"size": 2}])
    );
}

#[tokio::test]
async fn a_subgraph_has_its_own_connecting_subgraph_and_cliques() {
    // ann's neighbourhood: ann, gov, ngo, bob (the ann-bob-ngo triangle and gov).
    let r = run(
        traversal_graph(),
        r#"{ neighbourhood(ids: ["ann"]) {
               connectingSubgraph(ids: ["gov", "bob"]) { entities { id } relations { id } }
               cliques(around: "bob") { cliques { size members { id } } } } }"#,
    )
    .await;
    let n = &r["data"]["neighbourhood"];
    let mut joined = ids(&n["connectingSubgraph"]["entities"]);
    joined.sort_unstable();
    assert_eq!(joined, ["ann", "bob", "gov"], "{r}");
    assert_eq!(
        n["connectingSubgraph"]["relations"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "{r}"
    );
    let clique = &n["cliques"]["cliques"][0];
    assert_eq!(clique["size"], 3, "{r}");
    let mut members = ids(&clique["members"]);
    members.sort_unstable();
    assert_eq!(members, ["ann", "bob", "ngo"]);
    // `city` is not in ann's neighbourhood: asking to join it there is refused (and the
    // non-null field's null reaches `data`).
    let r = run(
        traversal_graph(),
        r#"{ neighbourhood(ids: ["ann"]) {
               connectingSubgraph(ids: ["gov", "city"]) { entities { id } } } }"#,
    )
    .await;
    assert!(r["data"].is_null(), "{r}");
    assert_eq!(first_code(&r), "INVALID_INPUT", "{r}");
    assert_eq!(
        r["errors"][0]["path"],
        json!(["neighbourhood", "connectingSubgraph"])
    );
}
