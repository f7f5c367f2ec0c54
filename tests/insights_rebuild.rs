//! Rebuilding the open data from the database, on the real binary, PostgreSQL and the
//! Kafka-protocol broker. The open data kept from the topics (a generated data set imported
//! into a running platform, matched and counted change by change) is the baseline; `crocevia
//! rebuild-insights` and a new insights deployment's start both rebuild it from the database,
//! table row for table row and dataset for dataset, and leave a consumer group that had read
//! nothing at the ends of its topics; the platform then follows them from there: a change
//! made after the rebuild is counted once, and an event from before it is never read.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_kit::bus::EventBus;
use crocevia_kit::testing;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use support::{Instance, Server};

const DATASETS: [&str; 16] = [
    "offers_by_sector",
    "offers_by_kind",
    "offers_by_comune",
    "offers_by_month",
    "offers_time_to_first_match",
    "talents_by_field",
    "talents_by_origin",
    "talents_by_language",
    "talents_by_comune",
    "startups_by_sector",
    "startups_by_stage",
    "startups_by_comune",
    "programmes_by_model",
    "programmes_by_sector",
    "applications_by_model",
    "applications_by_sector",
];

async fn one_number(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Every row of the insights tables, as text: the facts (id, version, first sighting, fact)
/// and the first matches (offer, time).
async fn insights_tables(db: &DatabaseConnection) -> (Vec<String>, Vec<String>) {
    let backend = db.get_database_backend();
    let facts = "SELECT id::text || ' v' || version::text || ' ' || first_seen::text || ' ' || COALESCE(fact::text, '-') \
                 FROM insights_facts ORDER BY id";
    let first = "SELECT offer_id::text || ' ' || at::text FROM insights_first_match ORDER BY offer_id";
    let mut out = Vec::new();
    for sql in [facts, first] {
        let rows = db.query_all(Statement::from_string(backend, sql)).await.unwrap();
        out.push(rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect());
    }
    let first = out.pop().unwrap();
    (out.pop().unwrap(), first)
}

/// Waits until the platform has done everything the import caused: both outboxes published,
/// matching holding every entity, and the insights tables unchanged for 5 s; and at least
/// 40 s after the import, so matching's rescoring after the corpus grew (checked every 30 s)
/// has happened too.
async fn settle(db: &DatabaseConnection, imported: Instant) {
    let deadline = Instant::now() + Duration::from_secs(300);
    let (mut last, mut since) = (Vec::new(), Instant::now());
    loop {
        let now = vec![
            one_number(db, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL").await,
            one_number(db, "SELECT COUNT(*) FROM matching_outbox WHERE NOT published").await,
            one_number(db, "SELECT COUNT(*) FROM matching_outbox").await,
            one_number(db, "SELECT COUNT(*) FROM matching_entities").await,
            one_number(db, "SELECT COUNT(*) FROM insights_facts").await,
            one_number(db, "SELECT COUNT(*) FROM insights_first_match").await,
        ];
        if now != last {
            (last, since) = (now, Instant::now());
        } else if last[0] == 0
            && last[1] == 0
            && since.elapsed() > Duration::from_secs(5)
            && imported.elapsed() > Duration::from_secs(40)
        {
            return;
        }
        assert!(Instant::now() < deadline, "the platform never settled: {last:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The published figures of every dataset (total, headline, rows), keyed by dataset.
async fn figures(server: &Server) -> BTreeMap<&'static str, Value> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut out = BTreeMap::new();
    for id in DATASETS {
        loop {
            let (status, body) = server.get(&format!("/open-data/v1/{id}.json")).await;
            if status == 200 {
                let d: Value = serde_json::from_str(&body).unwrap();
                out.insert(
                    id,
                    serde_json::json!({ "total": d["total"], "headline": d["headline"], "rows": d["rows"] }),
                );
                break;
            }
            assert_eq!(status, 503, "{id}: {body}");
            assert!(Instant::now() < deadline, "{id} never became complete");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    out
}

/// Whether the insights group still has anything to read on its topics (a probe in the
/// group that acknowledges nothing, so it moves nothing).
async fn group_has_unread(brokers: &str, suffix: &str, group: &str) -> bool {
    let bus = support::kafka::bus(brokers, &format!("dlq.v1{suffix}"));
    let topics = [format!("profiles.v1{suffix}"), format!("matches.v1{suffix}")];
    let mut probe = bus.subscribe(&topics, group).await.unwrap();
    let unread = probe.poll(Duration::from_secs(15)).await.unwrap();
    probe.close().await.unwrap();
    unread.is_some()
}

fn talents_total(figures: &BTreeMap<&'static str, Value>) -> u64 {
    figures["talents_by_origin"]["total"].as_u64().unwrap()
}

/// Whether the ids in `rows` (as [`insights_tables`] prints them) include `id`.
fn holds(rows: &[String], id: &str) -> bool {
    rows.iter().any(|r| r.starts_with(id))
}

/// An application to a programme that the database never held, as its `profiles.v1` event:
/// insights would count it if it read it; search and matching ignore applications.
fn ghost_application(programme: &str) -> (String, Vec<u8>) {
    use crocevia_proto::envelope::{self, Change};
    let id = uuid::Uuid::now_v7().to_string();
    let record = serde_json::json!({
        "id": id,
        "applicant": { "kind": "startup", "id": uuid::Uuid::now_v7() },
        "target": { "kind": "programme", "id": programme },
        "stage": "submitted",
        "history": [{ "stage": "submitted", "at": "2026-11-10T10:00:00Z" }],
        "motivation": "A ghost.",
        "score": null,
    });
    let entity: crocevia_domain::Entity =
        serde_json::from_value(serde_json::json!({ "kind": "application", "data": record })).unwrap();
    (id, envelope::encode(&envelope::build(&Change::Upserted(entity), 1, "ghost", chrono::Utc::now())))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_data_rebuilt_from_the_database_equals_open_data_kept_from_the_topics() {
    let brokers = testing::require_kafka().await;
    let url = testing::fresh_postgres_database("insights_rebuild").await;
    let dir = tempfile::tempdir().unwrap();
    let suffix = format!("-{}", testing::unique_suffix());
    let instance = Instance::embedded(dir.path())
        .with("CROCEVIA__DATABASE__URL", &url)
        .with("CROCEVIA__BUS__KIND", "kafka")
        .with("CROCEVIA__BUS__KAFKA__BROKERS", &brokers)
        .with("CROCEVIA__BUS__TOPIC_SUFFIX", &suffix);
    let data = dir.path().join("generated");
    let (status, out) =
        instance.run(&["generate", "--talents", "600", "--seed", "11", "--out", data.to_str().unwrap()]);
    assert!(status.success(), "{out}");

    // Kept from the topics: the platform starts empty, then the data is imported, published,
    // matched and counted change by change.
    let server = instance.serve(&["all"]);
    server.wait_ready(Duration::from_secs(120)).await;
    let (status, out) = instance.run(&["import", data.to_str().unwrap()]);
    assert!(status.success(), "{out}");
    let imported = Instant::now();
    let db = Database::connect(&url).await.unwrap();
    settle(&db, imported).await;
    let from_topics = figures(&server).await;
    assert!(from_topics["offers_time_to_first_match"]["total"].as_u64().is_some(), "{from_topics:?}");
    assert!(server.stop().success());
    assert!(!group_has_unread(&brokers, &suffix, "insights").await, "the consumer had not read everything published");
    assert_eq!(one_number(&db, "SELECT COUNT(*) FROM matching_outbox WHERE NOT published").await, 0);
    let (facts, first_matches) = insights_tables(&db).await;
    assert!(
        facts.len() > 600 && first_matches.len() >= 5,
        "{} facts, {} first matches",
        facts.len(),
        first_matches.len()
    );
    let same_tables = async |what: &str| {
        let (facts_again, first_matches_again) = insights_tables(&db).await;
        assert_eq!(facts.len(), facts_again.len(), "{what}: rows of facts");
        let differ: Vec<_> = facts.iter().zip(&facts_again).filter(|(a, b)| a != b).take(5).collect();
        assert!(differ.is_empty(), "{what}: facts kept from the topics vs rebuilt: {differ:#?}");
        assert_eq!(first_matches, first_matches_again, "{what}: first good matches and their times");
    };

    // On demand, for a new consumer group (it has read nothing): the same rows, and the group
    // starts at the ends of its topics, not at their earliest message.
    let cli = instance.clone().with("CROCEVIA__INSIGHTS__GROUP", "insights-cli");
    let (status, out) = cli.run(&["rebuild-insights"]);
    assert!(status.success(), "rebuild-insights: {out}");
    assert!(out.contains("rebuilt the open data from the database"), "{out}");
    same_tables("rebuild-insights").await;
    assert!(!group_has_unread(&brokers, &suffix, "insights-cli").await, "the rebuild left its group behind the ends");

    // A new insights deployment (no facts, a group that read nothing) rebuilds by itself at
    // start. Before it starts, an event the database never held is on the topic, in the
    // partition of a talent who joins later: read again from the start, it would be counted
    // before her.
    db.execute_unprepared(
        "DELETE FROM insights_facts; DELETE FROM insights_first_match; \
         UPDATE insights_state SET caught_up_at = NULL, applied_through = NULL",
    )
    .await
    .unwrap();
    let newcomer_id = uuid::Uuid::now_v7().to_string();
    let programme = serde_json::from_str::<Vec<Value>>(&std::fs::read_to_string(data.join("programmes.json")).unwrap())
        .unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (ghost, payload) = ghost_application(&programme);
    let bus = support::kafka::bus(&brokers, &format!("dlq.v1{suffix}"));
    bus.publish(
        &format!("profiles.v1{suffix}"),
        vec![crocevia_kit::bus::OutMessage::new(newcomer_id.clone(), payload)],
    )
    .await
    .unwrap();
    let fresh = instance.clone().with("CROCEVIA__INSIGHTS__GROUP", "insights-fresh");
    let server = fresh.serve(&["all"]);
    server.wait_ready(Duration::from_secs(120)).await;
    let rebuilt = figures(&server).await;
    assert_eq!(from_topics, rebuilt, "published figures kept from the topics vs rebuilt at start");
    same_tables("rebuilt at start").await;

    // A change after the rebuild (a talent from abroad joins; her import is repeated) is
    // counted once, and the event from before the rebuild never is.
    let newcomer = dir.path().join("newcomer");
    std::fs::create_dir_all(&newcomer).unwrap();
    let talents: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(data.join("talents.json")).unwrap()).unwrap();
    let mut talent = talents[0].clone();
    talent["id"] = Value::String(newcomer_id.clone());
    talent["user_id"] = Value::Null;
    talent["country_of_origin"] = Value::String("FR".into());
    std::fs::write(newcomer.join("talents.json"), serde_json::to_string(&[talent]).unwrap()).unwrap();
    for _ in 0..2 {
        let (status, out) = fresh.run(&["import", newcomer.to_str().unwrap()]);
        assert!(status.success(), "{out}");
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while talents_total(&figures(&server).await) != talents_total(&rebuilt) + 1 {
        assert!(Instant::now() < deadline, "the talent who joined after the rebuild was not counted");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(talents_total(&figures(&server).await), talents_total(&rebuilt) + 1, "counted once");
    let (facts_now, _) = insights_tables(&db).await;
    assert!(holds(&facts_now, &newcomer_id), "the newcomer's fact");
    assert!(!holds(&facts_now, &ghost), "the event from before the rebuild was read");
    assert!(server.stop().success());
}
