//! The command line. Every flag can also be set by a `DOSSIER_*` environment variable.

use crate::export::Format;
use crate::model::{EntityKind, RelationKind};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// dossier — a knowledge graph of who did what to whom, with the source sentence of every
/// relation, served over GraphQL.
///
/// Start with `dossier serve` and open http://127.0.0.1:8080/ for the playground.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the data directory and serve the GraphQL API and the playground.
    Serve(ServeArgs),
    /// Validate a data directory without serving; prints every problem as
    /// file:line:column: field: message and exits non-zero if there is any.
    Check(CheckArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Export the graph, or the neighbourhood of some entities, as GraphML, GEXF, node-link
    /// JSON, Cytoscape JSON, CSV, DOT or FollowTheMoney JSON lines.
    Export(ExportArgs),
}

/// Options of `dossier serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DOSSIER_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The curated data directory (TOML files, see the README).
    #[arg(long, env = "DOSSIER_DATA", default_value = "data")]
    pub data: PathBuf,
    /// The journal directory for accepted changes (SQLite). Reserved: mutations are not
    /// served yet, so nothing is written there.
    #[arg(long, env = "DOSSIER_STATE", default_value = "state")]
    pub state: PathBuf,
    /// Write tokens as comma-separated `name:sha256hex` pairs. Reserved: without them the API
    /// is read-only, which is all it is for now.
    #[arg(long, env = "DOSSIER_WRITE_TOKENS", value_delimiter = ',')]
    pub write_tokens: Vec<String>,
}

/// Options of `dossier check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// The data directory to validate.
    #[arg(env = "DOSSIER_DATA", default_value = "data")]
    pub dir: PathBuf,
}

/// Options of `dossier export`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// The format: node-link, graphml, gexf, cytoscape, csv, dot or ftm (GraphQL names such as
    /// NODE_LINK_JSON work too).
    #[arg(long, env = "DOSSIER_EXPORT_FORMAT", value_parser = Format::parse)]
    pub format: Format,
    /// The curated data directory to load.
    #[arg(long, env = "DOSSIER_DATA", default_value = "data")]
    pub data: PathBuf,
    /// Export the neighbourhood of these entities (comma-separated ids) instead of the whole
    /// graph.
    #[arg(long, env = "DOSSIER_EXPORT_IDS", value_delimiter = ',')]
    pub ids: Vec<String>,
    /// How many relations out from `--ids` to walk.
    #[arg(long, env = "DOSSIER_EXPORT_DEPTH", default_value_t = 1)]
    pub depth: usize,
    /// Only relations of these kinds (comma-separated, e.g. ARRESTED,CALLED).
    #[arg(long, env = "DOSSIER_EXPORT_RELATION_KINDS", value_delimiter = ',')]
    pub relation_kinds: Vec<RelationKind>,
    /// Only entities of these kinds (comma-separated, e.g. PERSON,COURT); seeds are kept.
    #[arg(long, env = "DOSSIER_EXPORT_KINDS", value_delimiter = ',')]
    pub kinds: Vec<EntityKind>,
    /// The most entities to export (default: no limit).
    #[arg(long, env = "DOSSIER_EXPORT_LIMIT")]
    pub limit: Option<usize>,
    /// Where to write (default: standard output). For CSV, a directory (one that exists, or a
    /// path ending in `/`) gets `nodes.csv` and `edges.csv`; a file gets the one long table.
    #[arg(long, env = "DOSSIER_EXPORT_OUTPUT")]
    pub output: Option<PathBuf>,
}
