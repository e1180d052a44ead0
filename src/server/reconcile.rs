//! The Reconciliation API (version 0.2, <https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/>)
//! that OpenRefine speaks: researchers match the names in their spreadsheets to the graph's
//! entities with the same name search as GraphQL's `search`.
//!
//! | route | what |
//! |---|---|
//! | `GET /reconcile` | the service manifest; with `?queries=…`, a batch of queries |
//! | `POST /reconcile` | a batch, form-encoded as `queries=…` (what OpenRefine sends) |
//! | `GET /reconcile/suggest/entity?prefix=…` | entity autocompletion (`cursor`, `type`, `limit`) |
//! | `GET /reconcile/suggest/type?prefix=…` | the entity kinds |
//! | `GET /reconcile/suggest/property?prefix=…` | the properties queries may give |
//! | `GET /reconcile/preview/{id}` | an HTML card of the entity, for OpenRefine's preview |
//! | `GET /reconcile/entity/{id}` | the entity as JSON: the manifest's `view` |
//!
//! Every route answers any origin (CORS, as the protocol requires, on these routes only) and
//! wraps its JSON in `callback(…)` when given a JSONP `callback`. Batches are bounded as
//! GraphQL queries are: at most `Limits::max_root_fields` queries (announced as `batchSize`),
//! strings within `Limits::max_string` bytes, query texts within GraphQL's search limit,
//! `limit` at most 100, bodies within `--max-body-bytes`. A refused request gets 400 and the
//! JSON error shape of every refusal, with a code (`BAD_REQUEST`, `INVALID_INPUT`,
//! `LIMIT_EXCEEDED`). How candidates are scored and when one is a `match`: see `candidates`.

mod batch;
mod candidates;
mod card;

use super::guards::refusal;
use super::{AppState, Settings};
use crate::model::EntityKind;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Form, Router};
use batch::Refused;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;

/// The bounds on one request, taken from the server's [`Settings`].
#[derive(Debug, Clone)]
pub(crate) struct Caps {
    /// Most queries in a batch (`Limits::max_root_fields`).
    max_queries: usize,
    /// Longest string anywhere in a batch, in bytes (`Limits::max_string`).
    max_string: usize,
    /// Longest query text or suggest prefix, in bytes (GraphQL's `search` limit).
    max_text: usize,
}

/// Why a JSONP `callback` was refused.
const BAD_CALLBACK: &str =
    "`callback` must be a JavaScript name such as `jQuery123_cb` (letters, digits, `_`, `$`, `.`; at most 64)";

/// The width and height OpenRefine gives the preview card's frame, in pixels.
const PREVIEW_SIZE: (u32, u32) = (420, 220);

/// The reconciliation routes, with their own CORS (any origin) and body limit. Merge them into
/// the API after its own CORS layer, so that `--cors-origins` still governs the rest.
pub(crate) fn router(settings: &Settings) -> Router<AppState> {
    let caps = Arc::new(Caps {
        max_queries: settings.limits.max_root_fields.max(1),
        max_string: settings.limits.max_string,
        max_text: crate::graphql::MAX_SEARCH_TEXT.min(settings.limits.max_string),
    });
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT])
        .max_age(Duration::from_secs(3600));
    Router::new()
        .route("/reconcile", get(get_batch).post(post_batch))
        .route("/reconcile/suggest/entity", get(card::suggest_entity))
        .route(
            "/reconcile/suggest/type",
            get(card::suggest_among::<EntityKind>),
        )
        .route(
            "/reconcile/suggest/property",
            get(card::suggest_among::<batch::Property>),
        )
        .route("/reconcile/preview/{id}", get(card::preview))
        .route("/reconcile/entity/{id}", get(card::entity))
        .layer(Extension(caps))
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
        // Shaped here, not only by the server's outer layer, so that CORS below sees the
        // JSON refusal (the outer one builds a new response without these headers).
        .layer(axum::middleware::map_response(
            super::guards::shape_refusals,
        ))
        .layer(axum::middleware::map_response(
            super::guards::close_after_refused_body,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(cors)
}

/// The parameters of `/reconcile`, from the query string or the form body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Params {
    queries: Option<String>,
    callback: Option<String>,
    extend: Option<String>,
}

async fn get_batch(
    state: State<AppState>,
    caps: Extension<Arc<Caps>>,
    headers: HeaderMap,
    params: Result<Query<Params>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(p)) => p,
        Err(e) => {
            return error(&Refused::bad(format!(
                "the query string: {}",
                e.body_text()
            )))
        }
    };
    if params.queries.is_none() && params.extend.is_none() {
        let manifest = manifest(&base_url(&headers), &caps);
        return answer(params.callback.as_deref(), &manifest);
    }
    run(state, caps, params).await
}

async fn post_batch(
    state: State<AppState>,
    caps: Extension<Arc<Caps>>,
    url: Result<Query<Params>, QueryRejection>,
    form: Result<Form<Params>, FormRejection>,
) -> Response {
    let mut params = match form {
        Ok(Form(p)) => p,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return e.into_response(),
        Err(e) => {
            return error(&Refused::bad(format!(
                "{} (send `queries=<JSON>` as application/x-www-form-urlencoded)",
                e.body_text()
            )))
        }
    };
    if params.callback.is_none() {
        params.callback = url.ok().and_then(|Query(p)| p.callback);
    }
    run(state, caps, params).await
}

