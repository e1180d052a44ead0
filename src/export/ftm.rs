//! FollowTheMoney entities as JSON lines (`{"id", "schema", "properties": {name: [values]}}`
//! per line), for Aleph, OpenSanctions' tools and the `followthemoney` package. The mapping is
//! in the module documentation of [`crate::export`].
//!
//! Every property name is one that FtM's schema (followthemoney 4.x) defines on that schema,
//! every value is a string, and every reference points to an entity in the same file: relation
//! ends and event participants outside the view are left out rather than left dangling.
//!
//! Past 450 lines only with its tests, at the end of the file.

use super::fields::{cited_documents, place_name};
use super::Prepared;
use crate::model::{AttributeValue, EntityKind, RelationKind};
use crate::store::{Edge, Graph, Node, RelationRef};
use serde::Serialize;
use std::collections::BTreeMap;

/// The FtM id of an entity.
pub(crate) fn entity_id(id: &str) -> String {
    format!("dossier-{id}")
}

/// The FtM id of the entity a relation becomes.
pub(crate) fn relation_id(id: &str) -> String {
    format!("dossier-rel-{id}")
}

/// The FtM id of a source document.
pub(crate) fn document_id(id: &str) -> String {
    format!("dossier-doc-{id}")
}

/// The FtM schema of an entity kind.
pub(crate) fn entity_schema(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "Person",
        EntityKind::Organisation => "Organization",
        EntityKind::Court | EntityKind::Government => "PublicBody",
        EntityKind::Event => "Event",
        EntityKind::Place => "Address",
    }
}

/// One FtM entity. Property values keep the order they were added, without repeats.
#[derive(Serialize)]
struct Proxy {
    id: String,
    schema: &'static str,
    properties: BTreeMap<&'static str, Vec<String>>,
}

impl Proxy {
    fn new(id: String, schema: &'static str) -> Proxy {
        Proxy {
            id,
            schema,
            properties: BTreeMap::new(),
        }
    }

    fn add(&mut self, prop: &'static str, value: impl Into<String>) {
        let value: String = value.into();
        if value.trim().is_empty() {
            return;
        }
        let values = self.properties.entry(prop).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }

    fn add_opt(&mut self, prop: &'static str, value: Option<impl Into<String>>) {
        if let Some(v) = value {
            self.add(prop, v);
        }
    }
}

/// How a relation kind maps onto FtM: the schema, the properties its two ends fill, and the
/// role property with its default.
struct Link {
    schema: &'static str,
    source: &'static str,
    target: &'static str,
    /// The property that takes the relation's `role` (`role` or `relationship`), if any.
    role: Option<&'static str>,
    /// The role to state when the relation gives none.
    default_role: Option<&'static str>,
}

const fn link(
    schema: &'static str,
    source: &'static str,
    target: &'static str,
    role: Option<&'static str>,
    default_role: Option<&'static str>,
) -> Link {
    Link {
        schema,
        source,
        target,
        role,
        default_role,
    }
}

/// The FtM link schema of a relation between entities of these kinds (`RULED_ON`, which becomes
/// a `CourtCase`, is handled apart). Schemata whose ranges do not fit the ends fall back to
/// `UnknownLink`.
fn link_for(kind: RelationKind, from: EntityKind, to: EntityKind) -> Link {
    use EntityKind::Person;
    match kind {
        RelationKind::Defended => link(
            "Representation",
            "agent",
            "client",
            Some("role"),
            Some("defence counsel"),
        ),
        RelationKind::Represents => link(
            "Representation",
            "agent",
            "client",
            Some("role"),
            Some("representative"),
        ),
        RelationKind::SpokespersonFor if to == Person => link(
            "Representation",
            "agent",
            "client",
            Some("role"),
            Some("spokesperson"),
        ),
        RelationKind::SpokespersonFor => link(
            "Employment",
            "employee",
            "employer",
            Some("role"),
            Some("spokesperson"),
        ),
        RelationKind::WorksFor => link("Employment", "employee", "employer", Some("role"), None),
        RelationKind::MemberOf => link("Membership", "member", "organization", Some("role"), None),
        RelationKind::Called => link("Call", "caller", "receiver", None, None),
        RelationKind::RelativeOf => {
            link("Family", "person", "relative", Some("relationship"), None)
        }
        RelationKind::AssociateOf if from == Person && to == Person => link(
            "Associate",
            "person",
            "associate",
            Some("relationship"),
            None,
        ),
        _ => link("UnknownLink", "subject", "object", Some("role"), None),
    }
}

