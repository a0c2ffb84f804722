//! The index, the diagnostics, integrations, `/metrics`, labels and what consumers use of a
//! provider.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::hal::{Links, NamedItem};

/// `GET /diagnostic/status/heartbeat`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// Always true: the broker answered.
    pub ok: bool,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `GET /diagnostic/status/dependencies`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dependencies {
    /// Whether every dependency answers.
    pub ok: bool,
    /// The database.
    pub database: DependencyStatus,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// One dependency in [`Dependencies`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DependencyStatus {
    /// Whether it answers.
    pub ok: bool,
    /// Why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `GET /integrations`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Integrations {
    /// The pairs.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedIntegrations,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of [`Integrations`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedIntegrations {
    /// The pairs.
    pub integrations: Vec<Integration>,
}

/// One consumer/provider pair.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    /// The consumer.
    pub consumer: NamedItem,
    /// The provider.
    pub provider: NamedItem,
    /// `success`, `failed` or `unverified`: how its latest pact fared.
    pub verification_status: String,
    /// When its latest pact was published.
    pub latest_pact_created_at: Option<String>,
    /// `self` and `pb:latest-pact`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `GET /metrics`: counts by group and measure (`{"pacticipants": {"count": 3}}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Group → measure → count.
    #[serde(flatten)]
    pub counts: IndexMap<String, IndexMap<String, i64>>,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `GET /labels`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelList {
    /// The labels in use, each linking to the applications carrying it.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedLabels,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of [`LabelList`] and of an application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedLabels {
    /// The labels.
    pub labels: Vec<NamedItem>,
}

/// `GET /pacts/provider/{p}/provider-states`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderStates {
    /// Each state once.
    pub provider_states: Vec<ProviderStateUse>,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// One state of [`ProviderStates`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderStateUse {
    /// The state.
    pub name: String,
    /// The consumers needing it.
    pub consumers: Vec<String>,
    /// The distinct parameter sets they pass.
    pub params: Vec<Map<String, Value>>,
}

/// `GET /pacts/provider/{p}/field-usage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldUsage {
    /// The provider.
    pub provider: String,
    /// The consumer pacts read: name, version and `pb:pact`.
    pub consumers: Vec<UsageSource>,
    /// Each field, with who uses it.
    pub fields: Vec<FieldUse>,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// A consumer pact read for [`FieldUsage`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageSource {
    /// The consumer.
    pub name: String,
    /// Its version.
    pub version: String,
    /// `pb:pact`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// One field of [`FieldUsage`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldUse {
    /// `GET /orders/{id}`, or the message's description.
    pub endpoint: String,
    /// `request body`, `response header`, ...
    pub part: String,
    /// The field's path (`$.items[*].price`).
    pub path: String,
    /// The consumers reading or writing it.
    pub consumers: Vec<String>,
}
