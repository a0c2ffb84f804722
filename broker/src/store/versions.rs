//! Versions, branches and tags.

use sqlx::Row;

use super::Conn;
use crate::db::now;

/// A version row.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub(crate) id: i64,
    pub(crate) number: String,
    pub(crate) build_url: Option<String>,
    pub(crate) created_at: String,
}

const COLUMNS: &str = "v.id, v.pacticipant_id, v.number, v.build_url, v.created_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Version, sqlx::Error> {
    Ok(Version {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        build_url: row.try_get("build_url")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(crate) async fn find(
    conn: &mut Conn,
    pacticipant_id: i64,
    number: &str,
) -> Result<Option<Version>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM versions v WHERE v.pacticipant_id = $1 AND v.number = $2"
    ))
    .bind(pacticipant_id)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The version with this id.
pub(crate) async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<Version>, sqlx::Error> {
    super::by_id(conn, id).await
}

/// Versions by id, in one query per 500 ids.
pub(crate) async fn by_ids(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Version>, sqlx::Error> {
    super::by_ids(conn, ids).await
}

impl super::Table for Version {
    const COLUMNS: &'static str = COLUMNS;
    const FROM: &'static str = "versions v";
    const ID: &'static str = "v.id";

    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        from_row(row)
    }

    fn id(&self) -> i64 {
        self.id
    }
}

/// Every version on a branch, newest first.
pub(crate) async fn on_branch(
    conn: &mut Conn,
    pacticipant_id: i64,
    branch: &str,
) -> Result<Vec<Version>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM versions v JOIN branch_versions bv ON bv.version_id = v.id JOIN branches b ON b.id = bv.branch_id \
         WHERE b.pacticipant_id = $1 AND b.name = $2 ORDER BY bv.id DESC"
    ))
    .bind(pacticipant_id)
    .bind(branch)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The latest version with a tag of each of these pacticipants that has one, by pacticipant id.
pub(crate) async fn latest_with_tag_of_each(
    conn: &mut Conn,
    pacticipant_ids: &[i64],
    tag: &str,
) -> Result<std::collections::HashMap<i64, Version>, sqlx::Error> {
    one_per_pacticipant(conn, pacticipant_ids, Some(tag), |list| {
        format!(
            "SELECT {COLUMNS} FROM versions v WHERE v.id IN \
             (SELECT MAX(v2.id) FROM versions v2 JOIN tags t ON t.version_id = v2.id \
              WHERE v2.pacticipant_id IN ({list}) AND t.name = $1 GROUP BY v2.pacticipant_id)"
        )
    })
    .await
}

