//! Bad input gets a clear 400 or 413 and stores nothing.

use accord_broker::BrokerConfig;
use serde_json::{Value, json};

use crate::{pact, publish_body, start};

#[tokio::test]
async fn malformed_requests_are_refused_with_the_problem_named() {
    let url = crate::sqlite_only("input");
    let mut config = BrokerConfig::new(url);
    config.body_limit = 64 * 1024;
    let broker = start(config).await;
    let c = &broker.client;
    let u = |p: &str| format!("{}{p}", broker.url);

    let bad_json = c
        .post(u("/contracts/publish"))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(bad_json.status(), 400);
    let body: serde_json::Value = bad_json.json().await.expect("json");
    assert!(
        body["errors"][0]
            .as_str()
            .unwrap_or("")
            .contains("not valid JSON"),
        "{body}"
    );

    let mut invalid = pact("web", "api", "name");
    invalid["interactions"][0]["request"]["method"] = json!(7);
    let (status, body) = broker.publish("web", "v1", None, &[invalid]).await;
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]
            .as_str()
            .unwrap_or("")
            .contains("$.interactions[0].request.method"),
        "{body}"
    );
    let (status, _) = broker.get("/pacticipants/web").await;
    assert_eq!(status, 404, "nothing of a refused publication is stored");

    let mut mismatched = publish_body("web", "v1", None, &[pact("other", "api", "name")]);
    mismatched["contracts"][0]["consumerName"] = json!("web");
    let (status, body) = broker.post("/contracts/publish", &mismatched).await;
    assert_eq!(status, 400, "{body}");

    let huge = "x".repeat(200 * 1024);
    let too_big = c
        .post(u("/contracts/publish"))
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("sent");
    assert_eq!(too_big.status(), 413);

    let (status, body) = broker.get("/matrix?q[][pacticipant]=nobody&q[][version]=1").await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0], "Pacticipant nobody not found");
    let (status, _) = broker
        .post(
            "/environments",
            &json!({"name": "has space", "production": false}),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn errors_come_as_problem_json_when_asked_for() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("problem"))).await;
    let c = &broker.client;
    let response = c
        .post(format!("{}/contracts/publish", broker.url))
        .header("Accept", "application/problem+json, application/hal+json")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 400);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("application/problem+json")
    );
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], 400);
    assert_eq!(body["title"], "Bad Request");
    assert_eq!(body["instance"], "/contracts/publish");
    assert!(
        body["detail"].as_str().unwrap_or("").contains("not valid JSON"),
        "{body}"
    );
    assert!(body["errors"][0]["detail"].is_string(), "{body}");

    let missing = c
        .get(format!("{}/pacticipants/nobody", broker.url))
        .header("Accept", "application/problem+json")
        .send()
        .await
        .expect("sent");
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.expect("json");
    assert_eq!(body["type"], "/problems/not-found");
    assert!(body["detail"].as_str().unwrap_or("").contains("nobody"), "{body}");

    let plain = c
        .get(format!("{}/pacticipants/nobody", broker.url))
        .send()
        .await
        .expect("sent");
    let body: serde_json::Value = plain.json().await.expect("json");
    assert!(
        body["error"].is_string(),
        "other clients keep the usual shape: {body}"
    );
}

