//! The database connection: SQLite in the embedded mode, PostgreSQL in the distributed one.
//! Services see one `DatabaseConnection` and never branch on the backend.

use anyhow::Context;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

pub async fn connect(url: &SecretString, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    let url = url.expose_secret();
    if let Some(path) = url.strip_prefix("sqlite://").and_then(|rest| rest.split('?').next())
        && let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        // SQL statements would log bound values, which may be personal data.
        .sqlx_logging(false);
    // The error of a failed connection may echo the URL; keep only its kind.
    let db = Database::connect(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {}", redact(&e.to_string(), url)))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers proceed during a write; the busy timeout queues writers instead of
        // failing them while another connection holds the write lock.
        db.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;").await?;
        db.execute_unprepared(&format!("CREATE TABLE IF NOT EXISTS {WRITER_TABLE} (id INTEGER PRIMARY KEY)")).await?;
    }
    Ok(db)
}

/// The table a SQLite write transaction touches first (see [`begin_write`]).
const WRITER_TABLE: &str = "crocevia_writer";

/// Begins a transaction that will write. Every writer of the database uses it.
///
/// On SQLite a plain `BEGIN` is deferred: the transaction reads under a snapshot and asks for
/// the write lock only at its first write. If another connection committed in between, SQLite
/// cannot wait (the snapshot is stale) and fails at once with "database is locked", whatever
/// the busy timeout. Writing first (a delete that matches nothing still takes the write lock,
/// like `BEGIN IMMEDIATE`, which sea-orm cannot issue) makes the transaction queue on the busy
/// timeout before it reads anything, so writers wait for each other instead of failing.
/// PostgreSQL needs none of this.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared(&format!("DELETE FROM {WRITER_TABLE} WHERE id = -1")).await?;
    }
    Ok(txn)
}

fn redact(message: &str, url: &str) -> String {
    message.replace(url, "<database url>")
}
