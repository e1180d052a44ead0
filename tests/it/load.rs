//! A bounded load test on loopback: several thousand mixed requests, some abusive. Every
//! legitimate one must answer correctly, every abusive one must get its refusal, and memory must
//! stay flat once warm.

use crate::support::{bundled_data_dir, spawn_app};
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::Semaphore;

const REQUESTS: usize = 3000;
const CONCURRENCY: usize = 16;

/// The resident memory of this process (the server runs in it), in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

enum Expect {
    /// 200, no errors, and this JSON pointer in the data equals this value.
    Data(&'static str, Value),
    /// This status, and (if given) this error code.
    Refused(u16, Option<&'static str>),
}

fn request(i: usize) -> (reqwest::Method, &'static str, Vec<u8>, Expect) {
    use reqwest::Method;
    let post = |q: &str| serde_json::to_vec(&json!({ "query": q })).unwrap();
    match i % 10 {
        0 => (
            Method::POST,
            "/graphql",
            post(r#"{ entity(id: "echr") { name } }"#),
            Expect::Data("/entity/name", json!("European Court of Human Rights")),
        ),
        1 => (
            Method::POST,
            "/graphql",
            post(r#"{ search(text: "Ibadoghlu") { entity { id } } }"#),
            Expect::Data("/search/0/entity/id", json!("gubad-ibadoglu")),
        ),
        2 => (
            Method::POST,
            "/graphql",
            post(r#"{ shortestPath(from: "rail-abbasov", to: "vladimir-putin") { length } }"#),
            Expect::Data("/shortestPath/length", json!(3)),
        ),
        3 => (
            Method::POST,
            "/graphql",
            post(
                r#"{ relations(kinds: [ARRESTED, DETAINED], since: "2023-09-21", until: "2023-09-22") { totalCount } }"#,
            ),
            Expect::Data("/relations/totalCount", json!(5)),
        ),
        4 => (
            Method::POST,
            "/graphql",
            post(r#"{ neighbourhood(ids: ["echr"], depth: 2) { truncated } }"#),
            Expect::Data("/neighbourhood/truncated", json!(false)),
        ),
        5 => (
            Method::POST,
            "/graphql",
            post(
                r#"{ paths(from: "rail-abbasov", to: "vladimir-putin", maxLength: 4, limit: 20) { length } }"#,
            ),
            Expect::Data("/paths/0/length", json!(3)),
        ),
        6 => {
            let aliases: String = (0..200)
                .map(|i| format!("a{i}: documents {{ id }} "))
                .collect();
            (
                Method::POST,
                "/graphql",
                post(&format!("{{ {aliases} }}")),
                Expect::Refused(400, Some("LIMIT_EXCEEDED")),
            )
        }
        7 => (
            Method::POST,
            "/graphql",
            b"{\"query\": \"{ docu".to_vec(),
            Expect::Refused(400, Some("BAD_REQUEST")),
        ),
        8 => {
            let deep = format!("{}{}", "{ a ".repeat(500), "}".repeat(500));
            (
                Method::POST,
                "/graphql",
                post(&deep),
                Expect::Refused(400, Some("LIMIT_EXCEEDED")),
            )
        }
        _ => (
            Method::POST,
            "/graphql",
            post(&format!(
                "{{ documents {{ id }} }} #{}",
                "x".repeat(100_000)
            )),
            Expect::Refused(413, None),
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_mixed_requests_keep_legitimate_answers_right_and_memory_flat() {
    let app = spawn_app(&bundled_data_dir()).await;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap();
    let base = app.url("");
    let gate = Arc::new(Semaphore::new(CONCURRENCY));
    let mut warm_rss = 0;
    let mut failures = Vec::new();
    for round in 0..2 {
        let range = if round == 0 {
            0..REQUESTS / 5
        } else {
            REQUESTS / 5..REQUESTS
        };
        let mut tasks = Vec::new();
        for i in range {
            let permit = gate.clone().acquire_owned().await.unwrap();
            let client = client.clone();
            let base = base.clone();
            tasks.push(tokio::spawn(async move {
                let _permit = permit;
                let (method, path, body, expect) = request(i);
                let resp = client
                    .request(method, format!("{base}{path}"))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| format!("request {i}: {e}"))?;
                let status = resp.status().as_u16();
                let v: Value = resp.json().await.unwrap_or(Value::Null);
                match expect {
                    Expect::Data(pointer, want) => {
                        let got = v["data"].pointer(pointer);
                        if status != 200 || v.get("errors").is_some() || got != Some(&want) {
                            return Err(format!("request {i}: {status} {v}"));
                        }
                    }
                    Expect::Refused(want, code) => {
                        let got_code = v["errors"][0]["extensions"]["code"].as_str();
                        if status != want || code.is_some_and(|c| got_code != Some(c)) {
                            return Err(format!(
                                "request {i}: wanted {want} {code:?}, got {status} {v}"
                            ));
                        }
                    }
                }
                Ok(())
            }));
        }
        for t in tasks {
            if let Err(e) = t.await.unwrap() {
                failures.push(e);
            }
        }
        if round == 0 {
            warm_rss = rss_kib();
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    let grown = rss_kib().saturating_sub(warm_rss);
    assert!(
        grown < 64 * 1024,
        "resident memory grew by {grown} KiB after warm-up"
    );
}