#[tokio::test]
async fn a_new_name_close_to_an_existing_one_is_refused() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("similar"))).await;
    let (status, _) = broker
        .publish("web", "v1", Some("main"), &[pact("web", "accounts", "name")])
        .await;
    assert_eq!(status, 200);
    for provider in ["Accounts Service", "account-api", "AccountsProvider"] {
        let (status, body) = broker
            .publish("web", "v2", Some("main"), &[pact("web", provider, "name")])
            .await;
        assert_eq!(status, 409, "{provider}: {body}");
        let text = body["errors"]["pacticipantName"][0].as_str().unwrap_or("");
        assert!(text.contains("accounts") && text.contains(provider), "{text}");
    }
    let (status, _) = broker.get("/pacticipants/Accounts%20Service").await;
    assert_eq!(status, 404, "nothing stored");
    let (status, _) = broker
        .publish("web", "v2", Some("main"), &[pact("web", "ledger", "name")])
        .await;
    assert_eq!(status, 200, "unrelated names pass");
    let (status, _) = broker
        .publish("web", "v3", Some("main"), &[pact("web", "accounts", "name")])
        .await;
    assert_eq!(status, 200, "the exact existing name passes");

    let mut config = BrokerConfig::new(crate::sqlite_only("similar-allowed"));
    config.allow_similar_names = true;
    let broker = start(config).await;
    broker
        .publish("web", "v1", None, &[pact("web", "accounts", "name")])
        .await;
    let (status, _) = broker
        .publish("web", "v2", None, &[pact("web", "Accounts Service", "name")])
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_legacy_patch_merges_interactions() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("legacy-patch"))).await;
    let path = "/pacts/provider/api/consumer/web/version/v1";
    let (status, _) = broker
        .send(reqwest::Method::PUT, path, &pact("web", "api", "name"))
        .await;
    assert_eq!(status, 201);
    let mut other = pact("web", "api", "name");
    other["interactions"][0]["description"] = json!("get other thing");
    let (status, _) = broker.send(reqwest::Method::PUT, path, &other).await;
    assert_eq!(status, 409, "PUT with different content is refused");
    let (status, merged) = broker.send(reqwest::Method::PATCH, path, &other).await;
    assert_eq!(status, 200, "{merged}");
    let descriptions: Vec<&str> = merged["interactions"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["description"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(descriptions.len(), 2, "{merged}");
    assert!(descriptions.contains(&"get other thing"));
}

#[tokio::test]
async fn wrongly_typed_fields_of_a_publication_are_refused_naming_the_field() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("input-typed"))).await;
    let cases = [
        ("branch", json!(1), "branch"),
        ("tags", json!("t"), "tags"),
        ("buildUrl", json!(["x"]), "buildUrl"),
    ];
    for (field, value, named) in cases {
        let mut body = publish_body("web", "v1", Some("main"), &[pact("web", "api", "name")]);
        body[field] = value;
        let (status, answer) = broker.post("/contracts/publish", &body).await;
        assert_eq!(status, 400, "{field}: {answer}");
        assert!(
            answer["errors"][0].as_str().unwrap_or("").starts_with(named),
            "{field}: {answer}"
        );
    }
    let mut body = publish_body("web", "v1", Some("main"), &[pact("web", "api", "name")]);
    body["contracts"][0]["providerName"] = json!(3);
    let (status, answer) = broker.post("/contracts/publish", &body).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["errors"][0]
            .as_str()
            .unwrap_or("")
            .starts_with("contracts[0].providerName"),
        "{answer}"
    );
    let (_, versions) = broker.get("/pacticipants/web/versions").await;
    assert!(
        versions["_embedded"]["versions"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "nothing was stored: {versions}"
    );
}

