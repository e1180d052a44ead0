//! One set of rules for a relation, whichever way it comes in: a data file, a CSV row or a
//! FollowTheMoney line gets the same words for the same fault (the store's `check_relation`).

use dossier::import::{load_with_imports, ImportSource, Mapping, Silent};
use dossier::load::{self, LoadErrors};
use std::path::PathBuf;

const EXPECTED: &str = "the end (2024-01-01) is before the date (2024-02-01)";

fn the_message(result: Result<impl Sized, LoadErrors>) -> (String, String) {
    let errors = match result {
        Ok(_) => panic!("the relation was accepted"),
        Err(e) => e,
    };
    let e = errors.0.first().expect("one error");
    (e.field.clone(), e.message.clone())
}

fn import(path: PathBuf) -> Result<impl Sized, LoadErrors> {
    let source = ImportSource::at(&path, None).unwrap();
    load_with_imports(None, &[source], &Mapping::default(), &Silent)
}

#[test]
fn a_period_that_ends_before_it_begins_gets_the_same_message_everywhere() {
    let dir = tempfile::tempdir().unwrap();

    // A data file.
    let toml = r#"
[document]
id = "doc"
title = "A report"

[[entity]]
id = "ann"
kind = "PERSON"
name = "Ann"

[[entity]]
id = "ngo"
kind = "ORGANISATION"
name = "An NGO"

[[relation]]
kind = "MEMBER_OF"
from = "ann"
to = "ngo"
date = "2024-02-01"
until = "2024-01-01"
quote = "Ann was a member of the NGO."
"#;
    let (field, message) = the_message(load::load_sources(
        dir.path(),
        &[(dir.path().join("data.toml"), toml.to_string())],
    ));
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("relation.until", EXPECTED)
    );

    // A CSV row.
    let csv = dir.path().join("csv");
    std::fs::create_dir(&csv).unwrap();
    std::fs::write(csv.join("documents.csv"), "id,title\ndoc,A report\n").unwrap();
    std::fs::write(
        csv.join("nodes.csv"),
        "id,kind,name\nann,PERSON,Ann\nngo,ORGANISATION,An NGO\n",
    )
    .unwrap();
    std::fs::write(
        csv.join("relations.csv"),
        "from,to,kind,date,until,quote,source\nann,ngo,MEMBER_OF,2024-02-01,2024-01-01,Ann was a member of the NGO.,doc\n",
    )
    .unwrap();
    let (field, message) = the_message(import(csv));
    assert_eq!((field.as_str(), message.as_str()), ("until", EXPECTED));

    // A FollowTheMoney line.
    let ftm = dir.path().join("x.ftm.json");
    std::fs::write(
        &ftm,
        concat!(
            "{\"id\": \"ann\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ann\"]}}\n",
            "{\"id\": \"ngo\", \"schema\": \"Organization\", \"properties\": {\"name\": [\"An NGO\"]}}\n",
            "{\"id\": \"m1\", \"schema\": \"Membership\", \"properties\": {\"member\": [\"ann\"], \"organization\": [\"ngo\"], \"startDate\": [\"2024-02-01\"], \"endDate\": [\"2024-01-01\"]}}\n",
        ),
    )
    .unwrap();
    let (field, message) = the_message(import(ftm));
    assert_eq!((field.as_str(), message.as_str()), ("endDate", EXPECTED));
}
