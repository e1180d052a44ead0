//! The builder's own tests: quotes stored once, ids and kinds checked once.

use super::*;
use crate::model::Citation;
use crate::model::{Date, Relation, RelationKind};

fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
}

fn builder() -> GraphBuilder {
    let mut b = GraphBuilder::new();
    b.add_document(Document {
        id: id("doc"),
        title: "A bulletin".into(),
        publisher: None,
        published: None,
        url: None,
    })
    .unwrap();
    for who in ["ann", "bob"] {
        b.add_entity(Entity::new(id(who), EntityKind::Person, who))
            .unwrap();
    }
    b
}

fn called(from: &str, to: &str) -> Relation {
    let citation = Citation {
        document: id("doc"),
        quote: "they spoke".into(),
    };
    let rid = id(&ids::default_id(from, RelationKind::Called, to));
    Relation::cited(rid, RelationKind::Called, id(from), id(to), citation)
}

#[test]
fn a_date_too_far_out_to_store_is_refused_and_nothing_is_added() {
    let mut b = builder();
    for field in ["date", "until"] {
        let mut r = called("ann", "bob");
        r.date = Some(Date::ymd(2023, 9, 22));
        let far = Some(Date::ymd(9_000_000, 1, 1));
        match field {
            "date" => r.date = far,
            _ => r.until = far,
        }
        let err = b.add_relation(r).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(err.to_string().contains("too far out"), "{err}");
    }
    assert!(!b.has_relation("ann.called.bob"));
    let g = b.build().unwrap();
    assert_eq!((g.relation_count(), g.entity_count()), (0, 2));
    assert!(g.edge("ann.called.bob").is_none());
}

#[test]
fn default_and_given_ids_cannot_collide() {
    let mut b = builder();
    // Another relation given the id ann→bob's default id would have.
    let mut given = called("bob", "ann");
    given.id = id("ann.called.bob");
    b.add_relation(given).unwrap();
    let err = b.add_relation(called("ann", "bob")).unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err}");
    // And a default id taken first refuses the same text given later.
    let mut b = builder();
    b.add_relation(called("ann", "bob")).unwrap();
    let mut given = called("bob", "ann");
    given.id = id("ann.called.bob");
    assert!(matches!(
        b.add_relation(given).unwrap_err(),
        StoreError::Duplicate { .. }
    ));
    let g = b.build().unwrap();
    assert_eq!(g.relation_count(), 1);
    let e = g.edge("ann.called.bob").unwrap();
    assert_eq!(g.relation(e).from(), "ann");
}

#[test]
fn a_quote_repeated_is_stored_once_whatever_cites_it() {
    let mut b = builder();
    b.add_document(Document {
        id: id("other"),
        title: "Another bulletin".into(),
        publisher: None,
        published: None,
        url: None,
    })
    .unwrap();
    let spoke = "Ann and Bob spoke on the phone for an hour.";
    let met = "They met at the court.";
    let cites = [
        ("doc", spoke),
        ("doc", met),
        ("doc", spoke),
        ("other", spoke),
        ("other", met),
    ];
    for (i, (document, quote)) in cites.into_iter().enumerate() {
        let mut r = called("ann", "bob");
        r.id = id(&format!("call-{i}"));
        r.citations = vec![Citation {
            document: id(document),
            quote: quote.into(),
        }];
        b.add_relation(r).unwrap();
    }
    let g = b.build().unwrap();
    // Each quote's text once, though five relations cite them from two documents.
    assert_eq!(g.memory().quotes, spoke.len() + met.len());
    for (i, (document, quote)) in cites.into_iter().enumerate() {
        let r = g
            .relation(g.edge(&format!("call-{i}")).unwrap())
            .to_relation();
        assert_eq!(r.citations.len(), 1);
        assert_eq!(
            (
                r.citations[0].document.as_str(),
                r.citations[0].quote.as_str()
            ),
            (document, quote)
        );
    }
}

