//! A small graph that exercises every export: names in Azerbaijani and Armenian, curly and
//! straight quotes, ampersands, angle brackets, newlines and backslashes, parallel relations,
//! an event with a place and dates, typed attributes, and two documents.
//! The people and facts are made up.

use crate::model::{
    AttributeValue, Citation, ClaimStatus, Date, Document, Entity, EntityKind, Id, Relation,
    RelationKind,
};
use crate::store::{Graph, GraphBuilder};

/// Every awkward character at once.
pub(crate) const NASTY: &str = "Says \"no\" & <b>bold</b> it’s “quoted”\nsecond line \\ end";

fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
}

fn date(s: &str) -> Option<Date> {
    Some(Date::parse(s).unwrap())
}

fn entity(b: &mut GraphBuilder, slug: &str, kind: EntityKind, name: &str) -> Entity {
    let e = Entity::new(id(slug), kind, name);
    b.add_entity(e.clone()).unwrap();
    e
}

fn relation(from: &str, kind: RelationKind, to: &str) -> Relation {
    Relation::cited(
        id(&Relation::default_id(&id(from), kind, &id(to))),
        kind,
        id(from),
        id(to),
        Citation {
            document: id("bulletin"),
            quote: format!("{from} {} {to}", kind.label()),
        },
    )
}

/// The fixture graph.
pub(crate) fn fixture() -> Graph {
    let mut b = GraphBuilder::new();
    b.add_document(Document {
        id: id("bulletin"),
        title: "Bulletin “22 September” <draft> & notes".into(),
        publisher: Some("Center for Studies & Research".into()),
        published: date("2023-09-22"),
        url: Some("https://example.org/bulletin?id=1&lang=en".into()),
    })
    .unwrap();
    b.add_document(Document {
        id: id("second-source"),
        title: "Second source".into(),
        publisher: None,
        published: None,
        url: None,
    })
    .unwrap();

    let mut ali = Entity::new(id("ali-aliyev"), EntityKind::Person, "Əli Əliyev");
    ali.aliases = vec!["Ali Aliyev".into(), "Али Алиев".into()];
    ali.roles = vec!["minister".into(), "party leader".into()];
    ali.description = Some(NASTY.into());
    b.add_entity(ali).unwrap();
    let mut aram = Entity::new(id("aram-petrosyan"), EntityKind::Person, "Արամ Պետրոսյան");
    aram.aliases = vec!["Aram Petrosyan".into()];
    b.add_entity(aram).unwrap();
    let mut rail = Entity::new(
        id("rail-mammadov"),
        EntityKind::Person,
        "Rail \"R\" Mammadov",
    );
    rail.roles = vec!["activist".into()];
    b.add_entity(rail).unwrap();
    entity(
        &mut b,
        "state",
        EntityKind::Government,
        "The State’s “government”",
    );
    entity(
        &mut b,
        "court",
        EntityKind::Court,
        "Court of <Appeal> & Review",
    );
    entity(&mut b, "lawyers", EntityKind::Organisation, "Lawyers & Co");
    entity(&mut b, "town", EntityKind::Place, "Yevlax / Եւլախ");
    let mut talks = Entity::new(id("talks"), EntityKind::Event, "Talks in Yevlax");
    talks.start = date("2023-09-21");
    talks.end = date("2023-09-22");
    talks.place = Some(id("town"));
    talks.attributes = [
        ("participants", AttributeValue::Integer(2)),
        ("share", AttributeValue::Float(0.5)),
        ("public", AttributeValue::Bool(false)),
        ("note", AttributeValue::Text("a < b & c".into())),
        ("name", AttributeValue::Text("shadowed".into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    b.add_entity(talks).unwrap();

    let mut arrested = relation("state", RelationKind::Arrested, "rail-mammadov");
    arrested.date = date("2023-09-21");
    arrested.until = date("2023-09-22");
    arrested.claim = Some(ClaimStatus::Reported);
    arrested.description = Some(NASTY.into());
    arrested.citations = vec![
        Citation {
            document: id("bulletin"),
            quote: "He said: “Stop” & <left>".into(),
        },
        Citation {
            document: id("second-source"),
            quote: "line one\nline two \"quoted\" \\ back".into(),
        },
    ];
    arrested.attributes = [
        ("sentence_months".to_string(), AttributeValue::Integer(4)),
        ("date".to_string(), AttributeValue::Text("clash".into())),
    ]
    .into_iter()
    .collect();
    b.add_relation(arrested).unwrap();

    let mut detained = relation("state", RelationKind::Detained, "rail-mammadov");
    detained.date = date("2023-09");
    detained.role = Some("administrative detention".into());
    b.add_relation(detained).unwrap();
    let mut again = relation("state", RelationKind::Detained, "rail-mammadov");
    again.id = id("state.detained.rail-mammadov.2");
    again.date = date("2023");
    again.claim = Some(ClaimStatus::Alleged);
    b.add_relation(again).unwrap();

    let mut called = relation("ali-aliyev", RelationKind::Called, "aram-petrosyan");
    called.date = date("2023-09-21");
    b.add_relation(called).unwrap();
    for (from, kind, to) in [
        ("lawyers", RelationKind::Defended, "rail-mammadov"),
        ("court", RelationKind::RuledOn, "rail-mammadov"),
        ("ali-aliyev", RelationKind::ParticipatedIn, "talks"),
        ("aram-petrosyan", RelationKind::ParticipatedIn, "talks"),
        ("state", RelationKind::Organised, "talks"),
        ("talks", RelationKind::LocatedIn, "town"),
        ("ali-aliyev", RelationKind::Leads, "state"),
        ("ali-aliyev", RelationKind::MemberOf, "lawyers"),
        ("aram-petrosyan", RelationKind::WorksFor, "court"),
        (
            "rail-mammadov",
            RelationKind::SpokespersonFor,
            "aram-petrosyan",
        ),
    ] {
        b.add_relation(relation(from, kind, to)).unwrap();
    }
    let mut family = relation("ali-aliyev", RelationKind::RelativeOf, "rail-mammadov");
    family.role = Some("brother-in-law".into());
    b.add_relation(family).unwrap();
    b.add_relation(relation(
        "rail-mammadov",
        RelationKind::AssociateOf,
        "aram-petrosyan",
    ))
    .unwrap();
    b.add_relation(relation(
        "aram-petrosyan",
        RelationKind::AssociateOf,
        "lawyers",
    ))
    .unwrap();
    b.build().unwrap()
}

/// The whole fixture as a view.
pub(crate) fn whole() -> (Graph, super::View) {
    let g = fixture();
    let v = super::View::whole(&g);
    (g, v)
}

/// The number of entities and relations in the fixture.
pub(crate) const COUNTS: (usize, usize) = (8, 17);

#[test]
fn the_fixture_builds_with_the_counts_the_tests_expect() {
    let g = fixture();
    assert_eq!((g.entity_count(), g.relation_count()), COUNTS);
}
