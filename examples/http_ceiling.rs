//! The ceiling of `bench/http.sh`: a raw axum server with one route that answers a small fixed
//! JSON body, built on the same axum and tokio as `dossier serve` and run the same way (a
//! multi-threaded runtime from `tokio::runtime::Runtime::new()`; `axum::serve`, which serves
//! each connection with hyper-util's `auto` builder as dossier does, with connect info; and
//! `TCP_NODELAY` on every connection, as dossier sets it), but with no GraphQL, no layers and
//! no logging. Whatever dossier's small query costs
//! above this is the price of dossier's own stack.
//!
//! ```sh
//! cargo run --release --example http_ceiling -- 127.0.0.1:18080
//! curl -s -XPOST -H 'content-type: application/json' -d '{}' http://127.0.0.1:18080/graphql
//! ```
//!
//! Every path and method answers, so the load tool sends exactly the request it sends to
//! dossier (`POST /graphql` with the query as a JSON body); the handler reads the body, as
//! dossier's does, and ignores it.

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::serve::ListenerExt;
use axum::Router;
use std::net::SocketAddr;

/// The answer: the size and shape of dossier's answer to `{ entity(id: …) { name } }`.
const BODY: &str = r#"{"data":{"entity":{"name":"Gubad Ibadoglu"}}}"#;

async fn hello(_body: Bytes) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], BODY)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18080".into())
        .parse()?;
    // As in `dossier serve` (src/main.rs): the default multi-threaded runtime.
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        eprintln!(
            "http_ceiling: serving on http://{}/",
            listener.local_addr()?
        );
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let app = Router::new()
            .fallback(hello)
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app).await?;
        Ok(())
    })
}
