//! The command line. Every flag can also be set by a `DOSSIER_*` environment variable.

use crate::export::Format;
use crate::graphql::Limits;
use crate::import::{ImportFormat, ImportSource};
use crate::load::LoadError;
use crate::model::{EntityKind, RelationKind};
use crate::server::{ConnectionLimits, Settings, WriteToken};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

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
    /// Validate datasets to import (CSV tables, FollowTheMoney JSON lines, triples), load them
    /// over the data and the datasets kept before, and keep them in the state directory, so
    /// `dossier serve --state` starts from them without parsing the files again; print what
    /// they hold, the time taken and the peak memory. `--dry-run` keeps nothing.
    Import(ImportArgs),
    /// Write a synthetic graph as the import CSV tables (documents.csv, nodes.csv,
    /// relations.csv), for benchmarks: power-law degrees, a news dataset's kinds, dated and
    /// cited relations; the same seed gives the same bytes.
    Generate(GenerateArgs),
    /// Write tokens: `dossier token new NAME` prints a fresh random token and the line that
    /// configures it.
    Token(TokenArgs),
    /// Fold the journal of a state directory into one change (its net effect), so it replays
    /// faster; the folded changes are kept aside for the record and can no longer be reverted
    /// one by one. Run it while the server is stopped.
    Compact(CompactArgs),
    /// Copy the journal of a state directory into FILE, consistently, while it is served
    /// (SQLite's online backup). Restore by putting the copy at `<state>/journal.sqlite3`.
    Backup(BackupArgs),
}

/// Options of `dossier token`.
#[derive(Debug, Clone, clap::Args)]
pub struct TokenArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: TokenAction,
}

/// What `dossier token` does.
#[derive(Debug, Clone, Subcommand)]
pub enum TokenAction {
    /// Print a fresh random token for NAME (give it to the curator, once) and the
    /// `name:sha256hex` line for `--write-tokens` (which holds no secret).
    New {
        /// Who will write with it (letters, digits, `-`, `_`, `.`); recorded with each change.
        name: String,
    },
}

/// Options of `dossier compact`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompactArgs {
    /// The state directory whose journal to fold.
    #[arg(long, env = "DOSSIER_STATE", default_value = "state")]
    pub state: PathBuf,
}

/// Options of `dossier backup`.
#[derive(Debug, Clone, clap::Args)]
pub struct BackupArgs {
    /// The state directory whose journal to copy.
    #[arg(long, env = "DOSSIER_STATE", default_value = "state")]
    pub state: PathBuf,
    /// Where to write the copy (an SQLite database file; it must not exist).
    pub file: PathBuf,
}

/// Options of `dossier generate`.
#[derive(Debug, Clone, clap::Args)]
pub struct GenerateArgs {
    /// How many entities.
    #[arg(long, env = "DOSSIER_GENERATE_ENTITIES", default_value_t = 100_000)]
    pub entities: u64,
    /// How many relations.
    #[arg(long, env = "DOSSIER_GENERATE_RELATIONS", default_value_t = 1_000_000)]
    pub relations: u64,
    /// The seed.
    #[arg(long, env = "DOSSIER_GENERATE_SEED", default_value_t = 42)]
    pub seed: u64,
    /// The directory to write the three tables into (created if missing).
    #[arg(long, env = "DOSSIER_GENERATE_OUTPUT")]
    pub output: PathBuf,
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
    /// The state directory: the journal of every acknowledged change (SQLite). Replayed over
    /// the data at start when it exists; created when write tokens are given.
    #[arg(long, env = "DOSSIER_STATE", default_value = "state")]
    pub state: PathBuf,
    /// Write tokens as comma-separated `name:sha256hex` pairs (the SHA-256 of each secret
    /// token, in 64 hexadecimal digits; `dossier token new NAME` makes one). Without any, the
    /// API is read-only.
    #[arg(long, env = "DOSSIER_WRITE_TOKENS", value_delimiter = ',', value_parser = WriteToken::parse)]
    pub write_tokens: Vec<WriteToken>,
    /// A file of write tokens, one `name:sha256hex` a line (`#` starts a comment), read
    /// beside `--write-tokens`.
    #[arg(long, env = "DOSSIER_WRITE_TOKENS_FILE")]
    pub write_tokens_file: Option<PathBuf>,
    /// Datasets imported at start, after the data directory.
    #[command(flatten)]
    pub imports: ServeImportArgs,
    /// What the public endpoint enforces.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The imports of `dossier serve`: loaded after `--data`, into the same graph; any error
/// stops the start.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Imports")]
pub struct ServeImportArgs {
    /// A dataset to import at start (repeatable, or comma-separated in the variable): a CSV
    /// directory, an FtM JSON lines file or a triples file. Its ids may refer to `--data`.
    #[arg(
        long = "import",
        value_name = "PATH",
        env = "DOSSIER_IMPORT",
        value_delimiter = ','
    )]
    pub paths: Vec<PathBuf>,
    /// The format of every `--import`: csv, ftm or triples (default: guessed from each path).
    #[arg(long, value_name = "FORMAT", env = "DOSSIER_IMPORT_FORMAT", value_parser = ImportFormat::parse)]
    pub import_format: Option<ImportFormat>,
    /// The mapping file (TOML) for the imports' relation codes and entity types.
    #[arg(
        long,
        alias = "mapping",
        value_name = "FILE",
        env = "DOSSIER_IMPORT_MAPPING"
    )]
    pub import_mapping: Option<PathBuf>,
}

