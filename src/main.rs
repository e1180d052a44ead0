//! The `dossier` binary: parse the command line, set up logging, run one command (each lives
//! in `dossier::cli` and returns a typed error).

use clap::Parser;
use dossier::cli;
use dossier::config::{Cli, Command};
use std::fmt::Display;
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    dossier::memory::configure();
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            print!("{}", dossier::graphql::sdl());
            ExitCode::SUCCESS
        }
        // Data errors are printed as they are: one `file:line:column: field: message` a line.
        Command::Check(args) => finish(cli::check::run(&args), ""),
        Command::Import(args) => {
            finish(cli::import::run(&args, &*dossier::import::for_stderr()), "")
        }
        Command::Export(args) => {
            let written = cli::export::run(&args, &*dossier::import::for_stderr());
            if let Ok(cli::export::Exported { cut: Some(cut), .. }) = &written {
                eprintln!("warning: --limit cut the export short: {}", cut.note());
            }
            finish(written, "error: ")
        }
        Command::Generate(args) => finish(cli::generate::run(&args), "error: "),
        Command::Token(args) => finish(cli::token::run(&args), "error: "),
        Command::Compact(args) => finish(cli::backup::compact(&args), "error: "),
        Command::Backup(args) => finish(cli::backup::run(&args), "error: "),
        Command::Serve(args) => {
            init_logging();
            finish(cli::serve::run(args), "error: ")
        }
    }
}

/// Logs to stderr, as the README says (fmt's default is stdout), in colour only on a
/// terminal (journald and log files get plain text); `RUST_LOG` overrides the default level.
fn init_logging() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info")),
        )
        .init();
}

/// The exit code of a command, its error printed with its causes.
fn finish<T, E: std::error::Error>(result: Result<T, E>, prefix: &str) -> ExitCode {
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{prefix}{}", Chain(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its sources, `: `-separated (what anyhow's `{:#}` prints).
struct Chain<'a>(&'a dyn std::error::Error);

impl Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}
