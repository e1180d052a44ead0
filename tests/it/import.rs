//! Bulk import: each format on small fixtures, every kind of bad input at its exact place with
//! nothing built, the FtM round trip of the bundled bulletin, and CoDEx-M with its mapping.

use crate::support::bundled_data_dir;
use dossier::export::{self, Format, View};
use dossier::import::{
    import_into, load_with_imports, ImportSource, ImportSummary, Mapping, Silent,
};
use dossier::load::{self, LoadError, LoadErrors};
use dossier::model::{AttributeValue, EntityKind, RelationKind};
use dossier::store::{Graph, GraphBuilder, Version};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(path)
}

fn import(
    sources: &[ImportSource],
    mapping: &Mapping,
) -> Result<(Version, ImportSummary), LoadErrors> {
    load_with_imports(None, sources, mapping, &Silent)
}

fn at(path: &Path) -> ImportSource {
    ImportSource::at(path, None).unwrap()
}

fn mapping(path: &str) -> Mapping {
    Mapping::load(&fixture(path)).unwrap()
}

/// A directory with these CSV files, for bad-input tests.
fn csv_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const DOCS: &str = "id,title\ndoc,A report\n";
const NODES: &str = "id,kind,name\nann,PERSON,Ann\ngov,GOVERNMENT,The government\n";

