//! PactFlow's provider contracts: publishing one, the contract, and its comparisons with the
//! consumers' pacts.

use serde::{Deserialize, Serialize};

use super::hal::{Links, NamedItem};
use super::verification::Notice;

/// The answer of publishing a provider contract (`POST .../publish` with `_embedded`, `PUT`
/// without).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderContractPublished {
    /// The contract, its page, the provider, its version (and tags and branch version).
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// What happened, and each comparison made.
    #[serde(default)]
    pub notices: Vec<Notice>,
    /// The provider and its version.
    #[serde(rename = "_embedded", default, skip_serializing_if = "Option::is_none")]
    pub embedded: Option<ProviderVersionEmbedded>,
}

/// `_embedded` of [`ProviderContractPublished`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderVersionEmbedded {
    /// The provider.
    pub pacticipant: NamedItem,
    /// Its version.
    pub version: CreatedVersion,
}

/// A version, and whether the publication created it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatedVersion {
    /// The number.
    pub number: String,
    /// Whether it is new.
    #[serde(default)]
    pub created: bool,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `GET /contracts/provider/{p}/version/{v}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderContract {
    /// The contract, its page, the provider and its version.
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// The provider.
    pub provider: Name,
    /// The provider version.
    pub provider_version: String,
    /// `oas`.
    pub specification: String,
    /// The document's content type.
    pub content_type: String,
    /// The document.
    pub content: String,
    /// The provider's own test result.
    pub self_verification_results: SelfVerification,
    /// When it was published.
    pub created_at: String,
    /// Each comparison with a pact.
    pub comparisons: Vec<Comparison>,
}

/// A name alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Name {
    /// The name.
    pub name: String,
}

/// The provider's own test result, as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelfVerification {
    /// Whether its tests passed.
    pub success: bool,
    /// The tool.
    pub verifier: Option<String>,
    /// Its version.
    pub verifier_version: Option<String>,
    /// The output.
    pub content: Option<String>,
    /// The output's content type.
    pub content_type: Option<String>,
    /// The output's format.
    pub format: Option<String>,
}

/// `GET /contracts/provider/{p}/version/{v}/consumer/{c}/pact-version/{sha}`, and each item of
/// [`ProviderContract::comparisons`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// The consumer.
    pub consumer: Name,
    /// The consumer versions that published the pact.
    pub consumer_versions: Vec<String>,
    /// The pact content's hash.
    pub pact_version: String,
    /// The provider version.
    pub provider_version: String,
    /// Whether the pact fits the document.
    pub compatible: bool,
    /// Whether the provider's own tests passed.
    pub self_verification_success: bool,
    /// Both: what can-i-deploy counts as a successful verification.
    pub success: bool,
    /// How many interactions were compared.
    pub interactions: i64,
    /// What does not fit.
    pub mismatches: Vec<ContractMismatch>,
    /// When it was made.
    pub compared_at: String,
    /// `self`, the contract, its page, the pact.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// One way a pact's interaction disagrees with a provider contract.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractMismatch {
    /// The interaction's description.
    pub interaction: String,
    /// Where in the interaction (`response.body.$.id`).
    pub pact_path: String,
    /// Where in the document; empty when it has no such place.
    pub document_path: String,
    /// What is wrong.
    pub message: String,
}
