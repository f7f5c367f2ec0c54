//! The running matching service: start-up from its tables, the consumer, the outbox relay,
//! and the queries the gateway calls.

use crate::drift::Drift;
use crate::eligibility::Verdict;
use crate::engine::{Engine, Entry, Ranked, Side};
use crate::explain::Explained;
use crate::gap::{self, SkillsGap};
use crate::pair::{self, PairError, PairView};
use crate::store::{self, Batch, Migrator};
use crate::{events, members, text};
use anyhow::Context;
use crocevia_domain::{Courses, Entity, Talent};
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

mod fill;
mod ownership;

/// Where skills are taught, for skills gaps: the reference data built into the binary (a test
/// of the domain crate checks it loads).
static COURSES: std::sync::LazyLock<Result<Courses, String>> = std::sync::LazyLock::new(Courses::reference);
pub use fill::{FILL_STORE_CHUNK, Fill};
pub use ownership::Ownership;

#[derive(Debug, Clone)]
pub struct MatchingSettings {
    pub topic: String,
    pub matches_topic: String,
    pub group: String,
    pub batch_max: usize,
    pub max_delay: Duration,
    /// This member's name when matching runs as several members (the distributed mode,
    /// `bus.kafka.instance_id`): it reads every change in a group of its own
    /// (`<group>.<member>`) and keeps the lists of its share (see [`Ownership`]). `None`: the
    /// only member, in `group`, keeping every list.
    pub member: Option<String>,
    /// The profiles topic's partitions: what the members' shares divide.
    pub partitions: u32,
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
    /// Catching up with the database at start: an id it does not hold yet may still come.
    catching_up: Arc<AtomicBool>,
    /// The corpus statistics the lists were last rescored with (see [`Self::refresh_if_moved`]).
    refreshed: Arc<Mutex<[f32; 5]>>,
    /// One publisher at a time (the consumer after each batch, the refresher after a refresh):
    /// two reading the same unpublished rows would publish them twice.
    publishing: Arc<tokio::sync::Mutex<()>>,
    /// Whose lists this member stores and whether it publishes (see [`Ownership`]).
    ownership: Arc<Mutex<Ownership>>,
}

/// Changed entities recomputed under one hold of the engine (a few hundred milliseconds) and
/// stored in one transaction, at most: with [`MAX_TOUCHED`], the bound on what a batch holds in
/// memory at once, whatever its size.
pub const RECOMPUTE_CHUNK: usize = 100;
/// Lists a chunk may touch before it ends (it ends after the entity that reaches it): a chunk's
/// lists, their explained entries and events, a few tens of megabytes.
pub const MAX_TOUCHED: usize = 10_000;
/// List changes announced to live subscribers, at most, before a slow one misses some (it is
/// told it lagged and reads the lists again).
pub const LIST_CHANGES: usize = 4096;
/// How far the corpus statistics (document count, average field lengths) may move, relatively,
/// before every list's places are scored again: the drift bound of stored scores.
pub const REFRESH_THRESHOLD: f32 = 0.05;
/// How often the statistics are compared with those of the last rescoring.
pub const REFRESH_EVERY: Duration = Duration::from_secs(30);
/// Lists rescored under one hold of the engine and stored in one transaction (20 places each).
pub const REFRESH_CHUNK: usize = 2_000;

fn lock(engine: &Mutex<Engine>) -> MutexGuard<'_, Engine> {
    engine.lock().unwrap_or_else(|p| p.into_inner())
}

fn entity_of(kind: &str, data: serde_json::Value) -> anyhow::Result<Entity> {
    Ok(serde_json::from_value(serde_json::json!({ "kind": kind, "data": data }))?)
}

