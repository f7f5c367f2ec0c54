//! The running search service: index location and swaps, the consumer, and the query API.

use crate::consumer::{self, BatchSettings, IndexHandle};
use crate::error::SearchError;
use crate::index::SearchIndex;
use crate::query::{SearchRequest, SearchResults};
use crate::searcher;
use crate::taxonomy::Taxonomy;
use anyhow::Context;
use async_trait::async_trait;
use crocevia_domain::Entity;
use crocevia_kit::bus::batch::BatchHandler;
use crocevia_kit::bus::{Delivery, SharedBus};
use crocevia_proto::envelope::{Change, EventMeta};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{broadcast, watch};

/// What the gateway calls; the in-process service and (in the distributed mode) a network
/// client implement it.
#[async_trait]
pub trait SearchApi: Send + Sync + std::fmt::Debug {
    async fn search(&self, request: SearchRequest) -> Result<SearchResults, SearchError>;
}

/// The entities (id, version) one commit made searchable (or removed, or found already
/// held at that version or newer).
pub type Committed = Arc<[(uuid::Uuid, u64)]>;

/// Commits announced and not yet read by the slowest listener; one behind by more is told it
/// lagged (and re-runs at once).
pub const COMMITS_BUFFERED: usize = 64;

/// The changes applied in the last minutes, replayed into a freshly rebuilt index before it
/// replaces the live one (they happened while it was being built).
#[derive(Debug, Clone, Default)]
pub struct Recent {
    inner: Arc<Mutex<VecDeque<(u64, EventMeta, Change)>>>,
}

/// Applied changes kept for replay into an index rebuilt meanwhile (`crocevia reindex`), at
/// most, and for at most [`RECENT_KEEP_MS`]: about 1.6 KB each (the entity).
pub const RECENT_MAX: usize = 200_000;
const RECENT_KEEP_MS: u64 = 30 * 60 * 1000;

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

impl Recent {
    pub fn push(&self, meta: EventMeta, change: Change) {
        let mut q = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let now = now_ms();
        q.push_back((now, meta, change));
        while q.len() > RECENT_MAX || q.front().is_some_and(|(at, _, _)| at + RECENT_KEEP_MS < now) {
            q.pop_front();
        }
    }

    pub(crate) fn since(&self, from_ms: u64) -> Vec<(EventMeta, Change)> {
        let q = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        q.iter().filter(|(at, _, _)| *at >= from_ms).map(|(_, m, c)| (m.clone(), c.clone())).collect()
    }
}

/// `root/CURRENT` names the live index folder and when its build started (ms since epoch).
fn read_current(root: &Path) -> Option<(String, u64)> {
    let text = std::fs::read_to_string(root.join("CURRENT")).ok()?;
    let mut parts = text.split_whitespace();
    Some((parts.next()?.to_owned(), parts.next()?.parse().ok()?))
}

fn write_current(root: &Path, name: &str, started_ms: u64) -> anyhow::Result<()> {
    let tmp = root.join("CURRENT.tmp");
    std::fs::write(&tmp, format!("{name} {started_ms}\n"))?;
    std::fs::rename(tmp, root.join("CURRENT"))?;
    Ok(())
}

/// Builds a new index beside the live one; [`Rebuilder::finish`] makes it current, and a
/// running service swaps to it without downtime.
pub struct Rebuilder {
    root: PathBuf,
    name: String,
    started_ms: u64,
    index: SearchIndex,
    added: u64,
}

impl std::fmt::Debug for Rebuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rebuilder").field("name", &self.name).field("added", &self.added).finish()
    }
}

impl Rebuilder {
    pub fn create(root: &Path, taxonomy: Arc<Taxonomy>) -> anyhow::Result<Self> {
        let name = format!("index-{}", uuid::Uuid::now_v7().simple());
        let index = SearchIndex::open(&root.join(&name), taxonomy)?;
        Ok(Self { root: root.to_owned(), name, started_ms: now_ms(), index, added: 0 })
    }

    /// Adds one entity at its version (blocking).
    pub fn add(&mut self, entity: Entity, version: u64) -> anyhow::Result<()> {
        let meta = EventMeta {
            event_id: uuid::Uuid::nil(),
            entity_kind: entity.kind(),
            entity_id: entity.id(),
            entity_version: version,
            occurred_at: chrono::Utc::now(),
            correlation_id: "reindex".into(),
        };
        self.index.apply(&meta, &Change::Upserted(entity))?;
        self.added += 1;
        if self.added.is_multiple_of(50_000) {
            self.index.commit()?;
        }
        Ok(())
    }

