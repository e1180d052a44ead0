//! The bundled bulletin (CNIS, 22 September 2023), asked the questions a monitor would ask,
//! through the GraphQL API.

use crate::support::{bundled_data_dir, run};
use dossier::load::load_dir;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn bulletin() -> dossier::store::Graph {
    load_dir(&bundled_data_dir())
        .expect("data/ passes validation")
        .0
}

async fn ask(query: &str) -> Value {
    let r = run(bulletin(), query).await;
    assert!(r.get("errors").is_none(), "{query}\n{r}");
    r["data"].clone()
}

fn ids(list: &Value, pointer: &str) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| {
            v.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap()
                .to_string()
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_bundled_data_passes_check_and_is_complete() {
    let (g, s) = load_dir(&bundled_data_dir()).unwrap();
    assert_eq!(s.documents, 1);
    assert!(s.entities >= 45, "{} entities", s.entities);
    assert!(s.relations >= 100, "{} relations", s.relations);
    assert!(g.entity_count() == s.entities);
}

#[test]
fn every_quote_occurs_verbatim_in_the_source_bulletin() {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/seeds/000_53d2bed260186b10.txt"),
    )
    .or_else(|_| std::fs::read_to_string(bundled_data_dir().join("sources/cnis-2023-09-22.txt")))
    .unwrap();
    let g = bulletin();
    let mut quotes = 0;
    for e in g.all_relations() {
        let rel = g.relation(e);
        assert!(rel.citation_count() > 0, "{} has no citation", rel.id());
        for c in rel.citations() {
            assert!(
                source.contains(&*c.quote()),
                "{}: quote not in the bulletin: {:?}",
                rel.id(),
                c.quote()
            );
            quotes += 1;
        }
    }
    assert!(quotes >= 100);
}

#[tokio::test]
async fn who_was_deprived_of_liberty_in_the_past_24_hours_and_by_whom() {
    let d = ask(
        r#"{ relations(kinds: [ARRESTED, DETAINED], since: "2023-09-21", until: "2023-09-22") {
              totalCount nodes { kind from { id } to { id } date until citations { quote } } } }"#,
    )
    .await;
    let nodes = &d["relations"]["nodes"];
    assert_eq!(
        ids(nodes, "/to/id"),
        set(&[
            "rail-abbasov",
            "nemat-abbasov",
            "amrah-tahmazov",
            "emin-shaig-ibrahimov",
            "afiaddin-mammadov"
        ])
    );
    assert_eq!(ids(nodes, "/from/id"), set(&["azerbaijan"]));
    for n in nodes.as_array().unwrap() {
        assert_eq!(n["date"], "2023-09-21");
        assert_eq!(n["until"], "2023-09-22");
        assert!(!n["citations"][0]["quote"].as_str().unwrap().is_empty());
    }
    let detentions: Vec<&Value> = nodes
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "DETAINED")
        .collect();
    assert_eq!(
        detentions.len(),
        3,
        "three administrative detentions of 30 days"
    );
}

#[tokio::test]
async fn rail_abbasov_was_arrested_and_sentenced_to_four_months() {
    let d = ask(
        r#"{ entity(id: "rail-abbasov") { relations(kinds: [SENTENCED], direction: INCOMING) {
              nodes { from { kind } attributes { name number } citations { quote } } } } }"#,
    )
    .await;
    let s = &d["entity"]["relations"]["nodes"][0];
    assert_eq!(s["from"]["kind"], "COURT");
    assert!(s["citations"][0]["quote"]
        .as_str()
        .unwrap()
        .contains("sentenced to four months imprisonment"));
    assert!(s["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["number"] == 4.0));
}

#[tokio::test]
async fn who_defended_bakhtiyar_hajiyev() {
    let d = ask(
        r#"{ entity(id: "bakhtiyar-hajiyev") { relations(kinds: [DEFENDED], direction: INCOMING) {
              nodes { from { id name } citations { quote } } } } }"#,
    )
    .await;
    let nodes = &d["entity"]["relations"]["nodes"];
    assert_eq!(ids(nodes, "/from/id"), set(&["rail-abbasov"]));
    assert!(nodes[0]["citations"][0]["quote"]
        .as_str()
        .unwrap()
        .contains("played an active role in the defense of jailed activist Bakhtiyar Hajiyev"));
}

