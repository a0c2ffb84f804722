//! Webhooks: create (global or scoped), read with credentials redacted, update, delete,
//! test-execute, and delivery logs. The handlers parse, call `domain::webhooks` and render the
//! wire model.

use std::sync::Arc;

use accord_broker_client::wire::{
    self, DeliveryList, EmbeddedWebhooks, Execution, Links, Name, Scope, WebhookList, WebhookRequest,
    WebhookRun,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::body::Keyed;
use crate::AppState;
use crate::domain::webhooks::{self, Draft, DraftRequest, Webhook};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};

fn redact(request: &Value) -> Value {
    crate::webhooks::redact::request(request)
}

/// One side of a webhook's scope: a name, a label, or any.
fn scope(name: Option<&str>, label: Option<&str>) -> Option<Scope> {
    match (name, label) {
        (Some(name), _) => Some(Scope::Named {
            name: name.to_owned(),
        }),
        (None, Some(label)) => Some(Scope::Labelled {
            label: label.to_owned(),
        }),
        (None, None) => None,
    }
}

fn webhook_wire(base: &Base, hook: &Webhook) -> wire::Webhook {
    let path = format!("/webhooks/{}", hook.uuid);
    wire::Webhook {
        uuid: hook.uuid.clone(),
        description: hook.description.clone(),
        consumer: scope(hook.consumer.as_deref(), hook.consumer_label.as_deref()),
        provider: scope(hook.provider.as_deref(), hook.provider_label.as_deref()),
        events: hook.events.iter().map(|e| Name { name: e.clone() }).collect(),
        enabled: hook.enabled,
        request: serde_json::from_value::<WebhookRequest>(redact(&hook.request)).unwrap_or_default(),
        created_at: hook.created_at.clone(),
        links: Links::new()
            .with(
                "self",
                base.named(
                    &path,
                    "Webhook",
                    hook.description.as_deref().unwrap_or(&hook.uuid),
                ),
            )
            .with("pb:execute", base.link(&format!("{path}/execute")))
            .with("pb:deliveries", base.link(&format!("{path}/deliveries")))
            .with("pb:webhooks", base.link("/webhooks")),
    }
}

/// The body of the webhook creation and update requests, and of `POST /webhooks/execute`.
#[derive(Debug, Deserialize)]
pub(crate) struct WebhookBody {
    description: Option<String>,
    consumer: Option<ScopeBody>,
    provider: Option<ScopeBody>,
    events: Option<Vec<EventRef>>,
    #[serde(default)]
    request: RequestBody,
    enabled: Option<bool>,
}

/// Which applications a webhook is for: one by name, or every one with a label.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ScopeBody {
    name: Option<String>,
    label: Option<String>,
}

/// An event subscribed to: `{"name": "contract_published"}` or `"contract_published"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum EventRef {
    Named { name: String },
    Plain(String),
}

/// The HTTP request a webhook sends, with `${pactbroker.*}` placeholders.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RequestBody {
    method: Option<String>,
    url: Option<String>,
    headers: Option<Map<String, Value>>,
    body: Option<Value>,
    username: Option<String>,
    password: Option<String>,
}

/// Reads a webhook body into a checked webhook; field errors are a 400 keyed by field.
async fn parse(
    state: &AppState,
    uuid: String,
    body: WebhookBody,
    consumer: Option<String>,
    provider: Option<String>,
) -> ApiResult<Webhook> {
    let side = |s: Option<ScopeBody>| s.map(|s| (s.name, s.label)).unwrap_or_default();
    let draft = Draft {
        description: body.description,
        consumer,
        provider,
        consumer_scope: side(body.consumer),
        provider_scope: side(body.provider),
        events: body.events.map(|list| {
            list.into_iter()
                .map(|e| match e {
                    EventRef::Named { name } | EventRef::Plain(name) => name,
                })
                .collect()
        }),
        request: DraftRequest {
            method: body.request.method,
            url: body.request.url,
            headers: body.request.headers,
            body: body.request.body,
            username: body.request.username,
            password: body.request.password,
        },
        enabled: body.enabled,
    };
    webhooks::check(&state.db, &state.config.webhooks, uuid, draft)
        .await?
        .map_err(ApiError::InvalidFields)
}

