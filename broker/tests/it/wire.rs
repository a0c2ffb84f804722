//! One wire model for server and clients: every JSON answer of the HAL API reads into its type
//! in `accord_broker_client::wire` and writes back to the very same JSON, so a field the server
//! adds, drops or renames without the type (which accord's clients and the verifier read) fails
//! here. Run on every backend, over a broker holding one of everything.

use std::any::type_name;

use accord_broker::{BrokerConfig, WebhookPolicy};
use accord_broker_client::wire::{Branch, Environment};
use accord_broker_client::wire::{
    BranchList, Comparison, CurrentlyDeployed, CurrentlySupported, DeliveryList, Dependencies,
    DeployedVersion, EnvironmentList, FieldUsage, Heartbeat, Integrations, LabelList, LatestPacts, LinksOnly,
    MatrixAnswer, Metrics, NamedItem, Pact, PactDiff, Pacticipant, PacticipantList, PactsForVerification,
    ProviderContract, ProviderContractPublished, ProviderStates, PublishContractsAnswer, ReleasedVersion,
    VerificationResultAnswer, Version, VersionList, Webhook, WebhookList, WebhookRun,
};
use base64::Engine as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::{Broker, backends, start};

/// `text` (a 2xx answer) read as `T` and written again is the same JSON.
fn same_through<T: DeserializeOwned + Serialize>(what: &str, status: u16, text: &str) -> T {
    assert!((200..300).contains(&status), "{what}: {status} {text}");
    let answer: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON: {e}: {text}"));
    let typed: T = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{what} does not read as {}: {e}\n{text}", type_name::<T>()));
    let again = serde_json::to_value(&typed).expect("a wire type serializes");
    assert_eq!(
        again,
        answer,
        "{what}: the answer and its type {} differ (left: written back, right: answered)",
        type_name::<T>()
    );
    typed
}

async fn get_as<T: DeserializeOwned + Serialize>(broker: &Broker, path: &str) -> T {
    let (status, text) = broker.get_text(path, &[]).await;
    same_through(&format!("GET {path}"), status, &text)
}

