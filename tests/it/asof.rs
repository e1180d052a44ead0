//! The graph as of a day (`asOf`): on the bulletin, the arrests of 21 September are absent as
//! of the 19th and there as of the 22nd — in neighbourhoods, paths, rankings, the timeline and
//! exports; on random and generated graphs, every answer equals what a filter of the data,
//! written by hand here, gives.

use crate::support::{bundled_data_dir, spawn_graph_with};
use dossier::graphql::{build_schema, DossierSchema};
use dossier::import::{load_with_imports, ImportSource, Mapping, Silent};
use dossier::model::{Citation, Date, Document, Entity, EntityKind, Id, Relation, RelationKind};
use dossier::store::{Edge, Graph, GraphBuilder, Node, Store};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

/// The GraphQL API over one graph, in process.
struct Api(DossierSchema);

impl Api {
    fn new(graph: Graph) -> Api {
        Api(build_schema(Store::new(graph)))
    }

    /// The answer to `query`, which must have no error.
    async fn ask(&self, query: &str) -> Value {
        let r = serde_json::to_value(self.0.execute(query).await).unwrap();
        assert!(r["errors"].is_null(), "{query}\n{r}");
        r["data"].clone()
    }

    /// The whole answer to `query`, errors included.
    async fn answer(&self, query: &str) -> Value {
        serde_json::to_value(self.0.execute(query).await).unwrap()
    }
}

fn bulletin() -> Graph {
    dossier::load::load_dir(&bundled_data_dir()).unwrap().0
}

/// The `key` of each object of a JSON list, as strings.
fn strings(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|v| {
            key.split('.')
                .fold(v, |v, k| &v[k])
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The bulletin

#[tokio::test]
async fn as_of_the_nineteenth_the_arrests_are_absent_and_rail_abbasov_has_fewer_neighbours() {
    let api = Api::new(bulletin());
    let d = api
        .ask(
            r#"{
            ever: neighbourhood(ids: ["rail-abbasov"]) { entities { id } relations { id date } }
            before: neighbourhood(ids: ["rail-abbasov"], asOf: "2023-09-19") {
                entities { id } relations { id date } }
            after: neighbourhood(ids: ["rail-abbasov"], asOf: "2023-09-22") {
                entities { id } relations { id date } }
            arrestsBefore: relations(kinds: [ARRESTED, DETAINED, SENTENCED], asOf: "2023-09-19") {
                totalCount nodes { id date } }
            arrestsAfter: relations(kinds: [ARRESTED, DETAINED, SENTENCED], asOf: "2023-09-22") {
                totalCount nodes { id date } }
        }"#,
        )
        .await;
    let arrest = "azerbaijan.arrested.rail-abbasov";
    let before = strings(&d["before"]["relations"], "id");
    let after = strings(&d["after"]["relations"], "id");
    assert!(!before.contains(&arrest.to_string()), "{before:?}");
    assert!(after.contains(&arrest.to_string()), "{after:?}");
    let sizes = |k: &str| {
        (
            d[k]["entities"].as_array().unwrap().len(),
            d[k]["relations"].as_array().unwrap().len(),
        )
    };
    assert_eq!(sizes("ever"), (6, 8));
    assert_eq!(sizes("before"), (3, 2), "{}", d["before"]);
    assert_eq!(sizes("after"), sizes("ever"));
    // Nothing dated after the 19th is in the graph as of the 19th.
    for r in d["before"]["relations"].as_array().unwrap() {
        assert!(
            r["date"].is_null() || r["date"].as_str().unwrap() <= "2023-09-19",
            "{r}"
        );
    }
    for r in d["arrestsBefore"]["nodes"].as_array().unwrap() {
        assert!(r["date"].is_null(), "an undated detention only: {r}");
    }
    let dated = |k: &str| {
        d[k]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["date"] == "2023-09-21")
            .count()
    };
    assert_eq!(dated("arrestsBefore"), 0);
    assert!(dated("arrestsAfter") >= 5, "{}", d["arrestsAfter"]);
    assert!(d["arrestsBefore"]["totalCount"].as_u64() < d["arrestsAfter"]["totalCount"].as_u64());
}

