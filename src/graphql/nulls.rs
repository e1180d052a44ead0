//! Errors in fields become `null` where the GraphQL spec puts them.
//!
//! async-graphql drops a field that failed from its parent object and keeps the error, so a
//! failed field disappears from `data` instead of being `null` (and a failed field of an
//! interface type also loses its `path`). The spec says a failed field is `null`, and when its
//! type is non-null the `null` moves up to the nearest field that may be null ("null
//! propagation"). [`Nulls`] records, per request, the path and type of each field that failed
//! and, once anything failed, of each field that completes; after execution it writes the
//! `null`s into the response.

use async_graphql::{PathSegment, Response, ServerError, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// The failures of one request, and the types of the fields around them.
#[derive(Default)]
pub(crate) struct Nulls {
    /// Set once a field failed: until then recording costs one atomic load a field.
    failed: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The path of each failed field.
    failures: Vec<Vec<PathSegment>>,
    /// The return type of fields by path (`[Entity!]!`), for those that failed or completed
    /// after a failure.
    types: HashMap<String, String>,
}

/// A path node's segments.
pub(crate) fn segments(path: &async_graphql::QueryPathNode<'_>) -> Vec<PathSegment> {
    path.to_string_vec()
        .into_iter()
        .map(|s| match s.parse::<usize>() {
            Ok(i) => PathSegment::Index(i),
            Err(_) => PathSegment::Field(s),
        })
        .collect()
}

impl Nulls {
    /// Records a failed field: its error gets the field's path if it has none.
    pub(crate) fn failed(&self, path: Vec<PathSegment>, return_type: &str, err: &mut ServerError) {
        if err.path.is_empty() {
            err.path = path.clone();
        }
        self.failed.store(true, Ordering::Release);
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.types.insert(key(&path), return_type.to_owned());
        s.failures.push(path);
    }

    /// Whether anything failed yet (then completed fields are recorded too).
    pub(crate) fn any(&self) -> bool {
        self.failed.load(Ordering::Acquire)
    }

    /// Records the type of a field that completed.
    pub(crate) fn completed(&self, path: Vec<PathSegment>, return_type: &str) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.types.insert(key(&path), return_type.to_owned());
    }

    /// Writes a `null` for every failed field into the response, moved up past non-null
    /// types.
    pub(crate) fn apply(&self, response: &mut Response) {
        if !self.any() {
            return;
        }
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for failure in &s.failures {
            match null_at(failure, &s.types) {
                Some(at) => set_null(&mut response.data, &at),
                None => response.data = Value::Null,
            }
        }
    }
}

/// Where the `null` for a failure at `path` goes: the path itself, or the nearest ancestor
/// (a field or a list item) whose type allows null; `None` for the whole `data`.
fn null_at(path: &[PathSegment], types: &HashMap<String, String>) -> Option<Vec<PathSegment>> {
    let mut at = path.to_vec();
    loop {
        // The type of what is at `at`: a field's own type, or a list item's, read from the
        // field that holds the list.
        let field_end = at
            .iter()
            .rposition(|seg| matches!(seg, PathSegment::Field(_)))?;
        let mut ty = types.get(&key(&at[..=field_end]))?.as_str();
        for _ in field_end + 1..at.len() {
            ty = ty.trim_end_matches('!');
            ty = ty.strip_prefix('[')?.strip_suffix(']')?;
        }
        if !ty.ends_with('!') {
            return Some(at);
        }
        at.pop();
        if at.is_empty() {
            return None;
        }
    }
}

/// A path as a map key.
fn key(path: &[PathSegment]) -> String {
    let mut k = String::new();
    for seg in path {
        match seg {
            PathSegment::Field(name) => k.push_str(name),
            PathSegment::Index(i) => k.push_str(&i.to_string()),
        }
        k.push('\u{0}');
    }
    k
}

/// Puts `null` at `path` in `data`, creating the key in an object that lacks it.
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else {
        *data = Value::Null;
        return;
    };
    let mut v = data;
    for seg in parents {
        v = match (seg, v) {
            (PathSegment::Field(name), Value::Object(map)) => match map.get_mut(name.as_str()) {
                Some(inner) => inner,
                None => return,
            },
            (PathSegment::Index(i), Value::List(items)) => match items.get_mut(*i) {
                Some(inner) => inner,
                None => return,
            },
            _ => return, // already null higher up
        };
    }
    match (last, v) {
        (PathSegment::Field(name), Value::Object(map)) => {
            map.insert(async_graphql::Name::new(name), Value::Null);
        }
        (PathSegment::Index(i), Value::List(items)) => {
            if let Some(item) = items.get_mut(*i) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> PathSegment {
        PathSegment::Field(s.into())
    }

    #[test]
    fn a_non_null_failure_moves_up_to_the_nearest_nullable_field() {
        let mut types = HashMap::new();
        types.insert(key(&[f("entity")]), "Entity".to_string());
        types.insert(
            key(&[f("entity"), f("neighbours")]),
            "[Entity!]!".to_string(),
        );
        let at = null_at(&[f("entity"), f("neighbours")], &types);
        assert_eq!(at, Some(vec![f("entity")]));
        // Through a list of non-null items to a nullable field.
        types.insert(
            key(&[f("entity"), f("neighbours"), PathSegment::Index(0), f("id")]),
            "ID!".into(),
        );
        let at = null_at(
            &[f("entity"), f("neighbours"), PathSegment::Index(0), f("id")],
            &types,
        );
        assert_eq!(at, Some(vec![f("entity")]));
        // A nullable field is null itself.
        types.insert(key(&[f("x")]), "Path".into());
        assert_eq!(null_at(&[f("x")], &types), Some(vec![f("x")]));
        // Non-null all the way: the whole data.
        types.insert(key(&[f("y")]), "Int!".into());
        assert_eq!(null_at(&[f("y")], &types), None);
    }
}
