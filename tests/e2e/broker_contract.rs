//! The official Pact Broker client's own contract with the broker (67 interactions), verified
//! against accord-broker by accord's verifier, every interaction with a fresh broker seeded as
//! the reference seeds its provider state. The official verifier runs the same harness in the
//! interoperability tests.

use accord_verifier::{Verifier, VerifierConfig, render_text};
use tests::broker_contract::{ContractBroker, contract};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accord_broker_passes_the_official_broker_clients_contract() {
    let Some(contract) = contract() else { return };
    let dir = crate::scratch("broker-contract");
    let harness = ContractBroker::start(&dir).await.expect("harness");
    let mut config = VerifierConfig::new(harness.url());
    config.states.url = Some(harness.state_url());
    config.states.teardown = true;
    let outcome = Verifier::new(config)
        .pact_file(&contract)
        .run()
        .await
        .expect("verification runs");
    let report = &outcome.report;
    let interactions: usize = report.pacts.iter().map(|p| p.interactions.len()).sum();
    assert_eq!(
        interactions, 67,
        "every interaction of the contract runs, none filtered out"
    );
    assert!(
        report.success() && !outcome.provider_unreachable,
        "accord-broker fails the official broker client's contract:\n{}",
        render_text(report, false)
    );
}
