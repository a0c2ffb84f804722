//! Pacts as the broker answers them: the document with what the broker adds, and lists.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::hal::{Links, NamedItem};

/// A pact as fetched: the document as published, with `createdAt` and the links verifiers
/// follow (`pb:publish-verification-results`...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pact {
    /// The document as published.
    #[serde(flatten)]
    pub content: Map<String, Value>,
    /// When this pact content was first published.
    #[serde(rename = "createdAt")]
    pub created_at: String,
    /// Its links.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `GET /pacts/latest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatestPacts {
    /// The latest pact of every integration.
    pub pacts: Vec<LatestPact>,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// One pact of [`LatestPacts`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatestPact {
    /// `self`: the latest pact of the pair, and the pact of this consumer version.
    #[serde(rename = "_links", default)]
    pub links: Links,
    /// The consumer (with its version) and the provider.
    #[serde(rename = "_embedded")]
    pub embedded: LatestPactParties,
    /// When it was published.
    #[serde(rename = "createdAt")]
    pub created_at: String,
}

/// `_embedded` of a [`LatestPact`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatestPactParties {
    /// The consumer and its version.
    pub consumer: ConsumerWithVersion,
    /// The provider.
    pub provider: NamedItem,
}

/// A consumer with the version a pact is from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConsumerWithVersion {
    /// Its name.
    pub name: String,
    /// The version.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedVersionNumber,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of a [`ConsumerWithVersion`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedVersionNumber {
    /// The version.
    pub version: Number,
}

/// A version's number alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Number {
    /// The number.
    pub number: String,
}

/// What changed between two pacts of a pair (`pb:diff-previous-distinct`, `pb:diff`), by
/// meaning: interactions added, removed and changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PactDiff {
    /// Descriptions of interactions only the newer pact has.
    pub added: Vec<String>,
    /// Descriptions of interactions only the older pact has.
    pub removed: Vec<String>,
    /// Interactions both have, with what changed.
    pub changed: Vec<ChangedInteraction>,
    /// How many interactions are the same in both.
    pub unchanged: usize,
    /// The older pact.
    pub before: DiffSide,
    /// The newer pact.
    pub after: DiffSide,
    /// `pb:ui`: the page showing the diff.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// A changed interaction of a [`PactDiff`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangedInteraction {
    /// Its description (the newer one's).
    pub description: String,
    /// Every change.
    pub changes: Vec<Change>,
}

/// One change of a [`ChangedInteraction`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// `provider state`, `request`, `response`, `matching rules`...
    pub part: String,
    /// Where: `response.body $.balance`.
    pub place: String,
    /// The value before, as in the pact (absent: none).
    pub before: Option<Value>,
    /// The value after.
    pub after: Option<Value>,
}

/// One pact of a [`PactDiff`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffSide {
    /// The consumer version it was published for.
    pub consumer_version: String,
    /// Its content's hash.
    pub pact_version: String,
    /// When it was published.
    pub created_at: String,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}
