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
    // The error of a failed connection may echo the URL; keep only its kind.
    let failed =
        |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot connect to the database: {}", redact(&e.to_string(), url));
    let db = if url.starts_with("sqlite:") {
        sqlite_pool(url, max_connections).await.map_err(|e| failed(&e))?
    } else {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(max_connections)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30))
            // SQL statements would log bound values, which may be personal data.
            .sqlx_logging(false);
        Database::connect(options).await.map_err(|e| failed(&e))?
    };
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared(&format!("CREATE TABLE IF NOT EXISTS {WRITER_TABLE} (id INTEGER PRIMARY KEY)")).await?;
    }
    Ok(db)
}

/// The SQLite pool, built here rather than by sea-orm so that it can refuse to lend out again
/// a connection that is still inside a transaction. SQLite rolls a transaction back by itself
/// on some errors (a full disk among them) and then refuses the driver's ROLLBACK, after which
/// the driver believes the connection is still in a transaction: its next "transaction" would
/// be a savepoint, whose rollback leaves a real transaction open, holding the write lock for
/// good ("database is locked" for every writer, long after the disk has room again). Such a
/// connection is closed on release instead (closing rolls back), and a fresh one replaces it.
async fn sqlite_pool(url: &str, max_connections: u32) -> Result<DatabaseConnection, sea_orm::sqlx::Error> {
    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
    use sea_orm::sqlx::{ConnectOptions as _, Connection, TransactionManager};
    use std::str::FromStr;
    // Per connection (a PRAGMA run once reaches one pooled connection only): WAL lets readers
    // proceed during a write; the busy timeout queues writers instead of failing them while
    // another holds the write lock; secure_delete zeroes the pages a delete frees, so an
    // erased person's rows do not linger in free pages of the file.
    let options = SqliteConnectOptions::from_str(url)?
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(10))
        .synchronous(SqliteSynchronous::Normal)
        .pragma("secure_delete", "ON")
        // SQL statements would log bound values, which may be personal data.
        .disable_statement_logging();
    let pool = SqlitePoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(30))
        .after_release(|conn, _| {
            Box::pin(async move {
                // The ping queues behind a pending rollback, so the depth read after it is settled.
                conn.ping().await?;
                let depth =
                    <sea_orm::sqlx::Sqlite as sea_orm::sqlx::Database>::TransactionManager::get_transaction_depth(conn);
                if depth > 0 {
                    tracing::warn!(depth, "a database connection left inside a transaction is closed");
                }
                Ok(depth == 0)
            })
        })
        .connect_with(options)
        .await?;
    Ok(sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
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

/// Whether an error's text (with its causes) says the storage ran out of room: SQLite's
/// SQLITE_FULL, PostgreSQL's disk_full or the file system's ENOSPC.
pub fn is_storage_full(text: &str) -> bool {
    ["database or disk is full", "No space left on device", "could not extend file"]
        .iter()
        .any(|sign| text.contains(sign))
}

fn redact(message: &str, url: &str) -> String {
    message.replace(url, "<database url>")
}

#[cfg(test)]
mod storage_tests {
    #[test]
    fn a_full_disk_is_told_apart() {
        assert!(super::is_storage_full(
            "database: Execution Error: error returned from database: (code: 13) database or disk is full"
        ));
        assert!(super::is_storage_full("writing: No space left on device (os error 28)"));
        assert!(!super::is_storage_full("database is locked"));
    }
}