    /// Commits, merges, and points `CURRENT` at the new index.
    pub fn finish(self) -> anyhow::Result<(String, u64)> {
        self.index.commit()?;
        self.index.merge_all()?;
        let docs = self.index.num_searchable()?;
        write_current(&self.root, &self.name, self.started_ms)?;
        Ok((self.name, docs))
    }
}

/// Deletes the index folders other than `keep`. A batch still writing to the old index
/// fails and is retried on the new one (nothing was acknowledged).
fn remove_other_indexes(root: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("index-")
            && name != keep
            && let Err(e) = std::fs::remove_dir_all(entry.path())
        {
            tracing::warn!(index = %name, error = %e, "cannot remove an old index");
        }
    }
}

#[derive(Debug, Clone)]
pub struct SearchSettings {
    /// Folder holding the index folders and `CURRENT`.
    pub root: PathBuf,
    pub topic: String,
    pub group: String,
    pub batch: BatchSettings,
    /// Where each commit is announced (`indexed.v1`) for other processes; `None` in the
    /// embedded mode, where the announcement stays in the process.
    pub announce: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SearchService {
    handle: IndexHandle,
    recent: Recent,
    taxonomy: Arc<Taxonomy>,
    committed: broadcast::Sender<Committed>,
}

impl SearchService {
    /// Opens the live index (creating an empty one on first start).
    pub fn open(root: &Path, taxonomy: Arc<Taxonomy>) -> anyhow::Result<Self> {
        std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
        let name = match read_current(root) {
            Some((name, _)) => name,
            None => {
                let name = format!("index-{}", uuid::Uuid::now_v7().simple());
                write_current(root, &name, 0)?;
                name
            }
        };
        let index = match SearchIndex::open(&root.join(&name), taxonomy.clone()) {
            Ok(index) => index,
            // The index is derived data: a damaged one (an overwritten meta.json, a lost
            // segment file) is replaced by an empty one, which its owner refills (the embedded
            // mode from the database at start, a search process from the topic), instead of
            // keeping the whole platform from starting.
            Err(e) => {
                tracing::error!(index = %name, error = format!("{e:#}"), "the search index is damaged: starting a new one");
                let fresh = format!("index-{}", uuid::Uuid::now_v7().simple());
                let index = SearchIndex::open(&root.join(&fresh), taxonomy.clone())?;
                write_current(root, &fresh, 0)?;
                remove_other_indexes(root, &fresh);
                index
            }
        };
        Ok(Self::over(index, taxonomy))
    }

    /// An index in memory, for tests of code above search.
    pub fn in_ram(taxonomy: Arc<Taxonomy>) -> anyhow::Result<Self> {
        Ok(Self::over(SearchIndex::in_ram(taxonomy.clone())?, taxonomy))
    }

    fn over(index: SearchIndex, taxonomy: Arc<Taxonomy>) -> Self {
        Self {
            handle: Arc::new(RwLock::new(Arc::new(index))),
            recent: Recent::default(),
            taxonomy,
            committed: broadcast::channel(COMMITS_BUFFERED).0,
        }
    }

    /// Applies and commits `batch` as the consumer does (decoding each event, skipping what
    /// the index holds) and announces the commit; returns the poison messages. For tests and
    /// tools that feed search without a bus.
    pub async fn apply(&self, batch: &[Delivery]) -> anyhow::Result<std::collections::HashMap<usize, String>> {
        consumer::Indexer {
            handle: self.handle.clone(),
            recent: self.recent.clone(),
            committed: self.committed.clone(),
            announce: None,
        }
        .handle(batch)
        .await
    }

    pub fn index(&self) -> Arc<SearchIndex> {
        consumer::current(&self.handle)
    }

    /// Each commit's changes as they become searchable: what a live saved search waits for
    /// before it runs again.
    pub fn commits(&self) -> broadcast::Sender<Committed> {
        self.committed.clone()
    }

    pub fn taxonomy(&self) -> Arc<Taxonomy> {
        self.taxonomy.clone()
    }

