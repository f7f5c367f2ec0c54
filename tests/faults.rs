//! Faults in the distributed mode: `serve profiles`, `search` and `matching` as processes on
//! a broker of this test's own (so it can be killed) and a fresh PostgreSQL database. While
//! 10^5 entity changes stream into the database through the profiles write path, the test
//! kills with SIGKILL, one after the other, the search process, the matching process, the
//! profiles process (its outbox relay) and the broker, and restarts each.
//!
//! Afterwards everything agrees exactly with the database, nothing lost and nothing doubled:
//! - the topic holds every version of every entity once (event ids unique);
//! - the search index and matching's index hold each live entity once, at its version;
//! - matching's replica holds every entity at its version; its lists name live entities once;
//! - the match events (the notifications) on their topic are the match outbox, each once, and
//!   replaying them gives exactly the stored lists.
//!
//! `CROCEVIA_FAULT_CHANGES` sets the number of changes (100000 by default).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

#[path = "support/faults.rs"]
mod faults;

use crocevia_domain::{Entity, EntityKind, SkillConcept};
use crocevia_profiles::Profiles;
use crocevia_synth::{Dataset, SynthConfig};
use faults::{Broker, Fault, Progress, checks};
use sea_orm::Database;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use support::Server;
use support::stack::{config, process};

/// One version more of `entity`: a changed text, as a user editing a profile or an offer.
fn edited(entity: &Entity, revision: usize) -> Entity {
    let mut entity = entity.clone();
    let mark = format!(" [rev {revision}]");
    match &mut entity {
        Entity::Talent(t) => t.bio = format!("{}{mark}", t.bio.split(" [rev ").next().unwrap_or_default()),
        Entity::Offer(o) => {
            o.description = format!("{}{mark}", o.description.split(" [rev ").next().unwrap_or_default())
        }
        Entity::Startup(s) => {
            s.description = format!("{}{mark}", s.description.split(" [rev ").next().unwrap_or_default())
        }
        _ => {}
    }
    entity
}

/// The changes, in order per entity: every entity of the data set is created, then talents,
/// offers and startups are edited round-robin, and near the end some talents are deleted.
fn workload(dataset: Dataset, total: usize) -> Vec<Vec<Change>> {
    let creates = dataset.into_entities();
    let editable: Vec<usize> = creates
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Entity::Talent(_) | Entity::Offer(_) | Entity::Startup(_)))
        .map(|(i, _)| i)
        .collect();
    let talents: Vec<usize> =
        creates.iter().enumerate().filter(|(_, e)| matches!(e, Entity::Talent(_))).map(|(i, _)| i).collect();
    let deletions: Vec<usize> = talents.iter().step_by(50).copied().collect();
    let edits = total.checked_sub(creates.len() + deletions.len()).expect("more changes than entities");
    // Organisations first (others refer to them), then one lane per entity so each entity's
    // changes keep their order while lanes run concurrently.
    let mut lanes: Vec<Vec<Change>> = creates.iter().map(|e| vec![Change::Save(Box::new(e.clone()))]).collect();
    for n in 0..edits {
        let i = editable[n % editable.len()];
        lanes[i].push(Change::Save(Box::new(edited(&creates[i], n / editable.len() + 1))));
    }
    for i in deletions {
        lanes[i].push(Change::Delete(creates[i].kind(), creates[i].id()));
    }
    lanes
}

#[derive(Debug, Clone)]
enum Change {
    Save(Box<Entity>),
    Delete(EntityKind, uuid::Uuid),
}

