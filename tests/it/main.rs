//! dossier's integration tests, one binary with a module per area.

mod analysis;
mod bulletin;
mod data;
mod docs;
mod graphql;
mod guards;
mod http;
mod http_guards;
mod import;
mod layering;
mod load;
mod schema;
mod store;
mod structure;
mod support;
mod visit;
