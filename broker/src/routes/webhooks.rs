//! Webhooks: create (global or scoped), read with credentials redacted, update, delete,
//! test-execute, and delivery logs.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use serde::Deserialize;

use super::body::typed_keyed;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::webhooks::{self, Webhook};
use crate::store::{labels, pacticipants, pacts};

/// The six events a webhook can subscribe to.
pub(crate) const EVENTS: &[&str] = &[
    "contract_published",
    "contract_content_changed",
    "contract_requiring_verification_published",
    "provider_verification_published",
    "provider_verification_succeeded",
    "provider_verification_failed",
];

fn redact(request: &Value) -> Value {
    crate::webhooks::redact::request(request)
}

/// `{"name": ..}` for one pacticipant, `{"label": ..}` for a label, null for any.
fn scope_json(name: Option<&str>, label: Option<&str>) -> Value {
    match (name, label) {
        (Some(name), _) => json!({"name": name}),
        (None, Some(label)) => json!({"label": label}),
        (None, None) => Value::Null,
    }
}

fn webhook_json(base: &Base, hook: &Webhook) -> Value {
    let path = format!("/webhooks/{}", hook.uuid);
    json!({
        "uuid": hook.uuid,
        "description": hook.description,
        "consumer": scope_json(hook.consumer.as_deref(), hook.consumer_label.as_deref()),
        "provider": scope_json(hook.provider.as_deref(), hook.provider_label.as_deref()),
        "events": hook.events.iter().map(|e| json!({"name": e})).collect::<Vec<_>>(),
        "enabled": hook.enabled,
        "request": redact(&hook.request),
        "createdAt": hook.created_at,
        "_links": {
            "self": base.named(&path, "Webhook", hook.description.as_deref().unwrap_or(&hook.uuid)),
            "pb:execute": base.link(&format!("{path}/execute")),
            "pb:deliveries": base.link(&format!("{path}/deliveries")),
            "pb:webhooks": base.link("/webhooks"),
        }
    })
}

