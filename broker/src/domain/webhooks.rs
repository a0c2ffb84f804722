//! Webhooks: which ones an event fires (scope by name or label on either side), the request
//! each sends with its placeholders filled, checking a webhook before it is saved, and reading
//! them and their deliveries.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::config::WebhookPolicy;
use crate::db::Db;
use crate::domain::events::{EVENTS, EventVars, PactRef};
use crate::domain::{BaseUrl, DomainError, DomainResult};
pub(crate) use crate::store::webhooks::{Delivery, Webhook};
use crate::store::{Conn, labels, pacticipants, pacts, webhooks};

/// A consumer/provider pair as webhook scopes see it: names and labels.
pub(crate) struct PairScope {
    consumer: String,
    provider: String,
    consumer_labels: Vec<String>,
    provider_labels: Vec<String>,
}

impl PairScope {
    /// Looks up the labels of both sides.
    pub(crate) async fn load(conn: &mut Conn, consumer: &str, provider: &str) -> DomainResult<PairScope> {
        Ok(PairScope {
            consumer: consumer.to_owned(),
            provider: provider.to_owned(),
            consumer_labels: labels::of_name(conn, consumer).await?,
            provider_labels: labels::of_name(conn, provider).await?,
        })
    }
}

/// Whether the webhook's scope (any, a name or a label on each side) covers the pair.
pub(crate) fn applies_to(hook: &Webhook, pair: &PairScope) -> bool {
    hook.consumer.as_deref().is_none_or(|c| c == pair.consumer)
        && hook.provider.as_deref().is_none_or(|p| p == pair.provider)
        && hook
            .consumer_label
            .as_ref()
            .is_none_or(|l| pair.consumer_labels.contains(l))
        && hook
            .provider_label
            .as_ref()
            .is_none_or(|l| pair.provider_labels.contains(l))
}

/// Whether any enabled webhook of `hooks` listens for `event`.
pub(crate) fn subscribed(hooks: &[Webhook], event: &str) -> bool {
    hooks
        .iter()
        .any(|h| h.enabled && h.events.iter().any(|e| e == event))
}

/// Queues a delivery of every enabled webhook of `hooks` that subscribes to `event` and covers
/// the pair `vars` names, in the caller's transaction; how many were queued.
pub(crate) async fn queue(
    conn: &mut Conn,
    hooks: &[Webhook],
    event: &str,
    vars: &EventVars,
) -> DomainResult<usize> {
    let listening: Vec<&Webhook> = hooks
        .iter()
        .filter(|h| h.enabled && h.events.iter().any(|e| e == event))
        .collect();
    if listening.is_empty() {
        return Ok(0);
    }
    let pair = PairScope::load(conn, &vars.consumer_name, &vars.provider_name).await?;
    let mut vars = vars.clone();
    vars.event_name = Some(event.to_owned());
    vars.consumer_labels = pair.consumer_labels.join(",");
    vars.provider_labels = pair.provider_labels.join(",");
    let mut queued = 0;
    for hook in listening.into_iter().filter(|h| applies_to(h, &pair)) {
        let request = rendered_request(hook, &vars);
        webhooks::insert_delivery(conn, &hook.uuid, event, &request.to_string()).await?;
        queued += 1;
    }
    Ok(queued)
}

/// [`queue`] reading the webhooks first.
pub(crate) async fn queue_all(conn: &mut Conn, event: &str, vars: &EventVars) -> DomainResult<usize> {
    let hooks = webhooks::list(conn).await?;
    queue(conn, &hooks, event, vars).await
}

/// Replaces `${pactbroker.x}` placeholders; `encode` percent-encodes values (for URLs).
pub(crate) fn render(template: &str, vars: &EventVars, encode: bool) -> String {
    let mut out = template.to_owned();
    for (key, value) in vars.pairs() {
        let text = if encode {
            percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
        } else {
            value.to_owned()
        };
        out = out.replace(&format!("${{pactbroker.{key}}}"), &text);
    }
    out
}