/// The head of the main branch (`main` when none is set) of each of these pacticipants that
/// has one, by pacticipant id.
pub(crate) async fn main_branch_heads(
    conn: &mut Conn,
    pacticipant_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Version>, sqlx::Error> {
    one_per_pacticipant(conn, pacticipant_ids, None, |list| {
        format!(
            "SELECT {COLUMNS} FROM versions v JOIN branch_versions bv ON bv.version_id = v.id WHERE bv.id IN \
             (SELECT MAX(bv2.id) FROM branch_versions bv2 JOIN branches b ON b.id = bv2.branch_id \
              JOIN pacticipants p ON p.id = b.pacticipant_id \
              WHERE b.pacticipant_id IN ({list}) AND b.name = COALESCE(p.main_branch, 'main') GROUP BY b.id)"
        )
    })
    .await
}

/// Finds or creates a version; `true` when created. A build URL given later is recorded.
pub(crate) async fn ensure(
    conn: &mut Conn,
    pacticipant_id: i64,
    number: &str,
    build_url: Option<&str>,
) -> Result<(i64, bool), sqlx::Error> {
    // Publishing usually names a new version: insert first, look up only when it exists.
    let inserted = sqlx::query(
        "INSERT INTO versions (pacticipant_id, number, build_url, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (pacticipant_id, number) DO NOTHING RETURNING id",
    )
    .bind(pacticipant_id)
    .bind(number)
    .bind(build_url)
    .bind(now())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = inserted {
        return Ok((row.try_get("id")?, true));
    }
    let existing = find(conn, pacticipant_id, number)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    if let Some(url) = build_url {
        sqlx::query("UPDATE versions SET build_url = $1 WHERE id = $2")
            .bind(url)
            .bind(existing.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok((existing.id, false))
}

/// The latest version (most recently created), optionally with a tag.
pub(crate) async fn latest(
    conn: &mut Conn,
    pacticipant_id: i64,
    tag: Option<&str>,
) -> Result<Option<Version>, sqlx::Error> {
    let row = match tag {
        Some(tag) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM versions v JOIN tags t ON t.version_id = v.id WHERE v.pacticipant_id = $1 AND t.name = $2 ORDER BY v.id DESC LIMIT 1"
            ))
            .bind(pacticipant_id)
            .bind(tag)
            .fetch_optional(&mut *conn)
            .await?
        }
        None => {
            sqlx::query(&format!("SELECT {COLUMNS} FROM versions v WHERE v.pacticipant_id = $1 ORDER BY v.id DESC LIMIT 1"))
                .bind(pacticipant_id)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    row.as_ref().map(from_row).transpose()
}

/// One version per pacticipant, by pacticipant id: runs `statement` (given a list of up to 500
/// ids for its `IN (...)`, with `$1` bound to `bind` when given) over every chunk of `ids`.
async fn one_per_pacticipant(
    conn: &mut Conn,
    ids: &[i64],
    bind: Option<&str>,
    statement: impl Fn(&str) -> String,
) -> Result<std::collections::HashMap<i64, Version>, sqlx::Error> {
    let mut out = std::collections::HashMap::new();
    for list in super::id_lists(ids) {
        let sql = statement(&list);
        let mut query = sqlx::query(&sql);
        if let Some(value) = bind {
            query = query.bind(value);
        }
        for row in &query.fetch_all(&mut *conn).await? {
            out.insert(row.try_get::<i64, _>("pacticipant_id")?, from_row(row)?);
        }
    }
    Ok(out)
}

/// The latest version of each of these pacticipants that has one, by pacticipant id, in one
/// query.
pub(crate) async fn latest_of_each(
    conn: &mut Conn,
    pacticipant_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Version>, sqlx::Error> {
    one_per_pacticipant(conn, pacticipant_ids, None, |list| {
        format!(
            "SELECT {COLUMNS} FROM versions v WHERE v.id IN \
             (SELECT MAX(id) FROM versions WHERE pacticipant_id IN ({list}) GROUP BY pacticipant_id)"
        )
    })
    .await
}

/// Every version with a tag, newest first.
pub(crate) async fn with_tag(
    conn: &mut Conn,
    pacticipant_id: i64,
    tag: &str,
) -> Result<Vec<Version>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM versions v JOIN tags t ON t.version_id = v.id WHERE v.pacticipant_id = $1 AND t.name = $2 ORDER BY v.id DESC"
    ))
    .bind(pacticipant_id)
    .bind(tag)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// A page of versions, newest first.
pub(crate) async fn list(
    conn: &mut Conn,
    pacticipant_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Version>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM versions v WHERE v.pacticipant_id = $1 ORDER BY v.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(pacticipant_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The head of a branch: the version most recently added to it.
pub(crate) async fn branch_head(
    conn: &mut Conn,
    pacticipant_id: i64,
    branch: &str,
) -> Result<Option<Version>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM versions v JOIN branch_versions bv ON bv.version_id = v.id JOIN branches b ON b.id = bv.branch_id \
         WHERE b.pacticipant_id = $1 AND b.name = $2 ORDER BY bv.id DESC LIMIT 1"
    ))
    .bind(pacticipant_id)
    .bind(branch)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The newest version (by when it joined the branch) of each of these (pacticipant, branch)
/// pairs that has one, by pair, in one query per 100 pairs.
pub(crate) async fn branch_heads(
    conn: &mut Conn,
    pairs: &[(i64, String)],
) -> Result<std::collections::HashMap<(i64, String), i64>, sqlx::Error> {
    let mut out = std::collections::HashMap::new();
    for chunk in pairs.chunks(100) {
        let ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
        let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        // One index probe (branch_versions_latest) per branch, not a scan of its history.
        let sql = format!(
            "SELECT b.pacticipant_id, b.name, \
             (SELECT bv.version_id FROM branch_versions bv WHERE bv.branch_id = b.id ORDER BY bv.id DESC LIMIT 1) AS version_id \
             FROM branches b WHERE b.pacticipant_id IN ({}) AND b.name IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
            params.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (_, branch) in chunk {
            query = query.bind(branch);
        }
        for row in &query.fetch_all(&mut *conn).await? {
            let key = (
                row.try_get::<i64, _>("pacticipant_id")?,
                row.try_get::<String, _>("name")?,
            );
            if chunk.contains(&key)
                && let Some(version) = row.try_get::<Option<i64>, _>("version_id")?
            {
                out.insert(key, version);
            }
        }
    }
    Ok(out)
}

/// Branch names of a version.
pub(crate) async fn branches_of(conn: &mut Conn, version_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT b.name FROM branches b JOIN branch_versions bv ON bv.branch_id = b.id WHERE bv.version_id = $1 ORDER BY bv.id")
        .bind(version_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| r.try_get("name")).collect()
}

/// Tag names of a version.
pub(crate) async fn tags_of(conn: &mut Conn, version_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT name FROM tags WHERE version_id = $1 ORDER BY id")
        .bind(version_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| r.try_get("name")).collect()
}

/// Branch names of a pacticipant.
pub(crate) async fn branch_names(conn: &mut Conn, pacticipant_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT name FROM branches WHERE pacticipant_id = $1 ORDER BY name")
        .bind(pacticipant_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| r.try_get("name")).collect()
}

/// Adds a version to a branch (creating the branch); `true` when newly added. The first
/// `main`, `master` or `develop` branch becomes the pacticipant's main branch.
pub(crate) async fn add_to_branch(
    conn: &mut Conn,
    pacticipant_id: i64,
    branch: &str,
    version_id: i64,
) -> Result<bool, sqlx::Error> {
    add_to_branch_of(conn, pacticipant_id, false, branch, version_id).await
}

/// [`add_to_branch`] for a caller that knows whether the pacticipant has a main branch already
/// (then a `main`, `master` or `develop` branch does not try to become it).
pub(crate) async fn add_to_branch_of(
    conn: &mut Conn,
    pacticipant_id: i64,
    has_main_branch: bool,
    branch: &str,
    version_id: i64,
) -> Result<bool, sqlx::Error> {
    let now = now();
    let find_branch = "SELECT id FROM branches WHERE pacticipant_id = $1 AND name = $2";
    // The branch usually exists: one look-up; a new one is inserted first.
    let existing = sqlx::query(find_branch)
        .bind(pacticipant_id)
        .bind(branch)
        .fetch_optional(&mut *conn)
        .await?;
    let branch_id: i64 = match existing {
        Some(row) => row.try_get("id")?,
        None => {
            sqlx::query(
                "INSERT INTO branches (pacticipant_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (pacticipant_id, name) DO NOTHING",
            )
            .bind(pacticipant_id)
            .bind(branch)
            .bind(&now)
            .execute(&mut *conn)
            .await?;
            sqlx::query(find_branch)
                .bind(pacticipant_id)
                .bind(branch)
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")?
        }
    };
    let inserted = sqlx::query("INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (branch_id, version_id) DO NOTHING")
        .bind(branch_id)
        .bind(version_id)
        .bind(&now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0;
    if !has_main_branch && matches!(branch, "main" | "master" | "develop") {
        sqlx::query("UPDATE pacticipants SET main_branch = $1 WHERE id = $2 AND main_branch IS NULL")
            .bind(branch)
            .bind(pacticipant_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(inserted)
}

/// Deletes a branch (not its versions); `true` when it existed.
pub(crate) async fn delete_branch(
    conn: &mut Conn,
    pacticipant_id: i64,
    branch: &str,
) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM branches WHERE pacticipant_id = $1 AND name = $2")
        .bind(pacticipant_id)
        .bind(branch)
        .execute(&mut *conn)
        .await?;
    Ok(deleted.rows_affected() > 0)
}

/// Deletes a version; tags, branch memberships, deployments, publications and verifications
/// go with it.
pub(crate) async fn delete(conn: &mut Conn, version_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM versions WHERE id = $1")
        .bind(version_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Tags a version; `true` when the tag is new.
pub(crate) async fn add_tag(conn: &mut Conn, version_id: i64, tag: &str) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query("INSERT INTO tags (version_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (version_id, name) DO NOTHING")
        .bind(version_id)
        .bind(tag)
        .bind(now())
        .execute(&mut *conn)
        .await?;
    Ok(inserted.rows_affected() > 0)
}

/// Removes a tag; `true` when it existed.
pub(crate) async fn delete_tag(conn: &mut Conn, version_id: i64, tag: &str) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM tags WHERE version_id = $1 AND name = $2")
        .bind(version_id)
        .bind(tag)
        .execute(&mut *conn)
        .await?;
    Ok(deleted.rows_affected() > 0)
}