/// The single error an import gives.
fn the_error(result: Result<(Version, ImportSummary), LoadErrors>) -> LoadError {
    let errors = result.expect_err("the import must fail").0;
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

fn relations_file(relations: &str) -> (tempfile::TempDir, ImportSource) {
    let dir = csv_dir(&[
        ("documents.csv", DOCS),
        ("nodes.csv", NODES),
        ("relations.csv", relations),
    ]);
    let source = at(dir.path());
    (dir, source)
}

fn assert_at(e: &LoadError, file: &str, line: usize, column: usize, field: &str) {
    assert!(e.file.ends_with(file), "{e}: expected the file {file}");
    assert_eq!(
        (e.line, e.column, e.field.as_str()),
        (line, column, field),
        "{e}"
    );
}

fn kind_of(g: &Graph, id: &str) -> EntityKind {
    g.entity(g.node(id).unwrap_or_else(|| panic!("no entity {id}")))
        .kind()
}

fn relation(g: &Graph, id: &str) -> dossier::model::Relation {
    g.relation(g.edge(id).unwrap_or_else(|| panic!("no relation {id}")))
        .to_relation()
}

// ---------------------------------------------------------------- CSV

#[test]
fn csv_tables_import_documents_entities_and_relations() {
    let (g, s) = import(&[at(&fixture("csv"))], &Mapping::default()).unwrap();
    assert_eq!(
        (s.files, s.documents, s.entities, s.relations),
        (3, 1, 6, 9)
    );
    let ann = g.entity(g.node("ann-lee").unwrap());
    assert_eq!(ann.aliases(), ["Anne Lee", "A. Lee"]);
    assert_eq!(ann.roles(), ["activist", "blogger"]);
    assert_eq!(ann.description(), Some("An activist, and a blogger"));
    let hearing = g.entity(g.node("hearing").unwrap());
    assert_eq!(hearing.place().as_ref().unwrap().as_str(), "capital");
    assert_eq!(
        g.document("report-2024").unwrap().title,
        "Annual report, 2024"
    );
    let arrest = relation(&g, "ministry.arrested.ann-lee");
    assert_eq!(
        arrest.citations[0].quote,
        "The Ministry arrested Ann Lee, a blogger."
    );
    assert_eq!(arrest.citations[0].document.as_str(), "report-2024");
    assert!(
        g.edge("ministry.arrested.ann-lee.2").is_some(),
        "a repeat gets .2"
    );
    assert_eq!(
        relation(&g, "watchdog.defended.ann-lee").role.as_deref(),
        Some("defence counsel")
    );
    assert!(
        g.edge("ann-lee.member-of.watchdog").is_some(),
        "`member of` reads as MEMBER_OF"
    );
    assert!(
        g.edge("ann-lee.participated-in.hearing").is_some(),
        "`took part in` too"
    );
}

#[test]
fn csv_kinds_outside_the_vocabulary_keep_their_label() {
    let (g, s) = import(&[at(&fixture("csv"))], &Mapping::default()).unwrap();
    assert_eq!((s.related, s.fallbacks), (3, 1));
    let award = relation(&g, "watchdog.related.ann-lee");
    assert_eq!(award.kind, RelationKind::Related);
    assert_eq!(award.label(), "award given");
    assert_eq!(relation(&g, "ann-lee.related.capital").label(), "born in");
    // A loose kind whose ends do not fit falls back, keeping its words.
    let network = relation(&g, "capital.related.watchdog");
    assert_eq!(network.label(), "member of");
}

#[test]
fn csv_kinds_written_as_verbs_or_in_us_spelling_find_the_vocabulary() {
    let (_dir, source) = relations_file(
        "from,to,kind,quote,source\ngov,ann,Accuse,Gov accused Ann.,doc\ngov,ann,Apologize,Gov apologised.,doc\ngov,ann,criticize,Gov criticised Ann.,doc\n",
    );
    let (g, _) = import(&[source], &Mapping::default()).unwrap();
    assert_eq!(relation(&g, "gov.accused.ann").kind, RelationKind::Accused);
    assert_eq!(
        relation(&g, "gov.apologised-to.ann").kind,
        RelationKind::ApologisedTo
    );
    assert_eq!(
        relation(&g, "gov.criticised.ann").kind,
        RelationKind::Criticised
    );
}

#[test]
fn messages_put_an_before_a_kind_that_starts_with_a_vowel() {
    let dir = csv_dir(&[(
        "nodes.csv",
        "id,kind,name,roles\nngo,ORGANISATION,An NGO,director\n",
    )]);
    let e = the_error(import(&[at(dir.path())], &Mapping::default()));
    assert!(e.message.ends_with("this entity is an ORGANISATION"), "{e}");
}

#[test]
fn csv_kinds_and_types_can_be_mapped() {
    let m = Mapping::parse(
        Path::new("m.toml"),
        "[relations]\n\"award given\" = \"ADVISES\"\n[entity_types]\nngo = \"ORGANISATION\"\n",
    )
    .unwrap();
    let (dir, _) = relations_file(
        "from,to,kind,quote,source\nann,gov,award given,Ann advises the government.,doc\n",
    );
    std::fs::write(
        dir.path().join("nodes.csv"),
        "id,kind,name\nann,PERSON,Ann\ngov,ngo,A group\n",
    )
    .unwrap();
    let (g, _) = import(&[at(dir.path())], &m).unwrap();
    assert_eq!(kind_of(&g, "gov"), EntityKind::Organisation);
    assert_eq!(relation(&g, "ann.advises.gov").kind, RelationKind::Advises);
}

#[test]
fn csv_files_can_be_given_by_role_with_any_names() {
    let dir = csv_dir(&[
        ("d.csv", DOCS),
        ("n.csv", NODES),
        (
            "r.csv",
            "from,to,kind,quote,source\ngov,ann,ARRESTED,Ann was arrested.,doc\n",
        ),
    ]);
    let source = ImportSource::Csv {
        documents: Some(dir.path().join("d.csv")),
        nodes: Some(dir.path().join("n.csv")),
        relations: Some(dir.path().join("r.csv")),
    };
    let (g, _) = import(&[source], &Mapping::default()).unwrap();
    assert_eq!(g.relation_count(), 1);
}

#[test]
fn an_unknown_header_column_is_named_with_the_expected_ones() {
    let dir = csv_dir(&[("nodes.csv", "id,kind,name,colour\nann,PERSON,Ann,red\n")]);
    let e = the_error(import(&[at(dir.path())], &Mapping::default()));
    assert_at(&e, "nodes.csv", 1, 14, "header");
    assert!(e.message.contains("unknown column `colour`"), "{e}");
    assert!(e.message.contains("id, kind, name (required)"), "{e}");
}

#[test]
fn a_missing_required_column_is_reported() {
    let (_dir, source) = relations_file("from,to,kind,source\ngov,ann,ARRESTED,doc\n");
    let e = the_error(import(&[source], &Mapping::default()));
    assert_at(&e, "relations.csv", 1, 1, "header");
    assert!(e.message.contains("`quote` is missing"), "{e}");
}

#[test]
fn a_relation_to_an_unknown_entity_is_reported_at_its_cell() {
    let (_dir, source) = relations_file(
        "from,to,kind,quote,source\ngov,ann,ARRESTED,Ann was arrested.,doc\ngov,bob,ARRESTED,Bob was arrested.,doc\n",
    );
    let e = the_error(import(&[source], &Mapping::default()));
    assert_at(&e, "relations.csv", 3, 5, "to");
    assert!(e.message.contains("unknown entity `bob`"), "{e}");
}

#[test]
fn a_malformed_date_is_reported_at_its_cell() {
    let (_dir, source) = relations_file(
        "from,to,kind,date,quote,source\ngov,ann,ARRESTED,\"2023-02-30\",\"Ann, arrested.\",doc\n",
    );
    let e = the_error(import(&[source], &Mapping::default()));
    assert_at(&e, "relations.csv", 2, 18, "date");
}

#[test]
fn a_bad_id_is_reported_at_its_cell() {
    let dir = csv_dir(&[(
        "nodes.csv",
        "id,kind,name\nann,PERSON,Ann\nBob Smith,PERSON,Bob\n",
    )]);
    let e = the_error(import(&[at(dir.path())], &Mapping::default()));
    assert_at(&e, "nodes.csv", 3, 1, "id");
    assert!(e.message.contains("not a valid id"), "{e}");
}

#[test]
fn a_missing_quote_or_source_is_reported() {
    let (_dir, source) = relations_file(
        "from,to,kind,quote,source\ngov,ann,ARRESTED,,doc\ngov,ann,DETAINED,Ann was held.,\n",
    );
    let errors = import(&[source], &Mapping::default()).unwrap_err().0;
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_at(&errors[0], "relations.csv", 2, 18, "quote");
    assert_at(&errors[1], "relations.csv", 3, 32, "source");
}

#[test]
fn a_source_no_document_defines_is_reported_at_its_line() {
    let (_dir, source) = relations_file(
        "from,to,kind,quote,source\ngov,ann,ARRESTED,Ann was arrested.,other-report\n",
    );
    let e = the_error(import(&[source], &Mapping::default()));
    assert_at(&e, "relations.csv", 2, 36, "source");
    assert!(e.message.contains("unknown document `other-report`"), "{e}");
}

#[test]
fn an_explicit_kind_whose_ends_do_not_fit_is_an_error() {
    let (_dir, source) = relations_file(
        "from,to,kind,quote,source\nann,gov,ARRESTED,Ann arrested the government.,doc\n",
    );
    let e = the_error(import(&[source], &Mapping::default()));
    assert_at(&e, "relations.csv", 2, 9, "kind");
}

#[test]
fn a_related_row_needs_a_label_and_only_it_has_one() {
    let (_dir, source) = relations_file(
        "from,to,kind,quote,source,label\nann,gov,RELATED,Ann and the government.,doc,\ngov,ann,ARRESTED,Ann was arrested.,doc,seized\n",
    );
    let errors = import(&[source], &Mapping::default()).unwrap_err().0;
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].field.as_str()), (2, "label"));
    assert_eq!((errors[1].line, errors[1].field.as_str()), (3, "label"));
}

