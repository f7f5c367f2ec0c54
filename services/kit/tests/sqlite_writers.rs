//! SQLite writers queue instead of failing: transactions that read and then write, run
//! concurrently from several tasks, all commit when they begin with `begin_write`, while the
//! same transactions begun with a plain (deferred) `BEGIN` fail with "database is locked".

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait};
use secrecy::SecretString;

async fn open(dir: &tempfile::TempDir) -> DatabaseConnection {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("w.db").display());
    let db = crocevia_kit::db::connect(&SecretString::from(url), 8).await.unwrap();
    db.execute_unprepared(
        "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0);",
    )
    .await
    .unwrap();
    db
}

/// Reads the counter, lets the other tasks run, then writes it back incremented.
async fn read_then_write(db: DatabaseConnection, immediate: bool) -> Result<(), DbErr> {
    let txn = if immediate { crocevia_kit::db::begin_write(&db).await? } else { db.begin().await? };
    let row = txn
        .query_one(Statement::from_string(txn.get_database_backend(), "SELECT n FROM counter WHERE id = 1"))
        .await?
        .expect("the row");
    let n: i64 = row.try_get("", "n")?;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    txn.execute_unprepared(&format!("UPDATE counter SET n = {} WHERE id = 1", n + 1)).await?;
    txn.commit().await
}

async fn run(immediate: bool) -> (usize, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&dir).await;
    let tasks: Vec<_> = (0..16).map(|_| tokio::spawn(read_then_write(db.clone(), immediate))).collect();
    let mut failed = 0;
    for task in tasks {
        if task.await.unwrap().is_err() {
            failed += 1;
        }
    }
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), "SELECT n FROM counter WHERE id = 1"))
        .await
        .unwrap()
        .unwrap();
    (failed, row.try_get("", "n").unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_that_begin_with_begin_write_never_fail_and_lose_nothing() {
    let (failed, n) = run(true).await;
    assert_eq!((failed, n), (0, 16), "every read-modify-write commits and none is lost");
    // The test means something only if the deferred form does fail here.
    let (failed, _) = run(false).await;
    assert!(failed > 0, "deferred transactions were expected to collide");
}
