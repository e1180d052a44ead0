//! Exports of graphs larger than a download's old default of 1,000 entities: `dossier export`
//! writes the whole graph, imports included, with no cap; `/export` without ids serves the
//! whole graph; a cut export says so in its own body; `depth=0` keeps the ids alone.

use crate::support::{bundled_data_dir, spawn_graph_with};
use dossier::import::{load_with_imports, ImportSource, Mapping, Silent};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// 1,500 generated entities and 4,000 relations as import tables in `dir`.
fn generated(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("gen");
    let spec = dossier::generate::Spec {
        entities: 1500,
        relations: 4000,
        seed: 7,
    };
    dossier::generate::generate(&spec, &out).unwrap();
    out
}

/// The bundled data with the generated import: 51 + 1,500 entities.
fn big_graph(dir: &Path) -> dossier::store::Graph {
    let source = ImportSource::at(&generated(dir), None).unwrap();
    load_with_imports(
        Some(&bundled_data_dir()),
        &[source],
        &Mapping::default(),
        &Silent,
    )
    .unwrap()
    .0
    .into_graph()
}

#[test]
fn dossier_export_writes_the_whole_graph_with_its_imports_and_no_cap() {
    let dir = tempfile::tempdir().unwrap();
    let gen = generated(dir.path());
    let expected = big_graph(dir.path());
    assert!(expected.entity_count() > 1500);
    let file = dir.path().join("all.graphml");
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["export", "--format", "graphml", "--data"])
        .arg(bundled_data_dir())
        .arg("--import")
        .arg(&gen)
        .arg("--output")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "no warning: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches("<node id=").count(), expected.entity_count());
    assert_eq!(text.matches("<edge id=").count(), expected.relation_count());
    assert!(!text.contains("truncat"));
    // With --limit, the file itself says it was cut, and stderr warns.
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args([
            "export",
            "--format",
            "node-link",
            "--limit",
            "1000",
            "--data",
        ])
        .arg(bundled_data_dir())
        .arg("--import")
        .arg(&gen)
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["nodes"].as_array().unwrap().len(), 1000);
    assert_eq!(doc["graph"]["truncated"], true);
    let note = doc["graph"]["truncation"].as_str().unwrap();
    assert!(
        note.contains(&format!("the first 1000 of {}", expected.entity_count())),
        "{note}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut the export short"));
}

