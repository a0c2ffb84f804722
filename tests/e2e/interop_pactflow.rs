//! PactFlow's provider contract workflow with the official CLI against accord-broker: `pact
//! pactflow publish-provider-contract` publishes an OpenAPI document with its self-verification,
//! `pact broker publish` the consumers' pacts, and `pact broker can-i-deploy` decides from the
//! comparisons.

use serde_json::json;

use crate::interop::{pact_cli, run, serve};

const DOCUMENT: &str = r#"openapi: 3.0.3
info: {title: accounts, version: "1"}
paths:
  /accounts/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: an account
          content:
            application/json:
              schema:
                type: object
                required: [id, name]
                properties: {id: {type: integer}, name: {type: string}}
"#;

/// A pact of `web` with `accounts` whose response has the field `field` besides `id`.
fn pact(field: &str) -> serde_json::Value {
    json!({
        "consumer": {"name": "web"}, "provider": {"name": "accounts"},
        "interactions": [{"description": "get account 7", "request": {"method": "GET", "path": "/accounts/7"},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"id": 7, field: "x"}}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_cli_publishes_a_provider_contract_and_can_i_deploy_decides_from_the_comparison() {
    let Some(cli) = pact_cli() else { return };
    let dir = crate::scratch("interop-pactflow");
    let config = accord_broker::BrokerConfig::new(tests::sqlite_url(&dir, "pactflow"));
    let db = accord_broker::Db::connect(&config.database_url)
        .await
        .expect("db");
    let app = accord_broker::app(std::sync::Arc::new(accord_broker::AppState::new(db, config)));
    let (port, _broker) = serve(app).await;
    let broker = format!("http://127.0.0.1:{port}");

    let document = dir.join("accounts.yaml");
    std::fs::write(&document, DOCUMENT).expect("write the document");
    let results = dir.join("results.txt");
    std::fs::write(&results, "12 tests, 0 failures").expect("write the results");
    for (version, field) in [("1", "name"), ("2", "nickname")] {
        let pacts = dir.join(format!("pacts-{version}"));
        std::fs::create_dir_all(&pacts).expect("pact dir");
        std::fs::write(pacts.join("web-accounts.json"), pact(field).to_string()).expect("write the pact");
        let (code, out) = run(
            &cli,
            &[
                "broker",
                "publish",
                &pacts.display().to_string(),
                "--consumer-app-version",
                version,
                "--branch",
                "main",
                "--broker-base-url",
                &broker,
            ],
        );
        assert_eq!(code, 0, "{out}");
    }

    let (code, out) = run(
        &cli,
        &[
            "pactflow",
            "publish-provider-contract",
            &document.display().to_string(),
            "--provider",
            "accounts",
            "--provider-app-version",
            "100",
            "--branch",
            "main",
            "--content-type",
            "application/yaml",
            "--verification-exit-code",
            "0",
            "--verification-results",
            &results.display().to_string(),
            "--verification-results-content-type",
            "text/plain",
            "--verifier",
            "schemathesis",
            "--broker-base-url",
            &broker,
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Provider contract for accounts version 100 published"),
        "{out}"
    );
    assert!(
        out.contains("is incompatible with this provider contract"),
        "{out}"
    );

    let can_i_deploy = |consumer_version: &str| {
        run(
            &cli,
            &[
                "broker",
                "can-i-deploy",
                "--pacticipant",
                "web",
                "--version",
                consumer_version,
                "--pacticipant",
                "accounts",
                "--version",
                "100",
                "--broker-base-url",
                &broker,
            ],
        )
    };
    let (code, out) = can_i_deploy("1");
    assert_eq!(code, 0, "the compatible pact:\n{out}");
    assert!(out.contains("Computer says yes"), "{out}");
    let (code, out) = can_i_deploy("2");
    assert_eq!(code, 1, "the pact relying on an undocumented field:\n{out}");
    assert!(out.contains("Computer says no"), "{out}");
    assert!(
        out.contains("is incompatible with the provider contract of version 100 of accounts"),
        "the reason names the comparison:\n{out}"
    );
}
