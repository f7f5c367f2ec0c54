//! The insights consumer against real storage (SQLite and PostgreSQL) and the real in-process
//! bus: facts follow versions and erasures, redelivery changes nothing, a poison event is
//! dead-lettered while the consumer goes on, first good matches give the time to match.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use support::{demo, publication};

use chrono::{Duration as Span, Utc};
use crocevia_domain::{Entity, EntityKind};
use crocevia_insights::compute::Dataset;
use crocevia_insights::consumer::{Consumer, Upstream};
use crocevia_insights::{InsightsError, InsightsService, InsightsSettings};
use crocevia_kit::bus::batch::BatchSettings;
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::{Delivery, OutMessage, SharedBus, TopicSpec};
use crocevia_proto::envelope::{self, Change};
use prost::Message;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn event(change: &Change, version: u64, at: chrono::DateTime<Utc>, offset: i64) -> Delivery {
    Delivery {
        topic: "profiles.v1".into(),
        partition: 0,
        offset,
        key: change.entity_id().to_string(),
        payload: envelope::encode(&envelope::build(change, version, "test", at)),
        headers: vec![],
    }
}

fn settings() -> InsightsSettings {
    InsightsSettings {
        profiles_topic: "profiles.v1".into(),
        matches_topic: "matches.v1".into(),
        group: "insights".into(),
        batch: BatchSettings::default(),
        upstream: None,
        rebuild: None,
    }
}

async fn open(db: sea_orm::DatabaseConnection) -> InsightsService {
    InsightsService::open(db, publication()).await.unwrap()
}

/// Two idle rounds with nothing unpublished upstream: the figures are complete.
async fn catch_up(consumer: &mut Consumer) {
    consumer.idle().await.unwrap();
    consumer.idle().await.unwrap();
}

/// An outbox whose backlog the test sets.
#[derive(Debug, Default)]
struct Outbox(AtomicBool);

#[async_trait::async_trait]
impl Upstream for Outbox {
    async fn unpublished(&self) -> anyhow::Result<bool> {
        Ok(self.0.load(Ordering::SeqCst))
    }
}

#[tokio::test]
async fn figures_are_withheld_until_every_recorded_change_is_read_and_then_tell_how_far_they_reach() {
    for (url, db) in databases().await {
        let service = open(db.clone()).await;
        let outbox = Arc::new(Outbox(AtomicBool::new(true)));
        let mut consumer = service.consumer(&InsightsSettings { upstream: Some(outbox.clone()), ..settings() });
        let not_ready = |r: Result<_, InsightsError>| matches!(r, Err(InsightsError::NotReady { .. }));
        assert!(not_ready(service.snapshot().await), "{url}: figures before any change was read");
        let talents = demo("talents.json", "talent");
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T08:30:00Z").unwrap().to_utc();
        let batch: Vec<Delivery> = talents
            .iter()
            .enumerate()
            .map(|(i, t)| event(&Change::Upserted(t.clone()), 1, at - Span::minutes(i as i64), i as i64))
            .collect();
        consumer.apply(&batch).await.unwrap();
        // Idle while the outbox still holds changes: more are coming.
        consumer.idle().await.unwrap();
        consumer.idle().await.unwrap();
        assert!(not_ready(service.snapshot().await), "{url}: figures while the outbox is not drained");
        outbox.0.store(false, Ordering::SeqCst);
        // Drained at this round; what it held is read only by the next idle round.
        consumer.idle().await.unwrap();
        assert!(not_ready(service.snapshot().await), "{url}: figures one round early");
        consumer.idle().await.unwrap();
        let snapshot = service.snapshot().await.unwrap();
        assert_eq!(snapshot.refreshed_at.timestamp(), at.timestamp(), "{url}: modified is the newest change");
        assert_eq!(snapshot.dataset("talents_by_origin").unwrap().total, Some(talents.len()));

        // A redelivered older change does not move it back; a newer one moves it on.
        consumer.apply(&batch[1..2]).await.unwrap();
        let newer = Change::Upserted(talents[0].clone());
        consumer.apply(&[event(&newer, 2, at + Span::hours(1), 99)]).await.unwrap();
        assert_eq!(service.snapshot().await.unwrap().refreshed_at.timestamp(), (at + Span::hours(1)).timestamp());

        // Completeness is stored: a restarted reader serves at once.
        let again = open(db).await;
        assert!(again.snapshot().await.is_ok(), "{url}: a restart withholds figures that were complete");
    }
}

