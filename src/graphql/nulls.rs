//! Errors in fields become `null` where the GraphQL spec puts them.
//!
//! async-graphql drops a field that failed from its parent object and keeps the error, so a
//! failed field disappears from `data` instead of being `null`. The spec says a failed field is
//! `null`, and when its type is non-null the `null` moves up to the nearest field that may be
//! null ("null propagation"). [`apply`] does this after execution: for each error with a path,
//! it finds the declared type of every field along the path by walking the operation's
//! selections (through fragments) against the schema's types, then writes the `null`.
//!
//! Done after execution rather than in a hook around each field: any async-graphql extension
//! sends every field of every answer through its slow path, and this costs nothing until a
//! field fails.

use async_graphql::parser::types::{
    ExecutableDocument, OperationType, Selection, SelectionSet, TypeKind, TypeSystemDefinition,
};
use async_graphql::{PathSegment, Response, Value};
use std::collections::HashMap;
use std::sync::LazyLock;

/// The declared type of every field of the schema, as written in the SDL (`[Entity!]!`), by
/// type and field name.
struct FieldTypes(HashMap<String, HashMap<String, String>>);

/// The types of dossier's schema, read once from its SDL (on the first failed field).
static TYPES: LazyLock<FieldTypes> = LazyLock::new(|| FieldTypes::from_sdl(&super::sdl()));

impl FieldTypes {
    fn from_sdl(sdl: &str) -> FieldTypes {
        let mut types: HashMap<String, HashMap<String, String>> = HashMap::new();
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return FieldTypes(types);
        };
        for def in doc.definitions {
            let TypeSystemDefinition::Type(t) = def else {
                continue;
            };
            let fields = match &t.node.kind {
                TypeKind::Object(o) => &o.fields,
                TypeKind::Interface(i) => &i.fields,
                _ => continue,
            };
            let of_type = types.entry(t.node.name.node.to_string()).or_default();
            for f in fields {
                of_type.insert(f.node.name.node.to_string(), f.node.ty.node.to_string());
            }
        }
        FieldTypes(types)
    }

    fn get(&self, parent: &str, field: &str) -> Option<&str> {
        self.0.get(parent)?.get(field).map(String::as_str)
    }

    /// Records in `out` the declared type of each field along `path` in the operation
    /// `root` (a selection set on the type `root_type`), by path key.
    fn along<'a>(
        &'a self,
        doc: &'a ExecutableDocument,
        root_type: &'a str,
        root: &'a SelectionSet,
        path: &[PathSegment],
        out: &mut HashMap<String, String>,
    ) {
        let mut sets = vec![(root_type, root)];
        for (i, seg) in path.iter().enumerate() {
            // A list index stays in the sets of the field that holds the list.
            let PathSegment::Field(key) = seg else {
                continue;
            };
            let mut found = None;
            let mut next = Vec::new();
            for (parent, set) in std::mem::take(&mut sets) {
                self.matching(doc, parent, set, key, &mut found, &mut next, 0);
            }
            let Some(ty) = found else {
                return;
            };
            out.insert(key_of(&path[..=i]), ty.to_owned());
            sets = next;
        }
    }

    /// Finds the fields answered under the response key `key` in `set` (on the type
    /// `parent`), through fragments: the first one's type goes to `found`, and the selection
    /// sets of all of them (with the type they select on) to `next`.
    #[allow(clippy::too_many_arguments)]
    fn matching<'a>(
        &'a self,
        doc: &'a ExecutableDocument,
        parent: &'a str,
        set: &'a SelectionSet,
        key: &str,
        found: &mut Option<&'a str>,
        next: &mut Vec<(&'a str, &'a SelectionSet)>,
        depth: usize,
    ) {
        // Validated documents spread no fragment into itself; this only bounds the walk.
        if depth > 64 {
            return;
        }
        for sel in &set.items {
            match &sel.node {
                Selection::Field(f) if f.node.response_key().node.as_str() == key => {
                    if let Some(ty) = self.get(parent, f.node.name.node.as_str()) {
                        found.get_or_insert(ty);
                        next.push((named(ty), &f.node.selection_set.node));
                    }
                }
                Selection::Field(_) => {}
                Selection::InlineFragment(i) => {
                    let on = (i.node.type_condition.as_ref())
                        .map_or(parent, |c| c.node.on.node.as_str());
                    let set = &i.node.selection_set.node;
                    self.matching(doc, on, set, key, found, next, depth + 1);
                }
                Selection::FragmentSpread(s) => {
                    if let Some(frag) = doc.fragments.get(&s.node.fragment_name.node) {
                        let on = frag.node.type_condition.node.on.node.as_str();
                        let set = &frag.node.selection_set.node;
                        self.matching(doc, on, set, key, found, next, depth + 1);
                    }
                }
            }
        }
    }
}

