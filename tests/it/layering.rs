//! The dependency rule: the domain (`src/model`) and the store (`src/store`) know nothing of
//! GraphQL, HTTP, async or any module built on them — no source file there names them — and
//! within the store, the graph itself names nothing computed from it (search, analytics, the
//! version that holds them).

use std::path::{Path, PathBuf};

/// What the domain layers must not name: the async and web crates, and every module above.
const FORBIDDEN: [&str; 13] = [
    "async_graphql",
    "axum",
    "tokio",
    "crate::graphql",
    "crate::server",
    "crate::curate",
    "crate::journal",
    "crate::import",
    "crate::load",
    "crate::export",
    "crate::cli",
    "crate::config",
    "crate::generate",
];

/// The graph's own files: its records, rows, layers, views, ids and the builder.
const GRAPH: [&str; 10] = [
    "graph.rs",
    "records.rs",
    "adjacency.rs",
    "layered.rs",
    "refs.rs",
    "ids.rs",
    "incident.rs",
    "tombstones.rs",
    "resolver.rs",
    "builder",
];

/// What the graph's own files must not name: the modules built on the graph.
const ABOVE_THE_GRAPH: [&str; 4] = ["search::", "analytics::", "version::", "Version"];

fn rust_files(path: &Path, found: &mut Vec<PathBuf>) {
    if path.is_file() {
        found.push(path.to_owned());
        return;
    }
    for entry in std::fs::read_dir(path).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() || path.extension().is_some_and(|e| e == "rs") {
            rust_files(&path, found);
        }
    }
}

/// Every line of code (comments aside) of `files` that names one of `names`.
fn offences(files: &[PathBuf], names: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for name in names {
                if code.contains(name) {
                    found.push(format!("{}:{}: {name}", file.display(), i + 1));
                }
            }
        }
    }
    found
}

#[test]
fn the_model_and_the_store_name_no_graphql_http_async_or_module_above_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for layer in ["model", "store"] {
        rust_files(&root.join(layer), &mut files);
    }
    assert!(files.len() > 10, "found the sources: {files:?}");
    let offences = offences(&files, &FORBIDDEN);
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[test]
fn the_graph_names_nothing_computed_from_it() {
    let store = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let mut files = Vec::new();
    for part in GRAPH {
        rust_files(&store.join(part), &mut files);
    }
    assert!(files.len() >= GRAPH.len(), "found the sources: {files:?}");
    let offences = offences(&files, &ABOVE_THE_GRAPH);
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}
