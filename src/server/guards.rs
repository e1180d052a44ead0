//! What protects the public endpoint: body size, time, requests in flight, an optional rate
//! per client, CORS, compression, and panics turned into plain 500s. Query-level limits live in
//! `graphql::Limits`; both are set from one [`Settings`].

use super::ConnectionLimits;
use crate::graphql::Limits;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::predicate::{And, DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Everything the server enforces, with documented defaults (see the README's operations
/// section). Every field is set from a `--flag` / `DOSSIER_*` variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// What one GraphQL query may ask.
    pub limits: Limits,
    /// The largest request body on `/graphql`, in bytes.
    pub max_body_bytes: usize,
    /// How long one request may take before it is answered 408.
    pub request_timeout: Duration,
    /// How many requests may be in progress at once; more are answered 503 at once.
    pub max_in_flight: usize,
    /// Requests a second allowed from one client address (a burst of twice as many); `None`
    /// for no limit.
    pub rate_limit: Option<NonZeroU32>,
    /// Origins allowed to call the API from a browser page (`*` for any); empty for no CORS.
    pub cors_origins: Vec<String>,
    /// Connections: how many, and how long they may idle or dawdle over their headers.
    pub connections: ConnectionLimits,
    /// Who may write: `name:sha256hex` tokens; none for a read-only API.
    pub write_tokens: Vec<crate::server::WriteToken>,
    /// The writer and journal, when the server keeps one.
    pub curator: Writer,
}

/// The writer a server writes through, if any (settings are equal when they name the same
/// writer).
#[derive(Debug, Clone, Default)]
pub struct Writer(pub Option<std::sync::Arc<crate::curate::Curator>>);

impl PartialEq for Writer {
    fn eq(&self, other: &Writer) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for Writer {}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            limits: Limits::default(),
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(30),
            max_in_flight: 256,
            rate_limit: None,
            cors_origins: Vec::new(),
            connections: ConnectionLimits {
                max_connections: 1024,
                header_timeout: Duration::from_secs(10),
                idle_timeout: Duration::from_secs(60),
            },
            write_tokens: Vec::new(),
            curator: Writer::default(),
        }
    }
}

/// A GraphQL-shaped error document with a code, for refusals made before GraphQL runs.
pub(crate) fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// The longest request target (path and query) accepted, in bytes; longer is answered 414.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;
/// The most bytes of request headers accepted (names and values); more is answered 431.
pub(crate) const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Middleware: refuses an overlong request target (414) or oversize headers (431) in the
/// JSON shape of every other refusal. (Far larger ones are refused by hyper itself, with its
/// own empty answer, before any middleware runs.)
pub(crate) async fn request_size(request: Request, next: Next) -> Response {
    match oversize(&request) {
        Some(refused) => refused,
        None => next.run(request).await,
    }
}

/// The 414 or 431 refusal for a request whose target or headers are over the limits.
pub(crate) fn oversize<B>(request: &axum::http::Request<B>) -> Option<Response> {
    let uri = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if uri > MAX_URI_BYTES {
        return Some(refusal(
            StatusCode::URI_TOO_LONG,
            "URI_TOO_LONG",
            &format!("the request target is {uri} bytes, over the limit of {MAX_URI_BYTES}: send long queries by POST"),
        ));
    }
    let headers: usize = request
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if headers > MAX_HEADER_BYTES {
        return Some(refusal(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "HEADERS_TOO_LARGE",
            &format!(
                "the request headers are {headers} bytes, over the limit of {MAX_HEADER_BYTES}"
            ),
        ));
    }
    None
}

/// Gives the refusals that layers make with a bare body (413 from the body limit, 408 from
/// the timeout) the JSON shape and code of every other refusal.
pub(crate) async fn shape_refusals(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        return response;
    }
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        StatusCode::REQUEST_TIMEOUT => timed_out(),
        _ => response,
    }
}