/// A builder with two persons of long names, for quotes kept as templates of them.
fn named_builder() -> GraphBuilder {
    let mut b = builder();
    for (who, name) in [
        ("rashad", "Rashad Dadali"),
        ("aysel", "Aysel Mammadova"),
        ("gubad", "Gubad Ibadoglu"),
    ] {
        b.add_entity(Entity::new(id(who), EntityKind::Person, name))
            .unwrap();
    }
    b
}

fn quoted(from: &str, to: &str, rid: &str, date: Option<Date>, quote: &str) -> Relation {
    let mut r = called(from, to);
    r.id = id(rid);
    r.date = date;
    r.citations[0].quote = quote.into();
    r
}

fn quote_of(g: &Graph, rid: &str) -> String {
    g.relation(g.edge(rid).unwrap())
        .citation(0)
        .unwrap()
        .quote()
        .into_owned()
}

#[test]
fn quotes_of_one_shape_share_one_template_and_come_back_exact() {
    let mut b = named_builder();
    let day = Some(Date::ymd(2023, 9, 22));
    let cases = [
        (
            "rashad",
            "aysel",
            day,
            "Rashad Dadali called Aysel Mammadova on 2023-09-22.",
        ),
        (
            "aysel",
            "gubad",
            day,
            "Aysel Mammadova called Gubad Ibadoglu on 2023-09-22.",
        ),
        (
            "gubad",
            "rashad",
            None,
            "Gubad Ibadoglu called Rashad Dadali on 2023-09-22.",
        ),
        (
            "rashad",
            "gubad",
            day,
            "Rashad Dadali called Rashad Dadali, not Gubad Ibadoglu.",
        ),
        (
            "aysel",
            "rashad",
            None,
            "No name here at all, a plain sentence.",
        ),
    ];
    for (i, &(from, to, date, quote)) in cases.iter().enumerate() {
        b.add_relation(quoted(from, to, &format!("r{i}"), date, quote))
            .unwrap();
    }
    let g = b.build().unwrap();
    for (i, &(.., quote)) in cases.iter().enumerate() {
        assert_eq!(quote_of(&g, &format!("r{i}")), quote);
    }
    // The first two share " called  on ." (one template; a citation each, read in the
    // relations' order); the third keeps its date as text (it has none), the fourth has a
    // shape of its own, the fifth is text.
    assert_eq!(g.templates.len(), 3);
    assert_eq!(g.citations.len(), 5);
    let m = g.memory();
    assert_eq!(m.quotes, cases[4].3.len());
    let texts = " called  on .".len() + " called  on 2023-09-22.".len() + " called , not .".len();
    assert_eq!(
        m.templates - g.templates.bytes() - g.quote_names.bytes(),
        texts
    );
}

#[test]
fn a_sentence_naming_several_is_stored_once_as_text_for_the_relations_it_backs() {
    let mut b = named_builder();
    let quote = "Gubad Ibadoglu said the police detained Rashad Dadali and Aysel Mammadova.";
    let ends = [("gubad", "rashad"), ("gubad", "aysel"), ("rashad", "aysel")];
    for (i, (from, to)) in ends.into_iter().enumerate() {
        b.add_relation(quoted(from, to, &format!("r{i}"), None, quote))
            .unwrap();
    }
    let g = b.build().unwrap();
    for i in 0..3 {
        assert_eq!(quote_of(&g, &format!("r{i}")), quote);
    }
    // The first relation's template, then the sentence's text once for the two others.
    assert_eq!(g.templates.len(), 1);
    assert_eq!(g.memory().quotes, quote.len());
    assert_eq!(g.citations.len(), 2);
}

/// The quote of one relation, `r0` from `rashad` to `aysel` on its day, and the graph holding
/// it (kept as a template).
const CALLED: &str = "Rashad Dadali called Aysel Mammadova on 2023-09-22.";

fn one_call() -> (Graph, Option<Date>) {
    let mut b = named_builder();
    let day = Some(Date::ymd(2023, 9, 22));
    b.add_relation(quoted("rashad", "aysel", "r0", day, CALLED))
        .unwrap();
    (b.build().unwrap(), day)
}

