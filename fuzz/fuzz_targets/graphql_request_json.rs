//! Bytes as the body of `POST /graphql` (`Content-Type: application/json`), sent in process
//! through the real axum router (`dossier::server::router`) over the small fixture graph.
//!
//! Checks: no panic; the status is 200 or 400 (413 only past the body limit); the body is
//! JSON whose errors all have an `extensions.code` (not `INTERNAL`); a 200 carries `data`; and
//! the handler refuses with `BAD_REQUEST` exactly the bodies that the documented path refuses
//! (`serde_json::from_slice::<Value>` → an object with a string `query` → not a batch →
//! `async_graphql::Request`), which this target re-implements as its oracle.
#![no_main]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use dossier_fuzz::{check_graphql_response, fixture_store, runtime, tally};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tower::ServiceExt;

fn router() -> axum::Router {
    static ROUTER: OnceLock<axum::Router> = OnceLock::new();
    ROUTER
        .get_or_init(|| dossier::server::router(fixture_store().clone()))
        .clone()
}

/// Whether the handler should turn the body into a GraphQL request (the oracle).
fn is_graphql_request(bytes: &[u8]) -> bool {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return false;
    };
    if value.is_array() || !value.get("query").is_some_and(|q| q.is_string()) {
        return false;
    }
    serde_json::from_value::<async_graphql::Request>(value).is_ok()
}

fuzz_target!(|bytes: &[u8]| {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(bytes.to_vec()))
        .expect("a request");
    let (status, body) = runtime().block_on(async {
        let response = router().oneshot(request).await.expect("infallible");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the response body");
        (status, body)
    });
    let input = String::from_utf8_lossy(bytes);
    if bytes.len() > dossier::server::Settings::default().max_body_bytes {
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "input: {input:?}");
        return;
    }
    assert!(
        status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
        "status {status} for input {input:?}"
    );
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!(
            "the response body is not JSON ({e}): {:?}\ninput: {input:?}",
            String::from_utf8_lossy(&body)
        )
    });
    check_graphql_response(&json, &input);
    tally("graphql_request_json", json.get("errors").is_none());
    let refused = json
        .get("errors")
        .and_then(|e| e.as_array())
        .is_some_and(|errors| {
            errors
                .iter()
                .any(|e| e["extensions"]["code"].as_str() == Some("BAD_REQUEST"))
        });
    if is_graphql_request(bytes) {
        assert!(
            !refused,
            "a GraphQL request was refused: {json}\ninput: {input:?}"
        );
        if status == StatusCode::OK {
            assert!(
                json.get("data").is_some(),
                "a 200 without data: {json}\ninput: {input:?}"
            );
        }
    } else {
        assert!(
            refused && status == StatusCode::BAD_REQUEST,
            "not a GraphQL request, but not refused with 400 BAD_REQUEST ({status}): {json}\ninput: {input:?}"
        );
    }
});
