//! Abusive queries get the documented refusal, and a normal query still answers.

use crate::support::{first_code, run, small_fixture_dir, spawn_app, traversal_graph};
use dossier::graphql::{build_schema, build_schema_with, Limits};
use dossier::model::{EntityKind, RelationKind};
use dossier::store::Store;
use serde_json::{json, Value};

const NORMAL: &str = r#"{ entity(id: "ann") { name relations(first: 5) { totalCount } } }"#;

async fn refused(query: &str) -> Value {
    let r = run(traversal_graph(), query).await;
    assert!(r["data"].is_null(), "should be refused before running: {r}");
    r
}

async fn still_answers() {
    let r = run(traversal_graph(), NORMAL).await;
    assert_eq!(r["data"]["entity"]["name"], "ANN", "{r}");
}

#[tokio::test]
async fn a_query_text_seen_before_is_held_to_the_limits_with_its_new_variables() {
    // The second request finds the document parsed by the first; the third, with the same
    // text, asks for pages that multiply past the complexity limit.
    let limits = Limits {
        max_complexity: 500,
        ..Limits::default()
    };
    let schema = build_schema_with(Store::new(traversal_graph()), limits, None);
    let q = "query ($n: Int) { entities(first: $n) { nodes { id relations(first: $n) { nodes { id } } } } }";
    let ask = |n: i32| {
        async_graphql::Request::new(q)
            .variables(async_graphql::Variables::from_json(json!({ "n": n })))
    };
    let first = serde_json::to_value(schema.execute(ask(2)).await).unwrap();
    assert!(first["errors"].is_null(), "{first}");
    assert_eq!(
        first["data"]["entities"]["nodes"].as_array().unwrap().len(),
        2
    );
    let again = serde_json::to_value(schema.execute(ask(2)).await).unwrap();
    assert_eq!(again, first);
    let big = serde_json::to_value(schema.execute(ask(100)).await).unwrap();
    assert_eq!(first_code(&big), "LIMIT_EXCEEDED", "{big}");
    assert_eq!(big["errors"][0]["extensions"]["measure"], "complexity");
    let other = serde_json::to_value(schema.execute(ask(3)).await).unwrap();
    assert_eq!(
        other["data"]["entities"]["nodes"].as_array().unwrap().len(),
        3
    );
}

#[tokio::test]
async fn deep_nesting_is_refused_with_the_limit_and_the_value() {
    let mut q = String::from("{ entity(id: \"ann\") { ");
    for _ in 0..15 {
        q.push_str("neighbours(limit: 1) { ");
    }
    q.push_str("id ");
    q.push_str(&"} ".repeat(16));
    q.push('}');
    let r = refused(&q).await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED");
    let ext = &r["errors"][0]["extensions"];
    assert_eq!(ext["measure"], "depth");
    assert_eq!(ext["limit"], 12);
    assert!(ext["value"].as_u64().unwrap() > 12);
    still_answers().await;
}