#[test]
fn a_rename_leaves_the_quotes_of_the_entity_as_they_were() {
    let quote = CALLED;
    let (g, day) = one_call();
    assert_eq!(g.templates.len(), 1, "kept as a template");
    let mut b = GraphBuilder::over(&g);
    let rashad = g.node("rashad").unwrap();
    let renamed = Entity::new(id("rashad"), EntityKind::Person, "Rashad Dadaşlı");
    b.replace_entity(rashad, renamed.clone()).unwrap();
    // A relation added after the rename, quoting the new name, is a template of it.
    let later = "Rashad Dadaşlı called Aysel Mammadova on 2023-09-22.";
    b.add_relation(quoted("rashad", "aysel", "r1", day, later))
        .unwrap();
    let g = b.build().unwrap();
    assert_eq!(g.entity(rashad).name(), "Rashad Dadaşlı");
    assert_eq!(quote_of(&g, "r0"), quote);
    assert_eq!(quote_of(&g, "r1"), later);
    // Renamed again, and laid out anew: still as quoted.
    let mut b = GraphBuilder::over(&g);
    let again = Entity::new(id("rashad"), EntityKind::Person, "R. Dadali");
    b.replace_entity(rashad, again).unwrap();
    let g = b.build().unwrap().folded();
    assert_eq!(g.entity(rashad).name(), "R. Dadali");
    assert_eq!(
        (quote_of(&g, "r0"), quote_of(&g, "r1")),
        (quote.into(), later.into())
    );
}

#[test]
fn a_text_given_later_is_checked_against_quotes_kept_as_templates() {
    let quote = CALLED;
    let (g, _) = one_call();
    let mut b = GraphBuilder::over(&g);
    let other = "Rashad Dadali called Gubad Ibadoglu on 2023-09-22.";
    let err = b.set_document_text(&id("doc"), Some(other)).unwrap_err();
    assert!(matches!(err, StoreError::NotVerbatim { .. }), "{err}");
    let text = format!("Police said: {quote} Nothing else.");
    b.set_document_text(&id("doc"), Some(&text)).unwrap();
}

#[test]
fn quotes_kept_as_templates_stay_exact_when_removals_renumber_what_is_left() {
    let mut b = named_builder();
    b.add_entity(Entity::new(
        id("ilham"),
        EntityKind::Person,
        "Ilham Mammadov",
    ))
    .unwrap();
    let day = Some(Date::ymd(2020, 3, 28));
    let cases = [
        (
            "ilham",
            "rashad",
            "Ilham Mammadov called Rashad Dadali on 2020-03-28.",
        ),
        (
            "rashad",
            "aysel",
            "Rashad Dadali called Aysel Mammadova on 2020-03-28.",
        ),
        (
            "aysel",
            "gubad",
            "On 2020-03-28 Aysel Mammadova called Gubad Ibadoglu.",
        ),
        (
            "gubad",
            "rashad",
            "Gubad Ibadoglu called Rashad Dadali on 2020-03-28.",
        ),
    ];
    for (i, &(from, to, quote)) in cases.iter().enumerate() {
        b.add_relation(quoted(from, to, &format!("r{i}"), day, quote))
            .unwrap();
    }
    let g = b.build().unwrap();
    assert_eq!(g.templates.len(), 2, "all four kept as templates");
    // The first relation and an entity added before the others go: what is left is numbered
    // afresh, and each relation must still find its own names.
    let mut b = GraphBuilder::over(&g);
    b.remove_relations(&[g.edge("r0").unwrap()]).unwrap();
    b.remove_entity(g.node("ilham").unwrap()).unwrap();
    let g = b.build().unwrap().folded();
    assert!(g.edge("r0").is_none());
    for (i, &(.., quote)) in cases.iter().enumerate().skip(1) {
        assert_eq!(quote_of(&g, &format!("r{i}")), quote);
    }
    // Names kept for the four templates' citations, the removed relation's too.
    assert_eq!(g.quote_names.len(), 4);
}
