//! The data loader: the shipped fixture loads, and every kind of bad data file is refused with
//! the exact `file:line:column: field: message`, leaving the graph as it was.

use crate::support::{small_fixture_dir, traversal_graph};
use dossier::load::load_dir;
use dossier::store::Store;
use std::path::Path;

const DOC: &str = r#"[document]
id = "doc"
title = "A document"
published = "2023-09-22"
text = "source.txt"

[[entity]]
id = "ann"
kind = "PERSON"
name = "Ann"

[[entity]]
id = "gov"
kind = "GOVERNMENT"
name = "Gov"
"#;

const SOURCE: &str = "The government arrested Ann on Tuesday.";

/// Writes `files` (name, text) into a fresh directory with the source text, loads it and
/// returns the errors, one line each, with the directory stripped from the file names.
fn errors_of(files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("source.txt"), SOURCE).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let errs = load_dir(dir.path()).expect_err("the data should be refused");
    let prefix = format!("{}/", dir.path().display());
    errs.0
        .iter()
        .map(|e| e.to_string().replace(&prefix, ""))
        .collect()
}

fn with_relation(relation: &str) -> Vec<String> {
    errors_of(&[("a.toml", &format!("{DOC}\n{relation}"))])
}

/// The line number in `DOC + "\n" + relation` of the relation's `n`th line (1-based).
fn rel_line(n: usize) -> usize {
    DOC.lines().count() + 1 + n
}

#[test]
fn the_shipped_fixture_loads() {
    let (g, summary) = load_dir(&small_fixture_dir()).unwrap();
    assert_eq!(
        (summary.files, summary.entities, summary.relations),
        (2, 8, 6)
    );
    assert_eq!(g.document_count(), 1);
}

#[test]
fn a_valid_file_with_a_relation_loads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("source.txt"), SOURCE).unwrap();
    let text = format!("{DOC}\n[[relation]]\nkind = \"ARRESTED\"\nfrom = \"gov\"\nto = \"ann\"\ndate = \"2023-09-19\"\nquote = \"The government arrested Ann\"\n");
    std::fs::write(dir.path().join("a.toml"), text).unwrap();
    let (g, _) = load_dir(dir.path()).unwrap();
    assert!(
        g.edge("gov.arrested.ann").is_some(),
        "default relation ids are <from>.<kind>.<to>"
    );
}

#[test]
fn a_toml_syntax_error_points_at_the_line() {
    let errs = errors_of(&[(
        "a.toml",
        "[document]\nid = \"doc\"\ntitle = \"unterminated\n",
    )]);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].starts_with("a.toml:3:"), "{errs:?}");
    assert!(errs[0].contains(": syntax: "), "{errs:?}");
}

#[test]
fn a_misspelt_field_is_refused_and_the_known_fields_are_listed() {
    let errs = errors_of(&[(
        "a.toml",
        "[[entity]]\nid = \"ann\"\nkind = \"PERSON\"\nnmae = \"Ann\"\n",
    )]);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].starts_with("a.toml:"), "{errs:?}");
    assert!(errs[0].contains("nmae"), "{errs:?}");
}

#[test]
fn an_unknown_entity_in_a_relation_is_refused_at_its_field() {
    let errs = with_relation("[[relation]]\nkind = \"ARRESTED\"\nfrom = \"gov\"\nto = \"bob\"\nquote = \"The government arrested Ann\"\n");
    assert_eq!(
        errs,
        [format!(
            "a.toml:{}:6: relation.to: unknown entity `bob`",
            rel_line(4)
        )]
    );
}

#[test]
fn a_duplicate_id_across_files_is_refused_at_the_second() {
    let errs = errors_of(&[
        ("a.toml", DOC),
        (
            "b.toml",
            "[[entity]]\nid = \"ann\"\nkind = \"PERSON\"\nname = \"Another Ann\"\n",
        ),
    ]);
    assert_eq!(
        errs,
        ["b.toml:2:6: entity.id: duplicate id `ann`: an entity with this id is already defined"]
    );
}

#[test]
fn a_relation_between_kinds_the_vocabulary_forbids_is_refused_at_its_kind() {
    let errs = with_relation("[[relation]]\nkind = \"SENTENCED\"\nfrom = \"ann\"\nto = \"gov\"\nquote = \"The government arrested Ann\"\n");
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with(&format!(
            "a.toml:{}:8: relation.kind: SENTENCED cannot go from a PERSON to a GOVERNMENT",
            rel_line(2)
        )),
        "{errs:?}"
    );
}

#[test]
fn a_relation_without_a_citation_is_rejected() {
    let errs = with_relation("[[relation]]\nkind = \"ARRESTED\"\nfrom = \"gov\"\nto = \"ann\"\n");
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].contains("relation.quote: a relation needs a source"),
        "{errs:?}"
    );
    assert!(
        errs[0].starts_with(&format!("a.toml:{}:", rel_line(1))),
        "{errs:?}"
    );
}

#[test]
fn a_malformed_date_is_refused_with_the_expected_forms() {
    let errs = with_relation("[[relation]]\nkind = \"ARRESTED\"\nfrom = \"gov\"\nto = \"ann\"\ndate = \"2023-02-30\"\nquote = \"The government arrested Ann\"\n");
    assert_eq!(
        errs,
        [format!("a.toml:{}:8: relation.date: `2023-02-30` is not a date: no such day in that month (expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2023-09-22)", rel_line(5))]
    );
}

