//! Environments, deployed versions and released versions.

use serde_json::Value;
use sqlx::Row;

use super::Conn;
use crate::db::now;

/// An environment row.
#[derive(Debug, Clone)]
pub(crate) struct Environment {
    pub(crate) id: i64,
    pub(crate) uuid: String,
    pub(crate) name: String,
    pub(crate) display_name: String,
    pub(crate) production: bool,
    pub(crate) contacts: Value,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

const COLUMNS: &str = "id, uuid, name, display_name, production, contacts, created_at, updated_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Environment, sqlx::Error> {
    let contacts: String = row.try_get("contacts")?;
    Ok(Environment {
        id: row.try_get("id")?,
        uuid: row.try_get("uuid")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        production: row.try_get::<i64, _>("production")? != 0,
        contacts: serde_json::from_str(&contacts).unwrap_or(Value::Array(Vec::new())),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(crate) async fn list(conn: &mut Conn) -> Result<Vec<Environment>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM environments ORDER BY name"))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn by_uuid(conn: &mut Conn, uuid: &str) -> Result<Option<Environment>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM environments WHERE uuid = $1"))
        .bind(uuid)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn by_name(conn: &mut Conn, name: &str) -> Result<Option<Environment>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM environments WHERE name = $1"))
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn create(
    conn: &mut Conn,
    uuid: &str,
    name: &str,
    display_name: &str,
    production: bool,
    contacts: &Value,
) -> Result<(), sqlx::Error> {
    let now = now();
    sqlx::query(
        "INSERT INTO environments (uuid, name, display_name, production, contacts, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid)
    .bind(name)
    .bind(display_name)
    .bind(i64::from(production))
    .bind(contacts.to_string())
    .bind(&now)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn update(
    conn: &mut Conn,
    id: i64,
    name: &str,
    display_name: &str,
    production: bool,
    contacts: &Value,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE environments SET name = $1, display_name = $2, production = $3, contacts = $4, updated_at = $5 WHERE id = $6")
        .bind(name)
        .bind(display_name)
        .bind(i64::from(production))
        .bind(contacts.to_string())
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn delete(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM environments WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A deployment or release record.
#[derive(Debug, Clone)]
pub(crate) struct Placement {
    pub(crate) uuid: String,
    pub(crate) version_id: i64,
    pub(crate) pacticipant_id: i64,
    pub(crate) environment_id: i64,
    pub(crate) target: Option<String>,
    pub(crate) created_at: String,
    pub(crate) ended_at: Option<String>,
}

fn placement(row: &sqlx::any::AnyRow, ended: &str, has_target: bool) -> Result<Placement, sqlx::Error> {
    let target = if has_target {
        let t: String = row.try_get("target")?;
        (!t.is_empty()).then_some(t)
    } else {
        None
    };
    Ok(Placement {
        uuid: row.try_get("uuid")?,
        version_id: row.try_get("version_id")?,
        pacticipant_id: row.try_get("pacticipant_id")?,
        environment_id: row.try_get("environment_id")?,
        target,
        created_at: row.try_get("created_at")?,
        ended_at: row.try_get(ended)?,
    })
}

/// Records a deployment, first marking what was deployed for the same instance as undeployed.
pub(crate) async fn record_deployment(
    conn: &mut Conn,
    version_id: i64,
    pacticipant_id: i64,
    environment_id: i64,
    target: &str,
) -> Result<String, sqlx::Error> {
    let current = sqlx::query(
        "SELECT uuid FROM deployed_versions WHERE pacticipant_id = $1 AND environment_id = $2 AND target = $3 AND undeployed_at IS NULL AND version_id = $4",
    )
    .bind(pacticipant_id)
    .bind(environment_id)
    .bind(target)
    .bind(version_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = current {
        return row.try_get("uuid");
    }
    let now = now();
    sqlx::query(
        "UPDATE deployed_versions SET undeployed_at = $1 WHERE pacticipant_id = $2 AND environment_id = $3 AND target = $4 AND undeployed_at IS NULL",
    )
    .bind(&now)
    .bind(pacticipant_id)
    .bind(environment_id)
    .bind(target)
    .execute(&mut *conn)
    .await?;
    let uuid = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, target, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&uuid)
    .bind(version_id)
    .bind(pacticipant_id)
    .bind(environment_id)
    .bind(target)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    Ok(uuid)
}

/// Records a release (re-marking it supported if it existed); `(uuid, created)`.
pub(crate) async fn record_release(
    conn: &mut Conn,
    version_id: i64,
    pacticipant_id: i64,
    environment_id: i64,
) -> Result<(String, bool), sqlx::Error> {
    let existing =
        sqlx::query("SELECT uuid FROM released_versions WHERE version_id = $1 AND environment_id = $2")
            .bind(version_id)
            .bind(environment_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(row) = existing {
        let uuid: String = row.try_get("uuid")?;
        sqlx::query("UPDATE released_versions SET support_ended_at = NULL WHERE uuid = $1")
            .bind(&uuid)
            .execute(&mut *conn)
            .await?;
        return Ok((uuid, false));
    }
    let uuid = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO released_versions (uuid, version_id, pacticipant_id, environment_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&uuid)
    .bind(version_id)
    .bind(pacticipant_id)
    .bind(environment_id)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok((uuid, true))
}

/// Currently deployed records in an environment, optionally for one pacticipant.
pub(crate) async fn currently_deployed(
    conn: &mut Conn,
    environment_id: i64,
    pacticipant_id: Option<i64>,
) -> Result<Vec<Placement>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT uuid, version_id, pacticipant_id, environment_id, target, created_at, undeployed_at FROM deployed_versions \
         WHERE environment_id = $1 AND undeployed_at IS NULL AND ($2 = 0 OR pacticipant_id = $3) ORDER BY id",
    )
    .bind(environment_id)
    .bind(i64::from(pacticipant_id.is_some()))
    .bind(pacticipant_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| placement(r, "undeployed_at", true)).collect()
}

/// Currently supported releases in an environment, optionally for one pacticipant.
pub(crate) async fn currently_supported(
    conn: &mut Conn,
    environment_id: i64,
    pacticipant_id: Option<i64>,
) -> Result<Vec<Placement>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT uuid, version_id, pacticipant_id, environment_id, created_at, support_ended_at FROM released_versions \
         WHERE environment_id = $1 AND support_ended_at IS NULL AND ($2 = 0 OR pacticipant_id = $3) ORDER BY id",
    )
    .bind(environment_id)
    .bind(i64::from(pacticipant_id.is_some()))
    .bind(pacticipant_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| placement(r, "support_ended_at", false))
        .collect()
}

/// A deployment by uuid.
pub(crate) async fn deployed_by_uuid(conn: &mut Conn, uuid: &str) -> Result<Option<Placement>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT uuid, version_id, pacticipant_id, environment_id, target, created_at, undeployed_at FROM deployed_versions WHERE uuid = $1",
    )
    .bind(uuid)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref()
        .map(|r| placement(r, "undeployed_at", true))
        .transpose()
}

/// A release by uuid.
pub(crate) async fn released_by_uuid(conn: &mut Conn, uuid: &str) -> Result<Option<Placement>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT uuid, version_id, pacticipant_id, environment_id, created_at, support_ended_at FROM released_versions WHERE uuid = $1",
    )
    .bind(uuid)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref()
        .map(|r| placement(r, "support_ended_at", false))
        .transpose()
}

/// Marks a deployment undeployed.
pub(crate) async fn undeploy(conn: &mut Conn, uuid: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE deployed_versions SET undeployed_at = $1 WHERE uuid = $2 AND undeployed_at IS NULL")
        .bind(now())
        .bind(uuid)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks a release unsupported.
pub(crate) async fn end_support(conn: &mut Conn, uuid: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE released_versions SET support_ended_at = $1 WHERE uuid = $2 AND support_ended_at IS NULL",
    )
    .bind(now())
    .bind(uuid)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
