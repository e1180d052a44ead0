//! `GET /explore`: the explorer page, a visual way into the graph (search, expand, read the
//! sources, filter by date, shortest paths, downloads), and its assets under `/explore/`.
//!
//! The page talks only to this server's `/graphql`, `/export` and playground, and every file
//! it loads is compiled into the binary, so it works with no internet access. The files are
//! built from `explorer/` (sigma.js, graphology, ForceAtlas2, bundled by esbuild) and
//! committed in `assets/explore/`; see `assets/explore/VENDORED.md`.

use super::assets::{asset, Asset};
use super::AppState;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The page itself, served at `/explore`.
const PAGE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/explore/index.html"
));

/// Every file served under `/explore/`.
const ASSETS: &[Asset] = &[
    asset!("explore", "explore.js", "text/javascript; charset=utf-8"),
    asset!("explore", "explore.css", "text/css; charset=utf-8"),
    asset!("explore", "LICENSES.txt", "text/plain; charset=utf-8"),
    asset!("explore", "VENDORED.md", "text/markdown; charset=utf-8"),
];

/// The routes: `/explore` and `/explore/{file}`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/explore", get(page))
        .route("/explore/{file}", get(asset))
}

async fn page() -> Html<&'static [u8]> {
    Html(PAGE)
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == file) {
        // The names do not change when the files do, so browsers revalidate after an hour.
        Some(a) => a.response("public, max-age=3600"),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
