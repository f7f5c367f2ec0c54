//! Throughput outbox → bus → index: rows committed in PostgreSQL, published by the real relay,
//! indexed by the real search consumer, on the Kafka broker and on the in-process bus of the
//! embedded mode, the same rows for both, rounds alternating so that noise hits both alike.

use super::data::{self, FreshDatabase};
use super::follow::{self, Ended, Follow};
use super::progress::Progress;
use super::{Bus, applied, median, published};
use anyhow::{Context, ensure};
use chrono::Utc;
use crocevia_domain::{Entity, OrganisationId, SkillConcept};
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::{OutMessage, SharedBus, TopicSpec};
use crocevia_kit::config::Settings;
use crocevia_profiles::Profiles;
use crocevia_profiles::migration::Migrator;
use crocevia_profiles::relay::Relay;
use crocevia_proto::envelope::{self, Change};
use crocevia_search::SearchService;
use crocevia_search::consumer::BatchSettings;
use crocevia_search::service::SearchSettings;
use crocevia_search::taxonomy::Taxonomy;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use sea_orm_migration::MigratorTrait;
use secrecy::SecretString;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Rounds per bus; the report gives their median.
pub const ROUNDS: usize = 3;
/// Longest wait for the consumer to join its group and apply the warm-up event.
const JOIN_LIMIT: Duration = Duration::from_secs(120);
/// Concurrent writers filling the outbox (not timed: the rows exist before a round starts).
const WRITERS: usize = 8;
/// Longest round: 50,000 changes at the target rate take 10 s.
const ROUND_LIMIT: Duration = Duration::from_secs(300);

#[derive(Debug, Clone)]
pub struct Round {
    /// Relay start → the index holds every change (or the round stopped).
    pub secs: f64,
    /// Relay start → the relay marked the last row published, if it got there.
    pub relay_secs: Option<f64>,
    /// Subscribing until the consumer applied a first event (group join), not in `secs`.
    pub join_secs: f64,
    /// Changes the index holds at the end: all of them unless the round stopped short.
    pub applied: u64,
    /// Why the round stopped short.
    pub stopped: Option<String>,
}

impl Round {
    pub fn rate(&self) -> f64 {
        self.applied as f64 / self.secs.max(1e-9)
    }
}

#[derive(Debug, Clone)]
pub struct Figures {
    pub changes: usize,
    pub new: usize,
    pub updates: usize,
    pub write_secs: f64,
    pub writers: usize,
    pub relay_batch: u64,
    pub consumer: BatchSettings,
    pub kafka: Vec<Round>,
    pub in_process: Vec<Round>,
}

impl Figures {
    /// Median changes per second of `rounds`.
    pub fn rate(rounds: &[Round]) -> f64 {
        median(rounds.iter().map(Round::rate).collect())
    }
}

pub async fn run(
    settings: &Settings,
    entities: &[Entity],
    concepts: &[SkillConcept],
    taxonomy: Arc<Taxonomy>,
    kafka: &Bus,
    changes: usize,
) -> anyhow::Result<Figures> {
    let picked = data::pick(entities, changes);
    let warmup = warmup_entity(&picked.first).context("the data set has no organisation")?;
    let database = FreshDatabase::create("crocevia_bench_pipeline").await?;
    let measured = on_database(settings, &database, picked, &warmup, concepts, taxonomy, kafka).await;
    if let Err(e) = database.drop_database().await {
        tracing::warn!(error = format!("{e:#}"), "the throughput bench database was not dropped");
    }
    measured
}

