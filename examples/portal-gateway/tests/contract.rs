//! The portal gateway's contract test; produces `target/pacts/portal-gateway-accounts.json`.

#[tokio::test]
async fn shows_an_account_summary() {
    let summary = portal_gateway::shows_an_account_summary(None)
        .await
        .expect("pact satisfied");
    assert_eq!(summary.id, 42);
}