impl ServeImportArgs {
    /// The sources these options name.
    pub fn sources(&self) -> Result<Vec<ImportSource>, LoadError> {
        self.paths
            .iter()
            .map(|p| ImportSource::at(p, self.import_format))
            .collect()
    }
}

/// The limits of `dossier serve`, each with its documented default. The defaults are taken
/// from [`Settings::default`] and [`Limits::default`], their one source.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Limits")]
pub struct LimitArgs {
    /// Deepest field nesting of a query.
    #[arg(long, env = "DOSSIER_MAX_DEPTH", default_value_t = Limits::default().max_depth)]
    pub max_depth: usize,
    /// Highest query complexity (each field 1; lists multiply by their page size).
    #[arg(long, env = "DOSSIER_MAX_COMPLEXITY", default_value_t = Limits::default().max_complexity)]
    pub max_complexity: usize,
    /// Most aliases in a query.
    #[arg(long, env = "DOSSIER_MAX_ALIASES", default_value_t = Limits::default().max_aliases)]
    pub max_aliases: usize,
    /// Most root fields in a query.
    #[arg(long, env = "DOSSIER_MAX_ROOT_FIELDS", default_value_t = Limits::default().max_root_fields)]
    pub max_root_fields: usize,
    /// Most directives in a query.
    #[arg(long, env = "DOSSIER_MAX_DIRECTIVES", default_value_t = Limits::default().max_directives)]
    pub max_directives: usize,
    /// Longest list in an argument or variable.
    #[arg(long, env = "DOSSIER_MAX_LIST", default_value_t = Limits::default().max_list)]
    pub max_list: usize,
    /// Longest string in an argument or variable, in bytes.
    #[arg(long, env = "DOSSIER_MAX_STRING", default_value_t = Limits::default().max_string)]
    pub max_string: usize,
    /// Milliseconds of CPU-bound work (paths, analytics) one query may use.
    #[arg(
        long,
        env = "DOSSIER_MAX_WORK_MS",
        default_value_t = Limits::default().max_work.as_millis() as u64,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_work_ms: u64,
    /// Most network analyses (rankings, components, communities over one set of kinds) one
    /// query may compute; analyses already computed for the same graph version are free.
    #[arg(long, env = "DOSSIER_MAX_ANALYSES", default_value_t = Limits::default().max_analyses)]
    pub max_analyses: usize,
    /// Largest request body on /graphql, in bytes.
    #[arg(long, env = "DOSSIER_MAX_BODY_BYTES", default_value_t = Settings::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Seconds before a request is answered 408 (at least 1).
    #[arg(
        long,
        env = "DOSSIER_REQUEST_TIMEOUT",
        default_value_t = Settings::default().request_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub request_timeout: u64,
    /// Requests in progress at once; more are answered 503.
    #[arg(long, env = "DOSSIER_MAX_IN_FLIGHT", default_value_t = Settings::default().max_in_flight)]
    pub max_in_flight: usize,
    /// Requests a second per client address (bursts of twice that); 0 for no limit.
    #[arg(long, env = "DOSSIER_RATE_LIMIT", default_value_t = 0)]
    pub rate_limit: u32,
    /// Origins allowed to call the API from browser pages, comma-separated, or `*`; none by
    /// default (no CORS headers).
    #[arg(long, env = "DOSSIER_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Connections open at once; past it, new ones wait in the backlog until one closes.
    #[arg(
        long,
        env = "DOSSIER_MAX_CONNECTIONS",
        default_value_t = Settings::default().connections.max_connections,
        value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u32).range(1..), |n| n as usize)
    )]
    pub max_connections: usize,
    /// Seconds a connection may take to send a request's headers: a new connection, or one
    /// on which a next request has begun (at least 1).
    #[arg(
        long,
        env = "DOSSIER_HEADER_TIMEOUT",
        default_value_t = Settings::default().connections.header_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub header_timeout: u64,
    /// Seconds a kept-alive connection may stay open with no request (at least 1).
    #[arg(
        long,
        env = "DOSSIER_IDLE_TIMEOUT",
        default_value_t = Settings::default().connections.idle_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub idle_timeout: u64,
}

