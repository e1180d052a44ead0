//! The HTTP surface over a real socket on port 0.

use crate::support::{small_fixture_dir, spawn_app};
use serde_json::{json, Value};

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test]
async fn post_graphql_answers_a_query() {
    let app = spawn_app(&small_fixture_dir()).await;
    let resp = client()
        .post(app.url("/graphql"))
        .json(&json!({"query": "query One($id: ID!) { entity(id: $id) { name } }", "variables": {"id": "ana-petrova"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body, json!({"data": {"entity": {"name": "Ana Petrova"}}}));
}

#[tokio::test]
async fn get_graphql_runs_queries_but_never_mutations() {
    let app = spawn_app(&small_fixture_dir()).await;
    let resp = client()
        .get(app.url("/graphql"))
        .query(&[("query", "{ documents { id } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["documents"][0]["id"], "court-news-2024-03-03");
    let resp = client()
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { removeEntity(id: \"ana-petrova\") }")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
}

#[tokio::test]
async fn malformed_requests_get_400_with_a_graphql_error() {
    let app = spawn_app(&small_fixture_dir()).await;
    for body in [
        "{not json",
        "[{\"query\": \"{ documents { id } }\"}]",
        "{\"variables\": {}}",
    ] {
        let resp = client()
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{body}");
        let v: Value = resp.json().await.unwrap();
        assert!(v["errors"][0]["message"].is_string(), "{body}");
    }
    let resp = client()
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .body("{ documents { id } }")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
}

#[tokio::test]
async fn the_graphql_response_media_type_is_honoured() {
    let app = spawn_app(&small_fixture_dir()).await;
    let send = |query: &'static str| {
        client()
            .post(app.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query }))
            .send()
    };
    let ok = send("{ documents { id } }").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/graphql-response+json"));
    let invalid = send("{ nonsense }").await.unwrap();
    assert_eq!(invalid.status(), 400);
    // Execution was attempted: 200 even with an error.
    let not_found = send("{ shortestPath(from: \"x\", to: \"y\") { length } }")
        .await
        .unwrap();
    assert_eq!(not_found.status(), 200);
}

#[tokio::test]
async fn health_reports_counts() {
    let app = spawn_app(&small_fixture_dir()).await;
    let v: Value = client()
        .get(app.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(
        (
            v["entities"].as_u64(),
            v["relations"].as_u64(),
            v["documents"].as_u64()
        ),
        (Some(8), Some(6), Some(1))
    );
    assert_eq!(app.store.snapshot().entity_count(), 8);
}

#[tokio::test]
async fn the_playground_and_its_assets_are_served_offline() {
    let app = spawn_app(&small_fixture_dir()).await;
    let page = client().get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "the page must not load anything from the internet"
    );
    for (asset, ty) in [
        ("/assets/graphiql.min.js", "text/javascript"),
        ("/assets/graphiql.min.css", "text/css"),
        ("/assets/react.production.min.js", "text/javascript"),
        ("/assets/react-dom.production.min.js", "text/javascript"),
    ] {
        assert!(
            html.contains(asset),
            "{asset} is not referenced by the page"
        );
        let resp = client().get(app.url(asset)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{asset}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(ty),
            "{asset}"
        );
    }
    let missing = client()
        .get(app.url("/assets/nothing.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_schema_is_served_as_sdl() {
    let app = spawn_app(&small_fixture_dir()).await;
    let sdl = client()
        .get(app.url("/schema.graphql"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(sdl, dossier::graphql::sdl());
}

#[tokio::test]
async fn the_server_stops_gracefully() {
    let app = spawn_app(&small_fixture_dir()).await;
    let addr = app.addr;
    drop(app);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the listener should be closed"
    );
}