/// 413, for a body over the limit (without `Connection: close`: see
/// [`close_after_refused_body`]).
pub(crate) fn too_large() -> Response {
    refusal(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        "the request body is over the server's limit (see --max-body-bytes)",
    )
}

/// 408, for a request past the time limit.
pub(crate) fn timed_out() -> Response {
    refusal(
        StatusCode::REQUEST_TIMEOUT,
        "TIMEOUT",
        "the request took longer than the server's limit (see --request-timeout): narrow it",
    )
}

/// Visited a 413 answer `Connection: close`: the unread body is still on the connection, so the
/// client must not send its next request there.
pub(crate) async fn close_after_refused_body(mut response: Response) -> Response {
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A keyed token bucket per client address.
pub(crate) type Limiter = DefaultKeyedRateLimiter<IpAddr>;

/// The rate limiter for `settings`, if it asks for one.
pub(crate) fn limiter(settings: &Settings) -> Option<Arc<Limiter>> {
    settings.rate_limit.map(|per_second| {
        let burst = per_second.saturating_mul(NonZeroU32::new(2).expect("2 is not 0"));
        Arc::new(RateLimiter::keyed(
            Quota::per_second(per_second).allow_burst(burst),
        ))
    })
}

/// Middleware: refuses a client over its rate with 429 and `Retry-After`. The client is the
/// peer address of the connection (behind a proxy, that is the proxy: rate-limit there).
pub(crate) async fn rate_limit(
    State(limiter): State<Arc<Limiter>>,
    request: Request,
    next: Next,
) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(refused) = ip.and_then(|ip| over_rate(&limiter, ip)) {
        return refused;
    }
    next.run(request).await
}

/// The 429 refusal when the client at `ip` is over its rate (which this call counts against).
pub(crate) fn over_rate(limiter: &Limiter, ip: IpAddr) -> Option<Response> {
    limiter.check_key(&ip).err()?;
    let mut resp = refusal(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        "too many requests from this address: slow down and retry",
    );
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    Some(resp)
}

/// Forgets idle clients once a minute, so the limiter's memory follows the active clients.
pub(crate) fn spawn_limiter_cleanup(limiter: Arc<Limiter>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    });
}

/// The answer when every slot is taken.
pub(crate) async fn busy(_: tower::BoxError) -> Response {
    overloaded()
}

/// 503, when every slot for a request in flight is taken.
pub(crate) fn overloaded() -> Response {
    refusal(
        StatusCode::SERVICE_UNAVAILABLE,
        "OVERLOADED",
        "the server is at its limit of requests in flight: retry shortly",
    )
}

/// A panic outside GraphQL (which has its own handling) becomes a plain 500; the message is
/// logged, never sent.
pub(crate) fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %what, "a handler panicked");
    refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "internal error: the details are in the server's log",
    )
}

/// The CORS layer for `settings`: none when no origin is configured.
pub(crate) fn cors(settings: &Settings) -> Option<CorsLayer> {
    if settings.cors_origins.is_empty() {
        return None;
    }
    let origin = if settings.cors_origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            settings
                .cors_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(origin)
            .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
            .max_age(Duration::from_secs(3600)),
    )
}

/// The smallest response body that is compressed for a client that accepts it. Below about a
/// kilobyte gzip saves a few hundred bytes at most (a 45-byte answer grows), and the
/// negotiation costs every request; the playground's assets, exports and large GraphQL
/// answers are far above it.
pub(crate) const COMPRESS_FROM_BYTES: u16 = 1024;

/// The compression layer: gzip, for bodies of [`COMPRESS_FROM_BYTES`] or more (or of unknown
/// length) of the types tower-http compresses by default.
pub(crate) fn compression() -> CompressionLayer<And<SizeAbove, DefaultPredicate>> {
    CompressionLayer::new()
        .compress_when(SizeAbove::new(COMPRESS_FROM_BYTES).and(DefaultPredicate::new()))
}