fn total(d: &Dataset) -> Option<usize> {
    d.total
}

async fn databases() -> Vec<(String, sea_orm::DatabaseConnection)> {
    let dir = tempfile::tempdir().unwrap().keep();
    let sqlite = format!("sqlite://{}?mode=rwc", dir.join("insights.db").display());
    let postgres = crocevia_kit::testing::fresh_postgres_database("insights").await;
    let mut out = Vec::new();
    for url in [sqlite, postgres] {
        let db = crocevia_kit::db::connect(&url.clone().into(), 5).await.unwrap();
        out.push((url, db));
    }
    out
}

#[tokio::test]
async fn facts_follow_versions_and_erasures_and_redelivery_changes_nothing() {
    for (url, db) in databases().await {
        let backend = url.split(':').next().unwrap().to_owned();
        let service = open(db).await;
        let mut consumer = service.consumer(&settings());
        catch_up(&mut consumer).await;
        let talents = demo("talents.json", "talent");
        let now = Utc::now();
        let batch: Vec<Delivery> =
            talents.iter().enumerate().map(|(i, t)| event(&Change::Upserted(t.clone()), 1, now, i as i64)).collect();
        consumer.apply(&batch).await.unwrap();
        let first = service.snapshot().await.unwrap();
        let origin = first.dataset("talents_by_origin").unwrap();
        assert_eq!(total(origin), Some(talents.len()), "{backend}");

        // The same batch again: nothing changes, the version check skips it all.
        let (_, applied) = consumer.apply(&batch).await.unwrap();
        assert_eq!(applied.stale, talents.len(), "{backend}");
        assert_eq!(applied.facts, 0, "{backend}");
        let again = service.snapshot().await.unwrap();
        assert_eq!(total(again.dataset("talents_by_origin").unwrap()), Some(talents.len()), "{backend}");

        // Erase one Italian talent; a late, older upsert must not bring her back.
        let Entity::Talent(italian) =
            talents.iter().find(|t| matches!(t, Entity::Talent(t) if t.country_of_origin == "IT")).unwrap().clone()
        else {
            unreachable!()
        };
        let erase = Change::Erased { kind: EntityKind::Talent, id: italian.id.as_uuid(), reason: "erased".into() };
        consumer.apply(&[event(&erase, 2, now, 100)]).await.unwrap();
        consumer.apply(&[event(&Change::Upserted(Entity::Talent(italian.clone())), 1, now, 101)]).await.unwrap();
        let after = service.snapshot().await.unwrap();
        let origin = after.dataset("talents_by_origin").unwrap();
        assert_eq!(total(origin), Some(talents.len() - 1), "{backend}");
        let it_before = first.dataset("talents_by_origin").unwrap().rows.iter().find(|r| r.key == "IT").unwrap().count;
        let it_after = origin.rows.iter().find(|r| r.key == "IT").unwrap().count;
        assert_eq!(it_after, it_before - 1, "{backend}");
        assert!(after.generation > first.generation, "{backend}");
    }
}

