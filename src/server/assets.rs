//! The playground page and its assets, compiled into the binary so the playground works with
//! no internet access. The files are vendored npm builds; see `assets/playground/VENDORED.md`.
//! [`Asset`] and [`asset!`] embed the explorer's files too (`explore.rs`).

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// One embedded file.
pub struct Asset {
    /// The file name, as served under `/assets/` (the explorer's under `/explore/`).
    pub name: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

impl Asset {
    /// The file as a response, with its type, cached as `cache_control` says.
    pub(crate) fn response(&self, cache_control: &'static str) -> Response {
        (
            [
                (header::CONTENT_TYPE, self.content_type),
                (header::CACHE_CONTROL, cache_control),
            ],
            self.bytes,
        )
            .into_response()
    }
}

/// The [`Asset`] of `assets/<dir>/<name>`, of the given `Content-Type`.
macro_rules! asset {
    ($dir:literal, $name:literal, $type:literal) => {
        $crate::server::assets::Asset {
            name: $name,
            content_type: $type,
            bytes: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/",
                $dir,
                "/",
                $name
            )),
        }
    };
}
pub(crate) use asset;

/// The playground page, served at `/`.
pub const PLAYGROUND: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/playground/index.html"
));

/// Every file served under `/assets/`.
pub const ASSETS: &[Asset] = &[
    asset!(
        "playground",
        "graphiql.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("playground", "graphiql.min.css", "text/css; charset=utf-8"),
    asset!(
        "playground",
        "react.production.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "playground",
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "playground",
        "LICENSE-graphiql.txt",
        "text/plain; charset=utf-8"
    ),
    asset!(
        "playground",
        "LICENSE-react.txt",
        "text/plain; charset=utf-8"
    ),
    asset!(
        "playground",
        "LICENSE-react-dom.txt",
        "text/plain; charset=utf-8"
    ),
];

/// The asset with this file name.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}