async fn create_scoped(
    state: Arc<AppState>,
    base: Base,
    body: WebhookBody,
    consumer: Option<String>,
    provider: Option<String>,
) -> ApiResult<Hal<wire::Webhook>> {
    webhooks::require_names(&state.db, &[consumer.as_deref(), provider.as_deref()]).await?;
    let uuid = uuid::Uuid::new_v4().simple().to_string();
    let hook = parse(&state, uuid, body, consumer, provider).await?;
    let (saved, _) = webhooks::save(&state.db, &hook).await?;
    Ok(Hal(StatusCode::CREATED, webhook_wire(&base, &saved)))
}

/// `POST /webhooks`.
pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    base: Base,
    Keyed(body): Keyed<WebhookBody>,
) -> ApiResult<Hal<wire::Webhook>> {
    create_scoped(state, base, body, None, None).await
}

/// `POST /webhooks/provider/{p}/consumer/{c}`.
pub(crate) async fn create_for_pair(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
    Keyed(body): Keyed<WebhookBody>,
) -> ApiResult<Hal<wire::Webhook>> {
    create_scoped(state, base, body, Some(consumer), Some(provider)).await
}

/// `POST /webhooks/provider/{p}`.
pub(crate) async fn create_for_provider(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    Keyed(body): Keyed<WebhookBody>,
) -> ApiResult<Hal<wire::Webhook>> {
    create_scoped(state, base, body, None, Some(provider)).await
}

/// `POST /webhooks/consumer/{c}`.
pub(crate) async fn create_for_consumer(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(consumer): Path<String>,
    Keyed(body): Keyed<WebhookBody>,
) -> ApiResult<Hal<wire::Webhook>> {
    create_scoped(state, base, body, Some(consumer), None).await
}

fn list_wire(base: &Base, self_path: &str, hooks: &[Webhook]) -> WebhookList {
    let named = hooks
        .iter()
        .map(|h| {
            base.named(
                &format!("/webhooks/{}", h.uuid),
                "Webhook",
                h.description.as_deref().unwrap_or(&h.uuid),
            )
        })
        .collect();
    WebhookList {
        embedded: EmbeddedWebhooks {
            webhooks: hooks.iter().map(|h| webhook_wire(base, h)).collect(),
        },
        links: base
            .this(self_path)
            .with_all("pb:webhooks", named)
            .with("pb:create", base.link(self_path)),
    }
}

