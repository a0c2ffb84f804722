//! Applications (pacticipants), their versions, branches, tags and labels.

use serde::{Deserialize, Serialize};

use super::hal::{Links, NamedItem};

/// An application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pacticipant {
    /// Its name.
    pub name: String,
    /// The name shown to people (`Orders Api`).
    pub display_name: String,
    /// Its main branch, when set.
    pub main_branch: Option<String>,
    /// Where its source lives.
    pub repository_url: Option<String>,
    /// When it was created.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// Its labels and latest version, where the answer includes them.
    #[serde(rename = "_embedded", default, skip_serializing_if = "Option::is_none")]
    pub embedded: Option<PacticipantEmbedded>,
    /// `self`, `pb:versions`, `pb:branches`, templates for versions, tags, labels and badges.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of a [`Pacticipant`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PacticipantEmbedded {
    /// Its labels (`GET /pacticipants/{name}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<NamedItem>>,
    /// Its latest version in full (`GET /pacticipants/{name}`).
    #[serde(rename = "latestVersion", default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<Box<Version>>,
    /// Its latest version: in full from `GET /pacticipants/{name}`, its number and link in lists.
    #[serde(rename = "latest-version", default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<LatestVersion>,
}

/// The latest version of an application as embedded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LatestVersion {
    /// The whole version.
    Full(Box<Version>),
    /// Its number and `self` link.
    Short(VersionNumber),
}

/// A version's number with its link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionNumber {
    /// The number.
    pub number: String,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `GET /pacticipants` and `GET /pacticipants/label/{label}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PacticipantList {
    /// The applications.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedPacticipants,
    /// The same list, where older clients look for it.
    pub pacticipants: Vec<Pacticipant>,
    /// `self`, and a named link to each application.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of a [`PacticipantList`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedPacticipants {
    /// The applications.
    pub pacticipants: Vec<Pacticipant>,
}

/// A version of an application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    /// Its number (a git sha, a semantic version...).
    pub number: String,
    /// The CI build that made it.
    pub build_url: Option<String>,
    /// When the broker first heard of it.
    pub created_at: String,
    /// Its (latest) branch.
    pub branch: Option<String>,
    /// Its branches and tags.
    #[serde(rename = "_embedded", default)]
    pub embedded: VersionEmbedded,
    /// `self`, `pb:pacticipant`, `pb:tag`, and a `pb:record-deployment` and
    /// `pb:record-release` link per environment.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of a [`Version`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionEmbedded {
    /// Its branches, each linking to the branch version.
    pub branch_versions: Vec<NamedItem>,
    /// The same list under the older name.
    pub branches: Vec<NamedItem>,
    /// Its tags.
    pub tags: Vec<NamedItem>,
}

/// `GET /pacticipants/{name}/versions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionList {
    /// The versions, newest first.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedVersions,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of a [`VersionList`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedVersions {
    /// The versions.
    pub versions: Vec<Version>,
}

/// `GET /pacticipants/{name}/branches`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BranchList {
    /// The branches.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedBranches,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of a [`BranchList`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedBranches {
    /// The branches, each with its `self` link.
    pub branches: Vec<NamedItem>,
}

/// `GET /pacticipants/{name}/branches/{branch}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Branch {
    /// The branch.
    pub name: String,
    /// The number of its latest version.
    pub latest_version: String,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}
