//! Provider contracts (PactFlow's bi-directional contract testing) on every backend: publishing
//! either side compares it with the other, and can-i-deploy counts a compatible comparison with
//! a passing self-verification as a successful verification, saying which kind each row is.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::{Broker, backends, start};

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
                properties:
                  id: {type: integer}
                  name: {type: string}
        "404": {description: no such account}
"#;

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A pact of `web` with `accounts` whose response has `fields` (each a string but `id`).
fn pact(fields: &[&str]) -> Value {
    let mut body = serde_json::Map::new();
    for field in fields {
        let value = if *field == "id" { json!(7) } else { json!("x") };
        body.insert((*field).to_owned(), value);
    }
    json!({
        "consumer": {"name": "web"}, "provider": {"name": "accounts"},
        "interactions": [{"description": "get account 7", "request": {"method": "GET", "path": "/accounts/7"},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": body}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    })
}

/// Publishes the provider contract of `accounts` `version` as `pact pactflow
/// publish-provider-contract` does.
async fn publish_contract(
    broker: &Broker,
    version: &str,
    document: &str,
    self_verified: bool,
) -> (u16, Value) {
    broker
        .post(
            "/provider-contracts/provider/accounts/publish",
            &json!({
                "pacticipantVersionNumber": version,
                "branch": "main",
                "tags": ["dev"],
                "buildUrl": "http://ci/accounts/1",
                "contract": {
                    "content": b64(document),
                    "contentType": "application/yaml",
                    "specification": "oas",
                    "selfVerificationResults": {
                        "success": self_verified, "content": b64("12 tests, 0 failures"),
                        "contentType": "text/plain", "format": "text", "verifier": "schemathesis", "verifierVersion": "3.0"
                    }
                }
            }),
        )
        .await
}

async fn publish_pact(broker: &Broker, version: &str, fields: &[&str]) {
    let (status, body) = broker
        .publish("web", version, Some("main"), &[pact(fields)])
        .await;
    assert_eq!(status, 200, "{body}");
}

/// The matrix for web `consumer` and accounts `provider`.
async fn pair(broker: &Broker, consumer: &str, provider: &str) -> Value {
    let (status, body) = broker
        .get(&format!(
            "/matrix?q[][pacticipant]=web&q[][version]={consumer}&q[][pacticipant]=accounts&q[][version]={provider}&latestby=cvpv"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn texts(body: &Value) -> String {
    body["notices"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|n| n["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_provider_contract_published_after_the_pact_decides_can_i_deploy_like_a_verification() {
    for url in backends("contract-after-pact").await {
        let broker = start(accord_broker::BrokerConfig::new(url)).await;
        publish_pact(&broker, "1", &["id", "name"]).await;
        let (status, body) = publish_contract(&broker, "100", DOCUMENT, true).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["_embedded"]["version"]["number"], "100");
        assert!(body["_links"]["pb:branch-version"]["href"].is_string(), "{body}");
        assert_eq!(
            body["_links"]["pb:pacticipant-version-tags"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        assert!(texts(&body).contains("The pact of web"), "{body}");
        assert!(texts(&body).contains("is compatible"), "{body}");

        let matrix = pair(&broker, "1", "100").await;
        assert_eq!(matrix["summary"]["deployable"], true, "{matrix}");
        let result = &matrix["matrix"][0]["verificationResult"];
        assert_eq!(result["kind"], "provider-contract", "{matrix}");
        assert_eq!(result["compatible"], true);
        assert_eq!(result["selfVerificationSuccess"], true);

        // The comparison behind the row, through its link.
        let link = result["_links"]["self"]["href"].as_str().expect("a link");
        let (status, comparison) = broker.get(link.trim_start_matches(&broker.url)).await;
        assert_eq!(status, 200, "{comparison}");
        assert_eq!(comparison["compatible"], true);
        assert_eq!(comparison["interactions"], 1);
        assert_eq!(comparison["consumerVersions"], json!(["1"]));
        let (_, index) = broker.get_text("/ui", &[]).await;
        assert!(
            index.contains("compatible with the provider contract of"),
            "{index}"
        );

        // Deployed to production, the provider version answers can-i-deploy for the consumer.
        let (status, environment) = broker
            .post(
                "/environments",
                &json!({"name": "production", "production": true}),
            )
            .await;
        assert_eq!(status, 201, "{environment}");
        broker.deploy("accounts", "100").await;
        let (status, answer) = broker
            .get("/can-i-deploy?pacticipant=web&version=1&environment=production")
            .await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["summary"]["deployable"], true, "{answer}");
    }
}

#[tokio::test]
async fn an_incompatible_pact_published_after_the_contract_is_compared_and_blocks_deployment() {
    for url in backends("pact-after-contract").await {
        let broker = start(accord_broker::BrokerConfig::new(url)).await;
        let (status, body) = publish_contract(&broker, "100", DOCUMENT, true).await;
        assert_eq!(status, 200, "{body}");
        assert!(texts(&body).contains("No pact with accounts"), "{body}");
        publish_pact(&broker, "2", &["id", "nickname"]).await;

        let matrix = pair(&broker, "2", "100").await;
        assert_eq!(matrix["summary"]["deployable"], false, "{matrix}");
        let reason = matrix["summary"]["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("The pact of version 2 of web is incompatible with the provider contract of version 100 of accounts"),
            "{reason}"
        );
        let result = &matrix["matrix"][0]["verificationResult"];
        assert_eq!(result["kind"], "provider-contract");
        assert_eq!(result["success"], false);

        let (_, metrics) = broker.get("/metrics").await;
        assert_eq!(metrics["providerContracts"]["count"], 1, "{metrics}");
        assert_eq!(
            metrics["providerContractComparisons"]["incompatibleCount"], 1,
            "{metrics}"
        );
        let (status, contract) = broker.get("/contracts/provider/accounts/version/100").await;
        assert_eq!(status, 200, "{contract}");
        assert_eq!(contract["content"], DOCUMENT);
        assert_eq!(contract["selfVerificationResults"]["verifier"], "schemathesis");
        assert_eq!(
            contract["selfVerificationResults"]["content"],
            "12 tests, 0 failures"
        );
        let mismatch = &contract["comparisons"][0]["mismatches"][0];
        assert_eq!(mismatch["interaction"], "get account 7", "{contract}");
        assert!(
            mismatch["pactPath"]
                .as_str()
                .unwrap_or_default()
                .contains("nickname"),
            "{mismatch}"
        );
        assert!(
            !mismatch["documentPath"].as_str().unwrap_or_default().is_empty(),
            "{mismatch}"
        );

        // The page shows the document, the verdict and the mismatch.
        let page = contract["_links"]["pf:ui"]["href"].as_str().expect("a page");
        let (status, html) = broker.get_text(page.trim_start_matches(&broker.url), &[]).await;
        assert_eq!(status, 200);
        assert!(html.contains("incompatible: 1 mismatch(es)"), "{html}");
        assert!(html.contains("nickname"), "{html}");
        assert!(html.contains("12 tests, 0 failures"));
        assert!(html.contains("/accounts/{id}"));
        let (_, provider_page) = broker.get_text("/ui/pacticipants/accounts", &[]).await;
        assert!(
            provider_page.contains("provider-contracts/provider/accounts/version/100"),
            "{provider_page}"
        );
        let (_, pair_page) = broker
            .get_text("/ui/matrix?consumer=web&provider=accounts", &[])
            .await;
        assert!(
            pair_page.contains("failed against the provider contract"),
            "{pair_page}"
        );
    }
}

#[tokio::test]
async fn a_failed_self_verification_blocks_a_compatible_pact_and_a_republished_contract_is_compared_again() {
    for url in backends("contract-self-verification").await {
        let broker = start(accord_broker::BrokerConfig::new(url)).await;
        publish_pact(&broker, "1", &["id", "name"]).await;
        let (status, body) = publish_contract(&broker, "100", DOCUMENT, false).await;
        assert_eq!(status, 200, "{body}");
        assert!(texts(&body).contains("did not succeed"), "{body}");
        let matrix = pair(&broker, "1", "100").await;
        assert_eq!(matrix["summary"]["deployable"], false, "{matrix}");
        let reason = matrix["summary"]["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("own verification of that contract failed"),
            "{reason}"
        );

        // The same version published again, its tests fixed: replaced and compared again.
        let (status, body) = publish_contract(&broker, "100", DOCUMENT, true).await;
        assert_eq!(status, 200, "{body}");
        assert!(texts(&body).contains("replacing"), "{body}");
        let matrix = pair(&broker, "1", "100").await;
        assert_eq!(matrix["summary"]["deployable"], true, "{matrix}");
    }
}

#[tokio::test]
async fn both_kinds_of_verification_can_exist_for_one_integration() {
    for url in backends("contract-both-kinds").await {
        let broker = start(accord_broker::BrokerConfig::new(url)).await;
        publish_pact(&broker, "1", &["id", "name"]).await;
        let (status, _) = publish_contract(&broker, "100", DOCUMENT, true).await;
        assert_eq!(status, 200);
        broker
            .verify(
                "web",
                "1",
                "accounts",
                &json!({"success": true, "providerApplicationVersion": "101"}),
            )
            .await;
        let (status, matrix) = broker
            .get("/matrix?q[][pacticipant]=web&q[][version]=1&q[][pacticipant]=accounts")
            .await;
        assert_eq!(status, 200);
        let mut kinds: Vec<String> = matrix["matrix"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                format!(
                    "{}:{}",
                    r["provider"]["version"]["number"].as_str().unwrap_or("-"),
                    r["verificationResult"]["kind"].as_str().unwrap_or("-")
                )
            })
            .collect();
        kinds.sort();
        assert_eq!(
            kinds,
            ["100:provider-contract", "101:pact-verification"],
            "{matrix}"
        );
        assert_eq!(matrix["summary"]["deployable"], true);
    }
}

#[tokio::test]
async fn bad_provider_contracts_are_refused_naming_the_field_and_store_nothing() {
    for url in backends("contract-input").await {
        let broker = start(accord_broker::BrokerConfig::new(url)).await;
        let path = "/provider-contracts/provider/accounts/publish";
        let cases = [
            (
                json!({"contract": {"content": b64(DOCUMENT)}}),
                "pacticipantVersionNumber",
            ),
            (json!({"pacticipantVersionNumber": "1"}), "contract is required"),
            (
                json!({"pacticipantVersionNumber": "1", "contract": {"content": "not base64!"}}),
                "contract.content is not valid base64",
            ),
            (
                json!({"pacticipantVersionNumber": "1", "contract": {"content": b64(DOCUMENT), "specification": "asyncapi"}}),
                "specification 'asyncapi' is not supported",
            ),
            (
                json!({"pacticipantVersionNumber": "1", "contract": {"content": b64(DOCUMENT),
                    "selfVerificationResults": {"success": "yes"}}}),
                "contract.selfVerificationResults.success",
            ),
            (
                json!({"pacticipantVersionNumber": "1\n2", "contract": {"content": b64(DOCUMENT)}}),
                "pacticipantVersionNumber must not contain",
            ),
        ];
        for (body, expected) in cases {
            let (status, answer) = broker.post(path, &body).await;
            assert_eq!(status, 400, "{body} -> {answer}");
            assert!(answer.to_string().contains(expected), "{body} -> {answer}");
        }
        let (status, _) = broker.get("/pacticipants/accounts").await;
        assert_eq!(status, 404, "a refused contract creates nothing");

        // A document that is not OpenAPI is kept, as PactFlow keeps it, and every comparison
        // says why it cannot be made.
        publish_pact(&broker, "1", &["id"]).await;
        let (status, body) = publish_contract(&broker, "100", "some: contract\n", true).await;
        assert_eq!(status, 200, "{body}");
        assert!(texts(&body).contains("cannot be compared"), "{body}");
        let matrix = pair(&broker, "1", "100").await;
        assert_eq!(matrix["summary"]["deployable"], false, "{matrix}");
    }
}

#[tokio::test]
async fn the_older_put_form_creates_then_replaces_a_contract() {
    let broker = start(accord_broker::BrokerConfig::new(crate::sqlite_only(
        "contract-put",
    )))
    .await;
    let body = json!({"content": b64(DOCUMENT), "contractType": "oas", "contentType": "application/yaml",
        "verificationResults": {"success": true, "content": b64("ok"), "contentType": "text/plain",
            "format": "text", "verifier": "dredd", "verifierVersion": "14"}});
    let (status, answer) = broker
        .send(
            reqwest::Method::PUT,
            "/contracts/provider/accounts/version/7",
            &body,
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    assert!(answer["_links"]["pf:ui"]["href"].is_string(), "{answer}");
    let (status, _) = broker
        .send(
            reqwest::Method::PUT,
            "/contracts/provider/accounts/version/7",
            &body,
        )
        .await;
    assert_eq!(status, 200);
    let (status, contract) = broker.get("/contracts/provider/accounts/version/7").await;
    assert_eq!(status, 200);
    assert_eq!(contract["selfVerificationResults"]["verifier"], "dredd");
    let (status, index) = broker.get("/").await;
    assert_eq!(status, 200);
    for relation in ["pf:publish-provider-contract", "pb:publish-provider-contract"] {
        let href = index["_links"][relation]["href"].as_str().unwrap_or_default();
        assert!(
            href.ends_with("/provider-contracts/provider/{provider}/publish"),
            "{relation}: {index}"
        );
    }
}

#[tokio::test]
async fn a_consumer_version_no_publication_compared_is_compared_when_can_i_deploy_asks() {
    for url in backends("contract-on-demand").await {
        let broker = start(accord_broker::BrokerConfig::new(url)).await;
        publish_pact(&broker, "1", &["id", "name"]).await;
        publish_pact(&broker, "2", &["id", "nickname"]).await;
        // Only the newest pact of the main branch (version 2) is relevant at publication.
        let (status, body) = publish_contract(&broker, "100", DOCUMENT, true).await;
        assert_eq!(status, 200, "{body}");
        let (_, contract) = broker.get("/contracts/provider/accounts/version/100").await;
        assert_eq!(
            contract["comparisons"].as_array().map(Vec::len),
            Some(1),
            "{contract}"
        );

        let matrix = pair(&broker, "1", "100").await;
        assert_eq!(matrix["summary"]["deployable"], true, "{matrix}");
        assert_eq!(
            matrix["matrix"][0]["verificationResult"]["kind"],
            "provider-contract"
        );
        let (_, contract) = broker.get("/contracts/provider/accounts/version/100").await;
        assert_eq!(
            contract["comparisons"].as_array().map(Vec::len),
            Some(2),
            "kept: {contract}"
        );
    }
}

const GRAPHQL_SCHEMA: &str = "type Query { order(id: ID!): Order }
type Order { id: ID! total(currency: String): Float lines: [Line!]! }
type Line { sku: String! quantity: Int! }
";

/// A GraphQL pact of `checkout` with `orders`, in the shape pact-js writes.
fn graphql_pact() -> Value {
    let query = "query Order($id: ID!) { order(id: $id) { id total lines { sku quantity } } }";
    json!({
        "consumer": {"name": "checkout"}, "provider": {"name": "orders"},
        "interactions": [{"description": "the order", "request": {"method": "POST", "path": "/graphql",
            "headers": {"Content-Type": "application/json"},
            "body": {"operationName": "Order", "query": query, "variables": {"id": "42"}}},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                "body": {"data": {"order": {"id": "42", "total": 99.5, "lines": [{"sku": "MUG-1", "quantity": 2}]}}}}}],
        "metadata": {"pactSpecification": {"version": "2.0.0"}}
    })
}

/// A GraphQL schema published as the provider contract (specification `graphql`, content type
/// `application/graphql`) is compared with the consumers' GraphQL pacts; can-i-deploy and the
/// contract's page use the result: the schema the provider serves is compatible, one that
/// renamed `quantity` is not, naming the field.
#[tokio::test]
async fn a_graphql_schema_is_a_provider_contract() {
    for url in backends("contract-graphql").await {
        let broker = start(accord_broker::BrokerConfig::new(url)).await;
        let (status, body) = broker
            .publish("checkout", "c1", Some("main"), &[graphql_pact()])
            .await;
        assert_eq!(status, 200, "{body}");
        for (version, schema) in [
            ("o1", GRAPHQL_SCHEMA.to_owned()),
            ("o2", GRAPHQL_SCHEMA.replace("quantity: Int!", "qty: Int!")),
        ] {
            let (status, body) = broker
                .post(
                    "/provider-contracts/provider/orders/publish",
                    &json!({"pacticipantVersionNumber": version, "branch": "main",
                        "contract": {"content": b64(&schema), "contentType": "application/graphql", "specification": "graphql",
                            "selfVerificationResults": {"success": true, "content": b64("3 tests"), "contentType": "text/plain", "format": "text"}}}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
        let matrix = |provider: &'static str| {
            let broker = &broker;
            async move {
                let (status, body) = broker
                    .get(&format!(
                        "/matrix?q[][pacticipant]=checkout&q[][version]=c1&q[][pacticipant]=orders&q[][version]={provider}&latestby=cvpv"
                    ))
                    .await;
                assert_eq!(status, 200, "{body}");
                body
            }
        };
        let served = matrix("o1").await;
        assert_eq!(served["summary"]["deployable"], true, "{served}");
        assert_eq!(
            served["matrix"][0]["verificationResult"]["kind"],
            "provider-contract"
        );
        let renamed = matrix("o2").await;
        assert_eq!(renamed["summary"]["deployable"], false, "{renamed}");
        let (status, page) = broker
            .get_text("/ui/provider-contracts/provider/orders/version/o2", &[])
            .await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("quantity"), "the page names the field: {page}");
    }
}
