//! Environments, and the versions deployed to or released in them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::hal::{Links, NamedItem};
use super::pacticipants::VersionNumber;

/// An environment (`production`, `test`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    /// Its id.
    pub uuid: String,
    /// Its name, one word.
    pub name: String,
    /// The name shown to people.
    pub display_name: String,
    /// Whether it is production.
    pub production: bool,
    /// Whom to ask about it.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// When it was created.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// `self`, what is deployed and released there, `pb:environments`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// A person or team to ask about an environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Who.
    pub name: String,
    /// How to reach them, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Map<String, Value>>,
}

/// `GET /environments`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentList {
    /// The environments.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedEnvironments,
    /// `self` and a named link to each.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of an [`EnvironmentList`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedEnvironments {
    /// The environments.
    pub environments: Vec<Environment>,
}

/// What a deployed or released version names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlacementEmbedded {
    /// The application.
    pub pacticipant: NamedItem,
    /// The version.
    pub version: VersionNumber,
    /// The environment.
    pub environment: Environment,
}

/// A version recorded as deployed to an environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployedVersion {
    /// Its id.
    pub uuid: String,
    /// When it was recorded.
    pub created_at: String,
    /// The application, version and environment.
    #[serde(rename = "_embedded")]
    pub embedded: PlacementEmbedded,
    /// Whether it is still deployed.
    pub currently_deployed: bool,
    /// The instance it is deployed as, when several run side by side.
    pub application_instance: Option<String>,
    /// The older name of `applicationInstance`.
    pub target: Option<String>,
    /// When it was replaced or undeployed.
    pub undeployed_at: Option<String>,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// A version recorded as released in an environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasedVersion {
    /// Its id.
    pub uuid: String,
    /// When it was recorded.
    pub created_at: String,
    /// The application, version and environment.
    #[serde(rename = "_embedded")]
    pub embedded: PlacementEmbedded,
    /// Whether it is still supported.
    pub currently_supported: bool,
    /// When its support ended.
    pub support_ended_at: Option<String>,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `GET /environments/{uuid}/deployed-versions/currently-deployed`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CurrentlyDeployed {
    /// The versions.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedDeployed,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of [`CurrentlyDeployed`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedDeployed {
    /// The versions.
    pub deployed_versions: Vec<DeployedVersion>,
}

/// `GET /environments/{uuid}/released-versions/currently-supported`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CurrentlySupported {
    /// The versions.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedReleased,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of [`CurrentlySupported`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedReleased {
    /// The versions.
    pub released_versions: Vec<ReleasedVersion>,
}
