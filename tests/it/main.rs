//! dossier's integration tests, one binary with a module per area.

mod analysis;
mod bulletin;
mod data;
mod docs;
mod explore;
mod graphql;
mod guards;
mod http;
mod http_guards;
mod import;
mod load;
mod schema;
mod store;
mod support;
