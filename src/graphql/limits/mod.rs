//! Query limits: what one request may ask of the server, checked before anything runs (by
//! [`Gate`], which the API calls before the schema sees the request).
//!
//! Refusals are `LIMIT_EXCEEDED` errors naming the limit (`extensions.limit`), the value found
//! (`extensions.value`) and what was measured (`extensions.measure`). Introspection queries
//! (the playground's schema fetch) are held to their own, looser depth and complexity limits.
//!
//! `cost.rs` counts the complexity; `shape.rs` measures everything else about the text.

mod cost;
mod shape;

use super::error::{code, set_code};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Pos, ServerError, ServerResult, Value, Variables};
use cost::{Cost, Uncountable};
use shape::{
    check_value_sizes, count_selection_set, cycle, field_depth, fragment_nesting, root_fields,
    text_nesting, Counts,
};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The limits a query is held to. Every one is configurable (see `config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Deepest field nesting.
    pub max_depth: usize,
    /// Highest complexity: each field costs 1, and list fields multiply what is under them by
    /// the number of items they may return (`first`, `limit`, taken at most at their own
    /// maximum: an argument over its maximum is refused by its field, with its own message).
    pub max_complexity: usize,
    /// Most aliased fields in a query (1,000 aliases of one expensive field is an attack).
    pub max_aliases: usize,
    /// Most fields at the root of the operation.
    pub max_root_fields: usize,
    /// Most directives in a query.
    pub max_directives: usize,
    /// Deepest nesting of braces, brackets and parentheses in the query text (checked before
    /// parsing, so that no crafted text can exhaust the parser's stack).
    pub max_nesting: usize,
    /// Longest list in an argument or a variable.
    pub max_list: usize,
    /// Longest string in an argument or a variable, in bytes.
    pub max_string: usize,
    /// Deepest nesting for introspection queries (the playground's is 13 levels).
    pub introspection_max_depth: usize,
    /// Highest complexity for introspection queries.
    pub introspection_max_complexity: usize,
    /// How long the CPU-bound work of one request (paths, analytics) may run before it stops
    /// with `LIMIT_EXCEEDED`.
    pub max_work: Duration,
    /// Most network analyses (a ranking, components or communities over one set of relation
    /// kinds) one query may compute; those already computed for the same graph version are
    /// cached and free.
    pub max_analyses: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 12,
            max_complexity: 50_000,
            max_aliases: 30,
            max_root_fields: 20,
            max_directives: 20,
            max_nesting: 32,
            max_list: 100,
            max_string: 1024,
            introspection_max_depth: 20,
            introspection_max_complexity: 100_000,
            max_work: Duration::from_secs(5),
            max_analyses: 4,
        }
    }
}

/// A `LIMIT_EXCEEDED` error.
pub(crate) fn exceeded(measure: &str, limit: usize, value: usize, pos: Option<Pos>) -> ServerError {
    let mut e = ServerError::new(
        format!("the query's {measure} is {value}, over the limit of {limit}"),
        pos,
    );
    let ext = e.extensions.get_or_insert_with(Default::default);
    ext.set("code", code::LIMIT_EXCEEDED);
    ext.set("measure", measure);
    ext.set("limit", limit as u64);
    ext.set("value", value as u64);
    e
}

/// The most documents [`Documents`] keeps.
const CACHED_DOCUMENTS: usize = 256;
/// The longest query text [`Documents`] keeps the document of, in bytes.
const CACHED_QUERY_BYTES: usize = 4 * 1024;

/// Parsed documents by query text, for the queries that passed the limits: clients send the
/// same few query texts over and over (with different variables), and parsing was the largest
/// single cost of a small query (a fifth of the server's time for `entity(id){name}`);
/// cloning the parsed document instead took that query from 57 to 32 µs of server time in
/// `bench/http.sh`. Bounded: at most [`CACHED_DOCUMENTS`] texts of at most
/// [`CACHED_QUERY_BYTES`]; when full it is emptied, so a client sending ever new texts costs
/// the others one parse each per refill, no more. (Hashed with a randomly seeded foldhash: the
/// keys are clients' texts, and SipHash of the text was a visible part of a small query.)
///
/// Each document also remembers whether it passed every check as a plain request (no
/// variables, no write token): the checks read only the text, the variables and the limits,
/// so the same text sent plainly again passes them again, and is let through unmeasured.
#[derive(Default)]
struct Documents(Mutex<HashMap<String, Cached, foldhash::fast::RandomState>>);

/// A parsed document, and whether it passed the checks as a plain request.
#[derive(Clone)]
struct Cached {
    doc: Arc<ExecutableDocument>,
    plain: bool,
}

impl Documents {
    fn get(&self, query: &str) -> Option<Cached> {
        self.0.lock().ok()?.get(query).cloned()
    }

    /// Keeps `doc` as the document of `query`; `plain`: it passed as a plain request (an
    /// entry that passed plainly before stays so).
    fn keep(&self, query: &str, doc: &Arc<ExecutableDocument>, plain: bool) {
        if query.len() > CACHED_QUERY_BYTES {
            return;
        }
        let Ok(mut map) = self.0.lock() else { return };
        if let Some(entry) = map.get_mut(query) {
            entry.plain |= plain;
            return;
        }
        if map.len() >= CACHED_DOCUMENTS {
            map.clear();
        }
        let doc = doc.clone();
        map.insert(query.to_owned(), Cached { doc, plain });
    }
}

/// Holds every request to [`Limits`] before it runs: the text, the variables and the parsed
/// document are measured here, and the document is handed to the schema already parsed.
pub(crate) struct Gate {
    limits: Arc<Limits>,
    /// Shared by every request of the schema.
    documents: Documents,
}

impl Gate {
    pub(crate) fn new(limits: Limits) -> Gate {
        Gate {
            limits: Arc::new(limits),
            documents: Documents::default(),
        }
    }

    /// The limits.
    pub(crate) fn limits(&self) -> &Arc<Limits> {
        &self.limits
    }

    /// Parses `query` (or takes its document from the cache, shared) and checks it and
    /// `variables` against the limits. `writer`: the request carries a write token, whose mutations may
    /// carry a document's text: strings are then held to the mutations' own limits instead
    /// (still within the body limit). Errors carry their code (`GRAPHQL_PARSE_FAILED`,
    /// `LIMIT_EXCEEDED`, `GRAPHQL_VALIDATION_FAILED` for a fragment cycle).
    pub(crate) fn check(
        &self,
        query: &str,
        variables: &Variables,
        writer: bool,
    ) -> ServerResult<Arc<ExecutableDocument>> {
        let relaxed;
        let l = if writer {
            relaxed = Limits {
                max_string: crate::curate::operations::MAX_DOCUMENT_TEXT,
                ..(*self.limits).clone()
            };
            &relaxed
        } else {
            &self.limits
        };
        let plain = !writer && variables.is_empty();
        // A text parsed before is not parsed again; every check below still runs, on the
        // variables of this request, unless the text passed them all as a plain request
        // before and this one is plain too (the same text and limits, the same answer).
        let cached = self.documents.get(query);
        if let Some(Cached { doc, plain: true }) = &cached {
            if plain {
                return Ok(doc.clone());
            }
        }
        let nesting = text_nesting(query);
        if nesting > l.max_nesting {
            return Err(exceeded("nesting", l.max_nesting, nesting, None));
        }
        if !variables.is_empty() {
            check_value_sizes(
                &Value::Object(
                    variables
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                l,
                "the variables",
            )?;
        }
        let hit = cached.is_some();
        let doc = match cached {
            Some(cached) => cached.doc,
            None => Arc::new(async_graphql::parser::parse_query(query).map_err(|e| {
                let mut e = ServerError::from(e);
                set_code(&mut e, code::PARSE_FAILED);
                e
            })?),
        };
        // async-graphql's own measure of nesting (`limit_recursive_depth`, set to
        // `max_nesting`) expands every fragment spread, which takes time exponential in a 1 KB
        // text of fragments that spread each other twice: it is measured here first, once per
        // fragment, and the complexity below (which counts every spread field) bounds what
        // async-graphql's walk then visits.
        fragment_nesting(&doc, l.max_nesting)?;
        let mut counts = Counts::default();
        for (_, op) in doc.operations.iter() {
            count_selection_set(&op.node.selection_set, &mut counts, l)?;
        }
        for frag in doc.fragments.values() {
            count_selection_set(&frag.node.selection_set, &mut counts, l)?;
        }
        if counts.aliases > l.max_aliases {
            return Err(exceeded(
                "number of aliases",
                l.max_aliases,
                counts.aliases,
                None,
            ));
        }
        if counts.directives > l.max_directives {
            return Err(exceeded(
                "number of directives",
                l.max_directives,
                counts.directives,
                None,
            ));
        }
        let mut introspection_only = true;
        let mut complexity = 0usize;
        for (_, op) in doc.operations.iter() {
            let limit = l.max_complexity.max(l.introspection_max_complexity);
            let counted = Cost::new(&doc, variables, limit).set(&op.node.selection_set, 0, 1);
            let c = counted.map_err(|Uncountable::Cycle(name)| cycle(&name))?;
            complexity = complexity.max(c);
            let mut roots = Vec::new();
            root_fields(
                &doc,
                &op.node.selection_set,
                &mut roots,
                &mut HashSet::new(),
            );
            if roots.len() > l.max_root_fields {
                return Err(exceeded(
                    "number of root fields",
                    l.max_root_fields,
                    roots.len(),
                    Some(op.pos),
                ));
            }
            introspection_only &= roots.iter().all(|name| name.starts_with("__"));
        }
        let (max_complexity, max_depth) = if introspection_only {
            (l.introspection_max_complexity, l.introspection_max_depth)
        } else {
            (l.max_complexity, l.max_depth)
        };
        if complexity > max_complexity {
            return Err(exceeded("complexity", max_complexity, complexity, None));
        }
        let depth = field_depth(&doc);
        if depth > max_depth {
            return Err(exceeded("depth", max_depth, depth, None));
        }
        // A hit that was plain returned above: only a new text, or a known one now passed
        // plainly, changes the cache.
        if !hit || plain {
            self.documents.keep(query, &doc, plain);
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::Name;

    fn variables(pairs: &[(&str, Value)]) -> Variables {
        let mut v = Variables::default();
        for (k, value) in pairs {
            v.insert(Name::new(k), value.clone());
        }
        v
    }

    #[test]
    fn a_text_passed_plainly_is_still_measured_with_variables() {
        let gate = Gate::new(Limits::default());
        let query = "query($n: Int = 1) { entities(first: $n) { nodes { name } } }";
        let none = Variables::default();
        // Passed plainly, twice: the second time from the cache, unmeasured.
        assert!(gate.check(query, &none, false).is_ok());
        assert!(gate.check(query, &none, false).is_ok());
        // The same text with a list too long for the limits is refused all the same.
        let long = Value::List(vec![
            Value::Number(1.into());
            Limits::default().max_list + 1
        ]);
        let refused = gate.check(query, &variables(&[("x", long)]), false);
        assert!(
            refused.is_err(),
            "the variables are measured on every request"
        );
    }

    #[test]
    fn a_text_passed_only_with_a_write_token_is_measured_again_without_one() {
        let gate = Gate::new(Limits::default());
        let text = "x".repeat(Limits::default().max_string + 1);
        let query = format!("{{ search(query: \"{text}\") {{ name }} }}");
        let none = Variables::default();
        assert!(
            gate.check(&query, &none, true).is_ok(),
            "a writer's longer strings"
        );
        assert!(gate.check(&query, &none, false).is_err());
        assert!(gate.check(&query, &none, true).is_ok());
        assert!(gate.check(&query, &none, false).is_err());
    }
}
