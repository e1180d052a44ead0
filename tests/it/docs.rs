//! The README documents what the code does: every relation kind is in its vocabulary table,
//! and what `--help` says of the import tables it says too.

fn readme() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap()
}

#[test]
fn help_and_readme_agree_that_every_csv_table_is_optional() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["import", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        help.contains("documents.csv, nodes.csv, relations.csv; each optional"),
        "{help}"
    );
    let readme = readme();
    assert!(readme.contains("**Each table is\noptional**"));
    assert!(readme.contains("A quote is checked\nverbatim only in `data/`, and only against a document that has a `text`"));
    // An import of relations alone, citing a curated document, is accepted as documented.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("relations.csv"),
        "from,to,kind,quote,source\nechr,gubad-ibadoglu,CRITICISED,Not in the text at all.,cnis-2023-09-22\n",
    )
    .unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    dossier::import::load_with_imports(
        Some(&data),
        &[dossier::import::ImportSource::at(dir.path(), None).unwrap()],
        &dossier::import::Mapping::default(),
        &dossier::import::Silent,
    )
    .expect("documents.csv and nodes.csv are optional; imported quotes are not checked");
}

#[test]
fn the_readme_lists_every_relation_kind() {
    let readme = readme();
    for kind in dossier::model::RelationKind::ALL {
        let spec = kind.spec();
        let row = format!("| `{}` | {} / {} |", spec.name, spec.label, spec.inverse);
        assert!(
            readme.contains(&row),
            "README.md lacks the vocabulary row for {}",
            spec.name
        );
    }
}

#[tokio::test]
async fn the_readme_lists_every_field_of_health() {
    let app = crate::support::spawn_app(&crate::support::small_fixture_dir()).await;
    let health: serde_json::Value = reqwest::get(app.url("/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let readme = readme();
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `GET /health` |"))
        .expect("the README's HTTP table has /health");
    for key in health.as_object().unwrap().keys() {
        assert!(
            row.contains(&format!("\"{key}\"")),
            "the README's /health row lacks `{key}`: {row}"
        );
    }
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert!(row.contains(&format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"))));
}
