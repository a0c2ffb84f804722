//! Webhooks, test runs and deliveries.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::hal::Links;
use super::provider_contracts::Name;

/// A webhook, its request's credentials redacted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// Its id.
    pub uuid: String,
    /// What it is for.
    pub description: Option<String>,
    /// The consumers it fires for: one by name, those with a label, or any (null).
    pub consumer: Option<Scope>,
    /// The providers it fires for.
    pub provider: Option<Scope>,
    /// The events it fires on.
    pub events: Vec<Name>,
    /// Whether it fires.
    pub enabled: bool,
    /// The request it sends, with `${pactbroker.*}` placeholders.
    pub request: WebhookRequest,
    /// When it was created.
    pub created_at: String,
    /// `self`, `pb:execute`, `pb:deliveries`, `pb:webhooks`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// One side of a webhook's scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scope {
    /// One application.
    Named {
        /// Its name.
        name: String,
    },
    /// Every application carrying a label.
    Labelled {
        /// The label.
        label: String,
    },
}

/// The HTTP request of a webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookRequest {
    /// The method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Header name to value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    /// The body: any JSON value, or text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Basic-auth user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Basic-auth password (redacted when answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// `GET /webhooks` and the scoped lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookList {
    /// The webhooks.
    #[serde(rename = "_embedded")]
    pub embedded: EmbeddedWebhooks,
    /// `self`, a named link to each, `pb:create`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `_embedded` of a [`WebhookList`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedWebhooks {
    /// The webhooks.
    pub webhooks: Vec<Webhook>,
}

/// The answer of running a webhook now (`POST /webhooks/{uuid}/execute`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookRun {
    /// Whether the target answered with a success.
    pub success: bool,
    /// What was sent and answered.
    pub logs: String,
    /// The request sent, redacted.
    pub request: Value,
}

/// `GET /webhooks/{uuid}/deliveries`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliveryList {
    /// Newest first.
    pub deliveries: Vec<Delivery>,
    /// `self`.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// One delivery of a webhook for an event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Its id.
    pub uuid: String,
    /// The webhook's id.
    pub webhook_uuid: String,
    /// The event.
    pub event: String,
    /// `pending`, `success` or `failure`.
    pub status: String,
    /// How many attempts were made.
    pub attempts: i64,
    /// When it was queued.
    pub created_at: String,
    /// The request, redacted.
    pub request: Value,
    /// Each attempt.
    pub executions: Vec<Execution>,
}

/// One attempt of a [`Delivery`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    /// Its number.
    pub attempt: i64,
    /// Whether the target answered with a success.
    pub success: bool,
    /// What was sent and answered, as this reader may see it.
    pub logs: String,
}