/// Answers a batch: every query on one snapshot, off the async workers.
async fn run(
    State(state): State<AppState>,
    Extension(caps): Extension<Arc<Caps>>,
    params: Params,
) -> Response {
    let callback = params.callback.as_deref();
    if let Some(cb) = callback {
        if !valid_callback(cb) {
            return error(&Refused::invalid(BAD_CALLBACK));
        }
    }
    if params.extend.is_some() {
        return error(&Refused::invalid(
            "data extension (`extend`) is not offered: use GraphQL for the entities' relations",
        ));
    }
    let Some(json) = params.queries else {
        return error(&Refused::bad("no `queries`: send a JSON object of queries, e.g. queries={\"q0\":{\"query\":\"Ibadoglu\"}}"));
    };
    let batch = match batch::parse(&json, &caps) {
        Ok(b) => b,
        Err(r) => return error(&r),
    };
    let graph = state.store.snapshot();
    let answered = tokio::task::spawn_blocking(move || {
        let out: serde_json::Map<String, Value> = batch
            .iter()
            .map(|(key, q)| {
                (
                    key.clone(),
                    json!({ "result": candidates::candidates(&graph, q) }),
                )
            })
            .collect();
        Value::Object(out)
    })
    .await;
    match answered {
        Ok(v) => answer(callback, &v),
        Err(e) => {
            tracing::error!(error = %e, "a reconciliation batch failed");
            refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error: the details are in the server's log",
            )
        }
    }
}

/// The service manifest: what OpenRefine reads when the service is added.
fn manifest(base: &str, caps: &Caps) -> Value {
    let suggest = |path: &str| json!({ "service_url": base, "service_path": path });
    json!({
        "versions": ["0.1", "0.2"],
        "name": "dossier",
        "identifierSpace": format!("{base}/reconcile/entity/"),
        "schemaSpace": format!("{base}/schema.graphql#EntityKind"),
        "serviceVersion": env!("CARGO_PKG_VERSION"),
        "documentation": format!("{base}/"),
        "defaultTypes": EntityKind::ALL.iter().map(|&k| kind_json(k)).collect::<Vec<_>>(),
        "view": { "url": format!("{base}/reconcile/entity/{{{{id}}}}") },
        "preview": {
            "url": format!("{base}/reconcile/preview/{{{{id}}}}"),
            "width": PREVIEW_SIZE.0,
            "height": PREVIEW_SIZE.1,
        },
        "suggest": {
            "entity": suggest("/reconcile/suggest/entity"),
            "type": suggest("/reconcile/suggest/type"),
            "property": suggest("/reconcile/suggest/property"),
        },
        "batchSize": caps.max_queries,
    })
}

/// A type of the protocol: an entity kind, `{"id": "PERSON", "name": "Person"}`.
pub(crate) fn kind_json(kind: EntityKind) -> Value {
    json!({ "id": kind.name(), "name": kind_name(kind) })
}

fn kind_name(kind: EntityKind) -> String {
    let id = kind.name();
    id[..1].to_string() + &id[1..].to_lowercase()
}

/// The absolute URL clients reached the server at, from `Host` (and `X-Forwarded-Proto`
/// behind a proxy): the manifest's templates must be absolute, since OpenRefine opens them
/// from its own pages. A `Host` with characters no host has gives `http://127.0.0.1:8080`.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
        })
        .unwrap_or("127.0.0.1:8080");
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(b"https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

fn valid_callback(cb: &str) -> bool {
    let mut chars = cb.chars();
    (1..=64).contains(&cb.len())
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_$.".contains(c))
}

/// A JSON answer, or with a `callback`, the JSONP script `callback(…);`.
fn answer(callback: Option<&str>, value: &Value) -> Response {
    match callback {
        Some(cb) if valid_callback(cb) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/javascript; charset=utf-8"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            format!("/**/{cb}({value});"),
        )
            .into_response(),
        Some(_) => error(&Refused::invalid(BAD_CALLBACK)),
        None => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            value.to_string(),
        )
            .into_response(),
    }
}

/// A refused request: 400 with the JSON shape and code of every refusal.
fn error(r: &Refused) -> Response {
    refusal(StatusCode::BAD_REQUEST, r.code, &r.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_comes_from_a_plausible_host_only() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert_eq!(
            base_url(&headers(&[("host", "localhost:9000")])),
            "http://localhost:9000"
        );
        assert_eq!(
            base_url(&headers(&[
                ("host", "dossier.example.org"),
                ("x-forwarded-proto", "https")
            ])),
            "https://dossier.example.org"
        );
        assert_eq!(
            base_url(&headers(&[("host", "a\"><script>")])),
            "http://127.0.0.1:8080"
        );
        assert_eq!(base_url(&headers(&[])), "http://127.0.0.1:8080");
    }

    #[test]
    fn a_callback_is_a_javascript_name() {
        assert!(valid_callback("jQuery123_cb") && valid_callback("$.cb") && valid_callback("a.b"));
        assert!(!valid_callback("alert(1)") && !valid_callback("") && !valid_callback("1a"));
        assert!(!valid_callback(&"a".repeat(65)));
    }
}
