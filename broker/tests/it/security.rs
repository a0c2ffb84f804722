//! Attacks that worked once and must not again: routes reached around authentication, writes a
//! web page can make with the credentials a browser keeps, webhooks as a way into the broker's
//! network or out with its secrets, and credentials that lock everyone out.

use std::sync::{Arc, Mutex};

use accord_broker::{BrokerConfig, Credential, WebhookPolicy};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::{Broker, pact, publish_body, start};

fn guarded(name: &str) -> BrokerConfig {
    let mut config = BrokerConfig::new(crate::sqlite_only(name));
    config.auth.read_write.push(Credential::Token("rw-token".into()));
    config.auth.read_only.push(Credential::Token("ro-token".into()));
    config
}

async fn status(broker: &Broker, request: reqwest::RequestBuilder) -> u16 {
    let _ = broker;
    request.send().await.expect("sent").status().as_u16()
}

#[tokio::test]
async fn only_the_badge_routes_are_public_and_only_pacts_for_verification_is_a_read_by_post() {
    let mut config = guarded("security-badges");
    config.auth.public_badges = true;
    let broker = start(config).await;
    let c = &broker.client;
    let u = |p: &str| format!("{}{p}", broker.url);
    for version in ["badge", "v2"] {
        let body = publish_body("web", version, Some("main"), &[pact("web", "api", "name")]);
        let sent = c
            .post(u("/contracts/publish"))
            .bearer_auth("rw-token")
            .json(&body)
            .send()
            .await
            .expect("sent");
        assert_eq!(sent.status(), 200);
    }
    assert_eq!(
        status(&broker, c.get(u("/pacts/provider/api/consumer/web/latest/badge"))).await,
        200
    );
    // A version, tag or branch named "badge" is not a badge.
    for path in [
        "/pacts/provider/api/consumer/web/version/badge",
        "/pacticipants/web/versions/badge",
        "/pacticipants/web/branches/main/versions/badge",
        "/diagnostic/status/heartbeat/badge",
    ] {
        assert_eq!(status(&broker, c.get(u(path))).await, 401, "{path}");
    }
    // A read-only credential may POST only to pacts for verification.
    let hook = json!({"events": [{"name": "contract_published"}], "request": {"method": "POST", "url": "https://ci.example.com/x"}});
    for path in [
        "/webhooks/provider/api/consumer/for-verification",
        "/pacticipants/for-verification",
    ] {
        let sent = c.post(u(path)).bearer_auth("ro-token").json(&hook);
        assert_eq!(status(&broker, sent).await, 403, "{path}");
    }
    let pfv = c
        .post(u("/pacts/provider/api/for-verification"))
        .bearer_auth("ro-token")
        .json(&json!({"consumerVersionSelectors": [{"mainBranch": true}]}));
    assert_eq!(status(&broker, pfv).await, 200);
}

#[tokio::test]
async fn writes_take_json_only_so_a_web_page_cannot_make_them() {
    let broker = start(guarded("security-csrf")).await;
    let c = &broker.client;
    let u = |p: &str| format!("{}{p}", broker.url);
    let body = publish_body("web", "v1", None, &[pact("web", "api", "name")]).to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut request = c
            .post(u("/contracts/publish"))
            .bearer_auth("rw-token")
            .body(body.clone());
        if let Some(ct) = content_type {
            request = request.header("Content-Type", ct);
        }
        assert_eq!(status(&broker, request).await, 415, "{content_type:?}");
    }
    let (_, list) = {
        let answer = c
            .get(u("/pacticipants"))
            .bearer_auth("ro-token")
            .send()
            .await
            .expect("sent");
        (answer.status(), answer.json::<Value>().await.expect("json"))
    };
    assert_eq!(list["_embedded"]["pacticipants"], json!([]), "nothing was stored");
}