#[tokio::test]
async fn the_http_export_of_the_whole_graph_is_not_cut_at_a_thousand() {
    let dir = tempfile::tempdir().unwrap();
    let graph = big_graph(dir.path());
    let (entities, relations) = (graph.entity_count(), graph.relation_count());
    let app = spawn_graph_with(graph, dossier::server::Settings::default()).await;
    let resp = reqwest::get(app.url("/export/node-link")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-dossier-truncated"], "false");
    let doc: Value = resp.json().await.unwrap();
    assert_eq!(doc["nodes"].as_array().unwrap().len(), entities);
    assert_eq!(doc["links"].as_array().unwrap().len(), relations);
    assert!(doc["graph"].get("truncated").is_none());
    // A limit cuts it, and the body says so where each format keeps its metadata.
    let resp = reqwest::get(app.url("/export/node-link?limit=1000"))
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-dossier-truncated"], "true");
    let doc: Value = resp.json().await.unwrap();
    assert_eq!(doc["nodes"].as_array().unwrap().len(), 1000);
    assert_eq!(doc["graph"]["truncated"], true);
    let graphml = reqwest::get(app.url("/export/graphml?limit=1000"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(graphml.contains(r#"attr.name="truncated" attr.type="boolean""#));
    assert!(graphml.contains(r#"<data key="g0">true</data>"#));
    let csv = reqwest::get(app.url("/export/csv?limit=10"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.lines().last().unwrap().starts_with("note,"), "{csv}");
}

#[tokio::test]
async fn depth_zero_keeps_the_ids_alone_and_bad_depths_are_refused_in_the_json_error_shape() {
    let (graph, _) = dossier::load::load_dir(&bundled_data_dir()).unwrap();
    let app = spawn_graph_with(graph, dossier::server::Settings::default()).await;
    // 0: the entities listed and the relations among them, nothing more.
    let resp = reqwest::get(app.url("/export/node-link?ids=echr,gubad-ibadoglu&depth=0"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    let mut nodes: Vec<&str> = body["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    nodes.sort_unstable();
    assert_eq!(nodes, ["echr", "gubad-ibadoglu"], "{body}");
    // 0 with no ids names nothing.
    let resp = reqwest::get(app.url("/export/graphml?depth=0"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INVALID_INPUT",
        "{body}"
    );
    let resp = reqwest::get(app.url("/export/graphml?ids=echr&depth=5"))
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
    assert_eq!(body["errors"][0]["extensions"]["limit"], 4);
    assert_eq!(body["errors"][0]["extensions"]["value"], 5);
}

#[test]
fn dossier_export_reports_a_bad_import_once_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("relations.csv"),
        "from,to,kind,quote,source\r\nechr,nobody,MET,They met.,cnis-2023-09-22\r\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["export", "--format", "dot", "--data"])
        .arg(bundled_data_dir())
        .arg("--import")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches("relations.csv:2:6: to: unknown entity `nobody`")
            .count(),
        1,
        "{stderr}"
    );
}

#[tokio::test]
async fn the_whole_graph_comes_page_by_page_each_relation_once_and_each_page_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let graph = big_graph(dir.path());
    let mut entities: Vec<String> = graph
        .entities(None)
        .map(|n| graph.entity(n).id().to_string())
        .collect();
    let mut relations: Vec<String> = graph
        .all_relations()
        .map(|e| graph.relation(e).id().to_string())
        .collect();
    let pages = entities.len().div_ceil(400);
    assert!(pages >= 4, "{} entities", entities.len());
    let app = spawn_graph_with(graph, dossier::server::Settings::default()).await;

    let (mut own, mut links) = (Vec::new(), Vec::new());
    let mut path = "/export/node-link?page=1&limit=400".to_string();
    for k in 1..=pages {
        let resp = reqwest::get(app.url(&path)).await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["x-dossier-truncated"], "true");
        let next = resp
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_string());
        let disposition = resp.headers()["content-disposition"].to_str().unwrap();
        assert!(disposition.contains(&format!("dossier-all-page{k}.json")));
        let doc: Value = resp.json().await.unwrap();
        let meta = &doc["graph"];
        assert_eq!(
            (meta["page"].as_u64(), meta["pages"].as_u64()),
            (Some(k as u64), Some(pages as u64))
        );
        assert_eq!(meta["truncated"], true);
        let note = meta["truncation"].as_str().unwrap();
        assert!(
            note.starts_with(&format!("truncated: page {k} of {pages}: ")),
            "{note}"
        );
        let nodes = doc["nodes"].as_array().unwrap();
        let mine: Vec<&str> = nodes
            .iter()
            .filter(|n| n.get("page_ref").is_none())
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        let refs: Vec<&str> = nodes
            .iter()
            .filter(|n| n["page_ref"] == true)
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert_eq!(mine.len() + refs.len(), nodes.len());
        assert!(mine.len() <= 400 && !mine.is_empty());
        for l in doc["links"].as_array().unwrap() {
            assert!(mine.contains(&l["source"].as_str().unwrap()), "{l}");
            let to = l["target"].as_str().unwrap();
            assert!(
                mine.contains(&to) || refs.contains(&to),
                "a page is a file on its own"
            );
            links.push(l["key"].as_str().unwrap().to_string());
        }
        own.extend(mine.iter().map(|s| s.to_string()));
        if k < pages {
            let next_page = format!("/export/node-link?page={}&limit=400", k + 1);
            assert_eq!(meta["next_page"], next_page.as_str());
            assert!(note.contains(&format!("next page: {next_page}")), "{note}");
            assert_eq!(
                next.as_deref(),
                Some(format!("<{next_page}>; rel=\"next\"").as_str())
            );
            path = next_page;
        } else {
            assert!(meta.get("next_page").is_none() && next.is_none());
            assert!(note.contains("this is the last page"), "{note}");
        }
    }
    assert_eq!(own, entities, "every entity once, in id order");
    links.sort();
    relations.sort();
    assert_eq!(links, relations, "every relation exactly once");
    entities.clear();

    // The flat formats carry the page too: GraphML's graph data and page_ref key, CSV's column
    // and note row.
    let graphml = reqwest::get(app.url("/export/graphml?page=2&limit=400"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(graphml.contains(r#"attr.name="page_ref" attr.type="boolean""#));
    assert!(graphml.contains(r#"<data key="nref">true</data>"#));
    assert!(graphml.contains(r#"<data key="g2">2</data>"#));
    assert!(graphml.contains("<data key=\"g4\">/export/graphml?page=3&amp;limit=400</data>"));
    let nodes = reqwest::get(app.url("/export/csv?page=1&limit=400&table=nodes"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(nodes.lines().next().unwrap().contains(",page_ref"));
    let last = nodes.lines().last().unwrap();
    assert!(
        last.starts_with("#truncated,") && last.contains("page 1 of"),
        "{last}"
    );

    // Past the end, page 0 and pages of a neighbourhood are refused in the JSON error shape.
    for bad in [
        format!("/export/graphml?page={}&limit=400", pages + 1),
        "/export/graphml?page=0".to_string(),
        "/export/graphml?page=1&ids=echr".to_string(),
    ] {
        let resp = reqwest::get(app.url(&bad)).await.unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "INVALID_INPUT",
            "{bad}"
        );
    }
    // One page holds it all at the default limit: page 1 of 1, not truncated.
    let doc: Value = reqwest::get(app.url("/export/node-link?page=1"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            doc["graph"]["page"].as_u64(),
            doc["graph"]["pages"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(doc["graph"]["truncated"], false);
    assert!(doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n.get("page_ref").is_none()));
    // Without a page, a cut of the whole graph names the pages to ask for.
    let doc: Value = reqwest::get(app.url("/export/node-link?limit=1000"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let note = doc["graph"]["truncation"].as_str().unwrap();
    assert!(note.contains("page=1…2 (and limit=1000"), "{note}");
}
