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

/// The provider-contract interactions of the official client's contract with PactFlow: the
/// `pf:publish-provider-contract` relation, `POST /provider-contracts/provider/{p}/publish` and
/// `PUT /contracts/provider/{p}/version/{v}`. Its one other interaction (a webhook for a
/// PactFlow team) is left out by description, in a copy written to the scratch folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accord_broker_passes_the_provider_contract_part_of_the_clients_pactflow_contract() {
    let Some(contract) = tests::broker_contract::pactflow_contract() else {
        return;
    };
    let dir = crate::scratch("pactflow-contract");
    let mut pact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&contract).expect("read the contract")).expect("JSON");
    let all = pact["interactions"].as_array().expect("interactions").clone();
    let (left_out, kept): (Vec<_>, Vec<_>) = all.into_iter().partition(|i| {
        tests::broker_contract::PACTFLOW_ONLY.contains(&i["description"].as_str().unwrap_or_default())
    });
    assert_eq!(left_out.len(), 1, "exactly the team webhook is left out");
    pact["interactions"] = serde_json::Value::Array(kept);
    let filtered = dir.join("pactflow-contract.json");
    std::fs::write(&filtered, pact.to_string()).expect("write the copy");

    let harness = ContractBroker::start(&dir).await.expect("harness");
    let mut config = VerifierConfig::new(harness.url());
    config.states.url = Some(harness.state_url());
    config.states.teardown = true;
    let outcome = Verifier::new(config)
        .pact_file(&filtered)
        .run()
        .await
        .expect("verification runs");
    let report = &outcome.report;
    let interactions: usize = report.pacts.iter().map(|p| p.interactions.len()).sum();
    assert_eq!(interactions, 5, "every provider-contract interaction runs");
    assert!(
        report.success() && !outcome.provider_unreachable,
        "accord-broker fails the provider-contract part of the client's PactFlow contract:\n{}",
        render_text(report, false)
    );
}
