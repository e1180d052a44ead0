//! Gives every error in a response a stable `extensions.code`, whichever stage raised it.

use super::error::{code, execution_code, given_code, set_code, validation_code};
use super::nulls::{segments, Nulls};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextResolve,
    NextValidation, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::Value;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// The extension that assigns codes: `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`,
/// `INVALID_INPUT` for malformed argument values, and `INTERNAL` for anything unexpected.
pub(crate) struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CodesExtension::default())
    }
}

/// The extension of one request: it also puts the `null`s of failed fields where the spec
/// says (see `nulls`).
#[derive(Default)]
struct CodesExtension {
    nulls: Nulls,
}

#[async_trait::async_trait]
impl Extension for CodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        self.nulls.apply(&mut response);
        for err in &mut response.errors {
            let c = given_code(err).unwrap_or_else(|| execution_code(err));
            // Only the server's own faults are errors in its log: a client's mistake (an
            // unknown id, a limit) is logged at DEBUG, so no client can flood the error log
            // and hide the real bugs.
            if c == code::INTERNAL {
                tracing::error!(message = %err.message, path = ?err.path, "internal error in a resolver");
            } else {
                tracing::debug!(code = c, message = %err.message, path = ?err.path, "client error");
            }
            set_code(err, c);
        }
        response
    }

    /// A panic in a resolver becomes an `INTERNAL` error for that field, logged with its
    /// message; the client sees no internals and the server keeps serving.
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // Only what the panic branch needs is kept; the path is formatted there, not on
        // every field of every answer (formatting it eagerly cost 10% of a 100-entity page).
        let path_node = info.path_node;
        let return_type = info.return_type;
        let pos = info.field.name.pos;
        match AssertUnwindSafe(next.run(ctx, info)).catch_unwind().await {
            Ok(Ok(value)) => {
                if self.nulls.any() {
                    self.nulls.completed(segments(path_node), return_type);
                }
                Ok(value)
            }
            Ok(Err(mut err)) => {
                self.nulls
                    .failed(segments(path_node), return_type, &mut err);
                Err(err)
            }
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!(field = %path_node, panic = %what, "a resolver panicked");
                let mut err = ServerError::new("internal error: the server could not resolve this field; the details are in its log", Some(pos));
                set_code(&mut err, code::INTERNAL);
                self.nulls
                    .failed(segments(path_node), return_type, &mut err);
                Err(err)
            }
        }
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|mut e| {
            set_code(&mut e, code::PARSE_FAILED);
            e
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            for e in &mut errors {
                let c = validation_code(e);
                set_code(e, c);
            }
            errors
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    struct Panicky;

    #[Object]
    impl Panicky {
        async fn fine(&self) -> i32 {
            1
        }
        #[allow(unreachable_code, clippy::diverging_sub_expression)]
        async fn boom(&self) -> i32 {
            panic!("secret internal detail at /home/x/src/file.rs")
        }
    }

    #[tokio::test]
    async fn a_panicking_resolver_becomes_an_internal_error_without_details() {
        let schema = Schema::build(Panicky, EmptyMutation, EmptySubscription)
            .extension(ErrorCodes)
            .finish();
        let r = serde_json::to_value(schema.execute("{ fine boom }").await).unwrap();
        assert_eq!(r["errors"][0]["extensions"]["code"], "INTERNAL");
        assert_eq!(r["errors"][0]["path"], serde_json::json!(["boom"]));
        let msg = r["errors"][0]["message"].as_str().unwrap();
        assert!(!msg.contains("secret") && !msg.contains("/home"), "{msg}");
        let r = serde_json::to_value(schema.execute("{ fine }").await).unwrap();
        assert_eq!(r["data"]["fine"], 1);
    }
}