/// Fills the outbox of `database`, then runs the rounds on it.
#[expect(clippy::print_stdout, reason = "progress of a long command")]
async fn on_database(
    settings: &Settings,
    database: &FreshDatabase,
    picked: data::Changes,
    warmup: &Entity,
    concepts: &[SkillConcept],
    taxonomy: Arc<Taxonomy>,
    kafka: &Bus,
) -> anyhow::Result<Figures> {
    let db = crocevia_kit::db::connect(&SecretString::from(database.url.clone()), WRITERS as u32 * 2).await?;
    Migrator::up(&db, None).await.context("applying migrations")?;
    let profiles = Profiles::new(db.clone(), format!("profiles.v1-{}", kafka.suffix));
    profiles.upsert_skills(concepts).await.map_err(|e| anyhow::anyhow!("{e}"))?;

    println!(
        "pipeline: committing {} changes ({} new, {} second versions) to the outbox with {WRITERS} writers...",
        picked.len(),
        picked.first.len(),
        picked.updates.len()
    );
    let progress = Progress::new("writing the outbox", picked.len() as u64);
    let started = Instant::now();
    for phase in picked.phases() {
        data::write(&profiles, phase, WRITERS, &progress).await?;
    }
    progress.finish();
    let write_secs = started.elapsed().as_secs_f64();
    let updated: Vec<Uuid> = picked.updates.iter().map(Entity::id).collect();
    let expect = Expect { changes: picked.len() as u64, docs: picked.first.len() as u64 + 1, updated };

    let consumer = BatchSettings {
        batch_max: settings.search.batch_max,
        max_delay: Duration::from_millis(settings.search.max_delay_ms),
    };
    let mut figures = Figures {
        changes: picked.len(),
        new: picked.first.len(),
        updates: picked.updates.len(),
        write_secs,
        writers: WRITERS,
        relay_batch: settings.profiles.relay_batch_size,
        consumer,
        kafka: Vec::new(),
        in_process: Vec::new(),
    };
    for round in 0..ROUNDS {
        for on_kafka in [true, false] {
            let name = if on_kafka { "kafka" } else { "in-process" };
            println!("pipeline: round {}/{ROUNDS} on the {name} bus...", round + 1);
            let bus_dir = tempfile::tempdir()?;
            let bus: SharedBus = if on_kafka {
                kafka.bus.clone()
            } else {
                Arc::new(InProcessBus::open(bus_dir.path(), settings.bus.fsync, &kafka.dead_letter)?)
            };
            let topic = format!("profiles.v1-bench-{}-{name}-{round}", kafka.suffix);
            let run = RoundRun { settings, db: &db, profiles: &profiles, bus, topic, consumer, expect: &expect };
            let measured = run.measure(warmup, taxonomy.clone()).await?;
            println!(
                "  {:.0} changes/s ({} of {} indexed in {:.1} s, relay done at {}; consumer joined in {:.1} s){}",
                measured.rate(),
                measured.applied,
                expect.changes,
                measured.secs,
                measured.relay_secs.map_or_else(|| "-".to_owned(), |s| format!("{s:.1} s")),
                measured.join_secs,
                measured.stopped.as_deref().map(|r| format!("; {r}")).unwrap_or_default()
            );
            if on_kafka { figures.kafka.push(measured) } else { figures.in_process.push(measured) }
        }
    }
    db.close().await.ok();
    Ok(figures)
}

/// An organisation outside the data (its own id), published straight to the topic before the
/// round to learn that the consumer has joined its group and holds the partitions.
fn warmup_entity(first: &[Entity]) -> Option<Entity> {
    first.iter().find_map(|e| match e {
        Entity::Organisation(o) => {
            let mut o = o.clone();
            o.id = OrganisationId::from_uuid(Uuid::now_v7());
            Some(Entity::Organisation(o))
        }
        _ => None,
    })
}

/// What the index must hold when a round is over.
struct Expect {
    changes: u64,
    /// Searchable documents: every new entity and the warm-up one.
    docs: u64,
    /// Entities that must be at version 2.
    updated: Vec<Uuid>,
}

struct RoundRun<'a> {
    settings: &'a Settings,
    db: &'a DatabaseConnection,
    profiles: &'a Profiles,
    bus: SharedBus,
    topic: String,
    consumer: BatchSettings,
    expect: &'a Expect,
}

