//! Webhook delivery: workers take due deliveries from the database queue, call the target
//! (as far as [`policy`] lets it), record the attempt and schedule retries with back-off.
//! Because the queue lives in the database and claims happen in serialised write transactions,
//! deliveries survive restarts and several broker instances on one PostgreSQL database deliver
//! each one once.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

mod policy;
pub(crate) mod redact;

use crate::AppState;
use crate::config::{RateLimit, WebhookPolicy};
use crate::store::webhooks::{self, Delivery};

/// Sends a rendered request if the policy lets it go; `(success, log text)`.
pub(crate) async fn execute(request: &Value, policy: &WebhookPolicy) -> (bool, String) {
    let url = request["url"].as_str().unwrap_or_default();
    let method_name = request["method"].as_str().unwrap_or("POST").to_ascii_uppercase();
    let checked = match policy.check_method(&method_name) {
        Ok(()) => policy.check_url(url),
        Err(refused) => Err(refused),
    };
    let target = match checked {
        Ok(target) => target,
        Err(reason) => return (false, format!("not sent: {reason}")),
    };
    let addrs = match policy.resolve(&target).await {
        Ok(addrs) => addrs,
        Err(reason) => return (false, format!("not sent: {reason}")),
    };
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve_to_addrs(&target.host, &addrs)
        .timeout(Duration::from_secs(10))
        .build();
    let client = match client {
        Ok(client) => client,
        Err(error) => return (false, format!("not sent: cannot set up the HTTP client: {error}")),
    };
    let method = reqwest::Method::from_bytes(method_name.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut builder = client.request(method.clone(), target.url.clone());
    if let Some(headers) = request["headers"].as_object() {
        for (name, value) in headers {
            builder = builder.header(
                name,
                value
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| value.to_string()),
            );
        }
    }
    if let Some(user) = request["username"].as_str() {
        builder = builder.basic_auth(user, request["password"].as_str());
    }
    match &request["body"] {
        Value::Null => {}
        Value::String(text) => builder = builder.body(text.clone()),
        other => builder = builder.body(other.to_string()),
    }
    let shown_url = redact::url(url);
    match builder.send().await {
        Ok(mut response) => {
            let status = response.status();
            let success = (200..=206).contains(&status.as_u16());
            // The answer's body comes back to whoever tests the webhook: only from hosts the
            // operator listed, and at most a few kilobytes of it (the rest is never read).
            let body = if target.listed {
                let mut bytes: Vec<u8> = Vec::new();
                while bytes.len() < SHOWN_BODY {
                    match response.chunk().await {
                        Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                        _ => break,
                    }
                }
                bytes.truncate(SHOWN_BODY);
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                "(the answer's body is shown only for hosts listed with --webhook-hosts)".to_owned()
            };
            // Many targets echo the request they got: the answer is kept as redacted as the
            // request, with every secret sent masked wherever it appears.
            let body = redact::answer(&body, &redact::secrets_of(request));
            (
                success,
                format!(
                    "{method} {shown_url} -> HTTP {}{ANSWER_SEPARATOR}{body}",
                    status.as_u16()
                ),
            )
        }
        Err(error) => (
            false,
            format!(
                "{method} {shown_url} failed: {}",
                redact::answer(&redact::url(&error.to_string()), &redact::secrets_of(request))
            ),
        ),
    }
}

/// How much of a webhook target's answer is kept for its logs.
const SHOWN_BODY: usize = 4096;

/// What separates the first line of a call's log (method, URL, status) from the answer's body.
pub(crate) const ANSWER_SEPARATOR: &str = "\n";

/// What one attempt's log says of it: the status code the target answered, if it answered,
/// and in words why it failed (`None` when it succeeded).
pub(crate) fn attempt_outcome(logs: &str, success: bool) -> (Option<u16>, Option<String>) {
    let first = logs.split_once(ANSWER_SEPARATOR).map_or(logs, |(first, _)| first);
    let code = first
        .rsplit_once(" -> HTTP ")
        .and_then(|(_, code)| code.trim().parse::<u16>().ok());
    if success {
        return (code, None);
    }
    let why = match code {
        Some(code) => format!("the target answered HTTP {code}, not a success (200-206)"),
        None => first
            .split_once(" failed: ")
            .map(|(_, reason)| format!("the call failed: {reason}"))
            .unwrap_or_else(|| first.to_owned()),
    };
    (code, Some(why))
}

