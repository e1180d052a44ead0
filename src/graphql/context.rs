//! How resolvers reach the graph: every request carries one snapshot, taken when it starts.

use crate::store::{Deadline, Graph, Store};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Context, Request, ServerResult};
use std::sync::Arc;

/// The graph version a request runs on, in the request's data.
pub(crate) struct Snapshot(pub Arc<Graph>);

/// The graph of the running request.
pub(crate) fn graph<'a>(ctx: &Context<'a>) -> &'a Graph {
    &ctx.data_unchecked::<Snapshot>().0
}

/// The deadline of the running request's long work (none outside a server request).
pub(crate) fn deadline(ctx: &Context<'_>) -> Deadline {
    ctx.data_opt::<Deadline>().copied().unwrap_or_default()
}

/// Runs CPU-bound work on the request's snapshot in the blocking pool, so the async workers
/// keep serving other requests meanwhile. A panic in `work` is resumed here, where the
/// error-code extension turns it into an `INTERNAL` error.
pub(crate) async fn blocking<R: Send + 'static>(
    ctx: &Context<'_>,
    work: impl FnOnce(&Graph) -> R + Send + 'static,
) -> R {
    let g = ctx.data_unchecked::<Snapshot>().0.clone();
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
        let request = request.data(Snapshot(self.0.snapshot()));
        next.run(ctx, request).await
    }
}