/// The body of the webhook creation and update requests, and of `POST /webhooks/execute`.
#[derive(Debug, Deserialize)]
struct WebhookBody {
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
struct ScopeBody {
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
struct RequestBody {
    method: Option<String>,
    url: Option<String>,
    headers: Option<Map<String, Value>>,
    body: Option<Value>,
    username: Option<String>,
    password: Option<String>,
}

async fn parse(
    state: &AppState,
    uuid: String,
    body: &str,
    consumer: Option<String>,
    provider: Option<String>,
) -> ApiResult<Webhook> {
    let body: WebhookBody = typed_keyed(body)?;
    let mut errors: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    let mut error = |field: &str, message: String| errors.entry(field.to_owned()).or_default().push(message);
    let request = &body.request;
    let url = request.url.clone().unwrap_or_default();
    if url.is_empty() {
        error("request.url", "is required".to_owned());
    } else if let Err(reason) = state.config.webhooks.check_url(&url) {
        error("request.url", reason.to_string());
    }
    for (name, value) in request.headers.iter().flatten() {
        let value_ok = value
            .as_str()
            .map_or(!value.is_object() && !value.is_array(), |v| {
                reqwest::header::HeaderValue::from_str(v).is_ok()
            });
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() || !value_ok {
            error(
                "request.headers",
                format!(
                    "'{}' is not a header an HTTP request can carry",
                    name.escape_debug()
                ),
            );
        }
    }
    let method = request.method.as_deref().unwrap_or("POST").to_ascii_uppercase();
    if let Err(reason) = state.config.webhooks.check_method(&method) {
        error("request.method", reason.to_string());
    }
    let events: Vec<String> = match &body.events {
        Some(list) => list
            .iter()
            .map(|e| match e {
                EventRef::Named { name } | EventRef::Plain(name) => name.clone(),
            })
            .collect(),
        None => vec!["contract_content_changed".to_owned()],
    };
    for event in &events {
        if !EVENTS.contains(&event.as_str()) {
            error("events", format!("unknown event '{event}'"));
        }
    }
    let no_scope = ScopeBody::default();
    let consumer_scope = body.consumer.as_ref().unwrap_or(&no_scope);
    let provider_scope = body.provider.as_ref().unwrap_or(&no_scope);
    let consumer = consumer.or_else(|| consumer_scope.name.clone());
    let provider = provider.or_else(|| provider_scope.name.clone());
    let label = |scope: &ScopeBody, name: &Option<String>| -> Option<String> {
        let label = scope.label.as_deref().map(str::trim).filter(|l| !l.is_empty())?;
        name.is_none().then(|| label.to_owned())
    };
    let consumer_label = label(consumer_scope, &consumer);
    let provider_label = label(provider_scope, &provider);
    for (side, scope) in [("consumer", consumer_scope), ("provider", provider_scope)] {
        if scope.name.is_some() && scope.label.is_some() {
            error(side, "give either a name or a label, not both".to_owned());
        }
    }
    let mut conn = state.db.pool.acquire().await?;
    for (field, name) in [("consumer.name", &consumer), ("provider.name", &provider)] {
        if let Some(name) = name
            && pacticipants::find(&mut conn, name).await?.is_none()
        {
            error(field, format!("no pacticipant named '{name}'"));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    let mut stored = Map::new();
    stored.insert("method".into(), json!(method));
    stored.insert("url".into(), json!(url));
    if let Some(headers) = &request.headers {
        stored.insert("headers".into(), Value::Object(headers.clone()));
    }
    if let Some(body) = &request.body {
        stored.insert("body".into(), body.clone());
    }
    if let Some(username) = &request.username {
        stored.insert("username".into(), json!(username));
    }
    if let Some(password) = &request.password {
        stored.insert("password".into(), json!(password));
    }
    Ok(Webhook {
        uuid,
        description: body.description.clone(),
        consumer,
        provider,
        consumer_label,
        provider_label,
        events,
        request: Value::Object(stored),
        enabled: body.enabled.unwrap_or(true),
        created_at: String::new(),
    })
}

/// 404 unless every given application exists.
async fn require_names(state: &AppState, names: &[Option<&str>]) -> ApiResult<()> {
    let mut conn = state.db.pool.acquire().await?;
    for name in names.iter().flatten() {
        if pacticipants::find(&mut conn, name).await?.is_none() {
            return Err(ApiError::NotFound(format!("pacticipant '{name}'")));
        }
    }
    Ok(())
}

async fn create_scoped(
    state: Arc<AppState>,
    base: Base,
    body: String,
    consumer: Option<String>,
    provider: Option<String>,
) -> ApiResult<Hal> {
    require_names(&state, &[consumer.as_deref(), provider.as_deref()]).await?;
    let hook = parse(
        &state,
        uuid::Uuid::new_v4().simple().to_string(),
        &body,
        consumer,
        provider,
    )
    .await?;
    let mut w = state.db.write().await?;
    webhooks::save(&mut w.tx, &hook).await?;
    let saved = webhooks::find(&mut w.tx, &hook.uuid)
        .await?
        .ok_or_else(|| ApiError::inconsistent("the webhook just saved (webhooks::find) is missing"))?;
    w.tx.commit().await?;
    Ok(Hal(StatusCode::CREATED, webhook_json(&base, &saved)))
}

pub(crate) async fn create(State(state): State<Arc<AppState>>, base: Base, body: String) -> ApiResult<Hal> {
    create_scoped(state, base, body, None, None).await
}

pub(crate) async fn create_for_pair(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
    body: String,
) -> ApiResult<Hal> {
    create_scoped(state, base, body, Some(consumer), Some(provider)).await
}

pub(crate) async fn create_for_provider(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    create_scoped(state, base, body, None, Some(provider)).await
}

pub(crate) async fn create_for_consumer(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(consumer): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    create_scoped(state, base, body, Some(consumer), None).await
}

fn list_json(base: &Base, self_path: &str, hooks: &[Webhook]) -> Value {
    let links: Vec<Value> = hooks
        .iter()
        .map(|h| {
            base.named(
                &format!("/webhooks/{}", h.uuid),
                "Webhook",
                h.description.as_deref().unwrap_or(&h.uuid),
            )
        })
        .collect();
    json!({
        "_embedded": {"webhooks": hooks.iter().map(|h| webhook_json(base, h)).collect::<Vec<_>>()},
        "_links": {"self": base.link(self_path), "pb:webhooks": links, "pb:create": base.link(self_path)}
    })
}

/// `GET /webhooks`: every webhook.
pub(crate) async fn list(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let hooks = webhooks::list(&mut conn).await?;
    Ok(Hal::ok(list_json(&base, "/webhooks", &hooks)))
}

/// The webhooks stored with exactly this scope.
async fn list_scoped(
    state: &AppState,
    base: &Base,
    self_path: &str,
    consumer: Option<&str>,
    provider: Option<&str>,
) -> ApiResult<Hal> {
    require_names(state, &[consumer, provider]).await?;
    let mut conn = state.db.pool.acquire().await?;
    let hooks: Vec<Webhook> = webhooks::list(&mut conn)
        .await?
        .into_iter()
        .filter(|h| h.consumer.as_deref() == consumer && h.provider.as_deref() == provider)
        .collect();
    Ok(Hal::ok(list_json(base, self_path, &hooks)))
}

/// `GET /webhooks/provider/{p}/consumer/{c}`.
pub(crate) async fn list_for_pair(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<Hal> {
    let path = format!(
        "/webhooks/provider/{}/consumer/{}",
        enc(&provider),
        enc(&consumer)
    );
    list_scoped(&state, &base, &path, Some(&consumer), Some(&provider)).await
}

/// `GET /webhooks/provider/{p}`.
pub(crate) async fn list_for_provider(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
) -> ApiResult<Hal> {
    let path = format!("/webhooks/provider/{}", enc(&provider));
    list_scoped(&state, &base, &path, None, Some(&provider)).await
}

/// `GET /webhooks/consumer/{c}`.
pub(crate) async fn list_for_consumer(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(consumer): Path<String>,
) -> ApiResult<Hal> {
    let path = format!("/webhooks/consumer/{}", enc(&consumer));
    list_scoped(&state, &base, &path, Some(&consumer), None).await
}

/// `GET /pacts/provider/{p}/consumer/{c}/webhooks`: every webhook that fires for the pair,
/// whether scoped to it, to one side, to a label either side carries, or global.
pub(crate) async fn list_for_pact(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<Hal> {
    require_names(&state, &[Some(&consumer), Some(&provider)]).await?;
    let mut conn = state.db.pool.acquire().await?;
    let pair = webhooks::PairScope::load(&mut conn, &consumer, &provider).await?;
    let hooks: Vec<Webhook> = webhooks::list(&mut conn)
        .await?
        .into_iter()
        .filter(|h| h.applies_to(&pair))
        .collect();
    let path = format!(
        "/pacts/provider/{}/consumer/{}/webhooks",
        enc(&provider),
        enc(&consumer)
    );
    Ok(Hal::ok(list_json(&base, &path, &hooks)))
}

pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let hook = webhooks::find(&mut conn, &uuid)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("webhook '{uuid}'")))?;
    Ok(Hal::ok(webhook_json(&base, &hook)))
}

pub(crate) async fn put(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    if uuid.len() < 16
        || !uuid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::bad(
            "the webhook uuid must be at least 16 letters, digits, '-' or '_'",
        ));
    }
    let hook = parse(&state, uuid.clone(), &body, None, None).await?;
    let mut w = state.db.write().await?;
    let created = webhooks::save(&mut w.tx, &hook).await?;
    let saved = webhooks::find(&mut w.tx, &uuid)
        .await?
        .ok_or_else(|| ApiError::inconsistent("the webhook just saved (webhooks::find) is missing"))?;
    w.tx.commit().await?;
    Ok(Hal(
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        webhook_json(&base, &saved),
    ))
}

pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path(uuid): Path<String>,
) -> ApiResult<StatusCode> {
    let mut w = state.db.write().await?;
    if !webhooks::delete(&mut w.tx, &uuid).await? {
        return Err(ApiError::NotFound(format!("webhook '{uuid}'")));
    }
    w.tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a verification's outcome to template values.
pub(crate) fn with_verification(
    mut vars: Map<String, Value>,
    provider_version: &str,
    branch: Option<&str>,
    success: bool,
    url: &str,
) -> Map<String, Value> {
    vars.insert("providerVersionNumber".into(), provider_version.into());
    vars.insert("providerVersionBranch".into(), branch.unwrap_or_default().into());
    vars.insert("verificationResultUrl".into(), url.into());
    let (github, bitbucket, azure, gitlab) = if success {
        ("success", "SUCCESSFUL", "succeeded", "success")
    } else {
        ("failure", "FAILED", "failed", "failed")
    };
    vars.insert("githubVerificationStatus".into(), github.into());
    vars.insert("bitbucketVerificationStatus".into(), bitbucket.into());
    vars.insert("azureDevOpsVerificationStatus".into(), azure.into());
    vars.insert("gitlabVerificationStatus".into(), gitlab.into());
    vars
}

/// `POST /webhooks/{uuid}/execute`: sends the webhook now with the latest matching pact.
pub(crate) async fn execute(State(state): State<Arc<AppState>>, Path(uuid): Path<String>) -> ApiResult<Hal> {
    let hook = {
        let mut conn = state.db.pool.acquire().await?;
        webhooks::find(&mut conn, &uuid)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("webhook '{uuid}'")))?
    };
    run_test(&state, &hook).await
}

