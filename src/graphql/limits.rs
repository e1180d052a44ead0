//! Query limits: what one request may ask of the server, checked before anything runs.
//!
//! Refusals are `LIMIT_EXCEEDED` errors naming the limit (`extensions.limit`), the value found
//! (`extensions.value`) and what was measured (`extensions.measure`). Introspection queries
//! (the playground's schema fetch) are held to their own, looser depth and complexity limits.

use super::error::code;
use crate::store::{Deadline, Work};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{
    Pos, Positioned, Request, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
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

/// Builds the extension that enforces [`Limits`].
pub(crate) struct LimitsFactory {
    limits: Arc<Limits>,
    documents: Arc<Documents>,
}

impl LimitsFactory {
    pub(crate) fn new(limits: Limits) -> LimitsFactory {
        LimitsFactory {
            limits: Arc::new(limits),
            documents: Arc::default(),
        }
    }
}

impl ExtensionFactory for LimitsFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension {
            limits: self.limits.clone(),
            documents: self.documents.clone(),
            introspection_only: AtomicBool::new(false),
        })
    }
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
/// the others one parse each per refill, no more.
#[derive(Default)]
struct Documents(Mutex<HashMap<String, Arc<ExecutableDocument>>>);

impl Documents {
    fn get(&self, query: &str) -> Option<ExecutableDocument> {
        let doc = self.0.lock().ok()?.get(query).cloned()?;
        Some((*doc).clone())
    }

    fn keep(&self, query: &str, doc: &ExecutableDocument) {
        if query.len() > CACHED_QUERY_BYTES {
            return;
        }
        let Ok(mut map) = self.0.lock() else { return };
        if map.len() >= CACHED_DOCUMENTS {
            map.clear();
        }
        map.insert(query.to_owned(), Arc::new(doc.clone()));
    }
}

struct LimitsExtension {
    limits: Arc<Limits>,
    /// Shared by every request of the schema.
    documents: Arc<Documents>,
    /// Set while parsing when every root field is an introspection field.
    introspection_only: AtomicBool,
}

#[async_trait::async_trait]
impl Extension for LimitsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let deadline = Deadline::after(self.limits.max_work);
        let request = request
            .data(deadline)
            .data(Arc::new(Work::new(deadline, self.limits.max_analyses)))
            .data(self.limits.clone());
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        _ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        _next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let l = &self.limits;
        let nesting = text_nesting(query);
        if nesting > l.max_nesting {
            return Err(exceeded("nesting", l.max_nesting, nesting, None));
        }
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
        // A text parsed before is not parsed again; every check below still runs, on the
        // variables of this request.
        let cached = self.documents.get(query);
        let hit = cached.is_some();
        let doc = match cached {
            Some(doc) => doc,
            // Parsed here rather than by `next`: async-graphql's own step after parsing
            // measures the nesting by expanding every fragment spread, which takes time
            // exponential in a 1 KB text of fragments that spread each other twice. The
            // nesting is measured below instead, once per fragment.
            None => async_graphql::parser::parse_query(query).map_err(ServerError::from)?,
        };
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
        self.introspection_only
            .store(introspection_only, Ordering::Relaxed);
        let max_complexity = if introspection_only {
            l.introspection_max_complexity
        } else {
            l.max_complexity
        };
        if complexity > max_complexity {
            return Err(exceeded("complexity", max_complexity, complexity, None));
        }
        if !hit {
            self.documents.keep(query, &doc);
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let l = &self.limits;
        let max_depth = if self.introspection_only.load(Ordering::Relaxed) {
            l.introspection_max_depth
        } else {
            l.max_depth
        };
        if result.depth > max_depth {
            return Err(vec![exceeded("depth", max_depth, result.depth, None)]);
        }
        Ok(result)
    }
}

/// How deep [`Cost`] follows fields and fragments before it calls a query unaffordable: the
/// walk recurses, and a chain of thousands of fragments must not exhaust the stack.
const MAX_COST_DEPTH: usize = 64;

/// Why a query's complexity could not be counted.
enum Uncountable {
    /// A fragment spreads itself, directly or through others.
    Cycle(String),
}

