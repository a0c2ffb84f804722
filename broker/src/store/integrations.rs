//! Integrations (consumer/provider pairs) as a whole: removing one with everything it holds.

use super::Conn;

/// Removes the integration between two applications with its pacts, their verification
/// results and the webhooks scoped to exactly this pair; false when there was no integration.
pub(crate) async fn delete_pair(
    conn: &mut Conn,
    consumer: (i64, &str),
    provider: (i64, &str),
) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query("DELETE FROM integrations WHERE consumer_id = $1 AND provider_id = $2")
        .bind(consumer.0)
        .bind(provider.0)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if removed == 0 {
        return Ok(false);
    }
    for sql in [
        "DELETE FROM verifications WHERE consumer_id = $1 AND provider_id = $2",
        "DELETE FROM pact_publications WHERE consumer_id = $1 AND provider_id = $2",
        "DELETE FROM pact_contents WHERE consumer_id = $1 AND provider_id = $2",
    ] {
        sqlx::query(sql)
            .bind(consumer.0)
            .bind(provider.0)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM webhooks WHERE consumer_name = $1 AND provider_name = $2")
        .bind(consumer.1)
        .bind(provider.1)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}