#[test]
fn a_row_with_too_few_cells_is_reported() {
    let (_dir, source) = relations_file("from,to,kind,quote,source\ngov,ann,ARRESTED\n");
    let e = the_error(import(&[source], &Mapping::default()));
    assert_at(&e, "relations.csv", 2, 1, "row");
    assert!(e.message.contains("3 cells, the header has 5"), "{e}");
}

#[test]
fn an_event_place_that_is_not_a_place_is_reported_at_its_cell() {
    let dir = csv_dir(&[(
        "nodes.csv",
        "id,kind,name,place\nann,PERSON,Ann,\ntalks,EVENT,Talks,ann\n",
    )]);
    let e = the_error(import(&[at(dir.path())], &Mapping::default()));
    assert_at(&e, "nodes.csv", 3, 19, "place");
}

// ---------------------------------------------------------------- mapping

#[test]
fn an_unknown_kind_in_the_mapping_is_reported_at_its_line() {
    let err = Mapping::parse(
        Path::new("map.toml"),
        "[relations]\nP463 = \"MEMBER_OF\"\nP108 = \"EMPLOYED_BY\"\n",
    )
    .unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert_at(&err.0[0], "map.toml", 3, 8, "relations.P108");
    assert!(err.0[0].message.contains("EMPLOYED_BY"));
}

// ---------------------------------------------------------------- nothing is built

#[test]
fn nothing_is_built_when_any_line_is_wrong() {
    let (_dir, bad) = relations_file("from,to,kind,quote,source\ngov,ann,ARRESTED,Ann was arrested.,doc\ngov,bob,ARRESTED,Bob.,doc\n");
    let result = load_with_imports(
        Some(&bundled_data_dir()),
        &[at(&fixture("csv")), bad],
        &Mapping::default(),
        &Silent,
    );
    assert!(result.is_err());
    // The builder is left half-filled, and so is dropped: the caller never builds it.
    let mut builder = GraphBuilder::new();
    let (_dir, bad) = relations_file("from,to,kind,quote,source\ngov,bob,ARRESTED,Bob.,doc\n");
    let errors: LoadErrors =
        import_into(&mut builder, &[bad], &Mapping::default(), &Silent).unwrap_err();
    assert!(errors
        .to_string()
        .ends_with("1 error found; nothing was loaded"));
}

#[test]
fn errors_stop_at_one_hundred() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.tsv");
    std::fs::write(&path, "a\tb\n".repeat(500)).unwrap();
    let m = Mapping::parse(Path::new("m.toml"), "default_entity_kind = \"PERSON\"\n").unwrap();
    let errors = import(&[at(&path)], &m).unwrap_err();
    let text = errors.to_string();
    let errors = errors.0;
    assert_eq!(
        errors.len(),
        dossier::import::MAX_ERRORS + 1,
        "100 and a note"
    );
    assert_eq!(errors[99].line, 100);
    // The last entry says that reading stopped, where, and after how many lines.
    let note = &errors[100];
    assert!(note.is_stopped_note(), "{note}");
    assert_at(note, "bad.tsv", 100, 1, "stopped");
    assert!(note.message.contains("after 100 lines read"), "{note}");
    assert!(
        text.ends_with(
            "100 errors found before reading stopped (there may be more); nothing was loaded"
        ),
        "{text}"
    );
}

