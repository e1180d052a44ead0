//! A query string, executed in process against the small fixture graph with the default
//! limits. No panic (libfuzzer-sys aborts on any panic, even one the schema's safety net
//! would catch and turn into an `INTERNAL` error), and every error in the response, as JSON,
//! has an `extensions.code` other than `INTERNAL`. A query refused before it runs (no `data`)
//! is refused within 100 ms: the limits' checks are bounded by the size of the text, whatever
//! fragments it spreads.
#![no_main]

use dossier_fuzz::{check_graphql_response, fixture_schema, runtime, tally};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(query) = std::str::from_utf8(bytes) else {
        return;
    };
    let schema = fixture_schema();
    let started = std::time::Instant::now();
    let response = runtime().block_on(schema.execute(async_graphql::Request::new(query)));
    let took = started.elapsed();
    let json = serde_json::to_value(&response).expect("a response serializes to JSON");
    if json.get("data").is_none_or(|d| d.is_null()) {
        assert!(
            took < std::time::Duration::from_millis(100),
            "a query refused before running took {took:?}: {query:?}"
        );
    }
    check_graphql_response(&json, query);
    tally("graphql_query", json.get("errors").is_none());
});
