//! `dossier serve`: loads the data and the imports, binds, serves until Ctrl-C or SIGTERM,
//! and reloads on SIGHUP.

use super::dataset::{self, Loaded};
use crate::config::{ServeArgs, ServeImportArgs};
use crate::curate::{replay, Curator, Replayed};
use crate::import::{self, Progress};
use crate::journal::{self, Journal};
use crate::load::LoadErrors;
use crate::server;
use crate::store::{Store, Version};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why the server did not start, or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data or an import has errors (each with its `file:line:column`).
    #[error(transparent)]
    Load(#[from] LoadErrors),
    /// The async runtime could not start.
    #[error("cannot start the async runtime")]
    Runtime(#[source] std::io::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The write tokens file could not be read.
    #[error("--write-tokens-file {0}")]
    Tokens(String),
    /// The journal could not be opened or read.
    #[error(transparent)]
    Journal(#[from] crate::journal::JournalError),
    /// The kept imports could not be added.
    #[error(transparent)]
    Kept(#[from] crate::journal::KeptError),
    /// Serving failed.
    #[error("serving failed")]
    Serve(#[source] std::io::Error),
}

/// Why a reload was refused; the graph served stays as it was.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The data or an import has errors.
    #[error(transparent)]
    Load(#[from] LoadErrors),
    /// The journal could not be read.
    #[error(transparent)]
    Journal(crate::journal::JournalError),
    /// The kept imports no longer fit the data.
    #[error(transparent)]
    Kept(crate::journal::KeptError),
    /// The new data holds no entity while the graph served has some.
    #[error(
        "{} now holds nothing to serve, which would remove all {serving} entities; if that is meant, restart the server",
        dir.display()
    )]
    WouldEmpty {
        /// The data directory.
        dir: PathBuf,
        /// How many entities are served now.
        serving: usize,
    },
}

/// Runs `dossier serve` until a shutdown signal. Logging must be set up by the caller.
pub fn run(args: ServeArgs) -> Result<(), ServeError> {
    let mut tokens = args.write_tokens.clone();
    if let Some(file) = &args.write_tokens_file {
        tokens.extend(crate::server::read_tokens_file(file).map_err(ServeError::Tokens)?);
    }
    // Load and validate everything; any error stops here, before binding.
    let graph = load_logged(&args.data, &args.imports, &*import::for_stderr())?;
    let (graph, journal) = open_journal(graph, &args.state, !tokens.is_empty())?;
    if graph.entity_count() == 0 {
        tracing::warn!(
            data = %args.data.display(),
            "serving an empty graph: the data directory holds no entities and nothing is imported"
        );
    }
    let store = Store::new(graph);
    let mut settings = args.limits.settings();
    settings.curator = server::Writer(journal.map(|j| Arc::new(Curator::new(store.clone(), j))));
    if !tokens.is_empty() {
        let names: Vec<&str> = tokens.iter().map(|t| t.name.as_str()).collect();
        tracing::info!(?names, state = %args.state.display(), "taking writes");
    }
    settings.write_tokens = tokens;
    tracing::info!(?settings, "limits");
    let runtime = tokio::runtime::Runtime::new().map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|source| ServeError::Bind {
                addr: args.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(ServeError::Serve)?;
        tracing::info!("serving on http://{addr}/ (playground), http://{addr}/graphql (API)");
        spawn_reload_on_hangup(
            store.clone(),
            settings.curator.0.clone(),
            args.data.clone(),
            args.imports.clone(),
        );
        server::serve_with(listener, store, &settings, shutdown_signal())
            .await
            .map_err(ServeError::Serve)?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// The journal in `state`, replayed over `graph`: opened when it exists, created when writes
/// are taken (`create`), else none (a read-only server without history).
fn open_journal(
    graph: Version,
    state: &Path,
    create: bool,
) -> Result<(Version, Option<Box<dyn Journal>>), ServeError> {
    if !create && !state.join(journal::FILE).exists() {
        return Ok((graph, None));
    }
    let j = journal::Sqlite::open(state)?;
    let kept = j.kept_imports()?;
    let graph = match kept.is_empty() {
        true => graph,
        false => Version::new(j.with_kept_imports(graph.into_graph())?),
    };
    if !kept.is_empty() {
        tracing::info!(
            imports = kept.len(),
            entities = graph.entity_count(),
            relations = graph.relation_count(),
            "kept imports loaded"
        );
    }
    let replayed = replay(graph, &j)?;
    log_replay(&replayed, state);
    Ok((replayed.graph, Some(Box::new(j))))
}

fn log_replay(replayed: &Replayed, state: &Path) {
    tracing::info!(
        state = %state.display(),
        changes = replayed.entries,
        skipped = replayed.skipped.len(),
        "journal replayed"
    );
    for s in &replayed.skipped {
        tracing::warn!(
            change = s.seq,
            "a change in the journal no longer applies over the data and is left out: {}",
            s.reason
        );
    }
}

/// Loads the data and the imports, logging what each held.
fn load_logged(
    data: &Path,
    imports: &ServeImportArgs,
    progress: &dyn Progress,
) -> Result<Version, LoadErrors> {
    let (
        graph,
        Loaded {
            data: d,
            imports: i,
        },
    ) = dataset::load(data, imports, progress)?;
    match d {
        Some(s) => tracing::info!(
            data = %data.display(),
            files = s.files,
            entities = s.entities,
            relations = s.relations,
            documents = s.documents,
            "data loaded"
        ),
        None => {
            tracing::info!(data = %data.display(), "no data directory: serving the imports alone")
        }
    }
    if let Some(s) = i {
        tracing::info!(
            files = s.files,
            entities = s.entities,
            relations = s.relations,
            documents = s.documents,
            related = s.related,
            fallbacks = s.fallbacks,
            "imports loaded"
        );
    }
    Ok(graph)
}

/// Reloads the data and the imports into `store`, unless they have errors or would empty a
/// graph that is not empty. Returns the new counts of entities and relations.
pub fn reload(
    store: &Store,
    data: &Path,
    imports: &ServeImportArgs,
) -> Result<(usize, usize), ReloadError> {
    reload_with(store, None, data, imports)
}

/// [`reload`], with the journal's changes made over the new data (no write runs meanwhile).
pub fn reload_with(
    store: &Store,
    curator: Option<&Curator>,
    data: &Path,
    imports: &ServeImportArgs,
) -> Result<(usize, usize), ReloadError> {
    let graph = load_logged(data, imports, &import::Silent)?;
    if let Some(c) = curator {
        let serving = store.snapshot().entity_count();
        return c.rebuild(|journal| {
            let replayed = replay(graph, journal).map_err(ReloadError::Journal)?;
            if replayed.graph.entity_count() == 0 && serving > 0 {
                return Err(ReloadError::WouldEmpty {
                    dir: data.to_owned(),
                    serving,
                });
            }
            log_replay(&replayed, Path::new("state"));
            let counts = (
                replayed.graph.entity_count(),
                replayed.graph.relation_count(),
            );
            Ok((replayed.graph, counts))
        });
    }
    let serving = store.snapshot().entity_count();
    if graph.entity_count() == 0 && serving > 0 {
        return Err(ReloadError::WouldEmpty {
            dir: data.to_owned(),
            serving,
        });
    }
    let counts = (graph.entity_count(), graph.relation_count());
    store.replace(graph);
    Ok(counts)
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
    tracing::info!("shutting down: closing idle connections, finishing requests in flight");
}

/// On SIGHUP, reloads the data directory (and the imports, if any); data with errors, or
/// data that would empty the graph, is refused at WARN and the graph served stays as it was.
fn spawn_reload_on_hangup(
    store: Store,
    curator: Option<Arc<Curator>>,
    dir: PathBuf,
    imports: ServeImportArgs,
) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hup.recv().await.is_some() {
            let (s, c, d, i) = (store.clone(), curator.clone(), dir.clone(), imports.clone());
            match tokio::task::spawn_blocking(move || reload_with(&s, c.as_deref(), &d, &i)).await {
                Ok(Ok((entities, relations))) => tracing::info!(
                    entities,
                    relations,
                    version = store.snapshot().version(),
                    "data reloaded"
                ),
                Ok(Err(e)) => {
                    tracing::warn!("reload refused, still serving the previous data:\n{e}")
                }
                Err(e) => tracing::error!("reload failed: {e}"),
            }
        }
    });
    #[cfg(not(unix))]
    let _ = (store, curator, dir, imports);
}
