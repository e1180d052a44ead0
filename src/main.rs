//! The `dossier` binary: parse the command line, set up logging, load, serve.

use anyhow::Context;
use clap::Parser;
use dossier::config::{
    Cli, Command, ExportArgs, GenerateArgs, ImportArgs, ServeArgs, ServeImportArgs,
};
use dossier::import::{self, Mapping};
use dossier::{graphql, load, server, store::Store};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            print!("{}", graphql::sdl());
            ExitCode::SUCCESS
        }
        Command::Check(args) => match load::load_dir(&args.dir) {
            Ok((_, s)) => {
                println!(
                    "{}: ok — {} files, {} documents, {} entities, {} relations",
                    args.dir.display(),
                    s.files,
                    s.documents,
                    s.entities,
                    s.relations
                );
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprintln!("{errors}");
                ExitCode::FAILURE
            }
        },
        Command::Export(args) => match export(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Import(args) => match import(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Generate(args) => match generate(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Serve(args) => match serve(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // 1. Logs, to stderr as the README says (fmt's default is stdout): RUST_LOG overrides the
    //    default level.
    // Colours only on a terminal: journald and log files get plain text.
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info")),
        )
        .init();
    if !args.write_tokens.is_empty() {
        tracing::warn!(
            "--write-tokens is set, but this version serves no mutations: the API is read-only"
        );
    }
    // 2. Load and validate the data, then the imports into the same graph; any error stops
    //    here, before binding.
    let graph = load_all(&args.data, &args.imports)?;
    if graph.entity_count() == 0 {
        tracing::warn!(
            data = %args.data.display(),
            "serving an empty graph: the data directory holds no entities and nothing is imported"
        );
    }
    let store = Store::new(graph);
    let settings = args.limits.settings();
    tracing::info!(?settings, "limits");
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        // 4. Bind, then serve until Ctrl-C or SIGTERM; SIGHUP reloads the data (and imports).
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        tracing::info!("serving on http://{addr}/ (playground), http://{addr}/graphql (API)");
        spawn_reload_on_hangup(store.clone(), args.data.clone(), args.imports.clone());
        server::serve_with(listener, store, &settings, shutdown_signal()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// The data directory, then the imports. With imports, an absent data directory is no error
/// (the imports are served alone); without, it is.
fn load_all(
    data: &std::path::Path,
    imports: &ServeImportArgs,
) -> anyhow::Result<dossier::store::Graph> {
    if !imports.paths.is_empty() && !data.exists() {
        tracing::info!(data = %data.display(), "no data directory: serving the imports alone");
        return import_at_start(&dossier::store::Graph::default(), imports);
    }
    let (graph, summary) = load::load_dir(data).map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(
        data = %data.display(),
        files = summary.files,
        entities = summary.entities,
        relations = summary.relations,
        documents = summary.documents,
        "data loaded"
    );
    if imports.paths.is_empty() {
        return Ok(graph);
    }
    import_at_start(&graph, imports)
}

/// Adds `dossier serve --import` datasets to the loaded data, logging what they held.
fn import_at_start(
    graph: &dossier::store::Graph,
    args: &ServeImportArgs,
) -> anyhow::Result<dossier::store::Graph> {
    let sources = args.sources().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mapping = mapping(args.import_mapping.as_deref())?;
    let progress = import::for_stderr();
    let (graph, s) = import::import_onto(graph, &sources, &mapping, &*progress)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(
        files = s.files,
        entities = s.entities,
        relations = s.relations,
        documents = s.documents,
        related = s.related,
        fallbacks = s.fallbacks,
        "imports loaded"
    );
    Ok(graph)
}

fn mapping(path: Option<&std::path::Path>) -> anyhow::Result<Mapping> {
    match path {
        Some(p) => Mapping::load(p).map_err(|e| anyhow::anyhow!("{e}")),
        None => Ok(Mapping::default()),
    }
}

/// `dossier generate`: writes a synthetic graph as CSV tables and says what it wrote.
fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let spec = dossier::generate::Spec {
        entities: args.entities,
        relations: args.relations,
        seed: args.seed,
    };
    let w = dossier::generate::generate(&spec, &args.output)
        .with_context(|| format!("writing {}", args.output.display()))?;
    println!(
        "wrote {}: {} documents, {} entities, {} relations, {:.1} MiB in {:.2} s",
        args.output.display(),
        w.documents,
        w.entities,
        w.relations,
        w.bytes as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `dossier import`: validates and loads the datasets in memory (a dry run), then prints what
/// they hold, the time taken and the peak memory.
fn import(args: ImportArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let sources = args.sources().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mapping = mapping(args.mapping.as_deref())?;
    let progress = import::for_stderr();
    let (graph, s) =
        import::load_with_imports(args.data.as_deref(), &sources, &mapping, &*progress)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("ok: {s}");
    println!(
        "graph: {} entities, {} relations, {} documents{}",
        graph.entity_count(),
        graph.relation_count(),
        graph.document_count(),
        args.data
            .as_ref()
            .map_or(String::new(), |d| format!(" (with {})", d.display()))
    );
    let peak = peak_memory_kib().map_or("unknown".into(), |k| format!("{} MiB", k / 1024));
    println!(
        "took {:.2} s, peak memory {peak}; a dry run: nothing was kept (serve it with `dossier serve --import`)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The process's peak resident memory (`VmHWM` in `/proc/self/status`), in KiB, where known.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Loads the data and the imports, selects the subgraph and writes it to `--output` or
/// standard output (see `dossier::cli::export`).
fn export(args: ExportArgs) -> anyhow::Result<()> {
    let written = dossier::cli::export::run(&args, &*import::for_stderr())?;
    if let Some(cut) = written.cut {
        eprintln!("warning: --limit cut the export short: {}", cut.note());
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// On SIGHUP, reloads the data directory (and the imports, if any); data with errors is
/// refused and the graph served stays as it was.
fn spawn_reload_on_hangup(store: Store, dir: std::path::PathBuf, imports: ServeImportArgs) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hup.recv().await.is_some() {
            let d = dir.clone();
            let s = store.clone();
            let imports = imports.clone();
            let reload = move || -> anyhow::Result<(usize, usize)> {
                let graph = load_all(&d, &imports)?;
                let serving = s.snapshot().entity_count();
                if graph.entity_count() == 0 && serving > 0 {
                    anyhow::bail!(
                        "{} now holds nothing to serve, which would remove all {serving} entities; \
                         if that is meant, restart the server",
                        d.display()
                    );
                }
                let counts = (graph.entity_count(), graph.relation_count());
                s.replace(graph);
                Ok(counts)
            };
            match tokio::task::spawn_blocking(reload).await {
                Ok(Ok((entities, relations))) => {
                    tracing::info!(
                        entities,
                        relations,
                        version = store.snapshot().version(),
                        "data reloaded"
                    )
                }
                Ok(Err(errors)) => {
                    tracing::warn!("reload refused, still serving the previous data:\n{errors:#}")
                }
                Err(e) => tracing::error!("reload failed: {e}"),
            }
        }
    });
}