/// The complexity of a query, counted once per fragment and never past the limit.
///
/// Each field costs 1 plus what is under it, and a field that returns a list multiplies what
/// is under it by the most items it may return, read from its arguments (`first`, `limit`,
/// `maxLength`) or their defaults. Computed here from field names rather than from
/// async-graphql's per-type costs, which interface fields do not carry.
///
/// Bounded by the size of the text, whatever the query: a fragment's cost is computed once
/// for each size of the set that holds it and remembered (fragments that spread the previous
/// one twice, level after level, expand exponentially but are counted in linear time), and
/// every count stops at `cap` (the limit plus one): anything over the limit is simply over it.
struct Cost<'a> {
    doc: &'a ExecutableDocument,
    vars: &'a Variables,
    cap: usize,
    /// Costs of fragments already counted, by name and the size of the set holding them.
    memo: HashMap<(&'a str, usize), usize>,
    /// Fragments being counted, to find cycles.
    open: Vec<&'a str>,
}

impl<'a> Cost<'a> {
    fn new(doc: &'a ExecutableDocument, vars: &'a Variables, limit: usize) -> Cost<'a> {
        Cost {
            doc,
            vars,
            cap: limit.saturating_add(1),
            memo: HashMap::new(),
            open: Vec::new(),
        }
    }

    /// The cost of a selection set, at most `cap`.
    fn set(
        &mut self,
        set: &'a Positioned<SelectionSet>,
        depth: usize,
        set_size: usize,
    ) -> Result<usize, Uncountable> {
        if depth > MAX_COST_DEPTH {
            return Ok(self.cap);
        }
        let mut total = 0usize;
        for sel in &set.node.items {
            let c = match &sel.node {
                Selection::Field(f) => self.field(&f.node, depth, set_size)?,
                Selection::InlineFragment(i) => {
                    self.set(&i.node.selection_set, depth + 1, set_size)?
                }
                Selection::FragmentSpread(s) => {
                    self.spread(s.node.fragment_name.node.as_str(), depth, set_size)?
                }
            };
            total = total.saturating_add(c);
            if total >= self.cap {
                return Ok(self.cap);
            }
        }
        Ok(total)
    }

    /// The cost of a fragment spread: remembered after the first time.
    fn spread(
        &mut self,
        name: &'a str,
        depth: usize,
        set_size: usize,
    ) -> Result<usize, Uncountable> {
        if let Some(&c) = self.memo.get(&(name, set_size)) {
            return Ok(c);
        }
        if self.open.contains(&name) {
            return Err(Uncountable::Cycle(name.to_owned()));
        }
        let doc = self.doc;
        let Some(frag) = doc.fragments.get(name) else {
            return Ok(0); // validation names it
        };
        self.open.push(name);
        let c = self.set(&frag.node.selection_set, depth + 1, set_size);
        self.open.pop();
        let c = c?;
        self.memo.insert((name, set_size), c);
        Ok(c)
    }

    fn field(&mut self, f: &'a Field, depth: usize, set_size: usize) -> Result<usize, Uncountable> {
        let vars = self.vars;
        let arg = |name: &str, default: i64, max: i64| -> usize {
            let n = f
                .get_argument(name)
                .and_then(|v| {
                    v.node
                        .clone()
                        .into_const_with(|var| vars.get(&var).cloned().ok_or(()))
                        .ok()
                })
                .and_then(|v| match v {
                    Value::Number(n) => n.as_i64(),
                    _ => None,
                });
            n.unwrap_or(default).clamp(1, max) as usize
        };
        let children = f.selection_set.node.items.iter();
        // (factor on what is under the field, size of the sets of entities and relations it
        // holds: a subgraph's or a path's)
        let (factor, inner_set) = match f.name.node.as_str() {
            "entities" | "relations" if children.clone().any(is_page_part) => {
                (arg("first", 20, 100), 1)
            }
            // A subgraph's or a path's own lists, sized by what holds them.
            "entities" | "relations" => (set_size, 1),
            "neighbourhood" => (1, arg("limit", 100, 1000)),
            "paths" => (arg("limit", 20, 100), arg("maxLength", 4, 6) + 1),
            "shortestPath" => (1, 10),
            "search" => (arg("limit", 10, 100), 1),
            "neighbours" => (arg("limit", 100, 1000), 1),
            "timeline" => (arg("limit", 1000, 10_000), 1),
            "participants" | "documents" => (20, 1),
            "vocabulary" => (40, 1),
            "citations" => (3, 1),
            // `communities` is both the partition (one object) and its list of groups.
            "communities" if children.clone().any(is_partition_part) => (1, 1),
            "ranking" | "components" | "communities" => (arg("limit", 20, 1000), 1),
            "members" => (arg("limit", 100, 1000), 1),
            // Structure: brokers and strongly connected groups listed by `limit`, bridges
            // likewise; a connecting subgraph holds up to 100 entities; a clique up to 201
            // members (charged by `members` below it).
            "brokers" | "cycles" | "cliques" => (arg("limit", 20, 1000), 1),
            "bridges" => (arg("limit", 100, 1000), 1),
            "connectingSubgraph" => (1, 100),
            _ => (1, 1),
        };
        let under = self.set(&f.selection_set, depth + 1, inner_set)?;
        Ok(under.saturating_mul(factor).saturating_add(1).min(self.cap))
    }
}