fn render_value(value: &Value, vars: &EventVars) -> Value {
    match value {
        Value::String(s) => Value::String(render(s, vars, false)),
        Value::Array(items) => Value::Array(items.iter().map(|i| render_value(i, vars)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), render_value(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The request a webhook sends for an event, with placeholders filled.
pub(crate) fn rendered_request(hook: &Webhook, vars: &EventVars) -> Value {
    let request = &hook.request;
    let url = request["url"].as_str().unwrap_or_default();
    // URLs: encode values in the path and query, never in the scheme and host.
    let (head, tail) = match url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(split) => (&url[..split], &url[split..]),
        None => (url, ""),
    };
    let mut out = Map::new();
    out.insert(
        "method".into(),
        request["method"].as_str().unwrap_or("POST").into(),
    );
    out.insert("url".into(), format!("{head}{}", render(tail, vars, true)).into());
    out.insert("headers".into(), render_value(&request["headers"], vars));
    out.insert("body".into(), render_value(&request["body"], vars));
    out.insert("username".into(), request["username"].clone());
    out.insert("password".into(), request["password"].clone());
    Value::Object(out)
}

/// A webhook as a request describes it, before checking.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    /// What it is for.
    pub(crate) description: Option<String>,
    /// The consumer named by the route, or in the body.
    pub(crate) consumer: Option<String>,
    /// The provider named by the route, or in the body.
    pub(crate) provider: Option<String>,
    /// The consumer scope of the body: a name and a label.
    pub(crate) consumer_scope: (Option<String>, Option<String>),
    /// The provider scope of the body: a name and a label.
    pub(crate) provider_scope: (Option<String>, Option<String>),
    /// The events; none given means `contract_content_changed`.
    pub(crate) events: Option<Vec<String>>,
    /// The request: method, URL, headers, body, credentials.
    pub(crate) request: DraftRequest,
    /// Whether it fires (default true).
    pub(crate) enabled: Option<bool>,
}

/// The request of a [`Draft`].
#[derive(Debug, Clone, Default)]
pub(crate) struct DraftRequest {
    /// `POST` when absent.
    pub(crate) method: Option<String>,
    /// Required.
    pub(crate) url: Option<String>,
    /// Header name to value.
    pub(crate) headers: Option<Map<String, Value>>,
    /// The body template.
    pub(crate) body: Option<Value>,
    /// Basic-auth user.
    pub(crate) username: Option<String>,
    /// Basic-auth password.
    pub(crate) password: Option<String>,
}

/// Why a draft cannot be saved: messages by the field at fault (`request.url`).
pub(crate) type FieldErrors = BTreeMap<String, Vec<String>>;

/// Checks a draft's request against the delivery policy (URL, method, headers an HTTP request
/// can carry); the URL and the method (upper case, `POST` by default).
fn check_request(
    policy: &WebhookPolicy,
    request: &DraftRequest,
    errors: &mut FieldErrors,
) -> (String, String) {
    let mut error = |field: &str, message: String| errors.entry(field.to_owned()).or_default().push(message);
    let url = request.url.clone().unwrap_or_default();
    if url.is_empty() {
        error("request.url", "is required".to_owned());
    } else if let Err(reason) = policy.check_url(&url) {
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
    if let Err(reason) = policy.check_method(&method) {
        error("request.method", reason.to_string());
    }
    (url, method)
}

/// Checks a draft against the delivery policy and the applications it names.
pub(crate) async fn check(
    db: &Db,
    policy: &WebhookPolicy,
    uuid: String,
    draft: Draft,
) -> DomainResult<Result<Webhook, FieldErrors>> {
    let mut errors = FieldErrors::new();
    let (url, method) = check_request(policy, &draft.request, &mut errors);
    let mut error = |field: &str, message: String| errors.entry(field.to_owned()).or_default().push(message);
    let events = draft
        .events
        .clone()
        .unwrap_or_else(|| vec!["contract_content_changed".to_owned()]);
    for event in &events {
        if !EVENTS.contains(&event.as_str()) {
            error("events", format!("unknown event '{event}'"));
        }
    }
    let consumer = draft.consumer.clone().or_else(|| draft.consumer_scope.0.clone());
    let provider = draft.provider.clone().or_else(|| draft.provider_scope.0.clone());
    let label = |scope: &(Option<String>, Option<String>), name: &Option<String>| -> Option<String> {
        let label = scope.1.as_deref().map(str::trim).filter(|l| !l.is_empty())?;
        name.is_none().then(|| label.to_owned())
    };
    let consumer_label = label(&draft.consumer_scope, &consumer);
    let provider_label = label(&draft.provider_scope, &provider);
    for (side, scope) in [
        ("consumer", &draft.consumer_scope),
        ("provider", &draft.provider_scope),
    ] {
        if scope.0.is_some() && scope.1.is_some() {
            error(side, "give either a name or a label, not both".to_owned());
        }
    }
    let mut conn = db.pool().acquire().await?;
    for (field, name) in [("consumer.name", &consumer), ("provider.name", &provider)] {
        if let Some(name) = name
            && pacticipants::find(&mut conn, name).await?.is_none()
        {
            error(field, format!("no pacticipant named '{name}'"));
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut stored = Map::new();
    stored.insert("method".into(), method.into());
    stored.insert("url".into(), url.into());
    let request = draft.request;
    if let Some(headers) = request.headers {
        stored.insert("headers".into(), Value::Object(headers));
    }
    if let Some(body) = request.body {
        stored.insert("body".into(), body);
    }
    if let Some(username) = request.username {
        stored.insert("username".into(), username.into());
    }
    if let Some(password) = request.password {
        stored.insert("password".into(), password.into());
    }
    Ok(Ok(Webhook {
        uuid,
        description: draft.description,
        consumer,
        provider,
        consumer_label,
        provider_label,
        events,
        request: Value::Object(stored),
        enabled: draft.enabled.unwrap_or(true),
        created_at: String::new(),
    }))
}

/// Not found unless every given application exists.
pub(crate) async fn require_names(db: &Db, names: &[Option<&str>]) -> DomainResult<()> {
    let mut conn = db.pool().acquire().await?;
    for name in names.iter().flatten() {
        if pacticipants::find(&mut conn, name).await?.is_none() {
            return Err(DomainError::NotFound(format!("pacticipant '{name}'")));
        }
    }
    Ok(())
}

/// A uuid a client chose for a webhook is long enough and plain.
pub(crate) fn check_uuid(uuid: &str) -> DomainResult<()> {
    if uuid.len() < 16
        || !uuid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(DomainError::invalid(
            "the webhook uuid must be at least 16 letters, digits, '-' or '_'",
        ));
    }
    Ok(())
}

/// Saves a checked webhook; `true` when it is new.
pub(crate) async fn save(db: &Db, hook: &Webhook) -> DomainResult<(Webhook, bool)> {
    let mut w = db.write().await?;
    let created = webhooks::save(&mut w.tx, hook).await?;
    let saved = webhooks::find(&mut w.tx, &hook.uuid)
        .await?
        .ok_or_else(|| DomainError::Inconsistent("the webhook just saved is missing".to_owned()))?;
    w.tx.commit().await?;
    Ok((saved, created))
}

/// Every webhook.
pub(crate) async fn all(db: &Db) -> DomainResult<Vec<Webhook>> {
    let mut conn = db.pool().acquire().await?;
    Ok(webhooks::list(&mut conn).await?)
}

/// The webhooks stored with exactly this scope (after checking both names exist).
pub(crate) async fn scoped(
    db: &Db,
    consumer: Option<&str>,
    provider: Option<&str>,
) -> DomainResult<Vec<Webhook>> {
    require_names(db, &[consumer, provider]).await?;
    Ok(all(db)
        .await?
        .into_iter()
        .filter(|h| h.consumer.as_deref() == consumer && h.provider.as_deref() == provider)
        .collect())
}

/// Every webhook that fires for the pair: scoped to it, to one side, to a label either side
/// carries, or global.
pub(crate) async fn firing_for(db: &Db, consumer: &str, provider: &str) -> DomainResult<Vec<Webhook>> {
    require_names(db, &[Some(consumer), Some(provider)]).await?;
    let mut conn = db.pool().acquire().await?;
    let pair = PairScope::load(&mut conn, consumer, provider).await?;
    Ok(webhooks::list(&mut conn)
        .await?
        .into_iter()
        .filter(|h| applies_to(h, &pair))
        .collect())
}

/// The webhooks that can fire for the application `name`, on either side of a pair: scoped to
/// it by name or by a label it carries, or to nobody in particular (global), each with how it
/// covers the application. Not found when there is no such application.
pub(crate) async fn for_application(db: &Db, name: &str) -> DomainResult<Vec<(Webhook, &'static str)>> {
    require_names(db, &[Some(name)]).await?;
    let mut conn = db.pool().acquire().await?;
    let carried = labels::of_name(&mut conn, name).await?;
    let mine = |hook_name: &Option<String>, hook_label: &Option<String>| {
        hook_name.as_deref() == Some(name) || hook_label.as_ref().is_some_and(|l| carried.contains(l))
    };
    Ok(webhooks::list(&mut conn)
        .await?
        .into_iter()
        .filter_map(|hook| {
            let global = hook.consumer.is_none()
                && hook.provider.is_none()
                && hook.consumer_label.is_none()
                && hook.provider_label.is_none();
            let how = if global {
                "every integration"
            } else if mine(&hook.consumer, &hook.consumer_label) {
                "as a consumer"
            } else if mine(&hook.provider, &hook.provider_label) {
                "as a provider"
            } else {
                return None;
            };
            Some((hook, how))
        })
        .collect())
}

/// The webhook `uuid`.
pub(crate) async fn find(db: &Db, uuid: &str) -> DomainResult<Webhook> {
    let mut conn = db.pool().acquire().await?;
    webhooks::find(&mut conn, uuid)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("webhook '{uuid}'")))
}

/// Deletes the webhook `uuid`.
pub(crate) async fn delete(db: &Db, uuid: &str) -> DomainResult<()> {
    let mut w = db.write().await?;
    if !webhooks::delete(&mut w.tx, uuid).await? {
        return Err(DomainError::NotFound(format!("webhook '{uuid}'")));
    }
    w.tx.commit().await?;
    Ok(())
}

/// The request a test run of `hook` sends: with the latest pact of its pair when it names one
/// that has a pact, else with example values.
pub(crate) async fn test_request(db: &Db, base: &BaseUrl, hook: &Webhook) -> DomainResult<Value> {
    let mut conn = db.pool().acquire().await?;
    let example = PactRef {
        consumer: "example-consumer",
        provider: "example-provider",
        consumer_version: "1",
        consumer_branch: None,
        consumer_tags: &[],
        sha: "0",
        build_url: None,
    };
    let mut vars = EventVars::of_pact(base, example);
    if let (Some(c), Some(p)) = (&hook.consumer, &hook.provider)
        && let (Some(cp), Some(pp)) = (
            pacticipants::find(&mut conn, c).await?,
            pacticipants::find(&mut conn, p).await?,
        )
        && let Some(row) = pacts::latest(&mut conn, cp.id, pp.id, None).await?
    {
        let pact = PactRef {
            consumer: c,
            provider: p,
            consumer_version: &row.consumer_version,
            sha: &row.sha,
            ..example
        };
        vars = EventVars::of_pact(base, pact);
    }
    vars.event_name = Some("test".to_owned());
    if let Some(name) = &hook.consumer {
        vars.consumer_labels = labels::of_name(&mut conn, name).await?.join(",");
    }
    if let Some(name) = &hook.provider {
        vars.provider_labels = labels::of_name(&mut conn, name).await?.join(",");
    }
    Ok(rendered_request(hook, &vars))
}

/// The webhook's deliveries, newest first, each with its attempts: (attempt, success, log).
pub(crate) async fn deliveries(
    db: &Db,
    uuid: &str,
) -> DomainResult<Vec<(Delivery, Vec<(i64, bool, String)>)>> {
    let mut conn = db.pool().acquire().await?;
    Ok(webhooks::deliveries(&mut conn, uuid).await?)
}