#[tokio::test]
async fn events_count_from_their_start_to_their_end() {
    let api = Api::new(bulletin());
    let around = |day: &str| {
        format!(
            r#"{{ neighbourhood(ids: ["azerbaijan"], asOf: "{day}", limit: 1000) {{ entities {{ id }} }} }}"#
        )
    };
    let on = |d: &Value| strings(&d["neighbourhood"]["entities"], "id");
    let d19 = on(&api.ask(&around("2023-09-19")).await);
    let d22 = on(&api.ask(&around("2023-09-22")).await);
    let s = |x: &str| x.to_string();
    // The operation ran 19–20 September; the arrests 21–22 September.
    assert!(
        d19.contains(&s("military-operation-in-karabakh")),
        "{d19:?}"
    );
    assert!(!d19.contains(&s("arrests-of-activists-in-baku")), "{d19:?}");
    assert!(
        !d22.contains(&s("military-operation-in-karabakh")),
        "{d22:?}"
    );
    assert!(d22.contains(&s("arrests-of-activists-in-baku")), "{d22:?}");
    // An event without dates is undated: in with `undated` (the default), out without.
    let undated = api
        .ask(
            r#"{ with: neighbourhood(ids: ["gubad-ibadoglu"], asOf: "2023-09-22") { entities { id } }
                without: neighbourhood(ids: ["gubad-ibadoglu"], asOf: "2023-09-22", undated: false) {
                    entities { id } relations { date } } }"#,
        )
        .await;
    assert!(strings(&undated["with"]["entities"], "id").contains(&s("ibadoglu-echr-case")));
    assert!(!strings(&undated["without"]["entities"], "id").contains(&s("ibadoglu-echr-case")));
    for r in undated["without"]["relations"].as_array().unwrap() {
        assert!(!r["date"].is_null(), "{r}");
    }
}

