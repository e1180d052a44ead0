//! The HTTP server: routes, playground, health, and graceful shutdown.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the GraphiQL playground, with its assets served from the binary |
//! | `POST /graphql` | queries and mutations (with a write token) |
//! | `GET /graphql` | queries only, never mutations |
//! | `GET /graphql/ws` | subscriptions (graphql-transport-ws) |
//! | `GET /schema.graphql` | the SDL |
//! | `GET /health` | liveness and counts, JSON |
//! | `GET /export/{format}` | a subgraph as a file (GraphML, GEXF, CSV, …), see `export` |
//! | `GET, POST /reconcile…` | the Reconciliation API (0.2) for OpenRefine, see `reconcile` |
//!
//! Every route goes through the router and its guards, except `POST /graphql` on a served
//! connection: that takes `direct`, the same guards as one function (the router's layers cost
//! the smallest query more than its GraphQL).

mod assets;
mod connections;
mod direct;
mod explore;
mod export;
mod graphql_http;
mod guards;
mod reconcile;
mod socket;
mod tokens;

pub use connections::ConnectionLimits;
pub use guards::{Settings, Writer};
pub use tokens::{read_file as read_tokens_file, WriteToken};

use crate::graphql::{build_schema_with, sdl, DossierSchema};
use crate::store::Store;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::future::Future;
use tokio::net::TcpListener;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// What every handler can reach: a cheap handle, cloned per request.
#[derive(Clone)]
pub struct AppState {
    store: Store,
    schema: DossierSchema,
    /// Who may write.
    tokens: std::sync::Arc<Vec<WriteToken>>,
    /// How long a subscription socket may stay silent.
    socket_idle: std::time::Duration,
}

/// The router over a store, with the default [`Settings`].
pub fn router(store: Store) -> Router {
    router_with(store, &Settings::default())
}

/// The router over a store, guarded as `settings` says. `/health` is outside the guards, so
/// a liveness probe answers even when the API is at its limits.
pub fn router_with(store: Store, settings: &Settings) -> Router {
    app_with(store, settings).router
}

/// What the connections of a server answer with: the router, and `POST /graphql` on its own
/// path under the same guards (see `direct`), unless CORS is configured.
#[derive(Clone)]
pub(crate) struct App {
    router: Router,
    direct: Option<std::sync::Arc<direct::Direct>>,
}

fn app_with(store: Store, settings: &Settings) -> App {
    let state = AppState {
        schema: build_schema_with(
            store.clone(),
            settings.limits.clone(),
            settings.curator.0.clone(),
        ),
        store,
        tokens: std::sync::Arc::new(settings.write_tokens.clone()),
        socket_idle: settings.connections.idle_timeout,
    };
    // The body limit refuses an announced oversize body before reading it, and one that
    // streams past the limit as soon as it does.
    let graphql = Router::new()
        .route("/graphql", get(graphql_http::get).post(graphql_http::post))
        .route("/graphql/ws", get(graphql_http::socket))
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
        .layer(axum::middleware::map_response(guards::shape_refusals))
        .layer(axum::middleware::map_response(
            guards::close_after_refused_body,
        ));
    let mut api = Router::new()
        .route("/", get(playground))
        .route("/assets/{file}", get(asset))
        .merge(graphql)
        .route("/schema.graphql", get(schema_sdl))
        .route("/export/{format}", get(export::get))
        .merge(explore::routes())
        .layer(guards::compression());
    if let Some(cors) = guards::cors(settings) {
        api = api.layer(cors);
    }
    api = api.merge(reconcile::router(settings)); // after CORS: it allows any origin
    let limiter = guards::limiter(settings);
    if let Some(limiter) = &limiter {
        guards::spawn_limiter_cleanup(limiter.clone());
        api = api.layer(axum::middleware::from_fn_with_state(
            limiter.clone(),
            guards::rate_limit,
        ));
    }
    // One set of slots for the whole API (a layer on a router is applied to each route).
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(settings.max_in_flight.max(1)));
    let api = api.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(guards::busy))
            .load_shed()
            .layer(GlobalConcurrencyLimitLayer::with_semaphore(
                in_flight.clone(),
            ))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                settings.request_timeout,
            )),
    );
    let direct = settings.cors_origins.is_empty().then(|| {
        std::sync::Arc::new(direct::Direct {
            state: state.clone(),
            in_flight,
            timeout: settings.request_timeout,
            max_body_bytes: settings.max_body_bytes,
            limiter,
        })
    });
    let router = Router::new()
        .route("/health", get(health))
        .merge(api)
        .layer(axum::middleware::map_response(guards::shape_refusals))
        .layer(axum::middleware::from_fn(guards::request_size))
        .layer(CatchPanicLayer::custom(guards::panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    App { router, direct }
}

/// Serves the API on an already-bound listener until `shutdown` completes, then finishes the
/// requests in flight. Uses the default [`Settings`].
pub async fn serve(
    listener: TcpListener,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, store, &Settings::default(), shutdown).await
}

/// Serves the API on an already-bound listener, guarded as `settings` says, until `shutdown`
/// completes; then closes idle connections and finishes the requests in flight (see
/// `connections` for the timeouts and the connection cap).
pub async fn serve_with(
    listener: TcpListener,
    store: Store,
    settings: &Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app_with(store, settings);
    connections::serve(listener, app, settings.connections, shutdown).await
}

async fn playground() -> Html<&'static [u8]> {
    Html(assets::PLAYGROUND)
}

async fn asset(Path(file): Path<String>) -> Response {
    match assets::find(&file) {
        Some(a) => a.response("public, max-age=86400"),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

async fn schema_sdl() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], sdl())
}

async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    let g = state.store.snapshot();
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "graphVersion": g.version(),
        "entities": g.entity_count(),
        "relations": g.relation_count(),
        "documents": g.document_count(),
    }))
}
