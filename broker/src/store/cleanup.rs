//! What the clean-up reads and deletes: each application's versions with their branches, tags,
//! deployments and releases, and the deletion of versions and empty branches.

use std::collections::{HashMap, HashSet};

use sqlx::Row;

use super::Conn;

/// One application's versions with what the selectors look at.
pub(crate) struct Facts {
    /// (id, number, created_at), oldest first.
    pub(crate) versions: Vec<(i64, String, String)>,
    /// Branch names by version id.
    pub(crate) branches: HashMap<i64, Vec<String>>,
    /// Tag names by version id.
    pub(crate) tags: HashMap<i64, Vec<String>>,
    /// Versions currently deployed.
    pub(crate) deployed: HashSet<i64>,
    /// Versions currently released and supported.
    pub(crate) released: HashSet<i64>,
    /// The application's main branch.
    pub(crate) main_branch: Option<String>,
}

/// What the keep selectors look at for one application.
pub(crate) async fn facts(conn: &mut Conn, pacticipant_id: i64) -> Result<Facts, sqlx::Error> {
    let versions =
        sqlx::query("SELECT id, number, created_at FROM versions WHERE pacticipant_id = $1 ORDER BY id")
            .bind(pacticipant_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("number")?, r.try_get("created_at")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut branches: HashMap<i64, Vec<String>> = HashMap::new();
    for row in sqlx::query(
        "SELECT bv.version_id, b.name FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id \
         WHERE b.pacticipant_id = $1",
    )
    .bind(pacticipant_id)
    .fetch_all(&mut *conn)
    .await?
    {
        branches
            .entry(row.try_get("version_id")?)
            .or_default()
            .push(row.try_get("name")?);
    }
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for row in sqlx::query(
        "SELECT t.version_id, t.name FROM tags t JOIN versions v ON v.id = t.version_id WHERE v.pacticipant_id = $1",
    )
    .bind(pacticipant_id)
    .fetch_all(&mut *conn)
    .await?
    {
        tags.entry(row.try_get("version_id")?)
            .or_default()
            .push(row.try_get("name")?);
    }
    let ids = async |conn: &mut Conn, sql: &str| -> Result<HashSet<i64>, sqlx::Error> {
        sqlx::query(sql)
            .bind(pacticipant_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get("version_id"))
            .collect()
    };
    let deployed = ids(
        conn,
        "SELECT version_id FROM deployed_versions WHERE pacticipant_id = $1 AND undeployed_at IS NULL",
    )
    .await?;
    let released = ids(
        conn,
        "SELECT version_id FROM released_versions WHERE pacticipant_id = $1 AND support_ended_at IS NULL",
    )
    .await?;
    let main_branch = sqlx::query("SELECT main_branch FROM pacticipants WHERE id = $1")
        .bind(pacticipant_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("main_branch")?;
    Ok(Facts {
        versions,
        branches,
        tags,
        deployed,
        released,
        main_branch,
    })
}

/// Every application as (id, name), by name.
pub(crate) async fn pacticipants(conn: &mut Conn) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query("SELECT id, name FROM pacticipants ORDER BY name")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

/// Deletes versions; they cascade to their tags, branch memberships, deployments,
/// publications and the verifications they made.
pub(crate) async fn delete_versions(conn: &mut Conn, ids: &[i64]) -> Result<(), sqlx::Error> {
    for list in super::id_lists(ids) {
        sqlx::query(&format!("DELETE FROM versions WHERE id IN ({list})"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Deletes branches left without versions; how many.
pub(crate) async fn delete_empty_branches(conn: &mut Conn) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM branches WHERE NOT EXISTS (SELECT 1 FROM branch_versions bv WHERE bv.branch_id = branches.id)",
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}
