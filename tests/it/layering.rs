//! The dependency rule: the domain (`src/model`) and the store (`src/store`) know nothing of
//! GraphQL, HTTP or async — no source file there names them.

use std::path::{Path, PathBuf};

/// What the domain layers must not name.
const FORBIDDEN: [&str; 5] = [
    "async_graphql",
    "axum",
    "tokio",
    "crate::graphql",
    "crate::server",
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn the_model_and_the_store_name_no_graphql_http_or_async_runtime() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for layer in ["model", "store"] {
        rust_files(&root.join(layer), &mut files);
    }
    assert!(files.len() > 10, "found the sources: {files:?}");
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            for name in FORBIDDEN {
                if line.contains(name) {
                    offences.push(format!("{}:{}: {name}", file.display(), i + 1));
                }
            }
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}