/// A local server answering every request with `status`, `location` and `body`, counting calls.
async fn target(status: u16, location: Option<String>, body: &'static str) -> (String, Arc<Mutex<usize>>) {
    let calls = Arc::new(Mutex::new(0));
    let counted = Arc::clone(&calls);
    let handler = move || {
        let counted = Arc::clone(&counted);
        let location = location.clone();
        async move {
            *counted.lock().expect("lock") += 1;
            let mut response = axum::response::Response::new(axum::body::Body::from(body));
            *response.status_mut() = axum::http::StatusCode::from_u16(status).expect("status");
            if let Some(location) = location {
                response
                    .headers_mut()
                    .insert("location", location.parse().expect("location"));
            }
            response
        }
    };
    let app = axum::Router::new()
        .route("/hook", post(handler.clone()))
        .route("/hook", get(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://127.0.0.1:{port}/hook"), calls)
}

/// Saves a webhook to `url` (with the write token) and tests it: the test run's answer.
async fn saved_and_tested(broker: &Broker, url: &str) -> Value {
    let send = |path: String, body: Value| {
        broker
            .client
            .post(format!("{}{path}", broker.url))
            .bearer_auth("rw-token")
            .json(&body)
            .send()
    };
    let created: Value = send(
        "/webhooks".into(),
        json!({"events": [{"name": "contract_published"}], "request": {"method": "POST", "url": url}}),
    )
    .await
    .expect("sent")
    .json()
    .await
    .expect("json");
    let uuid = created["uuid"].as_str().expect("uuid");
    send(format!("/webhooks/{uuid}/execute"), json!({}))
        .await
        .expect("sent")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn webhooks_follow_no_redirect_and_show_answers_of_listed_hosts_only() {
    let mut config = guarded("security-redirect");
    config.webhooks = WebhookPolicy {
        hosts: vec!["127.0.0.1".into()],
        schemes: vec!["http".into()],
        ..WebhookPolicy::default()
    };
    let broker = start(config).await;
    let (inside, inside_calls) = target(200, None, "internal admin page").await;
    let inside_port = inside.rsplit(':').next().unwrap_or_default().to_owned();
    let (redirecting, _) = target(302, Some(format!("http://localhost:{inside_port}")), "").await;
    let tested = saved_and_tested(&broker, &redirecting).await;
    assert_eq!(tested["success"], false, "{tested}");
    assert!(
        tested["logs"].as_str().unwrap_or("").contains("HTTP 302"),
        "{tested}"
    );
    assert_eq!(
        *inside_calls.lock().expect("lock"),
        0,
        "the redirect was not followed"
    );

    // A listed host's answer is shown (bounded); that is what listing a host means.
    let tested = saved_and_tested(&broker, &inside).await;
    assert!(
        tested["logs"]
            .as_str()
            .unwrap_or("")
            .contains("internal admin page"),
        "{tested}"
    );
}

#[tokio::test]
async fn no_view_of_a_webhook_shows_its_secrets() {
    let broker = start(guarded("security-secrets")).await;
    let c = &broker.client;
    let u = |p: &str| format!("{}{p}", broker.url);
    let hook = json!({
        "description": "trigger ci",
        "events": [{"name": "contract_published"}],
        "request": {
            "method": "POST",
            "url": "https://ci:url-pass@ci.example.com/build?token=query-token&branch=main",
            "headers": {"Proxy-Authorization": "h1", "Cookie": "h2", "X-Auth": "h3", "ApiKey": "h4",
                        "Api_Key": "h5", "X-Access-Key": "h6", "X-Vault-Pass": "h7", "Authorization": "h8"},
            "body": {"ref": "main", "variables": {"CI_JOB_TOKEN": "body-token"}},
            "username": "ci", "password": "basic-pass"
        }
    });
    let created = c
        .post(u("/webhooks"))
        .bearer_auth("rw-token")
        .json(&hook)
        .send()
        .await
        .expect("sent");
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("json");
    let uuid = created["uuid"].as_str().expect("uuid").to_owned();
    let secrets = [
        "url-pass",
        "query-token",
        "\"h1\"",
        "\"h2\"",
        "\"h3\"",
        "\"h4\"",
        "\"h5\"",
        "\"h6\"",
        "\"h7\"",
        "\"h8\"",
        "body-token",
        "basic-pass",
    ];
    for path in [
        format!("/webhooks/{uuid}"),
        "/webhooks".to_owned(),
        "/webhooks/provider/api".to_owned(),
    ] {
        let shown = c
            .get(u(&path))
            .bearer_auth("ro-token")
            .send()
            .await
            .expect("sent")
            .text()
            .await
            .expect("text");
        for secret in secrets {
            assert!(!shown.contains(secret), "GET {path} shows {secret}: {shown}");
        }
    }
    let answer = created.to_string();
    for secret in secrets {
        assert!(!answer.contains(secret), "the creation answer shows {secret}");
    }
}

#[test]
fn an_empty_token_is_refused_at_start() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_accord-broker"))
        .args([
            "serve",
            "--database-url",
            &crate::sqlite_only("security-token"),
            "--bind",
            "127.0.0.1:0",
        ])
        .env("ACCORD_BROKER_TOKEN", "")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--token is empty"), "{stderr}");
}

#[tokio::test]
async fn pages_carry_a_content_policy_and_nul_characters_are_refused() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("security-headers"))).await;
    let page = broker
        .client
        .get(format!("{}/ui", broker.url))
        .send()
        .await
        .expect("sent");
    let headers = page.headers();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .is_ok_and(|csp| csp.contains("default-src 'none'") && csp.contains("base-uri 'self'")),
        "{headers:?}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    for path in [
        "/pacticipants/a%00b",
        "/ui?q=%00",
        "/pacticipants/web/versions/1%00",
    ] {
        let (status, body) = broker.get(path).await;
        assert_eq!(status, 400, "{path}: {body}");
    }
}

