//! What the broker's benchmarks share: a fresh PostgreSQL database when the server answers,
//! the sequences set after seeding through SQL, and the median of timings.

use std::time::Duration;

use sqlx::Executor;

/// A new database on the PostgreSQL server at 127.0.0.1:5432, named after `label`; `None` when
/// the server does not answer.
pub(crate) async fn postgres_database(label: &str) -> Option<String> {
    sqlx::any::install_default_drivers();
    let admin = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(3))
        .connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .ok()?;
    let name = format!("accord_{label}_{}", std::process::id());
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .ok()?;
    Some(format!("postgres://postgres@127.0.0.1:5432/{name}"))
}

/// After rows were inserted with their ids, PostgreSQL's sequences continue after them, and the
/// planner learns the tables' sizes.
pub(crate) async fn settle_postgres(pool: &sqlx::AnyPool) {
    for table in [
        "pacticipants",
        "versions",
        "branches",
        "branch_versions",
        "environments",
        "pact_contents",
        "pact_publications",
    ] {
        let _ = pool
            .execute(
                format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
                .as_str(),
            )
            .await;
    }
    let _ = pool.execute("ANALYZE").await;
}

/// The median of some timings.
pub(crate) fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
