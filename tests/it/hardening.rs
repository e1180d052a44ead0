//! What the probe of the public endpoint found, each fixed: errors in the right place and at
//! the right log level, refusals in one shape, arguments checked.

use crate::support::{first_code, run, small_fixture_dir, spawn_app, traversal_graph, LogBuffer};
use serde_json::{json, Value};

#[tokio::test]
async fn a_failed_field_of_an_entity_is_null_with_its_path() {
    let r = run(
        traversal_graph(),
        r#"{ entity(id: "ann") { id neighbours(limit: 0) { id } } }"#,
    )
    .await;
    assert_eq!(first_code(&r), "INVALID_INPUT", "{r}");
    assert_eq!(
        r["errors"][0]["path"],
        json!(["entity", "neighbours"]),
        "{r}"
    );
    // `neighbours` is a non-null list: its failure makes the nullable `entity` null, as the
    // GraphQL spec says, rather than vanishing from it.
    assert_eq!(r["data"], json!({ "entity": null }), "{r}");
}

#[tokio::test]
async fn since_after_until_is_refused() {
    let r = run(
        traversal_graph(),
        r#"{ relations(since: "2023-09-22", until: "2023-09-21") { totalCount } }"#,
    )
    .await;
    assert_eq!(first_code(&r), "INVALID_INPUT", "{r}");
    assert_eq!(r["errors"][0]["extensions"]["argument"], "since", "{r}");
    let r = run(
        traversal_graph(),
        r#"{ timeline(since: "2023-09-22", until: "2023-09-21") { id } }"#,
    )
    .await;
    assert_eq!(first_code(&r), "INVALID_INPUT", "{r}");
    // A month and a day inside it overlap.
    let r = run(
        traversal_graph(),
        r#"{ relations(since: "2023-09", until: "2023-09-01") { totalCount } }"#,
    )
    .await;
    assert!(r["errors"].is_null(), "{r}");
}

#[tokio::test]
async fn a_long_list_in_the_variables_is_named_in_plain_words() {
    let schema = dossier::graphql::build_schema(dossier::store::Store::new(traversal_graph()));
    let ids: Vec<String> = (0..101).map(|i| format!("e{i}")).collect();
    let req = async_graphql::Request::new(
        "query ($ids: [ID!]!) { neighbourhood(ids: $ids) { truncated } }",
    )
    .variables(async_graphql::Variables::from_json(json!({ "ids": ids })));
    let r = serde_json::to_value(schema.execute(req).await).unwrap();
    let message = r["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("longest list in the variables"),
        "{message}"
    );
}

#[test]
fn a_client_error_is_not_logged_as_an_error() {
    let log = LogBuffer::capture("debug", || {
        tracing::debug!("probe");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let schema =
                dossier::graphql::build_schema(dossier::store::Store::new(traversal_graph()));
            for q in [
                r#"{ shortestPath(from: "nobody", to: "ann") { length } }"#,
                r#"{ entity(id: "ann") { neighbours(limit: 5000) { id } } }"#,
            ] {
                let r = serde_json::to_value(schema.execute(q).await).unwrap();
                let code = first_code(&r).to_owned();
                assert!(code == "NOT_FOUND" || code == "LIMIT_EXCEEDED", "{r}");
            }
        });
    });
    assert!(log.contains("probe"), "{log}");
    assert!(!log.contains("ERROR"), "{log}");
    assert!(log.contains("client error"), "{log}");
}

