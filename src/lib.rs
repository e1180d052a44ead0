//! # dossier
//!
//! A knowledge graph of *who did what to whom* — people, organisations, courts, governments,
//! events and places, linked by typed, dated relations that each cite the sentence they come
//! from — served over GraphQL for researchers, visualisation tools and notebooks.
//!
//! ## The dependency rule
//! `main → server → graphql → store → model`, and `load` beside `store`. `model` and `store`
//! know nothing of GraphQL, HTTP or async; the GraphQL layer wraps domain values and delegates.
//!
//! ## Layout
//! - [`model`]: entity kinds, the relation vocabulary, partial dates, ids, records. No I/O.
//! - [`store`]: the graph (compact records, adjacency in compressed rows), its immutable
//!   versions (the graph beside its search index and analytics cache), traversals, paths, timeline and name search; petgraph's graph traits on it, so
//!   petgraph's algorithms run on the store directly; `store/analytics/` the analyses
//!   (rankings, components, communities, brokers, bridges, cycles, cliques), cached per
//!   version.
//! - [`load`]: the curated `data/` files: parsing, validation with `file:line:column` errors.
//! - [`import`]: other people's datasets — CSV tables, FollowTheMoney JSON lines, triples —
//!   streamed into a graph builder, all or nothing, with `file:line:column` errors and a
//!   mapping file for vocabularies that are not dossier's.
//! - [`export`]: subgraphs as files for other tools — node-link JSON, GraphML, GEXF,
//!   Cytoscape JSON, CSV, DOT, FollowTheMoney — as pure functions of a graph version.
//! - [`journal`]: every acknowledged change, durable before it is acknowledged (SQLite,
//!   behind a small interface another store can implement).
//! - [`curate`]: writes — the one writer (check, commit to the journal, publish the next
//!   version), the curators' operations as edits, merge candidates, and the start that
//!   replays the journal over the data.
//! - [`graphql`]: the schema — query roots, output wrappers, errors with stable codes.
//! - [`server`]: the axum router — playground, explorer, `/graphql`, `/health`,
//!   `/schema.graphql`, `/export`, `/reconcile` — its guards, and the connections it keeps
//!   (timeouts, a cap, graceful shutdown).
//! - [`generate`]: synthetic graphs for benchmarks, as import CSV tables; the same seed, the same bytes.
//! - [`memory`]: the allocator (mimalloc), and its slack given back after a bulk build.
//! - [`config`]: the command line and its `DOSSIER_*` variables.
//! - [`cli`]: the commands (`serve`, `check`, `import`, `export`, `generate`) as library
//!   functions with typed errors; `main` only parses, sets up logging and runs one.

pub mod cli;
pub mod config;
pub mod curate;
pub mod export;
pub mod generate;
pub mod graphql;
pub mod import;
pub mod journal;
pub mod load;
pub mod memory;
pub mod model;
mod rng;
pub mod server;
pub mod store;
