//! The GraphQL API, in process: every query field, paging, and stable error codes.

use crate::support::{first_code, run, traversal_graph};
use dossier::load::load_dir;
use serde_json::json;

fn small() -> dossier::store::Graph {
    load_dir(&crate::support::small_fixture_dir()).unwrap().0
}

#[tokio::test]
async fn entity_answers_common_and_kind_specific_fields() {
    let r = run(
        small(),
        r#"{ entity(id: "ana-petrova") { id kind name aliases description degree
              ... on Person { roles } } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["entity"],
        json!({"id": "ana-petrova", "kind": "PERSON", "name": "Ana Petrova",
               "aliases": ["Анна Петрова", "Anna Petrova"], "description": "A journalist.",
               "degree": 3, "roles": ["journalist"]})
    );
    let r = run(small(), r#"{ entity(id: "nobody") { name } }"#).await;
    assert_eq!(r["data"]["entity"], json!(null));
    assert!(r.get("errors").is_none());
}

#[tokio::test]
async fn an_event_has_dates_a_place_and_participants() {
    let r = run(
        small(),
        r#"{ entity(id: "hearing-2024-02-27") { ... on Event { start end place { name } participants { id } } } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["entity"],
        json!({"start": "2024-02-27", "end": null, "place": {"name": "Capital City"}, "participants": [{"id": "city-court"}]})
    );
}

#[tokio::test]
async fn relations_carry_labels_dates_claims_attributes_and_citations() {
    let r = run(
        small(),
        r#"{ relations(kinds: [SENTENCED]) { totalCount nodes { id kind label inverseLabel date claim
              from { name } to { name } attributes { name value number }
              citations { quote document { id title published } } } } }"#,
    )
    .await;
    let rel = &r["data"]["relations"]["nodes"][0];
    assert_eq!(r["data"]["relations"]["totalCount"], 1);
    assert_eq!(rel["id"], "city-court.sentenced.ana-petrova");
    assert_eq!(rel["label"], "sentenced");
    assert_eq!(rel["inverseLabel"], "sentenced by");
    assert_eq!(rel["from"]["name"], "City Court");
    assert_eq!(
        rel["attributes"],
        json!([{"name": "detention_months", "value": "2", "number": 2.0}])
    );
    assert_eq!(
        rel["citations"][0]["document"],
        json!({"id": "court-news-2024-03-03", "title": "Court news", "published": "2024-03-03"})
    );
}

#[tokio::test]
async fn connections_page_with_cursors_and_count_the_total() {
    let q = |after: &str| {
        format!(
            r#"{{ entities(first: 3{after}) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage endCursor }} edges {{ cursor node {{ id }} }} nodes {{ id }} }} }}"#
        )
    };
    let r = run(small(), &q("")).await;
    let page = &r["data"]["entities"];
    assert_eq!(page["totalCount"], 8);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        page["nodes"],
        json!([{"id": "ana-petrova"}, {"id": "boris-lind"}, {"id": "capital-city"}])
    );
    let cursor = page["pageInfo"]["endCursor"].as_str().unwrap().to_string();
    let mut seen = 3;
    let mut after = cursor;
    loop {
        let r = run(small(), &q(&format!(", after: \"{after}\""))).await;
        let page = &r["data"]["entities"];
        seen += page["nodes"].as_array().unwrap().len();
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().unwrap().to_string();
    }
    assert_eq!(seen, 8);
}

#[tokio::test]
async fn entities_filter_by_kind() {
    let r = run(
        small(),
        "{ entities(kinds: [COURT, PLACE]) { nodes { id kind } } }",
    )
    .await;
    assert_eq!(
        r["data"]["entities"]["nodes"],
        json!([{"id": "capital-city", "kind": "PLACE"}, {"id": "city-court", "kind": "COURT"}])
    );
}

