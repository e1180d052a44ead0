//! The playground page and its assets, compiled into the binary so the playground works with
//! no internet access. The files are vendored npm builds; see `assets/playground/VENDORED.md`.

/// One embedded file.
pub struct Asset {
    /// The file name, as served under `/assets/`.
    pub name: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $type:literal) => {
        Asset {
            name: $name,
            content_type: $type,
            bytes: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/playground/",
                $name
            )),
        }
    };
}

/// The playground page, served at `/`.
pub const PLAYGROUND: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/playground/index.html"
));

/// Every file served under `/assets/`.
pub const ASSETS: &[Asset] = &[
    asset!("graphiql.min.js", "text/javascript; charset=utf-8"),
    asset!("graphiql.min.css", "text/css; charset=utf-8"),
    asset!("react.production.min.js", "text/javascript; charset=utf-8"),
    asset!(
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("LICENSE-graphiql.txt", "text/plain; charset=utf-8"),
    asset!("LICENSE-react.txt", "text/plain; charset=utf-8"),
    asset!("LICENSE-react-dom.txt", "text/plain; charset=utf-8"),
];

/// The asset with this file name.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}