#[test]
fn an_import_that_did_not_stop_has_no_stop_note() {
    let (_dir, source) = relations_file(
        "from,to,kind,quote,source
gov,bob,ARRESTED,Bob.,doc
",
    );
    let errors = import(&[source], &Mapping::default()).unwrap_err();
    assert!(errors.0.iter().all(|e| !e.is_stopped_note()));
    assert!(errors
        .to_string()
        .ends_with("1 error found; nothing was loaded"));
}

// ---------------------------------------------------------------- CRLF

#[test]
fn crlf_csv_files_get_the_same_lines_and_columns_as_lf_files() {
    for ending in ["\n", "\r\n"] {
        let nodes = [
            "id,kind,name",
            "ann,PERSON,Ann",
            "bob,PERSN,Bob",
            "cy,PERSON,Cy,extra",
        ]
        .join(ending)
            + ending;
        let relations =
            ["from,to,kind,quote,source", "ann,bob,MET,\"They met.\",doc"].join(ending) + ending;
        let dir = csv_dir(&[("nodes.csv", &nodes), ("relations.csv", &relations)]);
        let errors = import(&[at(dir.path())], &Mapping::default())
            .unwrap_err()
            .0;
        let found: Vec<_> = errors
            .iter()
            .map(|e| {
                let file = e.file.file_name().unwrap().to_string_lossy().to_string();
                (file, e.line, e.column, e.field.as_str())
            })
            .collect();
        assert_eq!(
            found,
            [
                ("nodes.csv".to_string(), 3, 5, "kind"),
                ("nodes.csv".to_string(), 4, 1, "row"),
                ("relations.csv".to_string(), 2, 5, "to"),
            ],
            "line ends {ending:?}: {errors:?}"
        );
    }
}

#[test]
fn crlf_csv_cells_carry_no_carriage_return() {
    let dir = csv_dir(&[
        ("documents.csv", "id,title\r\ndoc,A report\r\n"),
        (
            "nodes.csv",
            "id,kind,name\r\nann,PERSON,\"Ann\"\r\ngov,GOVERNMENT,Gov\r\n",
        ),
        (
            "relations.csv",
            "from,to,kind,quote,source\r\ngov,ann,ARRESTED,\"Ann was arrested.\",doc\r\n",
        ),
    ]);
    let (g, _) = import(&[at(dir.path())], &Mapping::default()).unwrap();
    assert_eq!(g.entity(g.node("ann").unwrap()).name(), "Ann");
    let r = relation(&g, "gov.arrested.ann");
    assert_eq!(r.citations[0].quote, "Ann was arrested.");
}

#[test]
fn crlf_triples_and_ftm_lines_keep_their_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.tsv");
    std::fs::write(&path, "a\tP1\tb\r\nc\tP1\r\n").unwrap();
    let m = Mapping::parse(Path::new("m.toml"), "default_entity_kind = \"PERSON\"\r\n").unwrap();
    let e = the_error(import(&[at(&path)], &m));
    assert_at(&e, "t.tsv", 2, 1, "columns");
    let path = dir.path().join("x.ftm.json");
    std::fs::write(
        &path,
        "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\r\n{\"id\": 3}\r\n",
    )
    .unwrap();
    let e = the_error(import(&[at(&path)], &Mapping::default()));
    assert_eq!(e.line, 2, "{e}");
}

// ---------------------------------------------------------------- triples