#[tokio::test]
async fn an_entitys_relations_and_neighbours_filter_by_direction_and_kind() {
    let g = traversal_graph();
    let r = run(
        g,
        r#"{ entity(id: "ann") {
              out: relations(direction: OUTGOING) { totalCount }
              inc: relations(direction: INCOMING) { totalCount }
              arrests: relations(kinds: [ARRESTED]) { nodes { from { id } } }
              neighbours { id }
              people: neighbours(kinds: [PERSON]) { id } } }"#,
    )
    .await;
    let e = &r["data"]["entity"];
    assert_eq!(e["out"]["totalCount"], 1);
    assert_eq!(e["inc"]["totalCount"], 3);
    assert_eq!(e["arrests"]["nodes"], json!([{"from": {"id": "gov"}}]));
    assert_eq!(
        e["neighbours"],
        json!([{"id": "gov"}, {"id": "ngo"}, {"id": "bob"}])
    );
    assert_eq!(e["people"], json!([{"id": "bob"}]));
}

#[tokio::test]
async fn search_finds_names_across_scripts_and_says_why() {
    let r = run(
        small(),
        r#"{ search(text: "анна петрова") { score matched reason entity { id } } }"#,
    )
    .await;
    let hit = &r["data"]["search"][0];
    assert_eq!(hit["entity"]["id"], "ana-petrova");
    assert_eq!(hit["matched"], "Анна Петрова");
    assert_eq!(hit["reason"], "ALIAS");
    let r = run(
        small(),
        r#"{ search(text: "Petrva", kinds: [PERSON]) { reason entity { id } } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["search"][0],
        json!({"reason": "FUZZY", "entity": {"id": "ana-petrova"}})
    );
    let r = run(
        small(),
        r#"{ search(text: "Petrova", kinds: [COURT]) { entity { id } } }"#,
    )
    .await;
    assert_eq!(r["data"]["search"], json!([]));
}

#[tokio::test]
async fn relations_filter_by_ends_and_dates() {
    let r = run(
        small(),
        r#"{ a: relations(to: "ana-petrova", since: "2024-02-27") { nodes { kind } }
            b: relations(from: "karl-olsen", kinds: [CALLED]) { nodes { from { id } } }
            c: relations(until: "2024-02") { totalCount } }"#,
    )
    .await;
    assert_eq!(r["data"]["a"]["nodes"], json!([{"kind": "SENTENCED"}]));
    // CALLED is symmetric: karl-olsen is its `to`, yet `from: karl-olsen` finds it.
    assert_eq!(
        r["data"]["b"]["nodes"],
        json!([{"from": {"id": "boris-lind"}}])
    );
    assert_eq!(r["data"]["c"]["totalCount"], 3);
}

#[tokio::test]
async fn neighbourhood_returns_a_subgraph_and_reports_truncation() {
    let r = run(
        traversal_graph(),
        r#"{ a: neighbourhood(ids: ["ann"], depth: 1) { entities { id } relations { id } truncated }
            b: neighbourhood(ids: ["ann"], depth: 3, limit: 2) { entities { id } truncated }
            c: neighbourhood(ids: ["ann"], depth: 2, relationKinds: [CALLED, MEMBER_OF]) { entities { id } } }"#,
    )
    .await;
    assert_eq!(r["data"]["a"]["entities"].as_array().unwrap().len(), 4);
    assert_eq!(r["data"]["a"]["relations"].as_array().unwrap().len(), 4);
    assert_eq!(r["data"]["a"]["truncated"], false);
    assert_eq!(r["data"]["b"]["truncated"], true);
    assert_eq!(
        r["data"]["c"]["entities"],
        json!([{"id": "ann"}, {"id": "bob"}, {"id": "ngo"}])
    );
}

