//! Verifying: pacts for verification, the results a verifier publishes, publishing contracts
//! and can-i-deploy.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::hal::{Links, NamedItem};
use super::pacticipants::VersionNumber;

/// `POST /pacts/provider/{provider}/for-verification`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PactsForVerificationRequest {
    /// Which consumer versions' pacts to verify; none means the main branch and everything
    /// deployed or released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_version_selectors: Option<Vec<ConsumerVersionSelector>>,
    /// Report whether each pact is pending (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_pending_status: Option<bool>,
    /// Also include work-in-progress pacts published since this date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_wip_pacts_since: Option<String>,
    /// The provider version's branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_version_branch: Option<String>,
    /// The provider version's tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_version_tags: Option<Vec<String>>,
}

/// One consumer version selector.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerVersionSelector {
    /// The latest pact from each consumer's main branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_branch: Option<bool>,
    /// The latest pact from this branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The branch to use when `branch` has no pact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_branch: Option<String>,
    /// The branch named like the provider version's branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matching_branch: Option<bool>,
    /// Pacts of versions with this tag (the latest only with `latest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The tag to use when `tag` has no pact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_tag: Option<String>,
    /// Only the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<bool>,
    /// Versions currently deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed: Option<bool>,
    /// Versions currently released and supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released: Option<bool>,
    /// Versions deployed or released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed_or_released: Option<bool>,
    /// In this environment only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Only this consumer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer: Option<String>,
    /// Keys this type does not name, sent on as given.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The answer to a pacts-for-verification request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PactsForVerification {
    /// The pacts.
    #[serde(rename = "_embedded", default)]
    pub embedded: EmbeddedPacts,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of [`PactsForVerification`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedPacts {
    /// The pacts to verify.
    #[serde(default)]
    pub pacts: Vec<VerifiablePact>,
}

/// One pact to verify.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiablePact {
    /// Why it was selected.
    #[serde(default)]
    pub short_description: String,
    /// Pending, WIP and the notices to print.
    #[serde(default)]
    pub verification_properties: VerificationProperties,
    /// `self` is where to fetch the pact.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

impl VerifiablePact {
    /// Where to fetch the pact.
    pub fn href(&self) -> Option<&str> {
        self.links.href("self")
    }
}

/// `verificationProperties` of a [`VerifiablePact`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationProperties {
    /// Failures are reported but do not fail the build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<bool>,
    /// A work-in-progress pact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wip: Option<bool>,
    /// Notices, with when to print them.
    #[serde(default)]
    pub notices: Vec<Notice>,
}

/// A notice from the broker.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// `before_verification`, `after_verification_success`... (pacts for verification).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// `error`, `warning`, `info`, `success` (matrix, publishing).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The text.
    #[serde(default)]
    pub text: String,
}

/// The body of a verification result the verifier publishes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationResult {
    /// Whether every interaction passed.
    pub success: Option<bool>,
    /// The provider version verified.
    pub provider_application_version: Option<String>,
    /// The CI build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_url: Option<String>,
    /// The tool that verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<VerifiedBy>,
    /// One entry per interaction, kept as written (as raw JSON text: a large result is stored
    /// and answered without ever becoming a JSON tree).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_results: Option<Box<serde_json::value::RawValue>>,
}

/// A verification result as the broker answers it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationResultAnswer {
    /// The provider.
    pub provider_name: String,
    /// The provider version verified.
    pub provider_application_version: String,
    /// Whether every interaction passed.
    pub success: bool,
    /// When it was published.
    pub verification_date: String,
    /// The CI build.
    pub build_url: Option<String>,
    /// The tool that verified.
    pub verified_by: Option<VerifiedBy>,
    /// `self` and `pb:pact-version`.
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// One entry per interaction, as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_results: Option<Box<serde_json::value::RawValue>>,
}

/// `verifiedBy` of a [`VerificationResult`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VerifiedBy {
    /// The tool.
    pub implementation: Option<String>,
    /// Its version.
    pub version: Option<String>,
    /// Keys this type does not name, kept as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `POST /contracts/publish`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishContracts {
    /// The consumer.
    pub pacticipant_name: Option<String>,
    /// The consumer version.
    pub pacticipant_version_number: Option<String>,
    /// Its branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Its tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// The CI build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_url: Option<String>,
    /// The pacts.
    pub contracts: Option<Vec<ContractToPublish>>,
}

/// One pact of [`PublishContracts`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractToPublish {
    /// The consumer (must equal `pacticipantName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_name: Option<String>,
    /// The provider.
    pub provider_name: Option<String>,
    /// `pact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specification: Option<String>,
    /// `application/json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The pact, base64-encoded.
    pub content: Option<String>,
    /// `merge` to merge into the pact already published for this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_conflict: Option<String>,
}

/// The answer of `POST /contracts/publish`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PublishContractsAnswer {
    /// What happened to each pact, and hints.
    #[serde(default)]
    pub notices: Vec<Notice>,
    /// The notices in the older form.
    #[serde(default)]
    pub logs: Vec<LogLine>,
    /// The consumer and its version.
    #[serde(rename = "_embedded", default)]
    pub embedded: Option<PublishedVersion>,
    /// The consumer, its version, its tags and the pacts published.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// A notice in the older form of [`PublishContractsAnswer`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    /// The notice's type.
    #[serde(default)]
    pub level: Option<String>,
    /// Its text.
    #[serde(default)]
    pub message: String,
    /// That `notices` replace these.
    #[serde(default)]
    pub deprecation_warning: String,
}

