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
    if let Some(parent) = sqlite_path(url).and_then(|p| p.parent()).filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        // SQL statements would log bound values, which may be personal data.
        .sqlx_logging(false)
        // Per connection (a PRAGMA run once reaches one pooled connection only): WAL lets
        // readers proceed during a write; the busy timeout queues writers instead of failing
        // them while another holds the write lock; secure_delete zeroes the pages a delete
        // frees, so an erased person's rows do not linger in free pages of the file.
        .map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .synchronous(SqliteSynchronous::Normal)
                .pragma("secure_delete", "ON")
        });
    // The error of a failed connection may echo the URL; keep only its kind.
    let db = Database::connect(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {}", redact(&e.to_string(), url)))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared(&format!("CREATE TABLE IF NOT EXISTS {WRITER_TABLE} (id INTEGER PRIMARY KEY)")).await?;
    }
    Ok(db)
}

fn sqlite_path(url: &str) -> Option<&std::path::Path> {
    let path = url.strip_prefix("sqlite://")?.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| std::path::Path::new(path))
}

/// Moves the WAL's pages into the database file and empties the WAL, so what a delete
/// removed (and secure_delete zeroed in the file) is not left behind in old WAL frames. Only
/// SQLite has a WAL of its own; elsewhere this does nothing.
///
/// A reader still on an old snapshot makes SQLite answer "busy" (not an error): it is asked
/// again, for up to about two seconds, and then reported.
pub async fn checkpoint(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    for _ in 0..40 {
        let statement = sea_orm::Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_checkpoint(TRUNCATE)");
        let busy = match db.query_one(statement).await? {
            Some(row) => row.try_get_by_index::<i32>(0)?,
            None => 0,
        };
        if busy == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(DbErr::Custom("the WAL checkpoint stayed busy: a reader holds an old snapshot".into()))
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