#[tokio::test]
async fn rankings_differ_before_and_after_the_arrests() {
    let api = Api::new(bulletin());
    let mut d = api
        .ask(
            r#"{
            ever: ranking(measure: DEGREE, limit: 1000) { score entity { id } }
            before: ranking(measure: DEGREE, limit: 1000, asOf: "2023-09-19") { score entity { id } }
            prBefore: ranking(measure: PAGERANK, limit: 1000, asOf: "2023-09-19") { score entity { id } }
            prEver: ranking(measure: PAGERANK, limit: 1000) { score entity { id } }
        }"#,
        )
        .await;
    // (A betweenness ranking counts as two analyses: a query may compute four.)
    d["bwBefore"] = api
        .ask(r#"{ ranking(measure: BETWEENNESS, limit: 3, asOf: "2023-09-19") { score entity { id } } }"#)
        .await["ranking"]
        .take();
    let scores = |k: &str| -> BTreeMap<String, f64> {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["entity"]["id"].as_str().unwrap().to_string(),
                    r["score"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let (ever, before) = (scores("ever"), scores("before"));
    assert_ne!(ever, before);
    // The government arrested, detained and sentenced five people on the 21st: as of the
    // 19th it is tied to ten entities, not eighteen.
    assert_eq!(ever["azerbaijan"], 18.0);
    assert_eq!(before["azerbaijan"], 10.0);
    assert_eq!(before["rail-abbasov"], 2.0);
    assert!(ever["rail-abbasov"] > before["rail-abbasov"]);
    // The events not begun are not ranked at all.
    assert!(!before.contains_key("arrests-of-activists-in-baku"));
    assert!(!before.contains_key("yevlakh-talks"));
    assert_ne!(scores("prEver"), scores("prBefore"));
    let total: f64 = scores("prBefore").values().sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    assert_eq!(d["bwBefore"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn paths_go_only_through_the_graph_of_the_day() {
    let api = Api::new(bulletin());
    let d = api
        .ask(
            r#"{
            ever: shortestPath(from: "rail-abbasov", to: "vladimir-putin") { length relations { label date } }
            before: shortestPath(from: "rail-abbasov", to: "vladimir-putin", asOf: "2023-09-19") {
                length relations { label date } }
            after: shortestPath(from: "rail-abbasov", to: "vladimir-putin", asOf: "2023-09-22") {
                length relations { label date } }
            weighed: shortestPath(from: "rail-abbasov", to: "vladimir-putin", asOf: "2023-09-19", weight: CLAIM) {
                length relations { date } }
            allEver: paths(from: "rail-abbasov", to: "ilham-aliyev", maxLength: 3) { length }
            allBefore: paths(from: "rail-abbasov", to: "ilham-aliyev", maxLength: 3, asOf: "2023-09-19") {
                length relations { date } }
            none: shortestPath(from: "rail-abbasov", to: "vladimir-putin", asOf: "2023-09-19", undated: false) {
                length }
        }"#,
        )
        .await;
    assert_eq!(d["ever"]["length"], 3);
    assert_eq!(d["after"], d["ever"]);
    assert!(strings(&d["ever"]["relations"], "label").contains(&"arrested".to_string()));
    assert_eq!(d["before"]["length"], 5, "{}", d["before"]);
    assert!(!strings(&d["before"]["relations"], "label").contains(&"arrested".to_string()));
    for k in ["before", "weighed"] {
        for r in d[k]["relations"].as_array().unwrap() {
            assert!(r["date"].is_null() || r["date"].as_str().unwrap() <= "2023-09-19");
        }
    }
    assert_eq!(d["allEver"].as_array().unwrap().len(), 5);
    assert_eq!(d["allBefore"].as_array().unwrap().len(), 1);
    for p in d["allBefore"].as_array().unwrap() {
        for r in p["relations"].as_array().unwrap() {
            assert!(r["date"].is_null() || r["date"].as_str().unwrap() <= "2023-09-19");
        }
    }
    // Without the undated relations, Rail Abbasov had no relation at all on the 19th.
    assert!(d["none"].is_null(), "{}", d["none"]);
}

#[tokio::test]
async fn the_timeline_and_an_entitys_relations_keep_to_the_day() {
    let api = Api::new(bulletin());
    let d = api
        .ask(
            r#"{
            ever: timeline { id date }
            before: timeline(asOf: "2023-09-19") { id date until }
            after: timeline(asOf: "2023-09-22") { id date until }
            entity(id: "rail-abbasov") {
                degree
                before: relations(asOf: "2023-09-19") { totalCount }
                after: relations(asOf: "2023-09-22") { totalCount }
                neighbours(asOf: "2023-09-19") { id }
            }
        }"#,
        )
        .await;
    let before = d["before"].as_array().unwrap();
    assert_eq!(before.len(), 6, "{}", d["before"]);
    for r in before {
        assert!(r["date"].as_str().unwrap() <= "2023-09-19", "{r}");
        assert!(r["until"].is_null() || r["until"].as_str().unwrap() >= "2023-09-19");
    }
    let after = strings(&d["after"], "id");
    assert!(after.contains(&"azerbaijan.arrested.rail-abbasov".to_string()));
    for r in d["after"].as_array().unwrap() {
        assert!(r["until"].is_null() || r["until"].as_str().unwrap() >= "2023-09-22");
    }
    assert!(after.len() < d["ever"].as_array().unwrap().len());
    let e = &d["entity"];
    assert_eq!(e["degree"], 5);
    assert_eq!(e["before"]["totalCount"], 2);
    assert_eq!(e["after"]["totalCount"], 5);
    assert_eq!(e["neighbours"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_subgraph_read_as_of_a_day_analyses_and_exports_that_day() {
    let api = Api::new(bulletin());
    let d = api
        .ask(
            r#"{ neighbourhood(ids: ["rail-abbasov", "azerbaijan"], depth: 1, asOf: "2023-09-19") {
                entities { id } relations { id date }
                ranking(measure: DEGREE, limit: 1000) { score entity { id } }
                components { size }
                brokers { entity { id } }
                bridges { id }
                export(format: NODE_LINK_JSON)
            } }"#,
        )
        .await;
    let n = &d["neighbourhood"];
    let relations: BTreeSet<String> = strings(&n["relations"], "id").into_iter().collect();
    for r in n["relations"].as_array().unwrap() {
        assert!(r["date"].is_null() || r["date"].as_str().unwrap() <= "2023-09-19");
    }
    for b in strings(&n["bridges"], "id") {
        assert!(relations.contains(&b), "{b}");
    }
    let rank: BTreeMap<String, f64> = n["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["entity"]["id"].as_str().unwrap().into(),
                r["score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rank["rail-abbasov"], 2.0);
    let file: Value = serde_json::from_str(n["export"].as_str().unwrap()).unwrap();
    let exported: BTreeSet<String> = strings(&file["links"], "id").into_iter().collect();
    assert_eq!(exported, relations);
}

#[tokio::test]
async fn a_month_or_a_malformed_day_is_refused_with_the_argument_named() {
    let api = Api::new(bulletin());
    for query in [
        r#"{ neighbourhood(ids: ["echr"], asOf: "2023-09") { truncated } }"#,
        r#"{ ranking(measure: DEGREE, asOf: "2023") { score } }"#,
        r#"{ timeline(asOf: "2023-09") { id } }"#,
        r#"{ brokers(asOf: "2023-09") { parts } }"#,
        r#"{ entity(id: "echr") { relations(asOf: "2023-09") { totalCount } } }"#,
    ] {
        let r = api.answer(query).await;
        let e = &r["errors"][0];
        assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{query}: {r}");
        assert_eq!(e["extensions"]["argument"], "asOf", "{query}: {r}");
        assert!(
            e["message"].as_str().unwrap().contains("is not a day"),
            "{r}"
        );
    }
    for query in [
        r#"{ shortestPath(from: "echr", to: "azerbaijan", asOf: "2023-09-31") { length } }"#,
        r#"{ paths(from: "echr", to: "azerbaijan", asOf: "22/09/2023") { length } }"#,
    ] {
        let r = api.answer(query).await;
        let e = &r["errors"][0];
        assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{query}: {r}");
        assert!(e["message"].as_str().unwrap().contains("asOf"), "{r}");
    }
}

#[tokio::test]
async fn export_as_of_a_day_over_http() {
    let app = spawn_graph_with(bulletin(), dossier::server::Settings::default()).await;
    let get = |path: String| {
        let url = app.url(&path);
        async move {
            let resp = reqwest::get(url).await.unwrap();
            let status = resp.status().as_u16();
            let name = resp
                .headers()
                .get("content-disposition")
                .map(|v| v.to_str().unwrap().to_string());
            (status, name, resp.json::<Value>().await.unwrap())
        }
    };
    let links =
        |doc: &Value| -> BTreeSet<String> { strings(&doc["links"], "id").into_iter().collect() };
    let (status, name, before) =
        get("/export/node-link?ids=rail-abbasov&asOf=2023-09-19".into()).await;
    assert_eq!(status, 200);
    assert!(name.unwrap().contains("asof-2023-09-19"));
    let (_, _, after) = get("/export/node-link?ids=rail-abbasov&asOf=2023-09-22".into()).await;
    let (_, _, ever) = get("/export/node-link?ids=rail-abbasov".into()).await;
    assert_eq!(before["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(links(&before).len(), 2);
    assert!(!links(&before).contains("azerbaijan.arrested.rail-abbasov"));
    assert!(links(&after).contains("azerbaijan.arrested.rail-abbasov"));
    assert_eq!(links(&after), links(&ever));
    // The whole graph as of a day: exactly the relations in force then, by hand.
    let g = bulletin();
    let (_, _, whole) = get("/export/node-link?asOf=2023-09-19&undated=false".into()).await;
    let expected: BTreeSet<String> = g
        .all_relations()
        .filter(|&e| by_hand::in_force(&g, e, "2023-09-19", false))
        .map(|e| g.relation(e).id().to_string())
        .collect();
    assert_eq!(links(&whole), expected);
    let nodes = strings(&whole["nodes"], "id");
    assert!(!nodes.contains(&"arrests-of-activists-in-baku".to_string()));
    for bad in [
        "asOf=2023-09",
        "asOf=2023-02-30",
        "undated=false",
        "asOf=2023-09-19&undated=maybe",
    ] {
        let (status, _, body) = get(format!("/export/csv?{bad}")).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "INVALID_INPUT",
            "{bad}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The filter by hand

/// Which relations and entities were in force on a day, decided from the data with plain
/// string comparisons of `YYYY-MM-DD` days — none of the store's own date code.
mod by_hand {
    use dossier::model::EntityKind;
    use dossier::store::{Edge, Graph, Node};

    fn days_in(year: u32, month: u32) -> u32 {
        match month {
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// The first day a date written `YYYY`, `YYYY-MM` or `YYYY-MM-DD` can mean.
    pub fn earliest(date: &str) -> String {
        match date.len() {
            4 => format!("{date}-01-01"),
            7 => format!("{date}-01"),
            _ => date.to_string(),
        }
    }

    /// The last day it can mean.
    pub fn latest(date: &str) -> String {
        match date.len() {
            4 => format!("{date}-12-31"),
            7 => {
                let year: u32 = date[..4].parse().unwrap();
                let month: u32 = date[5..].parse().unwrap();
                format!("{date}-{:02}", days_in(year, month))
            }
            _ => date.to_string(),
        }
    }

    /// Begun by `day` and not ended before it.
    fn holds(start: Option<String>, end: Option<String>, day: &str, undated: bool) -> bool {
        let begun = match start {
            Some(s) => earliest(&s).as_str() <= day,
            None => undated,
        };
        begun && end.is_none_or(|e| latest(&e).as_str() >= day)
    }

    pub fn entity_in_force(g: &Graph, n: Node, day: &str, undated: bool) -> bool {
        let e = g.entity(n);
        e.kind() != EntityKind::Event
            || holds(
                e.start().map(|d| d.to_string()),
                e.end().map(|d| d.to_string()),
                day,
                undated,
            )
    }

    pub fn in_force(g: &Graph, e: Edge, day: &str, undated: bool) -> bool {
        let r = g.relation(e);
        let (from, to) = g.endpoints(e);
        let date = r.date().map(|d| d.to_string());
        let until = date.as_ref().and(r.until().map(|d| d.to_string()));
        holds(date, until, day, undated)
            && entity_in_force(g, from, day, undated)
            && entity_in_force(g, to, day, undated)
    }
}

// ---------------------------------------------------------------------------------------------
// Random and generated graphs against the filter by hand

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
}

/// A day of 2023 by its number from 0 (1 January), as (month, day).
fn day_of_2023(mut n: u32) -> (u8, u8) {
    let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (m, len) in lengths.iter().enumerate() {
        if n < *len {
            return (m as u8 + 1, n as u8 + 1);
        }
        n -= len;
    }
    (12, 31)
}

/// A period of 2023 at random precisions: a start (a day, its month, the year, or none) and,
/// sometimes, an end on or after it (a day, or a later month).
fn period(rng: &mut Rng) -> (Option<Date>, Option<Date>) {
    let s = rng.below(365) as u32;
    let (m, d) = day_of_2023(s);
    let start = match rng.below(10) {
        0..=4 => Date::ymd(2023, m, d),
        5..=6 => Date::parse(&format!("2023-{m:02}")).unwrap(),
        7 => Date::parse(["2023", "2022"][rng.below(2) as usize]).unwrap(),
        _ => return (None, None),
    };
    if rng.below(3) > 0 {
        return (Some(start), None);
    }
    // An end after the last day the start can mean.
    let last = match start.to_string().len() {
        10 => s,
        7 => s + 31 - u32::from(d),
        _ => 364,
    };
    let e = (last + rng.below(60) as u32).min(364);
    let (em, ed) = day_of_2023(e);
    let end = if em > m && rng.below(2) == 0 && start.to_string().len() > 4 {
        Date::parse(&format!("2023-{em:02}")).unwrap()
    } else {
        Date::ymd(2023, em, ed)
    };
    (Some(start), Some(end.max(start)))
}

/// `n` entities (people, organisations and dated events) and `m` relations with random
/// periods, some undated, some with an end.
fn random_graph(seed: u64, n: usize, m: usize) -> Graph {
    let mut rng = Rng(seed | 1);
    let mut b = GraphBuilder::new();
    b.add_document(Document {
        id: id("doc"),
        title: "A document".into(),
        publisher: None,
        published: None,
        url: None,
    })
    .unwrap();
    let kinds = [
        EntityKind::Person,
        EntityKind::Person,
        EntityKind::Organisation,
        EntityKind::Event,
    ];
    let mut of = Vec::new();
    for i in 0..n {
        let kind = kinds[rng.below(4) as usize];
        let mut entity = Entity::new(id(&format!("e{i:03}")), kind, format!("E{i}"));
        if kind == EntityKind::Event {
            (entity.start, entity.end) = period(&mut rng);
        }
        b.add_entity(entity).unwrap();
        of.push(kind);
    }
    let candidates = [
        RelationKind::Called,
        RelationKind::Criticised,
        RelationKind::AssociateOf,
        RelationKind::ParticipatedIn,
        RelationKind::Requested,
    ];
    let mut added = 0;
    while added < m {
        let (a, z) = (rng.below(n as u64) as usize, rng.below(n as u64) as usize);
        let Some(&kind) = candidates.iter().find(|k| k.allows(of[a], of[z])) else {
            continue;
        };
        let (date, until) = period(&mut rng);
        b.add_relation(Relation {
            date,
            until,
            ..Relation::cited(
                id(&format!("r{added}")),
                kind,
                id(&format!("e{a:03}")),
                id(&format!("e{z:03}")),
                Citation {
                    document: id("doc"),
                    quote: "q".into(),
                },
            )
        })
        .unwrap();
        added += 1;
    }
    b.build().unwrap()
}

/// The bulletin-sized graph of `dossier generate`: 300 entities, 1,500 relations, dates to the
/// day, month or year, some undated.
fn generated_graph() -> Graph {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    let spec = dossier::generate::Spec {
        entities: 300,
        relations: 1500,
        seed: 11,
    };
    dossier::generate::generate(&spec, &out).unwrap();
    let source = ImportSource::at(&out, None).unwrap();
    load_with_imports(None, &[source], &Mapping::default(), &Silent)
        .unwrap()
        .0
        .into_graph()
}

/// The part of `g` in force on `day`, copied into a graph of its own: what the answers as of
/// `day` on `g` must equal.
fn copy_in_force(g: &Graph, day: &str, undated: bool) -> Graph {
    let mut b = GraphBuilder::new();
    for d in g.documents() {
        b.add_document(d.clone()).unwrap();
    }
    for n in g.entities(None) {
        if by_hand::entity_in_force(g, n, day, undated) {
            b.add_entity(g.entity(n).to_entity()).unwrap();
        }
    }
    for e in g.all_relations() {
        if by_hand::in_force(g, e, day, undated) {
            b.add_relation(g.relation(e).to_relation()).unwrap();
        }
    }
    b.build().unwrap()
}

/// The ids of the relations `relations(asOf:)` lists, every page.
async fn all_relations(api: &Api, args: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after = String::new();
    loop {
        let d = api
            .ask(&format!(
                "{{ relations({args}, first: 100{after}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ id }} }} }}"
            ))
            .await;
        ids.extend(strings(&d["relations"]["nodes"], "id"));
        let info = &d["relations"]["pageInfo"];
        if info["hasNextPage"] != true {
            return ids;
        }
        after = format!(", after: {}", info["endCursor"]);
    }
}

/// The entities within `depth` of `seed` along `edges` (undirected), breadth first.
fn reach(g: &Graph, edges: &[Edge], seed: Node, depth: usize) -> BTreeSet<Node> {
    let mut seen = BTreeSet::from([seed]);
    let mut queue = VecDeque::from([(seed, 0)]);
    while let Some((n, d)) = queue.pop_front() {
        if d == depth {
            continue;
        }
        for &e in edges {
            let (a, z) = g.endpoints(e);
            let other = if a == n {
                z
            } else if z == n {
                a
            } else {
                continue;
            };
            if seen.insert(other) {
                queue.push_back((other, d + 1));
            }
        }
    }
    seen
}

/// Every answer as of each day in `days` on `g` equals the filter by hand: the relations, the
/// timeline, a degree ranking, neighbourhoods and the whole-graph export; and the analyses
/// (rankings, components, brokers, bridges, cycles) equal those of the copy of the part in
/// force.
async fn check_against_the_filter_by_hand(g: Graph, days: &[&str]) {
    let api = Api::new(g.clone());
    let name = |n: Node| g.entity(n).id().to_string();
    for &day in days {
        for undated in [true, false] {
            let args = format!(r#"asOf: "{day}", undated: {undated}"#);
            let expected: Vec<Edge> = g
                .all_relations()
                .filter(|&e| by_hand::in_force(&g, e, day, undated))
                .collect();
            let expected_ids: Vec<String> = expected
                .iter()
                .map(|&e| g.relation(e).id().to_string())
                .collect();
            assert!(
                !expected.is_empty() && expected.len() < g.relation_count(),
                "{day}"
            );
            // relations: exactly those, in the order they were recorded.
            assert_eq!(
                all_relations(&api, &args).await,
                expected_ids,
                "{day} {undated}"
            );
            // timeline: the dated ones, oldest first by their first day.
            let d = api
                .ask(&format!(
                    "{{ timeline({args}, limit: 10000) {{ id date }} }}"
                ))
                .await;
            let listed: BTreeSet<String> = strings(&d["timeline"], "id").into_iter().collect();
            let dated: BTreeSet<String> = expected
                .iter()
                .filter(|&&e| g.relation(e).date().is_some())
                .map(|&e| g.relation(e).id().to_string())
                .collect();
            assert_eq!(listed, dated, "{day} {undated}");
            let firsts: Vec<String> = strings(&d["timeline"], "date")
                .iter()
                .map(|d| by_hand::earliest(d))
                .collect();
            assert!(firsts.windows(2).all(|w| w[0] <= w[1]), "{day}");
            // A degree ranking: distinct other ends among the relations in force.
            let mut neighbours: BTreeMap<String, HashSet<Node>> = g
                .entities(None)
                .filter(|&n| by_hand::entity_in_force(&g, n, day, undated))
                .map(|n| (name(n), HashSet::new()))
                .collect();
            for &e in &expected {
                let (a, z) = g.endpoints(e);
                if a != z {
                    neighbours.get_mut(&name(a)).unwrap().insert(z);
                    neighbours.get_mut(&name(z)).unwrap().insert(a);
                }
            }
            let d = api
                .ask(&format!(
                    "{{ ranking(measure: DEGREE, limit: 1000, {args}) {{ score entity {{ id }} }} }}"
                ))
                .await;
            let ranked: BTreeMap<String, usize> = d["ranking"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["entity"]["id"].as_str().unwrap().to_string(),
                        r["score"].as_f64().unwrap() as usize,
                    )
                })
                .collect();
            let by_hand: BTreeMap<String, usize> =
                neighbours.into_iter().map(|(k, v)| (k, v.len())).collect();
            assert_eq!(ranked, by_hand, "{day} {undated}");
            // Neighbourhoods of a few entities in force, two steps out.
            let seeds: Vec<Node> = g
                .entities(None)
                .filter(|&n| by_hand::entity_in_force(&g, n, day, undated))
                .step_by(37)
                .take(4)
                .collect();
            for &seed in &seeds {
                let d = api
                    .ask(&format!(
                        r#"{{ neighbourhood(ids: ["{}"], depth: 2, limit: 1000, {args}) {{
                            entities {{ id }} relations {{ id }} }} }}"#,
                        name(seed)
                    ))
                    .await;
                let nodes = reach(&g, &expected, seed, 2);
                let want: BTreeSet<String> = nodes.iter().map(|&n| name(n)).collect();
                let got: BTreeSet<String> = strings(&d["neighbourhood"]["entities"], "id")
                    .into_iter()
                    .collect();
                assert_eq!(got, want, "{day} {undated} around {}", name(seed));
                let among: Vec<String> = expected
                    .iter()
                    .filter(|&&e| {
                        let (a, z) = g.endpoints(e);
                        nodes.contains(&a) && nodes.contains(&z)
                    })
                    .map(|&e| g.relation(e).id().to_string())
                    .collect();
                assert_eq!(strings(&d["neighbourhood"]["relations"], "id"), among);
            }
            // The whole graph's export.
            let selection = dossier::export::Selection {
                as_of: Some(dossier::store::AsOf::new(Date::parse(day).unwrap(), undated).unwrap()),
                ..dossier::export::Selection::default()
            };
            let (view, _) = selection.select(&g).unwrap();
            assert_eq!(view.edges, expected, "{day} {undated}");
            // The analyses equal those of the part in force, copied into a graph of its own.
            let copy = Api::new(copy_in_force(&g, day, undated));
            // One analysis a query, each list short enough for the complexity limit.
            let analyses = [
                (
                    "pr",
                    "ranking(measure: PAGERANK, limit: 1000ARGS) { score entity { id } }",
                ),
                (
                    "bw",
                    "ranking(measure: BETWEENNESS, limit: 1000ARGS) { score entity { id } }",
                ),
                ("components", "components(limit: 1000ARGS) { size }"),
                (
                    "largest",
                    "components(limit: 5ARGS) { members(limit: 1000) { id } }",
                ),
                (
                    "brokers",
                    "brokers(limit: 1000ARGS) { entity { id } parts }",
                ),
                ("bridges", "bridges(limit: 1000ARGS) { id }"),
                (
                    "cycles",
                    "cycles(limit: 20ARGS) { size members(limit: 1000) { id } }",
                ),
                ("communities", "communities(ARGS) { count modularity }"),
            ];
            let mut scoped = json!({});
            let mut plain = json!({});
            for (k, field) in analyses {
                let with = field.replace("(ARGS)", &format!("({args})"));
                let with = with.replace("ARGS", &format!(", {args}"));
                let without = field.replace("(ARGS)", "").replace("ARGS", "");
                scoped[k] = api
                    .ask(&format!("{{ {with} }}"))
                    .await
                    .as_object()
                    .unwrap()
                    .values()
                    .next()
                    .unwrap()
                    .clone();
                plain[k] = copy
                    .ask(&format!("{{ {without} }}"))
                    .await
                    .as_object()
                    .unwrap()
                    .values()
                    .next()
                    .unwrap()
                    .clone();
            }
            for k in [
                "components",
                "largest",
                "brokers",
                "bridges",
                "cycles",
                "communities",
            ] {
                assert_eq!(scoped[k], plain[k], "{k} as of {day} {undated}");
            }
            for k in ["pr", "bw"] {
                let scores = |v: &Value| -> BTreeMap<String, f64> {
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(|r| {
                            (
                                r["entity"]["id"].as_str().unwrap().to_string(),
                                r["score"].as_f64().unwrap(),
                            )
                        })
                        .collect()
                };
                let (s, p) = (scores(&scoped[k]), scores(&plain[k]));
                assert_eq!(s.keys().collect::<Vec<_>>(), p.keys().collect::<Vec<_>>());
                for (id, x) in &s {
                    assert!(
                        (x - p[id]).abs() < 1e-9,
                        "{k} {id} as of {day}: {x} {}",
                        p[id]
                    );
                }
            }
            // Shortest paths between a few pairs: as long as in the copy.
            for (&a, &z) in seeds.iter().zip(seeds.iter().rev()) {
                let q = |extra: &str| {
                    format!(
                        r#"{{ shortestPath(from: "{}", to: "{}"{extra}) {{ length }} }}"#,
                        name(a),
                        name(z)
                    )
                };
                let got = api.ask(&q(&format!(", {args}"))).await;
                let want = copy.ask(&q("")).await;
                assert_eq!(got, want, "{day} {undated}");
            }
        }
    }
}

#[tokio::test]
async fn on_a_random_graph_every_answer_as_of_a_day_is_the_filter_by_hand() {
    let g = random_graph(2023, 90, 500);
    let days = ["2023-02-14", "2023-06-30", "2023-09-20", "2023-12-31"];
    // The graph has what the days must tell apart: events not begun or over, relations ended,
    // relations dated to the month or the year.
    for day in &days[1..3] {
        let events_out = g
            .entities(Some(&[EntityKind::Event]))
            .filter(|&n| !by_hand::entity_in_force(&g, n, day, true))
            .count();
        assert!(events_out > 3, "{day}: {events_out}");
        let ended = g
            .all_relations()
            .filter(|&e| {
                g.relation(e)
                    .until()
                    .is_some_and(|u| by_hand::latest(&u.to_string()).as_str() < *day)
            })
            .count();
        assert!(ended > 3, "{day}: {ended}");
    }
    let month = g
        .all_relations()
        .filter(|&e| {
            g.relation(e)
                .date()
                .is_some_and(|d| d.to_string().len() == 7)
        })
        .count();
    assert!(month > 50, "{month}");
    check_against_the_filter_by_hand(g, &days).await;
}

#[tokio::test]
async fn on_a_generated_graph_every_answer_as_of_a_day_is_the_filter_by_hand() {
    let g = generated_graph();
    check_against_the_filter_by_hand(g, &["2020-03-01", "2022-09-20"]).await;
}

#[tokio::test]
async fn without_as_of_nothing_changes() {
    let g = random_graph(7, 40, 150);
    let api = Api::new(g.clone());
    let d = api
        .ask(r#"{ relations { totalCount } a: ranking(measure: DEGREE, undated: false) { score } b: ranking(measure: DEGREE) { score } }"#)
        .await;
    assert_eq!(d["relations"]["totalCount"], json!(g.relation_count()));
    assert_eq!(d["a"], d["b"], "undated applies only with asOf");
}