#[tokio::test]
async fn wrongly_typed_fields_of_a_pacts_for_verification_request_are_named() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("input-selectors"))).await;
    broker
        .publish("web", "v1", Some("main"), &[pact("web", "api", "name")])
        .await;
    for (body, named) in [
        (
            json!({"consumerVersionSelectors": "x"}),
            "consumerVersionSelectors",
        ),
        (
            json!({"consumerVersionSelectors": [{"mainBranch": "yes"}]}),
            "consumerVersionSelectors[0].mainBranch",
        ),
        (json!({"providerVersionTags": "t"}), "providerVersionTags"),
    ] {
        let (status, answer) = broker.post("/pacts/provider/api/for-verification", &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(
            answer["errors"][0].as_str().unwrap_or("").starts_with(named),
            "{body}: {answer}"
        );
    }
    let (status, answer) = broker
        .post(
            "/pacts/provider/api/for-verification",
            &json!({"consumerVersionSelectors": [{"mainBranch": true}]}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["_embedded"]["pacts"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn wrongly_typed_fields_of_pacticipants_versions_and_deployments_are_named() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("input-pacticipant"))).await;
    let (status, answer) = broker
        .post("/pacticipants", &json!({"name": "web", "mainBranch": 1}))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["errors"][0]
            .as_str()
            .unwrap_or("")
            .starts_with("mainBranch"),
        "{answer}"
    );
    let (status, _) = broker.get("/pacticipants/web").await;
    assert_eq!(status, 404, "nothing was stored");
    let (status, answer) = broker
        .send(
            reqwest::Method::PUT,
            "/pacticipants/web/versions/v1",
            &json!({"tags": [{"name": "prod"}, "qa", 3]}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["errors"][0].as_str().unwrap_or("").starts_with("tags[2]"),
        "{answer}"
    );
    let (status, answer) = broker
        .send(
            reqwest::Method::PUT,
            "/pacticipants/web/versions/v1",
            &json!({"tags": [{"name": "prod"}, "qa"], "branch": "main"}),
        )
        .await;
    assert!(status == 200 || status == 201, "{answer}");
    let (_, version) = broker.get("/pacticipants/web/versions/v1").await;
    let tags: Vec<&str> = version["_embedded"]["tags"]
        .as_array()
        .map(|t| t.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(tags.contains(&"prod") && tags.contains(&"qa"), "{version}");
}

#[tokio::test]
async fn wrongly_typed_fields_of_environments_and_webhooks_are_named() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("input-env-hook"))).await;
    for (body, field) in [
        (
            json!({"name": "prod", "production": true, "contacts": "ops"}),
            "contacts",
        ),
        (
            json!({"name": "prod", "production": true, "contacts": [{"details": {}}]}),
            "contacts[0]",
        ),
        (json!({"name": "prod", "production": "yes"}), "production"),
        (
            json!({"name": "prod", "production": true, "uuid": "not-a-uuid"}),
            "uuid",
        ),
    ] {
        let (status, answer) = broker.post("/environments", &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(
            answer["errors"][0].as_str().unwrap_or("").starts_with(field),
            "{body} names {field}: {answer}"
        );
    }
    let (_, environments) = broker.get("/environments").await;
    assert_eq!(
        environments["_embedded"]["environments"],
        json!([]),
        "nothing was stored"
    );

    let hook = |request: Value, events: Value| json!({"events": events, "request": request});
    for (body, field) in [
        (
            hook(
                json!({"method": "POST", "url": "https://ci.example.com", "headers": "x"}),
                json!(["contract_published"]),
            ),
            "request.headers",
        ),
        (
            hook(
                json!({"method": 1, "url": "https://ci.example.com"}),
                json!(["contract_published"]),
            ),
            "request.method",
        ),
        (
            hook(json!({"url": "https://ci.example.com"}), json!([{"name": 1}])),
            "events[0]",
        ),
        (
            json!({"request": {"url": "https://ci.example.com"}, "consumer": "web"}),
            "consumer",
        ),
    ] {
        let (status, answer) = broker.post("/webhooks", &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(
            answer["errors"][field].is_array(),
            "{body} names {field}: {answer}"
        );
    }
    let (_, webhooks) = broker.get("/webhooks").await;
    assert_eq!(webhooks["_embedded"]["webhooks"], json!([]), "nothing was stored");
}

#[tokio::test]
async fn a_repository_url_in_snake_case_is_kept_as_older_official_clients_send_it() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("input-snake"))).await;
    let (status, _) = broker
        .post("/pacticipants", &json!({"name": "Pricing Service"}))
        .await;
    assert_eq!(status, 201);
    let url = "git@git.example.com:pricing-service";
    let (status, answer) = broker
        .send(
            reqwest::Method::PATCH,
            "/pacticipants/Pricing%20Service",
            &json!({"repository_url": url}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (_, shown) = broker.get("/pacticipants/Pricing%20Service").await;
    assert_eq!(shown["repositoryUrl"], url, "{shown}");
}

#[tokio::test]
async fn errors_are_hal_json_as_the_reference_broker_answers_them() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("input-error-type"))).await;
    for (path, status) in [
        ("/matrix?q[][pacticipant]=Nobody&q[][version]=1", 400),
        ("/webhooks/696c5f93-1b7f-44bc-8d03-59440fcaa9a0", 404),
        ("/pacticipants/Nobody", 404),
    ] {
        let response = broker
            .client
            .get(format!("{}{path}", broker.url))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/hal+json;charset=utf-8",
            "{path}"
        );
    }
    let response = broker
        .client
        .get(format!("{}/pacticipants/Nobody", broker.url))
        .header("Accept", "application/problem+json")
        .send()
        .await
        .expect("sent");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json;charset=utf-8"
    );
}

#[tokio::test]
async fn a_wip_date_that_is_no_date_is_refused() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("input-wip"))).await;
    broker
        .publish("web", "v1", Some("main"), &[pact("web", "api", "name")])
        .await;
    let request = |since: &str| {
        json!({"consumerVersionSelectors": [{"mainBranch": true}], "providerVersionBranch": "main",
               "includeWipPactsSince": since})
    };
    let (status, answer) = broker
        .post("/pacts/provider/api/for-verification", &request("notadate"))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().contains("includeWipPactsSince"), "{answer}");
    for since in ["2026-01-01", "2026-01-01T10:00:00+02:00"] {
        let (status, answer) = broker
            .post("/pacts/provider/api/for-verification", &request(since))
            .await;
        assert_eq!(status, 200, "{since}: {answer}");
    }
}