    /// Starts consuming `settings.topic` as a member of `settings.group`, and watching for
    /// a rebuilt index to swap in.
    pub async fn start(
        &self,
        bus: SharedBus,
        settings: SearchSettings,
        shutdown: watch::Receiver<bool>,
    ) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
        let positions = Arc::new(consumer::IndexPositions(self.handle.clone()));
        let sub = bus
            .subscribe_owning(std::slice::from_ref(&settings.topic), &settings.group, positions)
            .await
            .context("subscribing to the profiles topic")?;
        let announce = settings.announce.map(|topic| consumer::Announce { bus, topic, key: settings.group.clone() });
        let indexer = consumer::Indexer {
            handle: self.handle.clone(),
            recent: self.recent.clone(),
            committed: self.committed.clone(),
            announce,
        };
        let consumer = tokio::spawn(consumer::run(indexer, sub, settings.batch, shutdown.clone()));
        let gauges = tokio::spawn(self.clone().measure(settings.root.clone(), shutdown.clone()));
        let watcher = tokio::spawn(self.clone().watch_current(settings.root, shutdown));
        Ok(vec![consumer, watcher, gauges])
    }

    /// Sets the index gauges every 10 s: searchable documents, and bytes on disk under
    /// `root` (a rebuild in progress included: it is disk this member uses).
    async fn measure(self, root: PathBuf, mut shutdown: watch::Receiver<bool>) {
        loop {
            let service = self.clone();
            let dir = root.clone();
            let measured = tokio::task::spawn_blocking(move || {
                let docs = service.index().num_searchable()?;
                Ok::<_, anyhow::Error>((docs, bytes_under(&dir)))
            })
            .await;
            match measured {
                Ok(Ok((docs, bytes))) => {
                    crocevia_kit::metrics::SEARCH_DOCUMENTS.set(i64::try_from(docs).unwrap_or(i64::MAX));
                    crocevia_kit::metrics::SEARCH_INDEX_BYTES.set(i64::try_from(bytes).unwrap_or(i64::MAX));
                }
                Ok(Err(e)) => tracing::warn!(error = format!("{e:#}"), "measuring the index failed"),
                Err(e) => tracing::warn!(error = %e, "measuring task failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(10)) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn watch_current(self, root: PathBuf, mut shutdown: watch::Receiver<bool>) {
        let mut live = read_current(&root).map(|(name, _)| name);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => return,
            }
            let Some((name, started_ms)) = read_current(&root) else { continue };
            if live.as_deref() == Some(name.as_str()) {
                continue;
            }
            let service = self.clone();
            let dir = root.join(&name);
            match tokio::task::spawn_blocking(move || service.swap_to(&dir, started_ms)).await {
                Ok(Ok(replayed)) => {
                    tracing::info!(index = %name, replayed, "rebuilt index swapped in");
                    remove_other_indexes(&root, &name);
                    live = Some(name);
                }
                Ok(Err(e)) => {
                    tracing::error!(index = %name, error = format!("{e:#}"), "cannot swap to the rebuilt index")
                }
                Err(e) => tracing::error!(error = %e, "swap task failed"),
            }
        }
    }

    /// Swaps to the index `root/CURRENT` names now (after a rebuild in this process).
    pub fn reload(&self, root: &Path) -> anyhow::Result<usize> {
        let (name, started_ms) = read_current(root).context("the search folder has no CURRENT index")?;
        self.swap_to(&root.join(name), started_ms)
    }

    /// Opens the rebuilt index, replays what changed since its build started, and swaps.
    fn swap_to(&self, dir: &Path, started_ms: u64) -> anyhow::Result<usize> {
        let index = SearchIndex::open(dir, self.taxonomy.clone())?;
        // Hold the write lock while replaying so the consumer's next batch goes to the new
        // index only after it caught up. A margin covers clock differences between machines.
        let mut live = self.handle.write().unwrap_or_else(|p| p.into_inner());
        let changes = self.recent.since(started_ms.saturating_sub(60_000));
        for (meta, change) in &changes {
            index.apply(meta, change)?;
        }
        // The replay brought it to where the live index is: the consumer resumes from there.
        index.set_positions(live.positions());
        index.commit()?;
        *live = Arc::new(index);
        Ok(changes.len())
    }

    /// Runs a search off the async runtime.
    pub async fn run(&self, request: SearchRequest) -> Result<SearchResults, SearchError> {
        let plan = request.plan()?;
        let index = self.index();
        let today = chrono::Utc::now().date_naive();
        tokio::task::spawn_blocking(move || searcher::execute(&index, &plan, today))
            .await
            .map_err(|e| SearchError::Other(anyhow::anyhow!("search task: {e}")))?
    }
}

#[async_trait]
impl SearchApi for SearchService {
    async fn search(&self, request: SearchRequest) -> Result<SearchResults, SearchError> {
        self.run(request).await
    }
}

/// Bytes of the files under `dir`, at any depth (what cannot be read counts as nothing).
fn bytes_under(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(t) if t.is_dir() => bytes_under(&entry.path()),
            Ok(_) => entry.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}
