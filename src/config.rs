//! The command line. Every flag can also be set by a `DOSSIER_*` environment variable.

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