#[test]
fn triples_take_kinds_and_labels_from_the_mapping() {
    let (g, s) = import(
        &[at(&fixture("triples/small.tsv"))],
        &mapping("triples/mapping.toml"),
    )
    .unwrap();
    assert_eq!(
        (s.entities, s.relations, s.related, s.fallbacks),
        (5, 7, 3, 1)
    );
    assert_eq!(kind_of(&g, "q1"), EntityKind::Person);
    assert_eq!(kind_of(&g, "q2"), EntityKind::Place);
    assert_eq!(kind_of(&g, "q10"), EntityKind::Organisation);
    assert_eq!(
        kind_of(&g, "q4"),
        EntityKind::Organisation,
        "the default kind"
    );
    let q10 = g.entity(g.node("q10").unwrap());
    assert_eq!(q10.name(), "Q10");
    assert_eq!(
        q10.attributes()["types"],
        AttributeValue::Text("organization".into())
    );
    let member = relation(&g, "q1.member-of.q10");
    assert_eq!(member.citations[0].quote, "Q1\tP463\tQ10");
    assert!(
        g.edge("q1.member-of.q10.2").is_some(),
        "a repeated triple is kept, as .2"
    );
    let doc = g.document(member.citations[0].document.as_str()).unwrap();
    assert_eq!(doc.title, "Small triples (small.tsv)");
    assert_eq!(
        relation(&g, "q1.relative-of.q3").role.as_deref(),
        Some("spouse")
    );
    assert!(
        g.edge("q1.leads.q10").is_some(),
        "chairperson is turned around"
    );
    assert_eq!(
        relation(&g, "q1.related.q2").label(),
        "country of citizenship"
    );
    assert_eq!(
        relation(&g, "q1.related.q4").label(),
        "P999",
        "no label: the code"
    );
    // A PLACE cannot be a MEMBER_OF: RELATED, with the property's label.
    assert_eq!(relation(&g, "q2.related.q10").label(), "member of");
}

#[test]
fn a_tsv_line_with_two_columns_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.tsv");
    std::fs::write(&path, "Q1\tP463\tQ10\nQ1\tP463\n").unwrap();
    let e = the_error(import(&[at(&path)], &mapping("triples/mapping.toml")));
    assert_at(&e, "t.tsv", 2, 1, "columns");
    assert!(e.message.contains("found 2"), "{e}");
}

#[test]
fn a_triples_file_needs_a_mapping_that_gives_kinds() {
    let e = the_error(import(
        &[at(&fixture("triples/small.tsv"))],
        &Mapping::default(),
    ));
    assert_at(&e, "small.tsv", 1, 1, "mapping");
    assert!(
        e.message.contains("no mapping file was given") && e.message.contains("never by kind"),
        "the message says a mapping file is needed and why: {e}"
    );
    let m = Mapping::parse(Path::new("m.toml"), "[relations]\nP1 = \"MET\"\n").unwrap();
    let e = the_error(import(&[at(&fixture("triples/small.tsv"))], &m));
    assert!(
        e.message
            .contains("the mapping file m.toml gives no entity kinds"),
        "{e}"
    );
}

#[test]
fn triples_may_refer_to_curated_entities() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.tsv");
    std::fs::write(
        &path,
        "echr\tP463\tcouncil-of-europe-x\nechr\tP999\tgubad-ibadoglu\n",
    )
    .unwrap();
    let (g, s) = load_with_imports(
        Some(&bundled_data_dir()),
        &[at(&path)],
        &mapping("triples/mapping.toml"),
        &Silent,
    )
    .unwrap();
    assert_eq!(s.entities, 1, "only the unknown token is created");
    assert_eq!(kind_of(&g, "echr"), EntityKind::Court);
    // A court can be a MEMBER_OF an organisation.
    assert!(g.edge("echr.member-of.council-of-europe-x").is_some());
    assert_eq!(relation(&g, "echr.related.gubad-ibadoglu").label(), "P999");
}

// ---------------------------------------------------------------- FtM

#[test]
fn ftm_lines_import_entities_documents_and_links() {
    let (g, s) = import(&[at(&fixture("ftm/small.ftm.json"))], &Mapping::default()).unwrap();
    assert_eq!(
        (
            s.documents,
            s.entities,
            s.relations,
            s.related,
            s.fallbacks,
            s.skipped
        ),
        (2, 7, 8, 2, 1, 2)
    );
    assert_eq!(
        kind_of(&g, "pb-bench"),
        EntityKind::Court,
        "the court of a case"
    );
    assert_eq!(
        kind_of(&g, "pb-supreme"),
        EntityKind::Court,
        "a court by name"
    );
    assert_eq!(kind_of(&g, "pb-ministry"), EntityKind::Government);
    assert_eq!(kind_of(&g, "addr-capital"), EntityKind::Place);
    let ann = g.entity(g.node("p-ann").unwrap());
    assert_eq!(ann.aliases(), ["Anne Lee"]);
    assert_eq!(ann.roles(), ["activist"]);
    assert_eq!(ann.attributes()["age"], AttributeValue::Integer(34));
    assert_eq!(
        ann.attributes()["ftm_id"],
        AttributeValue::Text("p-ann".into())
    );
    let hearing = g.entity(g.node("ev-hearing").unwrap());
    assert_eq!(hearing.place().as_ref().unwrap().as_str(), "addr-capital");

    // Documentation gives the citation; the recordId gives the id.
    let arrest = relation(&g, "r1");
    assert_eq!(arrest.kind, RelationKind::Arrested);
    assert_eq!(arrest.claim, Some(dossier::model::ClaimStatus::Alleged));
    assert_eq!(arrest.citations.len(), 1);
    assert_eq!(arrest.citations[0].document.as_str(), "doc-report");
    assert_eq!(arrest.citations[0].quote, "The Ministry arrested Ann Lee.");

    // No Documentation: the file is the source, the line the quote.
    let defended = relation(&g, "org-watch.defended.p-ann");
    assert_eq!(defended.role.as_deref(), Some("defence lawyer"));
    let cite = &defended.citations[0];
    assert!(cite
        .quote
        .starts_with("{\"id\": \"l2\", \"schema\": \"Representation\""));
    assert!(g
        .document(cite.document.as_str())
        .unwrap()
        .title
        .ends_with("(imported dataset)"));

    let funded = relation(&g, "org-watch.related.p-ann");
    assert_eq!(
        (funded.label(), funded.role.as_deref()),
        ("funded", Some("monthly"))
    );
    assert_eq!(
        relation(&g, "addr-capital.related.org-watch").label(),
        "member of"
    );
    let ruling = relation(&g, "pb-bench.ruled-on.p-ann");
    assert_eq!(ruling.role.as_deref(), Some("defendant"));
    assert_eq!(ruling.date.unwrap().to_string(), "2024-02-02");
    // `involved` adds only what no link said: Ann's participation is a link already.
    assert!(g.edge("p-ann.participated-in.ev-hearing").is_some());
    assert!(g.edge("org-watch.participated-in.ev-hearing").is_some());
    assert!(g.edge("p-ann.participated-in.ev-hearing.2").is_none());
    assert!(g.edge("pb-ministry.organised.ev-hearing").is_some());
}