/// A stored call's log as `viewer` may see it: for writers, the answer redacted again against
/// the secrets of `request` (logs kept by older versions were not); for readers, only the first
/// line (method, URL, status or error), never the target's answer.
pub(crate) fn shown_logs(logs: &str, request: &Value, may_write: bool) -> String {
    let Some((first, answer)) = logs.split_once(ANSWER_SEPARATOR) else {
        return redact::answer(logs, &redact::secrets_of(request));
    };
    let first = redact::answer(first, &redact::secrets_of(request));
    if answer.is_empty() {
        first
    } else if may_write {
        let answer = redact::answer(answer, &redact::secrets_of(request));
        format!("{first}{ANSWER_SEPARATOR}{answer}")
    } else {
        format!("{first}{ANSWER_SEPARATOR}(the answer's body is shown only to users who may write)")
    }
}

async fn run_one(state: &AppState) -> Result<bool, sqlx::Error> {
    let lease = chrono::Utc::now() + chrono::Duration::seconds(60);
    let lease = lease.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    if !webhooks::any_due(&mut *state.db.pool.acquire().await?).await? {
        return Ok(false);
    }
    let delivery: Delivery = {
        let mut w = state.db.write().await?;
        let mut claimed = webhooks::claim_due(&mut w.tx, &lease).await?;
        if let (Some(delivery), Some(limit)) = (&claimed, state.config.webhook_rate_limit) {
            // Checked in the claim's transaction, so workers never pass the limit together.
            if let Some(until) = over_limit(&mut w.tx, delivery, limit).await? {
                webhooks::postpone(&mut w.tx, delivery, &until).await?;
                tracing::warn!(webhook = %delivery.webhook_uuid, delivery = %delivery.uuid, %until,
                    calls = limit.calls, per = ?limit.per, "webhook rate limit reached; delivery postponed");
                claimed = None;
            }
        }
        w.tx.commit().await?;
        match claimed {
            Some(delivery) => delivery,
            // Something was due (maybe postponed just now): look again at once.
            None => return Ok(true),
        }
    };
    let (success, logs) = execute(&delivery.request, &state.config.webhooks).await;
    let delays = &state.config.webhook_retry_delays;
    let retry_at = (!success)
        .then(|| delays.get(delivery.attempts as usize - 1))
        .flatten()
        .map(|d| {
            (chrono::Utc::now() + chrono::Duration::from_std(*d).unwrap_or_default())
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        });
    tracing::info!(delivery = %delivery.uuid, event = %delivery.event, success, attempt = delivery.attempts, "webhook attempt");
    let mut w = state.db.write().await?;
    webhooks::finish_attempt(&mut w.tx, &delivery, success, &logs, retry_at.as_deref()).await?;
    w.tx.commit().await?;
    Ok(true)
}

/// When `delivery`'s webhook has made `limit.calls` calls in the last `limit.per`: the time its
/// delivery may go (when the oldest of those calls leaves the window).
async fn over_limit(
    conn: &mut crate::store::Conn,
    delivery: &Delivery,
    limit: RateLimit,
) -> Result<Option<String>, sqlx::Error> {
    let now = chrono::Utc::now();
    let per = chrono::Duration::from_std(limit.per).unwrap_or(chrono::Duration::MAX);
    let since = rfc3339(
        now.checked_sub_signed(per)
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC),
    );
    let (calls, oldest) = webhooks::calls_since(conn, &delivery.webhook_uuid, &since, &delivery.uuid).await?;
    if calls < i64::from(limit.calls) {
        return Ok(None);
    }
    let oldest = oldest
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    // Only calls in flight fill the window: look again shortly.
    let until = match oldest {
        Some(oldest) => oldest.checked_add_signed(per).unwrap_or(now),
        None => now + chrono::Duration::seconds(1),
    };
    Ok(Some(rfc3339(until.max(now + chrono::Duration::milliseconds(10)))))
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Deliveries made at once: a slow target holds one of them, not the queue.
const DELIVERY_WORKERS: usize = 4;

/// Starts the delivery workers on the current runtime; they run until the handle is aborted.
/// Each claims due deliveries from the queue in its own transaction, so a target that takes
/// its time delays only the worker calling it.
pub fn spawn_worker(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..DELIVERY_WORKERS {
            let state = Arc::clone(&state);
            workers.spawn(async move { deliver_forever(&state).await });
        }
        // Aborting this task drops the set, which aborts every worker.
        while workers.join_next().await.is_some() {}
    })
}

async fn deliver_forever(state: &AppState) {
    loop {
        match run_one(state).await {
            Ok(true) => continue,
            Ok(false) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(error) => {
                tracing::error!(%error, "webhook worker database error");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
