//! Bad input gets a clear 400 or 413 and stores nothing.

use accord_broker::BrokerConfig;
use serde_json::json;

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
