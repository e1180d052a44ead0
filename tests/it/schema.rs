//! `schema.graphql` at the repository root is the exported SDL; this fails when it drifts.
//! Regenerate with `cargo run -- schema > schema.graphql`.

#[test]
fn schema_graphql_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let current = dossier::graphql::sdl();
    assert!(
        committed == current,
        "schema.graphql is out of date: run `cargo run -- schema > schema.graphql` and review the diff"
    );
}

#[test]
fn the_contract_names_are_in_the_schema() {
    let sdl = dossier::graphql::sdl();
    for name in [
        "interface Entity",
        "type Person implements Entity",
        "type Organisation implements Entity",
        "type Court implements Entity",
        "type Government implements Entity",
        "type Event implements Entity",
        "type Place implements Entity",
        "scalar Date",
        "enum EntityKind",
        "enum Direction",
        "enum RelationKind",
        "enum ClaimStatus",
        "type Relation",
        "type Citation",
        "type Document",
        "type SearchHit",
        "type Subgraph",
        "type Path",
        "type RelationConnection",
        "type EntityConnection",
        "direction: Direction! = BOTH",
        "search(text: String!, kinds: [EntityKind!], limit: Int! = 10)",
        "directed: Boolean! = false",
        "maxLength: Int! = 4",
    ] {
        assert!(sdl.contains(name), "the schema lacks `{name}`");
    }
}
