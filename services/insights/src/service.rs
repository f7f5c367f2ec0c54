//! The running insights service: the consumer that keeps the facts, and the snapshot of the
//! published datasets that readers (GraphQL, downloads) share.

use crate::catalogue;
use crate::compute::{self, Dataset, Snapshot, Stored};
use crate::consumer::{CatchUp, Consumer, Upstream};
use crate::error::InsightsError;
use crate::facts::Fact;
use crate::publication::Publication;
use crate::store::{self, Migrator};
use anyhow::Context;
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
}

/// What a harvester is told to wait before asking again while the first figures are built.
pub const NOT_READY_RETRY_SECS: u64 = 5;

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

    /// Joins the consumer group on both topics and keeps the facts until `shutdown`.
    pub async fn start(
        &self,
        bus: SharedBus,
        settings: InsightsSettings,
        shutdown: watch::Receiver<bool>,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let topics = [settings.profiles_topic.clone(), settings.matches_topic.clone()];
        let sub = bus.subscribe(&topics, &settings.group).await.context("subscribing to the insights topics")?;
        let consumer = self.consumer(&settings);
        Ok(tokio::spawn(batch::run("insights", sub, settings.batch, shutdown, consumer)))
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