/// `_embedded` of a [`PublishContractsAnswer`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PublishedVersion {
    /// The consumer.
    pub pacticipant: NamedItem,
    /// Its version.
    pub version: VersionNumber,
}

/// The provider's own test result for its provider contract (PactFlow's
/// `selfVerificationResults`, `verificationResults` in the older `PUT` form).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelfVerificationResults {
    /// Whether the provider's tests passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Their output, base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The output's content type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The output's format (`text`, `junit`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The tool that ran them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifier: Option<String>,
    /// The tool's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifier_version: Option<String>,
}

/// `contract` of [`PublishProviderContract`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderContractToPublish {
    /// The document, base64-encoded.
    pub content: Option<String>,
    /// `application/yaml` or `application/json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `oas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specification: Option<String>,
    /// The provider's own test result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_verification_results: Option<SelfVerificationResults>,
}

/// `POST /provider-contracts/provider/{provider}/publish` (PactFlow's provider contracts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishProviderContract {
    /// The provider version.
    pub pacticipant_version_number: Option<String>,
    /// Its branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Its tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// The CI build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_url: Option<String>,
    /// The contract.
    pub contract: Option<ProviderContractToPublish>,
}

/// `PUT /contracts/provider/{provider}/version/{version}`: the older form of
/// [`PublishProviderContract`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutProviderContract {
    /// The document, base64-encoded.
    pub content: Option<String>,
    /// `application/yaml` or `application/json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `oas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_type: Option<String>,
    /// The provider's own test result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_results: Option<SelfVerificationResults>,
}

/// The answer of `GET /matrix` and `GET /can-i-deploy` as clients read it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatrixAnswer {
    /// The decision.
    pub summary: MatrixSummary,
    /// The reasons, with their kinds.
    #[serde(default)]
    pub notices: Vec<Notice>,
    /// The rows listed.
    #[serde(default)]
    pub matrix: Vec<MatrixRow>,
}

/// One row of a [`MatrixAnswer`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatrixRow {
    /// The consumer and its version.
    pub consumer: Party,
    /// The provider and its version, if one verified.
    pub provider: Party,
    /// The pact between them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pact: Option<MatrixPact>,
    /// The verification, if there is one.
    #[serde(default)]
    pub verification_result: Option<ResultRef>,
    /// Left out of the decision by an ignore selector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<bool>,
}

/// An application and one of its versions in a [`MatrixRow`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// The application.
    pub name: String,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// The version.
    #[serde(default)]
    pub version: Option<VersionRef>,
}

/// A version in a [`Party`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionRef {
    /// Its number.
    pub number: String,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// The pact of a [`MatrixRow`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatrixPact {
    /// When it was published.
    #[serde(rename = "createdAt")]
    pub created_at: String,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// A verification in a [`MatrixRow`]: the verifier's published result, or the comparison of
/// the pact with the provider version's provider contract.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultRef {
    /// Whether it passed.
    pub success: bool,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<String>,
    /// `pact-verification` or `provider-contract`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// For a provider contract: whether the pact fits the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatible: Option<bool>,
    /// For a provider contract: whether the provider's own tests passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_verification_success: Option<bool>,
    /// `self` (and `pf:ui` for a provider contract).
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `summary` of a [`MatrixAnswer`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatrixSummary {
    /// Yes, no, or `null` when a verification is missing.
    pub deployable: Option<bool>,
    /// Every reason, a line each.
    #[serde(default)]
    pub reason: String,
    /// Rows with a successful verification.
    #[serde(default)]
    pub success: usize,
    /// Rows with a failed verification.
    #[serde(default)]
    pub failed: usize,
    /// Rows without a verification.
    #[serde(default)]
    pub unknown: usize,
    /// Rows left out by ignore selectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selector_keeps_keys_it_does_not_name() {
        let text = r#"{"mainBranch":true,"consumerTag":"x"}"#;
        let selector: ConsumerVersionSelector = serde_json::from_str(text).expect("selector");
        assert_eq!(selector.main_branch, Some(true));
        assert_eq!(serde_json::to_string(&selector).expect("json"), text);
    }

    #[test]
    fn the_reference_brokers_answer_reads() {
        let answer: PactsForVerification = serde_json::from_value(serde_json::json!({
            "_embedded": {"pacts": [{"shortDescription": "latest from main branch",
                "verificationProperties": {"pending": true, "notices": [{"when": "before_verification", "text": "t"}]},
                "_links": {"self": {"href": "http://b/pacts/x", "name": "Pact"}}}]},
            "_links": {"self": {"href": "http://b/pacts/provider/p/for-verification"}}
        }))
        .expect("answer");
        let pact = &answer.embedded.pacts[0];
        assert_eq!(pact.href(), Some("http://b/pacts/x"));
        assert_eq!(pact.verification_properties.pending, Some(true));
        assert_eq!(pact.verification_properties.notices[0].text, "t");
    }
}
