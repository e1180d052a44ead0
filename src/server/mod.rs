//! The HTTP server: routes, playground, health, and graceful shutdown.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the GraphiQL playground, with its assets served from the binary |
//! | `POST /graphql` | queries |
//! | `GET /graphql` | queries only, never mutations |
//! | `GET /schema.graphql` | the SDL |
//! | `GET /health` | liveness and counts, JSON |
//! | `GET /export/{format}` | a subgraph as a file (GraphML, GEXF, CSV, …), see `export` |

mod assets;
mod export;
mod graphql_http;

use crate::graphql::{build_schema, sdl, DossierSchema};
use crate::store::Store;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::future::Future;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// The largest request body accepted on `/graphql`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler can reach: a cheap handle, cloned per request.
#[derive(Clone)]
pub struct AppState {
    store: Store,
    schema: DossierSchema,
}

/// The router over a store.
pub fn router(store: Store) -> Router {
    let state = AppState {
        schema: build_schema(store.clone()),
        store,
    };
    Router::new()
        .route("/", get(playground))
        .route("/assets/{file}", get(asset))
        .route(
            "/graphql",
            get(graphql_http::get)
                .post(graphql_http::post)
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/schema.graphql", get(schema_sdl))
        .route("/health", get(health))
        .route("/export/{format}", get(export::get))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the API on an already-bound listener until `shutdown` completes, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn playground() -> Html<&'static [u8]> {
    Html(assets::PLAYGROUND)
}

async fn asset(Path(file): Path<String>) -> Response {
    match assets::find(&file) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            a.bytes,
        )
            .into_response(),
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
