//! GraphQL errors with a stable `extensions.code`, so clients can branch on the kind of error
//! rather than on its message.

use async_graphql::{ErrorExtensions, ServerError, Value};

/// The stable error codes, as they appear in `extensions.code`.
pub mod code {
    /// An id names nothing.
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// An argument is malformed (an id, a date, a cursor) or out of its range.
    pub const INVALID_INPUT: &str = "INVALID_INPUT";
    /// An argument is over a limit; `extensions.limit` and `extensions.value` say which.
    pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";
    /// The query could not be parsed.
    pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    /// The query does not fit the schema.
    pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    /// A mutation requires a write token.
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    /// A change expected something that changed since (a revert of a record edited later).
    pub const CONFLICT: &str = "CONFLICT";
    /// Something went wrong in the server; the details are in its log, not in the answer.
    pub const INTERNAL: &str = "INTERNAL";
}

/// An error a resolver returns.
/// (Deliberately not `Display`: that keeps async-graphql's blanket conversion from taking
/// over, so `?` goes through [`ErrorExtensions`] and the code is never lost.)
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// An argument names an entity, relation or document that does not exist.
    NotFound {
        /// The argument at fault.
        argument: &'static str,
        /// "entity", "relation" or "document".
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// An argument is malformed.
    InvalidInput {
        /// The argument at fault.
        argument: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// The work took longer than the request's time budget.
    TimedOut {
        /// The budget, in milliseconds.
        limit_ms: u64,
    },
    /// A mutation without a valid write token, or on a server that takes no writes.
    Unauthenticated(String),
    /// A change expected something that changed since.
    Conflict(String),
    /// The server failed (the details are logged, not shown).
    Internal,
    /// An argument is over a limit.
    LimitExceeded {
        /// The argument at fault.
        argument: &'static str,
        /// The largest value allowed.
        limit: i64,
        /// The value given.
        value: i64,
    },
}

impl ApiError {
    /// An `INVALID_INPUT` error for `argument`.
    pub fn invalid(argument: impl Into<String>, message: impl ToString) -> ApiError {
        ApiError::InvalidInput {
            argument: argument.into(),
            message: message.to_string(),
        }
    }
}

impl ApiError {
    /// The message a client reads.
    pub fn message(&self) -> String {
        match self {
            ApiError::NotFound { argument, what, id } => {
                format!("{argument}: no {what} with id `{id}`")
            }
            ApiError::InvalidInput { argument, message } => format!("{argument}: {message}"),
            ApiError::TimedOut { limit_ms } => format!(
                "the query needed more than its {limit_ms} ms of work; narrow it (fewer kinds, a shorter maxLength, a smaller limit)"
            ),
            ApiError::LimitExceeded {
                argument,
                limit,
                value,
            } => {
                format!("{argument} is {value}, over the limit of {limit}")
            }
            ApiError::Unauthenticated(m) | ApiError::Conflict(m) => m.clone(),
            ApiError::Internal => "the server failed; the details are in its log".into(),
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(e: ApiError) -> Self {
        e.extend()
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.message()).extend_with(|_, ext| match self {
            ApiError::NotFound { argument, what, id } => {
                ext.set("code", code::NOT_FOUND);
                ext.set("argument", *argument);
                ext.set("kind", *what);
                ext.set("id", id.as_str());
            }
            ApiError::InvalidInput { argument, .. } => {
                ext.set("code", code::INVALID_INPUT);
                ext.set("argument", argument.as_str());
            }
            ApiError::TimedOut { limit_ms } => {
                ext.set("code", code::LIMIT_EXCEEDED);
                ext.set("measure", "time (ms)");
                ext.set("limit", *limit_ms);
            }
            ApiError::Unauthenticated(_) => ext.set("code", code::UNAUTHENTICATED),
            ApiError::Conflict(_) => ext.set("code", code::CONFLICT),
            ApiError::Internal => ext.set("code", code::INTERNAL),
            ApiError::LimitExceeded {
                argument,
                limit,
                value,
            } => {
                ext.set("code", code::LIMIT_EXCEEDED);
                ext.set("argument", *argument);
                ext.set("limit", *limit);
                ext.set("value", *value);
            }
        })
    }
}

/// Gives `err` the code `code` unless it has one already.
pub(crate) fn set_code(err: &mut ServerError, code: &'static str) {
    let ext = err.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", Value::from(code));
    }
}

/// The code an error already carries (set where it was raised), if it is one of ours.
pub(crate) fn given_code(err: &ServerError) -> Option<&'static str> {
    let given = match err.extensions.as_ref()?.get("code")? {
        Value::String(s) => s.as_str(),
        _ => return None,
    };
    [
        code::NOT_FOUND,
        code::INVALID_INPUT,
        code::LIMIT_EXCEEDED,
        code::PARSE_FAILED,
        code::VALIDATION_FAILED,
        code::UNAUTHENTICATED,
        code::CONFLICT,
        code::INTERNAL,
    ]
    .into_iter()
    .find(|c| *c == given)
}

/// The code for an error that has none by the time the response is complete.
///
/// One raised before any field ran (`executed` false: no data and no path). A request that names no operation
/// among several, or one that does not exist, or sends a subscription where only queries and
/// mutations run, is `INVALID_INPUT`; any other was found by validation, where a malformed
/// argument value (a bad `Date`, an unknown enum value) is `INVALID_INPUT` and anything else
/// `GRAPHQL_VALIDATION_FAILED`.
///
/// One raised by a field: the errors async-graphql raises while reading a
/// field's arguments (a value that failed to parse, a variable that was declared but not
/// given, a null for a required argument) are `INVALID_INPUT`; anything else is `INTERNAL`.
pub(crate) fn missing_code(err: &ServerError, executed: bool) -> &'static str {
    const UNRUNNABLE: &[&str] = &[
        "Operation name required",
        "Unknown operation named",
        "Subscriptions are not supported",
        "Invalid value for argument",
    ];
    const ARGUMENT_ERRORS: &[&str] = &[
        "Failed to parse",
        "Invalid value for argument",
        "Variable ",
        "Expected input type",
    ];
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| err.message.starts_with(p));
    match executed {
        false if starts(UNRUNNABLE) => code::INVALID_INPUT,
        false => code::VALIDATION_FAILED,
        true if starts(ARGUMENT_ERRORS) => code::INVALID_INPUT,
        true => code::INTERNAL,
    }
}