#[test]
fn a_malformed_json_line_is_reported_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ftm.json");
    std::fs::write(
        &path,
        "{\"id\": \"p1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ann\"]}}\n{\"id\": \"p2\", \"schema\": \"Person\", \"properties\": {\"name\": \"Bob\"}}\n",
    )
    .unwrap();
    let e = the_error(import(&[at(&path)], &Mapping::default()));
    assert_at(&e, "bad.ftm.json", 2, 61, "json");
    assert!(
        e.message
            .starts_with("invalid type: string \"Bob\", expected a sequence ("),
        "{e}"
    );
}

#[test]
fn an_ftm_link_to_an_unknown_entity_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    std::fs::write(
        &path,
        "{\"id\": \"p1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ann\"]}}\n{\"id\": \"m1\", \"schema\": \"Membership\", \"properties\": {\"member\": [\"p1\"], \"organization\": [\"o9\"]}}\n",
    )
    .unwrap();
    let e = the_error(import(&[at(&path)], &Mapping::default()));
    assert_at(&e, "bad.jsonl", 2, 71, "organization");
}

/// Entity kinds by id, and relation kinds with their labels, counted.
fn census(
    g: &Graph,
) -> (
    BTreeMap<String, EntityKind>,
    BTreeMap<(RelationKind, String), usize>,
) {
    let entities = g
        .entities(None)
        .map(|n| (g.entity(n).id().to_string(), g.entity(n).kind()))
        .collect();
    let mut relations = BTreeMap::new();
    for e in g.all_relations() {
        let r = g.relation(e);
        *relations
            .entry((r.kind(), r.label().to_string()))
            .or_insert(0) += 1;
    }
    (entities, relations)
}

#[test]
fn the_bulletins_ftm_export_imports_back_with_the_same_entities_and_relations() {
    let (bulletin, _) = load::load_dir(&bundled_data_dir()).unwrap();
    let lines = export::export(&bulletin, &View::whole(&bulletin), Format::Ftm);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulletin.ftm.json");
    std::fs::write(&path, lines).unwrap();
    let (back, s) = import(&[at(&path)], &Mapping::default()).unwrap();
    assert_eq!(back.entity_count(), bulletin.entity_count());
    assert_eq!(back.relation_count(), bulletin.relation_count());
    assert_eq!((s.related, s.fallbacks, s.skipped), (0, 0, 0));
    assert_eq!(census(&back), census(&bulletin));
    // Ids, quotes and places come back too.
    for e in bulletin.all_relations() {
        let r = bulletin.relation(e).to_relation();
        let b = relation(&back, r.id.as_str());
        assert_eq!(
            (b.kind, &b.from, &b.to),
            (r.kind, &r.from, &r.to),
            "{}",
            r.id
        );
        let quotes = |x: &dossier::model::Relation| {
            let mut q: Vec<String> = x.citations.iter().map(|c| c.quote.clone()).collect();
            q.sort();
            q
        };
        assert_eq!(quotes(&b), quotes(&r), "{}", r.id);
    }
    for n in bulletin.entities(None) {
        let e = bulletin.entity(n);
        let b = back.entity(back.node(e.id()).unwrap());
        assert_eq!(
            (&b.name(), &b.place(), b.start()),
            (&e.name(), &e.place(), e.start()),
            "{}",
            e.id()
        );
    }
}

