//! The Reconciliation API at `/reconcile` over a real socket, as OpenRefine uses it: every
//! answer validated against the JSON Schemas the 0.2 specification publishes (vendored in
//! `tests/reconcile/schemas/`, their `$ref`s resolved from that folder).

use crate::support::{bundled_data_dir, spawn_app, App};
use jsonschema::{Retrieve, Uri, Validator};
use serde_json::{json, Value};
use std::path::PathBuf;

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reconcile/schemas")
}

/// Resolves the schemas' `$ref`s to the vendored files; nothing is fetched.
struct Vendored;

impl Retrieve for Vendored {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        let file = if uri.starts_with("http://swagger.io/v2/schema.json") {
            "openapi.json".to_string()
        } else if let Some(name) =
            uri.strip_prefix("https://reconciliation-api.github.io/specs/0.2/schemas/")
        {
            name.to_string()
        } else {
            return Err(format!("{uri} is not vendored").into());
        };
        let text = std::fs::read_to_string(schemas_dir().join(file))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// A validator for one of the vendored schemas, e.g. `manifest`.
fn schema(name: &str) -> Validator {
    let path = schemas_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    jsonschema::options()
        .with_retriever(Vendored)
        .build(&serde_json::from_str(&text).unwrap())
        .unwrap_or_else(|e| panic!("{name}.json: {e}"))
}

fn assert_valid(name: &str, instance: &Value) {
    let v = schema(name);
    let errors: Vec<String> = v.iter_errors(instance).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "not a valid {name}: {errors:?}\n{instance:#}"
    );
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn get_json(app: &App, path: &str) -> (u16, Value) {
    let resp = client().get(app.url(path)).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

/// POSTs a batch the way OpenRefine does: form-encoded, `queries=<JSON>`.
async fn post_batch(app: &App, queries: &Value) -> (u16, Value) {
    let resp = client()
        .post(app.url("/reconcile"))
        .form(&[("queries", queries.to_string())])
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn top(answer: &Value, key: &str) -> (String, bool) {
    let c = &answer[key]["result"][0];
    (
        c["id"].as_str().unwrap_or("(none)").to_string(),
        c["match"].as_bool().unwrap(),
    )
}

#[tokio::test]
async fn the_manifest_is_valid_and_offers_the_entity_kinds() {
    let app = spawn_app(&bundled_data_dir()).await;
    let (status, manifest) = get_json(&app, "/reconcile").await;
    assert_eq!(status, 200);
    assert_valid("manifest", &manifest);
    let types: Vec<&str> = manifest["defaultTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "PERSON",
            "ORGANISATION",
            "COURT",
            "GOVERNMENT",
            "EVENT",
            "PLACE"
        ]
    );
    let base = app.url("");
    assert_eq!(
        manifest["view"]["url"],
        format!("{base}/reconcile/entity/{{{{id}}}}")
    );
    // The templates lead somewhere real.
    let view = manifest["view"]["url"]
        .as_str()
        .unwrap()
        .replace("{{id}}", "echr");
    let entity: Value = client()
        .get(view)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(entity["name"], "European Court of Human Rights");
    let preview = manifest["preview"]["url"]
        .as_str()
        .unwrap()
        .replace("{{id}}", "echr");
    assert_eq!(client().get(preview).send().await.unwrap().status(), 200);
}

/// What OpenRefine sends for ten rows of a "name" column reconciled against PERSON, with a
/// "role" column (and, on two rows, a "related" column) as properties.
fn openrefine_batch() -> Value {
    let rows = [
        ("Rail Abbasov", "role", "activist"),
        ("Bakhtiyar Hajiev", "role", "activist"),
        ("Nemat Abbasov", "role", "activist"),
        ("Amrakh Takhmazov", "role", "activist"),
        ("Emin Ibrahimov", "role", "diplomat"),
        ("Afiaddin Mamedov", "role", "trade unionist"),
        ("Ibadoghlu", "related", "ECHR"),
        ("Galib Toghrul", "related", "Gubad Ibadoglu"),
        ("Aliev", "role", "President of Azerbaijan"),
        ("Путин", "role", "Russian President"),
    ];
    let queries: serde_json::Map<String, Value> = rows
        .iter()
        .enumerate()
        .map(|(i, (name, pid, v))| {
            (
                format!("q{i}"),
                json!({
                    "query": name,
                    "type": "PERSON",
                    "type_strict": "should",
                    "limit": 3,
                    "properties": [{"pid": pid, "v": v}],
                }),
            )
        })
        .collect();
    Value::Object(queries)
}

#[tokio::test]
async fn a_batch_of_ten_as_openrefine_sends_it_finds_the_bulletins_people() {
    let app = spawn_app(&bundled_data_dir()).await;
    let batch = openrefine_batch();
    assert_valid("reconciliation-query-batch", &batch);
    let (status, answer) = post_batch(&app, &batch).await;
    assert_eq!(status, 200, "{answer}");
    assert_valid("reconciliation-result-batch", &answer);
    let expected = [
        "rail-abbasov",
        "bakhtiyar-hajiyev",
        "nemat-abbasov",
        "amrah-tahmazov",
        "emin-shaig-ibrahimov",
        "afiaddin-mammadov",
        "gubad-ibadoglu",
        "galib-toghrul-bey",
        "ilham-aliyev",
        "vladimir-putin",
    ];
    for (i, id) in expected.iter().enumerate() {
        let (found, is_match) = top(&answer, &format!("q{i}"));
        assert_eq!(&found, id, "q{i}: {}", answer[format!("q{i}")]);
        // Each is one of the entity's names or aliases, unique, and its property agrees.
        assert!(
            is_match,
            "q{i} should be a match: {}",
            answer[format!("q{i}")]
        );
    }
    let aliev = &answer["q8"]["result"][0];
    assert_eq!(aliev["name"], "Ilham Aliyev");
    assert_eq!(aliev["type"], json!([{"id": "PERSON", "name": "Person"}]));
    let features = aliev["features"].as_array().unwrap();
    assert!(features.contains(&json!({"id": "name_transliteration", "value": true})));
    assert!(features.contains(&json!({"id": "property_role", "value": true})));
    // At most `limit` candidates each.
    assert!(answer
        .as_object()
        .unwrap()
        .values()
        .all(|r| r["result"].as_array().unwrap().len() <= 3));
}

#[tokio::test]
async fn a_get_batch_answers_as_a_post_does() {
    let app = spawn_app(&bundled_data_dir()).await;
    let batch = openrefine_batch();
    let resp = client()
        .get(app.url("/reconcile"))
        .query(&[("queries", batch.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let by_get: Value = resp.json().await.unwrap();
    let (_, by_post) = post_batch(&app, &batch).await;
    assert_eq!(by_get, by_post);
}

#[tokio::test]
async fn only_an_unambiguous_name_is_a_match() {
    let app = spawn_app(&bundled_data_dir()).await;
    let (_, answer) = post_batch(
        &app,
        &json!({
            "surname": {"query": "Abbasov", "type": "PERSON"},
            "typo": {"query": "Gubad Ibadolgu"},
            "prefix": {"query": "Ibad", "type": ["PERSON"]},
            "exact": {"query": "gubad ibadoglu"},
            "by_id": {"query": "echr"},
            "wrong_role": {"query": "Ilham Aliyev", "properties": [{"pid": "role", "v": "activist"}]},
            "alias_only": {"properties": [{"pid": "alias", "v": "Qubad İbadoğlu"}]},
            "nothing": {"query": "Zzyzx Qwerty"},
            "related_by_id": {"query": "Ibadoglu", "properties": [{"pid": "related", "v": {"id": "echr"}}]},
            "unrelated": {"query": "Ibadoglu", "properties": [{"pid": "related", "v": "Emmanuel Macron"}]},
            "any_of_two": {"query": "ECHR", "type": ["PERSON", "COURT"]},
            "all_of_two": {"query": "ECHR", "type": ["PERSON", "COURT"], "type_strict": "all"},
            "people_only": {"query": "ECHR", "type": "PERSON", "type_strict": "should"},
        }),
    )
    .await;
    assert_valid("reconciliation-result-batch", &answer);
    // Two people called Abbasov: candidates, no match.
    let abbasovs: Vec<&str> = answer["surname"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(abbasovs.len(), 2, "{abbasovs:?}");
    assert!(abbasovs.contains(&"rail-abbasov") && abbasovs.contains(&"nemat-abbasov"));
    assert!(answer["surname"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["match"] == false));
    assert_eq!(top(&answer, "typo"), ("gubad-ibadoglu".into(), false));
    assert_eq!(top(&answer, "prefix"), ("gubad-ibadoglu".into(), false));
    assert_eq!(top(&answer, "exact"), ("gubad-ibadoglu".into(), true));
    assert_eq!(top(&answer, "by_id"), ("echr".into(), true));
    // A property that does not hold: still the candidate, never a match, half the score.
    assert_eq!(top(&answer, "wrong_role"), ("ilham-aliyev".into(), false));
    assert_eq!(answer["wrong_role"]["result"][0]["score"], 50.0);
    assert_eq!(top(&answer, "alias_only"), ("gubad-ibadoglu".into(), true));
    assert_eq!(answer["nothing"]["result"], json!([]));
    assert_eq!(
        top(&answer, "related_by_id"),
        ("gubad-ibadoglu".into(), true)
    );
    assert!(!top(&answer, "unrelated").1);
    // Types restrict the candidates (OpenRefine's `should` as much as `any`).
    assert_eq!(top(&answer, "any_of_two"), ("echr".into(), true));
    assert_eq!(answer["all_of_two"]["result"], json!([]));
    assert!(answer["people_only"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["type"][0]["id"] == "PERSON"));
}

#[tokio::test]
async fn bad_batches_get_400_with_a_code() {
    let app = spawn_app(&bundled_data_dir()).await;
    let too_many: serde_json::Map<String, Value> = (0..21)
        .map(|i| (format!("q{i}"), json!({"query": "Aliev"})))
        .collect();
    let cases = [
        ("{not json".to_string(), "BAD_REQUEST"),
        (
            json!({"q0": {"query": "Aliev", "type": "SHIP"}}).to_string(),
            "INVALID_INPUT",
        ),
        (Value::Object(too_many).to_string(), "LIMIT_EXCEEDED"),
        (
            json!({"q0": {"query": "Aliev", "limit": 101}}).to_string(),
            "LIMIT_EXCEEDED",
        ),
        (
            json!({"q0": {"query": "x".repeat(201)}}).to_string(),
            "LIMIT_EXCEEDED",
        ),
        (
            json!({"q0": {"query": "Aliev", "properties": [{"pid": "shoe size", "v": 42}]}})
                .to_string(),
            "INVALID_INPUT",
        ),
        (
            json!({"q0": {"query": "Aliev", "type_strict": "maybe"}}).to_string(),
            "INVALID_INPUT",
        ),
    ];
    for (queries, code) in cases {
        let resp = client()
            .post(app.url("/reconcile"))
            .form(&[("queries", &queries)])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{queries}");
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let body: Value = resp.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], code,
            "{queries}: {body}"
        );
    }
    // A body over --max-body-bytes: 413, shaped like every refusal, still open to any origin.
    let resp = client()
        .post(app.url("/reconcile"))
        .header("origin", "http://localhost:3333")
        .form(&[("queries", "x".repeat(70_000))])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    assert_eq!(resp.headers()["connection"], "close");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
    // A POST without the form.
    let resp = client()
        .post(app.url("/reconcile"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn suggest_completes_entities_types_and_properties() {
    let app = spawn_app(&bundled_data_dir()).await;
    let (status, entities) = get_json(&app, "/reconcile/suggest/entity?prefix=Ibad").await;
    assert_eq!(status, 200);
    assert_valid("suggest-entities-response", &entities);
    assert_eq!(entities["result"][0]["id"], "gubad-ibadoglu");
    let (_, people) = get_json(
        &app,
        "/reconcile/suggest/entity?prefix=Azerbaijan&type=PERSON",
    )
    .await;
    assert!(people["result"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["notable"][0]["id"] == "PERSON"));
    let (_, page2) = get_json(&app, "/reconcile/suggest/entity?prefix=Ibad&cursor=1").await;
    assert_eq!(page2["result"][0], entities["result"][1]);
    let (_, types) = get_json(&app, "/reconcile/suggest/type?prefix=pe").await;
    assert_valid("suggest-types-response", &types);
    assert_eq!(types["result"], json!([{"id": "PERSON", "name": "Person"}]));
    let (_, props) = get_json(&app, "/reconcile/suggest/property?prefix=").await;
    assert_valid("suggest-properties-response", &props);
    let ids: Vec<&str> = props["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["alias", "role", "related"]);
    let (status, _) = get_json(&app, "/reconcile/suggest/entity?prefix=a&limit=101").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_preview_is_an_escaped_html_card() {
    let app = spawn_app(&bundled_data_dir()).await;
    let resp = client()
        .get(app.url("/reconcile/preview/gubad-ibadoglu"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    let html = resp.text().await.unwrap();
    assert!(html.contains("<h1>Gubad Ibadoglu</h1>"), "{html}");
    assert!(!html.contains("<script"));
    let resp = client()
        .get(app.url("/reconcile/preview/%3Cscript%3E"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("&lt;script&gt;") && !html.contains("<script>"),
        "{html}"
    );
    let (status, body) = get_json(&app, "/reconcile/entity/no-such-entity").await;
    assert_eq!(status, 404);
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn reconcile_routes_allow_any_origin_and_the_rest_does_not() {
    let app = spawn_app(&bundled_data_dir()).await;
    let preflight = |path: &str| {
        client()
            .request(reqwest::Method::OPTIONS, app.url(path))
            .header("origin", "http://localhost:3333")
            .header("access-control-request-method", "POST")
            .send()
    };
    let resp = preflight("/reconcile").await.unwrap();
    assert!(resp.status().is_success());
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    let resp = client()
        .get(app.url("/reconcile/suggest/type?prefix="))
        .header("origin", "http://localhost:3333")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    // No --cors-origins: the GraphQL endpoint stays closed to other origins.
    let resp = preflight("/graphql").await.unwrap();
    assert!(resp.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_jsonp_callback_wraps_the_answer() {
    let app = spawn_app(&bundled_data_dir()).await;
    let resp = client()
        .get(app.url("/reconcile?callback=jQuery_123"))
        .send()
        .await
        .unwrap();
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let body = resp.text().await.unwrap();
    let json = body
        .strip_prefix("/**/jQuery_123(")
        .and_then(|b| b.strip_suffix(");"))
        .unwrap_or_else(|| panic!("{body}"));
    assert_valid("manifest", &serde_json::from_str(json).unwrap());
    let (status, _) = get_json(&app, "/reconcile?callback=alert(1)").await;
    assert_eq!(status, 400);
}

#[test]
fn the_vendored_schemas_refuse_what_the_specification_refuses() {
    // A candidate without `name` and `score`, a manifest without `versions`, a batch of
    // queries with neither `query` nor `properties`: the checks above are not vacuous.
    assert!(
        !schema("reconciliation-result-batch").is_valid(&json!({"q0": {"result": [{"id": "x"}]}}))
    );
    assert!(!schema("manifest")
        .is_valid(&json!({"name": "x", "identifierSpace": "x", "schemaSpace": "x"})));
    assert!(!schema("manifest").is_valid(&json!({
        "versions": ["0.2"], "name": "x", "identifierSpace": "x", "schemaSpace": "x",
        "defaultTypes": [{"id": "PERSON"}],
    })));
    assert!(!schema("reconciliation-query-batch").is_valid(&json!({"q0": {"limit": 3}})));
    assert!(!schema("suggest-types-response").is_valid(&json!({"result": [{"id": "PERSON"}]})));
}