impl MatchingService {
    /// Migrates its tables, loads its replica and lists, and rebuilds its retrieval index
    /// (in `index_dir`) when it does not hold exactly the replica. The replica is read a page
    /// at a time ([`store::REPLICA_PAGE`] entities), each page applied on the blocking pool.
    pub async fn open(db: DatabaseConnection, index_dir: &Path, taxonomy: Arc<Taxonomy>) -> anyhow::Result<Self> {
        Migrator::up(&db, None).await.context("matching migrations")?;
        let live = store::replica_versions(&db).await?.iter().filter(|(_, _, _, erased)| !erased).count() as u64;
        let dir = index_dir.to_owned();
        let (mut engine, rebuild) = tokio::task::spawn_blocking(move || -> anyhow::Result<(Engine, bool)> {
            let mut index = SearchIndex::open(&dir, taxonomy.clone())?;
            let rebuild = index.num_searchable()? != live;
            if rebuild {
                drop(index);
                std::fs::remove_dir_all(&dir).ok();
                index = SearchIndex::open(&dir, taxonomy)?;
            }
            Ok((Engine::new(index), rebuild))
        })
        .await??;
        let mut after = None;
        loop {
            let page = store::replica_page(&db, after, store::REPLICA_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            engine = tokio::task::spawn_blocking(move || -> anyhow::Result<Engine> {
                for row in page {
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
                Ok(engine)
            })
            .await??;
        }
        let lists = store::load_ranked(&db).await?;
        let (engine, corpus) = tokio::task::spawn_blocking(move || -> anyhow::Result<(Engine, [f32; 5])> {
            engine.commit_index()?;
            for (subject, list) in lists {
                engine.restore_list(subject, list);
            }
            let corpus = engine.corpus();
            Ok((engine, corpus))
        })
        .await??;
        Ok(Self {
            engine: Arc::new(Mutex::new(engine)),
            db,
            changed: tokio::sync::broadcast::channel(LIST_CHANGES).0,
            outbox_clean: Arc::new(AtomicBool::new(false)),
            unsaved: Arc::new(tokio::sync::Mutex::new(None)),
            catching_up: Arc::new(AtomicBool::new(false)),
            // What the stored lists were scored with, as far as this process knows (an empty
            // index at a first start: the refresh after the fill rescores what it scored early).
            refreshed: Arc::new(Mutex::new(corpus)),
            publishing: Arc::new(tokio::sync::Mutex::new(())),
            ownership: Arc::new(Mutex::new(Ownership::All)),
        })
    }

    /// This member's share now.
    pub fn ownership(&self) -> Ownership {
        self.ownership.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The changes of the lists this member keeps (all of them for the only member).
    fn owned(&self, mut changes: Vec<crate::engine::ListChange>) -> Vec<crate::engine::ListChange> {
        let ownership = self.ownership();
        changes.retain(|c| ownership.owns(c.subject));
        changes
    }

    /// Subjects whose list changes from now on.
    pub fn list_changes(&self) -> tokio::sync::broadcast::Receiver<(Uuid, Side)> {
        self.changed.subscribe()
    }

    /// The ranked matches of a talent, offer, startup or programme, explained. On the
    /// blocking pool: a batch being matched holds the engine for up to a chunk.
    pub async fn matches(&self, subject: Uuid) -> anyhow::Result<Vec<Entry>> {
        let engine = self.engine.clone();
        tokio::task::spawn_blocking(move || lock(&engine).explained_list(subject))
            .await
            .map_err(|e| anyhow::anyhow!("explaining a list: {e}"))
    }

    /// Talents, open offers, startups and open programmes: every list a rematch recomputes.
    pub fn subject_count(&self) -> usize {
        let engine = lock(&self.engine);
        [Side::Talent, Side::Offer, Side::Startup, Side::Programme].into_iter().map(|s| engine.subjects(s).len()).sum()
    }

    pub fn side_of(&self, id: Uuid) -> Option<Side> {
        lock(&self.engine).side_of(id)
    }

    /// Whether it is catching up with the database (set around the start-up catch-up): an
    /// unknown id is then "not yet", not "not found".
    pub fn catching_up(&self) -> bool {
        self.catching_up.load(Ordering::Acquire)
    }

    pub fn set_catching_up(&self, catching_up: bool) {
        self.catching_up.store(catching_up, Ordering::Release);
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
    /// from the side `from`, whether or not the target is in its list (see [`pair::view`]).
    /// On the blocking pool: a batch being matched holds the engine for a while.
    pub async fn pair(&self, subject: Entity, target: Uuid, from: pair::Viewpoint) -> Result<PairView, PairError> {
        let engine = self.engine.clone();
        tokio::task::spawn_blocking(move || pair::view(&lock(&engine), &subject, target, from))
            .await
            .map_err(|e| PairError::Other(anyhow::anyhow!("scoring a pair: {e}")))?
    }

    /// The skills gap of a talent (as the caller read it) over every open offer (see
    /// [`gap::skills_gap`]). On the blocking pool, as [`Self::pair`].
    pub async fn skills_gap(&self, talent: Talent) -> anyhow::Result<SkillsGap> {
        let courses = match &*COURSES {
            Ok(courses) => courses,
            Err(e) => anyhow::bail!("the reference courses do not load: {e}"),
        };
        let engine = self.engine.clone();
        tokio::task::spawn_blocking(move || {
            let engine = lock(&engine);
            gap::skills_gap(engine.taxonomy(), courses, &talent, engine.open_offers())
        })
        .await
        .map_err(|e| anyhow::anyhow!("computing a skills gap: {e}"))
    }

    /// Applies a batch of deliveries, recomputes, and stores the effects.
    /// Returns the poison deliveries (index into `batch`) with their errors.
    pub async fn process(&self, batch: &[Delivery]) -> anyhow::Result<HashMap<usize, String>> {
        self.process_until(batch, &watch::channel(false).1).await
    }

    /// As [`Self::process`], stopping between chunks once `stop` turns true (shutdown).
    ///
    /// Memory stays bounded however large the batch: the changed entities are recomputed and
    /// stored [`RECOMPUTE_CHUNK`] at a time, each chunk's lists and events in their own
    /// transaction, and the entities themselves (the replica, which says what is applied) with
    /// the last chunk. A crash or stop in between leaves stored lists that the redelivered batch
    /// recomputes against, so what a list shows and what its events said stay in step.
    pub async fn process_until(
        &self,
        batch: &[Delivery],
        stop: &watch::Receiver<bool>,
    ) -> anyhow::Result<HashMap<usize, String>> {
        // A chunk whose storing failed was applied to the engine's lists: the redelivered batch
        // would find nothing to change for it, so store it first.
        let mut unsaved = self.unsaved.lock().await;
        self.store_unsaved(&mut unsaved).await?;
        let engine = self.engine.clone();
        let deliveries = batch.to_vec();
        let started = std::time::Instant::now();
        let (applied, poison) = tokio::task::spawn_blocking(move || apply_batch(&engine, &deliveries)).await??;
        let Applied { mut entities, changed, correlation, before } = applied;
        let (mut lists, mut events, mut done) = (0, 0, 0);
        while done < changed.len() {
            let outcome = if *stop.borrow() {
                Err(anyhow::anyhow!("stopping: the rest of the batch is left for redelivery"))
            } else {
                let chunk = &changed[done..changed.len().min(done + RECOMPUTE_CHUNK)];
                self.recompute_and_store(
                    chunk,
                    done + chunk.len() == changed.len(),
                    &correlation,
                    &mut entities,
                    &mut unsaved,
                )
                .await
            };
            match outcome {
                Ok((consumed, l, e)) => (done, lists, events) = (done + consumed, lists + l, events + e),
                Err(e) => {
                    // The redelivered batch must be applied again, not skipped as held.
                    lock(&self.engine).restore_versions(before);
                    return Err(e);
                }
            }
        }
        tracing::debug!(
            deliveries = batch.len(),
            entities = changed.len(),
            lists,
            events,
            ms = started.elapsed().as_millis() as u64,
            "batch matched and stored"
        );
        Ok(poison)
    }

    /// Stores what an earlier batch computed and applied in memory but failed to store: the
    /// redelivered batch would find nothing to change for it.
    async fn store_unsaved(&self, unsaved: &mut Option<Batch>) -> anyhow::Result<()> {
        let Some(previous) = unsaved.take() else { return Ok(()) };
        if let Err(e) = store::save(&self.db, &previous).await {
            *unsaved = Some(previous);
            return Err(anyhow::Error::new(e).context("saving the match lists of an earlier batch"));
        }
        tracing::info!("match lists of an earlier batch stored on retry");
        Ok(())
    }

    /// Recomputes the changed entities of `chunk` until [`MAX_TOUCHED`] lists are touched and
    /// stores their lists and events (and, once the batch's last one is done, its `entities`);
    /// returns how many of `chunk` it recomputed, and how many lists and events it stored.
    async fn recompute_and_store(
        &self,
        chunk: &[Uuid],
        ends_batch: bool,
        correlation: &str,
        entities: &mut Vec<store::Entity>,
        unsaved: &mut Option<Batch>,
    ) -> anyhow::Result<(usize, usize, usize)> {
        let engine = self.engine.clone();
        let ids = chunk.to_vec();
        let (changes, consumed) =
            tokio::task::spawn_blocking(move || lock(&engine).recompute_until(&ids, MAX_TOUCHED)).await??;
        let last = ends_batch && consumed == chunk.len();
        let changes = self.owned(changes);
        let save = batch_of(changes, correlation, if last { std::mem::take(entities) } else { Vec::new() }, events::of);
        let subjects: Vec<(Uuid, Side)> = save.lists.iter().map(|c| (c.subject, c.side)).collect();
        let counts = (save.lists.len(), save.events.len());
        crocevia_kit::metrics::MATCH_LISTS_CHANGED.inc_by(subjects.len() as u64);
        if let Err(e) = store::save(&self.db, &save).await {
            *unsaved = Some(save);
            return Err(anyhow::Error::new(e).context("saving match lists"));
        }
        for subject in subjects {
            let _ = self.changed.send(subject);
        }
        Ok((consumed, counts.0, counts.1))
    }

    /// Every subject a list belongs to: offers, talents, programmes, startups, in that order.
    fn all_subjects(&self) -> Vec<Uuid> {
        let engine = lock(&self.engine);
        [Side::Offer, Side::Talent, Side::Programme, Side::Startup]
            .into_iter()
            .flat_map(|s| engine.subjects(s))
            .collect()
    }

    /// Recomputes every list (after a scoring change, or to measure drift); `progress(done,
    /// total)`. Returns how many list changes it stored and how far the stored lists were from
    /// the recomputation ([`Drift`]). For that it keeps each changed list as it was stored
    /// before its first change: at most every list again (40 bytes a place, 20 places a
    /// subject), once, for the run of this maintenance command.
    pub async fn rematch(&self, progress: &(dyn Fn(u64, u64) + Sync)) -> anyhow::Result<(usize, Drift)> {
        let subjects = self.all_subjects();
        let total = subjects.len() as u64;
        let mut changed_lists = 0;
        let mut stored: HashMap<Uuid, Vec<Ranked>> = HashMap::new();
        for (n, chunk) in subjects.chunks(200).enumerate() {
            let engine = self.engine.clone();
            let ids = chunk.to_vec();
            let changes = tokio::task::spawn_blocking(move || lock(&engine).recompute(&ids)).await??;
            changed_lists += changes.len();
            for change in &changes {
                stored.entry(change.subject).or_insert_with(|| change.old.clone());
            }
            store::save(&self.db, &batch_of(changes, "rematch", Vec::new(), events::of)).await?;
            progress(((n + 1) * 200).min(subjects.len()) as u64, total);
        }
        let engine = self.engine.clone();
        let drift = tokio::task::spawn_blocking(move || {
            let engine = lock(&engine);
            let mut drift = Drift::default();
            for subject in &subjects {
                let now = engine.list(*subject);
                drift.compare(stored.get(subject).map_or(now, Vec::as_slice), now);
            }
            drift
        })
        .await?;
        Ok((changed_lists, drift))
    }

    /// Scores every list's places again if the corpus statistics moved more than
    /// [`REFRESH_THRESHOLD`] since the last time (or since the service opened), so a
    /// list nobody touched does not drift from its live scores as the corpus grows. Not while
    /// catching up: the fill moves the statistics all along, and the refresh after it covers it.
    /// Returns how many lists changed, or `None` if nothing was due. Stops between chunks once
    /// `stop` turns true.
    pub async fn refresh_if_moved(&self, stop: &watch::Receiver<bool>) -> anyhow::Result<Option<usize>> {
        if self.catching_up() {
            return Ok(None);
        }
        let engine = self.engine.clone();
        let corpus = tokio::task::spawn_blocking(move || lock(&engine).corpus()).await?;
        let last = *self.refreshed.lock().unwrap_or_else(|p| p.into_inner());
        if text::moved(&last, &corpus) < REFRESH_THRESHOLD {
            return Ok(None);
        }
        let subjects = self.all_subjects();
        let mut changed = 0;
        for chunk in subjects.chunks(REFRESH_CHUNK) {
            if *stop.borrow() {
                anyhow::bail!("stopping: the refresh goes on at the next start's first move");
            }
            // One writer of lists at a time: a batch's and a refresh's stores never interleave.
            let mut unsaved = self.unsaved.lock().await;
            if unsaved.is_some() {
                anyhow::bail!("an earlier batch's lists wait to be stored; the refresh comes back later");
            }
            let (engine, ids) = (self.engine.clone(), chunk.to_vec());
            let changes = self.owned(tokio::task::spawn_blocking(move || lock(&engine).rescore(&ids)).await?);
            changed += changes.len();
            let subjects: Vec<(Uuid, Side)> = changes.iter().map(|c| (c.subject, c.side)).collect();
            let save = batch_of(changes, "refresh", Vec::new(), events::moves);
            if let Err(e) = store::save(&self.db, &save).await {
                *unsaved = Some(save);
                return Err(anyhow::Error::new(e).context("saving rescored lists"));
            }
            for subject in subjects {
                let _ = self.changed.send(subject);
            }
        }
        *self.refreshed.lock().unwrap_or_else(|p| p.into_inner()) = corpus;
        Ok(Some(changed))
    }

    /// Publishes stored match events in order and marks them, each once: after a failure or
    /// a restart it first reads back the topic's tail (see [`crocevia_kit::bus::outbox`]).
    pub async fn publish_outbox(&self, bus: &SharedBus, topic: &str) -> anyhow::Result<usize> {
        const BATCH: u64 = 1000;
        let _one_publisher = self.publishing.lock().await;
        if !self.ownership().publishes() {
            // Another member publishes; this one reads the topic back if it becomes the one.
            self.outbox_clean.store(false, Ordering::Release);
            return Ok(0);
        }
        let mut total = 0;
        loop {
            let rows = store::unpublished(&self.db, BATCH).await?;
            if rows.is_empty() {
                return Ok(total);
            }
            let ids: Vec<(&str, String)> = rows
                .iter()
                .map(|r| {
                    // Rows are encoded here, so one that does not decode was damaged in storage:
                    // it still gets an id of its own, so reconciling never takes it for another.
                    let id = events::decode(&r.payload).map(|e| e.event_id).unwrap_or_else(|e| {
                        tracing::error!(seq = r.seq, error = %e, "a stored match event does not decode");
                        format!("matching-outbox-{}", r.seq)
                    });
                    (topic, id)
                })
                .collect();
            let on_bus = if self.outbox_clean.load(Ordering::Acquire) {
                HashSet::new()
            } else {
                outbox::already_published(bus.as_ref(), BATCH as usize, &ids).await?
            };
            self.outbox_clean.store(false, Ordering::Release);
            let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
            let content_type = crocevia_proto::content_type::<crocevia_proto::v1::MatchChanged>();
            let messages: Vec<OutMessage> = rows
                .into_iter()
                .zip(ids)
                .enumerate()
                .filter(|(i, _)| !on_bus.contains(i))
                .map(|(_, (row, (_, id)))| {
                    let mut message = OutMessage::new(row.key, row.payload);
                    message.headers.push((outbox::HEADER_EVENT_ID.to_owned(), id));
                    message.headers.push((crocevia_proto::HEADER_CONTENT_TYPE.to_owned(), content_type.clone()));
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
        let topics = std::slice::from_ref(&settings.topic);
        let sub = match &settings.member {
            None => bus.subscribe(topics, &settings.group).await,
            Some(member) => {
                // The topic's own count: a member configured otherwise must not own a
                // different split from the others.
                let partitions =
                    bus.partition_count(&settings.topic).await.context("reading the topic's partitions")?;
                let partitions = u32::try_from(partitions).unwrap_or(settings.partitions).max(1);
                *self.ownership.lock().unwrap_or_else(|p| p.into_inner()) =
                    Ownership::Share { partitions, held: Default::default() };
                let holder =
                    self.clone().hold(member.clone(), bus.clone(), settings.matches_topic.clone(), shutdown.clone());
                tokio::spawn(holder);
                bus.subscribe(topics, &format!("{}.{member}", settings.group)).await
            }
        }
        .context("subscribing to the profiles topic")?;
        // Events stored before a crash go out first.
        self.publish_outbox(&bus, &settings.matches_topic).await?;
        Ok(tokio::spawn(self.clone().run(bus, sub, settings, shutdown)))
    }

    /// Keeps this member in the matching group (a heartbeat every [`members::HEARTBEAT`])
    /// and its share current; after each change of share, stores what the lists of its share
    /// hold in memory and the store lacks ([`Self::take_over`]), and publishes if it became
    /// the publisher. Leaves the group at shutdown, so the others take its share at once.
    async fn hold(self, member: String, bus: SharedBus, topic: String, mut shutdown: watch::Receiver<bool>) {
        let mut shown: Option<std::collections::BTreeSet<u32>> = None;
        while !*shutdown.borrow() {
            match self.beat(&member).await {
                Ok(held) if shown.as_ref() != Some(&held) => {
                    if self.ownership() == Ownership::All {
                        return;
                    }
                    tracing::info!(?held, "this member's share of the match lists");
                    match self.take_over(held.clone()).await {
                        Ok(lists) => {
                            tracing::info!(lists, "lists of this member's share stored where the store was behind");
                            crocevia_kit::metrics::MATCHING_PARTITIONS_HELD.set(held.len() as i64);
                            shown = Some(held);
                        }
                        // Tried again at the next beat (the share is compared with what was shown).
                        Err(e) => tracing::warn!(error = format!("{e:#}"), "taking over a share of the lists failed"),
                    }
                    if let Err(e) = self.publish_outbox(&bus, &topic).await {
                        tracing::warn!(
                            error = format!("{e:#}"),
                            "publishing match events failed; they stay in the outbox"
                        );
                    }
                }
                Ok(_) => {}
                // Nothing is stored without the database either; the share stays as it was.
                Err(e) => tracing::warn!(error = format!("{e:#}"), "the matching group heartbeat failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(members::HEARTBEAT) => {}
                _ = shutdown.changed() => {}
            }
        }
        if let Err(e) = members::leave(&self.db, &member).await {
            tracing::warn!(error = %e, "leaving the matching group; the others take over after the session");
        }
    }

    /// Says `member` is alive and returns its share among the live members.
    async fn beat(&self, member: &str) -> anyhow::Result<std::collections::BTreeSet<u32>> {
        let now = chrono::Utc::now();
        members::heartbeat(&self.db, member, now).await?;
        let live = members::live(&self.db, now).await?;
        let index = live.iter().position(|m| m == member).context("this member is not among the live ones")?;
        let partitions = match self.ownership() {
            Ownership::Share { partitions, .. } => partitions,
            Ownership::All => 1,
        };
        Ok(members::share(index, live.len(), partitions))
    }

    /// Makes `held` this member's share and stores the lists of the share where the store
    /// differs from what the member holds in memory, with their match events: what a member
    /// that died (or a rebalance, in which nobody stores) left behind. Returns the lists stored.
    ///
    /// The share changes under the lists' writer lock, between batches: a batch that saw the
    /// new share before this ran would store its diffs against a store it never read (a
    /// place whose rank and score stayed put is written without an event when only its
    /// `mutual` or `bm25` moved), and the store would hold places no event announced. If
    /// storing fails, the member keeps only the partitions it held before and still holds,
    /// and the next beat tries again.
    pub async fn take_over(&self, held: BTreeSet<u32>) -> anyhow::Result<usize> {
        let mut unsaved = self.unsaved.lock().await;
        let before = self.ownership();
        let Ownership::Share { partitions, held: kept } = &before else { return Ok(0) };
        let ownership = Ownership::Share { partitions: *partitions, held: held.clone() };
        *self.ownership.lock().unwrap_or_else(|p| p.into_inner()) = ownership.clone();
        let result = self.store_share(&ownership, &mut unsaved).await;
        if result.is_err() {
            let still = kept.intersection(&held).copied().collect();
            *self.ownership.lock().unwrap_or_else(|p| p.into_inner()) =
                Ownership::Share { partitions: *partitions, held: still };
        }
        result
    }

    async fn store_share(&self, ownership: &Ownership, unsaved: &mut Option<Batch>) -> anyhow::Result<usize> {
        self.store_unsaved(unsaved).await?;
        let mut mine: Vec<Uuid> = self.all_subjects().into_iter().filter(|s| ownership.owns(*s)).collect();
        // Stored lists of subjects gone since (erased, closed): emptied below.
        let live: HashSet<Uuid> = mine.iter().copied().collect();
        let mut gone: HashMap<Uuid, Side> = HashMap::new();
        for (subject, side) in store::stored_subjects(&self.db).await? {
            if ownership.owns(subject)
                && !live.contains(&subject)
                && let Some(side) = Side::parse(&side)
            {
                gone.insert(subject, side);
                mine.push(subject);
            }
        }
        let mut stored = 0;
        for chunk in mine.chunks(REFRESH_CHUNK) {
            let held = store::ranked_of(&self.db, chunk).await?;
            let (engine, ids, gone) = (self.engine.clone(), chunk.to_vec(), gone.clone());
            let changes = tokio::task::spawn_blocking(move || {
                let engine = lock(&engine);
                let mut changes = Vec::new();
                for subject in ids {
                    let Some(side) = engine.side_of(subject).or_else(|| gone.get(&subject).copied()) else { continue };
                    let now = engine.list(subject).to_vec();
                    let old = held.get(&subject).cloned().unwrap_or_default();
                    if old != now {
                        let written = now.iter().filter(|p| !old.contains(p)).copied().collect();
                        changes.push(crate::engine::ListChange { subject, side, old, new: now, written });
                    }
                }
                changes
            })
            .await?;
            stored += changes.len();
            let subjects: Vec<(Uuid, Side)> = changes.iter().map(|c| (c.subject, c.side)).collect();
            store::save(&self.db, &batch_of(changes, "takeover", Vec::new(), events::of)).await?;
            for subject in subjects {
                let _ = self.changed.send(subject);
            }
        }
        Ok(stored)
    }

    async fn run(
        self,
        bus: SharedBus,
        sub: Box<dyn Subscription>,
        settings: MatchingSettings,
        shutdown: watch::Receiver<bool>,
    ) {
        let batch = BatchSettings { batch_max: settings.batch_max, max_delay: settings.max_delay };
        let refresher =
            tokio::spawn(self.clone().refresh_every(bus.clone(), settings.matches_topic.clone(), shutdown.clone()));
        let handler = Matcher { service: self, bus, matches_topic: settings.matches_topic, stop: shutdown.clone() };
        crocevia_kit::bus::batch::run("matching", sub, batch, shutdown, handler).await;
        if let Err(e) = refresher.await {
            tracing::error!(error = %e, "the list refresher ended abnormally");
        }
    }

    /// Every [`REFRESH_EVERY`], rescores the lists if the corpus moved (see
    /// [`Self::refresh_if_moved`]) and publishes what that changed, until shutdown.
    async fn refresh_every(self, bus: SharedBus, matches_topic: String, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(REFRESH_EVERY) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
            match self.refresh_if_moved(&shutdown).await {
                Ok(Some(lists)) => {
                    tracing::info!(lists, "corpus statistics moved: match lists rescored");
                    if let Err(e) = self.publish_outbox(&bus, &matches_topic).await {
                        tracing::warn!(
                            error = format!("{e:#}"),
                            "publishing match events failed; they stay in the outbox"
                        );
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = format!("{e:#}"), "rescoring match lists"),
            }
        }
    }
}

/// Matches each batch, then publishes the match events it stored (a failed publish leaves
/// them in the outbox for the next batch or restart).
struct Matcher {
    service: MatchingService,
    bus: SharedBus,
    matches_topic: String,
    /// Shutdown: a batch being matched stops at its next chunk.
    stop: watch::Receiver<bool>,
}

#[async_trait::async_trait]
impl BatchHandler for Matcher {
    async fn handle(&mut self, batch: &[Delivery]) -> anyhow::Result<HashMap<usize, String>> {
        let poison = self.service.process_until(batch, &self.stop).await?;
        if let Err(e) = self.service.publish_outbox(&self.bus, &self.matches_topic).await {
            tracing::warn!(error = format!("{e:#}"), "publishing match events failed; they stay in the outbox");
        }
        Ok(poison)
    }
}

/// A batch applied to the engine, before its lists are recomputed.
struct Applied {
    /// The replica rows to store (last version of each entity that changed).
    entities: Vec<store::Entity>,
    /// The entities that changed, each once, in id order.
    changed: Vec<Uuid>,
    correlation: String,
    /// The version each applied entity held before, for undoing the batch.
    before: Vec<(Uuid, Option<u64>)>,
}

/// What a recomputation stores: its lists, their match events (`events`: [`events::of`], or
/// [`events::moves`] for a rescoring), and `entities`.
fn batch_of(
    changes: Vec<crate::engine::ListChange>,
    correlation: &str,
    entities: Vec<store::Entity>,
    events: fn(&crate::engine::ListChange, &str) -> Vec<(String, crocevia_proto::v1::MatchChanged)>,
) -> Batch {
    let mut save = Batch { entities, ..Batch::default() };
    for change in &changes {
        for (key, event) in events(change, correlation) {
            save.events.push((key, crate::events::encode(&event)));
        }
    }
    save.lists = changes;
    save
}

/// The replica row of an applied change: the entity's data, or none once erased.
fn replica_row(meta: &envelope::EventMeta, change: &Change) -> anyhow::Result<store::Entity> {
    let data = match change {
        Change::Upserted(e) => serde_json::to_value(e)?.get_mut("data").map(serde_json::Value::take),
        Change::Erased { .. } => None,
    };
    Ok((meta.entity_id, meta.entity_kind.as_str().to_owned(), meta.entity_version, data))
}

/// Applies a batch of deliveries to the engine and commits its index; returns what changed
/// and the poison deliveries (index into `deliveries`) with their errors. A failed index
/// commit (a full disk) gives the entities their earlier versions back, so the redelivered
/// batch is applied again instead of skipped as held.
fn apply_batch(engine: &Mutex<Engine>, deliveries: &[Delivery]) -> anyhow::Result<(Applied, HashMap<usize, String>)> {
    let mut held = lock(engine);
    let mut poison = HashMap::new();
    let mut changed = BTreeSet::new();
    let mut applied =
        Applied { entities: Vec::new(), changed: Vec::new(), correlation: String::new(), before: Vec::new() };
    let result = (|| -> anyhow::Result<()> {
        for (i, d) in deliveries.iter().enumerate() {
            let (meta, change) = match envelope::decode(&d.payload) {
                Ok(decoded) => decoded,
                Err(e) => {
                    poison.insert(i, e.to_string());
                    continue;
                }
            };
            applied.before.push((meta.entity_id, held.version_of(meta.entity_id)));
            if held.apply(&meta, &change)? {
                applied.entities.push(replica_row(&meta, &change)?);
                changed.insert(meta.entity_id);
                applied.correlation.clone_from(&meta.correlation_id);
            }
        }
        held.commit_index()
    })();
    if let Err(e) = result {
        held.restore_versions(std::mem::take(&mut applied.before));
        return Err(e);
    }
    applied.changed = changed.into_iter().collect();
    Ok((applied, poison))
}
