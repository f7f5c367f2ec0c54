//! The open data's wiring: the insights settings, the database a rebuild reads (the profiles
//! and matching tables, shared by every process in both modes), its progress bar, and
//! `crocevia rebuild-insights`. Why and how a rebuild works: `crocevia_insights::rebuild`.

use crate::platform;
use anyhow::Context;
use crocevia_domain::EntityKind;
use crocevia_insights::rebuild::{Logged, Phase, Progress, Recorded, Source, Tombstone};
use crocevia_insights::{InsightsService, InsightsSettings, RebuildFrom};
use crocevia_kit::bus::SharedBus;
use crocevia_kit::bus::batch::BatchSettings;
use crocevia_kit::config::Settings;
use crocevia_proto::{MATCHES_TOPIC, PROFILES_TOPIC};
use sea_orm::DatabaseConnection;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The insights consumer's settings; a start whose facts were never complete rebuilds them
/// from `db`, reading `bus` as published (not opened).
pub fn insights_settings(settings: &Settings, db: &DatabaseConnection, bus: SharedBus) -> InsightsSettings {
    InsightsSettings {
        profiles_topic: settings.topic(PROFILES_TOPIC),
        matches_topic: settings.topic(MATCHES_TOPIC),
        group: settings.insights.group.clone(),
        batch: BatchSettings {
            batch_max: settings.insights.batch_max,
            max_delay: Duration::from_millis(settings.insights.max_delay_ms),
        },
        upstream: Some(Arc::new(ProfilesOutbox(db.clone()))),
        rebuild: Some(RebuildFrom {
            source: Arc::new(Tables(db.clone())),
            bus,
            progress: Arc::new(Bar::new(std::io::stderr().is_terminal())),
        }),
    }
}

/// `crocevia rebuild-insights`.
#[expect(clippy::print_stdout, reason = "the report is the command's output")]
pub async fn rebuild(settings: &Settings) -> anyhow::Result<()> {
    // The facts have one writer, and the in-process bus log one user: refused while a
    // `serve` holds this data folder (a process elsewhere must be stopped by hand).
    let _lock = crate::data_dir::DataDirLock::acquire(&settings.data_dir, "rebuild-insights")?;
    let db = platform::open_database(settings).await?;
    let insights = InsightsService::open(db.clone(), platform::publication(settings)).await?;
    let bus = platform::open_bus(settings).await?;
    let stop = platform::shutdown_signal();
    let rebuilt = insights.rebuild(&insights_settings(settings, &db, bus), &stop).await?;
    println!(
        "rebuilt the open data from the database: {} entities counted, {} erasures, {} offers with a first good \
         match (of {} match events)",
        rebuilt.facts, rebuilt.erased, rebuilt.first_matches, rebuilt.match_events
    );
    println!(
        "group {} moved past {} messages: the next `serve insights` (or `serve all`) follows the topics from there",
        settings.insights.group, rebuilt.skipped
    );
    if rebuilt.poison > 0 {
        println!("{} match events did not decode and were left out, as the consumer leaves them", rebuilt.poison);
    }
    Ok(())
}

/// The profiles outbox, read by the insights consumer to tell a finished first catch-up from
/// a start (the database is shared by every process, in both modes).
#[derive(Debug)]
struct ProfilesOutbox(DatabaseConnection);

#[async_trait::async_trait]
impl crocevia_insights::consumer::Upstream for ProfilesOutbox {
    async fn unpublished(&self) -> anyhow::Result<bool> {
        Ok(!crocevia_profiles::store::unpublished(&self.0, 1).await?.is_empty())
    }
}

/// The profiles and matching tables, as a rebuild reads them.
#[derive(Debug)]
struct Tables(DatabaseConnection);

const MATCHING_OUTBOX: &str = "matching_outbox";

impl Tables {
    /// Matching creates its tables when it first starts; before, it has written no match
    /// event, so there is none to read (and any it writes later reaches the consumer).
    async fn matching_started(&self) -> anyhow::Result<bool> {
        let schema = sea_orm_migration::SchemaManager::new(&self.0);
        schema.has_table(MATCHING_OUTBOX).await.context("looking for matching's outbox")
    }
}

#[async_trait::async_trait]
impl Source for Tables {
    async fn count(&self, phase: Phase) -> anyhow::Result<u64> {
        use crocevia_profiles::store;
        Ok(match phase {
            Phase::Erasures => store::tombstone_count(&self.0).await?,
            Phase::Entities(kind) => store::count(&self.0, kind).await?,
            Phase::MatchEvents if self.matching_started().await? => {
                crocevia_matching::store::event_count(&self.0).await?
            }
            Phase::MatchEvents => 0,
        })
    }

    async fn entities(&self, kind: EntityKind, after: Option<Uuid>, limit: u64) -> anyhow::Result<Vec<Recorded>> {
        let page = crocevia_profiles::store::list_dated(&self.0, kind, after, limit).await?;
        Ok(page
            .into_iter()
            .map(|d| Recorded {
                entity: d.stored.entity,
                version: d.stored.version,
                created_at: d.created_at,
                updated_at: d.updated_at,
            })
            .collect())
    }

    async fn tombstones(&self, after: Option<Uuid>, limit: u64) -> anyhow::Result<Vec<Tombstone>> {
        let page = crocevia_profiles::store::tombstones_after(&self.0, after, limit).await?;
        page.into_iter()
            .map(|t| {
                let kind = EntityKind::parse(&t.kind)
                    .with_context(|| format!("tombstone {}: unknown entity kind {:?}", t.id, t.kind))?;
                Ok(Tombstone { id: t.id, kind, version: u64::try_from(t.version)?, deleted_at: t.deleted_at })
            })
            .collect()
    }

    async fn match_events(&self, after: Option<i64>, limit: u64) -> anyhow::Result<Vec<(i64, Vec<u8>)>> {
        if !self.matching_started().await? {
            return Ok(Vec::new());
        }
        Ok(crocevia_matching::store::events_after(&self.0, after, limit).await?)
    }
}

/// A progress bar on a terminal; log lines otherwise.
#[derive(Debug)]
struct Bar {
    bar: indicatif::ProgressBar,
    logged: Logged,
}

impl Bar {
    fn new(show: bool) -> Self {
        let bar = if show { indicatif::ProgressBar::new(0) } else { indicatif::ProgressBar::hidden() };
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} rebuilding insights {msg:<13} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Self { bar, logged: Logged::default() }
    }
}

impl Progress for Bar {
    fn update(&self, phase: Phase, done: u64, total: u64) {
        if self.bar.is_hidden() {
            return self.logged.update(phase, done, total);
        }
        self.bar.set_length(total);
        self.bar.set_message(phase.name());
        self.bar.set_position(done);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