#[tokio::test]
async fn what_the_echr_decided_about_gubad_ibadoglu_and_at_whose_request() {
    let d = ask(
        r#"{ decisions: relations(from: "echr") { nodes { kind role to { id } citations { quote } } }
            requests: relations(kinds: [REQUESTED], to: "echr") { nodes { from { id } role } }
            family: relations(kinds: [RELATIVE_OF], from: "galib-toghrul-bey") { nodes { role to { id } } } }"#,
    )
    .await;
    let decisions = d["decisions"]["nodes"].as_array().unwrap();
    let rulings: Vec<&Value> = decisions
        .iter()
        .filter(|n| n["kind"] == "RULED_ON")
        .collect();
    assert!(
        rulings.len() >= 3,
        "endorsement, clinic request, Rule 41 priority"
    );
    let quotes: String = decisions
        .iter()
        .map(|n| n["citations"][0]["quote"].as_str().unwrap())
        .collect();
    assert!(quotes.contains("fully endorsed the allegations"));
    assert!(quotes.contains("Rule 41"));
    assert!(quotes.contains("acknowledged by the European Court"));
    assert!(decisions
        .iter()
        .any(|n| n["kind"] == "ORDERED" && n["to"]["id"] == "azerbaijan"));
    assert_eq!(
        ids(&d["requests"]["nodes"], "/from/id"),
        set(&["galib-toghrul-bey"])
    );
    assert!(d["requests"]["nodes"][0]["role"]
        .as_str()
        .unwrap()
        .contains("clinic"));
    assert_eq!(
        d["family"]["nodes"],
        json!([{"role": "brother", "to": {"id": "gubad-ibadoglu"}}])
    );
}

#[tokio::test]
async fn who_spoke_with_ilham_aliyev_and_when() {
    let d = ask(
        r#"{ entity(id: "ilham-aliyev") { relations(kinds: [CALLED, SPOKE_WITH]) {
              nodes { kind date from { id } to { id } } } } }"#,
    )
    .await;
    let mut calls: Vec<(String, String, String)> = d["entity"]["relations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let other = if n["from"]["id"] == "ilham-aliyev" {
                &n["to"]["id"]
            } else {
                &n["from"]["id"]
            };
            (
                n["date"].as_str().unwrap().into(),
                n["kind"].as_str().unwrap().into(),
                other.as_str().unwrap().into(),
            )
        })
        .collect();
    calls.sort();
    assert_eq!(
        calls,
        [
            (
                "2023-09-20".into(),
                "SPOKE_WITH".into(),
                "emmanuel-macron".into()
            ),
            (
                "2023-09-21".into(),
                "CALLED".into(),
                "vladimir-putin".into()
            )
        ]
    );
    let d = ask(r#"{ relations(kinds: [APOLOGISED_TO], from: "ilham-aliyev") { nodes { to { id } date } } }"#).await;
    assert_eq!(
        d["relations"]["nodes"],
        json!([{"to": {"id": "vladimir-putin"}, "date": "2023-09-21"}])
    );
}