/// A raw HTTP/1.1 exchange on a fresh connection: the status line and the body.
async fn raw(addr: std::net::SocketAddr, request: &str) -> (String, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text.lines().next().unwrap_or_default().to_owned();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    let body = serde_json::from_str(body.trim()).unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn every_refusal_is_json_with_a_code() {
    let settings = dossier::server::Settings {
        request_timeout: std::time::Duration::from_millis(300),
        ..dossier::server::Settings::default()
    };
    let app = crate::support::spawn_app_with(&small_fixture_dir(), settings).await;
    let a = app.addr;
    // 413: an announced body over the limit.
    let (status, body) = raw(a, "POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10000000\r\nconnection: close\r\n\r\n{}").await;
    assert!(status.contains(" 413 "), "{status}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
    // 408: a body that never comes.
    let (status, body) = raw(a, "POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{").await;
    assert!(status.contains(" 408 "), "{status}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT");
    // 414: a request target over 8 KiB.
    let long = "x".repeat(9000);
    let (status, body) = raw(
        a,
        &format!("GET /graphql?query={long} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"),
    )
    .await;
    assert!(status.contains(" 414 "), "{status}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "URI_TOO_LONG");
    // 431: headers over 16 KiB.
    let big = "y".repeat(17_000);
    let (status, body) = raw(
        a,
        &format!("GET /health HTTP/1.1\r\nhost: x\r\nx-big: {big}\r\nconnection: close\r\n\r\n"),
    )
    .await;
    assert!(status.contains(" 431 "), "{status}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "HEADERS_TOO_LARGE");
}

#[tokio::test]
async fn only_application_json_is_a_graphql_post() {
    let app = spawn_app(&small_fixture_dir()).await;
    let client = reqwest::Client::new();
    let query = r#"{"query": "{ documents { id } }"}"#;
    for (content_type, status) in [
        (Some("application/json"), 200),
        (Some("application/json; charset=utf-8"), 200),
        (Some("application/jsonfoo"), 415),
        (Some("text/plain"), 415),
        (None, 415),
    ] {
        let mut req = client.post(app.url("/graphql")).body(query);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), status, "{content_type:?}");
        let body: Value = resp.json().await.unwrap();
        if status == 415 {
            assert!(
                body["errors"][0]["extensions"]["code"].is_string(),
                "{body}"
            );
        }
    }
}

#[test]
fn flags_with_values_that_cannot_work_are_refused() {
    use clap::Parser;
    let parse = |args: &[&str]| dossier::config::Cli::try_parse_from(args);
    assert!(parse(&["dossier", "serve", "--request-timeout", "0"]).is_err());
    assert!(parse(&["dossier", "serve", "--header-timeout", "0"]).is_err());
    assert!(parse(&["dossier", "serve", "--max-work-ms", "0"]).is_err());
    assert!(parse(&["dossier", "serve", "--write-tokens", "alice:1234"]).is_err());
    let token = format!("alice:{}", "0f".repeat(32));
    assert!(parse(&["dossier", "serve", "--write-tokens", &token]).is_ok());
}

#[test]
fn a_bad_line_in_the_tokens_file_stops_the_start_with_its_line_and_no_secret() {
    use clap::Parser;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.txt");
    let good = format!("alice:{}", "0f".repeat(32));
    std::fs::write(
        &file,
        format!("# curators\n{good}\nbob:0f0f0f0f0f0f0f0f0f0f0f0f0f0f\n"),
    )
    .unwrap();
    let cli = dossier::config::Cli::try_parse_from([
        "dossier",
        "serve",
        "--write-tokens-file",
        file.to_str().unwrap(),
        "--state",
        dir.path().join("state").to_str().unwrap(),
    ])
    .unwrap();
    let dossier::config::Command::Serve(args) = cli.command else {
        panic!("not serve")
    };
    let err = dossier::cli::serve::run(args).unwrap_err();
    assert!(
        matches!(err, dossier::cli::serve::ServeError::Tokens(_)),
        "{err}"
    );
    assert!(err.to_string().contains("tokens.txt:3:"), "{err}");
    assert!(err.to_string().contains("64 hexadecimal digits"), "{err}");
    assert!(!err.to_string().contains("0f0f0f0f0f0f0f0f0f0f"), "{err}");
    assert!(!dir.path().join("state").exists(), "nothing was created");
}
