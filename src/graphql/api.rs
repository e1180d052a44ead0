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
//!
//! async-graphql validates every document on every request (a fifth of the smallest query's
//! GraphQL time). A query text that declares no variables and has passed validation once runs
//! on a second build of the same schema that skips the rules (`ValidationMode::Fast`): the
//! rules read nothing of a request but its document and, through variable references (which
//! such a document cannot have without failing them), its variables, so they cannot answer
//! differently the next time. Any other request is validated as before.

use super::codes::{assign, catching, panicked};
use super::context::{recorded_version, Allowance, Snapshot};
use super::limits::Gate;
use super::{nulls, paths, Author, Limits, Mutation, QueryRoot, Subscription};
use crate::curate::Curator;
use crate::store::{Deadline, Store, Work};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Data, Executor, Request, Response, Schema, ServerError, ValidationMode};
use futures_util::stream::{self, BoxStream, StreamExt};
use std::any::TypeId;
use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

/// dossier's GraphQL API over one store: run requests with [`DossierSchema::execute`] (HTTP,
/// tests) or as an [`Executor`] (the subscription socket). A cheap handle: clones share it.
#[derive(Clone)]
pub struct DossierSchema(Arc<Inner>);

struct Inner {
    schema: Schema<QueryRoot, Mutation, Subscription>,
    /// The same schema, without async-graphql's validation rules: for the texts in `validated`.
    unchecked: Schema<QueryRoot, Mutation, Subscription>,
    validated: Validated,
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
        let build = |mode| {
            let mut builder = Schema::build(QueryRoot::default(), Mutation, Subscription)
                // async-graphql measures the nesting again on the parsed document, expanding
                // every fragment spread: by then the gate has measured it (the same measure)
                // and bounded the expansion by the complexity.
                .limit_recursive_depth(limits.max_nesting)
                .validation_mode(mode);
            if let Some(c) = &curator {
                builder = builder.data(c.clone());
            }
            builder.finish()
        };
        DossierSchema(Arc::new(Inner {
            schema: build(ValidationMode::Strict),
            unchecked: build(ValidationMode::Fast),
            validated: Validated::default(),
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
        let inner = &*self.0;
        // Texts without variables are remembered once they pass validation (see the module).
        let fixed = p
            .doc
            .operations
            .iter()
            .all(|(_, op)| op.node.variable_definitions.is_empty());
        let passed = fixed && inner.validated.contains(&p.request.query);
        let response = if passed {
            catching(inner.unchecked.execute(p.request)).await
        } else if fixed {
            let query = p.request.query.clone();
            let response = catching(inner.schema.execute(p.request)).await;
            // Validation errors (and every other refusal) have no path; errors of fields do.
            if response.errors.iter().all(|e| !e.path.is_empty()) {
                inner.validated.keep(query);
            }
            response
        } else {
            catching(inner.schema.execute(p.request)).await
        };
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

/// Query texts without variables that have passed async-graphql's validation. Bounded as the
/// gate's document cache: at most [`VALIDATED_TEXTS`] texts of at most [`VALIDATED_BYTES`],
/// emptied when full (a text forgotten is validated again, once).
#[derive(Default)]
struct Validated(Mutex<HashSet<String, foldhash::fast::RandomState>>);

const VALIDATED_TEXTS: usize = 256;
const VALIDATED_BYTES: usize = 4 * 1024;

impl Validated {
    fn contains(&self, query: &str) -> bool {
        self.0.lock().is_ok_and(|set| set.contains(query))
    }

    fn keep(&self, query: String) {
        if query.len() > VALIDATED_BYTES {
            return;
        }
        let Ok(mut set) = self.0.lock() else { return };
        if set.len() >= VALIDATED_TEXTS {
            set.clear();
        }
        set.insert(query);
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

#[cfg(test)]
mod tests {
    use crate::graphql::build_schema;
    use crate::model::{Entity, EntityKind, Id};
    use crate::store::{GraphBuilder, Store};
    use async_graphql::{Request, Variables};
    use serde_json::{json, Value};

    #[tokio::test]
    async fn only_texts_without_variables_that_passed_validation_skip_it() {
        let mut b = GraphBuilder::new();
        let ann = Entity::new(Id::parse("ann").unwrap(), EntityKind::Person, "Ann");
        b.add_entity(ann).unwrap();
        let schema = build_schema(Store::new(b.build().unwrap()));
        let ask = |q: &str, vars: Value| {
            let schema = schema.clone();
            let request = Request::new(q).variables(Variables::from_json(vars));
            async move { serde_json::to_value(schema.execute(request).await).unwrap() }
        };
        let code = |v: &Value| v["errors"][0]["extensions"]["code"].clone();

        // Validated once, then remembered; the same answer either way.
        let fixed = r#"{ entity(id: "ann") { name } }"#;
        let first = ask(fixed, json!({})).await;
        assert_eq!(first["data"]["entity"]["name"], "Ann", "{first}");
        assert!(schema.0.validated.contains(fixed));
        assert_eq!(ask(fixed, json!({})).await, first);

        // A text that fails validation is refused each time and never remembered.
        let wrong = r#"{ entity(id: "ann") { nope } }"#;
        for _ in 0..2 {
            let v = ask(wrong, json!({})).await;
            assert_eq!(code(&v), "GRAPHQL_VALIDATION_FAILED", "{v}");
            assert!(!schema.0.validated.contains(wrong));
        }

        // A text with variables is validated on every request: a wrong value after a right one
        // is still refused by validation (nothing runs, no path), not by the field.
        let varied = "query($n: Int) { entities(first: $n) { nodes { id } } }";
        let v = ask(varied, json!({ "n": 1 })).await;
        assert_eq!(v["data"]["entities"]["nodes"][0]["id"], "ann", "{v}");
        assert!(!schema.0.validated.contains(varied));
        let v = ask(varied, json!({ "n": "many" })).await;
        assert_eq!(code(&v), "INVALID_INPUT", "{v}");
        assert!(v["data"].is_null(), "{v}");
        assert!(v["errors"][0].get("path").is_none(), "{v}");
    }
}