#[tokio::test]
async fn first_good_matches_give_the_median_time_to_match() {
    let (_, db) = databases().await.remove(0);
    let service = open(db).await;
    let mut consumer = service.consumer(&settings());
    catch_up(&mut consumer).await;
    let offers: Vec<Entity> = demo("offers.json", "offer").into_iter().take(7).collect();
    let posted = Utc::now() - Span::hours(100);
    let batch: Vec<Delivery> =
        offers.iter().enumerate().map(|(i, o)| event(&Change::Upserted(o.clone()), 1, posted, i as i64)).collect();
    consumer.apply(&batch).await.unwrap();
    // Offer i is matched well after 10*(i+1) hours; a weak match (0.3) earlier does not count,
    // and a later good match of the same offer does not move its first.
    let mut matches = Vec::new();
    for (i, o) in offers.iter().enumerate() {
        for (hours, score) in [(5 * (i as i64 + 1), 0.3), (10 * (i as i64 + 1), 0.8), (90, 0.9)] {
            let e = crocevia_proto::v1::MatchChanged {
                event_id: uuid::Uuid::now_v7().to_string(),
                subject_kind: "offer".into(),
                subject_id: o.id().to_string(),
                counterpart_kind: "talent".into(),
                counterpart_id: uuid::Uuid::now_v7().to_string(),
                old_rank: 0,
                new_rank: 1,
                old_score: 0.0,
                new_score: score,
                occurred_at: Some(prost_types::Timestamp {
                    seconds: (posted + Span::hours(hours)).timestamp(),
                    nanos: 0,
                }),
                correlation_id: "t".into(),
            };
            matches.push(Delivery {
                topic: "matches.v1".into(),
                partition: 0,
                offset: matches.len() as i64,
                key: o.id().to_string(),
                payload: e.encode_to_vec(),
                headers: vec![],
            });
        }
    }
    consumer.apply(&matches).await.unwrap();
    let snapshot = service.snapshot().await.unwrap();
    let d = snapshot.dataset("offers_time_to_first_match").unwrap();
    assert_eq!(d.total, Some(7));
    // Hours 10, 20, ..., 70: the median is 40.
    assert_eq!(d.headline, Some(40.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_event_is_dead_lettered_and_the_consumer_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let bus: SharedBus = Arc::new(InProcessBus::open(&dir.path().join("bus"), false, "dlq").unwrap());
    bus.create_topics(&[TopicSpec::new("profiles.v1", 2), TopicSpec::new("matches.v1", 2), TopicSpec::new("dlq", 1)])
        .await
        .unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("db.sqlite").display());
    let db = crocevia_kit::db::connect(&url.into(), 5).await.unwrap();
    let service = open(db).await;
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let settings = InsightsSettings {
        batch: BatchSettings { batch_max: 100, max_delay: Duration::from_millis(50) },
        ..settings()
    };
    let task = service.start(bus.clone(), settings, shutdown).await.unwrap();
    bus.publish("profiles.v1", vec![OutMessage::new("poison", b"not an envelope".to_vec())]).await.unwrap();
    bus.publish("matches.v1", vec![OutMessage::new("poison", vec![0xff, 0xff, 0xff])]).await.unwrap();
    let startups = demo("startups.json", "startup");
    let messages: Vec<OutMessage> = startups
        .iter()
        .map(|s| {
            let bytes = envelope::encode(&envelope::build(&Change::Upserted(s.clone()), 1, "t", Utc::now()));
            OutMessage::new(s.id().to_string(), bytes)
        })
        .collect();
    bus.publish("profiles.v1", messages).await.unwrap();
    let started = Instant::now();
    loop {
        // Complete once the consumer has idled past the end of both topics.
        if let Ok(snapshot) = service.snapshot().await
            && snapshot.dataset("startups_by_stage").unwrap().total == Some(startups.len())
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the consumer stopped at the poison event");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut dlq = bus.subscribe(&["dlq".to_owned()], "inspect").await.unwrap();
    let mut errors = Vec::new();
    while let Some(d) = dlq.poll(Duration::from_secs(2)).await.unwrap() {
        errors.push((
            d.header(crocevia_kit::bus::HEADER_SOURCE_TOPIC).unwrap().to_owned(),
            d.header(crocevia_kit::bus::HEADER_ERROR).unwrap().to_owned(),
        ));
    }
    errors.sort();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "matches.v1");
    assert!(errors[0].1.contains("MatchChanged"), "{errors:?}");
    assert_eq!(errors[1].0, "profiles.v1");
    stop.send(true).unwrap();
    task.await.unwrap();
}
