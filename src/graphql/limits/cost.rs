//! The complexity of a query: each field 1, lists multiplying what is under them, counted
//! once per fragment and never past the limit.

use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{Positioned, Value, Variables};
use std::collections::HashMap;

/// How deep [`Cost`] follows fields and fragments before it calls a query unaffordable: the
/// walk recurses, and a chain of thousands of fragments must not exhaust the stack.
const MAX_COST_DEPTH: usize = 64;

/// Why a query's complexity could not be counted.
pub(super) enum Uncountable {
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
pub(super) struct Cost<'a> {
    doc: &'a ExecutableDocument,
    vars: &'a Variables,
    cap: usize,
    /// Costs of fragments already counted, by name and the size of the set holding them.
    memo: HashMap<(&'a str, usize), usize>,
    /// Fragments being counted, to find cycles.
    open: Vec<&'a str>,
}

impl<'a> Cost<'a> {
    pub(super) fn new(doc: &'a ExecutableDocument, vars: &'a Variables, limit: usize) -> Cost<'a> {
        Cost {
            doc,
            vars,
            cap: limit.saturating_add(1),
            memo: HashMap::new(),
            open: Vec::new(),
        }
    }

    /// The cost of a selection set, at most `cap`.
    pub(super) fn set(
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

/// Whether a selection is a field of a community partition.
pub(super) fn is_partition_part(sel: &Positioned<Selection>) -> bool {
    match &sel.node {
        Selection::Field(f) => matches!(
            f.node.name.node.as_str(),
            "modularity" | "count" | "communities"
        ),
        _ => false,
    }
}

/// Whether a selection is part of a connection (so the field holding it is paged).
pub(super) fn is_page_part(sel: &Positioned<Selection>) -> bool {
    match &sel.node {
        Selection::Field(f) => matches!(
            f.node.name.node.as_str(),
            "edges" | "nodes" | "pageInfo" | "totalCount"
        ),
        _ => true,
    }
}
