//! The HTTP guards: rate per client, requests in flight, time, CORS, compression, body size.

use crate::support::{
    small_fixture_dir, spawn_app, spawn_app_with, spawn_graph_with, Fixture, LogBuffer,
};
use dossier::model::{EntityKind, RelationKind};
use dossier::server::Settings;
use serde_json::{json, Value};
use std::num::NonZeroU32;
use std::time::Duration;

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

const QUERY: &str = r#"{"query": "{ documents { id } }"}"#;

async fn post(url: &str, body: &'static str) -> reqwest::Response {
    client()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// A graph where all simple paths between `p0` and `p29` are too many to list quickly.
/// Thirty people all associates of each other, and one person alone.
fn dense() -> dossier::store::Graph {
    let mut f = Fixture::new().entity("alone", EntityKind::Person);
    for i in 0..30 {
        f = f.entity(&format!("p{i}"), EntityKind::Person);
    }
    for i in 0..30 {
        for j in (i + 1)..30 {
            f = f.relation(
                &format!("p{i}"),
                RelationKind::AssociateOf,
                &format!("p{j}"),
            );
        }
    }
    f.build()
}

const SLOW: &str = r#"{"query": "{ paths(from: \"p0\", to: \"p29\", maxLength: 6, limit: 100, relationKinds: [ASSOCIATE_OF]) { length } }"}"#;

/// Slower still: every path of up to six steps from `p0` is tried before the search gives up
/// on reaching `alone` (its budget: a million steps, tens of milliseconds at the least).
const HOPELESS: &str =
    r#"{"query": "{ paths(from: \"p0\", to: \"alone\", maxLength: 6, limit: 100) { length } }"}"#;

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    let settings = Settings {
        rate_limit: NonZeroU32::new(2),
        ..Settings::default()
    };
    let app = spawn_app_with(&small_fixture_dir(), settings).await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(post(&app.url("/graphql"), QUERY).await.status().as_u16());
    }
    // A burst of 4 (twice the rate) passes, then the bucket is empty.
    assert!(statuses[..4].iter().all(|&s| s == 200), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let resp = post(&app.url("/graphql"), QUERY).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "1");
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    // Liveness is not rate limited.
    let health = client().get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn there_is_no_rate_limit_by_default() {
    let app = spawn_app(&small_fixture_dir()).await;
    for _ in 0..50 {
        assert_eq!(post(&app.url("/graphql"), QUERY).await.status(), 200);
    }
}

