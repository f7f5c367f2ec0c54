//! A full disk (issue 18), on a real small file system: `serve all` runs with its data folder
//! on a tmpfs that is then shrunk to just above what it holds, while talents keep saving
//! their profiles. A save that does not fit answers an error (UNAVAILABLE), never success;
//! once there is room again saves succeed without a restart; after a restart every
//! acknowledged save is stored, and searchable with its last text.
//!
//! Mounting needs root, as CI runs; elsewhere the test says so and fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::stack::gql;
use support::{Instance, Server, input};

/// A tmpfs mounted on a fresh folder, unmounted when dropped.
struct Tmpfs {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(megabytes: u64) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m,mode=0700"), "tmpfs"])
            .arg(&path)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs and needs root (CI runs as root): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self { path, _dir: dir }
    }

    fn resize(&self, kilobytes: u64) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,size={kilobytes}k")])
            .arg(&self.path)
            .output()
            .expect("run mount");
        assert!(out.status.success(), "resizing the tmpfs: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn used_kilobytes(&self) -> u64 {
        let out = Command::new("df").args(["-k", "--output=used"]).arg(&self.path).output().expect("run df");
        String::from_utf8_lossy(&out.stdout).lines().last().and_then(|l| l.trim().parse().ok()).unwrap()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// A word the tokenizers keep whole (letters only), unique per (talent, save).
fn word(talent: usize, save: usize) -> String {
    let mut n = save;
    let mut letters = String::new();
    loop {
        letters.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    format!("quokka{}x{letters}", char::from(b'a' + talent as u8))
}

fn talent_record(base: &Value, id: Option<&str>, headline: &str) -> Value {
    let mut record = base.clone();
    if let Some(id) = id {
        record["id"] = json!(id);
    }
    record["headline"] = json!(headline);
    // About 8 KB a save: the disk fills in tens of saves, not thousands.
    record["bio"] = json!(format!("{headline} {}", "Ricerca e sviluppo in Rust a Torino. ".repeat(220)));
    record
}

const SAVE: &str = "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id version } }";

/// Whether a search for `headline` finds talent `id` within 20 s.
async fn searchable(server: &Server, admin: &str, id: &str, headline: &str) -> bool {
    for _ in 0..40 {
        let query = "query($q: String!) { search(input: {kinds: [TALENT], text: $q}) { hits { id } } }";
        let body = gql(server, Some(admin), query, json!({ "q": headline })).await;
        if body["data"]["search"]["hits"].as_array().is_some_and(|h| h.iter().any(|h| h["id"] == id)) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    false
}

/// Talent `(token, id)` saves her profile with `headline`.
async fn save_as(server: &Server, (token, id): &(String, String), base: &Value, headline: &str) -> Value {
    gql(server, Some(token), SAVE, json!({ "p": input("talent", &talent_record(base, Some(id), headline)) })).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_loses_no_acknowledged_save_and_the_platform_recovers() {
    let disk = Tmpfs::mount(300);
    let data: &Path = &disk.path.join("data");
    let instance = Instance::embedded(data);
    instance.add_root();
    let server = instance.serve(&["all", "--demo-data", &support::demo_dir().display().to_string()]);
    server.wait_ready(Duration::from_secs(120)).await;
    let admin = server.login(support::ROOT_EMAIL, support::ROOT_PASSWORD).await;
    let base = support::stack::demo("talents.json").swap_remove(0);

    // Three talents, each with a profile.
    let mut talents: Vec<(String, String)> = Vec::new();
    for t in 0..3 {
        let email = format!("t{t}@example.org");
        let token = server.sign_up(&instance, &email, "correct horse battery", "T", "TALENT").await;
        let body =
            gql(&server, Some(&token), SAVE, json!({ "p": input("talent", &talent_record(&base, None, &word(t, 0))) }))
                .await;
        let id = body["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
        talents.push((token, id));
    }
    // Let search and matching catch up, then leave about 1.5 MB of room.
    tokio::time::sleep(Duration::from_secs(3)).await;
    disk.resize(disk.used_kilobytes() + 1536);

    // Save until the disk is full, and on for a while after.
    let mut acknowledged: BTreeMap<usize, (i64, String)> = BTreeMap::new();
    let (mut failures, mut unavailable, mut stale_reads) = (0, 0, 0);
    let mut history: BTreeMap<usize, Vec<i64>> = BTreeMap::new();
    for n in 1..=400 {
        let t = n % talents.len();
        let headline = word(t, n);
        let body = save_as(&server, &talents[t], &base, &headline).await;
        match body["data"]["saveProfile"]["version"].as_i64() {
            Some(version) => {
                assert!(body["errors"].is_null(), "{body}");
                acknowledged.insert(t, (version, headline));
                history.entry(t).or_default().push(version);
            }
            None => {
                let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default().to_owned();
                assert!(code == "UNAVAILABLE" || code == "INTERNAL", "a failed save says so: {body}");
                failures += 1;
                unavailable += usize::from(code == "UNAVAILABLE");
            }
        }
        if failures >= 30 {
            break;
        }
    }
    assert!(failures >= 30, "the disk never filled up ({} saves acknowledged)", acknowledged.len());
    assert!(unavailable > 0, "a full disk answers UNAVAILABLE (retry later)");
    // Reads still answer, with what was acknowledged.
    for (t, (version, _)) in &acknowledged {
        let body = gql(
            &server,
            Some(&admin),
            "query($id: ID!) { entity(kind: TALENT, id: $id) { ... on Talent { version headline } } }",
            json!({ "id": talents[*t].1 }),
        )
        .await;
        let stored = body["data"]["entity"]["version"].as_i64().unwrap_or_default();
        eprintln!("while full: talent {t} acknowledged {version}, reads {stored}; acks {:?}", history.get(t));
        stale_reads += usize::from(stored < *version);
    }

    // Room again: saves succeed without a restart.
    disk.resize(300 * 1024);
    let mut recovered = false;
    for attempt in 0..60 {
        let t = attempt % talents.len();
        let headline = word(t, 1000 + attempt);
        let body = save_as(&server, &talents[t], &base, &headline).await;
        if let Some(version) = body["data"]["saveProfile"]["version"].as_i64() {
            acknowledged.insert(t, (version, headline));
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(recovered, "saves succeed again once there is room");
    // Search and matching catch up without a restart: the index writer that the full disk
    // killed rolled back and started again, and matching applies again what it could not
    // commit. (Matching's replica, in the same SQLite file, holds her last headline.)
    let db = crocevia_kit::db::connect(
        &secrecy::SecretString::from(format!("sqlite://{}?mode=ro", data.join("crocevia.db").display())),
        1,
    )
    .await
    .unwrap();
    for (t, (_, headline)) in &acknowledged {
        let id = &talents[*t].1;
        assert!(searchable(&server, &admin, id, headline).await, "talent {t}, {headline:?}, before a restart");
        let mut replicated = false;
        for _ in 0..60 {
            use sea_orm::ConnectionTrait;
            let query = format!("SELECT version FROM matching_entities WHERE data LIKE '%{headline}%'");
            let rows = db.query_all(sea_orm::Statement::from_string(db.get_database_backend(), query)).await.unwrap();
            if !rows.is_empty() {
                replicated = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        assert!(replicated, "matching holds talent {t}'s last save ({headline:?}) before a restart");
    }
    drop(db);
    assert!(server.stop().success(), "a clean stop after a full disk");

    // After a restart: every acknowledged save is stored, and found by its last words.
    let server = instance.serve(&["all"]);
    server.wait_ready(Duration::from_secs(120)).await;
    let admin = server.login(support::ROOT_EMAIL, support::ROOT_PASSWORD).await;
    for (t, (version, headline)) in &acknowledged {
        let id = &talents[*t].1;
        let body = gql(
            &server,
            Some(&admin),
            "query($id: ID!) { entity(kind: TALENT, id: $id) { ... on Talent { version headline } } }",
            json!({ "id": id }),
        )
        .await;
        let stored = body["data"]["entity"]["version"].as_i64().unwrap_or_default();
        assert!(stored >= *version, "talent {t}: version {version} was acknowledged, {stored} is stored");
        if stored == *version {
            assert_eq!(body["data"]["entity"]["headline"], headline.as_str(), "{body}");
        }
        assert!(searchable(&server, &admin, id, headline).await, "talent {t} is searchable by {headline:?}");
    }
    assert!(server.stop().success());
    assert_eq!(stale_reads, 0, "reads while the disk is full show every acknowledged save");
}
