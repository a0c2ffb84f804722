//! Pending pacts: a consumer's new pact on a feature branch does not fail the provider's main
//! build; publishing the same consumer version twice is accepted with identical content and
//! refused with different content.

use accord_verifier::{BrokerSource, Verifier};
use base64::Engine as _;
use serde_json::{Value, json};

fn publish_body(version: &str, branch: &str, field: &str) -> Value {
    let pact = json!({
        "consumer": {"name": "web"}, "provider": {"name": "accounts"},
        "interactions": [{"description": "get account 42", "providerStates": [{"name": "account 42 exists"}],
            "request": {"method": "GET", "path": "/accounts/42"},
            "response": {"status": 200, "body": {field: "ann"}}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    });
    json!({"pacticipantName": "web", "pacticipantVersionNumber": version, "branch": branch,
        "contracts": [{"consumerName": "web", "providerName": "accounts", "specification": "pact", "contentType": "application/json",
            "content": base64::engine::general_purpose::STANDARD.encode(pact.to_string())}]})
}

async fn verify_main(broker: &str, version: &str) -> accord_verifier::RunOutcome {
    let mut verifier = Verifier::for_router(accounts::router(accounts::Variant::Main))
        .await
        .expect("provider");
    let base = verifier.config_mut().provider_base_url.clone();
    verifier.config_mut().states.url = Some(format!("{base}/_pact/state"));
    verifier.config_mut().publish = Some(accord_verifier::PublishConfig {
        provider_version: version.into(),
        provider_branch: Some("main".into()),
        ..Default::default()
    });
    verifier
        .broker(BrokerSource {
            url: broker.to_owned(),
            provider: "accounts".into(),
            selectors: vec![json!({"mainBranch": true}), json!({"branch": "feature-x"})],
            enable_pending: true,
            provider_branch: Some("main".into()),
            ..Default::default()
        })
        .run()
        .await
        .expect("verification runs")
}

#[tokio::test]
async fn a_feature_branch_pact_is_pending_for_the_providers_main_build() {
    let dir = crate::scratch("pending");
    for url in tests::backends(&dir, "pending").await {
        let broker = walkthrough::start_broker(&url).await.expect("broker");
        let http = reqwest::Client::new();
        let publish = |body: Value| {
            let http = http.clone();
            let url = format!("{}/contracts/publish", broker.url);
            async move {
                http.post(url)
                    .json(&body)
                    .send()
                    .await
                    .expect("sent")
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(publish(publish_body("w1", "main", "owner")).await, 200);
        let outcome = verify_main(&broker.url, "p1").await;
        assert!(
            outcome.report.success(),
            "{}",
            accord_verifier::render_text(&outcome.report, false)
        );

        // The consumer expects a field the provider does not have yet, on a feature branch.
        assert_eq!(publish(publish_body("w2", "feature-x", "nickname")).await, 200);
        let outcome = verify_main(&broker.url, "p2").await;
        let text = accord_verifier::render_text(&outcome.report, false);
        assert!(
            outcome.report.success(),
            "the pending pact must not fail the build:\n{text}"
        );
        assert_eq!(outcome.report.pending_failures().count(), 1, "{text}");
        assert!(text.contains("Pending failures"), "{text}");

        // Republishing identical content is accepted; different content for w1 is refused.
        assert_eq!(publish(publish_body("w1", "main", "owner")).await, 200);
        assert_eq!(publish(publish_body("w1", "main", "nickname")).await, 409);
    }
}
