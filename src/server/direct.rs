//! `POST /graphql` on its own path: the connections of `dossier serve` hand it here instead of
//! to the router, and every guard the router puts around it is one step of one function.
//!
//! Through the router, a request passes about ten layers (tracing, panic catching, the size of
//! its target and headers, the rate per client, load shedding, the in-flight cap, the timeout,
//! compression, the body limit, two response mappers), and axum applies each layer to each
//! route as a boxed service that is cloned, and whose future is boxed, for every request. For
//! the small query that stack cost more than the GraphQL it wrapped. Here the same guards, in
//! the same order and with the same answers, are plain calls:
//!
//! 1. a `request` span and the `started` / `finished processing request` events under
//!    tower-http's targets (so `RUST_LOG=tower_http=debug` shows these requests as before), and
//!    `response failed` at ERROR for a 5xx;
//! 2. a panic becomes the plain 500 of [`guards::panic_response`];
//! 3. a target over 8 KiB is answered 414, headers over 16 KiB 431;
//! 4. a client over its rate (if one is set) 429;
//! 5. with every in-flight slot taken, 503 at once (the slots are the router's: one semaphore
//!    for the whole API);
//! 6. past the request timeout, reading the body included, 408;
//! 7. a body announced or streamed past the limit, 413 with `Connection: close`;
//! 8. the answer of [`graphql_http::answer_post`];
//! 9. compression as the router's layer does it, for bodies of
//!    [`guards::COMPRESS_FROM_BYTES`] or more (a smaller one goes as it is, without the
//!    negotiation).
//!
//! With CORS configured, POST /graphql takes the router (whose CORS layer answers it).

use super::{graphql_http, guards, AppState};
use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::Response;
use futures_util::FutureExt;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Body as _;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tower::{Layer, ServiceExt};
use tracing::{Instrument, Level};

/// What `POST /graphql` needs besides the request: the handlers' state and the guards' settings.
pub(crate) struct Direct {
    pub(crate) state: AppState,
    /// The API's in-flight slots, shared with the router's concurrency limit.
    pub(crate) in_flight: Arc<Semaphore>,
    pub(crate) timeout: Duration,
    pub(crate) max_body_bytes: usize,
    pub(crate) limiter: Option<Arc<guards::Limiter>>,
}

impl Direct {
    /// Whether `request` is one this path answers: `POST /graphql`.
    pub(crate) fn takes<B>(request: &Request<B>) -> bool {
        request.method() == Method::POST && request.uri().path() == "/graphql"
    }

    /// The answer to a `POST /graphql` from `peer`.
    pub(crate) async fn serve<B>(&self, request: Request<B>, peer: SocketAddr) -> Response
    where
        B: hyper::body::Body<Data = axum::body::Bytes>,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let span = tracing::span!(
            target: "tower_http::trace::make_span",
            Level::DEBUG,
            "request",
            method = %request.method(),
            uri = %request.uri(),
            version = ?request.version(),
        );
        async move {
            let started = Instant::now();
            tracing::event!(
                target: "tower_http::trace::on_request",
                Level::DEBUG,
                "started processing request"
            );
            let response = AssertUnwindSafe(self.guarded(request, peer, started))
                .catch_unwind()
                .await
                .unwrap_or_else(guards::panic_response);
            let status = response.status();
            let traced = tracing::enabled!(target: "tower_http::trace::on_response", Level::DEBUG);
            if traced || status.is_server_error() {
                let latency = started.elapsed().as_millis();
                tracing::event!(
                    target: "tower_http::trace::on_response",
                    Level::DEBUG,
                    latency = %format_args!("{latency} ms"),
                    status = status.as_u16(),
                    "finished processing request"
                );
                if status.is_server_error() {
                    tracing::event!(
                        target: "tower_http::trace::on_failure",
                        Level::ERROR,
                        classification = %format_args!("Status code: {status}"),
                        latency = %format_args!("{latency} ms"),
                        "response failed"
                    );
                }
            }
            response
        }
        .instrument(span)
        .await
    }

    /// Steps 3 to 9 of the module's list.
    async fn guarded<B>(&self, request: Request<B>, peer: SocketAddr, started: Instant) -> Response
    where
        B: hyper::body::Body<Data = axum::body::Bytes>,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        if let Some(refused) = guards::oversize(&request) {
            return refused;
        }
        if let Some(limiter) = &self.limiter {
            if let Some(refused) = guards::over_rate(limiter, peer.ip()) {
                return refused;
            }
        }
        let Ok(_slot) = self.in_flight.try_acquire() else {
            return guards::overloaded();
        };
        // The deadline from the clock already read (a read costs as much as a check here).
        let deadline = tokio::time::Instant::from_std(started) + self.timeout;
        match tokio::time::timeout_at(deadline, self.answer(request)).await {
            Ok(response) => response,
            Err(_) => guards::timed_out(),
        }
    }

    /// Steps 7 to 9: the body, the answer, its compression.
    async fn answer<B>(&self, request: Request<B>) -> Response
    where
        B: hyper::body::Body<Data = axum::body::Bytes>,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let (parts, body) = request.into_parts();
        let announced = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > self.max_body_bytes as u64) {
            return body_too_large();
        }
        let body = match Limited::new(body, self.max_body_bytes).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.is::<LengthLimitError>() => return body_too_large(),
            Err(_) => {
                return guards::refusal(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    "the request body could not be read",
                )
            }
        };
        let response = graphql_http::answer_post(&self.state, &parts.headers, &body).await;
        let large = response
            .body()
            .size_hint()
            .exact()
            .is_none_or(|n| n >= u64::from(guards::COMPRESS_FROM_BYTES));
        if large {
            compress(&parts.headers, response).await
        } else {
            response
        }
    }
}

/// 413, and the connection closed after it: the unread body is still on it.
fn body_too_large() -> Response {
    let mut response = guards::too_large();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// `response` through the router's compression layer, as the answer to a request with
/// `headers` (only its `Accept-Encoding` counts).
async fn compress(headers: &axum::http::HeaderMap, response: Response) -> Response {
    let mut request = Request::new(());
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        request
            .headers_mut()
            .append(header::ACCEPT_ENCODING, value.clone());
    }
    let mut response = Some(response);
    let answer = tower::service_fn(move |_: Request<()>| {
        std::future::ready(Ok::<_, Infallible>(
            response.take().expect("the service is called once"),
        ))
    });
    match guards::compression().layer(answer).oneshot(request).await {
        Ok(compressed) => compressed.map(Body::new),
        Err(never) => match never {},
    }
}