/// Sends a webhook once, now, with the latest pact of its pair when it has one.
async fn run_test(state: &AppState, hook: &Webhook) -> ApiResult<Hal> {
    let base = &Base::for_webhooks(&state.config);
    let mut conn = state.db.pool.acquire().await?;
    let mut vars = crate::domain::events::pact_vars(
        base,
        "example-consumer",
        "example-provider",
        "1",
        None,
        &[],
        "0",
        None,
    );
    if let (Some(c), Some(p)) = (&hook.consumer, &hook.provider)
        && let (Some(cp), Some(pp)) = (
            pacticipants::find(&mut conn, c).await?,
            pacticipants::find(&mut conn, p).await?,
        )
        && let Some(row) = pacts::latest(&mut conn, cp.id, pp.id, None).await?
    {
        vars = crate::domain::events::pact_vars(base, c, p, &row.consumer_version, None, &[], &row.sha, None);
    }
    vars.insert("eventName".into(), "test".into());
    for (key, name) in [
        ("consumerLabels", &hook.consumer),
        ("providerLabels", &hook.provider),
    ] {
        if let Some(name) = name {
            vars.insert(
                key.into(),
                labels::of_name(&mut conn, name).await?.join(",").into(),
            );
        }
    }
    drop(conn);
    let request = webhooks::rendered_request(hook, &vars);
    let (success, logs) = crate::webhooks::execute(&request, &state.config.webhooks).await;
    Ok(Hal::ok(
        json!({"success": success, "logs": logs, "request": redact(&request)}),
    ))
}

