//! The running insights service: the consumer that keeps the facts, and the snapshot of the
//! published datasets that readers (GraphQL, downloads) share.

use crate::catalogue;
use crate::compute::{self, Dataset, Snapshot, Stored};
use crate::consumer::{CatchUp, Consumer, Upstream};
use crate::error::InsightsError;
use crate::facts::Fact;
use crate::publication::Publication;
use crate::rebuild::{self, Progress, Rebuilt, Source};
use crate::store::{self, Migrator};
use anyhow::Context;
use chrono::Utc;
use crocevia_kit::bus::SharedBus;
use crocevia_kit::bus::batch::{self, BatchSettings};
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Mutex, watch};

#[derive(Debug, Clone)]
pub struct InsightsSettings {
    pub profiles_topic: String,
    pub matches_topic: String,
    pub group: String,
    pub batch: BatchSettings,
    /// What tells the consumer the platform has published every change it recorded.
    pub upstream: Option<Arc<dyn Upstream>>,
    /// With it, a start whose facts were never complete rebuilds them from the database
    /// before it follows the topics (see [`crate::rebuild`]); without it, the consumer builds
    /// them from the topics alone.
    pub rebuild: Option<RebuildFrom>,
}

/// What a rebuild reads: the database, and the bus as published (see [`crate::rebuild`]).
#[derive(Debug, Clone)]
pub struct RebuildFrom {
    pub source: Arc<dyn Source>,
    /// The bus as published, not opened: moving the group to the ends reads no payload.
    pub bus: SharedBus,
    pub progress: Arc<dyn Progress>,
}

/// What a harvester is told to wait before asking again while the first figures are built.
pub const NOT_READY_RETRY_SECS: u64 = 5;

/// The first wait after a failed rebuild or subscription; it doubles up to [`RETRY_MAX`].
const RETRY_FIRST: std::time::Duration = std::time::Duration::from_secs(1);
const RETRY_MAX: std::time::Duration = std::time::Duration::from_secs(60);

/// Waits `retry` (then doubles it) or until `shutdown`; true if shutting down.
async fn pause(retry: &mut std::time::Duration, shutdown: &watch::Receiver<bool>) -> bool {
    let mut shutdown = shutdown.clone();
    tokio::select! {
        _ = tokio::time::sleep(*retry) => {}
        _ = shutdown.wait_for(|stop| *stop) => {}
    }
    *retry = (*retry * 2).min(RETRY_MAX);
    *shutdown.borrow()
}

#[derive(Debug, Clone)]
pub struct InsightsService {
    db: DatabaseConnection,
    /// The last computed snapshot; recomputed when the stored generation moved on, whichever
    /// process stored it.
    cache: Arc<Mutex<Option<Arc<Snapshot>>>>,
    stored: watch::Sender<i64>,
    publication: Arc<Publication>,
}

impl InsightsService {
    /// Migrates the service's tables.
    pub async fn open(db: DatabaseConnection, publication: Publication) -> anyhow::Result<Self> {
        Migrator::up(&db, None).await.context("insights migrations")?;
        Ok(Self {
            db,
            cache: Arc::new(Mutex::new(None)),
            stored: watch::channel(0).0,
            publication: Arc::new(publication),
        })
    }

    /// Who publishes, and the public address every published URL starts with.
    pub fn publication(&self) -> &Publication {
        &self.publication
    }

    /// Generations stored by this process's consumer, for tests and live views.
    pub fn stored(&self) -> watch::Receiver<i64> {
        self.stored.subscribe()
    }

    pub fn consumer(&self, settings: &InsightsSettings) -> Consumer {
        Consumer {
            db: self.db.clone(),
            profiles_topic: settings.profiles_topic.clone(),
            matches_topic: settings.matches_topic.clone(),
            stored: self.stored.clone(),
            upstream: settings.upstream.clone(),
            progress: CatchUp::default(),
        }
    }

