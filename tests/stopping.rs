//! Stopping at any point (issue 23): `serve all` started on a freshly imported data set is
//! catching up (matching fills its replica and lists from the database) when it gets SIGTERM.
//! It must end cleanly within 10 s, having stored part of the work, and the next start must
//! go on from there until matching holds every entity and has finished its lists. The generated set names
//! concepts of the reference taxonomy, which `import` loads itself, so the import `generate`
//! prints works on a fresh data folder.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::path::Path;
use std::time::{Duration, Instant};
use support::Instance;

const TALENTS: &str = "2000";

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index(0).unwrap()
}

/// Entities of the kinds matching ranks, as generated.
fn matched_in(dir: &Path) -> i64 {
    ["talents.json", "offers.json", "startups.json", "programmes.json"]
        .iter()
        .map(|f| {
            let items: Vec<serde_json::Value> =
                serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap();
            items.len() as i64
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_catch_up_ends_within_10_s_and_the_next_start_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let generated = dir.path().join("generated");
    let instance = Instance::embedded(&data);
    let (status, out) = instance.run(&["generate", "--talents", TALENTS, "--out", generated.to_str().unwrap()]);
    assert!(status.success(), "generate: {out}");
    assert!(!generated.join("skills.json").exists(), "the taxonomy is reference data, not part of the set");
    let (status, out) = instance.run(&["import", generated.to_str().unwrap()]);
    assert!(status.success(), "the import generate prints works on a fresh data folder: {out}");
    let total = matched_in(&generated);

    let server = instance.serve(&[]);
    let url = format!("sqlite://{}?mode=ro", data.join("crocevia.db").display());
    let db = crocevia_kit::db::connect(&secrecy::SecretString::from(url), 1).await.unwrap();
    let replica = "SELECT count(*) FROM matching_entities";
    // Catching up: part of the set is matched and stored, not all of it.
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut held = 0;
    while Instant::now() < deadline {
        held = count(&db, replica).await;
        if held > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(held > 0 && held < total, "caught matching while catching up: {held} of {total}");
    let asked = Instant::now();
    let status = server.stop_within(Duration::from_secs(10));
    let took = asked.elapsed();
    assert!(status.success(), "a clean stop during catch-up: {status}");
    // A first start fills: it stores every entity, then every list; the mark of a fill under
    // way is cleared with its last list.
    let pending = "SELECT count(*) FROM matching_fill";
    let stopped_at = count(&db, replica).await;
    assert_eq!(count(&db, pending).await, 1, "stopped part way ({stopped_at} of {total} entities), in {took:?}");

    // The next start goes on until matching holds every entity, with lists.
    let server = instance.serve(&[]);
    let deadline = Instant::now() + Duration::from_secs(600);
    while (count(&db, replica).await < total || count(&db, pending).await > 0) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(count(&db, replica).await, total, "the next start matched the rest");
    assert_eq!(count(&db, pending).await, 0, "and finished the fill");
    assert!(count(&db, "SELECT count(DISTINCT subject_id) FROM matching_entries").await > total / 2, "lists stored");
    assert!(server.stop_within(Duration::from_secs(10)).success());
}
