//! Rebuilding the insights from the database, against real storage (SQLite and PostgreSQL)
//! and the real in-process bus: the facts rebuilt from a database equal those the consumer
//! kept from the whole history of events; a start with no facts rebuilds by itself and then
//! follows the topics from where it rebuilt, never reading the history again, and a change
//! made after the rebuild is counted once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use crocevia_domain::{Entity, EntityKind, TalentId};
use crocevia_insights::compute::Snapshot;
use crocevia_insights::rebuild::{Logged, Phase, Recorded, Source, Tombstone};
use crocevia_insights::store::{self, facts};
use crocevia_insights::{InsightsError, InsightsService, InsightsSettings, RebuildFrom};
use crocevia_kit::bus::batch::BatchSettings;
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::{Delivery, OutMessage, SharedBus, TopicSpec};
use crocevia_proto::envelope::{self, Change};
use prost::Message;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{demo, publication};
use uuid::Uuid;

const PROFILES: &str = "profiles.v1";
const MATCHES: &str = "matches.v1";

/// The database as the fake source holds it: what the profiles and matching tables would.
#[derive(Debug, Default, Clone)]
struct Database {
    entities: BTreeMap<Uuid, Recorded>,
    tombstones: BTreeMap<Uuid, Tombstone>,
    match_events: Vec<(i64, Vec<u8>)>,
    /// A service whose figures must be withheld while this is read.
    withheld: Option<InsightsService>,
}

#[async_trait::async_trait]
impl Source for Database {
    async fn count(&self, phase: Phase) -> anyhow::Result<u64> {
        Ok(match phase {
            Phase::Erasures => self.tombstones.len(),
            Phase::Entities(kind) => self.entities.values().filter(|r| r.entity.kind() == kind).count(),
            Phase::MatchEvents => self.match_events.len(),
        } as u64)
    }

    async fn entities(&self, kind: EntityKind, after: Option<Uuid>, limit: u64) -> anyhow::Result<Vec<Recorded>> {
        if let Some(service) = &self.withheld {
            let partial = service.snapshot().await;
            assert!(matches!(partial, Err(InsightsError::NotReady { .. })), "figures served while rebuilt");
        }
        Ok(self
            .entities
            .range(after.map_or(Uuid::nil(), |a| a)..)
            .filter(|(id, r)| Some(**id) != after && r.entity.kind() == kind)
            .take(limit as usize)
            .map(|(_, r)| r.clone())
            .collect())
    }

    async fn tombstones(&self, after: Option<Uuid>, limit: u64) -> anyhow::Result<Vec<Tombstone>> {
        Ok(self
            .tombstones
            .range(after.map_or(Uuid::nil(), |a| a)..)
            .filter(|(id, _)| Some(**id) != after)
            .take(limit as usize)
            .map(|(_, t)| t.clone())
            .collect())
    }

    async fn match_events(&self, after: Option<i64>, limit: u64) -> anyhow::Result<Vec<(i64, Vec<u8>)>> {
        Ok(self.match_events.iter().filter(|(seq, _)| Some(*seq) > after).take(limit as usize).cloned().collect())
    }
}

/// A platform's life: every event it published, in order (`(topic, key, payload)`), and the
/// database it ended with.
struct History {
    events: Vec<(&'static str, String, Vec<u8>)>,
    database: Database,
}

impl History {
    fn upsert(&mut self, entity: Entity, version: u64, at: DateTime<Utc>) {
        let id = entity.id();
        let payload = envelope::encode(&envelope::build(&Change::Upserted(entity.clone()), version, "t", at));
        self.events.push((PROFILES, id.to_string(), payload));
        let created_at = self.database.entities.get(&id).map_or(at, |r| r.created_at);
        self.database.entities.insert(id, Recorded { entity, version, created_at, updated_at: at });
    }

    fn erase(&mut self, kind: EntityKind, id: Uuid, at: DateTime<Utc>) {
        let version = self.database.entities.remove(&id).map_or(1, |r| r.version + 1);
        let change = Change::Erased { kind, id, reason: "erased".into() };
        self.events.push((PROFILES, id.to_string(), envelope::encode(&envelope::build(&change, version, "t", at))));
        self.database.tombstones.insert(id, Tombstone { id, kind, version, deleted_at: at });
    }

