//! Pacticipants (applications).

use sqlx::Row;

use super::Conn;
use crate::db::now;

/// A pacticipant row.
#[derive(Debug, Clone)]
pub(crate) struct Pacticipant {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) display_name: String,
    pub(crate) main_branch: Option<String>,
    pub(crate) repository_url: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `investment-manager` → `Investment Manager`, `AccountsService` → `Accounts Service`.
pub(crate) fn display_name(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '-' || c == '_' || c == ' ' || c == '.' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The pacticipants among `names` that exist, by name, in one query.
pub(crate) async fn find_many(
    conn: &mut Conn,
    names: &[&str],
) -> Result<std::collections::HashMap<String, Pacticipant>, sqlx::Error> {
    let mut out = std::collections::HashMap::new();
    for chunk in names.chunks(100) {
        let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM pacticipants WHERE name IN ({})",
            params.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for name in chunk {
            query = query.bind(*name);
        }
        for row in &query.fetch_all(&mut *conn).await? {
            let p = from_row(row)?;
            out.insert(p.name.clone(), p);
        }
    }
    Ok(out)
}

/// Every application's name.
pub(crate) async fn all_names(conn: &mut Conn) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("SELECT name FROM pacticipants ORDER BY name")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("name"))
        .collect()
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Pacticipant, sqlx::Error> {
    Ok(Pacticipant {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row
            .try_get::<Option<String>, _>("display_name")?
            .unwrap_or_default(),
        main_branch: row.try_get("main_branch")?,
        repository_url: row.try_get("repository_url")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const COLUMNS: &str = "id, name, display_name, main_branch, repository_url, created_at, updated_at";

pub(crate) async fn find(conn: &mut Conn, name: &str) -> Result<Option<Pacticipant>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM pacticipants WHERE name = $1"))
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The application with this id.
pub(crate) async fn find_by_id(conn: &mut Conn, id: i64) -> Result<Option<Pacticipant>, sqlx::Error> {
    super::by_id(conn, id).await
}

/// Applications by id, in one query per 500 ids.
pub(crate) async fn by_ids(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Pacticipant>, sqlx::Error> {
    super::by_ids(conn, ids).await
}

impl super::Table for Pacticipant {
    const COLUMNS: &'static str = COLUMNS;
    const FROM: &'static str = "pacticipants";
    const ID: &'static str = "id";

    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        from_row(row)
    }

    fn id(&self) -> i64 {
        self.id
    }
}

pub(crate) async fn list(conn: &mut Conn, limit: i64, offset: i64) -> Result<Vec<Pacticipant>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM pacticipants ORDER BY name LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Finds or creates a pacticipant; `true` when created.
pub(crate) async fn ensure(conn: &mut Conn, name: &str) -> Result<(i64, bool), sqlx::Error> {
    if let Some(existing) = find(conn, name).await? {
        return Ok((existing.id, false));
    }
    let now = now();
    sqlx::query(
        "INSERT INTO pacticipants (name, display_name, created_at, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(display_name(name))
    .bind(&now)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    let id: i64 = sqlx::query("SELECT id FROM pacticipants WHERE name = $1")
        .bind(name)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
    Ok((id, true))
}

/// Updates the given fields.
pub(crate) async fn update(
    conn: &mut Conn,
    id: i64,
    display: Option<&str>,
    main_branch: Option<&str>,
    repository_url: Option<&str>,
) -> Result<(), sqlx::Error> {
    if let Some(display) = display {
        sqlx::query("UPDATE pacticipants SET display_name = $1 WHERE id = $2")
            .bind(display)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(branch) = main_branch {
        sqlx::query("UPDATE pacticipants SET main_branch = $1 WHERE id = $2")
            .bind(branch)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(url) = repository_url {
        sqlx::query("UPDATE pacticipants SET repository_url = $1 WHERE id = $2")
            .bind(url)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE pacticipants SET updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn delete(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM pacticipants WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The pacticipants carrying a label, by name.
pub(crate) async fn with_label(conn: &mut Conn, label: &str) -> Result<Vec<Pacticipant>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM pacticipants WHERE id IN (SELECT pacticipant_id FROM labels WHERE name = $1) ORDER BY name"
    ))
    .bind(label)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Consumers that have published pacts for a provider.
pub(crate) async fn consumers_of(conn: &mut Conn, provider_id: i64) -> Result<Vec<Pacticipant>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM pacticipants WHERE id IN (SELECT consumer_id FROM integrations WHERE provider_id = $1) ORDER BY name"
    ))
    .bind(provider_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// A page of consumer/provider pairs, ordered by names; with `search`, only pairs where either
/// name contains it (ignoring case).
/// Every integration as (consumer, provider), in two queries whatever their number.
pub(crate) async fn all_integrations(
    conn: &mut Conn,
) -> Result<Vec<(Pacticipant, Pacticipant)>, sqlx::Error> {
    let rows = sqlx::query("SELECT consumer_id, provider_id FROM integrations")
        .fetch_all(&mut *conn)
        .await?;
    let mut pairs = Vec::with_capacity(rows.len());
    for row in &rows {
        pairs.push((
            row.try_get::<i64, _>("consumer_id")?,
            row.try_get::<i64, _>("provider_id")?,
        ));
    }
    let mut ids: Vec<i64> = pairs.iter().flat_map(|(c, p)| [*c, *p]).collect();
    ids.sort_unstable();
    ids.dedup();
    let found = by_ids(conn, &ids).await?;
    Ok(pairs
        .into_iter()
        .filter_map(|(c, p)| Some((found.get(&c)?.clone(), found.get(&p)?.clone())))
        .collect())
}

pub(crate) async fn integrations(
    conn: &mut Conn,
    limit: i64,
    offset: i64,
    search: Option<&str>,
) -> Result<Vec<(Pacticipant, Pacticipant)>, sqlx::Error> {
    let pattern = search.map(|s| {
        let escaped = s
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let filter = if pattern.is_some() {
        "WHERE LOWER(c.name) LIKE $3 ESCAPE '\\' OR LOWER(p.name) LIKE $3 ESCAPE '\\'"
    } else {
        ""
    };
    let sql = format!(
        "SELECT i.consumer_id, i.provider_id FROM integrations i JOIN pacticipants c ON c.id = i.consumer_id \
         JOIN pacticipants p ON p.id = i.provider_id {filter} ORDER BY p.name, c.name LIMIT $1 OFFSET $2"
    );
    let mut query = sqlx::query(&sql).bind(limit).bind(offset);
    if let Some(pattern) = &pattern {
        query = query.bind(pattern);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for row in rows {
        let consumer = find_by_id(conn, row.try_get("consumer_id")?).await?;
        let provider = find_by_id(conn, row.try_get("provider_id")?).await?;
        if let (Some(c), Some(p)) = (consumer, provider) {
            out.push((c, p));
        }
    }
    Ok(out)
}
