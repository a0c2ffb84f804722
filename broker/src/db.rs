//! The database: connecting to SQLite or PostgreSQL, migrations, and serialised write
//! transactions.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};
use tokio::sync::{Mutex, MutexGuard};

/// Which database backs the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server (several brokers may share it).
    Postgres,
}

/// A database problem.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names no supported database.
    #[error("unsupported database URL '{0}': use sqlite://FILE or postgres://...")]
    Url(String),
    /// Connecting or querying failed.
    #[error("database error")]
    Sqlx(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The connection pool and the write lock.
#[derive(Debug)]
pub struct Db {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    write_lock: Mutex<()>,
}

/// A write transaction; writes are serialised (an in-process lock for SQLite, an advisory lock
/// for PostgreSQL so several broker instances never interleave).
pub(crate) struct WriteTx<'a> {
    pub(crate) tx: Transaction<'static, Any>,
    _guard: Option<MutexGuard<'a, ()>>,
}

impl Db {
    /// Connects and runs the migrations of the backend.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            let mut url = format!("sqlite:{rest}");
            if !url.contains('?') {
                url.push_str("?mode=rwc");
            }
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(DbError::Url(url.to_owned()));
        };
        let _ = sqlx::any::AnyConnectOptions::from_str(&url)?;
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 10 })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(&url).await?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&pool).await?,
        }
        Ok(Db {
            pool,
            backend,
            write_lock: Mutex::new(()),
        })
    }

    /// The connection pool, for tools that seed or inspect the database.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a serialised write transaction.
    pub(crate) async fn write(&self) -> Result<WriteTx<'_>, sqlx::Error> {
        let guard = self.write_lock.lock().await;
        // SQLite: take the write lock at the start (waiting up to the busy timeout), so a write
        // never fails half-way because another process (`accord-broker clean`) began writing
        // after this transaction first read.
        let mut tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        if self.backend == Backend::Postgres {
            tx.execute("SELECT pg_advisory_xact_lock(4242)").await?;
        }
        Ok(WriteTx {
            tx,
            _guard: Some(guard),
        })
    }
}

impl Db {
    /// Starts a write transaction for publishing `consumer`'s pacts. On PostgreSQL, publications
    /// of different consumers run side by side: each holds the write lock shared and its
    /// consumer's lock alone, so every other kind of write still runs alone. On SQLite this is
    /// [`Db::write`].
    pub(crate) async fn write_publication(&self, consumer: &str) -> Result<WriteTx<'_>, sqlx::Error> {
        if self.backend == Backend::Sqlite {
            return self.write().await;
        }
        let mut tx = self.pool.begin().await?;
        // The two-key lock space is separate from the one-key space of the write lock.
        sqlx::query("SELECT pg_advisory_xact_lock_shared(4242), pg_advisory_xact_lock(4243, hashtext($1))")
            .bind(consumer)
            .execute(&mut *tx)
            .await?;
        Ok(WriteTx { tx, _guard: None })
    }
}

/// The current time as stored: RFC 3339 in UTC with milliseconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