async fn send_as<T: DeserializeOwned + Serialize>(
    broker: &Broker,
    method: reqwest::Method,
    path: &str,
    body: &Value,
) -> T {
    let (status, text) = broker.send_text(method.clone(), path, body).await;
    same_through(&format!("{method} {path}"), status, &text)
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

const DOCUMENT: &str = r#"openapi: 3.0.3
info: {title: api, version: "1"}
paths:
  /thing:
    get:
      responses:
        "200":
          description: a thing
          content:
            application/json:
              schema: {type: object, properties: {name: {type: string}}}
"#;

/// The href of a link, relative to the broker.
fn relative(broker: &Broker, href: &str) -> String {
    href.trim_start_matches(&broker.url).to_owned()
}

#[tokio::test]
async fn every_answer_of_the_api_is_its_wire_type_exactly() {
    for url in backends("wire").await {
        let mut config = BrokerConfig::new(url);
        config.webhooks = WebhookPolicy::loopback();
        let broker = start(config).await;
        let post = reqwest::Method::POST;

        // Publishing, with a tag, twice so there is a diff.
        let mut body = crate::publish_body("web", "1", Some("main"), &[crate::pact("web", "api", "name")]);
        body["tags"] = json!(["dev"]);
        let _: PublishContractsAnswer = send_as(&broker, post.clone(), "/contracts/publish", &body).await;
        let body = crate::publish_body("web", "2", Some("main"), &[crate::pact("web", "api", "title")]);
        let _: PublishContractsAnswer = send_as(&broker, post.clone(), "/contracts/publish", &body).await;

        // Applications, versions, branches, tags, labels.
        let _: LinksOnly = get_as(&broker, "/").await;
        let _: Heartbeat = get_as(&broker, "/diagnostic/status/heartbeat").await;
        let _: Dependencies = get_as(&broker, "/diagnostic/status/dependencies").await;
        let _: NamedItem = send_as(
            &broker,
            reqwest::Method::PUT,
            "/pacticipants/web/labels/team-a",
            &json!({}),
        )
        .await;
        let _: NamedItem = get_as(&broker, "/pacticipants/web/labels/team-a").await;
        let _: LabelList = get_as(&broker, "/labels").await;
        let _: PacticipantList = get_as(&broker, "/pacticipants/label/team-a").await;
        let _: PacticipantList = get_as(&broker, "/pacticipants").await;
        let web: Pacticipant = get_as(&broker, "/pacticipants/web").await;
        assert!(
            web.embedded.is_some_and(|e| e.latest_version.is_some()),
            "web shows its latest version"
        );
        let _: Pacticipant = send_as(
            &broker,
            reqwest::Method::PATCH,
            "/pacticipants/web",
            &json!({"mainBranch": "main"}),
        )
        .await;
        let _: VersionList = get_as(&broker, "/pacticipants/web/versions").await;
        let _: Version = get_as(&broker, "/pacticipants/web/versions/1").await;
        let _: Version = get_as(&broker, "/pacticipants/web/latest-version").await;
        let _: Version = get_as(&broker, "/pacticipants/web/latest-version/dev").await;
        let _: BranchList = get_as(&broker, "/pacticipants/web/branches").await;
        let _: Branch = get_as(&broker, "/pacticipants/web/branches/main").await;
        let _: Version = get_as(&broker, "/pacticipants/web/branches/main/versions/2").await;
        let _: NamedItem = get_as(&broker, "/pacticipants/web/versions/1/tags/dev").await;
        let _: NamedItem = send_as(
            &broker,
            reqwest::Method::PUT,
            "/pacticipants/web/versions/2/tags/prod",
            &json!({}),
        )
        .await;

        // Environments, deployments, releases.
        let production: Environment = send_as(
            &broker,
            post.clone(),
            "/environments",
            &json!({"name": "production", "production": true, "contacts": [{"name": "ops", "details": {"slack": "#ops"}}]}),
        )
        .await;
        let env = &production.uuid;
        let _: EnvironmentList = get_as(&broker, "/environments").await;
        let _: Environment = get_as(&broker, &format!("/environments/{env}")).await;
        let deployed: DeployedVersion = send_as(
            &broker,
            post.clone(),
            &format!("/pacticipants/web/versions/1/deployed-versions/environment/{env}"),
            &json!({"applicationInstance": "blue"}),
        )
        .await;
        let released: ReleasedVersion = send_as(
            &broker,
            post.clone(),
            &format!("/pacticipants/web/versions/1/released-versions/environment/{env}"),
            &json!({}),
        )
        .await;
        let _: CurrentlyDeployed = get_as(
            &broker,
            &format!("/environments/{env}/deployed-versions/currently-deployed"),
        )
        .await;
        let _: CurrentlySupported = get_as(
            &broker,
            &format!("/environments/{env}/released-versions/currently-supported"),
        )
        .await;
        let _: DeployedVersion = get_as(&broker, &format!("/deployed-versions/{}", deployed.uuid)).await;
        let _: ReleasedVersion = get_as(&broker, &format!("/released-versions/{}", released.uuid)).await;

        // Pacts, lists, diffs, verification.
        let pact: Pact = get_as(&broker, "/pacts/provider/api/consumer/web/version/2").await;
        let _: Pact = get_as(&broker, "/pacts/provider/api/consumer/web/latest").await;
        let _: LinksOnly = get_as(&broker, "/pacts/provider/api").await;
        let _: LinksOnly = get_as(&broker, "/pacts/provider/api/latest").await;
        let _: LatestPacts = get_as(&broker, "/pacts/latest").await;
        let _: PactDiff = get_as(
            &broker,
            "/pacts/provider/api/consumer/web/version/2/diff/previous-distinct",
        )
        .await;
        let for_verification: PactsForVerification = send_as(
            &broker,
            post.clone(),
            "/pacts/provider/api/for-verification",
            &json!({"consumerVersionSelectors": [{"mainBranch": true}], "providerVersionBranch": "main"}),
        )
        .await;
        let _: PactsForVerification = get_as(&broker, "/pacts/provider/api/for-verification").await;
        let href = for_verification.embedded.pacts[0]
            .href()
            .expect("a pact link")
            .to_owned();
        let _: Pact = get_as(&broker, &relative(&broker, &href)).await;
        let publish = pact
            .links
            .href("pb:publish-verification-results")
            .expect("the relation");
        let result = json!({"success": true, "providerApplicationVersion": "9", "buildUrl": "http://ci/9",
            "verifiedBy": {"implementation": "accord", "version": "1"},
            "testResults": [{"interactionDescription": "get thing", "success": true}]});
        let answer: VerificationResultAnswer =
            send_as(&broker, post.clone(), &relative(&broker, publish), &result).await;
        let shown = answer.links.href("self").expect("self").to_owned();
        let _: VerificationResultAnswer = get_as(&broker, &relative(&broker, &shown)).await;
        let _: MatrixAnswer = get_as(
            &broker,
            "/matrix?q[][pacticipant]=web&q[][latest]=true&latestby=cvp",
        )
        .await;
        let _: MatrixAnswer = get_as(
            &broker,
            "/can-i-deploy?pacticipant=web&version=2&environment=production",
        )
        .await;
        let _: Integrations = get_as(&broker, "/integrations").await;
        let _: Metrics = get_as(&broker, "/metrics").await;
        let _: ProviderStates = get_as(&broker, "/pacts/provider/api/provider-states").await;
        let _: FieldUsage = get_as(&broker, "/pacts/provider/api/field-usage").await;

        // Provider contracts.
        let contract = json!({"pacticipantVersionNumber": "10", "branch": "main", "tags": ["dev"],
            "contract": {"content": b64(DOCUMENT), "contentType": "application/yaml", "specification": "oas",
                "selfVerificationResults": {"success": true, "content": b64("ok"), "contentType": "text/plain",
                    "format": "text", "verifier": "schemathesis", "verifierVersion": "3"}}});
        let _: ProviderContractPublished = send_as(
            &broker,
            post.clone(),
            "/provider-contracts/provider/api/publish",
            &contract,
        )
        .await;
        let put = json!({"content": b64(DOCUMENT), "contentType": "application/yaml", "contractType": "oas"});
        let _: ProviderContractPublished = send_as(
            &broker,
            reqwest::Method::PUT,
            "/contracts/provider/api/version/11",
            &put,
        )
        .await;
        let shown: ProviderContract = get_as(&broker, "/contracts/provider/api/version/10").await;
        let compared = shown.comparisons.first().expect("compared with the pact");
        let path = relative(&broker, compared.links.href("self").expect("self"));
        let _: Comparison = get_as(&broker, &path).await;

        // Webhooks, their runs and deliveries.
        let hook = json!({"description": "ci", "consumer": {"name": "web"}, "provider": {"label": "team-b"},
            "events": [{"name": "contract_published"}],
            "request": {"method": "POST", "url": "http://127.0.0.1:1/hook",
                "headers": {"Authorization": "Bearer secret"}, "body": {"pact": "${pactbroker.pactUrl}"},
                "username": "u", "password": "p"}});
        let created: Webhook = send_as(&broker, post.clone(), "/webhooks", &hook).await;
        let global = json!({"events": ["contract_published"], "request": {"url": "http://127.0.0.1:1/all"}});
        let _: Webhook = send_as(&broker, post.clone(), "/webhooks", &global).await;
        let _: Webhook = get_as(&broker, &format!("/webhooks/{}", created.uuid)).await;
        let _: WebhookList = get_as(&broker, "/webhooks").await;
        let _: WebhookList = get_as(&broker, "/webhooks/consumer/web").await;
        let _: WebhookList = get_as(&broker, "/pacts/provider/api/consumer/web/webhooks").await;
        let _: WebhookRun = send_as(
            &broker,
            post.clone(),
            &format!("/webhooks/{}/execute", created.uuid),
            &json!({}),
        )
        .await;
        let body = crate::publish_body("web", "3", Some("main"), &[crate::pact("web", "api", "title")]);
        let _: PublishContractsAnswer = send_as(&broker, post.clone(), "/contracts/publish", &body).await;
        let _: DeliveryList = get_as(&broker, &format!("/webhooks/{}/deliveries", created.uuid)).await;
    }
}

/// The clients read what they need from an answer and keep every field of the wire type: the
/// same JSON read through the clients' types (`broker-client`) is the server's answer.
#[test]
fn a_type_with_a_field_the_answer_lacks_is_caught() {
    let text = r#"{"ok":true,"_links":{"self":{"href":"http://b/x"}},"extra":1}"#;
    let caught = std::panic::catch_unwind(|| same_through::<Heartbeat>("extra", 200, text));
    assert!(
        caught.is_err(),
        "a field outside the type must fail the round trip"
    );
}
