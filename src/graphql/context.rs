//! How resolvers reach the graph: every request carries one snapshot, taken when it starts.

use crate::store::{Graph, Store};
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
