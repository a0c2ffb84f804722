//! gRPC pacts written with Pact's protobuf plugin publish like any other, and the pact page shows
//! their messages decoded from the descriptors they carry, never as bytes.

use serde_json::Value;

use crate::{sqlite_only, start};

#[tokio::test]
async fn a_grpc_pact_publishes_and_its_page_shows_the_messages_decoded() {
    let relative = "wild-pacts/pacts/pact-plugins--area-calculator-consumer-area-calculator-provider.json";
    let Some(path) = accord_test_support::shared_data(relative, "a gRPC pact of Pact's plugin examples")
    else {
        return;
    };
    let pact: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("pact")).expect("json");
    let broker = start(accord_broker::BrokerConfig::new(sqlite_only("grpc-page"))).await;
    let (status, answer) = broker
        .publish("area-calculator-consumer", "1.0.0", Some("main"), &[pact])
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, page) = broker
        .get_text(
            "/ui/pacts/provider/area-calculator-provider/consumer/area-calculator-consumer",
            &[],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("/area_calculator.Calculator/calculateOne"),
        "the call is named: {page}"
    );
    assert!(
        page.contains("area_calculator.ShapeMessage"),
        "the request message is named: {page}"
    );
    assert!(
        page.contains("&quot;length&quot;: 3.0"),
        "the request is decoded: {page}"
    );
    assert!(
        page.contains("&quot;value&quot;"),
        "the response is decoded: {page}"
    );
    assert!(!page.contains("EgoNAABAQBUAAIBA"), "no base64 bytes: {page}");

    // Field usage lists the decoded message fields per method.
    let (status, usage) = broker
        .get("/pacts/provider/area-calculator-provider/field-usage")
        .await;
    assert_eq!(status, 200, "{usage}");
    let fields = usage["fields"].as_array().cloned().unwrap_or_default();
    let used = |endpoint: &str, path: &str| {
        fields
            .iter()
            .any(|f| f["endpoint"] == endpoint && f["path"] == path)
    };
    assert!(
        used(
            "gRPC /area_calculator.Calculator/calculateOne",
            "$.rectangle.length"
        ),
        "{usage}"
    );
    assert!(
        used("gRPC /area_calculator.Calculator/calculateOne", "$.value"),
        "{usage}"
    );
    assert!(
        used("POST /Calculator/calculateOne", "$.rectangle.width"),
        "{usage}"
    );

    // The next version expects an area of 13: the diff names the decoded value.
    let mut next: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("pact")).expect("json");
    next["interactions"][0]["response"][0]["contents"]["content"] = Value::from("CgQAAFBB");
    let (status, answer) = broker
        .publish("area-calculator-consumer", "1.0.1", Some("main"), &[next])
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, diff) = broker
        .get("/pacts/provider/area-calculator-provider/consumer/area-calculator-consumer/version/1.0.1/diff/previous-distinct")
        .await;
    assert_eq!(status, 200, "{diff}");
    let changes = diff["changed"][0]["changes"].to_string();
    assert!(
        changes.contains("12.0") && changes.contains("13.0"),
        "the values decoded: {diff}"
    );
    assert!(!changes.contains("CgQAAFBB"), "not the bytes: {diff}");
}
