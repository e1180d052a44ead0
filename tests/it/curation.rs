//! Writes over HTTP on the bulletin: every bad input gets its code and changes nothing; auth;
//! history, revert, merges whose ids keep resolving, duplicate candidates, idempotency, and the
//! journal replayed after a restart.

use crate::support::bundled_data_dir;
use dossier::curate::{replay, Curator};
use dossier::journal::{Journal, Sqlite};
use dossier::server::{Settings, WriteToken, Writer};
use dossier::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

const SECRET: &str = "s3cret-token-for-tests";

fn token() -> WriteToken {
    let line = dossier::cli::token::hex(&{
        use sha2::Digest;
        sha2::Sha256::digest(SECRET.as_bytes())
    });
    WriteToken::parse(&format!("alice:{line}")).unwrap()
}

struct Curated {
    addr: std::net::SocketAddr,
    client: reqwest::Client,
    state: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Curated {
    async fn start() -> Curated {
        let state = tempfile::tempdir().unwrap();
        Curated::start_on(state).await
    }

    async fn start_on(state: tempfile::TempDir) -> Curated {
        let (graph, _) = dossier::load::load_dir(&bundled_data_dir()).unwrap();
        let journal = Sqlite::open(state.path()).unwrap();
        let graph = replay(graph, &journal).unwrap().graph;
        let store = Store::new(graph);
        let curator = Arc::new(Curator::new(store.clone(), Box::new(journal)));
        let settings = Settings {
            write_tokens: vec![token()],
            curator: Writer(Some(curator)),
            ..Settings::default()
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            dossier::server::serve_with(listener, store, &settings, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Curated {
            addr,
            client: reqwest::Client::new(),
            state,
            _stop: tx,
        }
    }

    async fn post(&self, query: &str, bearer: Option<&str>) -> (u16, Value) {
        self.post_with(query, json!({}), bearer).await
    }

    async fn post_with(&self, query: &str, variables: Value, bearer: Option<&str>) -> (u16, Value) {
        let mut req = self
            .client
            .post(format!("http://{}/graphql", self.addr))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    async fn write(&self, query: &str) -> Value {
        self.post(query, Some(SECRET)).await.1
    }

    async fn read(&self, query: &str) -> Value {
        self.post(query, None).await.1
    }

    /// Everything a bad write must leave as it was: the version, the counts, the journal and
    /// the whole graph as CSV.
    async fn everything(&self) -> (Value, Value, String) {
        let health: Value = self
            .client
            .get(format!("http://{}/health", self.addr))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let changes = self.read("{ changes(first: 100) { nodes { id } } }").await;
        let csv = self
            .client
            .get(format!("http://{}/export/graphml", self.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        (health, changes, csv)
    }
}

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {v}"))
}

fn argument(v: &Value) -> Option<&str> {
    v["errors"][0]["extensions"]["argument"].as_str()
}

const QUOTE: &str = "Rail Abbasov";

#[tokio::test]
async fn every_bad_write_gets_its_code_and_changes_nothing() {
    let app = Curated::start().await;
    // A document with its full text, so a quote can be checked word for word.
    let ok = app
        .write(r#"mutation { addDocument(input: {id: "note-1", title: "A note", text: "Police detained\n Rail Abbasov on 21 September."}) { id } }"#)
        .await;
    assert!(ok["errors"].is_null(), "{ok}");
    let before = app.everything().await;
    let long = "x".repeat(10_001);
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        (
            r#"mutation { addRelation(input: {kind: CALLED, from: "nobody-here", to: "rail-abbasov", citations: [{document: "cnis-2023-09-22", quote: "x"}]}) { id } }"#.into(),
            "NOT_FOUND",
            Some("from"),
        ),
        (
            r#"mutation { addRelation(input: {kind: CALLED, from: "rail-abbasov", to: "rail-abbasov", citations: [{document: "no-such-doc", quote: "x"}]}) { id } }"#.into(),
            "NOT_FOUND",
            Some("document"),
        ),
        (
            r#"mutation { addRelation(input: {kind: RULED_ON, from: "rail-abbasov", to: "rail-abbasov", citations: [{document: "cnis-2023-09-22", quote: "x"}]}) { id } }"#.into(),
            "INVALID_INPUT",
            Some("kind"),
        ),
        (
            r#"mutation { addRelation(input: {kind: CALLED, from: "rail-abbasov", to: "rail-abbasov", citations: []}) { id } }"#.into(),
            "INVALID_INPUT",
            None,
        ),
        (
            r#"mutation { addRelation(input: {kind: CALLED, from: "rail-abbasov", to: "rail-abbasov", citations: [{document: "cnis-2023-09-22", quote: "  "}]}) { id } }"#.into(),
            "INVALID_INPUT",
            Some("quote"),
        ),
        (
            r#"mutation { addRelation(input: {kind: DETAINED, from: "rail-abbasov", to: "rail-abbasov", citations: [{document: "note-1", quote: "Police arrested Rail Abbasov"}]}) { id } }"#.into(),
            "INVALID_INPUT",
            Some("quote"),
        ),
        (
            r#"mutation { addRelation(input: {kind: CALLED, from: "rail-abbasov", to: "rail-abbasov", date: "2023-13-45", citations: [{document: "cnis-2023-09-22", quote: "x"}]}) { id } }"#.into(),
            "INVALID_INPUT",
            None,
        ),
        (
            r#"mutation { addRelation(input: {kind: CALLED, from: "rail-abbasov", to: "rail-abbasov", date: "2023-09-22", until: "2023-09-01", citations: [{document: "cnis-2023-09-22", quote: "x"}]}) { id } }"#.into(),
            "INVALID_INPUT",
            Some("until"),
        ),
        (
            r#"mutation { upsertEntity(input: {id: "new-one", kind: PERSON, name: "   "}) { id } }"#.into(),
            "INVALID_INPUT",
            Some("name"),
        ),
        (
            format!(r#"mutation {{ upsertEntity(input: {{id: "new-one", kind: PERSON, name: "{long}"}}) {{ id }} }}"#),
            "INVALID_INPUT",
            Some("name"),
        ),
        (
            r#"mutation { upsertEntity(input: {id: "Not An Id", kind: PERSON, name: "A"}) { id } }"#.into(),
            "INVALID_INPUT",
            Some("input.id"),
        ),
        (
            r#"mutation { mergeEntities(keep: "rail-abbasov", merge: ["rail-abbasov"]) { id } }"#.into(),
            "INVALID_INPUT",
            Some("merge"),
        ),
        (
            r#"mutation { mergeEntities(keep: "rail-abbasov", merge: ["no-such-one"]) { id } }"#.into(),
            "NOT_FOUND",
            Some("merge"),
        ),
        (
            r#"mutation { revert(change: "999") { id } }"#.into(),
            "NOT_FOUND",
            Some("change"),
        ),
        (
            r#"mutation { removeRelation(id: "no.such.relation") }"#.into(),
            "NOT_FOUND",
            Some("id"),
        ),
        (
            r#"mutation { removeEntity(id: "no-such-one") }"#.into(),
            "NOT_FOUND",
            Some("id"),
        ),
        (
            r#"mutation { markDistinct(a: "rail-abbasov", b: "rail-abbasov") }"#.into(),
            "INVALID_INPUT",
            Some("b"),
        ),
    ];
    // A reader's strings are held to the query limit; a curator's to the fields' own limits.
    let resp = app
        .post_with(
            r#"query($n: String!) { search(text: $n) { score } }"#,
            json!({ "n": long }),
            None,
        )
        .await
        .1;
    assert_eq!(code(&resp), "LIMIT_EXCEEDED", "{resp}");
    let resp = app
        .post_with(
            r#"mutation($n: String!) { upsertEntity(input: {id: "new-one", kind: PERSON, name: $n}) { id } }"#,
            json!({ "n": long }),
            Some(SECRET),
        )
        .await
        .1;
    assert_eq!(
        (code(&resp), argument(&resp)),
        ("INVALID_INPUT", Some("name")),
        "{resp}"
    );
    assert_eq!(app.everything().await, before);
    for (query, want, arg) in &cases {
        let resp = app.write(query).await;
        assert_eq!(code(&resp), *want, "{query}\n{resp}");
        if let Some(a) = arg {
            assert_eq!(argument(&resp), Some(*a), "{query}\n{resp}");
        }
        assert_eq!(app.everything().await, before, "changed by {query}");
    }
    // A quote found word for word (across the line break) is taken.
    let ok = app
        .write(&format!(r#"mutation {{ addRelation(input: {{kind: DETAINED, from: "rail-abbasov", to: "rail-abbasov", citations: [{{document: "note-1", quote: "detained {QUOTE}"}}]}}) {{ id }} }}"#))
        .await;
    assert!(ok["errors"].is_null(), "{ok}");
}

#[tokio::test]
async fn no_token_a_wrong_token_and_get_are_refused_and_no_secret_is_echoed() {
    let app = Curated::start().await;
    let before = app.everything().await;
    let m = r#"mutation { upsertEntity(input: {id: "x-1", kind: PERSON, name: "X"}) { id } }"#;
    let (status, none) = app.post(m, None).await;
    assert_eq!((status, code(&none)), (200, "UNAUTHENTICATED"), "{none}");
    let wrong = "not-the-token-0123456789";
    let (status, bad) = app.post(m, Some(wrong)).await;
    assert_eq!((status, code(&bad)), (401, "UNAUTHENTICATED"), "{bad}");
    assert!(!bad.to_string().contains(wrong));
    let get = app
        .client
        .get(format!("http://{}/graphql", app.addr))
        .query(&[("query", m)])
        .bearer_auth(SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 405);
    assert!(!get.text().await.unwrap().contains(SECRET));
    assert_eq!(app.everything().await, before);
    // Reads stay public.
    let r = app.read(r#"{ entity(id: "rail-abbasov") { name } }"#).await;
    assert_eq!(r["data"]["entity"]["name"], "Rail Abbasov");
}

#[tokio::test]
async fn history_revert_and_an_idempotent_retry() {
    let app = Curated::start().await;
    let add = r#"mutation { addRelation(idempotencyKey: "k-1", input: {kind: CALLED, from: "rail-abbasov", to: "bakhtiyar-hajiyev", citations: [{document: "cnis-2023-09-22", quote: "Rail Abbasov"}]}) { id from { id } to { id } } }"#;
    let first = app.write(add).await;
    let again = app.write(add).await;
    assert!(first["errors"].is_null(), "{first}");
    assert_eq!(first, again, "a retry answers as the first time");
    let history = app
        .read(r#"{ entity(id: "rail-abbasov") { history { id operation author entities } } changes { nodes { id } } }"#)
        .await;
    let h = &history["data"]["entity"]["history"];
    assert_eq!(h.as_array().unwrap().len(), 1, "{history}");
    assert_eq!(h[0]["operation"], "addRelation");
    assert_eq!(h[0]["author"], "alice");
    assert_eq!(
        history["data"]["changes"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let rid = first["data"]["addRelation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let undo = app
        .write(r#"mutation { revert(change: "1") { id operation reverts } }"#)
        .await;
    assert_eq!(undo["data"]["revert"]["reverts"], "1", "{undo}");
    let gone = app
        .read(r#"{ relations(kinds: [CALLED], from: "rail-abbasov", to: "bakhtiyar-hajiyev") { totalCount } }"#)
        .await;
    assert_eq!(gone["data"]["relations"]["totalCount"], 0, "{gone} {rid}");
    // Reverting the revert brings it back.
    let redo = app
        .write(r#"mutation { revert(change: "2") { id } }"#)
        .await;
    assert!(redo["errors"].is_null(), "{redo}");
    let back = app
        .read(r#"{ relations(kinds: [CALLED], from: "rail-abbasov", to: "bakhtiyar-hajiyev") { totalCount } }"#)
        .await;
    assert_eq!(back["data"]["relations"]["totalCount"], 1);
}

#[tokio::test]
async fn a_merge_keeps_every_old_id_working_and_a_revert_brings_the_entities_back() {
    let app = Curated::start().await;
    for q in [
        r#"mutation { upsertEntity(input: {id: "kim-jong-un", kind: PERSON, name: "Kim Jong Un"}) { id } }"#,
        r#"mutation { upsertEntity(input: {id: "kim-jong-un-2", kind: PERSON, name: "Kim Jong-Un", aliases: ["KJU"]}) { id } }"#,
        r#"mutation { addRelation(input: {kind: CALLED, from: "kim-jong-un", to: "rail-abbasov", citations: [{document: "cnis-2023-09-22", quote: "Rail Abbasov"}]}) { id } }"#,
        r#"mutation { addRelation(input: {kind: CALLED, from: "kim-jong-un-2", to: "bakhtiyar-hajiyev", citations: [{document: "cnis-2023-09-22", quote: "Rail Abbasov"}]}) { id } }"#,
    ] {
        let r = app.write(q).await;
        assert!(r["errors"].is_null(), "{q}: {r}");
    }
    let c = app
        .read(r#"{ duplicateCandidates(kinds: [PERSON]) { a { id } b { id } reason } }"#)
        .await;
    let pairs = c["data"]["duplicateCandidates"].as_array().unwrap();
    assert!(
        pairs
            .iter()
            .any(|p| p["a"]["id"] == "kim-jong-un" || p["b"]["id"] == "kim-jong-un"),
        "{c}"
    );
    let merged = app
        .write(r#"mutation { mergeEntities(keep: "kim-jong-un", merge: ["kim-jong-un-2"]) { id aliases mergedFrom degree } }"#)
        .await;
    let m = &merged["data"]["mergeEntities"];
    assert_eq!(m["mergedFrom"], json!(["kim-jong-un-2"]), "{merged}");
    assert_eq!(m["degree"], 2);
    assert!(m["aliases"]
        .as_array()
        .unwrap()
        .contains(&json!("Kim Jong-Un")));
    assert!(m["aliases"].as_array().unwrap().contains(&json!("KJU")));
    let old = app
        .read(r#"{ entity(id: "kim-jong-un-2") { id } neighbourhood(ids: ["kim-jong-un-2"]) { entities { id } } shortestPath(from: "kim-jong-un-2", to: "bakhtiyar-hajiyev") { length } }"#)
        .await;
    assert_eq!(old["data"]["entity"]["id"], "kim-jong-un", "{old}");
    assert_eq!(old["data"]["shortestPath"]["length"], 1, "{old}");
    assert_eq!(
        old["data"]["neighbourhood"]["entities"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "{old}"
    );
    let csv = app
        .client
        .get(format!(
            "http://{}/export/csv?ids=kim-jong-un-2&depth=1",
            app.addr
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 200);
    assert!(csv.text().await.unwrap().contains("bakhtiyar-hajiyev"));
    // The pair is no longer proposed (it is one entity now); a revert brings both back.
    let undo = app
        .write(r#"mutation { revert(change: "5") { id } }"#)
        .await;
    assert!(undo["errors"].is_null(), "{undo}");
    let both = app
        .read(r#"{ a: entity(id: "kim-jong-un") { id degree aliases mergedFrom } b: entity(id: "kim-jong-un-2") { id degree aliases } }"#)
        .await;
    assert_eq!(both["data"]["a"]["degree"], 1, "{both}");
    assert_eq!(both["data"]["a"]["mergedFrom"], json!([]));
    assert_eq!(both["data"]["b"]["id"], "kim-jong-un-2");
    assert_eq!(both["data"]["b"]["aliases"], json!(["KJU"]));
    // A judgement keeps the pair out of the candidates.
    let d = app
        .write(r#"mutation { markDistinct(a: "kim-jong-un", b: "kim-jong-un-2") }"#)
        .await;
    assert_eq!(d["data"]["markDistinct"], true, "{d}");
    let c = app
        .read(r#"{ duplicateCandidates(kinds: [PERSON]) { a { id } b { id } } }"#)
        .await;
    let still = c["data"]["duplicateCandidates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["a"]["id"] == "kim-jong-un" && p["b"]["id"] == "kim-jong-un-2");
    assert!(!still, "{c}");
}

#[tokio::test]
async fn the_journal_is_replayed_after_a_restart() {
    let app = Curated::start().await;
    for q in [
        r#"mutation { upsertEntity(input: {id: "new-person", kind: PERSON, name: "New Person"}) { id } }"#,
        r#"mutation { addRelation(input: {kind: CALLED, from: "new-person", to: "rail-abbasov", citations: [{document: "cnis-2023-09-22", quote: "Rail Abbasov"}]}) { id } }"#,
        r#"mutation { upsertEntity(input: {id: "rail-abbasov", kind: PERSON, name: "Rail Abbasov", description: "an activist"}) { id } }"#,
    ] {
        let r = app.write(q).await;
        assert!(r["errors"].is_null(), "{q}: {r}");
    }
    let before = app.everything().await;
    let Curated { state, _stop, .. } = app;
    drop(_stop);
    let journal = Sqlite::open(state.path()).unwrap();
    assert_eq!(journal.last().unwrap(), 3);
    drop(journal);
    let again = Curated::start_on(state).await;
    let after = again.everything().await;
    assert_eq!(before.1, after.1, "the same history");
    assert_eq!(before.2, after.2, "the same graph");
    assert_eq!(before.0["entities"], after.0["entities"]);
    let r = again
        .read(r#"{ entity(id: "rail-abbasov") { description } }"#)
        .await;
    assert_eq!(r["data"]["entity"]["description"], "an activist");
}
