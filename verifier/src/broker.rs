//! The broker as the verifier uses it, through `accord_broker_client`: the pacts to verify, and
//! publishing results with the provider version's branch and tags.

use accord_broker_client::wire::{PactsForVerificationRequest, VerificationResult};
use accord_broker_client::{Auth, BrokerClient, ClientError, expand};

use crate::error::SourceError;

/// What the broker said about a pact it selected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrokerPactInfo {
    /// The broker the pact came from.
    pub broker_url: String,
    /// Where to publish the verification result.
    pub publish_url: Option<String>,
    /// Failures are reported but do not fail the build.
    pub pending: bool,
    /// Work in progress.
    pub wip: bool,
    /// Why the pact was selected ("latest from main branch", ...).
    pub short_description: String,
    /// Notices to print before verification.
    pub notices: Vec<String>,
    /// The consumer version the pact belongs to.
    pub consumer_version: Option<String>,
}

/// A pact the broker selected, before it is fetched.
#[derive(Debug, Clone)]
pub(crate) struct SelectedPact {
    pub(crate) href: String,
    pub(crate) info: BrokerPactInfo,
}

impl From<ClientError> for SourceError {
    fn from(error: ClientError) -> SourceError {
        match error {
            ClientError::Http { url, source } => SourceError::Http { url, source },
            ClientError::Status { url, status, body } => SourceError::BrokerStatus { url, status, body },
            ClientError::Shape { url, problem } => SourceError::BrokerShape { url, problem },
        }
    }
}

/// The broker client for one broker.
pub(crate) fn client(base: &str, auth: Auth, http: reqwest::Client) -> BrokerClient {
    BrokerClient::new(base, auth, http)
}

/// Asks the broker which pacts to verify.
pub(crate) async fn pacts_for_verification(
    client: &BrokerClient,
    provider: &str,
    request: &PactsForVerificationRequest,
) -> Result<Vec<SelectedPact>, SourceError> {
    let answer = client.pacts_for_verification(provider, request).await?;
    Ok(answer
        .embedded
        .pacts
        .into_iter()
        .filter_map(|entry| {
            let href = entry.href()?.to_owned();
            let props = entry.verification_properties;
            let notices = props
                .notices
                .into_iter()
                .filter(|n| n.when.as_deref().is_none_or(|w| w == "before_verification"))
                .map(|n| n.text)
                .collect();
            Some(SelectedPact {
                href,
                info: BrokerPactInfo {
                    broker_url: client.base().to_owned(),
                    publish_url: None,
                    pending: props.pending.unwrap_or(false),
                    wip: props.wip.unwrap_or(false),
                    short_description: entry.short_description,
                    notices,
                    consumer_version: None,
                },
            })
        })
        .collect())
}

/// Records the provider version's branch and tags, then posts the result.
pub(crate) async fn publish(
    client: &BrokerClient,
    publish_url: &str,
    provider: &str,
    config: &crate::config::PublishConfig,
    result: &VerificationResult,
) -> Result<(), SourceError> {
    let version_path = expand(
        &expand("/pacticipants/{p}/versions/{v}", "p", provider),
        "v",
        &config.provider_version,
    );
    if let Some(branch) = &config.provider_branch {
        let path = expand(
            &expand(
                &expand("/pacticipants/{p}/branches/{b}/versions/{v}", "p", provider),
                "b",
                branch,
            ),
            "v",
            &config.provider_version,
        );
        client
            .send_json(reqwest::Method::PUT, &path, &serde_json::json!({}))
            .await?;
    }
    for tag in &config.provider_tags {
        let path = format!("{version_path}/tags/{}", expand("{t}", "t", tag));
        client
            .send_json(reqwest::Method::PUT, &path, &serde_json::json!({}))
            .await?;
    }
    client
        .send_json(reqwest::Method::POST, publish_url, result)
        .await?;
    Ok(())
}