#[tokio::test]
async fn thousands_of_opening_braces_never_reach_the_parser() {
    let q = format!("{}{}", "{ a ".repeat(20_000), "}".repeat(20_000));
    let r = refused(&q).await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED");
    assert_eq!(r["errors"][0]["extensions"]["measure"], "nesting");
    let q = format!(
        "{{ search(text: \"x\", kinds: {}PERSON{}) {{ score }} }}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert_eq!(first_code(&refused(&q).await), "LIMIT_EXCEEDED");
}

#[tokio::test]
async fn a_thousand_aliases_are_refused() {
    let fields: String = (0..1000)
        .map(|i| format!("a{i}: entity(id: \"ann\") {{ name }} "))
        .collect();
    let r = refused(&format!("{{ {fields} }}")).await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED");
    assert_eq!(r["errors"][0]["extensions"]["measure"], "number of aliases");
    assert_eq!(r["errors"][0]["extensions"]["value"], 1000);
    still_answers().await;
}

#[tokio::test]
async fn too_many_root_fields_are_refused() {
    let fields = "documents { id } ".repeat(25);
    let r = refused(&format!("{{ {fields} }}")).await;
    assert_eq!(
        r["errors"][0]["extensions"]["measure"],
        "number of root fields"
    );
}

#[tokio::test]
async fn circular_fragments_are_refused() {
    let q = r#"query { entity(id: "ann") { ...A } }
               fragment A on Person { neighbours { ...B } }
               fragment B on Person { neighbours { ...A } }"#;
    let r = refused(q).await;
    let code = first_code(&r);
    assert!(
        code == "GRAPHQL_VALIDATION_FAILED" || code == "LIMIT_EXCEEDED",
        "{r}"
    );
    still_answers().await;
}

#[tokio::test]
async fn a_directive_flood_is_refused() {
    let directives = "@include(if: true) ".repeat(100);
    let r = refused(&format!("{{ documents {directives} {{ id }} }}")).await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED");
    assert_eq!(
        r["errors"][0]["extensions"]["measure"],
        "number of directives"
    );
}

#[tokio::test]
async fn page_sizes_past_the_maximum_are_refused() {
    let r = run(
        traversal_graph(),
        "{ entities(first: 100000) { totalCount } }",
    )
    .await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED");
    assert_eq!(r["errors"][0]["extensions"]["limit"], 100);
    assert_eq!(r["errors"][0]["extensions"]["value"], 100000);
}

#[tokio::test]
async fn nested_pages_multiply_into_a_complexity_that_is_refused() {
    let q = r#"{ entities(first: 100) { nodes { relations(first: 100) { nodes { from { relations(first: 100) { nodes { id } } } } } } } }"#;
    let r = refused(q).await;
    assert_eq!(r["errors"][0]["extensions"]["measure"], "complexity");
    assert!(r["errors"][0]["extensions"]["value"].as_u64().unwrap() > 50_000);
}

#[tokio::test]
async fn oversized_lists_and_strings_in_arguments_and_variables_are_refused() {
    let ids: Vec<String> = (0..500).map(|i| format!("\"e{i}\"")).collect();
    let r = refused(&format!(
        "{{ neighbourhood(ids: [{}]) {{ truncated }} }}",
        ids.join(",")
    ))
    .await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED");
    let schema = build_schema(Store::new(traversal_graph()));
    let req = async_graphql::Request::new("query($t: String!) { search(text: $t) { score } }")
        .variables(async_graphql::Variables::from_json(
            json!({ "t": "x".repeat(5000) }),
        ));
    let r = serde_json::to_value(schema.execute(req).await).unwrap();
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED");
}

#[tokio::test]
async fn the_playgrounds_introspection_query_still_works() {
    let q = include_str!("introspection.graphql");
    let r = run(traversal_graph(), q).await;
    assert!(r.get("errors").is_none(), "{}", r["errors"]);
    assert!(r["data"]["__schema"]["types"].as_array().unwrap().len() > 20);
}

#[tokio::test]
async fn paths_between_two_hubs_at_the_maximum_length_finish_within_the_budget() {
    // Two hubs joined through a dense middle: the number of simple paths explodes.
    let mut f = crate::support::Fixture::new()
        .entity("hub-a", EntityKind::Organisation)
        .entity("hub-b", EntityKind::Organisation);
    for i in 0..60 {
        f = f.entity(&format!("p{i}"), EntityKind::Person);
    }
    for i in 0..60 {
        f = f
            .relation(&format!("p{i}"), RelationKind::MemberOf, "hub-a")
            .relation(&format!("p{i}"), RelationKind::MemberOf, "hub-b");
        for j in (i + 1)..60 {
            if (i * 7 + j * 3) % 5 == 0 {
                f = f.relation(
                    &format!("p{i}"),
                    RelationKind::AssociateOf,
                    &format!("p{j}"),
                );
            }
        }
    }
    let started = std::time::Instant::now();
    let r = run(
        f.build(),
        r#"{ paths(from: "hub-a", to: "hub-b", maxLength: 6, limit: 100) { length } }"#,
    )
    .await;
    assert!(r.get("errors").is_none(), "{r}");
    assert_eq!(r["data"]["paths"].as_array().unwrap().len(), 100);
    assert!(
        started.elapsed().as_secs() < 30,
        "the search budget bounds the work"
    );
}

#[tokio::test]
async fn work_past_the_time_budget_stops_with_limit_exceeded() {
    let mut f = crate::support::Fixture::new();
    for i in 0..40 {
        f = f.entity(&format!("p{i}"), EntityKind::Person);
    }
    for i in 0..40 {
        for j in (i + 1)..40 {
            f = f.relation(
                &format!("p{i}"),
                RelationKind::AssociateOf,
                &format!("p{j}"),
            );
        }
    }
    let limits = dossier::graphql::Limits {
        max_work: std::time::Duration::ZERO,
        ..Default::default()
    };
    let schema = dossier::graphql::build_schema_with(Store::new(f.build()), limits, None);
    let r = schema
        .execute(r#"{ paths(from: "p0", to: "p39", maxLength: 6, limit: 100) { length } }"#)
        .await;
    let r = serde_json::to_value(r).unwrap();
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED", "{r}");
    assert_eq!(r["errors"][0]["extensions"]["measure"], "time (ms)");
    let ok = schema.execute(r#"{ entity(id: "p0") { name } }"#).await;
    assert!(ok.errors.is_empty());
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test]
async fn a_one_mebibyte_body_is_refused_before_it_is_read() {
    let app = spawn_app(&small_fixture_dir()).await;
    let query = format!("{{ documents {{ id }} }} # {}", "x".repeat(1 << 20));
    let resp = client()
        .post(app.url("/graphql"))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let ok = client()
        .post(app.url("/graphql"))
        .json(&json!({"query": "{ documents { id } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn a_batch_of_a_hundred_operations_is_refused() {
    let app = spawn_app(&small_fixture_dir()).await;
    let batch: Vec<Value> = (0..100)
        .map(|_| json!({"query": "{ documents { id } }"}))
        .collect();
    let resp = client()
        .post(app.url("/graphql"))
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.unwrap();
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("batched"));
}

#[tokio::test]
async fn invalid_utf8_and_malformed_json_get_400() {
    let app = spawn_app(&small_fixture_dir()).await;
    for body in [
        vec![b'{', b'"', b'q', 0xff, 0xfe, b'"', b'}'],
        b"{\"query\": ".to_vec(),
        b"\xc3\x28".to_vec(),
    ] {
        let resp = client()
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{body:?}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    }
    let resp = client()
        .get(format!("{}?query=%FF%FE", app.url("/graphql")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn a_mutation_over_get_is_refused() {
    let app = spawn_app(&small_fixture_dir()).await;
    let resp = client()
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { upsertEntity(input: {}) { id } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
}

#[tokio::test]
async fn an_ambiguous_or_unknown_operation_name_is_the_clients_error() {
    let schema = build_schema(Store::new(traversal_graph()));
    let two = "query A { documents { id } } query B { documents { id } }";
    for req in [
        async_graphql::Request::new(two),
        async_graphql::Request::new(two).operation_name("C"),
    ] {
        let r = serde_json::to_value(schema.execute(req).await).unwrap();
        assert_eq!(first_code(&r), "INVALID_INPUT", "{r}");
    }
}

#[tokio::test]
async fn a_missing_or_null_variable_is_the_clients_error() {
    let schema = build_schema(Store::new(traversal_graph()));
    for q in [
        "query Q($id: ID!) { entity(id: $id) { name } }",
        "query Q($id: ID) { entity(id: $id) { name } }",
    ] {
        let r = serde_json::to_value(schema.execute(q).await).unwrap();
        assert_eq!(first_code(&r), "INVALID_INPUT", "{q}: {r}");
    }
}
