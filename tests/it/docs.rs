//! The README documents what the code does: every relation kind is in its vocabulary table.

#[test]
fn the_readme_lists_every_relation_kind() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
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
