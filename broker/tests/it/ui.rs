//! The web UI: each page from a seeded broker, checked over HTTP and in headless Chromium
//! (screenshots saved under `target/ui-screenshots/` as test artifacts).

use std::path::PathBuf;
use std::process::Command;

use accord_broker::BrokerConfig;
use serde_json::json;

use crate::{Broker, pact, start};

pub(crate) fn chromium() -> Option<PathBuf> {
    for candidate in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(PathBuf::from(candidate));
        }
    }
    accord_test_support::skip(
        "the broker UI checks in headless Chromium",
        "apt-get install chromium",
    );
    None
}

fn chromium_args(profile: &std::path::Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// What the seed leaves for the new pages: the failing verification's page.
struct Seeded {
    failed_verification: String,
}

/// A second version of web's pact (the field renamed), verified and failed by api a2 with the
/// results accord's verifier publishes; a provider contract of docs-api compared with web's pact.
async fn seed_changes(broker: &Broker) -> Seeded {
    broker
        .publish("web", "w2", Some("main"), &[pact("web", "api", "fullName")])
        .await;
    let (_, doc) = broker.get("/pacts/provider/api/consumer/web/version/w2").await;
    let result = broker
        .verify(
            "web",
            "w2",
            "api",
            &json!({"success": false, "providerApplicationVersion": "a2",
                "verifiedBy": {"implementation": "accord", "version": "0.1.0"},
                "testResults": [{"interactionDescription": "get thing", "success": false,
                    "request": "GET http://127.0.0.1:8080/thing",
                    "mismatches": [{"attribute": "body", "identifier": "$.fullName", "description": "Expected a Map with keys [fullName] but received one with keys [name]"}],
                    "diff": "--- expected\n+++ actual\n-  \"fullName\": \"x\"\n+  \"name\": \"x\"\n"}]}),
        )
        .await;
    let id = result["_links"]["self"]["href"]
        .as_str()
        .and_then(|h| h.rsplit('/').next())
        .expect("the result's id")
        .to_owned();
    let sha = doc["_links"]["pb:pact-version"]["href"]
        .as_str()
        .and_then(|h| h.rsplit('/').next())
        .expect("the pact's hash")
        .to_owned();
    // a2 replaces a1 in production, so can-i-deploy of w2 there fails on a2's verification.
    broker.deploy("api", "a2").await;
    broker
        .publish("web", "w2", Some("main"), &[pact("web", "docs-api", "name")])
        .await;
    let document = "openapi: 3.0.3\ninfo: {title: docs, version: \"1\"}\npaths:\n  /thing:\n    get:\n      responses:\n        \"200\": {description: a thing}\n";
    let (status, body) = broker
        .post(
            "/provider-contracts/provider/docs-api/publish",
            &json!({"pacticipantVersionNumber": "d1", "contract": {"content": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, document),
                "contentType": "application/yaml", "specification": "oas",
                "selfVerificationResults": {"success": true, "verifier": "dredd"}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    Seeded {
        failed_verification: format!(
            "/ui/pacts/provider/api/consumer/web/pact-version/{sha}/verification-results/{id}"
        ),
    }
}

async fn seed(broker: &Broker) {
    broker
        .publish("web", "w1", Some("main"), &[pact("web", "api", "name")])
        .await;
    broker
        .publish(
            "mobile-app",
            "m1",
            Some("main"),
            &[pact("mobile-app", "api", "title")],
        )
        .await;
    let (_, doc) = broker.get("/pacts/provider/api/consumer/web/version/w1").await;
    let publish = doc["_links"]["pb:publish-verification-results"]["href"]
        .as_str()
        .expect("link")
        .to_owned();
    broker
        .post(
            publish.trim_start_matches(&broker.url),
            &json!({"success": true, "providerApplicationVersion": "a1"}),
        )
        .await;
    broker
        .post(
            "/environments",
            &json!({"name": "production", "production": true}),
        )
        .await;
    let (_, version) = broker.get("/pacticipants/api/versions/a1").await;
    let record = version["_links"]["pb:record-deployment"][0]["href"]
        .as_str()
        .expect("link")
        .to_owned();
    broker
        .post(record.trim_start_matches(&broker.url), &json!({}))
        .await;
    for i in 0..120 {
        broker
            .send(
                reqwest::Method::PUT,
                &format!("/pacticipants/many/versions/v{i:03}"),
                &json!({}),
            )
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_renders_the_seeded_data() {
    let url = crate::sqlite_only("ui");
    let broker = start(BrokerConfig::new(url)).await;
    seed(&broker).await;
    let pages: Vec<(&str, &str, Vec<&str>)> = vec![
        (
            "index",
            "/ui",
            vec!["Web", "Mobile App", "Api", "failed for a2", "not verified yet"],
        ),
        (
            "pact",
            "/ui/pacts/provider/api/consumer/web",
            vec![
                "Pact between Web and Api",
                "get thing",
                "GET /thing",
                "Status 200",
            ],
        ),
        (
            "pacticipant",
            "/ui/pacticipants/api",
            vec!["a1", "a2", "deployed to production"],
        ),
        (
            "matrix",
            "/ui/matrix?consumer=web&provider=api",
            vec![
                "Can web w2 deploy to production?",
                "verified by a1",
                "failed for a2",
                "what changed",
            ],
        ),
        (
            "fields",
            "/ui/pacticipants/api/fields",
            vec![
                "Who uses which field of api",
                "GET /thing",
                "$.fullName",
                "$.title",
                "mobile-app",
            ],
        ),
        (
            "versions",
            "/ui/pacticipants/many?page=2",
            vec!["v069", "v020", "page 2", "next", "previous"],
        ),
    ];
    let seeded = seed_changes(&broker).await;
    let mut pages: Vec<(&str, String, Vec<&str>)> = pages
        .into_iter()
        .map(|(name, path, expected)| (name, path.to_owned(), expected))
        .collect();
    pages.extend([
        (
            "verification",
            seeded.failed_verification.clone(),
            vec![
                "1 interaction(s), 1 failed",
                "Verified by accord 0.1.0",
                "$.fullName",
                "get thing: failed",
                "+++ actual",
            ],
        ),
        (
            "diff",
            "/ui/pacts/provider/api/consumer/web/version/w2/diff/previous-distinct".to_owned(),
            vec![
                "w1",
                "w2",
                "Changed interactions",
                "response body $.fullName",
                "response body $.name",
                "1 changed",
            ],
        ),
        (
            "can-i-deploy",
            "/ui/can-i-deploy?pacticipant=web&version=w2&environment=production".to_owned(),
            vec![
                "No",
                "can web w2 be deployed to production?",
                "failed for a2",
                "docs-api",
            ],
        ),
        (
            "network",
            "/ui/network".to_owned(),
            vec![
                "ui/network?application=mobile-app",
                "ui/network?application=docs-api",
                "web → api: verification failed",
                "mobile-app → api: not verified yet",
            ],
        ),
        (
            "provider-contract",
            "/ui/provider-contracts/provider/docs-api/version/d1".to_owned(),
            vec![
                "Provider contract of docs-api d1",
                "passed (dredd)",
                "compatible",
                "/thing",
            ],
        ),
    ]);
    for (_, path, expected) in &pages {
        let path = path.as_str();
        let response = broker
            .client
            .get(format!("{}{path}", broker.url))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.expect("html");
        for text in expected {
            assert!(html.contains(text), "{path} should show '{text}':\n{html}");
        }
    }
    let filtered = broker
        .client
        .get(format!("{}/ui?q=MOBILE", broker.url))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("html");
    assert!(filtered.contains("Mobile App"), "{filtered}");
    assert!(
        !filtered.contains(">Web<"),
        "the search leaves out other integrations: {filtered}"
    );
    assert!(filtered.contains("value=\"MOBILE\""), "the form keeps the search");
    let (_, last) = (
        0,
        broker
            .client
            .get(format!("{}/ui/pacticipants/many?page=3", broker.url))
            .send()
            .await
            .expect("sent")
            .text()
            .await
            .expect("html"),
    );
    assert_eq!(
        last.matches("<tr>").count(),
        21,
        "20 versions on the last page plus the header row"
    );
    // A result is shown only under the pact it verified.
    let (_, w1) = broker.get("/pacts/provider/api/consumer/web/version/w1").await;
    let w1_sha = w1["_links"]["pb:pact-version"]["href"]
        .as_str()
        .and_then(|h| h.rsplit('/').next())
        .expect("hash");
    let id = seeded.failed_verification.rsplit('/').next().expect("id");
    let (status, _) = broker
        .get_text(
            &format!("/ui/pacts/provider/api/consumer/web/pact-version/{w1_sha}/verification-results/{id}"),
            &[],
        )
        .await;
    assert_eq!(status, 404, "another pact's result");
    let json = seeded.failed_verification.trim_start_matches("/ui");
    let (status, result) = broker.get(json).await;
    assert_eq!(status, 200, "{json}: {result}");
    assert_eq!(result["success"], false, "{result}");
    let (status, _) = broker
        .get(&format!(
            "/pacts/provider/api/consumer/web/pact-version/{w1_sha}/verification-results/{id}"
        ))
        .await;
    assert_eq!(status, 404, "the API shows a result only under its own pact too");

    let Some(chromium) = chromium() else { return };
    for (name, path, expected) in &pages {
        let dom = open_in_chromium(&chromium, &format!("{}{path}", broker.url), name, "1280,900").await;
        for text in expected {
            assert!(
                dom.contains(text),
                "Chromium's DOM of {path} should show '{text}'"
            );
        }
    }
}

/// Opens `url` in headless Chromium in a window of `size` (`1280,900`): the DOM it built, after
/// keeping a screenshot as `target/ui-screenshots/{name}.png` (a failure when none is written).
pub(crate) async fn open_in_chromium(
    chromium: &std::path::Path,
    url: &str,
    name: &str,
    size: &str,
) -> String {
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../ui-screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    let profile =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("chromium-{}-{name}", std::process::id()));
    let shot = shots.join(format!("{name}.png"));
    let mut args = chromium_args(&profile);
    args.retain(|a| !a.starts_with("--window-size"));
    args.push(format!("--window-size={size}"));
    let (chromium, url) = (chromium.to_path_buf(), url.to_owned());
    let (dom, shot) = tokio::task::spawn_blocking(move || {
        let dom = Command::new(&chromium)
            .args(&args)
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .expect("chromium runs");
        let _ = Command::new(&chromium)
            .args(&args)
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url)
            .output();
        (String::from_utf8_lossy(&dom.stdout).into_owned(), shot)
    })
    .await
    .expect("chromium thread");
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 1000, "screenshot {} was not written", shot.display());
    dom
}

/// Names, descriptions, published results and documents are data: every page shows them as
/// text, never as markup.
#[tokio::test]
async fn hostile_names_and_content_are_shown_as_text_on_every_page() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("ui-escaping"))).await;
    let evil = "<img src=x onerror=alert(1)>";
    let script = "<script>alert(2)</script>";
    let pact_of = |field: &str| {
        json!({"consumer": {"name": evil}, "provider": {"name": "api"},
            "interactions": [{"description": script, "providerState": script,
                "request": {"method": "GET", "path": "/thing", "headers": {"X-Note": script}},
                "response": {"status": 200, "body": {field: script}}}],
            "metadata": {"pactSpecification": {"version": "2.0.0"}}})
    };
    for (version, field) in [("v1", "a"), ("v2", "b")] {
        let (status, body) = broker
            .publish(evil, version, Some("main"), &[pact_of(field)])
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let encoded = percent_encoding::utf8_percent_encode(evil, percent_encoding::NON_ALPHANUMERIC).to_string();
    let result = broker
        .verify(
            &encoded,
            "v2",
            "api",
            &json!({"success": false, "providerApplicationVersion": script,
                "testResults": [{"interactionDescription": script, "success": false, "diff": script,
                    "mismatches": [{"attribute": "body", "identifier": script, "description": script}]}]}),
        )
        .await;
    let id = result["_links"]["self"]["href"]
        .as_str()
        .and_then(|h| h.rsplit('/').next())
        .expect("id")
        .to_owned();
    let (_, pact) = broker
        .get(&format!("/pacts/provider/api/consumer/{encoded}/version/v2"))
        .await;
    let sha = pact["_links"]["pb:pact-version"]["href"]
        .as_str()
        .and_then(|h| h.rsplit('/').next())
        .expect("sha")
        .to_owned();
    let document = format!("openapi: 3.0.3\ninfo: {{title: \"{script}\", version: \"1\"}}\npaths: {{}}\n");
    let (status, body) = broker
        .post(
            "/provider-contracts/provider/api/publish",
            &json!({"pacticipantVersionNumber": "p1", "contract": {"content": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, document),
                "selfVerificationResults": {"success": true, "verifier": script,
                    "content": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, script)}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let pages = [
        "/ui".to_owned(),
        format!("/ui/pacts/provider/api/consumer/{encoded}"),
        format!("/ui/pacticipants/{encoded}"),
        format!("/ui/matrix?consumer={encoded}&provider=api"),
        "/ui/network".to_owned(),
        format!("/ui/can-i-deploy?pacticipant={encoded}&version=v2&environment=production"),
        format!("/ui/pacts/provider/api/consumer/{encoded}/version/v2/diff/previous-distinct"),
        format!("/ui/pacts/provider/api/consumer/{encoded}/pact-version/{sha}/verification-results/{id}"),
        "/ui/provider-contracts/provider/api/version/p1".to_owned(),
        "/ui/pacticipants/api/fields".to_owned(),
        format!("/ui/pacticipants/{encoded}/webhooks"),
        format!("/ui/network?application={encoded}"),
        format!("/ui?q={encoded}"),
    ];
    for path in pages {
        let (status, html) = broker.get_text(&path, &[]).await;
        assert_eq!(status, 200, "{path}: {html}");
        let lower = html.to_lowercase();
        assert!(
            !lower.contains("<img src=x") && !lower.contains("<script>alert"),
            "{path} shows markup:\n{html}"
        );
        assert!(
            html.contains("&lt;img") || html.contains("&lt;script&gt;alert"),
            "{path} shows the hostile text escaped:\n{html}"
        );
    }
}
