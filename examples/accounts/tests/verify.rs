//! Verifies the accounts service against the investment manager's pact with the accord
//! verifier library, in-process.

use accord_verifier::{Outcome, Verifier};

const PACT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/pacts/investment-manager-accounts.json"
);

async fn verify(variant: accounts::Variant) -> accord_verifier::RunOutcome {
    let mut verifier = Verifier::for_router(accounts::router(variant))
        .await
        .expect("provider starts");
    let base = verifier.config_mut().provider_base_url.clone();
    verifier.config_mut().states.url = Some(format!("{base}/_pact/state"));
    verifier.config_mut().states.teardown = true;
    verifier.config_mut().message_url = Some(format!("{base}/_pact/message"));
    verifier.pact_file(PACT).run().await.expect("verification runs")
}

#[tokio::test]
async fn the_released_service_honours_the_pact() {
    let outcome = verify(accounts::Variant::Main).await;
    let text = accord_verifier::render_text(&outcome.report, false);
    assert!(outcome.report.success(), "{text}");
    assert_eq!(outcome.report.pacts[0].interactions.len(), 5);
}

#[tokio::test]
async fn the_breaking_change_fails_naming_both_fields() {
    let outcome = verify(accounts::Variant::Breaking).await;
    assert!(!outcome.report.success());
    let text = accord_verifier::render_text(&outcome.report, false);
    assert!(
        text.contains("$.investmentManagerRef"),
        "the renamed field is named:\n{text}"
    );
    assert!(
        text.contains("Expected 'Balanced' to match 'CONSERVATIVE|BALANCED|AGGRESSIVE'"),
        "the enum value is named:\n{text}"
    );
    let failed: Vec<&str> = outcome.report.pacts[0]
        .interactions
        .iter()
        .filter(|i| matches!(i.outcome, Outcome::Failed(_)))
        .map(|i| i.description.as_str())
        .collect();
    assert!(failed.contains(&"a request for account 42"), "{failed:?}");
    assert!(failed.contains(&"an account created event"), "{failed:?}");
    assert!(!failed.contains(&"a request for a missing account"), "{failed:?}");
}