/// Whether a schema has a `status` property (the `Interest` schemata do; `Call`, `Family` and
/// `Associate` do not).
fn has_status(schema: &str) -> bool {
    !matches!(schema, "Call" | "Family" | "Associate")
}

fn attribute_note(name: &str, v: &AttributeValue) -> String {
    format!("{name}: {v}")
}

/// Writes the view as FtM JSON lines.
pub(crate) fn write(graph: &Graph, view: &Prepared) -> String {
    let mut proxies: Vec<Proxy> = Vec::new();
    for &n in &view.nodes {
        proxies.push(entity(graph, view, n));
    }
    for &e in &view.edges {
        relation(graph, e, &mut proxies);
    }
    for d in cited_documents(graph, view) {
        let mut p = Proxy::new(document_id(d.id.as_str()), "Document");
        p.add("title", d.title.as_str());
        p.add_opt("publisher", d.publisher.as_deref());
        p.add_opt("date", d.published.map(|x| x.to_string()));
        p.add_opt("publishedAt", d.published.map(|x| x.to_string()));
        p.add_opt("sourceUrl", d.url.as_deref());
        proxies.push(p);
    }
    if let Some(note) = &view.note {
        let mut p = Proxy::new(format!("dossier-export-{}", note.tag()), "Document");
        let title = match &note.page {
            Some(page) => format!("dossier export (page {} of {})", page.number, page.pages),
            None => "dossier export (truncated)".into(),
        };
        p.add("title", title);
        p.add("description", note.text.as_str());
        proxies.push(p);
    }
    let mut out = String::new();
    for p in proxies {
        out.push_str(&serde_json::to_string(&p).expect("plain JSON"));
        out.push('\n');
    }
    out
}

fn entity(graph: &Graph, view: &Prepared, n: Node) -> Proxy {
    let e = graph.entity(n);
    let schema = entity_schema(e.kind());
    let mut p = Proxy::new(entity_id(e.id()), schema);
    p.add("name", e.name());
    for a in e.aliases() {
        p.add("alias", a.as_str());
    }
    p.add_opt("description", e.description());
    for (k, v) in e.attributes() {
        p.add("notes", attribute_note(k, v));
    }
    if view.is_ref(n) {
        p.add("notes", "page_ref: true");
    }
    match e.kind() {
        EntityKind::Person => {
            for r in e.roles() {
                p.add("position", r.as_str());
            }
        }
        EntityKind::Place => p.add("full", e.name()),
        EntityKind::Event => {
            let start = e.start().map(|d| d.to_string());
            let end = e.end().map(|d| d.to_string());
            p.add_opt("startDate", start.clone());
            p.add_opt("endDate", end.clone());
            if end.is_none() || end == start {
                p.add_opt("date", start);
            }
            if let Some(place) = e.place() {
                p.add_opt("location", place_name(graph, place.as_str()));
                if let Some(pn) = graph.node(place.as_str()) {
                    if view.members.contains(&pn) {
                        p.add("addressEntity", entity_id(place.as_str()));
                    }
                }
            }
            for who in graph.participants(n) {
                if view.members.contains(&who) {
                    p.add("involved", entity_id(graph.entity(who).id()));
                }
            }
            for &edge in &view.edges {
                let r = graph.relation(edge);
                if r.kind() == RelationKind::Organised && r.to() == e.id() {
                    p.add("organizer", entity_id(r.from()));
                }
            }
        }
        _ => {}
    }
    p
}

