//! dossier's integration tests, one binary with a module per area.

mod analysis;
mod asof;
mod bulletin;
mod crash;
mod data;
mod docs;
mod explore;
mod export;
mod fanout;
mod graphql;
mod guards;
mod hardening;
mod http;
mod http_guards;
mod import;
mod layering;
mod load;
mod one_check;
mod process;
mod reconcile;
mod schema;
mod sockets;
mod store;
mod structure;
mod support;
mod visit;
