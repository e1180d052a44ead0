//! The shape of a query, measured in time linear in its text: nesting of the text and through
//! fragments, aliases and directives, the sizes of argument and variable values, root fields.

use super::{exceeded, Limits};
use crate::graphql::error::code;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Pos, Positioned, ServerError, ServerResult, Value};
use std::collections::{HashMap, HashSet};

/// Refuses a query whose fields nest deeper than `max` once fragments are spread (what
/// async-graphql's `limit_recursive_depth` measures), or whose fragments spread themselves.
/// Each fragment's height is measured once, and the walk stops as soon as it passes `max`, so
/// the time is linear in the text and the stack at most `max` frames deep.
pub(super) fn fragment_nesting(doc: &ExecutableDocument, max: usize) -> ServerResult<()> {
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

/// The deepest nesting of fields, fragments spread in place, as async-graphql's validation
/// measures it (`__typename` not counted; every operation and fragment of the document), for
/// the `depth` limit. Each fragment is measured once; run after [`fragment_nesting`], so there
/// is no cycle and the recursion is at most `max_nesting` deep.
pub(super) fn field_depth(doc: &ExecutableDocument) -> usize {
    fn depth<'a>(
        doc: &'a ExecutableDocument,
        set: &'a SelectionSet,
        memo: &mut HashMap<&'a str, usize>,
    ) -> usize {
        let mut deepest = 0;
        for sel in &set.items {
            let d = match &sel.node {
                Selection::Field(f) if f.node.name.node == "__typename" => 0,
                Selection::Field(f) => 1 + depth(doc, &f.node.selection_set.node, memo),
                Selection::InlineFragment(i) => depth(doc, &i.node.selection_set.node, memo),
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    match memo.get(name) {
                        Some(&d) => d,
                        None => {
                            let d = doc
                                .fragments
                                .get(name)
                                .map_or(0, |f| depth(doc, &f.node.selection_set.node, memo));
                            memo.insert(name, d);
                            d
                        }
                    }
                }
            };
            deepest = deepest.max(d);
        }
        deepest
    }
    let mut memo = HashMap::new();
    let ops = doc.operations.iter().map(|(_, op)| &op.node.selection_set);
    let frags = doc.fragments.values().map(|f| &f.node.selection_set);
    ops.chain(frags)
        .map(|set| depth(doc, &set.node, &mut memo))
        .max()
        .unwrap_or(0)
}

/// The error for a fragment that spreads itself.
pub(super) fn cycle(name: &str) -> ServerError {
    let mut e = ServerError::new(
        format!("fragment `{name}` spreads itself, directly or through other fragments"),
        None,
    );
    e.extensions
        .get_or_insert_with(Default::default)
        .set("code", code::VALIDATION_FAILED);
    e
}

/// The deepest nesting of `{`, `[` and `(` in a query text, outside strings and comments.
/// O(length), no recursion.
pub(super) fn text_nesting(query: &str) -> usize {
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
pub(super) struct Counts {
    pub(super) aliases: usize,
    pub(super) directives: usize,
}

pub(super) fn count_selection_set(
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
pub(super) fn check_value_sizes(value: &Value, l: &Limits, what: &str) -> ServerResult<()> {
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
pub(super) fn root_fields<'a>(
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

    #[test]
    fn depth_counts_fields_through_fragments_but_not_typename() {
        let doc = |q: &str| async_graphql::parser::parse_query(q).unwrap();
        assert_eq!(field_depth(&doc("{ a { b { c } } }")), 3);
        assert_eq!(field_depth(&doc("{ a { __typename } }")), 1);
        let q = "{ a { ...F } } fragment F on A { b { ... on B { c { d } } } }";
        assert_eq!(field_depth(&doc(q)), 4);
    }
}