/// A relation's dates: `date`, or `startDate` and `endDate` when it has an end.
fn relation_dates(p: &mut Proxy, r: RelationRef<'_>) {
    let date = r.date().map(|d| d.to_string());
    match r.until() {
        Some(u) => {
            p.add_opt("startDate", date);
            p.add("endDate", u.to_string());
        }
        None => p.add_opt("date", date),
    }
}

/// The fields every relation entity shares: dates, description, claim, attributes, proof.
fn relation_common(p: &mut Proxy, r: RelationRef<'_>) {
    relation_dates(p, r);
    p.add_opt("description", r.description());
    p.add("recordId", r.id().into_owned());
    if let Some(c) = r.claim() {
        if has_status(p.schema) {
            p.add("status", c.name().to_ascii_lowercase());
        } else {
            p.add(
                "summary",
                format!("claim: {}", c.name().to_ascii_lowercase()),
            );
        }
    }
    for (k, v) in r.attributes() {
        p.add("summary", attribute_note(k, v));
    }
    for c in r.citations() {
        p.add("proof", document_id(c.document().id.as_str()));
    }
}

fn relation(graph: &Graph, edge: Edge, out: &mut Vec<Proxy>) {
    let r = graph.relation(edge);
    let (from, to) = graph.endpoints(edge);
    let (fk, tk) = (graph.entity(from).kind(), graph.entity(to).kind());
    let rid = relation_id(&r.id());
    // `Documentation.entity` takes a `Thing`: a court case is one, link schemata are not, so
    // their sources are documented on both ends (and the link itself has them as `proof`).
    let documented: Vec<(&str, String)> = if r.kind() == RelationKind::RuledOn {
        ruling(graph, r, &rid, out);
        vec![("case", rid.clone())]
    } else {
        let l = link_for(r.kind(), fk, tk);
        let mut p = Proxy::new(rid.clone(), l.schema);
        p.add(l.source, entity_id(r.from()));
        p.add(l.target, entity_id(r.to()));
        match l.role {
            Some(prop) => {
                if l.schema == "UnknownLink" {
                    p.add(prop, r.label());
                }
                match (r.role(), l.default_role) {
                    (Some(role), _) => p.add(prop, role),
                    (None, Some(d)) => p.add(prop, d),
                    (None, None) => {}
                }
            }
            None => {
                if let Some(role) = r.role() {
                    p.add("summary", role);
                }
            }
        }
        relation_common(&mut p, r);
        out.push(p);
        let mut ends = vec![("from", entity_id(r.from()))];
        if r.to() != r.from() {
            ends.push(("to", entity_id(r.to())));
        }
        ends
    };
    for (i, c) in r.citations().enumerate() {
        for (end, target) in &documented {
            let mut d = Proxy::new(
                format!("dossier-cite-{}-{}-{end}", r.id(), i + 1),
                "Documentation",
            );
            d.add("document", document_id(c.document().id.as_str()));
            d.add("entity", target.as_str());
            d.add("role", "source");
            d.add("summary", c.quote());
            d.add("recordId", r.id().into_owned());
            out.push(d);
        }
    }
}

/// `RULED_ON` becomes a `CourtCase` (named after the ruling, with the court's name in `court`)
/// and two `CourtCaseParty` links: the court (role "court") and the one ruled on.
fn ruling(graph: &Graph, r: RelationRef<'_>, rid: &str, out: &mut Vec<Proxy>) {
    let court_name = graph.entity(r.from_node()).name();
    let subject_name = graph.entity(r.to_node()).name();
    let mut case = Proxy::new(rid.to_string(), "CourtCase");
    case.add("name", format!("{court_name} ruled on {subject_name}"));
    case.add("court", court_name);
    case.add_opt("description", r.description());
    if let Some(c) = r.claim() {
        case.add("status", c.name().to_ascii_lowercase());
    }
    for (k, v) in r.attributes() {
        case.add("notes", attribute_note(k, v));
    }
    for c in r.citations() {
        case.add("proof", document_id(c.document().id.as_str()));
    }
    out.push(case);
    for (suffix, party, role) in [
        ("court", r.from(), Some("court")),
        ("party", r.to(), r.role()),
    ] {
        let mut p = Proxy::new(format!("{rid}-{suffix}"), "CourtCaseParty");
        p.add("party", entity_id(party));
        p.add("case", rid);
        p.add_opt("role", role);
        relation_dates(&mut p, r);
        out.push(p);
    }
}

