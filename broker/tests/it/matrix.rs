//! Matrix selectors as the reference broker reads them: `latest=true` names one version,
//! otherwise a name, a tag or a branch names every matching version; ignored consumer versions;
//! deployment targets (tag, main branch, environment) on every backend.

use accord_broker::BrokerConfig;
use serde_json::{Value, json};

use crate::{Broker, backends, pact, start};

/// Publishes `web` `version` (on `main`, tagged `prod`) with a pact whose response field is
/// `field`, and records `api` `provider_version`'s verification of it.
async fn published_and_verified(
    broker: &Broker,
    version: &str,
    field: &str,
    provider_version: &str,
    success: bool,
) {
    let (status, body) = broker
        .publish("web", version, Some("main"), &[pact("web", "api", field)])
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = broker
        .put(&format!("/pacticipants/web/versions/{version}/tags/prod"))
        .await;
    assert!(status == 200 || status == 201);
    let (_, pact) = broker
        .get(&format!("/pacts/provider/api/consumer/web/version/{version}"))
        .await;
    let publish = pact["_links"]["pb:publish-verification-results"]["href"]
        .as_str()
        .expect("publish link")
        .trim_start_matches(&broker.url)
        .to_owned();
    let (status, result) = broker
        .post(
            &publish,
            &json!({"success": success, "providerApplicationVersion": provider_version}),
        )
        .await;
    assert_eq!(status, 201, "{result}");
}

async fn matrix(broker: &Broker, query: &str) -> Value {
    let (status, body) = broker.get(&format!("/matrix?{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

/// `consumer version / provider version / success` of each listed row.
fn rows(body: &Value) -> Vec<String> {
    body["matrix"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    format!(
                        "{}/{}/{}{}",
                        r["consumer"]["version"]["number"].as_str().unwrap_or("-"),
                        r["provider"]["version"]["number"].as_str().unwrap_or("-"),
                        r["verificationResult"]["success"],
                        if r["ignored"] == true { " ignored" } else { "" }
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn selectors_without_latest_name_every_matching_version() {
    for url in backends("matrix-selectors").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        published_and_verified(&broker, "w1", "name", "a1", true).await;
        published_and_verified(&broker, "w2", "id", "a2", false).await;
        published_and_verified(&broker, "w3", "size", "a3", true).await;

        let both = "q[][pacticipant]=web&q[][pacticipant]=api&latestby=cvpv";
        assert_eq!(
            rows(&matrix(&broker, both).await),
            ["w3/a3/true", "w2/a2/false", "w1/a1/true"],
            "a name alone selects every version ({url})"
        );
        let latest = "q[][pacticipant]=web&q[][latest]=true&q[][pacticipant]=api&latestby=cvpv";
        assert_eq!(rows(&matrix(&broker, latest).await), ["w3/a3/true"], "{url}");
        let branch =
            "q[][pacticipant]=web&q[][branch]=main&q[][pacticipant]=api&q[][version]=a2&latestby=cvpv";
        assert_eq!(
            rows(&matrix(&broker, branch).await),
            ["w3/a2/null", "w2/a2/false", "w1/a2/null"],
            "a branch without latest selects every version on it, each paired with the exact provider version ({url})"
        );

        // Ignoring one consumer version: its row is listed after the rows considered, marked,
        // counted, and out of the decision.
        let ignored = "q[][pacticipant]=api&q[][version]=a2&q[][pacticipant]=web&q[][tag]=prod\
                       &ignore[][pacticipant]=web&ignore[][version]=w2&latestby=cvpv";
        let body = matrix(&broker, ignored).await;
        assert_eq!(
            rows(&body).last().map(String::as_str),
            Some("w2/a2/false ignored"),
            "{body}"
        );
        assert_eq!(body["summary"]["ignored"], 1, "{body}");
        assert_eq!(
            body["summary"]["failed"], 0,
            "the ignored failure does not count: {body}"
        );

        // Targets: the latest prod version, the main branch head, an environment.
        let to_tag = "q[][pacticipant]=api&q[][version]=a3&latestby=cvp&latest=true&tag=prod";
        assert_eq!(rows(&matrix(&broker, to_tag).await), ["w3/a3/true"], "{url}");
        let to_main = "q[][pacticipant]=api&q[][version]=a1&latestby=cvp&mainBranch=true";
        assert_eq!(rows(&matrix(&broker, to_main).await), ["w3/a1/null"], "{url}");
        let (status, env) = broker
            .post(
                "/environments",
                &json!({"name": "production", "production": true}),
            )
            .await;
        assert_eq!(status, 201, "{env}");
        let env = env["uuid"].as_str().expect("environment uuid");
        let (status, _) = broker
            .post(
                &format!("/pacticipants/web/versions/w1/deployed-versions/environment/{env}"),
                &json!({}),
            )
            .await;
        assert_eq!(status, 201);
        let to_env = "q[][pacticipant]=api&q[][version]=a1&latestby=cvp&environment=production";
        let body = matrix(&broker, to_env).await;
        assert_eq!(rows(&body), ["w1/a1/true"], "{url}");
        assert_eq!(body["summary"]["deployable"], true, "{body}");
        let in_env = "q[][pacticipant]=web&q[][environment]=production&q[][pacticipant]=api&latestby=cvpv";
        assert_eq!(rows(&matrix(&broker, in_env).await), ["w1/a1/true"], "{url}");
    }
}
