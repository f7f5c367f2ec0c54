//! The running matching service: start-up from its tables, the consumer, the outbox relay,
//! and the queries the gateway calls.

use crate::eligibility::Verdict;
use crate::engine::{Engine, Entry, Side};
use crate::explain::Explained;
use crate::pair::{self, PairError, PairView};
use crate::store::{self, Batch, Migrator};
use crate::{events, text};
use anyhow::Context;
use crocevia_domain::Entity;
use crocevia_kit::bus::batch::{BatchHandler, BatchSettings};
use crocevia_kit::bus::{Delivery, OutMessage, SharedBus, Subscription, outbox};
use crocevia_proto::envelope::{self, Change};
use crocevia_search::index::SearchIndex;
use crocevia_search::taxonomy::Taxonomy;
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct MatchingSettings {
    pub topic: String,
    pub matches_topic: String,
    pub group: String,
    pub batch_max: usize,
    pub max_delay: Duration,
}

#[derive(Debug, Clone)]
pub struct MatchingService {
    engine: Arc<Mutex<Engine>>,
    db: DatabaseConnection,
    /// Subjects whose list changed, announced in-process after the lists are stored.
    changed: tokio::sync::broadcast::Sender<(Uuid, Side)>,
    /// Whether every match event this process published is marked: false at start and after a
    /// failed publish, when the next publish reads the topic back first.
    outbox_clean: Arc<AtomicBool>,
    /// Effects computed and applied in memory whose storing failed; stored before the next batch.
    unsaved: Arc<tokio::sync::Mutex<Option<Batch>>>,
}

/// Changed entities recomputed under one hold of the engine: a few hundred milliseconds.
const RECOMPUTE_CHUNK: usize = 100;

fn lock(engine: &Mutex<Engine>) -> MutexGuard<'_, Engine> {
    engine.lock().unwrap_or_else(|p| p.into_inner())
}

fn entity_of(kind: &str, data: serde_json::Value) -> anyhow::Result<Entity> {
    Ok(serde_json::from_value(serde_json::json!({ "kind": kind, "data": data }))?)
}

impl MatchingService {
    /// Migrates its tables, loads its replica and lists, and rebuilds its retrieval index
    /// (in `index_dir`) when it does not hold exactly the replica.
    pub async fn open(db: DatabaseConnection, index_dir: &Path, taxonomy: Arc<Taxonomy>) -> anyhow::Result<Self> {
        Migrator::up(&db, None).await.context("matching migrations")?;
        let replica = store::load_replica(&db).await?;
        let lists = store::load_lists(&db).await?;
        let dir = index_dir.to_owned();
        let engine = tokio::task::spawn_blocking(move || -> anyhow::Result<Engine> {
            let live = replica.iter().filter(|r| r.data.is_some()).count() as u64;
            let mut index = SearchIndex::open(&dir, taxonomy.clone())?;
            let rebuild = index.num_searchable()? != live;
            if rebuild {
                drop(index);
                std::fs::remove_dir_all(&dir).ok();
                index = SearchIndex::open(&dir, taxonomy)?;
            }
            let mut engine = Engine::new(index);
            for row in replica {
                engine.set_version(row.id, row.version as u64);
                let Some(data) = row.data else { continue };
                let entity = entity_of(&row.kind, data)?;
                if rebuild {
                    let meta = crocevia_proto::envelope::EventMeta {
                        event_id: Uuid::nil(),
                        entity_kind: entity.kind(),
                        entity_id: row.id,
                        entity_version: row.version as u64,
                        occurred_at: chrono::Utc::now(),
                        correlation_id: "restore".into(),
                    };
                    engine.index().apply(&meta, &Change::Upserted(entity.clone()))?;
                }
                engine.insert(entity);
            }
            engine.commit_index()?;
            let mut grouped: HashMap<Uuid, Vec<Entry>> = HashMap::new();
            for row in lists {
                grouped.entry(row.subject_id).or_default().push(serde_json::from_value(row.entry)?);
            }
            for (subject, list) in grouped {
                engine.restore_list(subject, list);
            }
            Ok(engine)
        })
        .await??;
        Ok(Self {
            engine: Arc::new(Mutex::new(engine)),
            db,
            changed: tokio::sync::broadcast::channel(4096).0,
            outbox_clean: Arc::new(AtomicBool::new(false)),
            unsaved: Arc::new(tokio::sync::Mutex::new(None)),
        })
    }

    /// Subjects whose list changes from now on.
    pub fn list_changes(&self) -> tokio::sync::broadcast::Receiver<(Uuid, Side)> {
        self.changed.subscribe()
    }

    /// The ranked matches of a talent, offer, startup or programme.
    pub fn matches(&self, subject: Uuid) -> Vec<Entry> {
        lock(&self.engine).list(subject).to_vec()
    }

    /// Talents, open offers, startups and open programmes: every list a rematch recomputes.
    pub fn subject_count(&self) -> usize {
        let engine = lock(&self.engine);
        [Side::Talent, Side::Offer, Side::Startup, Side::Programme].into_iter().map(|s| engine.subjects(s).len()).sum()
    }