/// Refuses a query whose fields nest deeper than `max` once fragments are spread (what
/// async-graphql's `limit_recursive_depth` measures), or whose fragments spread themselves.
/// Each fragment's height is measured once, and the walk stops as soon as it passes `max`, so
/// the time is linear in the text and the stack at most `max` frames deep.
fn fragment_nesting(doc: &ExecutableDocument, max: usize) -> ServerResult<()> {
    struct Walk<'a> {
        doc: &'a ExecutableDocument,
        max: usize,
        heights: HashMap<&'a str, usize>,
        open: Vec<&'a str>,
    }
    enum Stop {
        TooDeep(Pos),
        Cycle(String),
    }
    impl<'a> Walk<'a> {
        /// How deep the selections under `set` reach, counted from `set`, when `set` is at
        /// `depth`.
        fn height(
            &mut self,
            set: &'a Positioned<SelectionSet>,
            depth: usize,
        ) -> Result<usize, Stop> {
            if depth > self.max {
                return Err(Stop::TooDeep(set.pos));
            }
            let mut height = 0;
            for sel in &set.node.items {
                let below = match &sel.node {
                    Selection::Field(f) if f.node.selection_set.node.items.is_empty() => 0,
                    Selection::Field(f) => 1 + self.height(&f.node.selection_set, depth + 1)?,
                    Selection::InlineFragment(i) => {
                        1 + self.height(&i.node.selection_set, depth + 1)?
                    }
                    Selection::FragmentSpread(s) => {
                        let name = s.node.fragment_name.node.as_str();
                        let h = match self.heights.get(name) {
                            Some(&h) => h,
                            None => {
                                let doc = self.doc;
                                let Some(frag) = doc.fragments.get(name) else {
                                    continue; // validation names it
                                };
                                if self.open.contains(&name) {
                                    return Err(Stop::Cycle(name.to_owned()));
                                }
                                self.open.push(name);
                                let h = self.height(&frag.node.selection_set, depth + 1);
                                self.open.pop();
                                let h = h?;
                                self.heights.insert(name, h);
                                h
                            }
                        };
                        if depth + 1 + h > self.max {
                            return Err(Stop::TooDeep(s.pos));
                        }
                        1 + h
                    }
                };
                height = height.max(below);
            }
            Ok(height)
        }
    }
    let mut walk = Walk {
        doc,
        max,
        heights: HashMap::new(),
        open: Vec::new(),
    };
    for (_, op) in doc.operations.iter() {
        match walk.height(&op.node.selection_set, 0) {
            Ok(_) => {}
            Err(Stop::TooDeep(pos)) => {
                return Err(exceeded(
                    "nesting (through fragments)",
                    max,
                    max + 1,
                    Some(pos),
                ))
            }
            Err(Stop::Cycle(name)) => return Err(cycle(&name)),
        }
    }
    Ok(())
}