/// `GET /webhooks`: every webhook.
pub(crate) async fn list(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Hal<WebhookList>> {
    let hooks = webhooks::all(&state.db).await?;
    Ok(Hal::ok(list_wire(&base, "/webhooks", &hooks)))
}

/// `GET /webhooks/provider/{p}/consumer/{c}`.
pub(crate) async fn list_for_pair(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<Hal<WebhookList>> {
    let path = format!(
        "/webhooks/provider/{}/consumer/{}",
        enc(&provider),
        enc(&consumer)
    );
    let hooks = webhooks::scoped(&state.db, Some(&consumer), Some(&provider)).await?;
    Ok(Hal::ok(list_wire(&base, &path, &hooks)))
}

/// `GET /webhooks/provider/{p}`.
pub(crate) async fn list_for_provider(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
) -> ApiResult<Hal<WebhookList>> {
    let path = format!("/webhooks/provider/{}", enc(&provider));
    let hooks = webhooks::scoped(&state.db, None, Some(&provider)).await?;
    Ok(Hal::ok(list_wire(&base, &path, &hooks)))
}

/// `GET /webhooks/consumer/{c}`.
pub(crate) async fn list_for_consumer(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(consumer): Path<String>,
) -> ApiResult<Hal<WebhookList>> {
    let path = format!("/webhooks/consumer/{}", enc(&consumer));
    let hooks = webhooks::scoped(&state.db, Some(&consumer), None).await?;
    Ok(Hal::ok(list_wire(&base, &path, &hooks)))
}

/// `GET /pacts/provider/{p}/consumer/{c}/webhooks`: every webhook that fires for the pair,
/// whether scoped to it, to one side, to a label either side carries, or global.
pub(crate) async fn list_for_pact(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<Hal<WebhookList>> {
    let hooks = webhooks::firing_for(&state.db, &consumer, &provider).await?;
    let path = format!(
        "/pacts/provider/{}/consumer/{}/webhooks",
        enc(&provider),
        enc(&consumer)
    );
    Ok(Hal::ok(list_wire(&base, &path, &hooks)))
}

/// `GET /webhooks/{uuid}`.
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
) -> ApiResult<Hal<wire::Webhook>> {
    let hook = webhooks::find(&state.db, &uuid).await?;
    Ok(Hal::ok(webhook_wire(&base, &hook)))
}

/// `PUT /webhooks/{uuid}`: creates (201) or replaces (200) the webhook with that uuid.
pub(crate) async fn put(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
    Keyed(body): Keyed<WebhookBody>,
) -> ApiResult<Hal<wire::Webhook>> {
    webhooks::check_uuid(&uuid)?;
    let hook = parse(&state, uuid, body, None, None).await?;
    let (saved, created) = webhooks::save(&state.db, &hook).await?;
    Ok(Hal::created_if(created, webhook_wire(&base, &saved)))
}

/// `DELETE /webhooks/{uuid}`.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path(uuid): Path<String>,
) -> ApiResult<StatusCode> {
    webhooks::delete(&state.db, &uuid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /webhooks/{uuid}/execute`: sends the webhook now with the latest matching pact.
pub(crate) async fn execute(
    State(state): State<Arc<AppState>>,
    Path(uuid): Path<String>,
) -> ApiResult<Hal<WebhookRun>> {
    let hook = webhooks::find(&state.db, &uuid).await?;
    run_test(&state, &hook).await
}

/// Sends a webhook once, now, with the latest pact of its pair when it has one.
async fn run_test(state: &AppState, hook: &Webhook) -> ApiResult<Hal<WebhookRun>> {
    let base = Base::for_webhooks(&state.config);
    let request = webhooks::test_request(&state.db, &base, hook).await?;
    let (success, logs) = crate::webhooks::execute(&request, &state.config.webhooks).await;
    Ok(Hal::ok(WebhookRun {
        success,
        logs,
        request: redact(&request),
    }))
}

/// `POST /webhooks/execute`: sends a webhook described in the body, without saving it, with
/// the latest pact it would apply to (or example values).
pub(crate) async fn execute_unsaved(
    State(state): State<Arc<AppState>>,
    Keyed(body): Keyed<WebhookBody>,
) -> ApiResult<Hal<WebhookRun>> {
    let hook = parse(&state, "unsaved".to_owned(), body, None, None).await?;
    run_test(&state, &hook).await
}

/// `GET /webhooks/{uuid}/deliveries`: queued, retried and finished deliveries with their logs.
pub(crate) async fn deliveries(
    State(state): State<Arc<AppState>>,
    base: Base,
    viewer: crate::auth::Viewer,
    Path(uuid): Path<String>,
) -> ApiResult<Hal<DeliveryList>> {
    let list = webhooks::deliveries(&state.db, &uuid).await?;
    let deliveries = list
        .iter()
        .map(|(d, logs)| wire::Delivery {
            uuid: d.uuid.clone(),
            webhook_uuid: d.webhook_uuid.clone(),
            event: d.event.clone(),
            status: d.status.clone(),
            attempts: d.attempts,
            created_at: d.created_at.clone(),
            request: redact(&d.request),
            executions: logs
                .iter()
                .map(|(attempt, success, text)| Execution {
                    attempt: *attempt,
                    success: *success,
                    logs: crate::webhooks::shown_logs(text, &d.request, viewer.may_write),
                })
                .collect(),
        })
        .collect();
    Ok(Hal::ok(DeliveryList {
        deliveries,
        links: base.this(&format!("/webhooks/{uuid}/deliveries")),
    }))
}