    /// Joins the consumer group on both topics and keeps the facts until `shutdown`. With
    /// [`InsightsSettings::rebuild`], facts that were never complete are first rebuilt from
    /// the database (in the task: the figures answer "being built" meanwhile).
    pub async fn start(
        &self,
        bus: SharedBus,
        settings: InsightsSettings,
        shutdown: watch::Receiver<bool>,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let topics = [settings.profiles_topic.clone(), settings.matches_topic.clone()];
        if settings.rebuild.is_none() {
            let sub = bus.subscribe(&topics, &settings.group).await.context("subscribing to the insights topics")?;
            let consumer = self.consumer(&settings);
            return Ok(tokio::spawn(batch::run("insights", sub, settings.batch, shutdown, consumer)));
        }
        let service = self.clone();
        Ok(tokio::spawn(async move {
            if !service.rebuild_if_needed(&settings, &shutdown).await {
                return;
            }
            let mut retry = RETRY_FIRST;
            let sub = loop {
                match bus.subscribe(&topics, &settings.group).await {
                    Ok(sub) => break sub,
                    Err(e) => tracing::error!(error = %e, "subscribing to the insights topics"),
                }
                if pause(&mut retry, &shutdown).await {
                    return;
                }
            };
            let consumer = service.consumer(&settings);
            batch::run("insights", sub, settings.batch, shutdown, consumer).await;
        }))
    }

    /// Whether the facts were never complete: nothing kept yet, a rebuild cut short, or a
    /// first read of the topics that never reached their ends. Such facts may come from a
    /// topic that had already dropped its oldest events, so they are not trusted.
    pub async fn needs_rebuild(&self) -> Result<bool, InsightsError> {
        Ok(store::state(&self.db).await?.caught_up_at.is_none())
    }

    /// Rebuilds the facts from the database and leaves `settings.group` where the consumer
    /// follows them from (see [`crate::rebuild`] for why that loses nothing). The open data
    /// answers "being built" until it is done. No consumer of the group may run meanwhile:
    /// one process keeps the facts. Stopped by `stop`, it leaves the facts incomplete (a
    /// start then rebuilds them).
    pub async fn rebuild(&self, settings: &InsightsSettings, stop: &watch::Receiver<bool>) -> anyhow::Result<Rebuilt> {
        let from = settings.rebuild.as_ref().context("no database to rebuild the insights from")?;
        store::reset(&self.db).await.context("emptying the insights facts")?;
        let _ = self.stored.send(store::generation(&self.db).await?);
        let topics = [settings.profiles_topic.clone(), settings.matches_topic.clone()];
        tracing::info!(group = %settings.group, "insights rebuild: moving the group to the ends of its topics");
        let skipped = crate::skip::to_ends(&from.bus, &topics, &settings.group, stop).await?;
        tracing::info!(skipped, "insights rebuild: reading the database");
        let outcome = rebuild::from_database(&self.db, from.source.as_ref(), from.progress.as_ref(), stop).await;
        from.progress.finish();
        let rebuilt = Rebuilt { skipped, ..outcome? };
        store::mark_caught_up(&self.db, Utc::now()).await.context("marking the rebuilt insights complete")?;
        let _ = self.stored.send(store::generation(&self.db).await?);
        tracing::info!(
            facts = rebuilt.facts,
            erased = rebuilt.erased,
            first_matches = rebuilt.first_matches,
            match_events = rebuilt.match_events,
            skipped,
            "insights rebuilt from the database: downloads are served"
        );
        Ok(rebuilt)
    }

    /// Rebuilds when [`Self::needs_rebuild`], retrying after a failure rather than letting
    /// the consumer build the facts from the topics alone; false if stopped first.
    async fn rebuild_if_needed(&self, settings: &InsightsSettings, shutdown: &watch::Receiver<bool>) -> bool {
        let mut retry = RETRY_FIRST;
        loop {
            let outcome = match self.needs_rebuild().await {
                Ok(false) => return true,
                Ok(true) => self.rebuild(settings, shutdown).await.map(|_| ()),
                Err(e) => Err(e.into()),
            };
            match outcome {
                Ok(()) => return true,
                Err(e) if *shutdown.borrow() => {
                    tracing::info!(reason = format!("{e:#}"), "insights rebuild stopped; the next start rebuilds");
                    return false;
                }
                Err(e) => tracing::error!(
                    error = format!("{e:#}"),
                    retry_in_s = retry.as_secs(),
                    "rebuilding the insights from the database failed"
                ),
            }
            if pause(&mut retry, shutdown).await {
                return false;
            }
        }
    }

