//! All SQL lives here and in the submodules; handlers never see rows.

pub(crate) mod cleanup;
pub(crate) mod environments;
pub(crate) mod integrations;
pub(crate) mod labels;
pub(crate) mod matrix;
pub(crate) mod metrics;
pub(crate) mod pacticipants;
pub(crate) mod pacts;
pub(crate) mod provider_contracts;
pub(crate) mod verifications;
pub(crate) mod versions;
pub(crate) mod webhooks;

pub(crate) use sqlx::AnyConnection as Conn;

/// Ids as comma-separated lists of at most 500, for `IN (...)`: the ids are integers read from
/// the database, so they are written into the statement rather than bound one by one.
pub(crate) fn id_lists(ids: &[i64]) -> impl Iterator<Item = String> + '_ {
    ids.chunks(500)
        .map(|chunk| chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
}

/// A table whose rows the store reads by id: its columns, the table (with an alias), the id
/// column as they name it, and how a row becomes a value.
pub(crate) trait Table: Sized {
    /// The columns selected (`v.id, v.number`).
    const COLUMNS: &'static str;
    /// The table, with its alias when the columns use one (`versions v`).
    const FROM: &'static str;
    /// The id column (`v.id`).
    const ID: &'static str;
    /// The value of a row.
    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error>;
    /// Its id.
    fn id(&self) -> i64;
}

/// The row with this id.
pub(crate) async fn by_id<T: Table>(conn: &mut Conn, id: i64) -> Result<Option<T>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM {} WHERE {} = $1",
        T::COLUMNS,
        T::FROM,
        T::ID
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(T::from_row).transpose()
}

/// The rows with these ids, by id, in one query per 500 ids.
pub(crate) async fn by_ids<T: Table>(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, T>, sqlx::Error> {
    let mut out = std::collections::HashMap::new();
    for list in id_lists(ids) {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM {} WHERE {} IN ({list})",
            T::COLUMNS,
            T::FROM,
            T::ID
        ))
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let value = T::from_row(row)?;
            out.insert(value.id(), value);
        }
    }
    Ok(out)
}

/// Whether the database answers a trivial query.
pub(crate) async fn ping(pool: &sqlx::AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}
