//! How resolvers reach the graph: every request carries one snapshot, taken when it starts
//! (by the API, see `api`).

use super::error::ApiError;
use crate::curate::Curator;
use crate::store::{Deadline, Stopped, Version, Work};
use async_graphql::parser::types::{ExecutableDocument, Field, Selection};
use async_graphql::{Context, ServerError, ServerResult, Variables};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// The graph version a request runs on, in the request's data: the one current when it
/// started, then (in a mutation request) the version each write published, so a mutation's
/// answer shows what it wrote. Mutations run one after another, so each field sees one
/// version from its first sub-field to its last.
pub(crate) struct Snapshot {
    first: Arc<Version>,
    written: AtomicBool,
    /// Versions published by this request's writes; kept until the request ends, so the
    /// references handed out stay valid.
    later: elsa::sync::FrozenVec<Arc<Version>>,
    /// The last of `later`, shared (for work moved to another thread).
    latest: std::sync::Mutex<Option<Arc<Version>>>,
}

impl Snapshot {
    /// A request's snapshot, starting at `graph`.
    pub(crate) fn new(graph: Arc<Version>) -> Snapshot {
        Snapshot {
            first: graph,
            written: AtomicBool::new(false),
            later: elsa::sync::FrozenVec::new(),
            latest: std::sync::Mutex::new(None),
        }
    }

    /// The version this request reads now.
    pub(crate) fn current(&self) -> &Version {
        if !self.written.load(Ordering::Acquire) {
            return &self.first;
        }
        let n = self.later.len();
        self.later.get(n - 1).expect("written once at least")
    }

    /// The version this request reads now, shared.
    pub(crate) fn current_arc(&self) -> Arc<Version> {
        match &*self.latest.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(g) => g.clone(),
            None => self.first.clone(),
        }
    }

    /// The version a write of this request published: what its later fields read.
    pub(crate) fn advance(&self, graph: Arc<Version>) {
        *self.latest.lock().unwrap_or_else(|p| p.into_inner()) = Some(graph.clone());
        self.later.push(graph);
        self.written.store(true, Ordering::Release);
    }
}

/// The graph of the running request.
pub(crate) fn graph<'a>(ctx: &Context<'a>) -> &'a Version {
    ctx.data_unchecked::<Snapshot>().current()
}

/// What a request's long work may take, in the request's data (one value for the three, so a
/// request carries one entry rather than three).
pub(crate) struct Allowance {
    /// When its CPU-bound work stops.
    pub(crate) deadline: Deadline,
    /// Its analyses (a ranking, components, communities) not cached yet.
    pub(crate) work: Arc<Work>,
    /// The time its work may take, for the message when it stops (`max_work`).
    pub(crate) max_work_ms: u64,
}

/// The deadline of the running request's long work (none outside a server request).
pub(crate) fn deadline(ctx: &Context<'_>) -> Deadline {
    ctx.data_opt::<Allowance>()
        .map(|a| a.deadline)
        .unwrap_or_default()
}

/// The request's allowance for analyses (unlimited outside a server request).
pub(crate) fn work(ctx: &Context<'_>) -> Arc<Work> {
    ctx.data_opt::<Allowance>()
        .map(|a| a.work.clone())
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
    let limit_ms = ctx.data_opt::<Allowance>().map_or(0, |a| a.max_work_ms);
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
/// A panic in `work` is resumed here, and the request answers `INTERNAL` (see `codes`).
pub(crate) async fn blocking<R: Send + 'static>(
    ctx: &Context<'_>,
    work: impl FnOnce(&Version) -> R + Send + 'static,
) -> R {
    let _core = CPU.acquire().await.expect("the semaphore is never closed");
    let g = ctx.data_unchecked::<Snapshot>().current_arc();
    match tokio::task::spawn_blocking(move || work(&g)).await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("blocking work was cancelled: {e}"),
    }
}

/// The root field that reads the graph as recorded at an earlier moment.
const RECORDED_AS_OF: &str = "recordedAsOf";

/// The moment `recordedAsOf(at:)` asks for, when it is a root field of the operation run: it
/// must then be the only one.
fn recorded_at(
    doc: &ExecutableDocument,
    variables: &Variables,
    operation: Option<&str>,
) -> ServerResult<Option<i64>> {
    let op = match operation {
        Some(name) => doc
            .operations
            .iter()
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None => doc.operations.iter().next(),
    };
    let Some((_, op)) = op else {
        return Ok(None);
    };
    let roots: Vec<&Field> = (op.node.selection_set.node.items.iter())
        .filter_map(|s| match &s.node {
            Selection::Field(f) => Some(&f.node),
            _ => None,
        })
        .collect();
    let Some(field) = roots
        .iter()
        .find(|f| f.name.node.as_str() == RECORDED_AS_OF)
    else {
        return Ok(None);
    };
    if roots.len() > 1 || roots.len() != op.node.selection_set.node.items.len() {
        return Err(invalid(
            "recordedAsOf must be the only root field of its request: ask everything inside it",
        ));
    }
    let Some(at) = field.get_argument("at") else {
        return Ok(None);
    };
    let value = at.node.clone().into_const_with(|name| {
        variables
            .get(&name)
            .cloned()
            .ok_or_else(|| invalid(&format!("variable `${name}` is not given")))
    })?;
    match <super::curation::DateTime as async_graphql::InputType>::parse(Some(value)) {
        Ok(t) => Ok(Some(t.0)),
        Err(e) => Err(invalid(&format!(
            "at: {}",
            e.into_server_error(at.pos).message
        ))),
    }
}

fn invalid(message: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    super::error::set_code(&mut e, super::error::code::INVALID_INPUT);
    e
}

/// The version a request must read instead of the current one: that recorded at the moment
/// `recordedAsOf(at:)` names, when it is a root field of the operation run (and then the only
/// one), on a server with a journal. Chosen before the request runs, so that every field of it
/// reads that version.
pub(crate) async fn recorded_version(
    doc: &ExecutableDocument,
    variables: &Variables,
    operation: Option<&str>,
    curator: Option<&Arc<Curator>>,
) -> ServerResult<Option<Arc<Version>>> {
    let Some(at_us) = recorded_at(doc, variables, operation)? else {
        return Ok(None);
    };
    let Some(curator) = curator.cloned() else {
        return Ok(None);
    };
    let recorded = tokio::task::spawn_blocking(move || curator.recorded_as_of(at_us))
        .await
        .map_err(|e| ServerError::new(format!("recordedAsOf failed: {e}"), None))?;
    match recorded {
        Ok(graph) => Ok(Some(graph)),
        Err(e) => {
            let mut err = ServerError::new(format!("recordedAsOf: {e}"), None);
            super::error::set_code(&mut err, super::error::code::CONFLICT);
            Err(err)
        }
    }
}
