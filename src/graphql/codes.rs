//! Gives every error in a response a stable `extensions.code`, whichever stage raised it, and
//! turns a panic while a request runs into an `INTERNAL` error.

use super::error::{code, given_code, missing_code, set_code};
use async_graphql::{Response, ServerError};
use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// Gives each error of a finished response its code: the one it was raised with, else one
/// from where it was raised (see [`missing_code`]). Logs each: the server's own faults at
/// ERROR, a client's mistakes at DEBUG.
pub(crate) fn assign(response: &mut Response) {
    let no_data = response.data == async_graphql::Value::Null;
    for err in &mut response.errors {
        let executed = !no_data || !err.path.is_empty();
        let c = given_code(err).unwrap_or_else(|| missing_code(err, executed));
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
}

/// The answer of `run`, or, if it panics, one `INTERNAL` error for the whole request, with the
/// panic's message logged and not shown: the client sees no internals and the server keeps
/// serving. (Caught around the request rather than around each field: a hook around each
/// field would send every field through async-graphql's slow path.)
pub(crate) async fn catching(run: impl Future<Output = Response>) -> Response {
    match AssertUnwindSafe(run).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => Response::from_errors(vec![panicked(panic.as_ref())]),
    }
}

/// The error for a panic, which is logged.
pub(crate) fn panicked(panic: &(dyn std::any::Any + Send)) -> ServerError {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %what, "a resolver panicked");
    let mut err = ServerError::new(
        "internal error: the server could not answer this request; the details are in its log",
        None,
    );
    set_code(&mut err, code::INTERNAL);
    err
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
        let schema = Schema::new(Panicky, EmptyMutation, EmptySubscription);
        let mut r = catching(schema.execute("{ fine boom }")).await;
        assign(&mut r);
        let r = serde_json::to_value(r).unwrap();
        assert_eq!(r["errors"][0]["extensions"]["code"], "INTERNAL");
        assert!(r["data"].is_null(), "{r}");
        let msg = r["errors"][0]["message"].as_str().unwrap();
        assert!(!msg.contains("secret") && !msg.contains("/home"), "{msg}");
        let r = serde_json::to_value(catching(schema.execute("{ fine }")).await).unwrap();
        assert_eq!(r["data"]["fine"], 1);
    }
}