#[tokio::test]
async fn shortest_path_and_paths_answer_with_entities_and_relations() {
    let r = run(
        traversal_graph(),
        r#"{ p: shortestPath(from: "ann", to: "city") { length entities { id } relations { label } }
            d: shortestPath(from: "ann", to: "city", directed: true) { length }
            none: shortestPath(from: "ann", to: "loner") { length }
            all: paths(from: "ann", to: "ngo") { length entities { id } } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["p"],
        json!({"length": 3, "entities": [{"id": "ann"}, {"id": "gov"}, {"id": "talks"}, {"id": "city"}],
               "relations": [{"label": "arrested"}, {"label": "took part in"}, {"label": "located in"}]})
    );
    assert_eq!(r["data"]["d"], json!(null));
    assert_eq!(r["data"]["none"], json!(null));
    assert_eq!(
        r["data"]["all"],
        json!([{"length": 1, "entities": [{"id": "ann"}, {"id": "ngo"}]},
               {"length": 2, "entities": [{"id": "ann"}, {"id": "bob"}, {"id": "ngo"}]}])
    );
}

#[tokio::test]
async fn timeline_and_documents_and_vocabulary() {
    let r = run(
        small(),
        r#"{ timeline(since: "2024-02") { date kind }
            documents { id publisher }
            vocabulary { kind label inverseLabel symmetric } }"#,
    )
    .await;
    assert_eq!(
        r["data"]["timeline"],
        json!([{"date": "2024-02-26", "kind": "ARRESTED"}, {"date": "2024-02-27", "kind": "SENTENCED"},
               {"date": "2024-02-27", "kind": "PARTICIPATED_IN"}])
    );
    assert_eq!(
        r["data"]["documents"],
        json!([{"id": "court-news-2024-03-03", "publisher": "Example Monitor"}])
    );
    let vocab = r["data"]["vocabulary"].as_array().unwrap();
    assert!(vocab.contains(
        &json!({"kind": "CALLED", "label": "called", "inverseLabel": "called", "symmetric": true})
    ));
    assert!(vocab.contains(&json!({"kind": "ARRESTED", "label": "arrested", "inverseLabel": "arrested by", "symmetric": false})));
}

