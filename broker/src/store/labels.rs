//! Labels on pacticipants, used to group applications and to scope webhooks.

use sqlx::Row;

use super::Conn;
use crate::db::now;

/// Adds a label; `true` when it was new.
pub(crate) async fn add(conn: &mut Conn, pacticipant_id: i64, label: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO labels (pacticipant_id, name, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (pacticipant_id, name) DO NOTHING",
    )
    .bind(pacticipant_id)
    .bind(label)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes a label; `true` when it was there.
pub(crate) async fn remove(conn: &mut Conn, pacticipant_id: i64, label: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM labels WHERE pacticipant_id = $1 AND name = $2")
        .bind(pacticipant_id)
        .bind(label)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The labels of one pacticipant, sorted.
pub(crate) async fn of(conn: &mut Conn, pacticipant_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("SELECT name FROM labels WHERE pacticipant_id = $1 ORDER BY name")
        .bind(pacticipant_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("name"))
        .collect()
}

/// The labels of a pacticipant looked up by name; none when it does not exist.
pub(crate) async fn of_name(conn: &mut Conn, name: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query(
        "SELECT l.name FROM labels l JOIN pacticipants p ON p.id = l.pacticipant_id WHERE p.name = $1 ORDER BY l.name",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("name"))
    .collect()
}

/// Every distinct label in use, sorted.
pub(crate) async fn all(conn: &mut Conn) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("SELECT DISTINCT name FROM labels ORDER BY name")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("name"))
        .collect()
}