    pub fn side_of(&self, id: Uuid) -> Option<Side> {
        lock(&self.engine).side_of(id)
    }

    /// The live verdict and fit of a startup for a programme.
    pub fn eligibility(&self, startup: Uuid, programme: Uuid) -> Option<(Verdict, Explained)> {
        let engine = lock(&self.engine);
        let (s, p) = (engine.startup(startup)?.clone(), engine.programme(programme)?.clone());
        let mut stats = text::Stats::new(engine.index());
        let entry = engine.startup_pair(&s, &p, &mut stats);
        Some((entry.verdict.unwrap_or(Verdict::Eligible), entry.explanation))
    }

    /// The live score of a talent or startup profile against one open offer or programme,
    /// from the profile's side, whether or not the target is in its list (see [`pair::view`]).
    /// On the blocking pool: a batch being matched holds the engine for a while.
    pub async fn pair(&self, subject: Entity, target: Uuid) -> Result<PairView, PairError> {
        let engine = self.engine.clone();
        tokio::task::spawn_blocking(move || pair::view(&lock(&engine), &subject, target))
            .await
            .map_err(|e| PairError::Other(anyhow::anyhow!("scoring a pair: {e}")))?
    }

    /// Applies a batch of deliveries, recomputes, and stores everything in one transaction.
    /// Returns the poison deliveries (index into `batch`) with their errors.
    pub async fn process(&self, batch: &[Delivery]) -> anyhow::Result<HashMap<usize, String>> {
        // The engine applies a batch in memory before it is stored. If storing failed, the
        // redelivered batch is stale for the engine and would compute nothing: store the
        // effects computed the first time instead.
        let mut unsaved = self.unsaved.lock().await;
        if let Some(previous) = unsaved.take() {
            if let Err(e) = store::save(&self.db, previous.clone()).await {
                *unsaved = Some(previous);
                return Err(anyhow::Error::new(e).context("saving the match lists of an earlier batch"));
            }
            tracing::info!("match lists of an earlier batch stored on retry");
        }
        let engine = self.engine.clone();
        let deliveries = batch.to_vec();
        let started = std::time::Instant::now();
        let (saved, poison) = tokio::task::spawn_blocking(move || {
            let mut before = Vec::new();
            let result = apply_batch(&engine, &deliveries, &mut before);
            if result.is_err() {
                // A failed index commit or recompute (a full disk): the redelivered batch
                // must be applied again, not skipped as already held.
                lock(&engine).restore_versions(before);
            }
            result
        })
        .await??;
        let subjects: Vec<(Uuid, Side)> = saved.lists.iter().map(|(s, side, _)| (*s, *side)).collect();
        crocevia_kit::metrics::MATCH_LISTS_CHANGED.inc_by(subjects.len() as u64);
        let matched = started.elapsed();
        let (lists, events) = (saved.lists.len(), saved.events.len());
        if let Err(e) = store::save(&self.db, saved.clone()).await {
            *unsaved = Some(saved);
            return Err(anyhow::Error::new(e).context("saving match lists"));
        }
        tracing::debug!(
            deliveries = batch.len(),
            lists,
            events,
            match_ms = matched.as_millis() as u64,
            store_ms = (started.elapsed() - matched).as_millis() as u64,
            "batch matched and stored"
        );
        for subject in subjects {
            let _ = self.changed.send(subject);
        }
        Ok(poison)
    }

    /// Recomputes every list (after a scoring change); `progress(done, total)`.
    pub async fn rematch(&self, progress: &(dyn Fn(u64, u64) + Sync)) -> anyhow::Result<usize> {
        let subjects: Vec<Uuid> = {
            let engine = lock(&self.engine);
            [Side::Offer, Side::Talent, Side::Programme, Side::Startup]
                .into_iter()
                .flat_map(|s| engine.subjects(s))
                .collect()
        };
        let total = subjects.len() as u64;
        let mut changed_lists = 0;
        for (n, chunk) in subjects.chunks(200).enumerate() {
            let engine = self.engine.clone();
            let ids = chunk.to_vec();
            let changes = tokio::task::spawn_blocking(move || lock(&engine).recompute(&ids)).await??;
            changed_lists += changes.len();
            let mut save = Batch::default();
            for change in &changes {
                for (key, event) in events::of(change, "rematch") {
                    save.events.push((key, events::encode(&event)));
                }
                save.lists.push((change.subject, change.side, change.new.clone()));
            }
            store::save(&self.db, save).await?;
            progress(((n + 1) * 200).min(subjects.len()) as u64, total);
        }
        Ok(changed_lists)
    }

