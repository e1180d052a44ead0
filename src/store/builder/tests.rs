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