#[test]
fn an_unknown_relation_kind_is_refused() {
    let errs = with_relation("[[relation]]\nkind = \"KIDNAPPED\"\nfrom = \"gov\"\nto = \"ann\"\nquote = \"The government arrested Ann\"\n");
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with(&format!(
            "a.toml:{}:8: relation.kind: unknown relation kind `KIDNAPPED`",
            rel_line(2)
        )),
        "{errs:?}"
    );
}

#[test]
fn a_quote_that_is_not_in_the_source_text_is_refused() {
    let errs = with_relation("[[relation]]\nkind = \"ARRESTED\"\nfrom = \"gov\"\nto = \"ann\"\nquote = \"The government detained Ann\"\n");
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with(&format!(
            "a.toml:{}:9: relation.quote: this quote does not occur verbatim",
            rel_line(5)
        )),
        "{errs:?}"
    );
}

#[test]
fn bad_ids_kinds_and_places_are_refused() {
    let errs = errors_of(&[(
        "a.toml",
        "[[entity]]\nid = \"Ann Smith\"\nkind = \"PERSON\"\nname = \"Ann\"\n\n[[entity]]\nid = \"x\"\nkind = \"HUMAN\"\nname = \"X\"\n\n[[entity]]\nid = \"meeting\"\nkind = \"EVENT\"\nname = \"Meeting\"\nplace = \"nowhere\"\n",
    )]);
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs[0].starts_with("a.toml:2:6: entity.id: `Ann Smith` is not a valid id"),
        "{errs:?}"
    );
    assert!(
        errs[1].starts_with("a.toml:8:8: entity.kind: unknown entity kind `HUMAN`"),
        "{errs:?}"
    );
    assert_eq!(
        errs[2],
        "a.toml:15:9: entity.place: unknown entity `nowhere`"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let errs = with_relation(
        "[[relation]]\nkind = \"ARRESTED\"\nfrom = \"nobody\"\nto = \"ann\"\nquote = \"The government arrested Ann\"\n\n[[relation]]\nkind = \"ARRESTED\"\nfrom = \"gov\"\nto = \"ann\"\ndate = \"yesterday\"\nquote = \"The government arrested Ann\"\n",
    );
    assert_eq!(errs.len(), 2, "{errs:?}");
}

#[test]
fn a_missing_data_directory_is_an_error_not_an_empty_graph() {
    let errs = load_dir(Path::new("/nonexistent/dossier-data")).unwrap_err();
    assert!(errs.to_string().contains("cannot read the data directory"));
}

/// The reload `dossier serve` runs on SIGHUP, with no imports.
fn reload(
    store: &Store,
    dir: &std::path::Path,
) -> Result<(usize, usize), dossier::cli::serve::ReloadError> {
    let no_imports = dossier::config::ServeImportArgs {
        paths: Vec::new(),
        import_format: None,
        import_mapping: None,
    };
    dossier::cli::serve::reload(store, dir, &no_imports)
}

#[test]
fn a_refused_reload_leaves_the_graph_as_it_was() {
    let store = Store::new(traversal_graph());
    let before = store.snapshot();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.toml"),
        "[[entity]]\nid = \"ann\"\nkind = \"PERSON\"\n",
    )
    .unwrap();
    assert!(reload(&store, dir.path()).is_err());
    let after = store.snapshot();
    assert_eq!(after.version(), before.version());
    assert_eq!(after.entity_count(), 8);
    assert_eq!(after.relation_count(), 7);
    // A valid directory replaces it.
    reload(&store, &small_fixture_dir()).unwrap();
    assert_eq!(store.snapshot().entity_count(), 8);
    assert!(store.snapshot().node("ana-petrova").is_some());
}

#[test]
fn a_related_relation_needs_its_own_label_and_no_other_kind_takes_one() {
    let errs = with_relation("[[relation]]\nkind = \"RELATED\"\nfrom = \"gov\"\nto = \"ann\"\nquote = \"The government arrested Ann\"\n");
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].contains("relation.label: a RELATED relation needs its own `label`"),
        "{errs:?}"
    );
    let errs = with_relation("[[relation]]\nkind = \"ARRESTED\"\nlabel = \"nabbed\"\nfrom = \"gov\"\nto = \"ann\"\nquote = \"The government arrested Ann\"\n");
    assert!(
        errs[0].starts_with(&format!(
            "a.toml:{}:9: relation.label: only a RELATED relation",
            rel_line(3)
        )),
        "{errs:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("source.txt"), SOURCE).unwrap();
    let text = format!("{DOC}\n[[relation]]\nkind = \"RELATED\"\nlabel = \"watched\"\nfrom = \"gov\"\nto = \"ann\"\nquote = \"The government arrested Ann\"\n");
    std::fs::write(dir.path().join("a.toml"), text).unwrap();
    let (g, _) = load_dir(dir.path()).unwrap();
    let e = g.edge("gov.related.ann").unwrap();
    assert_eq!(g.relation(e).label(), "watched");
}

#[test]
fn a_control_character_gets_a_message_not_an_empty_one() {
    let errs = errors_of(&[("a.toml", "# a\0\n")]);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with("a.toml:1:4: syntax: invalid TOML here"),
        "{errs:?}"
    );
}

#[test]
fn a_crlf_data_file_gets_the_same_lines_and_columns_as_an_lf_one() {
    let bad = DOC.replace("kind = \"GOVERNMENT\"", "kind = \"GOVERNMENTS\"");
    let lf = errors_of(&[("a.toml", &bad)]);
    let crlf = errors_of(&[("a.toml", &bad.replace('\n', "\r\n"))]);
    assert_eq!(lf.len(), 1);
    assert!(lf[0].starts_with("a.toml:14:8: entity.kind:"), "{lf:?}");
    assert_eq!(crlf, lf);
}
