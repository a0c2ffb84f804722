//! The library: matching, recording before responding, reports, CORS.

use accord_mock_server::{MockServer, MockServerConfig, Problem};

use crate::accounts_pact;

#[tokio::test]
async fn serves_matching_requests_and_records_them() {
    let server = MockServer::start(accounts_pact(), MockServerConfig::default())
        .await
        .expect("starts");
    assert!(server.url().starts_with("http://127.0.0.1:"));
    let body: serde_json::Value = reqwest::get(format!("{}/accounts/42", server.url()))
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(body["owner"], "ann");
    // Recorded before the response was sent: visible as soon as the response arrives.
    let report = server.report();
    assert_eq!(report.matched[0], ("get account 42".to_owned(), 1));
    // The path rule matches other ids; the generator replaces the example.
    let generated: serde_json::Value = reqwest::get(format!("{}/accounts/123", server.url()))
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let id = generated["id"].as_i64().expect("id");
    assert!((1000..=2000).contains(&id), "{id}");
    let report = server.shutdown().await;
    assert_eq!(report.missing, vec!["find accounts by owner".to_owned()]);
    assert!(!report.is_success());
}

#[tokio::test]
async fn unmatched_requests_get_500_naming_the_closest_interaction() {
    let server = MockServer::start(accounts_pact(), MockServerConfig::default())
        .await
        .expect("starts");
    let response = reqwest::get(format!("{}/accounts?owner=bob", server.url()))
        .await
        .expect("sent");
    assert_eq!(response.status(), 500);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["interaction"], "find accounts by owner");
    assert_eq!(body["mismatches"][0]["type"], "QueryMismatch");
    let response = reqwest::Client::new()
        .post(format!("{}/orders", server.url()))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 500);
    let report = server.report();
    assert_eq!(report.mismatched_total, 1);
    assert_eq!(report.unexpected_total, 1);
    assert!(
        matches!(&report.problems[0], Problem::Mismatched { closest, .. } if closest == "find accounts by owner")
    );
    let text = report.render(Default::default());
    assert!(
        text.contains("Expected query parameter 'owner' with value 'ann' but was 'bob'"),
        "{text}"
    );
    assert!(text.contains("unexpected request POST /orders"), "{text}");
}

#[tokio::test]
async fn problem_window_is_bounded() {
    let config = MockServerConfig {
        problem_limit: 5,
        ..MockServerConfig::default()
    };
    let server = MockServer::start(accounts_pact(), config).await.expect("starts");
    let client = reqwest::Client::new();
    for i in 0..20 {
        client
            .get(format!("{}/missing/{i}", server.url()))
            .send()
            .await
            .expect("sent");
    }
    let report = server.report();
    assert_eq!(report.unexpected_total, 20);
    assert_eq!(report.problems.len(), 5);
    assert!(
        report
            .render(Default::default())
            .contains("and 15 more problem request(s) not shown")
    );
}

#[tokio::test]
async fn cors_preflight_is_answered_when_enabled() {
    let config = MockServerConfig {
        cors: true,
        ..MockServerConfig::default()
    };
    let server = MockServer::start(accounts_pact(), config).await.expect("starts");
    let response = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/accounts/42", server.url()))
        .header("Origin", "http://app.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 204);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://app.example"
    );
    let response = reqwest::get(format!("{}/accounts/42", server.url()))
        .await
        .expect("sent");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    // Preflight requests are not counted as problems.
    assert_eq!(server.report().unexpected_total, 0);
}

#[tokio::test]
async fn start_and_shutdown_repeatedly() {
    for _ in 0..20 {
        let server = MockServer::start(accounts_pact(), MockServerConfig::default())
            .await
            .expect("starts");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn tls_with_a_generated_certificate() {
    let config = MockServerConfig {
        tls: true,
        ..MockServerConfig::default()
    };
    let server = MockServer::start(accounts_pact(), config).await.expect("starts");
    assert!(server.url().starts_with("https://127.0.0.1:"));
    let pem = server.certificate_pem().expect("certificate");
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).expect("pem"))
        .build()
        .expect("client");
    let url = server.url().replace("127.0.0.1", "localhost");
    let body: serde_json::Value = client
        .get(format!("{url}/accounts/42"))
        .send()
        .await
        .expect("sent over TLS")
        .json()
        .await
        .expect("json");
    assert_eq!(body["id"], 42);
    assert_eq!(server.report().matched[0].1, 1);
}

#[tokio::test]
async fn a_pact_path_written_with_escapes_matches_the_request_sent() {
    // As the Ruby mock service and other official writers record paths: as sent.
    let server = serve_v2(serde_json::json!([{"description": "get the Pricing Service",
              "request": {"method": "GET", "path": "/pacticipants/Pricing%20Service"},
              "response": {"status": 200, "body": {"name": "Pricing Service"}}}]))
    .await;
    let response = reqwest::get(format!("{}/pacticipants/Pricing%20Service", server.url()))
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    assert!(server.shutdown().await.is_success());
}

#[tokio::test]
async fn the_most_specific_matching_interaction_answers() {
    let server = serve_v2(serde_json::json!([
              {"description": "no auth", "request": {"method": "GET", "path": "/product/10"},
               "response": {"status": 401}},
              {"description": "authorised", "request": {"method": "GET", "path": "/product/10",
                 "headers": {"Authorization": "Bearer token"}},
               "response": {"status": 200, "body": {"id": 10}}},
              {"description": "as XML", "request": {"method": "GET", "path": "/product/10",
                 "headers": {"Authorization": "Bearer token", "Accept": "application/xml"}},
               "response": {"status": 200, "headers": {"Content-Type": "application/xml"}, "body": "<product id=\"10\"/>"}}
            ])).await;
    let client = reqwest::Client::new();
    let url = format!("{}/product/10", server.url());
    let plain = client.get(&url).send().await.expect("sent");
    assert_eq!(plain.status(), 401);
    let authorised = client
        .get(&url)
        .header("Authorization", "Bearer token")
        .send()
        .await
        .expect("sent");
    assert_eq!(authorised.status(), 200);
    assert_eq!(authorised.text().await.expect("body"), r#"{"id":10}"#);
    let xml = client
        .get(&url)
        .header("Authorization", "Bearer token")
        .header("Accept", "application/xml")
        .send()
        .await
        .expect("sent");
    assert_eq!(xml.text().await.expect("body"), r#"<product id="10"/>"#);
    assert!(
        server.shutdown().await.is_success(),
        "each interaction was matched once"
    );
}

#[tokio::test]
async fn a_half_sent_request_is_dropped_after_the_header_timeout() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let config = MockServerConfig {
        header_timeout: std::time::Duration::from_millis(500),
        ..MockServerConfig::default()
    };
    let server = MockServer::start(accounts_pact(), config).await.expect("starts");
    let address = server.url().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
    stream
        .write_all(b"GET /accounts/42 HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("half a request");
    let mut rest = Vec::new();
    let closed =
        tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the connection is closed, not held");
    // The server still answers whole requests.
    let answer = reqwest::get(format!("{}/accounts/42", server.url()))
        .await
        .expect("sent");
    assert_eq!(answer.status(), 200);
}

/// A mock server for a V2 pact with these interactions.
async fn serve_v2(interactions: serde_json::Value) -> MockServer {
    let pact = serde_json::json!({
        "consumer": {"name": "web"}, "provider": {"name": "api"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "2.0.0"}}
    });
    let pact = accord_core::format::parse_pact(&pact.to_string(), "test").expect("valid pact");
    MockServer::start(pact, MockServerConfig::default())
        .await
        .expect("starts")
}