#[tokio::test]
async fn forwarded_headers_count_only_when_trusted_and_webhook_links_never_follow_a_request() {
    let spoofed = [
        ("X-Forwarded-Host", "evil.example"),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Prefix", "//evil.example"),
    ];
    let broker = start(BrokerConfig::new(crate::sqlite_only("security-forwarded"))).await;
    let (_, index) = broker.get_text("/", &spoofed).await;
    assert!(
        !index.contains("evil.example"),
        "untrusted forwarded headers make no links: {index}"
    );

    let mut config = BrokerConfig::new(crate::sqlite_only("security-forwarded-trusted"));
    config.trust_forwarded_headers = true;
    let broker = start(config).await;
    let (_, page) = broker
        .get_text("/ui", &[("X-Forwarded-Prefix", "//evil.example")])
        .await;
    assert!(
        !page.contains("//evil.example"),
        "a prefix is a plain path: {page}"
    );

    // Testing a webhook renders ${pactbroker.pactUrl} from the broker's own address, whatever
    // Host the request claims.
    let tested: Value = broker
        .client
        .post(format!("{}/webhooks/execute", broker.url))
        .header("Host", "evil.example")
        .header("X-Forwarded-Host", "evil.example")
        .json(&json!({"events": [{"name": "contract_published"}],
                      "request": {"method": "POST", "url": "https://ci.example.com/build", "body": {"pact": "${pactbroker.pactUrl}"}}}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let shown = tested["request"]["body"].to_string();
    assert!(shown.contains("http://127.0.0.1:9292/pacts/"), "{tested}");
    assert!(!shown.contains("evil.example"), "{tested}");
}

#[tokio::test]
async fn half_sent_requests_cannot_hold_the_broker() {
    use tokio::io::AsyncWriteExt as _;
    let (address, server) = crate::serve_limited("security-slowloris", 4).await;
    let url = format!("http://{address}");
    let mut held = Vec::new();
    for _ in 0..8 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
        stream
            .write_all(b"GET /diagnostic/status/heartbeat HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("half a request");
        held.push(stream);
    }
    let started = std::time::Instant::now();
    let answer = reqwest::Client::new()
        .get(format!("{url}/diagnostic/status/heartbeat"))
        .timeout(std::time::Duration::from_secs(15))
        .send()
        .await
        .expect("the heartbeat answers while half-sent requests are held");
    assert_eq!(answer.status(), 200);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "answered after the slow connections timed out, not never: {:?}",
        started.elapsed()
    );
    // Each half-sent request's connection was closed after the header timeout (with or without
    // a 408), not kept for as long as the client likes.
    for mut stream in held {
        use tokio::io::AsyncReadExt as _;
        let mut rest = Vec::new();
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "a half-sent request's connection is still open");
    }
    server.abort();
}

