//! Helpers shared by the fuzz targets: a data directory for `text = "…"` paths, the checks
//! on load errors, the fixture schema and router, and the checks on GraphQL responses.
//!
//! Every check here panics on failure, which libFuzzer reports as a crash.

use dossier::graphql::{build_schema, DossierSchema};
use dossier::load::LoadError;
use dossier::store::Store;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// The repository root (the fuzz crate lives in `<root>/fuzz`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A data directory with the source texts of the bundled data and of the small fixture under
/// `sources/`, so that fuzzed `[document] text = "sources/…"` resolves and the verbatim-quote
/// check runs. Kept in `fuzz/target/data-dir` (ignored by git, reused across runs); each file
/// is written to a temporary name and renamed, so processes fuzzing side by side never read a
/// half-written text.
pub fn data_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/data-dir");
        let sources = dir.join("sources");
        std::fs::create_dir_all(&sources).expect("create fuzz/target/data-dir/sources");
        for from in [
            repo_root().join("data/sources"),
            repo_root().join("tests/fixtures/small/sources"),
        ] {
            for entry in std::fs::read_dir(&from)
                .expect("a sources directory")
                .flatten()
            {
                if !entry.path().is_file() {
                    continue;
                }
                let bytes = std::fs::read(entry.path()).expect("read a source text");
                let to = sources.join(entry.file_name());
                if std::fs::read(&to).ok().as_deref() == Some(&bytes[..]) {
                    continue;
                }
                let tmp = sources.join(format!(
                    ".{}.{}",
                    entry.file_name().to_string_lossy(),
                    std::process::id()
                ));
                std::fs::write(&tmp, &bytes).expect("write a source text");
                std::fs::rename(&tmp, &to).expect("rename a source text");
            }
        }
        dir
    })
}

/// Whether loading `text` could make the loader read a file outside [`data_dir`]: the loader
/// reads `[document] text` as a path joined to the data directory, and an absolute path or
/// `..` (say `/dev/zero`, or a FIFO) would make the fuzzer hang or read the machine's files.
/// Such inputs are skipped. (The loader itself does not refuse them: see the README.)
pub fn may_read_outside(text: &str) -> bool {
    // The key `text` is written with the letters t-e-x-t unless escapes spell it.
    if !text.contains("text") && !text.contains("\\u") && !text.contains("\\U") {
        return false;
    }
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        // Not TOML at all: the loader stops at the syntax error and reads nothing.
        return false;
    };
    let Some(path) = table
        .get("document")
        .and_then(|d| d.get("text"))
        .and_then(|t| t.as_str())
    else {
        return false;
    };
    Path::new(path)
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Checks that one load error points into the text it names: a file among `sources`, a line
/// from 1 to the number of lines + 1, a column from 1 to that line's length + 1 (in
/// characters), and a non-empty field and message.
pub fn check_load_error(sources: &[(PathBuf, String)], e: &LoadError) {
    let Some((_, text)) = sources.iter().find(|(p, _)| *p == e.file) else {
        panic!("error names a file that was not loaded: {e}");
    };
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(e.line >= 1, "line 0: {e}");
    assert!(
        e.line <= text.lines().count() + 1,
        "line {} past the end of a {}-line text: {e}",
        e.line,
        text.lines().count()
    );
    let line_chars = lines.get(e.line - 1).map_or(0, |l| l.chars().count());
    assert!(e.column >= 1, "column 0: {e}");
    assert!(
        e.column <= line_chars + 1,
        "column {} past the end of line {} ({line_chars} characters): {e}",
        e.column,
        e.line
    );
    assert!(!e.field.is_empty(), "an error without a field: {e}");
    assert!(
        !e.message.trim().is_empty(),
        "an error without a message: {e}"
    );
}

/// A current-thread runtime, built once.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// The store over `tests/fixtures/small`, loaded once.
pub fn fixture_store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = repo_root().join("tests/fixtures/small");
        let (graph, _) = dossier::load::load_dir(&dir)
            .unwrap_or_else(|e| panic!("the small fixture does not load:\n{e}"));
        Store::new(graph)
    })
}

/// `build_schema` over the fixture store, built once.
pub fn fixture_schema() -> &'static DossierSchema {
    static SCHEMA: OnceLock<DossierSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| build_schema(fixture_store().clone()))
}

/// Checks a GraphQL response, as the JSON a client receives: an object; every entry of
/// `errors` is an object with a string `message` and a non-empty string `extensions.code`;
/// and no error is `INTERNAL` (a resolver that panicked or failed unexpectedly; the server
/// hides it from clients, but it is a bug).
pub fn check_graphql_response(json: &serde_json::Value, input: &str) {
    let obj = json
        .as_object()
        .unwrap_or_else(|| panic!("the response is not a JSON object: {json}"));
    let Some(errors) = obj.get("errors") else {
        return;
    };
    let errors = errors
        .as_array()
        .unwrap_or_else(|| panic!("`errors` is not an array: {json}"));
    for e in errors {
        assert!(
            e.get("message").is_some_and(|m| m.is_string()),
            "an error without a message: {e}\ninput: {input:?}"
        );
        let code = e
            .get("extensions")
            .and_then(|x| x.get("code"))
            .and_then(|c| c.as_str());
        match code {
            None | Some("") => panic!("an error without extensions.code: {e}\ninput: {input:?}"),
            Some("INTERNAL") => panic!("an INTERNAL error: {e}\ninput: {input:?}"),
            Some(_) => {}
        }
    }
}

/// With `FUZZ_STATS=1`, prints every 5,000 inputs how many were accepted (loaded, or answered
/// without an error) and how many refused, to see how deep a target gets.
pub fn tally(target: &str, accepted: bool) {
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    static ON: OnceLock<bool> = OnceLock::new();
    static ACCEPTED: AtomicU64 = AtomicU64::new(0);
    static REFUSED: AtomicU64 = AtomicU64::new(0);
    if !*ON.get_or_init(|| std::env::var_os("FUZZ_STATS").is_some()) {
        return;
    }
    let (a, r) = if accepted {
        (ACCEPTED.fetch_add(1, Relaxed) + 1, REFUSED.load(Relaxed))
    } else {
        (ACCEPTED.load(Relaxed), REFUSED.fetch_add(1, Relaxed) + 1)
    };
    if (a + r) % 5000 == 0 {
        eprintln!("FUZZ_STATS {target}: {a} accepted, {r} refused");
    }
}