#[test]
fn importing_the_bulletin_next_to_itself_is_refused_as_duplicates() {
    let (bulletin, _) = load::load_dir(&bundled_data_dir()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulletin.ftm.json");
    std::fs::write(
        &path,
        export::export(&bulletin, &View::whole(&bulletin), Format::Ftm),
    )
    .unwrap();
    let errors = load_with_imports(
        Some(&bundled_data_dir()),
        &[at(&path)],
        &Mapping::default(),
        &Silent,
    )
    .unwrap_err()
    .0;
    assert!(errors.iter().all(|e| e.file == path), "{errors:?}");
    assert!(errors[0].message.contains("duplicate id"), "{}", errors[0]);
}

// ---------------------------------------------------------------- CoDEx-M

/// The CoDEx-M dataset beside the repository, or `None` (with a note) where it is absent.
fn codex() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/codex-m");
    if dir.join("triples.tsv").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} is absent, the CoDEx-M test is skipped",
            dir.display()
        );
        None
    }
}

#[test]
fn codex_m_imports_with_its_mapping_and_nothing_refused() {
    let Some(dir) = codex() else { return };
    let text = std::fs::read_to_string(dir.join("triples.tsv")).unwrap();
    let head: String = text.lines().take(2000).map(|l| format!("{l}\n")).collect();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("triples.tsv");
    std::fs::write(&path, head).unwrap();
    let m =
        Mapping::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/codex-m.toml")).unwrap();
    let (g, s) = import(
        &[ImportSource::at(&path, Some(dossier::import::ImportFormat::Triples)).unwrap()],
        &m,
    )
    .unwrap();
    assert_eq!(s.relations, 2000);
    assert_eq!(g.relation_count(), 2000);
    assert!(s.fallbacks > 0 && s.related < 2000, "{s}");
    // Q1041 (Senegal) is a sovereign state; Q108946 a film, which has no kind of its own.
    assert_eq!(kind_of(&g, "q1041"), EntityKind::Place);
    let film = g.entity(g.node("q108946").unwrap());
    assert_eq!(film.kind(), EntityKind::Organisation);
    assert!(matches!(&film.attributes()["types"], AttributeValue::Text(t) if t.contains("film")));
    assert_eq!(
        relation(&g, "q108946.related.q39792").label(),
        "cast member"
    );
    let humans = g.entities(Some(&[EntityKind::Person])).count();
    assert!(humans > 1000, "{humans} people");
}

// ---------------------------------------------------------------- progress

/// Records what an import reports.
#[derive(Default)]
struct Recorder(std::cell::RefCell<Vec<String>>);

impl dossier::import::Progress for Recorder {
    fn start(&self, what: &str, bytes: Option<u64>) {
        self.0.borrow_mut().push(format!("start {what} {bytes:?}"));
    }
    fn advance(&self, bytes: u64) {
        self.0.borrow_mut().push(format!("at {bytes}"));
    }
    fn finish(&self) {
        self.0.borrow_mut().push("finish".into());
    }
}

#[test]
fn progress_is_told_each_file_and_the_bytes_read() {
    let path = fixture("ftm/small.ftm.json");
    let size = std::fs::metadata(&path).unwrap().len();
    let recorder = Recorder::default();
    load_with_imports(None, &[at(&path)], &Mapping::default(), &recorder).unwrap();
    let log = recorder.0.into_inner();
    assert_eq!(
        log,
        [
            format!("start small.ftm.json (things) Some({size})"),
            format!("at {size}"),
            "finish".into(),
            format!("start small.ftm.json (links) Some({size})"),
            format!("at {size}"),
            "finish".into(),
        ]
    );
}

// ---------------------------------------------------------------- command line

