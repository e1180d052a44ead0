//! The API: the schema, and the steps every request takes before and after it runs.
//!
//! Before: the query is held to the [`Limits`] (and parsed, or its document taken from the
//! cache), the request gets its graph version (the current one, or the one `recordedAsOf`
//! names) and its time and work allowances. After: failed fields become `null` where the spec
//! puts them, and every error gets its code. A panic while the request runs answers one
//! `INTERNAL` error.
//!
//! These steps wrap the schema rather than being async-graphql extensions: with any extension
//! installed, async-graphql sends every field through its slow path (a `ResolveInfo` and a
//! boxed hook chain per field, per list item), which cost a 100-entity page a microsecond an
//! entity and the smallest query a third of its time.

use super::codes::{assign, catching, panicked};
use super::context::{recorded_version, Allowance, Snapshot};
use super::limits::Gate;
use super::{nulls, paths, Author, Limits, Mutation, QueryRoot, Subscription};
use crate::curate::Curator;
use crate::store::{Deadline, Store, Work};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Data, Executor, Request, Response, Schema, ServerError};
use futures_util::stream::{self, BoxStream, StreamExt};
use std::any::TypeId;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// dossier's GraphQL API over one store: run requests with [`DossierSchema::execute`] (HTTP,
/// tests) or as an [`Executor`] (the subscription socket). A cheap handle: clones share it.
#[derive(Clone)]
pub struct DossierSchema(Arc<Inner>);

struct Inner {
    schema: Schema<QueryRoot, Mutation, Subscription>,
    store: Store,
    curator: Option<Arc<Curator>>,
    gate: Gate,
}

/// A request ready to run, and what the steps after it need.
struct Prepared {
    request: Request,
    doc: Arc<ExecutableDocument>,
    operation: Option<String>,
}

impl DossierSchema {
    /// The API over `store`, holding every query to `limits`; with a [`Curator`], mutations
    /// write through it (to requests that carry an [`Author`]).
    pub(crate) fn new(store: Store, limits: Limits, curator: Option<Arc<Curator>>) -> Self {
        let mut builder = Schema::build(QueryRoot::default(), Mutation, Subscription)
            // async-graphql measures the nesting again on the parsed document, expanding
            // every fragment spread: by then the gate has measured it (the same measure) and
            // bounded the expansion by the complexity.
            .limit_recursive_depth(limits.max_nesting);
        if let Some(c) = &curator {
            builder = builder.data(c.clone());
        }
        DossierSchema(Arc::new(Inner {
            schema: builder.finish(),
            store,
            curator,
            gate: Gate::new(limits),
        }))
    }

    /// Runs a query or a mutation.
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        let p = match self.prepare(request.into()).await {
            Ok(p) => p,
            Err(err) => return refused(err),
        };
        let response = catching(self.0.schema.execute(p.request)).await;
        finish(response, &p.doc, p.operation.as_deref())
    }

    /// Runs a subscription (or a query or a mutation, as a stream of one answer).
    pub fn execute_stream(
        &self,
        request: impl Into<Request>,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let this = self.clone();
        let request = request.into();
        stream::once(async move {
            let p = match this.prepare(request).await {
                Ok(p) => p,
                Err(err) => return stream::once(async move { refused(err) }).boxed(),
            };
            let (doc, operation) = (p.doc, p.operation);
            let session = session_data.unwrap_or_default();
            let answers = this
                .0
                .schema
                .execute_stream_with_session_data(p.request, session);
            AssertUnwindSafe(answers)
                .catch_unwind()
                .map(move |answer| match answer {
                    Ok(r) => finish(r, &doc, operation.as_deref()),
                    Err(panic) => refused(panicked(panic.as_ref())),
                })
                .boxed()
        })
        .flatten()
        .boxed()
    }

    /// Holds the request to the limits, and gives it its graph version, its allowances and
    /// its parsed document.
    async fn prepare(&self, mut request: Request) -> Result<Prepared, ServerError> {
        let inner = &*self.0;
        let writer = request.data.contains_key(&TypeId::of::<Author>());
        let doc = inner
            .gate
            .check(&request.query, &request.variables, writer)?;
        let operation = request.operation_name.clone();
        // One version from the request's first field to its last, whatever is written
        // meanwhile: the current one, or the one recorded at the moment `recordedAsOf` names.
        let snapshot = Snapshot::new(inner.store.snapshot());
        let recorded = recorded_version(
            &doc,
            &request.variables,
            operation.as_deref(),
            inner.curator.as_ref(),
        )
        .await?;
        if let Some(graph) = recorded {
            snapshot.advance(graph);
        }
        let limits = inner.gate.limits();
        let deadline = Deadline::after(limits.max_work);
        request = request.data(snapshot).data(Allowance {
            deadline,
            work: Arc::new(Work::new(deadline, limits.max_analyses)),
            max_work_ms: limits.max_work.as_millis() as u64,
        });
        request.set_parsed_query((*doc).clone());
        Ok(Prepared {
            request,
            doc,
            operation,
        })
    }
}

impl Executor for DossierSchema {
    async fn execute(&self, request: Request) -> Response {
        DossierSchema::execute(self, request).await
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        DossierSchema::execute_stream(self, request, session_data)
    }
}

/// The answer to a request refused before it ran.
fn refused(err: ServerError) -> Response {
    let mut response = Response::from_errors(vec![err]);
    assign(&mut response);
    response
}

/// The steps after a request ran: `null`s where fields failed, codes on errors.
fn finish(mut response: Response, doc: &ExecutableDocument, operation: Option<&str>) -> Response {
    if !response.errors.is_empty() {
        paths::locate(doc, operation, &mut response);
        nulls::apply(doc, operation, &mut response);
        assign(&mut response);
    }
    response
}
