//! Shared harness for the end-to-end tests: fresh databases for the broker.

use std::path::PathBuf;

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// A fresh SQLite database URL under `dir`.
pub fn sqlite_url(dir: &std::path::Path, name: &str) -> String {
    let file: PathBuf = dir.join(format!("{name}-{}-{}.db", std::process::id(), nanos()));
    format!("sqlite://{}", file.display())
}

/// A fresh PostgreSQL database on 127.0.0.1:5432, or `None` when the server does not answer.
pub async fn postgres_url(name: &str) -> Option<String> {
    let name = name.replace('-', "_");
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .ok()?;
    let db = format!(
        "accord_e2e_{name}_{}_{}",
        std::process::id(),
        nanos() % 1_000_000_000
    );
    // Concurrent CREATE DATABASE statements can collide on the template database; retry.
    let mut created = false;
    for attempt in 0..20u64 {
        if sqlx::query(&format!("CREATE DATABASE {db}"))
            .execute(&pool)
            .await
            .is_ok()
        {
            created = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50 * (attempt + 1))).await;
    }
    if !created {
        return None;
    }
    Some(format!("postgres://postgres@127.0.0.1:5432/{db}"))
}

/// Every backend to test: SQLite always, PostgreSQL when reachable (required under `CI=true`).
pub async fn backends(dir: &std::path::Path, name: &str) -> Vec<String> {
    let mut urls = vec![sqlite_url(dir, name)];
    match postgres_url(name).await {
        Some(url) => urls.push(url),
        None if std::env::var_os("CI").is_some() => {
            panic!("PostgreSQL on 127.0.0.1:5432 is required under CI=true")
        }
        None => eprintln!("skipped: PostgreSQL backend (not reachable on 127.0.0.1:5432)"),
    }
    urls
}
