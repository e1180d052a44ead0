//! Fragments that fan out are counted once each: a small query whose expansion is exponential
//! is refused in bounded time, and the server keeps answering others meanwhile.

use crate::support::{first_code, run, traversal_graph};
use dossier::graphql::build_schema;
use dossier::store::Store;
use std::time::{Duration, Instant};

/// `levels` fragments, each spreading the previous one `spreads` times (about 1 KB for 27
/// levels of 2): expanded, `spreads^levels` fields.
pub fn fan_out(levels: usize, spreads: usize) -> String {
    let mut q = String::from("query { entity(id: \"ann\") { ...F0 } }\n");
    q.push_str("fragment F0 on Entity { id }\n");
    for i in 1..=levels {
        let body = format!("...F{} ", i - 1).repeat(spreads);
        q.push_str(&format!("fragment F{i} on Entity {{ {body}}}\n"));
    }
    q.replace("...F0 } }", &format!("...F{levels} }} }}"))
}

/// The least time of three runs, so a busy machine does not make the test flaky.
async fn least_time(query: &str) -> (Duration, serde_json::Value) {
    let schema = build_schema(Store::new(traversal_graph()));
    let mut best = (Duration::MAX, serde_json::Value::Null);
    for _ in 0..3 {
        let t = Instant::now();
        let r = serde_json::to_value(schema.execute(query).await).unwrap();
        let took = t.elapsed();
        if took < best.0 {
            best = (took, r);
        }
    }
    best
}

#[tokio::test]
async fn fragments_that_double_at_each_of_27_levels_are_refused_within_50_ms() {
    let q = fan_out(27, 2);
    assert!(q.len() < 1200, "{} bytes", q.len());
    let (took, r) = least_time(&q).await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED", "{r}");
    assert_eq!(r["errors"][0]["extensions"]["measure"], "complexity", "{r}");
    assert!(took < Duration::from_millis(50), "took {took:?}");
}

#[tokio::test]
async fn fragments_that_triple_at_each_level_are_refused_within_50_ms() {
    let q = fan_out(60, 3);
    assert!(q.len() < 4096, "{} bytes", q.len());
    let (took, r) = least_time(&q).await;
    assert_eq!(first_code(&r), "LIMIT_EXCEEDED", "{r}");
    assert!(took < Duration::from_millis(50), "took {took:?}");
}

#[tokio::test]
async fn a_fan_out_under_the_complexity_limit_still_runs() {
    // 2^10 = 1,024 copies of `id` merge into one field of the answer.
    let r = run(traversal_graph(), &fan_out(10, 2)).await;
    assert!(r["errors"].is_null(), "{r}");
    assert_eq!(r["data"]["entity"]["id"], "ann");
}

#[tokio::test]
async fn a_fragment_that_spreads_itself_is_named() {
    let q = r#"query { entity(id: "ann") { ...A } }
               fragment A on Entity { id ...B }
               fragment B on Entity { name ...A }"#;
    let r = run(traversal_graph(), q).await;
    assert_eq!(first_code(&r), "GRAPHQL_VALIDATION_FAILED", "{r}");
    assert!(r["data"].is_null(), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_normal_query_answers_while_fan_outs_are_refused() {
    let app = crate::support::spawn_app(&crate::support::small_fixture_dir()).await;
    let client = reqwest::Client::new();
    let send = |query: String| {
        let client = client.clone();
        let url = app.url("/graphql");
        async move {
            let started = Instant::now();
            let r: serde_json::Value = client
                .post(url)
                .json(&serde_json::json!({ "query": query }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (started.elapsed(), r)
        }
    };
    let attacks = (0..4).map(|_| tokio::spawn(send(fan_out(27, 2))));
    let attacks: Vec<_> = attacks.collect();
    let (took, normal) = send("{ documents { id } }".to_string()).await;
    assert!(normal["errors"].is_null(), "{normal}");
    assert!(
        took < Duration::from_secs(2),
        "the normal query waited {took:?}"
    );
    for a in attacks {
        let (_, r) = a.await.unwrap();
        assert_eq!(first_code(&r), "LIMIT_EXCEEDED", "{r}");
    }
}