#[tokio::test]
async fn names_are_short_visible_text() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("security-names"))).await;
    let mut body = publish_body("web", "v1", Some("main"), &[pact("web", "api", "name")]);
    body["tags"] = json!(["prod", ""]);
    let (status, answer) = broker.post("/contracts/publish", &body).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.to_string().contains("tags[1] must not be empty"),
        "{answer}"
    );
    let mut body = publish_body(
        "web\u{202E}txt",
        "v1",
        None,
        &[pact("web\u{202E}txt", "api", "name")],
    );
    body["pacticipantName"] = json!("web\u{202E}txt");
    let (status, answer) = broker.post("/contracts/publish", &body).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().contains("U+202E"), "{answer}");
    let long = "x".repeat(300);
    let (status, answer) = broker
        .put(&format!("/pacticipants/web/versions/v1/tags/{long}"))
        .await;
    assert_eq!(status, 400, "{answer}");
    for path in [
        "/pacticipants/web/versions/v1%0A/tags/prod",
        "/pacticipants/a%0Db",
    ] {
        let (status, answer) = broker.put(path).await;
        assert_eq!(status, 400, "{path}: {answer}");
    }
    let (_, list) = broker.get("/pacticipants").await;
    assert_eq!(
        list["_embedded"]["pacticipants"],
        json!([]),
        "nothing was stored: {list}"
    );
}

#[tokio::test]
async fn pacts_no_verification_could_judge_are_refused_at_publish() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("security-unjudgeable"))).await;
    let base = pact("web", "api", "name");
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut spec = base.clone();
    spec["metadata"]["pactSpecification"]["version"] = json!("99.0.0");
    cases.push((spec, "unknown specification version '99.0.0'"));
    let mut regex = base.clone();
    regex["interactions"][0]["response"]["matchingRules"] =
        json!({"body": {"$.name": {"matchers": [{"match": "regex", "regex": "(("}]}}});
    cases.push((regex, "does not compile"));
    let mut min = base.clone();
    min["interactions"][0]["response"]["matchingRules"] =
        json!({"body": {"$.name": {"matchers": [{"match": "type", "min": -5}]}}});
    cases.push((min, "must not be negative"));
    let mut method = base.clone();
    method["interactions"][0]["request"]["method"] = json!("");
    cases.push((method, "is not an HTTP method"));
    let mut empty = base.clone();
    if let Some(map) = empty.as_object_mut() {
        map.remove("interactions");
    }
    cases.push((empty, "has no 'interactions'"));
    for (content, why) in cases {
        let (status, answer) = broker.publish("web", "v1", None, &[content]).await;
        assert_eq!(status, 400, "{why}: {answer}");
        assert!(answer.to_string().contains(why), "{why}: {answer}");
    }
    let (_, list) = broker.get("/pacticipants").await;
    assert_eq!(
        list["_embedded"]["pacticipants"],
        json!([]),
        "nothing was stored: {list}"
    );
}

/// Starts the broker binary on `database_url`; the child and its URL.
fn spawn_broker(database_url: &str) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_accord-broker"))
        .args(["serve", "--database-url", database_url, "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("broker starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the broker prints its URL");
    (child, line.trim().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_broker_per_sqlite_file_and_clean_works_while_it_writes() {
    let database_url = crate::sqlite_only("security-sqlite-lock");
    let (mut first, url) = spawn_broker(&database_url);
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_accord-broker"))
        .args(["serve", "--database-url", &database_url, "--bind", "127.0.0.1:0"])
        .output()
        .expect("runs");
    assert!(
        !second.status.success(),
        "a second broker on the same SQLite file is refused"
    );
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("another accord-broker is serving"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );

    // Publishing goes on while `clean` deletes; both succeed.
    let client = reqwest::Client::new();
    let writer = {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            let mut failures = 0;
            for i in 0..150 {
                let body = publish_body(
                    "web",
                    &format!("v{i}"),
                    Some("main"),
                    &[pact("web", "api", "name")],
                );
                let sent = client
                    .post(format!("{url}/contracts/publish"))
                    .json(&body)
                    .send()
                    .await;
                if !sent.is_ok_and(|r| r.status() == 200) {
                    failures += 1;
                }
            }
            failures
        })
    };
    let clean_url = database_url.clone();
    let cleaned = tokio::task::spawn_blocking(move || {
        let mut runs = Vec::new();
        for _ in 0..5 {
            runs.push(
                std::process::Command::new(env!("CARGO_BIN_EXE_accord-broker"))
                    .args([
                        "clean",
                        "--database-url",
                        &clean_url,
                        "--keep",
                        r#"{"branch": true, "latest": true}"#,
                    ])
                    .output()
                    .expect("clean runs"),
            );
        }
        runs
    })
    .await
    .expect("clean thread");
    let failures = writer.await.expect("writer");
    let _ = first.kill();
    let _ = first.wait();
    for run in cleaned {
        assert!(
            run.status.success(),
            "clean while the broker writes: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    assert_eq!(failures, 0, "no publish failed while clean ran");
}