#[cfg(test)]
mod tests {
    use crate::export::testing::{whole, NASTY};
    use crate::export::{export, Format, View};
    use serde_json::Value;
    use std::collections::HashSet;

    fn lines(s: &str) -> Vec<Value> {
        s.lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
            .collect()
    }

    fn by_id<'a>(all: &'a [Value], id: &str) -> &'a Value {
        all.iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
    }

    #[test]
    fn entities_map_to_ftm_schemata() {
        let (g, v) = whole();
        let all = lines(&export(&g, &v, Format::Ftm));
        let ali = by_id(&all, "dossier-ali-aliyev");
        assert_eq!(ali["schema"], "Person");
        assert_eq!(ali["properties"]["name"][0], "Əli Əliyev");
        assert_eq!(ali["properties"]["alias"][1], "Али Алиев");
        assert_eq!(ali["properties"]["position"][0], "minister");
        assert_eq!(ali["properties"]["description"][0], NASTY);
        assert_eq!(by_id(&all, "dossier-state")["schema"], "PublicBody");
        assert_eq!(by_id(&all, "dossier-court")["schema"], "PublicBody");
        assert_eq!(by_id(&all, "dossier-lawyers")["schema"], "Organization");
        let town = by_id(&all, "dossier-town");
        assert_eq!(town["schema"], "Address");
        assert_eq!(town["properties"]["full"][0], "Yevlax / Եւլախ");
        let talks = &by_id(&all, "dossier-talks")["properties"];
        assert_eq!(talks["startDate"][0], "2023-09-21");
        assert_eq!(talks["endDate"][0], "2023-09-22");
        assert_eq!(talks["location"][0], "Yevlax / Եւլախ");
        assert_eq!(talks["addressEntity"][0], "dossier-town");
        let involved: HashSet<&str> = talks["involved"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            involved,
            HashSet::from(["dossier-ali-aliyev", "dossier-aram-petrosyan"])
        );
        assert_eq!(talks["organizer"][0], "dossier-state");
        assert!(talks["notes"]
            .as_array()
            .unwrap()
            .contains(&Value::from("participants: 2")));
    }

    #[test]
    fn relations_map_to_link_schemata_with_ftm_property_names() {
        let (g, v) = whole();
        let all = lines(&export(&g, &v, Format::Ftm));
        let schema = |id: &str| by_id(&all, &format!("dossier-rel-{id}"))["schema"].clone();
        assert_eq!(schema("lawyers.defended.rail-mammadov"), "Representation");
        assert_eq!(schema("ali-aliyev.called.aram-petrosyan"), "Call");
        assert_eq!(schema("ali-aliyev.member-of.lawyers"), "Membership");
        assert_eq!(schema("aram-petrosyan.works-for.court"), "Employment");
        assert_eq!(
            schema("rail-mammadov.spokesperson-for.aram-petrosyan"),
            "Representation"
        );
        assert_eq!(schema("ali-aliyev.relative-of.rail-mammadov"), "Family");
        assert_eq!(
            schema("rail-mammadov.associate-of.aram-petrosyan"),
            "Associate"
        );
        assert_eq!(schema("aram-petrosyan.associate-of.lawyers"), "UnknownLink");
        assert_eq!(schema("court.ruled-on.rail-mammadov"), "CourtCase");
        let defended = &by_id(&all, "dossier-rel-lawyers.defended.rail-mammadov")["properties"];
        assert_eq!(defended["agent"][0], "dossier-lawyers");
        assert_eq!(defended["client"][0], "dossier-rail-mammadov");
        assert_eq!(defended["role"][0], "defence counsel");
        let call = &by_id(&all, "dossier-rel-ali-aliyev.called.aram-petrosyan")["properties"];
        assert_eq!(call["caller"][0], "dossier-ali-aliyev");
        assert_eq!(call["receiver"][0], "dossier-aram-petrosyan");
        assert_eq!(call["date"][0], "2023-09-21");
        let family = &by_id(&all, "dossier-rel-ali-aliyev.relative-of.rail-mammadov")["properties"];
        assert_eq!(family["relationship"][0], "brother-in-law");
        let arrest = &by_id(&all, "dossier-rel-state.arrested.rail-mammadov")["properties"];
        assert_eq!(arrest["subject"][0], "dossier-state");
        assert_eq!(arrest["object"][0], "dossier-rail-mammadov");
        assert_eq!(arrest["role"][0], "arrested");
        assert_eq!(arrest["startDate"][0], "2023-09-21");
        assert_eq!(arrest["endDate"][0], "2023-09-22");
        assert_eq!(arrest["status"][0], "reported");
        assert_eq!(arrest["proof"].as_array().unwrap().len(), 2);
        let party = &by_id(&all, "dossier-rel-court.ruled-on.rail-mammadov-party")["properties"];
        assert_eq!(party["party"][0], "dossier-rail-mammadov");
        assert_eq!(party["case"][0], "dossier-rel-court.ruled-on.rail-mammadov");
        let court = &by_id(&all, "dossier-rel-court.ruled-on.rail-mammadov-court")["properties"];
        assert_eq!(court["party"][0], "dossier-court");
    }

    #[test]
    fn sources_become_documents_with_documentation_links_carrying_the_quote() {
        let (g, v) = whole();
        let all = lines(&export(&g, &v, Format::Ftm));
        let doc = &by_id(&all, "dossier-doc-bulletin")["properties"];
        assert_eq!(doc["title"][0], "Bulletin “22 September” <draft> & notes");
        assert_eq!(
            doc["sourceUrl"][0],
            "https://example.org/bulletin?id=1&lang=en"
        );
        assert_eq!(doc["date"][0], "2023-09-22");
        let cite = &by_id(&all, "dossier-cite-state.arrested.rail-mammadov-2-to")["properties"];
        assert_eq!(cite["document"][0], "dossier-doc-second-source");
        assert_eq!(cite["entity"][0], "dossier-rail-mammadov");
        assert_eq!(cite["summary"][0], "line one\nline two \"quoted\" \\ back");
        assert_eq!(cite["role"][0], "source");
        assert_eq!(cite["recordId"][0], "state.arrested.rail-mammadov");
        let from = &by_id(&all, "dossier-cite-state.arrested.rail-mammadov-2-from")["properties"];
        assert_eq!(from["entity"][0], "dossier-state");
        let case = &by_id(&all, "dossier-cite-court.ruled-on.rail-mammadov-1-case")["properties"];
        assert_eq!(
            case["entity"][0],
            "dossier-rel-court.ruled-on.rail-mammadov"
        );
    }

    #[test]
    fn every_reference_points_into_the_file_and_ids_are_unique() {
        let (g, v) = whole();
        for view in [
            v.clone(),
            View {
                nodes: v.nodes[..3].to_vec(),
                edges: v.edges.clone(),
            },
        ] {
            let all = lines(&export(&g, &view, Format::Ftm));
            let ids: HashSet<&str> = all.iter().map(|e| e["id"].as_str().unwrap()).collect();
            assert_eq!(ids.len(), all.len());
            for e in &all {
                for (prop, values) in e["properties"].as_object().unwrap() {
                    for v in values.as_array().unwrap() {
                        let v = v.as_str().unwrap();
                        if v.starts_with("dossier-") && prop != "recordId" {
                            assert!(ids.contains(v), "{} {prop} -> {v}", e["id"]);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn an_empty_view_is_an_empty_file() {
        let (g, _) = whole();
        assert_eq!(export(&g, &View::default(), Format::Ftm), "");
    }
}