    /// Every published dataset, as of the last stored batch. Until the consumer first caught
    /// up with the platform's changes the figures would be a partial count presented as
    /// current, so every door (downloads, catalogue, GraphQL) gets [`InsightsError::NotReady`].
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, InsightsError> {
        let state = store::state(&self.db).await?;
        let Some(caught_up_at) = state.caught_up_at else {
            return Err(InsightsError::NotReady { retry_after_secs: NOT_READY_RETRY_SECS });
        };
        let generation = state.generation;
        let refreshed_at = state.applied_through.unwrap_or(caught_up_at);
        let mut cache = self.cache.lock().await;
        if let Some(snapshot) = cache.as_ref().filter(|s| s.generation == generation) {
            return Ok(snapshot.clone());
        }
        let facts = store::all_facts(&self.db).await?;
        let first_matches: HashMap<_, _> =
            store::all_first_matches(&self.db).await?.into_iter().map(|m| (m.offer_id, m.at)).collect();
        let snapshot = tokio::task::spawn_blocking(move || {
            let stored: Vec<Stored> = facts
                .into_iter()
                .filter_map(|row| {
                    let fact: Fact = serde_json::from_value(row.fact?).ok()?;
                    Some(Stored { id: row.id, first_seen: row.first_seen, fact })
                })
                .collect();
            compute::compute(&stored, &first_matches, generation, refreshed_at)
        })
        .await
        .map_err(|e| InsightsError::Compute(e.to_string()))?;
        let snapshot = Arc::new(snapshot);
        *cache = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// One dataset of the current snapshot, narrowed (see [`select`]).
    pub async fn dataset(
        &self,
        id: &str,
        keys: Option<&[String]>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(Arc<Snapshot>, Dataset), InsightsError> {
        let snapshot = self.snapshot().await?;
        let dataset = select(&snapshot, id, keys, from, to)?;
        Ok((snapshot, dataset))
    }
}

/// One dataset of `snapshot`, its rows narrowed by `keys` and, for months, by `from..=to`
/// (YYYY-MM). The filters select rows that are already anonymised: no filter reaches the
/// members.
pub fn select(
    snapshot: &Snapshot,
    id: &str,
    keys: Option<&[String]>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Dataset, InsightsError> {
    let spec = catalogue::find(id).ok_or_else(|| InsightsError::UnknownDataset(id.to_owned()))?;
    let from = from.map(|m| month("from", m)).transpose()?;
    let to = to.map(|m| month("to", m)).transpose()?;
    if (from.is_some() || to.is_some()) && spec.dimension != crate::labels::Dimension::Month {
        return Err(InsightsError::BadFilter {
            field: if from.is_some() { "from" } else { "to" },
            message: format!("{id} has no months; only offers_by_month can be narrowed by month"),
        });
    }
    if keys.is_some_and(|k| k.len() > 200) {
        return Err(InsightsError::BadFilter { field: "keys", message: "at most 200 keys".into() });
    }
    let mut dataset = snapshot.dataset(id).cloned().ok_or_else(|| InsightsError::UnknownDataset(id.to_owned()))?;
    dataset.rows.retain(|row| {
        keys.is_none_or(|keys| keys.contains(&row.key))
            && from.as_deref().is_none_or(|f| row.key.as_str() >= f && row.key != crate::anonymise::OTHER)
            && to.as_deref().is_none_or(|t| row.key.as_str() <= t && row.key != crate::anonymise::OTHER)
    });
    Ok(dataset)
}

fn month(field: &'static str, value: &str) -> Result<String, InsightsError> {
    let ok = value.len() == 7
        && chrono::NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").is_ok()
        && value.as_bytes()[4] == b'-';
    if ok {
        Ok(value.to_owned())
    } else {
        Err(InsightsError::BadFilter { field, message: format!("must be a month as YYYY-MM, not {value:?}") })
    }
}
