//! The second hardening round, one test per finding: every write route refuses a body that is
//! not declared JSON (an empty one included), text after the JSON value, and a NUL in any string
//! field (on SQLite and PostgreSQL); names that display like another are refused or composed.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::{Broker, backends, pact, publish_body, start};

/// A write route: its method, its path with the seeded names filled in, whether it takes a
/// body, and a body it accepts.
struct WriteRoute {
    method: reqwest::Method,
    template: &'static str,
    path: String,
    bodyless: bool,
    body: Value,
}

/// What the routes' paths point at.
struct Seeded {
    environment: String,
    webhook: String,
    deployed: String,
    released: String,
    sha: String,
    metadata: String,
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

const OPENAPI: &str = "openapi: 3.0.0\ninfo: {title: api, version: '1'}\npaths:\n  /thing:\n    get:\n      responses:\n        '200': {description: ok}\n";

fn hook_body() -> Value {
    json!({"description": "notify ci", "events": [{"name": "contract_published"}],
        "request": {"method": "POST", "url": "https://ci.example.com/build",
            "headers": {"X-Note": "from the broker"}, "body": {"ref": "main"}, "username": "ci", "password": "pw"}})
}

/// Creates what the write routes refer to.
async fn seed(broker: &Broker) -> Seeded {
    let (status, body) = broker
        .publish("web", "1", Some("main"), &[pact("web", "api", "name")])
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, env) = broker
        .post(
            "/environments",
            &json!({"name": "prod", "displayName": "Production", "production": true}),
        )
        .await;
    assert_eq!(status, 201, "{env}");
    let environment = env["uuid"].as_str().expect("uuid").to_owned();
    let (status, hook) = broker.post("/webhooks", &hook_body()).await;
    assert_eq!(status, 201, "{hook}");
    let webhook = hook["uuid"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| {
            hook["_links"]["self"]["href"]
                .as_str()
                .and_then(|h| h.rsplit('/').next())
                .map(str::to_owned)
        })
        .expect("webhook uuid");
    let (status, deployed) = broker
        .post(
            &format!("/pacticipants/web/versions/1/deployed-versions/environment/{environment}"),
            &json!({"applicationInstance": "blue"}),
        )
        .await;
    assert_eq!(status, 201, "{deployed}");
    let (status, released) = broker
        .post(
            &format!("/pacticipants/web/versions/1/released-versions/environment/{environment}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 201, "{released}");
    let id = |v: &Value| v["uuid"].as_str().expect("uuid").to_owned();
    let (_, found) = broker
        .post(
            "/pacts/provider/api/for-verification",
            &json!({"consumerVersionSelectors": [{"mainBranch": true}]}),
        )
        .await;
    let pact_href = found["_embedded"]["pacts"][0]["_links"]["self"]["href"]
        .as_str()
        .expect("pact link")
        .to_owned();
    let metadata = pact_href
        .split("/metadata/")
        .nth(1)
        .expect("metadata in the link")
        .to_owned();
    let sha = pact_href
        .split("/pact-version/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("sha")
        .to_owned();
    Seeded {
        environment,
        webhook,
        deployed: id(&deployed),
        released: id(&released),
        sha,
        metadata,
    }
}

/// Every write route of the broker with a body it accepts.
fn write_routes(s: &Seeded) -> Vec<WriteRoute> {
    use reqwest::Method as M;
    let result = json!({"success": true, "providerApplicationVersion": "2", "buildUrl": "https://ci.example.com/2",
        "verifiedBy": {"implementation": "accord", "version": "1"},
        "testResults": [{"interactionDescription": "get thing", "success": true}]});
    let contract = json!({"content": b64(OPENAPI), "contentType": "application/yaml", "specification": "oas",
        "selfVerificationResults": {"success": true, "content": b64("all passed"), "contentType": "text/plain", "verifier": "schemathesis"}});
    let pacticipant =
        json!({"displayName": "Web", "repositoryUrl": "https://git.example.com/web", "mainBranch": "main"});
    let environment = json!({"name": "staging", "displayName": "Staging", "production": false,
        "contacts": [{"name": "ops", "details": {"emailAddress": "ops@example.com"}}]});
    let r = |method: M, template: &'static str, path: String, body: Value| WriteRoute {
        method,
        template,
        path,
        bodyless: false,
        body,
    };
    let none = |method: M, template: &'static str, path: String| WriteRoute {
        method,
        template,
        path,
        bodyless: true,
        body: json!({}),
    };
    let (env, hook, sha, meta) = (&s.environment, &s.webhook, &s.sha, &s.metadata);
    vec![
        r(
            M::POST,
            "/contracts/publish",
            "/contracts/publish".into(),
            publish_body("web", "3", Some("main"), &[pact("web", "api", "name")]),
        ),
        r(
            M::POST,
            "/provider-contracts/provider/{p}/publish",
            "/provider-contracts/provider/api/publish".into(),
            json!({"pacticipantVersionNumber": "4", "branch": "main", "tags": ["t"], "buildUrl": "https://ci.example.com/4", "contract": contract}),
        ),
        r(
            M::PUT,
            "/contracts/provider/{p}/version/{v}",
            "/contracts/provider/api/version/5".into(),
            json!({"content": b64(OPENAPI), "contentType": "application/yaml", "contractType": "oas",
                "verificationResults": {"success": true, "content": b64("ok"), "contentType": "text/plain", "verifier": "dredd"}}),
        ),
        r(
            M::POST,
            "/pacticipants",
            "/pacticipants".into(),
            json!({"name": "mobile", "displayName": "Mobile", "repositoryUrl": "https://git.example.com/m", "mainBranch": "main"}),
        ),
        r(
            M::PATCH,
            "/pacticipants/{p}",
            "/pacticipants/web".into(),
            pacticipant.clone(),
        ),
        r(
            M::PUT,
            "/pacticipants/{p}",
            "/pacticipants/web".into(),
            pacticipant,
        ),
        none(
            M::PUT,
            "/pacticipants/{p}/labels/{l}",
            "/pacticipants/web/labels/team-a".into(),
        ),
        r(
            M::PUT,
            "/pacticipants/{p}/versions/{v}",
            "/pacticipants/web/versions/6".into(),
            json!({"branch": "feat", "tags": ["t1"], "buildUrl": "https://ci.example.com/6"}),
        ),
        r(
            M::PATCH,
            "/pacticipants/{p}/versions/{v}",
            "/pacticipants/web/versions/6".into(),
            json!({"branch": "feat", "tags": ["t2"], "buildUrl": "https://ci.example.com/6"}),
        ),
        none(
            M::PUT,
            "/pacticipants/{p}/branches/{b}/versions/{v}",
            "/pacticipants/web/branches/feat/versions/7".into(),
        ),
        none(
            M::PUT,
            "/pacticipants/{p}/versions/{v}/tags/{t}",
            "/pacticipants/web/versions/1/tags/prod".into(),
        ),
        r(
            M::POST,
            "/pacticipants/{p}/versions/{v}/deployed-versions/environment/{e}",
            format!("/pacticipants/web/versions/1/deployed-versions/environment/{env}"),
            json!({"applicationInstance": "green", "target": "green"}),
        ),
        r(
            M::POST,
            "/pacticipants/{p}/versions/{v}/released-versions/environment/{e}",
            format!("/pacticipants/web/versions/1/released-versions/environment/{env}"),
            json!({}),
        ),
        r(
            M::POST,
            "/environments",
            "/environments".into(),
            environment.clone(),
        ),
        r(
            M::PUT,
            "/environments/{e}",
            format!("/environments/{env}"),
            json!({"name": "prod", "displayName": "Production", "production": true,
                "contacts": [{"name": "ops", "details": {"emailAddress": "ops@example.com"}}]}),
        ),
        r(
            M::PATCH,
            "/deployed-versions/{id}",
            format!("/deployed-versions/{}", s.deployed),
            json!({"currentlyDeployed": true}),
        ),
        r(
            M::PATCH,
            "/released-versions/{id}",
            format!("/released-versions/{}", s.released),
            json!({"currentlySupported": true}),
        ),
        r(
            M::POST,
            "/pacts/provider/{p}/for-verification",
            "/pacts/provider/api/for-verification".into(),
            json!({"consumerVersionSelectors": [{"branch": "main", "consumer": "web"}], "providerVersionBranch": "main",
                "providerVersionTags": ["t"], "includePendingStatus": true, "includeWipPactsSince": "2020-01-01"}),
        ),
        r(
            M::PUT,
            "/pacts/provider/{p}/consumer/{c}/version/{v}",
            "/pacts/provider/api/consumer/web/version/8".into(),
            pact("web", "api", "name"),
        ),
        r(
            M::PATCH,
            "/pacts/provider/{p}/consumer/{c}/version/{v}",
            "/pacts/provider/api/consumer/web/version/8".into(),
            pact("web", "api", "name"),
        ),
        r(
            M::POST,
            "/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/verification-results",
            format!("/pacts/provider/api/consumer/web/pact-version/{sha}/verification-results"),
            result.clone(),
        ),
        r(
            M::POST,
            "/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/metadata/{meta}/verification-results",
            format!(
                "/pacts/provider/api/consumer/web/pact-version/{sha}/metadata/{meta}/verification-results"
            ),
            result,
        ),
        r(M::POST, "/webhooks", "/webhooks".into(), hook_body()),
        r(
            M::PUT,
            "/webhooks/{uuid}",
            format!("/webhooks/{hook}"),
            hook_body(),
        ),
        r(
            M::POST,
            "/webhooks/execute",
            "/webhooks/execute".into(),
            hook_body(),
        ),
        none(
            M::POST,
            "/webhooks/{uuid}/execute",
            format!("/webhooks/{hook}/execute"),
        ),
        r(
            M::POST,
            "/webhooks/provider/{p}/consumer/{c}",
            "/webhooks/provider/api/consumer/web".into(),
            hook_body(),
        ),
        r(
            M::POST,
            "/webhooks/provider/{p}",
            "/webhooks/provider/api".into(),
            hook_body(),
        ),
        r(
            M::POST,
            "/webhooks/consumer/{c}",
            "/webhooks/consumer/web".into(),
            hook_body(),
        ),
    ]
}

/// The write routes the router declares, read from its source: the table above must name each.
fn declared_write_routes() -> Vec<(String, String)> {
    let source = include_str!("../../src/routes.rs");
    let mut found = Vec::new();
    for chunk in source.split(".route(").skip(1) {
        let Some(path) = chunk.split('"').nth(1) else {
            continue;
        };
        let bytes = chunk.as_bytes();
        for method in ["post", "put", "patch"] {
            let wanted = format!("{method}(");
            let declared = chunk
                .match_indices(&wanted)
                .any(|(at, _)| at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_'));
            if declared {
                found.push((method.to_ascii_uppercase(), path.to_owned()));
            }
        }
    }
    found.sort();
    found
}

async fn send_raw(
    broker: &Broker,
    method: &reqwest::Method,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut request = broker
        .client
        .request(method.clone(), format!("{}{path}", broker.url))
        .body(body.to_owned());
    if let Some(ct) = content_type {
        request = request.header("Content-Type", ct);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn the_table_names_every_write_route_the_router_declares() {
    let seeded = Seeded {
        environment: String::new(),
        webhook: String::new(),
        deployed: String::new(),
        released: String::new(),
        sha: String::new(),
        metadata: String::new(),
    };
    let mut tabled: Vec<(String, String)> = write_routes(&seeded)
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_owned()))
        .collect();
    tabled.sort();
    assert_eq!(tabled, declared_write_routes());
}

#[tokio::test]
async fn every_write_refuses_a_body_not_declared_json_even_an_empty_one() {
    let broker = start(accord_broker::BrokerConfig::new(crate::sqlite_only(
        "hardening-csrf",
    )))
    .await;
    let seeded = seed(&broker).await;
    let (_, before) = broker.get("/pacticipants").await;
    for route in write_routes(&seeded) {
        let what = format!("{} {}", route.method, route.template);
        // What a cross-site form or fetch sends without asking: forms (empty or not) and text.
        for (content_type, body) in [
            (Some("application/x-www-form-urlencoded"), ""),
            (Some("application/x-www-form-urlencoded"), "a=b"),
            (Some("multipart/form-data; boundary=x"), ""),
            (Some("text/plain"), ""),
            (Some("text/plain"), "{}"),
        ] {
            let (status, text) = send_raw(&broker, &route.method, &route.path, content_type, body).await;
            assert_eq!(status, 415, "{what} with {content_type:?} {body:?}: {text}");
        }
        // No content type: only a write that takes no body, and only with an empty body.
        if !route.bodyless {
            let (status, text) = send_raw(&broker, &route.method, &route.path, None, "").await;
            assert_eq!(status, 415, "{what} with no body and no content type: {text}");
        }
        let (status, text) = send_raw(&broker, &route.method, &route.path, None, "{}").await;
        assert_eq!(status, 415, "{what} with a body and no content type: {text}");
    }
    let (_, after) = broker.get("/pacticipants").await;
    assert_eq!(
        before["_embedded"], after["_embedded"],
        "a refused write stored nothing"
    );
    // A write that takes no body takes an empty one without a content type.
    for route in write_routes(&seeded).into_iter().filter(|r| r.bodyless) {
        let (status, text) = send_raw(&broker, &route.method, &route.path, None, "").await;
        assert!(
            (200..300).contains(&status),
            "{} {} with no body: {status} {text}",
            route.method,
            route.template
        );
    }
    // The same requests declared as JSON are taken.
    for route in write_routes(&seeded) {
        let (status, text) = send_raw(
            &broker,
            &route.method,
            &route.path,
            Some("application/json"),
            &route.body.to_string(),
        )
        .await;
        assert!(
            (200..300).contains(&status),
            "{} {}: {status} {text}",
            route.method,
            route.template
        );
    }
}

#[tokio::test]
async fn text_after_the_json_body_is_refused_with_its_position() {
    let broker = start(accord_broker::BrokerConfig::new(crate::sqlite_only(
        "hardening-trailing",
    )))
    .await;
    let seeded = seed(&broker).await;
    let (status, text) = send_raw(
        &broker,
        &reqwest::Method::POST,
        "/pacticipants",
        Some("application/json"),
        r#"{"name":"N1"} trailing garbage"#,
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("line 1 column 15"), "{text}");
    assert_eq!(broker.get("/pacticipants/N1").await.0, 404, "nothing was stored");
    // Every route that reads a body.
    for route in write_routes(&seeded).into_iter().filter(|r| !r.bodyless) {
        let body = format!("{} {{}}", route.body);
        let (status, text) = send_raw(
            &broker,
            &route.method,
            &route.path,
            Some("application/json"),
            &body,
        )
        .await;
        assert_eq!(status, 400, "{} {}: {text}", route.method, route.template);
    }
}

/// Every string leaf of `value`, as a JSON pointer and as the path the broker names.
fn string_leaves(value: &Value, pointer: String, named: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(_) => out.push((pointer, named)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_leaves(item, format!("{pointer}/{i}"), format!("{named}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let inner = if named.is_empty() {
                    key.clone()
                } else {
                    format!("{named}.{key}")
                };
                string_leaves(item, format!("{pointer}/{key}"), inner, out);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn a_nul_in_any_string_field_of_any_write_is_a_400_naming_it_on_every_backend() {
    for url in backends("hardening-nul").await {
        let broker = start(accord_broker::BrokerConfig::new(url.clone())).await;
        let seeded = seed(&broker).await;
        let mut swept = 0;
        for route in write_routes(&seeded).into_iter().filter(|r| !r.bodyless) {
            let mut leaves = Vec::new();
            string_leaves(&route.body, String::new(), String::new(), &mut leaves);
            // A pact sent as the body is stored as a JSON document: a NUL in it is kept escaped.
            let stored_as_json =
                route.template.ends_with("/version/{v}") && route.template.starts_with("/pacts/");
            for (pointer, named) in leaves {
                let mut body = route.body.clone();
                if let Some(Value::String(text)) = body.pointer_mut(&pointer) {
                    text.push('\0');
                }
                let (status, text) = send_raw(
                    &broker,
                    &route.method,
                    &route.path,
                    Some("application/json"),
                    &body.to_string(),
                )
                .await;
                let what = format!("{} {} {named} on {url}", route.method, route.template);
                assert_ne!(status, 500, "{what}: {text}");
                if named.starts_with("testResults") || stored_as_json {
                    assert!(status < 500, "{what}: {text}");
                } else {
                    assert_eq!(status, 400, "{what}: {text}");
                    assert!(text.contains(&named), "{what} does not name the field: {text}");
                }
                swept += 1;
            }
        }
        assert!(swept > 60, "only {swept} string fields were swept");
        // A document whose base64 decodes to text holding a NUL is named too.
        let (status, text) = broker.put("/contracts/provider/api/version/9").await;
        assert_eq!(status, 400, "a contract needs content: {text}");
        let (status, text) = broker
            .send(
                reqwest::Method::PUT,
                "/contracts/provider/api/version/9",
                &json!({"content": b64("openapi: 3.0.0\0"), "contractType": "oas"}),
            )
            .await;
        assert_eq!(status, 400, "{text}");
        assert!(
            text.to_string().contains("content: the decoded text holds a NUL"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn names_that_display_like_another_are_refused_or_composed_on_every_backend() {
    for url in backends("hardening-names").await {
        let broker = start(accord_broker::BrokerConfig::new(url.clone())).await;
        let (status, body) = broker
            .publish("Victim", "1", None, &[pact("Victim", "api", "name")])
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = broker
            .publish("Caf\u{e9}", "1", None, &[pact("Caf\u{e9}", "api", "name")])
            .await;
        assert_eq!(status, 200, "{body}");
        let count = |list: &Value| list["_embedded"]["pacticipants"].as_array().map_or(0, Vec::len);
        let (_, list) = broker.get("/pacticipants").await;
        let known = count(&list);
        // Invisible or direction-changing characters, and separators: refused outright.
        for name in [
            "Vic\u{200B}tim",
            "\u{FEFF}Victim",
            "Victim\u{061C}",
            "Victim\u{2028}",
            "Vic\u{200D}tim",
            ".",
            "..",
        ] {
            let (status, body) = broker
                .publish(name, "1", None, &[pact(name, "api", "name")])
                .await;
            assert_eq!(status, 400, "{name:?} on {url}: {body}");
            let (status, body) = broker.post("/pacticipants", &json!({"name": name})).await;
            assert_eq!(status, 400, "{name:?} on {url}: {body}");
        }
        // Homoglyphs and a no-break space: the look-alike guard answers 409, on every route that
        // would create the application.
        for name in ["V\u{0456}\u{0441}tim", "Victim\u{00A0}", "Vict\u{0456}m"] {
            let (status, body) = broker
                .publish(name, "1", None, &[pact(name, "api", "name")])
                .await;
            assert_eq!(status, 409, "{name:?} on {url}: {body}");
            let (status, body) = broker.post("/pacticipants", &json!({"name": name})).await;
            assert_eq!(status, 409, "{name:?} on {url}: {body}");
            let encoded: String =
                percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string();
            let (status, body) = broker
                .put(&format!("/pacticipants/{encoded}/versions/1/tags/t"))
                .await;
            assert_eq!(status, 409, "{name:?} on {url}: {body}");
        }
        // A decomposed "Café" is the composed one: published to, found, never a second one.
        let decomposed = "Cafe\u{301}";
        let (status, body) = broker
            .publish(decomposed, "2", None, &[pact(decomposed, "api", "name")])
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, found) = broker.get("/pacticipants/Cafe%CC%81").await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["name"], "Caf\u{e9}");
        let (status, versions) = broker.get("/pacticipants/Caf%C3%A9/versions").await;
        assert_eq!(status, 200, "{versions}");
        assert_eq!(
            versions["_embedded"]["versions"].as_array().map_or(0, Vec::len),
            2,
            "{versions}"
        );
        let (_, list) = broker.get("/pacticipants").await;
        assert_eq!(
            count(&list),
            known,
            "no look-alike application was created: {list}"
        );
        // A path segment that is "." or ".." (sent encoded, which URL libraries resolve away, so
        // written by hand here) never names anything.
        let answer = raw_request(&broker, "PUT /pacticipants/%2E%2E/versions/1/tags/t HTTP/1.1").await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    }
}

/// Sends `request_line` with no body on a fresh connection; the answer's text.
async fn raw_request(broker: &Broker, request_line: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let address = broker.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let request =
        format!("{request_line}\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_body_over_the_limit_gets_a_413_its_sender_reads() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut config = accord_broker::BrokerConfig::new(crate::sqlite_only("hardening-limit"));
    config.body_limit = 64 * 1024;
    let broker = start(config).await;
    // Sent whole before anything is read, as curl and the official CLI send a pact: far more
    // than the socket buffers hold, so a broker that closed early would break the pipe.
    let body = format!(
        "{{\"pacticipantName\":\"web\",\"filler\":\"{}\"}}",
        "x".repeat(8 * 1024 * 1024)
    );
    let address = broker.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "POST /contracts/publish HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("headers sent");
    stream
        .write_all(body.as_bytes())
        .await
        .expect("the whole body is taken, not cut off by a closed connection");
    let mut answer = vec![0; 4096];
    let read = stream.read(&mut answer).await.expect("answer");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("over the broker's limit of 65536 bytes"),
        "{answer}"
    );
    // The same through an ordinary client.
    let response = broker
        .client
        .post(format!("{}/contracts/publish", broker.url))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .expect("an answer, not a broken pipe");
    assert_eq!(response.status(), 413);
}
