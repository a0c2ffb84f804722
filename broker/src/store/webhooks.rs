//! Webhooks and their durable delivery queue.

use serde_json::Value;
use sqlx::Row;

use super::Conn;
use crate::db::now;

/// A stored webhook.
#[derive(Debug, Clone)]
pub(crate) struct Webhook {
    pub(crate) uuid: String,
    pub(crate) description: Option<String>,
    pub(crate) consumer: Option<String>,
    pub(crate) provider: Option<String>,
    /// Matches every consumer carrying this label (instead of one named consumer).
    pub(crate) consumer_label: Option<String>,
    /// Matches every provider carrying this label (instead of one named provider).
    pub(crate) provider_label: Option<String>,
    pub(crate) events: Vec<String>,
    pub(crate) request: Value,
    pub(crate) enabled: bool,
    pub(crate) created_at: String,
}

const COLUMNS: &str = "uuid, description, consumer_name, provider_name, consumer_label, provider_label, events, request, enabled, created_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Webhook, sqlx::Error> {
    let events: String = row.try_get("events")?;
    let request: String = row.try_get("request")?;
    Ok(Webhook {
        uuid: row.try_get("uuid")?,
        description: row.try_get("description")?,
        consumer: row.try_get("consumer_name")?,
        provider: row.try_get("provider_name")?,
        consumer_label: row.try_get("consumer_label")?,
        provider_label: row.try_get("provider_label")?,
        events: serde_json::from_str(&events).unwrap_or_default(),
        request: serde_json::from_str(&request).unwrap_or(Value::Null),
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

pub(crate) async fn save(conn: &mut Conn, hook: &Webhook) -> Result<bool, sqlx::Error> {
    let now = now();
    let events = serde_json::to_string(&hook.events).unwrap_or_else(|_| "[]".into());
    let existed = find(conn, &hook.uuid).await?.is_some();
    if existed {
        sqlx::query(
            "UPDATE webhooks SET description = $1, consumer_name = $2, provider_name = $3, events = $4, request = $5, enabled = $6, \
             updated_at = $7, consumer_label = $9, provider_label = $10 WHERE uuid = $8",
        )
        .bind(&hook.description)
        .bind(&hook.consumer)
        .bind(&hook.provider)
        .bind(&events)
        .bind(hook.request.to_string())
        .bind(i64::from(hook.enabled))
        .bind(&now)
        .bind(&hook.uuid)
        .bind(&hook.consumer_label)
        .bind(&hook.provider_label)
        .execute(&mut *conn)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO webhooks (uuid, description, consumer_name, provider_name, events, request, enabled, created_at, updated_at, \
             consumer_label, provider_label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&hook.uuid)
        .bind(&hook.description)
        .bind(&hook.consumer)
        .bind(&hook.provider)
        .bind(&events)
        .bind(hook.request.to_string())
        .bind(i64::from(hook.enabled))
        .bind(&now)
        .bind(&now)
        .bind(&hook.consumer_label)
        .bind(&hook.provider_label)
        .execute(&mut *conn)
        .await?;
    }
    Ok(!existed)
}

pub(crate) async fn find(conn: &mut Conn, uuid: &str) -> Result<Option<Webhook>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM webhooks WHERE uuid = $1"))
        .bind(uuid)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn list(conn: &mut Conn) -> Result<Vec<Webhook>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM webhooks ORDER BY id"))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn delete(conn: &mut Conn, uuid: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM webhooks WHERE uuid = $1")
        .bind(uuid)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Queues a delivery of webhook `webhook_uuid` for `event`, sending `request` (the rendered
/// request as JSON text).
pub(crate) async fn insert_delivery(
    conn: &mut Conn,
    webhook_uuid: &str,
    event: &str,
    request: &str,
) -> Result<(), sqlx::Error> {
    let now = now();
    sqlx::query(
        "INSERT INTO webhook_deliveries (uuid, webhook_uuid, event, request, status, attempts, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(webhook_uuid)
    .bind(event)
    .bind(request)
    .bind(&now)
    .bind(&now)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A delivery taken from the queue.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) uuid: String,
    pub(crate) webhook_uuid: String,
    pub(crate) event: String,
    pub(crate) request: Value,
    pub(crate) status: String,
    pub(crate) attempts: i64,
    pub(crate) created_at: String,
}

fn delivery(row: &sqlx::any::AnyRow) -> Result<Delivery, sqlx::Error> {
    let request: String = row.try_get("request")?;
    Ok(Delivery {
        uuid: row.try_get("uuid")?,
        webhook_uuid: row.try_get("webhook_uuid")?,
        event: row.try_get("event")?,
        request: serde_json::from_str(&request).unwrap_or(Value::Null),
        status: row.try_get("status")?,
        attempts: row.try_get("attempts")?,
        created_at: row.try_get("created_at")?,
    })
}

const DELIVERY_COLUMNS: &str = "uuid, webhook_uuid, event, request, status, attempts, created_at";

/// Deliveries waiting for an attempt whose time has come and that no worker holds; `$1` and
/// `$2` are both the current time.
const DUE: &str =
    "status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $2)";

/// Whether any delivery is due now: a plain read, so the worker takes the write lock only when
/// there is something to claim.
pub(crate) async fn any_due(conn: &mut Conn) -> Result<bool, sqlx::Error> {
    let now = now();
    Ok(sqlx::query(&format!(
        "SELECT 1 AS due FROM webhook_deliveries WHERE {DUE} LIMIT 1"
    ))
    .bind(&now)
    .bind(&now)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// Claims the oldest due delivery for `lease` (an RFC 3339 time); call inside a write transaction.
pub(crate) async fn claim_due(conn: &mut Conn, lease_until: &str) -> Result<Option<Delivery>, sqlx::Error> {
    let now = now();
    let row = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE {DUE} ORDER BY id LIMIT 1"
    ))
    .bind(&now)
    .bind(&now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let mut claimed = delivery(&row)?;
    claimed.attempts += 1;
    sqlx::query(
        "UPDATE webhook_deliveries SET locked_until = $1, attempts = $2, updated_at = $3 WHERE uuid = $4",
    )
    .bind(lease_until)
    .bind(claimed.attempts)
    .bind(&now)
    .bind(&claimed.uuid)
    .execute(&mut *conn)
    .await?;
    Ok(Some(claimed))
}

/// Calls webhook `webhook_uuid` made since `since` (RFC 3339) or is making now (deliveries
/// other than `except` that a worker holds), and the time of the oldest finished one.
pub(crate) async fn calls_since(
    conn: &mut Conn,
    webhook_uuid: &str,
    since: &str,
    except: &str,
) -> Result<(i64, Option<String>), sqlx::Error> {
    let finished = sqlx::query(
        "SELECT COUNT(*) AS calls, MIN(e.created_at) AS oldest FROM webhook_executions e \
         JOIN webhook_deliveries d ON d.uuid = e.delivery_uuid \
         WHERE e.created_at >= $1 AND d.webhook_uuid = $2",
    )
    .bind(since)
    .bind(webhook_uuid)
    .fetch_one(&mut *conn)
    .await?;
    let now = now();
    let in_flight: i64 = sqlx::query(
        "SELECT COUNT(*) AS calls FROM webhook_deliveries \
         WHERE webhook_uuid = $1 AND locked_until IS NOT NULL AND locked_until > $2 AND uuid <> $3",
    )
    .bind(webhook_uuid)
    .bind(&now)
    .bind(except)
    .fetch_one(&mut *conn)
    .await?
    .try_get("calls")?;
    Ok((
        finished.try_get::<i64, _>("calls")? + in_flight,
        finished.try_get("oldest")?,
    ))
}

/// Gives a claimed delivery back without an attempt, due again at `until` (RFC 3339).
pub(crate) async fn postpone(conn: &mut Conn, delivery: &Delivery, until: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET attempts = $1, next_attempt_at = $2, locked_until = NULL, updated_at = $3 WHERE uuid = $4",
    )
    .bind(delivery.attempts - 1)
    .bind(until)
    .bind(now())
    .bind(&delivery.uuid)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records an attempt and either finishes the delivery or schedules the next try.
pub(crate) async fn finish_attempt(
    conn: &mut Conn,
    delivery: &Delivery,
    success: bool,
    logs: &str,
    retry_at: Option<&str>,
) -> Result<(), sqlx::Error> {
    let now = now();
    sqlx::query("INSERT INTO webhook_executions (delivery_uuid, attempt, success, logs, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&delivery.uuid)
        .bind(delivery.attempts)
        .bind(i64::from(success))
        .bind(logs)
        .bind(&now)
        .execute(&mut *conn)
        .await?;
    let (status, next) = match (success, retry_at) {
        (true, _) => ("success", now.clone()),
        (false, Some(at)) => ("pending", at.to_owned()),
        (false, None) => ("failure", now.clone()),
    };
    sqlx::query("UPDATE webhook_deliveries SET status = $1, next_attempt_at = $2, locked_until = NULL, updated_at = $3 WHERE uuid = $4")
        .bind(status)
        .bind(&next)
        .bind(&now)
        .bind(&delivery.uuid)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deliveries of a webhook, newest first, with their execution logs.
pub(crate) async fn deliveries(
    conn: &mut Conn,
    webhook_uuid: &str,
) -> Result<Vec<(Delivery, Vec<(i64, bool, String)>)>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_uuid = $1 ORDER BY id DESC LIMIT 100"
    ))
    .bind(webhook_uuid)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let d = delivery(row)?;
        let logs = sqlx::query(
            "SELECT attempt, success, logs FROM webhook_executions WHERE delivery_uuid = $1 ORDER BY id",
        )
        .bind(&d.uuid)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<i64, _>("attempt")?,
                r.try_get::<i64, _>("success")? != 0,
                r.try_get::<String, _>("logs")?,
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        out.push((d, logs));
    }
    Ok(out)
}
