//! Webhook delivery: a worker takes due deliveries from the database queue, calls the target
//! (only hosts on the allow-list), records the attempt and schedules retries with back-off.
//! Because the queue lives in the database and claims happen in serialised write transactions,
//! deliveries survive restarts and several broker instances on one PostgreSQL database deliver
//! each one once.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::AppState;
use crate::store::webhooks::{self, Delivery};

/// Whether a URL's scheme and host may be called.
pub(crate) fn allowed(url: &str, hosts: &[String]) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("'{url}' is not a URL: {e}"))?;
    if parsed.scheme() != "http" && parsed.scheme() != "https" {
        return Err(format!(
            "scheme '{}' is not allowed for webhooks",
            parsed.scheme()
        ));
    }
    let host = parsed.host_str().unwrap_or_default().trim_matches(['[', ']']);
    if hosts.iter().any(|h| h == host) {
        Ok(())
    } else {
        Err(format!("host '{host}' is not on the webhook allow-list"))
    }
}

/// Sends a rendered request; `(success, log text)`.
pub(crate) async fn execute(request: &Value, hosts: &[String]) -> (bool, String) {
    let url = request["url"].as_str().unwrap_or_default();
    if let Err(reason) = allowed(url, hosts) {
        return (false, format!("not sent: {reason}"));
    }
    let method = reqwest::Method::from_bytes(request["method"].as_str().unwrap_or("POST").as_bytes())
        .unwrap_or(reqwest::Method::POST);
    let client = reqwest::Client::new();
    let mut builder = client
        .request(method.clone(), url)
        .timeout(Duration::from_secs(10));
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
    match builder.send().await {
        Ok(response) => {
            let status = response.status();
            let body: String = response
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(1000)
                .collect();
            let success = (200..=206).contains(&status.as_u16());
            (
                success,
                format!("{method} {url} -> HTTP {}\n{body}", status.as_u16()),
            )
        }
        Err(error) => (false, format!("{method} {url} failed: {error}")),
    }
}

async fn run_one(state: &AppState) -> Result<bool, sqlx::Error> {
    let lease = chrono::Utc::now() + chrono::Duration::seconds(60);
    let lease = lease.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    if !webhooks::any_due(&mut *state.db.pool.acquire().await?).await? {
        return Ok(false);
    }
    let claimed: Option<Delivery> = {
        let mut w = state.db.write().await?;
        let claimed = webhooks::claim_due(&mut w.tx, &lease).await?;
        w.tx.commit().await?;
        claimed
    };
    let Some(delivery) = claimed else { return Ok(false) };
    let (success, logs) = execute(&delivery.request, &state.config.webhook_hosts).await;
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

/// Starts the delivery worker on the current runtime; it runs until the handle is aborted.
pub fn spawn_worker(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_one(&state).await {
                Ok(true) => continue,
                Ok(false) => tokio::time::sleep(Duration::from_millis(100)).await,
                Err(error) => {
                    tracing::error!(%error, "webhook worker database error");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    })
}