impl RoundRun<'_> {
    async fn measure(self, warmup: &Entity, taxonomy: Arc<Taxonomy>) -> anyhow::Result<Round> {
        // The same committed rows every round: unpublished again, and bound for this round's topic.
        self.db
            .execute(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE outbox SET published_at = NULL, topic = $1",
                [self.topic.clone().into()],
            ))
            .await
            .context("re-arming the outbox")?;
        self.db.execute_unprepared("VACUUM ANALYZE outbox").await.context("vacuuming the outbox")?;
        let dead_letter = self.bus.dead_letter_topic().to_owned();
        self.bus
            .create_topics(&[TopicSpec::new(&self.topic, self.settings.bus.partitions), TopicSpec::new(dead_letter, 1)])
            .await
            .context("creating the round's topics")?;

        let dir = tempfile::tempdir()?;
        let root = dir.path().join("search");
        let service = SearchService::open(&root, taxonomy)?;
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        let search_settings = SearchSettings {
            root,
            topic: self.topic.clone(),
            group: format!("search-{}", self.topic),
            batch: self.consumer,
            announce: None,
        };
        let joining = Instant::now();
        let before = applied();
        // The consumer reads as the platform's does: sealed talent events opened with the keys.
        let opened = crocevia_kit::bus::opening::OpeningBus::wrap(
            self.bus.clone(),
            std::sync::Arc::new(crocevia_profiles::keys::KeyRing::new(self.db.clone())),
        );
        let mut tasks = service.start(opened, search_settings, shutdown.clone()).await?;
        let bytes =
            envelope::encode(&envelope::build(&Change::Upserted(warmup.clone()), 1, "bench-warmup", Utc::now()));
        self.bus.publish(&self.topic, vec![OutMessage::new(warmup.id().to_string(), bytes)]).await?;
        let deadline = Instant::now() + JOIN_LIMIT;
        while applied() == before {
            if Instant::now() > deadline {
                follow::stop(stop, tasks).await;
                let stopped = Some(format!("the consumer was not served within {} s", JOIN_LIMIT.as_secs()));
                let secs = joining.elapsed().as_secs_f64();
                return Ok(Round { secs, relay_secs: None, join_secs: secs, applied: 0, stopped });
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let join_secs = joining.elapsed().as_secs_f64();

        let relay = Relay {
            db: self.db.clone(),
            bus: self.bus.clone(),
            batch_size: self.settings.profiles.relay_batch_size,
            interval: Duration::from_millis(self.settings.profiles.relay_interval_ms),
            wake: self.profiles.relay_wake(),
            failpoint: None,
        };
        let changes = self.expect.changes;
        let published_base = published();
        let mut follow = Follow::start(changes, ROUND_LIMIT, Progress::new("relaying and indexing", changes));
        tasks.push(tokio::spawn(relay.run(shutdown)));
        let mut relay_secs = None;
        let ended = loop {
            if relay_secs.is_none() && published() - published_base >= changes {
                relay_secs = Some(follow.started.elapsed().as_secs_f64());
            }
            if let Some(ended) = follow.step() {
                break ended;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let secs = follow.started.elapsed().as_secs_f64();
        let done = follow.done().min(changes);
        follow::stop(stop, tasks).await;
        if ended == Ended::Complete {
            self.check(&service).await?;
        }
        drop(service);
        Ok(Round { secs, relay_secs, join_secs, applied: done, stopped: ended.reason(ROUND_LIMIT) })
    }

    /// Every new entity is searchable and every edited one is at its second version.
    async fn check(&self, service: &SearchService) -> anyhow::Result<()> {
        let index = service.index();
        let (docs, updated) = (self.expect.docs, self.expect.updated.clone());
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let searchable = index.num_searchable()?;
            ensure!(searchable == docs, "the index holds {searchable} documents, not {docs}");
            for id in updated {
                let version = index.version_of(id)?;
                ensure!(version == Some(2), "{id} is at version {version:?} in the index, not 2");
            }
            Ok(())
        })
        .await??;
        Ok(())
    }
}