#[tokio::test]
async fn errors_carry_stable_codes() {
    let cases = [
        (
            r#"{ shortestPath(from: "nobody", to: "ann") { length } }"#,
            "NOT_FOUND",
        ),
        (
            r#"{ neighbourhood(ids: ["ann", "nobody"]) { truncated } }"#,
            "NOT_FOUND",
        ),
        (r#"{ timeline(since: "2023-13") { id } }"#, "INVALID_INPUT"),
        (
            r#"{ relations(kinds: [KIDNAPPED]) { totalCount } }"#,
            "INVALID_INPUT",
        ),
        (
            r#"{ relations(after: "garbage") { totalCount } }"#,
            "INVALID_INPUT",
        ),
        (r#"{ relations(first: 0) { totalCount } }"#, "INVALID_INPUT"),
        (
            r#"{ relations(first: 101) { totalCount } }"#,
            "LIMIT_EXCEEDED",
        ),
        (
            r#"{ neighbourhood(ids: ["ann"], depth: 9) { truncated } }"#,
            "LIMIT_EXCEEDED",
        ),
        (
            r#"{ paths(from: "ann", to: "bob", maxLength: 7) { length } }"#,
            "LIMIT_EXCEEDED",
        ),
        (
            r#"{ search(text: "ann", limit: 1000) { score } }"#,
            "LIMIT_EXCEEDED",
        ),
        (
            r#"{ entity(id: "ann") { nonsense } }"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (r#"{ entity(id: "ann" { name } }"#, "GRAPHQL_PARSE_FAILED"),
    ];
    for (query, code) in cases {
        let r = run(traversal_graph(), query).await;
        assert_eq!(first_code(&r), code, "{query}: {r}");
    }
    let r = run(
        traversal_graph(),
        r#"{ relations(first: 500) { totalCount } }"#,
    )
    .await;
    let ext = &r["errors"][0]["extensions"];
    assert_eq!(
        (ext["limit"].as_i64(), ext["value"].as_i64()),
        (Some(100), Some(500))
    );
}

/// A government and 50 people, with `n` dated arrests recorded out of date order (and one
/// undated), for paging a timeline longer than its page.
fn many_dated(n: usize) -> dossier::store::Graph {
    use dossier::model::{
        Citation, Date, Document, Entity, EntityKind, Id, Relation, RelationKind,
    };
    let id = |s: &str| Id::parse(s).unwrap();
    let mut b = dossier::store::GraphBuilder::new();
    b.add_document(Document {
        id: id("doc"),
        title: "A document".into(),
        publisher: None,
        published: None,
        url: None,
    })
    .unwrap();
    b.add_entity(Entity::new(id("gov"), EntityKind::Government, "Gov"))
        .unwrap();
    for p in 0..50 {
        b.add_entity(Entity::new(
            id(&format!("p{p}")),
            EntityKind::Person,
            format!("P{p}"),
        ))
        .unwrap();
    }
    for i in 0..=n {
        let date = (i < n).then(|| {
            // Later records carry earlier dates; months and days both repeat.
            let k = n - i;
            Date::parse(&format!("2023-{:02}-{:02}", k % 12 + 1, k % 28 + 1)).unwrap()
        });
        b.add_relation(Relation {
            date,
            ..Relation::cited(
                id(&format!("r{i}")),
                RelationKind::Arrested,
                id("gov"),
                id(&format!("p{}", i % 50)),
                Citation {
                    document: id("doc"),
                    quote: format!("arrest {i}"),
                },
            )
        })
        .unwrap();
    }
    b.build().unwrap()
}

#[tokio::test]
async fn a_timeline_longer_than_its_page_can_be_paged_in_date_order_with_a_total() {
    let g = many_dated(1200);
    // `timeline` stops at its default of 1,000, saying nothing.
    let r = run(g.clone(), "{ timeline { id } }").await;
    assert_eq!(r["data"]["timeline"].as_array().unwrap().len(), 1000);
    let r = run(g.clone(), "{ timeline(limit: 10000) { id } }").await;
    let timeline: Vec<String> = r["data"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(timeline.len(), 1200);
    // `relations(orderBy: DATE)` pages through the same relations in the same order, then the
    // undated one, with the total on every page.
    let mut paged = Vec::new();
    let mut after = String::new();
    loop {
        let q = format!(
            "{{ relations(orderBy: DATE, first: 100{after}) {{ totalCount
                 pageInfo {{ hasNextPage endCursor }} nodes {{ id date }} }} }}"
        );
        let r = run(g.clone(), &q).await;
        let c = &r["data"]["relations"];
        assert_eq!(c["totalCount"], 1201, "{r}");
        paged.extend(
            c["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_string()),
        );
        if c["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = format!(", after: {}", c["pageInfo"]["endCursor"]);
    }
    assert_eq!(paged.len(), 1201);
    assert_eq!(paged[..1200], timeline[..]);
    assert_eq!(paged[1200], "r1200", "the undated relation comes last");
    // A date range: the same relations as the timeline's, counted.
    let r = run(
        g.clone(),
        r#"{ relations(orderBy: DATE, since: "2023-03-01", until: "2023-03-31", first: 5) { totalCount nodes { date } }
             timeline(since: "2023-03-01", until: "2023-03-31", limit: 10000) { id } }"#,
    )
    .await;
    let total = r["data"]["relations"]["totalCount"].as_u64().unwrap();
    assert_eq!(
        total as usize,
        r["data"]["timeline"].as_array().unwrap().len()
    );
    let dates: Vec<&str> = r["data"]["relations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["date"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert_eq!(dates[0], "2023-03-03", "the earliest day of March recorded");
}

#[tokio::test]
async fn a_cursor_of_one_order_is_refused_in_the_other() {
    let g = many_dated(30);
    let r = run(
        g.clone(),
        "{ relations(first: 2) { pageInfo { endCursor } } }",
    )
    .await;
    let cursor = r["data"]["relations"]["pageInfo"]["endCursor"].clone();
    let r = run(
        g,
        &format!("{{ relations(orderBy: DATE, after: {cursor}) {{ totalCount }} }}"),
    )
    .await;
    assert_eq!(first_code(&r), "INVALID_INPUT", "{r}");
}