impl LimitArgs {
    /// The server settings these flags describe.
    pub fn settings(&self) -> Settings {
        let limits = Limits {
            max_depth: self.max_depth,
            max_complexity: self.max_complexity,
            max_aliases: self.max_aliases,
            max_root_fields: self.max_root_fields,
            max_directives: self.max_directives,
            max_list: self.max_list,
            max_string: self.max_string,
            max_work: Duration::from_millis(self.max_work_ms),
            max_analyses: self.max_analyses,
            ..Limits::default()
        };
        Settings {
            limits,
            max_body_bytes: self.max_body_bytes,
            request_timeout: Duration::from_secs(self.request_timeout),
            max_in_flight: self.max_in_flight,
            rate_limit: NonZeroU32::new(self.rate_limit),
            cors_origins: self.cors_origins.clone(),
            connections: ConnectionLimits {
                max_connections: self.max_connections,
                header_timeout: Duration::from_secs(self.header_timeout),
                idle_timeout: Duration::from_secs(self.idle_timeout),
            },
            ..Settings::default()
        }
    }
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
    /// The most entities to export (default: no limit: the whole graph, imports included).
    /// A cut export says so inside the file.
    #[arg(long, env = "DOSSIER_EXPORT_LIMIT")]
    pub limit: Option<usize>,
    /// Where to write (default: standard output). For CSV, a directory (one that exists, or a
    /// path ending in `/`) gets `nodes.csv` and `edges.csv`; a file gets the one long table.
    #[arg(long, env = "DOSSIER_EXPORT_OUTPUT")]
    pub output: Option<PathBuf>,
    /// Datasets imported after `--data`, as `serve --import` takes them: the export holds
    /// both.
    #[command(flatten)]
    pub imports: ServeImportArgs,
}

/// Options of `dossier import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// The datasets: a CSV directory (documents.csv, nodes.csv, relations.csv; each optional,
    /// at least one present — without documents.csv, relations cite documents of --data or of
    /// another source), an FtM JSON lines file (.json, .jsonl, .ndjson) or a triples file
    /// (.tsv, .txt).
    #[arg(value_name = "PATH", env = "DOSSIER_IMPORT", value_delimiter = ',')]
    pub paths: Vec<PathBuf>,
    /// The format of every path: csv, ftm or triples (default: guessed from each path).
    #[arg(long, env = "DOSSIER_IMPORT_FORMAT", value_parser = ImportFormat::parse)]
    pub format: Option<ImportFormat>,
    /// The mapping file (TOML) for relation codes and entity types outside dossier's
    /// vocabulary; a triples import needs one.
    #[arg(long, value_name = "FILE", env = "DOSSIER_IMPORT_MAPPING")]
    pub mapping: Option<PathBuf>,
    /// A CSV nodes table with any name (with --relations and --documents, one more CSV source).
    #[arg(long)]
    pub nodes: Option<PathBuf>,
    /// A CSV relations table with any name.
    #[arg(long)]
    pub relations: Option<PathBuf>,
    /// A CSV documents table with any name.
    #[arg(long)]
    pub documents: Option<PathBuf>,
    /// Load this data directory first, as `serve` does, so imported ids may refer to it
    /// (default: import alone).
    #[arg(long, env = "DOSSIER_DATA")]
    pub data: Option<PathBuf>,
    /// The state directory to keep the dataset in (`serve --state` starts from it).
    #[arg(long, env = "DOSSIER_STATE", default_value = "state")]
    pub state: PathBuf,
    /// Validate and load only: keep nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl ImportArgs {
    /// The sources these options name: the paths, then the CSV tables given by role.
    pub fn sources(&self) -> Result<Vec<ImportSource>, LoadError> {
        let mut sources: Vec<ImportSource> = self
            .paths
            .iter()
            .map(|p| ImportSource::at(p, self.format))
            .collect::<Result<_, _>>()?;
        if self.nodes.is_some() || self.relations.is_some() || self.documents.is_some() {
            sources.push(ImportSource::Csv {
                documents: self.documents.clone(),
                nodes: self.nodes.clone(),
                relations: self.relations.clone(),
            });
        }
        if sources.is_empty() {
            return Err(LoadError {
                file: PathBuf::from("."),
                line: 1,
                column: 1,
                field: "paths".into(),
                message: "nothing to import: give a path, or --nodes / --relations".into(),
            });
        }
        Ok(sources)
    }
}