    /// Publishes stored match events in order and marks them, each once: after a failure or
    /// a restart it first reads back the topic's tail (see [`crocevia_kit::bus::outbox`]).
    pub async fn publish_outbox(&self, bus: &SharedBus, topic: &str) -> anyhow::Result<usize> {
        const BATCH: u64 = 1000;
        let mut total = 0;
        loop {
            let rows = store::unpublished(&self.db, BATCH).await?;
            if rows.is_empty() {
                return Ok(total);
            }
            let ids: Vec<(&str, String)> = rows
                .iter()
                .map(|r| (topic, events::decode(&r.payload).map(|e| e.event_id).unwrap_or_default()))
                .collect();
            let on_bus = if self.outbox_clean.load(Ordering::Acquire) {
                HashSet::new()
            } else {
                outbox::already_published(bus.as_ref(), BATCH as usize, &ids).await?
            };
            self.outbox_clean.store(false, Ordering::Release);
            let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
            let messages: Vec<OutMessage> = rows
                .into_iter()
                .zip(ids)
                .enumerate()
                .filter(|(i, _)| !on_bus.contains(i))
                .map(|(_, (row, (_, id)))| {
                    let mut message = OutMessage::new(row.key, row.payload);
                    message.headers.push((outbox::HEADER_EVENT_ID.to_owned(), id));
                    message
                })
                .collect();
            total += messages.len();
            bus.publish(topic, messages).await?;
            store::mark_published(&self.db, seqs).await?;
            self.outbox_clean.store(true, Ordering::Release);
        }
    }

    pub async fn start(
        &self,
        bus: SharedBus,
        settings: MatchingSettings,
        shutdown: watch::Receiver<bool>,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let sub = bus
            .subscribe(std::slice::from_ref(&settings.topic), &settings.group)
            .await
            .context("subscribing to the profiles topic")?;
        // Events stored before a crash go out first.
        self.publish_outbox(&bus, &settings.matches_topic).await?;
        Ok(tokio::spawn(self.clone().run(bus, sub, settings, shutdown)))
    }

    async fn run(
        self,
        bus: SharedBus,
        sub: Box<dyn Subscription>,
        settings: MatchingSettings,
        shutdown: watch::Receiver<bool>,
    ) {
        let batch = BatchSettings { batch_max: settings.batch_max, max_delay: settings.max_delay };
        let handler = Matcher { service: self, bus, matches_topic: settings.matches_topic };
        crocevia_kit::bus::batch::run("matching", sub, batch, shutdown, handler).await;
    }
}

/// Matches each batch, then publishes the match events it stored (a failed publish leaves
/// them in the outbox for the next batch or restart).
struct Matcher {
    service: MatchingService,
    bus: SharedBus,
    matches_topic: String,
}

#[async_trait::async_trait]
impl BatchHandler for Matcher {
    async fn handle(&mut self, batch: &[Delivery]) -> anyhow::Result<HashMap<usize, String>> {
        let poison = self.service.process(batch).await?;
        if let Err(e) = self.service.publish_outbox(&self.bus, &self.matches_topic).await {
            tracing::warn!(error = format!("{e:#}"), "publishing match events failed; they stay in the outbox");
        }
        Ok(poison)
    }
}

/// Applies a batch of deliveries to the engine and recomputes the lists they change; returns
/// what to store and the poison deliveries (index into `deliveries`) with their errors.
/// `before` records the version each applied entity held, for undoing a failed batch.
fn apply_batch(
    engine: &Mutex<Engine>,
    deliveries: &[Delivery],
    before: &mut Vec<(Uuid, Option<u64>)>,
) -> anyhow::Result<(Batch, HashMap<usize, String>)> {
    let mut held = lock(engine);
    let mut poison = HashMap::new();
    let mut changed = BTreeSet::new();
    let mut save = Batch::default();
    let mut correlation = String::new();
    for (i, d) in deliveries.iter().enumerate() {
        let (meta, change) = match envelope::decode(&d.payload) {
            Ok(decoded) => decoded,
            Err(e) => {
                poison.insert(i, e.to_string());
                continue;
            }
        };
        before.push((meta.entity_id, held.version_of(meta.entity_id)));
        if held.apply(&meta, &change)? {
            let data = match &change {
                Change::Upserted(e) => serde_json::to_value(e)?.get("data").cloned(),
                Change::Erased { .. } => None,
            };
            save.entities.push((meta.entity_id, meta.entity_kind.as_str().to_owned(), meta.entity_version, data));
            changed.insert(meta.entity_id);
            correlation.clone_from(&meta.correlation_id);
        }
    }
    held.commit_index()?;
    drop(held);
    // In chunks, letting go of the engine in between: a catching-up batch takes
    // seconds to recompute, and list reads must not wait for all of it. Each
    // chunk's events follow the previous chunk's, so replaying them still gives
    // the stored lists (the last list of each subject is the one stored).
    let changed: Vec<Uuid> = changed.into_iter().collect();
    for chunk in changed.chunks(RECOMPUTE_CHUNK) {
        let changes = lock(engine).recompute(chunk)?;
        for change in &changes {
            for (key, event) in events::of(change, &correlation) {
                save.events.push((key, events::encode(&event)));
            }
            save.lists.push((change.subject, change.side, change.new.clone()));
        }
    }
    Ok((save, poison))
}