/// `POST /webhooks/execute`: sends a webhook described in the body, without saving it, with
/// the latest pact it would apply to (or example values).
pub(crate) async fn execute_unsaved(State(state): State<Arc<AppState>>, body: String) -> ApiResult<Hal> {
    let hook = parse(&state, "unsaved".to_owned(), &body, None, None).await?;
    run_test(&state, &hook).await
}

/// `GET /webhooks/{uuid}/deliveries`: queued, retried and finished deliveries with their logs.
pub(crate) async fn deliveries(
    State(state): State<Arc<AppState>>,
    base: Base,
    viewer: crate::auth::Viewer,
    Path(uuid): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let list = webhooks::deliveries(&mut conn, &uuid).await?;
    let items: Vec<Value> = list
        .iter()
        .map(|(d, logs)| {
            json!({
                "uuid": d.uuid,
                "webhookUuid": d.webhook_uuid,
                "event": d.event,
                "status": d.status,
                "attempts": d.attempts,
                "createdAt": d.created_at,
                "request": redact(&d.request),
                "executions": logs.iter().map(|(attempt, success, text)| {
                    let shown = crate::webhooks::shown_logs(text, &d.request, viewer.may_write);
                    json!({"attempt": attempt, "success": success, "logs": shown})
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Hal::ok(
        json!({"deliveries": items, "_links": {"self": base.link(&format!("/webhooks/{uuid}/deliveries"))}}),
    ))
}
