//! GraphQL over HTTP: `POST /graphql` for queries, `GET /graphql` for queries only.
//!
//! Follows the GraphQL-over-HTTP draft: requests are `application/json`; the answer is
//! `application/graphql-response+json` when the client accepts it, else `application/json`.
//! The status is 200 whenever execution was attempted, even if a field failed, and 400 when
//! the request could not be parsed or validated (nothing was executed).

use super::socket::{Slot, MAX_MESSAGE};
use super::AppState;
use crate::graphql::Author;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::parser::types::OperationType;
use async_graphql_axum::GraphQLProtocol;
use axum::body::Bytes;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::json;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// `POST /graphql` through the router (the connections of `dossier serve` answer it on their
/// own path, `direct`, with the same [`answer_post`]).
pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    answer_post(&state, &headers, &body).await
}

/// The answer to a `POST /graphql` whose body has been read.
pub(crate) async fn answer_post(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Response {
    let wants_gql = accepts_graphql_response(headers);
    // GraphQL over HTTP: a POST body is `application/json` (parameters such as `charset`
    // aside); anything else, or no content type at all, is refused.
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|ct| ct.to_str().ok())
        .is_some_and(|ct| {
            let media_type = ct.split(';').next().unwrap_or_default().trim();
            media_type.eq_ignore_ascii_case("application/json")
        });
    if !json {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request with `Content-Type: application/json`: {\"query\": \"...\", \"variables\": {...}}",
            wants_gql,
        );
    }
    let request = match one_request(body) {
        Some(r) => r,
        None => match parse_slowly(body, wants_gql) {
            Ok(r) => r,
            Err(refusal) => return *refusal,
        },
    };
    let request = match author(state, headers) {
        Ok(Some(a)) => request.data(a),
        Ok(None) => request,
        Err(refusal) => return *refusal,
    };
    execute(state, request, wants_gql).await
}

/// The request in a body that is one JSON object with a non-empty `query` string, read in one
/// pass; `None` for anything else, which [`parse_slowly`] reads again to say what is wrong.
fn one_request(body: &[u8]) -> Option<async_graphql::Request> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None; // a batch (`[`), or not an object
    }
    let request: async_graphql::Request = serde_json::from_slice(body).ok()?;
    (!request.query.is_empty()).then_some(request)
}

/// The request in a body, through a JSON value first, so that a body that is not one request
/// is refused with what is wrong with it.
fn parse_slowly(body: &[u8], wants_gql: bool) -> Result<async_graphql::Request, Box<Response>> {
    let refuse = |status, message: &str| Box::new(refuse(status, message, wants_gql));
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                &format!("the body is not valid JSON: {e}"),
            ))
        }
    };
    if !value.is_array() && !value.get("query").is_some_and(|q| q.is_string()) {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "not a GraphQL request: expected an object with a `query` string, and optionally `variables` and `operationName`",
        ));
    }
    if value.is_array() {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "batched requests are not supported: send one operation per request",
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        refuse(
            StatusCode::BAD_REQUEST,
            &format!("not a GraphQL request (expected an object with a `query` string, and optionally `variables` and `operationName`): {e}"),
        )
    })
}

/// The write token's name when the request carries one this server knows; no token is a
/// reader. A token that is not one of ours is refused at once (401), before anything runs, and
/// is never logged or echoed.
fn author(state: &AppState, headers: &HeaderMap) -> Result<Option<Author>, Box<Response>> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let secret = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    match secret.and_then(|s| super::tokens::author_of(&state.tokens, s)) {
        Some(name) => Ok(Some(Author(name.to_owned()))),
        None => Err(Box::new(super::guards::refusal(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "the Authorization header does not carry a write token this server knows (`Authorization: Bearer <token>`)",
        ))),
    }
}

/// `GET /graphql/ws`: subscriptions over graphql-transport-ws (and the older graphql-ws),
/// under the guards of `socket` (the connection cap, the idle timeout, the message size).
pub async fn socket(
    State(state): State<AppState>,
    slot: Option<Extension<Slot>>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    let idle = state.socket_idle;
    let slot = slot.map(|Extension(s)| s);
    upgrade
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| super::socket::serve(stream, schema, protocol, idle, slot))
}

/// `GET /graphql?query=...`: queries only; a mutation gets 405.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let wants_gql = accepts_graphql_response(&headers);
    let request =
        match async_graphql::http::parse_query_string(query.as_deref().unwrap_or_default()) {
            Ok(r) => r,
            Err(e) => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    &format!("not a GraphQL request (expected ?query=...&variables=...): {e}"),
                    wants_gql,
                )
            }
        };
    if let Ok(doc) = async_graphql::parser::parse_query(&request.query) {
        let op_type = match &request.operation_name {
            Some(name) => doc
                .operations
                .iter()
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
                .map(|(_, op)| op.node.ty),
            None => doc.operations.iter().next().map(|(_, op)| op.node.ty),
        };
        if matches!(
            op_type,
            Some(OperationType::Mutation | OperationType::Subscription)
        ) {
            let mut resp = refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "GET runs queries only: send mutations with POST",
                wants_gql,
            );
            resp.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return resp;
        }
    }
    execute(&state, request, wants_gql).await
}

async fn execute(state: &AppState, request: async_graphql::Request, wants_gql: bool) -> Response {
    let response = state.schema.execute(request).await;
    // Nothing was executed when there is no data and no error belongs to a field: the request
    // was refused while parsing, validating or checking limits. (A request that panicked
    // while it ran answers one `INTERNAL` error without a path: it was executed.)
    let unparsed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response
            .errors
            .iter()
            .all(|e| e.path.is_empty() && !is_internal(e));
    let status = if unparsed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = serde_json::to_vec(&response).unwrap_or_else(|_| {
        b"{\"errors\":[{\"message\":\"could not encode the response\"}]}".to_vec()
    });
    (
        status,
        [(header::CONTENT_TYPE, content_type(wants_gql))],
        body,
    )
        .into_response()
}

/// Whether an error is the server's fault (`extensions.code` `INTERNAL`).
fn is_internal(err: &async_graphql::ServerError) -> bool {
    let code = err.extensions.as_ref().and_then(|ext| ext.get("code"));
    matches!(code, Some(async_graphql::Value::String(c)) if c == crate::graphql::error::code::INTERNAL)
}

fn accepts_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(GRAPHQL_RESPONSE))
}

fn content_type(wants_gql: bool) -> HeaderValue {
    HeaderValue::from_static(if wants_gql {
        "application/graphql-response+json; charset=utf-8"
    } else {
        "application/json; charset=utf-8"
    })
}

/// A request refused before execution, as a GraphQL error document.
fn refuse(status: StatusCode, message: &str, wants_gql: bool) -> Response {
    let body =
        json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }] });
    (
        status,
        [(header::CONTENT_TYPE, content_type(wants_gql))],
        body.to_string(),
    )
        .into_response()
}