/// Writes the lanes with `writers` concurrent writers; counts every committed change.
async fn write(profiles: Profiles, lanes: Vec<Vec<Change>>, writers: usize, progress: Arc<Progress>) {
    let (organisations, rest): (Vec<_>, Vec<_>) = lanes
        .into_iter()
        .partition(|lane| matches!(lane.first(), Some(Change::Save(e)) if matches!(**e, Entity::Organisation(_))));
    for phase in [organisations, rest] {
        let mut shares: Vec<Vec<Vec<Change>>> = (0..writers).map(|_| Vec::new()).collect();
        for (i, lane) in phase.into_iter().enumerate() {
            shares[i % writers].push(lane);
        }
        let mut tasks = Vec::new();
        for share in shares {
            let (profiles, progress) = (profiles.clone(), progress.clone());
            tasks.push(tokio::spawn(async move {
                // Round-robin over the writer's lanes: creations first, then edit after edit.
                let mut cursors: Vec<std::vec::IntoIter<Change>> = share.into_iter().map(Vec::into_iter).collect();
                while !cursors.is_empty() {
                    let mut i = 0;
                    while i < cursors.len() {
                        match cursors[i].next() {
                            Some(change) => {
                                apply(&profiles, change).await;
                                progress.written.fetch_add(1, Ordering::Relaxed);
                                i += 1;
                            }
                            None => drop(cursors.swap_remove(i)),
                        }
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }
}

/// The consumers' session timeout (10 s) and a margin: a crashed member is out of its group.
const SESSION_TIMEOUT: Duration = Duration::from_secs(12);

async fn apply(profiles: &Profiles, change: Change) {
    for attempt in 0.. {
        let result = match &change {
            Change::Save(entity) => {
                profiles.upsert((**entity).clone(), None, "faults").await.map(|o| assert!(o.changed))
            }
            Change::Delete(kind, id) => profiles.delete(*kind, *id, "faults", "faults").await.map(|_| ()),
        };
        match result {
            Ok(()) => return,
            Err(e) if attempt < 20 => {
                eprintln!("write failed, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{change:?}: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "takes 10 to 20 minutes (10^5 changes, four kills, then matching catching up); run it with `make faults`"]
async fn kill_9_of_each_process_and_of_the_broker_during_a_stream_of_changes_loses_and_doubles_nothing() {
    let total: usize = std::env::var("CROCEVIA_FAULT_CHANGES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Broker::start(&dir.path().join("broker"));
    let brokers = broker.address();
    let database = crocevia_kit::testing::fresh_postgres_database("crocevia_faults").await;
    let suffix = crocevia_kit::testing::unique_suffix();
    let at = |role: &str| {
        // Dynamic membership, and a restart only after the session timeout, so the group has
        // dropped the killed member before its successor joins. Rejoining under a static name
        // is what the crash-recovery test exercises.
        process(role, dir.path(), &database, &brokers, &suffix).with("CROCEVIA__BUS__KAFKA__INSTANCE_ID", "")
    };
    let start = |role: &str| at(role).serve(&[role, "--config", &config(role)]);

    let mut profiles = start("profiles");
    profiles.wait_ready(Duration::from_secs(120)).await;
    let mut search = start("search");
    let mut matching = start("matching");
    search.wait_ready(Duration::from_secs(120)).await;
    matching.wait_ready(Duration::from_secs(120)).await;

    // The data set: a few thousand talents with their offers, startups and programmes, then
    // edits up to `total` changes.
    let skills: Vec<SkillConcept> = crocevia_domain::taxonomy::reference().unwrap().into_concepts();
    let dataset = Dataset::generate(&SynthConfig { talents: 2_000, seed: 7 }, &skills, &mut |_, _| {});
    let lanes = workload(dataset, total);
    assert_eq!(lanes.iter().map(Vec::len).sum::<usize>(), total);

    let db = Database::connect(&database).await.unwrap();
    let writer = Profiles::new(db.clone(), format!("{}-{suffix}", crocevia_proto::PROFILES_TOPIC));
    let progress = Arc::new(Progress::default());
    let started = Instant::now();
    let stream = tokio::spawn(write(writer, lanes, 8, progress.clone()));

    // The faults, one after the other while the changes stream in.
    let roles = ["search", "matching", "profiles"];
    let only = std::env::var("CROCEVIA_FAULTS").unwrap_or_else(|_| "search,matching,profiles,broker".into());
    for (fault, at_share) in
        [(Fault::Process(0), 0.15), (Fault::Process(1), 0.35), (Fault::Process(2), 0.55), (Fault::Broker, 0.75)]
    {
        let name = if let Fault::Process(i) = fault { roles[i] } else { "broker" };
        if !only.split(',').any(|f| f == name) {
            continue;
        }
        progress.wait_until((total as f64 * at_share) as usize).await;
        let written = progress.written.load(Ordering::Relaxed);
        match fault {
            Fault::Process(i) => {
                let server: &mut Server = [&mut search, &mut matching, &mut profiles][i];
                server.child.kill().unwrap();
                server.child.wait().unwrap();
                eprintln!("{:>6.1} s: kill -9 {} at {written} changes", started.elapsed().as_secs_f64(), roles[i]);
                tokio::time::sleep(SESSION_TIMEOUT).await;
                *server = start(roles[i]);
                server.wait_ready(Duration::from_secs(120)).await;
            }
            Fault::Broker => {
                broker.kill9();
                eprintln!("{:>6.1} s: kill -9 the broker at {written} changes", started.elapsed().as_secs_f64());
                tokio::time::sleep(Duration::from_secs(2)).await;
                broker.restart();
                // tansu 0.6 does not bring its consumer groups back after its own crash: the
                // members must join again (a Kafka cluster keeps them). So the consumers are
                // restarted too, while the changes keep streaming.
                if std::env::var("CROCEVIA_FAULT_REJOIN").as_deref() != Ok("0") {
                    for server in [&mut search, &mut matching] {
                        server.child.kill().unwrap();
                        server.child.wait().unwrap();
                    }
                    tokio::time::sleep(SESSION_TIMEOUT).await;
                    for (i, server) in [&mut search, &mut matching].into_iter().enumerate() {
                        *server = start(roles[i]);
                        server.wait_ready(Duration::from_secs(120)).await;
                    }
                    eprintln!("{:>6.1} s: search and matching joined again", started.elapsed().as_secs_f64());
                }
            }
        }
    }
    stream.await.unwrap();
    eprintln!("{:>6.1} s: {total} changes written", started.elapsed().as_secs_f64());

    // Everything the database holds reaches the index, the match store and the topics.
    let expected = checks::Expected::read(&db).await;
    assert_eq!(expected.changes(), total as u64, "every change is a version in the database");
    checks::converge(
        &db,
        &expected,
        &dir.path().join("search"),
        &dir.path().join("matching"),
        Duration::from_secs(
            std::env::var("CROCEVIA_FAULT_CONVERGE_S").ok().and_then(|v| v.parse().ok()).unwrap_or(900),
        ),
    )
    .await;
    eprintln!("{:>6.1} s: search and matching caught up", started.elapsed().as_secs_f64());
    // A clean stop: matching first publishes the match events of its last batch (tens of
    // thousands while it catches up), so it gets longer than the usual 30 s.
    for (role, server) in [("search", search), ("matching", matching), ("profiles", profiles)] {
        let started_stop = Instant::now();
        assert!(server.stop_within(Duration::from_secs(180)).success(), "{role} did not stop cleanly");
        eprintln!("{role} stopped in {:.1} s", started_stop.elapsed().as_secs_f64());
    }
    checks::profiles_topic(&brokers, &format!("{}-{suffix}", crocevia_proto::PROFILES_TOPIC), &expected).await;
    checks::matching_agrees(&db, &brokers, &format!("{}-{suffix}", crocevia_proto::MATCHES_TOPIC), &expected).await;
}

/// The stored places of every list, ranked, in the database at `url`.
async fn stored_lists(url: &str) -> std::collections::BTreeMap<(uuid::Uuid, uuid::Uuid), i64> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = Database::connect(url).await.unwrap();
    let rows = db.query_all(Statement::from_string(db.get_database_backend(), faults::STORED_RANKS)).await.unwrap();
    rows.iter()
        .map(|r| {
            (
                (r.try_get("", "subject_id").unwrap(), r.try_get("", "counterpart_id").unwrap()),
                r.try_get("", "rank").unwrap(),
            )
        })
        .collect()
}

/// Waits until matching's replica in `url` holds every entity it matches at its version in
/// `expected`, and its outbox is published.
async fn replica_caught_up(url: &str, expected: &checks::Expected, limit: Duration) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = Database::connect(url).await.unwrap();
    let want = expected.live(&["talent", "startup", "programme", "offer"]);
    let deadline = Instant::now() + limit;
    loop {
        let sql = "SELECT id, version FROM matching_entities WHERE data IS NOT NULL";
        let rows = db.query_all(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
        let held: std::collections::BTreeMap<uuid::Uuid, u64> = rows
            .iter()
            .map(|r| (r.try_get("", "id").unwrap(), r.try_get::<i64>("", "version").unwrap() as u64))
            .collect();
        let sql = "SELECT count(*) AS n FROM matching_outbox WHERE NOT published";
        let unpublished: i64 = db
            .query_one(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "n")
            .unwrap();
        if held == want && unpublished == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{url}: replica {} of {} entities, {unpublished} events unpublished",
            held.len(),
            want.len()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_matching_members_split_the_lists_and_one_takes_over_when_the_other_is_killed() {
    let total: usize = std::env::var("CROCEVIA_MEMBERS_CHANGES").ok().and_then(|v| v.parse().ok()).unwrap_or(3_000);
    let brokers = crocevia_kit::testing::require_kafka().await;
    let dir = tempfile::tempdir().unwrap();
    let database = crocevia_kit::testing::fresh_postgres_database("crocevia_members").await;
    let suffix = crocevia_kit::testing::unique_suffix();
    let member = |name: &str| {
        process(name, dir.path(), &database, &brokers, &suffix)
            .with("CROCEVIA__BUS__KAFKA__INSTANCE_ID", name)
            .serve(&["matching", "--config", &config("matching")])
    };
    let profiles = process("profiles", dir.path(), &database, &brokers, &suffix).serve(&[
        "profiles",
        "--config",
        &config("profiles"),
    ]);
    profiles.wait_ready(Duration::from_secs(120)).await;
    let a = member("matching-a");
    let mut b = member("matching-b");
    a.wait_ready(Duration::from_secs(120)).await;
    b.wait_ready(Duration::from_secs(120)).await;

    let skills: Vec<SkillConcept> = crocevia_domain::taxonomy::reference().unwrap().into_concepts();
    let dataset = Dataset::generate(&SynthConfig { talents: 200, seed: 11 }, &skills, &mut |_, _| {});
    let lanes = workload(dataset, total);
    let db = Database::connect(&database).await.unwrap();
    let writer = Profiles::new(db.clone(), format!("{}-{suffix}", crocevia_proto::PROFILES_TOPIC));
    let progress = Arc::new(Progress::default());
    let stream = tokio::spawn(write(writer, lanes, 4, progress.clone()));

    // Both members store their share while the changes stream in; then one dies.
    progress.wait_until(total * 2 / 5).await;
    let (_, body) = b.get("/metrics").await;
    assert!(body.contains("crocevia_match_lists_changed_total"), "{body}");
    b.child.kill().unwrap();
    b.child.wait().unwrap();
    let killed = Instant::now();
    eprintln!("kill -9 matching-b at {} changes", progress.written.load(Ordering::Relaxed));
    stream.await.unwrap();
    let expected = checks::Expected::read(&db).await;
    assert_eq!(expected.changes(), total as u64);

    // The survivor took the dead member's share over (after the session timeout) and stored
    // every list; the match events are the outbox, each once, and replay to the stored lists.
    replica_caught_up(&database, &expected, Duration::from_secs(300)).await;
    let partitions = 3; // tests/support: CROCEVIA__BUS__PARTITIONS
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, metrics) = a.get("/metrics").await;
        if metrics.contains(&format!("crocevia_matching_partitions_held {partitions}")) {
            break;
        }
        assert!(Instant::now() < deadline, "the survivor never took every partition over");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    eprintln!("matching-a holds every partition after {:.1} s", killed.elapsed().as_secs_f64());
    // Its last batch may still be storing.
    replica_caught_up(&database, &expected, Duration::from_secs(60)).await;
    let matches_topic = format!("{}-{suffix}", crocevia_proto::MATCHES_TOPIC);
    let two_members = stored_lists(&database).await;
    checks::matching_agrees(&db, &brokers, &matches_topic, &expected).await;

    // The store holds, place for place, the lists the survivor computed as a single member
    // does (it applied every change of every partition): the dead member's share included.
    let client = reqwest::Client::new();
    let mut served = std::collections::BTreeMap::new();
    for (subject, _) in expected.live(&["talent", "startup", "programme", "offer"]) {
        let url = format!("{}/internal/v1/matching/matches/{subject}", a.base);
        let response = client.get(url).bearer_auth(support::stack::SERVICE_TOKEN).send().await.unwrap();
        assert!(response.status().is_success(), "{subject}: {}", response.status());
        let entries: Vec<serde_json::Value> = response.json().await.unwrap();
        for (rank, entry) in entries.iter().enumerate() {
            let counterpart: uuid::Uuid = entry["counterpart"].as_str().unwrap().parse().unwrap();
            served.insert((subject, counterpart), rank as i64 + 1);
        }
    }
    let differ: Vec<String> = served
        .iter()
        .filter(|(k, v)| two_members.get(k) != Some(v))
        .map(|(k, v)| format!("{k:?}: served rank {v}, stored {:?}", two_members.get(k)))
        .chain(two_members.keys().filter(|k| !served.contains_key(k)).map(|k| format!("{k:?}: stored only")))
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} places differ: {:#?}",
        differ.len(),
        served.len(),
        &differ[..differ.len().min(20)]
    );
    eprintln!("two members, one killed: the {} stored places are the survivor's lists", served.len());
    for server in [a, profiles] {
        assert!(server.stop_within(Duration::from_secs(60)).success());
    }
}