#[test]
fn dossier_import_prints_a_summary_and_refuses_bad_files() {
    let bin = env!("CARGO_BIN_EXE_dossier");
    let ok = std::process::Command::new(bin)
        .args(["import", "--dry-run", "--format", "csv"])
        .arg(fixture("csv"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{out}");
    assert!(out.contains("6 entities, 9 relations (3 RELATED"), "{out}");
    assert!(out.contains("peak memory"), "{out}");
    assert!(out.contains("a dry run: nothing was kept"), "{out}");
    let (_dir, bad) = relations_file("from,to,kind,quote,source\ngov,bob,ARRESTED,Bob.,doc\n");
    let ImportSource::Csv {
        relations: Some(rel),
        ..
    } = bad
    else {
        unreachable!()
    };
    let failed = std::process::Command::new(bin)
        .args(["import", "--dry-run"])
        .arg(rel.parent().unwrap())
        .output()
        .unwrap();
    assert!(!failed.status.success());
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(
        err.contains("relations.csv:2:5: to: unknown entity `bob`"),
        "{err}"
    );
}

#[test]
fn dossier_import_keeps_the_dataset_all_or_nothing_and_serve_starts_from_it() {
    let bin = env!("CARGO_BIN_EXE_dossier");
    let state = tempfile::tempdir().unwrap();
    let import = |path: &std::path::Path| {
        std::process::Command::new(bin)
            .args(["import", "--format", "csv", "--state"])
            .arg(state.path())
            .arg(path)
            .output()
            .unwrap()
    };
    let kept = import(&fixture("csv"));
    let out = String::from_utf8_lossy(&kept.stdout);
    assert!(kept.status.success(), "{out}");
    assert!(out.contains("kept as import 1"), "{out}");
    // The same dataset again clashes with what is kept, and nothing more is kept.
    let again = import(&fixture("csv"));
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("duplicate id"), "{err}");
    let journal = dossier::journal::Sqlite::open(state.path()).unwrap();
    let imports = journal.kept_imports().unwrap();
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].counts.1, 6, "{imports:?}");
    // serve starts from the kept dataset, without the files.
    let graph = journal
        .with_kept_imports(dossier::store::Graph::default())
        .unwrap();
    let (dry, _) = dossier::import::load_with_imports(
        None,
        &[ImportSource::at(&fixture("csv"), None).unwrap()],
        &dossier::import::Mapping::default(),
        &dossier::import::Silent,
    )
    .unwrap();
    assert_eq!(graph.entity_count(), dry.entity_count());
    assert_eq!(graph.relation_count(), dry.relation_count());
    let ids = |g: &dossier::store::Graph| -> Vec<String> {
        let mut v: Vec<String> = g
            .all_relations()
            .map(|e| format!("{:?}", g.relation(e).to_relation()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        ids(&graph),
        ids(&dry),
        "the kept relations are the imported ones"
    );
}

#[test]
fn dossier_serve_stops_before_binding_when_an_import_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.tsv");
    std::fs::write(&path, "Q1\tP463\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(bundled_data_dir())
        .arg("--import")
        .arg(&path)
        .arg("--mapping")
        .arg(fixture("triples/mapping.toml"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Were it to start serving, it would not stop by itself: give it 60 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("serve started despite a bad import");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("t.tsv:1:1: columns"), "{err}");
}

// ---------------------------------------------------------------- duplicate ids

#[test]
fn a_duplicate_id_says_where_it_was_first_defined_in_the_import() {
    let first = csv_dir(&[(
        "nodes.csv",
        "id,kind,name\nann,PERSON,Ann\nbob,PERSON,Bob\n",
    )]);
    let second = csv_dir(&[("nodes.csv", "name,id,kind\nBob again,bob,PERSON\n")]);
    let e = the_error(import(
        &[at(first.path()), at(second.path())],
        &Mapping::default(),
    ));
    assert_at(&e, "nodes.csv", 2, 11, "id");
    assert!(e.file.starts_with(second.path()), "{e}");
    let expected = format!(
        "first defined at {}:3:1",
        first.path().join("nodes.csv").display()
    );
    assert!(e.message.contains(&expected), "{e}");
}

#[test]
fn a_node_that_redefines_a_curated_entity_names_the_curated_file_and_line() {
    let dir = csv_dir(&[(
        "nodes.csv",
        "id,kind,name\nnew,PERSON,New\nechr,COURT,The ECHR\n",
    )]);
    let data = bundled_data_dir();
    let errors = load_with_imports(Some(&data), &[at(dir.path())], &Mapping::default(), &Silent)
        .unwrap_err()
        .0;
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_at(e, "nodes.csv", 3, 1, "id");
    // Where `data/` defines it, found by the line that says `id = "echr"`.
    let (file, line) = std::fs::read_dir(&data)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .find_map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let line = text.lines().position(|l| l.trim() == "id = \"echr\"")?;
            Some((p, line + 1))
        })
        .expect("data/ defines echr");
    let expected = format!("first defined at {}:{line}:6", file.display());
    assert!(e.message.contains(&expected), "{e}\nexpected: {expected}");
    assert!(
        e.message.contains("cannot redefine a curated entity"),
        "{e}"
    );
    // Onto a graph loaded apart (as `serve` does), the same when told its directory…
    let (curated, _) = load::load_dir(&data).unwrap();
    let errors = dossier::import::import_onto_data(
        &curated,
        &data,
        &[at(dir.path())],
        &Mapping::default(),
        &Silent,
    )
    .unwrap_err()
    .0;
    assert!(errors[0].message.contains(&expected), "{}", errors[0]);
    // …and when not, it still says the curated data has it.
    let errors =
        dossier::import::import_onto(&curated, &[at(dir.path())], &Mapping::default(), &Silent)
            .unwrap_err()
            .0;
    assert!(
        errors[0]
            .message
            .contains("in the curated data loaded before the imports"),
        "{}",
        errors[0]
    );
}