    fn matched(&mut self, offer: Uuid, score: f64, rank: u32, at: DateTime<Utc>) {
        let event = crocevia_proto::v1::MatchChanged {
            event_id: Uuid::now_v7().to_string(),
            subject_kind: "offer".into(),
            subject_id: offer.to_string(),
            counterpart_kind: "talent".into(),
            counterpart_id: Uuid::now_v7().to_string(),
            old_rank: 0,
            new_rank: rank,
            old_score: 0.0,
            new_score: score,
            occurred_at: Some(prost_types::Timestamp { seconds: at.timestamp(), nanos: 0 }),
            correlation_id: "t".into(),
        };
        let payload = event.encode_to_vec();
        self.events.push((MATCHES, offer.to_string(), payload.clone()));
        let seq = self.database.match_events.len() as i64 + 1;
        self.database.match_events.push((seq, payload));
    }
}

/// The demo data's life over some weeks: everything created, a third of the talents moved
/// country, some startups, an organisation and a talent deleted, and offers matched (weakly,
/// then well, then better).
fn history() -> History {
    let mut h = History { events: Vec::new(), database: Database::default() };
    let start = Utc.with_ymd_and_hms(2026, 10, 1, 8, 0, 0).unwrap();
    let mut at = start;
    let mut tick = || {
        at += Span::minutes(7);
        at
    };
    let mut all = Vec::new();
    for (file, kind) in [
        ("organisations.json", "organisation"),
        ("programmes.json", "programme"),
        ("offers.json", "offer"),
        ("talents.json", "talent"),
        ("startups.json", "startup"),
        ("applications.json", "application"),
    ] {
        all.extend(demo(file, kind));
    }
    for entity in &all {
        h.upsert(entity.clone(), 1, tick());
    }
    for (i, entity) in all.iter().enumerate() {
        match entity {
            Entity::Talent(t) if i % 3 == 0 => {
                let mut moved = t.clone();
                moved.country_of_origin = "DE".into();
                h.upsert(Entity::Talent(moved), 2, tick());
            }
            Entity::Startup(s) if i % 5 == 0 => h.erase(EntityKind::Startup, s.id.as_uuid(), tick()),
            _ => {}
        }
    }
    let organisation = all.iter().find(|e| e.kind() == EntityKind::Organisation).unwrap().id();
    h.erase(EntityKind::Organisation, organisation, tick());
    let talent = all.iter().rev().find(|e| e.kind() == EntityKind::Talent).unwrap().id();
    h.erase(EntityKind::Talent, talent, tick());
    let offers: Vec<Uuid> = all.iter().filter(|e| e.kind() == EntityKind::Offer).map(Entity::id).collect();
    for (i, offer) in offers.iter().enumerate() {
        let posted = h.database.entities[offer].created_at;
        h.matched(*offer, 0.3, 1, posted + Span::hours(2));
        if i % 4 != 3 {
            h.matched(*offer, 0.8, 2, posted + Span::hours(5 * (i as i64 % 9 + 1)));
            h.matched(*offer, 0.9, 1, posted + Span::hours(100));
        }
    }
    h
}

fn event_delivery(i: usize, (topic, key, payload): &(&'static str, String, Vec<u8>)) -> Delivery {
    Delivery {
        topic: (*topic).to_owned(),
        partition: 0,
        offset: i as i64,
        key: key.clone(),
        payload: payload.clone(),
        headers: vec![],
    }
}

fn settings(bus: SharedBus, database: Database) -> InsightsSettings {
    InsightsSettings {
        profiles_topic: PROFILES.into(),
        matches_topic: MATCHES.into(),
        group: "insights".into(),
        batch: BatchSettings { batch_max: 50, max_delay: Duration::from_millis(20) },
        upstream: None,
        rebuild: Some(RebuildFrom { source: Arc::new(database), bus, progress: Arc::new(Logged::default()) }),
    }
}

async fn bus() -> SharedBus {
    let bus: SharedBus = Arc::new(InProcessBus::ephemeral("dlq"));
    bus.create_topics(&[TopicSpec::new(PROFILES, 3), TopicSpec::new(MATCHES, 3), TopicSpec::new("dlq", 1)])
        .await
        .unwrap();
    bus
}

async fn databases() -> Vec<(String, sea_orm::DatabaseConnection)> {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut out = Vec::new();
    for url in [
        format!("sqlite://{}?mode=rwc", dir.join(format!("insights-{}.db", Uuid::now_v7())).display()),
        crocevia_kit::testing::fresh_postgres_database("rebuild").await,
    ] {
        out.push((url.clone(), crocevia_kit::db::connect(&url.into(), 5).await.unwrap()));
    }
    out
}

/// Every row of the facts (with a fact or not) and of the first matches.
async fn tables(
    db: &sea_orm::DatabaseConnection,
) -> (Vec<facts::Model>, Vec<facts::Model>, BTreeMap<Uuid, DateTime<Utc>>) {
    let mut counted = store::all_facts(db).await.unwrap();
    counted.sort_by_key(|f| f.id);
    let mut erased = facts::Entity::find().filter(facts::Column::Fact.is_null()).all(db).await.unwrap();
    erased.sort_by_key(|f| f.id);
    let first = store::all_first_matches(db).await.unwrap().into_iter().map(|m| (m.offer_id, m.at)).collect();
    (counted, erased, first)
}

fn assert_same_figures(a: &Snapshot, b: &Snapshot, what: &str) {
    assert_eq!(a.since, b.since, "{what}: since");
    assert_eq!(a.datasets.len(), b.datasets.len());
    for (x, y) in a.datasets.iter().zip(&b.datasets) {
        assert_eq!(x.spec.id, y.spec.id);
        assert_eq!((x.total, x.headline), (y.total, y.headline), "{what}: {}", x.spec.id);
        assert_eq!(x.rows, y.rows, "{what}: {}", x.spec.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facts_rebuilt_from_the_database_equal_facts_kept_from_every_event() {
    let h = history();
    for (url, db) in databases().await {
        let backend = url.split(':').next().unwrap().to_owned();
        // From the topics: the consumer reads the whole history, in batches.
        let (topic_db, rebuilt_db) = (db.clone(), {
            let url = match backend.as_str() {
                "sqlite" => url.replace(".db?", "-rebuilt.db?"),
                _ => crocevia_kit::testing::fresh_postgres_database("rebuilt").await,
            };
            crocevia_kit::db::connect(&url.into(), 5).await.unwrap()
        });
        let from_topics = InsightsService::open(topic_db.clone(), publication()).await.unwrap();
        let mut consumer = from_topics.consumer(&settings(bus().await, h.database.clone()));
        let deliveries: Vec<Delivery> = h.events.iter().enumerate().map(|(i, e)| event_delivery(i, e)).collect();
        for batch in deliveries.chunks(37) {
            let (poison, _) = consumer.apply(batch).await.unwrap();
            assert!(poison.is_empty(), "{backend}: {poison:?}");
        }
        consumer.idle().await.unwrap();
        consumer.idle().await.unwrap();

        // From the database: the rebuild, in chunks.
        let rebuilt = InsightsService::open(rebuilt_db.clone(), publication()).await.unwrap();
        let (_stop, stop) = tokio::sync::watch::channel(false);
        let database = Database { withheld: Some(rebuilt.clone()), ..h.database.clone() };
        let report = rebuilt.rebuild(&settings(bus().await, database), &stop).await.unwrap();
        assert!(report.first_matches > 0 && report.erased > 0 && report.facts > 100, "{backend}: {report:?}");

        let (counted, erased, first) = tables(&topic_db).await;
        let (counted_again, erased_again, first_again) = tables(&rebuilt_db).await;
        assert_eq!(counted.len(), counted_again.len(), "{backend}: entities counted");
        assert_eq!(counted, counted_again, "{backend}: facts, versions and first sightings");
        assert_eq!(first, first_again, "{backend}: first good matches and their times");
        // Erasures: the rebuild keeps a row at the tombstone's version for every deletion of
        // a counted kind, the consumer one for each entity it had counted (here, the same).
        let versions = |rows: &[facts::Model]| rows.iter().map(|r| (r.id, r.version)).collect::<Vec<_>>();
        assert_eq!(versions(&erased), versions(&erased_again), "{backend}: erasures");

        let (a, b) = (from_topics.snapshot().await.unwrap(), rebuilt.snapshot().await.unwrap());
        assert_same_figures(&a, &b, &backend);
        assert!(a.dataset("offers_time_to_first_match").unwrap().total.is_some(), "{backend}: time to match published");
        assert_eq!(a.refreshed_at, b.refreshed_at, "{backend}: how far the figures reach");
    }
}

/// Polls until `check` holds of the snapshot, or fails after 15 s with `what`.
async fn until(service: &InsightsService, what: &str, check: impl Fn(&Snapshot) -> bool) -> Arc<Snapshot> {
    let started = Instant::now();
    loop {
        if let Ok(snapshot) = service.snapshot().await
            && check(&snapshot)
        {
            return snapshot;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn count(snapshot: &Snapshot, dataset: &str, key: &str) -> usize {
    snapshot.dataset(dataset).unwrap().rows.iter().find(|r| r.key == key).map_or(0, |r| r.count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_with_no_facts_rebuilds_and_then_follows_the_topics_from_there() {
    let mut h = history();
    // Probes of what the consumer reads: a talent the database never held and a message that
    // is no event, both on the topic before the rebuild. Read from the topic's start they
    // would be counted and dead-lettered; followed from where the rebuild left the group,
    // neither is ever read.
    let Entity::Talent(mut ghost) =
        h.database.entities.values().find(|r| r.entity.kind() == EntityKind::Talent).unwrap().entity.clone()
    else {
        unreachable!()
    };
    ghost.id = TalentId::from_uuid(Uuid::now_v7());
    let ghost = envelope::build(&Change::Upserted(Entity::Talent(ghost.clone())), 1, "t", Utc::now());
    h.events.push((PROFILES, ghost.entity_id.clone(), envelope::encode(&ghost)));
    h.events.push((PROFILES, "poison".into(), b"not an envelope".to_vec()));

    let (url, db) = databases().await.remove(1);
    let bus = bus().await;
    for (topic, key, payload) in &h.events {
        bus.publish(topic, vec![OutMessage::new(key.clone(), payload.clone())]).await.unwrap();
    }
    let service = InsightsService::open(db, publication()).await.unwrap();
    assert!(service.needs_rebuild().await.unwrap(), "{url}: a new service has no facts");
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let task = service.start(bus.clone(), settings(bus.clone(), h.database.clone()), shutdown).await.unwrap();

    let talents = h.database.entities.values().filter(|r| r.entity.kind() == EntityKind::Talent).count();
    let first = until(&service, "the rebuild never completed", |_| true).await;
    assert_eq!(first.dataset("talents_by_origin").unwrap().total, Some(talents), "{url}: the ghost was counted");
    assert!(!service.needs_rebuild().await.unwrap());

    // After the rebuild: an Italian talent moves to France (a newer version), and a new
    // talent arrives twice (redelivered). Each counts once.
    let italian = h
        .database
        .entities
        .values()
        .find_map(|r| match &r.entity {
            Entity::Talent(t) if t.country_of_origin == "IT" => Some((t.clone(), r.version)),
            _ => None,
        })
        .unwrap();
    let (mut moved, version) = italian;
    moved.country_of_origin = "FR".into();
    let mut newcomer = moved.clone();
    newcomer.id = TalentId::from_uuid(Uuid::now_v7());
    let now = Utc::now();
    let changes = [
        (Entity::Talent(moved.clone()), version + 1),
        (Entity::Talent(newcomer.clone()), 1),
        (Entity::Talent(newcomer), 1),
    ];
    for (entity, version) in changes {
        let payload = envelope::encode(&envelope::build(&Change::Upserted(entity.clone()), version, "t", now));
        bus.publish(PROFILES, vec![OutMessage::new(entity.id().to_string(), payload)]).await.unwrap();
    }
    let it = count(&first, "talents_by_origin", "IT");
    let after = until(&service, "the changes after the rebuild were not counted", |s| {
        s.dataset("talents_by_origin").unwrap().total == Some(talents + 1)
    })
    .await;
    assert_eq!(count(&after, "talents_by_origin", "IT"), it - 1, "{url}: the Italian who moved");
    // Redelivered or not, nothing more arrives.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(service.snapshot().await.unwrap().dataset("talents_by_origin").unwrap().total, Some(talents + 1));

    stop.send(true).unwrap();
    task.await.unwrap();
    let mut dlq = bus.subscribe(&["dlq".to_owned()], "inspect").await.unwrap();
    assert!(dlq.poll(Duration::from_millis(500)).await.unwrap().is_none(), "{url}: the history was read again");
}
