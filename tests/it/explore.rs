//! `GET /explore`: the explorer page and its assets, served from the binary.

use crate::support::{small_fixture_dir, spawn_app};

#[tokio::test]
async fn the_explorer_and_its_assets_are_served_offline() {
    let app = spawn_app(&small_fixture_dir()).await;
    let client = reqwest::Client::new();
    let page = client.get(app.url("/explore")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "the page must not load anything from the internet"
    );
    for (asset, ty, referenced) in [
        ("/explore/explore.js", "text/javascript", true),
        ("/explore/explore.css", "text/css", true),
        ("/explore/LICENSES.txt", "text/plain", false),
        ("/explore/VENDORED.md", "text/markdown", false),
    ] {
        if referenced {
            assert!(
                html.contains(asset),
                "{asset} is not referenced by the page"
            );
        }
        let resp = client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{asset}");
        let got = resp.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(got.starts_with(ty), "{asset} served as {got}");
        assert!(!resp.bytes().await.unwrap().is_empty(), "{asset} is empty");
    }
    let missing = client
        .get(app.url("/explore/nothing.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
