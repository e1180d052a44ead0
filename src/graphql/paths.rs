//! The paths of the errors async-graphql raises without one.
//!
//! A field selected on an interface (`entity(id:) { neighbours(limit: 0) { id } }`, where
//! `entity` is an `Entity`) is resolved by the interface's own resolver, which gives its error
//! the field's location (or its argument's) but no path. The path is found again after execution: the field at
//! that location is looked for in the answer, in every object its selection set was answered
//! in; the objects that lack its key, or that are `null` because every field of theirs failed,
//! are where it failed. The errors at one location are given those places in the answer's
//! order, which is the order async-graphql ran them in.

use async_graphql::parser::types::{
    ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{PathSegment, Pos, Positioned, Response, Value};

/// The operation a request ran: the one named, or the only one.
pub(crate) fn operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    let mut ops = doc.operations.iter();
    match name {
        Some(name) => ops
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
            .map(|(_, op)| op),
        None => ops.next().map(|(_, op)| op),
    }
}

/// Gives a path to each error of an executed request that has a location and no path.
pub(crate) fn locate(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    response: &mut Response,
) {
    if response.data == Value::Null {
        return; // nothing ran, or every root field failed (with its path)
    }
    let Some(op) = operation(doc, operation_name) else {
        return;
    };
    let mut done: Vec<Pos> = Vec::new();
    for i in 0..response.errors.len() {
        let err = &response.errors[i];
        let Some(&pos) = err.locations.first() else {
            continue;
        };
        if !err.path.is_empty() || done.contains(&pos) {
            continue;
        }
        done.push(pos);
        let mut places = Vec::new();
        let mut walk = Walk {
            doc,
            pos,
            path: Vec::new(),
            places: &mut places,
        };
        walk.set(&op.node.selection_set.node, &response.data, 0);
        // The objects that lack the key first, then those that are null (which may also be
        // fields that were simply null), each in the answer's order.
        places.sort_by_key(|(in_null, _)| *in_null);
        let mut places = places.into_iter().map(|(_, path)| path);
        for err in &mut response.errors[i..] {
            if err.path.is_empty() && err.locations.first() == Some(&pos) {
                match places.next() {
                    Some(path) => err.path = path,
                    None => break,
                }
            }
        }
    }
}

/// A walk of the answer along the operation, looking for the places of the field at `pos`.
struct Walk<'a> {
    doc: &'a ExecutableDocument,
    pos: Pos,
    path: Vec<PathSegment>,
    /// (whether the object is `null`, the path of the failed field), in the answer's order.
    places: &'a mut Vec<(bool, Vec<PathSegment>)>,
}

impl Walk<'_> {
    /// Looks in `value`, the answer to `set`.
    fn set(&mut self, set: &SelectionSet, value: &Value, depth: usize) {
        // Validated documents spread no fragment into itself; this only bounds the walk.
        if depth > 64 {
            return;
        }
        for sel in &set.items {
            match &sel.node {
                Selection::Field(f) => {
                    let key = f.node.response_key().node.as_str();
                    let inner = match value {
                        Value::Object(map) => map.get(key),
                        _ => None,
                    };
                    let at_pos = f.pos == self.pos
                        || (f.node.arguments.iter())
                            .any(|(n, v)| n.pos == self.pos || v.pos == self.pos);
                    if at_pos {
                        if inner.is_none() {
                            let mut path = self.path.clone();
                            path.push(PathSegment::Field(key.to_owned()));
                            self.places.push((*value == Value::Null, path));
                        }
                    } else if let Some(inner) = inner {
                        self.path.push(PathSegment::Field(key.to_owned()));
                        self.field(&f.node.selection_set.node, inner, depth + 1);
                        self.path.pop();
                    }
                }
                Selection::InlineFragment(i) => {
                    self.set(&i.node.selection_set.node, value, depth + 1)
                }
                Selection::FragmentSpread(s) => {
                    if let Some(frag) = self.doc.fragments.get(&s.node.fragment_name.node) {
                        self.set(&frag.node.selection_set.node, value, depth + 1);
                    }
                }
            }
        }
    }

    /// Looks in `value`, a field's answer: an object, a list of them (of lists…), or `null`.
    fn field(&mut self, set: &SelectionSet, value: &Value, depth: usize) {
        if set.items.is_empty() || depth > 64 {
            return;
        }
        match value {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(PathSegment::Index(i));
                    self.field(set, item, depth + 1);
                    self.path.pop();
                }
            }
            Value::Object(_) | Value::Null => self.set(set, value, depth),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::ServerError;

    fn f(s: &str) -> PathSegment {
        PathSegment::Field(s.into())
    }

    #[test]
    fn an_error_without_a_path_is_placed_where_its_field_is_missing() {
        let q = r#"{ entities { nodes { id ...F } } } fragment F on Entity { n: neighbours(limit: 0) { id } }"#;
        let doc = async_graphql::parser::parse_query(q).unwrap();
        let pos = Pos {
            line: 1,
            column: q.find("n: ").unwrap() + 1,
        };
        let data = serde_json::json!({ "entities": { "nodes": [
            { "id": "a", "n": [] }, { "id": "b" }, { "id": "c", "n": [] }, { "id": "d" }
        ] } });
        let mut response = Response::new(Value::from_json(data).unwrap());
        for _ in 0..2 {
            response.errors.push(ServerError::new("limit", Some(pos)));
        }
        locate(&doc, None, &mut response);
        let at = |i| vec![f("entities"), f("nodes"), PathSegment::Index(i), f("n")];
        assert_eq!(response.errors[0].path, at(1));
        assert_eq!(response.errors[1].path, at(3));
    }
}