/// The error for a fragment that spreads itself.
fn cycle(name: &str) -> ServerError {
    let mut e = ServerError::new(
        format!("fragment `{name}` spreads itself, directly or through other fragments"),
        None,
    );
    e.extensions
        .get_or_insert_with(Default::default)
        .set("code", code::VALIDATION_FAILED);
    e
}

/// Whether a selection is a field of a community partition.
fn is_partition_part(sel: &Positioned<Selection>) -> bool {
    match &sel.node {
        Selection::Field(f) => matches!(
            f.node.name.node.as_str(),
            "modularity" | "count" | "communities"
        ),
        _ => false,
    }
}

/// Whether a selection is part of a connection (so the field holding it is paged).
fn is_page_part(sel: &Positioned<Selection>) -> bool {
    match &sel.node {
        Selection::Field(f) => matches!(
            f.node.name.node.as_str(),
            "edges" | "nodes" | "pageInfo" | "totalCount"
        ),
        _ => true,
    }
}

/// The deepest nesting of `{`, `[` and `(` in a query text, outside strings and comments.
/// O(length), no recursion.
fn text_nesting(query: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                }
            }
            '{' | '[' | '(' => {
                depth += 1;
                max = max.max(depth);
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[derive(Default)]
struct Counts {
    aliases: usize,
    directives: usize,
}

fn count_selection_set(
    set: &Positioned<SelectionSet>,
    counts: &mut Counts,
    l: &Limits,
) -> ServerResult<()> {
    for sel in &set.node.items {
        match &sel.node {
            Selection::Field(f) => {
                counts.aliases += usize::from(f.node.alias.is_some());
                counts.directives += f.node.directives.len();
                for (_, v) in &f.node.arguments {
                    check_value_sizes(
                        &v.node.clone().into_const().unwrap_or(Value::Null),
                        l,
                        "an argument",
                    )
                    .map_err(|mut e| {
                        e.locations = vec![v.pos];
                        e
                    })?;
                }
                count_selection_set(&f.node.selection_set, counts, l)?;
            }
            Selection::FragmentSpread(s) => counts.directives += s.node.directives.len(),
            Selection::InlineFragment(i) => {
                counts.directives += i.node.directives.len();
                count_selection_set(&i.node.selection_set, counts, l)?;
            }
        }
    }
    Ok(())
}

/// Refuses lists and strings over their limits anywhere in a value. Iterative.
fn check_value_sizes(value: &Value, l: &Limits, what: &str) -> ServerResult<()> {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if s.len() > l.max_string => {
                return Err(exceeded(
                    &format!("longest string in {what}"),
                    l.max_string,
                    s.len(),
                    None,
                ));
            }
            Value::List(items) => {
                if items.len() > l.max_list {
                    return Err(exceeded(
                        &format!("longest list in {what}"),
                        l.max_list,
                        items.len(),
                        None,
                    ));
                }
                stack.extend(items.iter());
            }
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    Ok(())
}

/// The names of the fields at the root of an operation, through fragments.
fn root_fields<'a>(
    doc: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    out: &mut Vec<&'a str>,
    seen: &mut HashSet<&'a str>,
) {
    for sel in &set.node.items {
        match &sel.node {
            Selection::Field(f) => out.push(f.node.name.node.as_str()),
            Selection::InlineFragment(i) => root_fields(doc, &i.node.selection_set, out, seen),
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                if seen.insert(name) {
                    if let Some(frag) = doc.fragments.get(name) {
                        root_fields(doc, &frag.node.selection_set, out, seen);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_ignores_strings_and_comments() {
        assert_eq!(text_nesting("{ a { b } }"), 2);
        assert_eq!(text_nesting("{ a(x: \"{{{{\") # {{{{\n }"), 2);
        assert_eq!(text_nesting(&"{".repeat(10_000)), 10_000);
        assert_eq!(text_nesting("}}}{"), 1);
    }
}