#[tokio::test]
async fn an_arrested_activist_connects_to_the_heads_of_state() {
    for head in ["vladimir-putin", "emmanuel-macron", "ilham-aliyev"] {
        let d = ask(&format!(
            r#"{{ shortestPath(from: "rail-abbasov", to: "{head}") {{ length entities {{ id }} relations {{ label citations {{ quote }} }} }} }}"#
        ))
        .await;
        let p = &d["shortestPath"];
        assert!(p.is_object(), "no path to {head}");
        let len = p["length"].as_u64().unwrap();
        assert!((1..=4).contains(&len), "{head}: {p}");
        assert_eq!(p["entities"][0]["id"], "rail-abbasov");
        assert_eq!(p["entities"][len as usize]["id"], head);
        assert!(p["relations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["citations"][0]["quote"].is_string()));
    }
    let d = ask(r#"{ paths(from: "rail-abbasov", to: "vladimir-putin", maxLength: 4, limit: 10) { length } }"#).await;
    let lengths: Vec<u64> = d["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["length"].as_u64().unwrap())
        .collect();
    assert!(
        lengths.len() > 1 && lengths.windows(2).all(|w| w[0] <= w[1]),
        "{lengths:?}"
    );
}

#[tokio::test]
async fn the_weeks_timeline_is_in_order() {
    let d = ask(r#"{ timeline(since: "2023-09-19", until: "2023-09-22") { date kind from { id } to { id } } }"#).await;
    let items = d["timeline"].as_array().unwrap();
    assert!(items.len() >= 20);
    let dates: Vec<&str> = items.iter().map(|i| i["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by_key(|d| dossier::model::Date::parse(d).unwrap());
    assert_eq!(dates, sorted);
    // Relative dates resolved against Friday 22 September: Tuesday is the 19th.
    assert!(items.iter().any(|i| i["date"] == "2023-09-19"
        && i["kind"] == "ANNOUNCED"
        && i["from"]["id"] == "azerbaijan-ministry-of-defense"));
    assert!(items
        .iter()
        .any(|i| i["date"] == "2023-09-21" && i["kind"] == "CALLED"));
}

#[tokio::test]
async fn events_carry_resolved_dates_places_and_figures() {
    let d = ask(
        r#"{ op: entity(id: "military-operation-in-karabakh") { ... on Event { start place { id } attributes { name number } } }
            talks: entity(id: "yevlakh-talks") { ... on Event { start place { id } participants { id } } } }"#,
    )
    .await;
    assert_eq!(d["op"]["start"], "2023-09-19");
    assert_eq!(d["op"]["place"]["id"], "nagorno-karabakh");
    let attrs = d["op"]["attributes"].as_array().unwrap();
    assert!(attrs.contains(&json!({"name": "dead_min", "number": 200.0})));
    assert!(attrs.contains(&json!({"name": "children_dead", "number": 13.0})));
    assert_eq!(d["talks"]["start"], "2023-09-21");
    assert_eq!(d["talks"]["place"]["id"], "yevlakh");
    let participants = ids(&d["talks"]["participants"], "/id");
    assert!(
        participants.contains("elchin-amirbeyov")
            && participants.contains("nagorno-karabakh-authorities")
    );
}

#[tokio::test]
async fn claims_are_not_facts() {
    let d = ask(
        r#"{ mammadov: relations(to: "afiaddin-mammadov", kinds: [ACCUSED, CHARGED]) { nodes { kind claim } }
            ceasefire: relations(kinds: [ACCUSED], from: "nagorno-karabakh-authorities") { nodes { claim to { id } } } }"#,
    )
    .await;
    let m = d["mammadov"]["nodes"].as_array().unwrap();
    assert!(m.contains(&json!({"kind": "ACCUSED", "claim": "ALLEGED"})));
    assert!(m.contains(&json!({"kind": "CHARGED", "claim": "DISPUTED"})));
    assert_eq!(
        d["ceasefire"]["nodes"],
        json!([{"claim": "ALLEGED", "to": {"id": "azerbaijan"}}])
    );
}

#[tokio::test]
async fn messy_names_find_the_right_people() {
    let top = |q: &'static str| async move {
        let d = ask(&format!(
            r#"{{ search(text: "{q}") {{ entity {{ id }} matched reason }} }}"#
        ))
        .await;
        d["search"].as_array().unwrap().clone()
    };
    assert_eq!(top("Ibadoghlu").await[0]["entity"]["id"], "gubad-ibadoglu");
    assert_eq!(top("Aliev").await[0]["entity"]["id"], "ilham-aliyev");
    assert_eq!(top("Əliyev").await[0]["entity"]["id"], "ilham-aliyev");
    assert_eq!(top("Путин").await[0]["entity"]["id"], "vladimir-putin");
    assert_eq!(
        top("Qubad İbadoğlu").await[0]["entity"]["id"],
        "gubad-ibadoglu"
    );
    assert_eq!(
        top("Gubad Ibadolgu").await[0]["entity"]["id"],
        "gubad-ibadoglu"
    );
    let rail = top("Rail Abbasov").await;
    assert_eq!(rail[0]["entity"]["id"], "rail-abbasov");
    assert_eq!(rail[0]["reason"], "EXACT");
    assert!(
        rail.iter().all(|h| h["entity"]["id"] != "nemat-abbasov")
            || rail[0]["entity"]["id"] == "rail-abbasov"
    );
    let stepanyan = top("Stepanian").await;
    assert_eq!(stepanyan[0]["entity"]["id"], "gegham-stepanyan");
}

#[tokio::test]
async fn ilham_aliyev_is_the_broker_among_the_people_of_the_bulletin() {
    let d = ask(r#"{ ranking(measure: BETWEENNESS, kinds: [PERSON], limit: 3) { rank entity { id } } components { size } }"#).await;
    assert_eq!(d["ranking"][0]["entity"]["id"], "ilham-aliyev");
    assert_eq!(
        d["components"],
        json!([{"size": 51}]),
        "the bulletin is one connected network"
    );
}