#[tokio::test]
async fn requests_past_the_in_flight_cap_are_shed_with_503() {
    use tokio::io::AsyncWriteExt;
    let settings = Settings {
        max_in_flight: 1,
        ..Settings::default()
    };
    let app = spawn_graph_with(dense(), settings).await;
    let url = app.url("/graphql");
    // One request holds the only slot: its body is announced and never finished.
    let mut holder = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    holder
        .write_all(b"POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{")
        .await
        .unwrap();
    let mut shed = None;
    for _ in 0..50 {
        let status = post(&url, SLOW).await.status().as_u16();
        if status == 503 {
            shed = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        shed,
        Some(503),
        "no request was shed while the slot was taken"
    );
    // The slot comes back when the holder goes away.
    drop(holder);
    let mut status = 0;
    for _ in 0..50 {
        status = post(&url, SLOW).await.status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_request_past_the_timeout_gets_408() {
    let settings = Settings {
        request_timeout: Duration::from_millis(1),
        ..Settings::default()
    };
    let app = spawn_graph_with(dense(), settings).await;
    assert_eq!(post(&app.url("/graphql"), HOPELESS).await.status(), 408);
}

#[tokio::test]
async fn cors_is_off_by_default_and_answers_the_configured_origins() {
    let app = spawn_app(&small_fixture_dir()).await;
    let resp = client()
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://example.org")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    let settings = Settings {
        cors_origins: vec!["https://example.org".into()],
        ..Settings::default()
    };
    let app = spawn_app_with(&small_fixture_dir(), settings).await;
    let resp = client()
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://example.org")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "https://example.org"
    );
    let other = client()
        .post(app.url("/graphql"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/json")
        .body(QUERY)
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app(&small_fixture_dir()).await;
    let resp = client()
        .get(app.url("/assets/graphiql.min.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    let plain = client()
        .get(app.url("/assets/graphiql.min.js"))
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn the_body_limit_is_configurable() {
    let settings = Settings {
        max_body_bytes: 100,
        ..Settings::default()
    };
    let app = spawn_app_with(&small_fixture_dir(), settings).await;
    assert_eq!(post(&app.url("/graphql"), QUERY).await.status(), 200);
    let big =
        json!({"query": format!("{{ documents {{ id }} }} #{}", "x".repeat(200))}).to_string();
    let resp = client()
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
}

#[tokio::test]
async fn the_in_flight_cap_is_one_for_the_whole_api() {
    use tokio::io::AsyncWriteExt;
    let settings = Settings {
        max_in_flight: 1,
        ..Settings::default()
    };
    let app = spawn_app_with(&small_fixture_dir(), settings).await;
    // A POST to /graphql holds the only slot: its body is announced and never finished.
    let mut holder = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    holder
        .write_all(b"POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{")
        .await
        .unwrap();
    // Another route of the API is shed meanwhile; liveness is outside the cap.
    let mut status = 0;
    for _ in 0..50 {
        status = client()
            .get(app.url("/schema.graphql"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        if status == 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        status, 503,
        "the SDL was served while the only slot was taken"
    );
    let health = client().get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    drop(holder);
    for _ in 0..50 {
        status = post(&app.url("/graphql"), QUERY).await.status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_body_streamed_past_the_limit_gets_413_and_the_connection_closes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let settings = Settings {
        max_body_bytes: 100,
        ..Settings::default()
    };
    let app = spawn_app_with(&small_fixture_dir(), settings).await;
    // No length announced: the limit is found while reading.
    let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let chunk = "x".repeat(150);
    let request = format!(
        "POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the connection stayed open after the 413");
    let text = String::from_utf8_lossy(&out).to_lowercase();
    assert!(text.starts_with("http/1.1 413 "), "{text}");
    assert!(text.contains("connection: close"), "{text}");
    assert!(text.contains("payload_too_large"), "{text}");
}

#[tokio::test]
async fn graphql_answers_are_compressed_from_a_kilobyte() {
    let app = spawn_app(&small_fixture_dir()).await;
    let ask = |query: &'static str| {
        client()
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .header("accept-encoding", "gzip")
            .body(query)
            .send()
    };
    // A few dozen bytes go as they are: gzip would hardly make them smaller.
    let small = ask(r#"{"query": "{ __type(name: \"Entity\") { name kind } }"}"#)
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
    assert!(small.headers().get("content-encoding").is_none());
    assert_eq!(
        small.text().await.unwrap(),
        r#"{"data":{"__type":{"name":"Entity","kind":"INTERFACE"}}}"#
    );
    // The schema's types are kilobytes.
    let large = ask(r#"{"query": "{ __schema { types { name description } } }"}"#)
        .await
        .unwrap();
    assert_eq!(large.status(), 200);
    assert_eq!(large.headers()["content-encoding"], "gzip");
    assert_eq!(large.headers()["vary"], "accept-encoding");
}

#[test]
fn graphql_posts_are_traced_under_tower_https_targets() {
    let log = LogBuffer::capture("warn,tower_http=debug", || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let app = spawn_app(&small_fixture_dir()).await;
            assert_eq!(post(&app.url("/graphql"), QUERY).await.status(), 200);
        });
    });
    let line = log
        .lines()
        .find(|l| l.contains("finished processing request"))
        .unwrap_or_else(|| panic!("no request traced: {log}"));
    assert!(line.contains("tower_http::trace::on_response"), "{line}");
    assert!(line.contains(r#"method=POST uri=/graphql"#), "{line}");
    assert!(line.contains("status=200"), "{line}");
}
