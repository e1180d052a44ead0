//! How resolvers reach the graph: every request carries one snapshot, taken when it starts.

use super::error::ApiError;
use crate::store::{Deadline, Graph, Stopped, Store, Work};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Context, Request, ServerResult};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// The graph version a request runs on, in the request's data: the one current when it
/// started, then (in a mutation request) the version each write published, so a mutation's
/// answer shows what it wrote. Mutations run one after another, so each field sees one
/// version from its first sub-field to its last.
pub(crate) struct Snapshot {
    first: Arc<Graph>,
    written: AtomicBool,
    /// Versions published by this request's writes; kept until the request ends, so the
    /// references handed out stay valid.
    later: elsa::sync::FrozenVec<Arc<Graph>>,
    /// The last of `later`, shared (for work moved to another thread).
    latest: std::sync::Mutex<Option<Arc<Graph>>>,
}

impl Snapshot {
    /// A request's snapshot, starting at `graph`.
    pub(crate) fn new(graph: Arc<Graph>) -> Snapshot {
        Snapshot {
            first: graph,
            written: AtomicBool::new(false),
            later: elsa::sync::FrozenVec::new(),
            latest: std::sync::Mutex::new(None),
        }
    }

    /// The version this request reads now.
    pub(crate) fn current(&self) -> &Graph {
        if !self.written.load(Ordering::Acquire) {
            return &self.first;
        }
        let n = self.later.len();
        self.later.get(n - 1).expect("written once at least")
    }

    /// The version this request reads now, shared.
    pub(crate) fn current_arc(&self) -> Arc<Graph> {
        match &*self.latest.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(g) => g.clone(),
            None => self.first.clone(),
        }
    }

    /// The version a write of this request published: what its later fields read.
    pub(crate) fn advance(&self, graph: Arc<Graph>) {
        *self.latest.lock().unwrap_or_else(|p| p.into_inner()) = Some(graph.clone());
        self.later.push(graph);
        self.written.store(true, Ordering::Release);
    }
}

/// The graph of the running request.
pub(crate) fn graph<'a>(ctx: &Context<'a>) -> &'a Graph {
    ctx.data_unchecked::<Snapshot>().current()
}

/// The deadline of the running request's long work (none outside a server request).
pub(crate) fn deadline(ctx: &Context<'_>) -> Deadline {
    ctx.data_opt::<Deadline>().copied().unwrap_or_default()
}

/// The request's allowance for analyses (unlimited outside a server request).
pub(crate) fn work(ctx: &Context<'_>) -> Arc<Work> {
    ctx.data_opt::<Arc<Work>>()
        .cloned()
        .unwrap_or_else(|| Arc::new(Work::unlimited()))
}

/// The error for an analysis that stopped: `LIMIT_EXCEEDED` either way.
pub(crate) fn stopped(ctx: &Context<'_>, why: Stopped) -> ApiError {
    match why {
        Stopped::Expired => timed_out(ctx),
        Stopped::TooManyAnalyses { limit } => ApiError::LimitExceeded {
            argument: "analyses not cached yet in one query",
            limit: limit as i64,
            value: limit as i64 + 1,
        },
    }
}

/// The error for work stopped at the request's deadline.
pub(crate) fn timed_out(ctx: &Context<'_>) -> ApiError {
    let limit_ms = ctx
        .data_opt::<Arc<super::Limits>>()
        .map_or(0, |l| l.max_work.as_millis() as u64);
    ApiError::TimedOut { limit_ms }
}

/// Threads for CPU-bound work (paths, analytics), one a core: a query asking for many
/// analyses at once, or many such queries, queue here rather than each taking a thread of
/// tokio's blocking pool (up to 512) and all the cores with it. Work that waits past its
/// deadline stops at its first check.
static CPU: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Semaphore::new(cores)
});

/// Runs CPU-bound work on the request's snapshot in the blocking pool, at most one task a
/// core at a time (see [`CPU`]), so the async workers keep serving other requests meanwhile.
/// A panic in `work` is resumed here, where the error-code extension turns it into an
/// `INTERNAL` error.
pub(crate) async fn blocking<R: Send + 'static>(
    ctx: &Context<'_>,
    work: impl FnOnce(&Graph) -> R + Send + 'static,
) -> R {
    let _core = CPU.acquire().await.expect("the semaphore is never closed");
    let g = ctx.data_unchecked::<Snapshot>().current_arc();
    match tokio::task::spawn_blocking(move || work(&g)).await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("blocking work was cancelled: {e}"),
    }
}

/// Puts the store's current version into every request's data before it runs, so a query sees
/// one consistent graph from its first field to its last, whatever is written meanwhile.
pub(crate) struct Snapshots(pub Store);

impl ExtensionFactory for Snapshots {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SnapshotExtension(self.0.clone()))
    }
}

struct SnapshotExtension(Store);

#[async_trait::async_trait]
impl Extension for SnapshotExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let request = request.data(Snapshot::new(self.0.snapshot()));
        next.run(ctx, request).await
    }
}