/// The named type inside a type (`Entity` in `[Entity!]!`).
fn named(ty: &str) -> &str {
    ty.trim_matches(|c| c == '[' || c == ']' || c == '!')
}

/// Writes a `null` for every failed field of `response` (an error with a path), moved up past
/// non-null types, for a response to the operation `operation` (or the only one) of `doc`.
pub(crate) fn apply(doc: &ExecutableDocument, operation: Option<&str>, response: &mut Response) {
    let failures: Vec<&Vec<PathSegment>> = (response.errors.iter())
        .map(|e| &e.path)
        .filter(|p| !p.is_empty())
        .collect();
    if failures.is_empty() {
        return;
    }
    let Some(op) = super::paths::operation(doc, operation) else {
        return;
    };
    let root_type = match op.node.ty {
        OperationType::Query => "Query",
        OperationType::Mutation => "Mutation",
        OperationType::Subscription => "Subscription",
    };
    let mut types = HashMap::new();
    for path in &failures {
        TYPES.along(
            doc,
            root_type,
            &op.node.selection_set.node,
            path,
            &mut types,
        );
    }
    let places: Vec<Option<Vec<PathSegment>>> =
        failures.iter().map(|path| null_at(path, &types)).collect();
    for place in places {
        match place {
            Some(at) => set_null(&mut response.data, &at),
            None => response.data = Value::Null,
        }
    }
}

/// Where the `null` for a failure at `path` goes: the path itself, or the nearest ancestor
/// (a field or a list item) whose type allows null; `None` for the whole `data`. A field whose
/// type is unknown counts as nullable.
fn null_at(path: &[PathSegment], types: &HashMap<String, String>) -> Option<Vec<PathSegment>> {
    let mut at = path.to_vec();
    loop {
        // The type of what is at `at`: a field's own type, or a list item's, read from the
        // field that holds the list.
        let field_end = at
            .iter()
            .rposition(|seg| matches!(seg, PathSegment::Field(_)))?;
        let Some(mut ty) = types.get(&key_of(&at[..=field_end])).map(String::as_str) else {
            return Some(at);
        };
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
fn key_of(path: &[PathSegment]) -> String {
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
        types.insert(key_of(&[f("entity")]), "Entity".to_string());
        types.insert(
            key_of(&[f("entity"), f("neighbours")]),
            "[Entity!]!".to_string(),
        );
        let at = null_at(&[f("entity"), f("neighbours")], &types);
        assert_eq!(at, Some(vec![f("entity")]));
        // Through a list of non-null items to a nullable field.
        types.insert(
            key_of(&[f("entity"), f("neighbours"), PathSegment::Index(0), f("id")]),
            "ID!".into(),
        );
        let at = null_at(
            &[f("entity"), f("neighbours"), PathSegment::Index(0), f("id")],
            &types,
        );
        assert_eq!(at, Some(vec![f("entity")]));
        // A nullable field is null itself.
        types.insert(key_of(&[f("x")]), "Path".into());
        assert_eq!(null_at(&[f("x")], &types), Some(vec![f("x")]));
        // Non-null all the way: the whole data.
        types.insert(key_of(&[f("y")]), "Int!".into());
        assert_eq!(null_at(&[f("y")], &types), None);
    }

    #[test]
    fn the_types_along_a_path_are_read_through_fragments_and_aliases() {
        let doc = async_graphql::parser::parse_query(
            r#"{ e: entity(id: "a") { ...F } } fragment F on Entity { ... on Person { n: neighbours { id } } }"#,
        )
        .unwrap();
        let (_, op) = doc.operations.iter().next().unwrap();
        let path = [f("e"), f("n"), PathSegment::Index(3), f("id")];
        let mut types = HashMap::new();
        TYPES.along(
            &doc,
            "Query",
            &op.node.selection_set.node,
            &path,
            &mut types,
        );
        assert_eq!(types[&key_of(&path[..1])], "Entity");
        assert_eq!(types[&key_of(&path[..2])], "[Entity!]!");
        assert_eq!(types[&key_of(&path)], "ID!");
        assert_eq!(null_at(&path, &types), Some(vec![f("e")]));
    }
}
