//! Gives every error in a response a stable `extensions.code`, whichever stage raised it.

use super::error::{code, execution_code, set_code, validation_code};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};
use std::sync::Arc;

/// The extension that assigns codes: `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`,
/// `INVALID_INPUT` for malformed argument values, and `INTERNAL` for anything unexpected.
pub(crate) struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for err in &mut response.errors {
            let c = execution_code(err);
            if c == code::INTERNAL {
                tracing::error!(message = %err.message, path = ?err.path, "internal error in a resolver");
            }
            set_code(err, c);
        }
        response
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
