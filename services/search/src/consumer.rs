//! The consumer of `profiles.v1`: applies events to the index in batches and commits once per
//! batch (every `max_delay` or `batch_max` events, never once per event). Offsets are stored
//! only after the commit that holds the events; a poison event goes to the dead-letter topic
//! after that commit, so a crash never skips an earlier event of its partition.

use crate::index::{Applied, SearchIndex};
use crate::service::Recent;
use crocevia_kit::bus::batch::{self, BatchHandler};
use crocevia_kit::bus::{Delivery, Subscription};
use crocevia_proto::envelope;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tokio::sync::watch;

pub use crocevia_kit::bus::batch::BatchSettings;

/// What one batch did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchReport {
    pub indexed: usize,
    pub removed: usize,
    pub stale: usize,
    pub ignored: usize,
    pub poison: usize,
}

pub type IndexHandle = Arc<RwLock<Arc<SearchIndex>>>;

pub fn current(handle: &IndexHandle) -> Arc<SearchIndex> {
    handle.read().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Applies and commits a batch; returns the poison messages with their errors.
fn apply_batch(
    index: &SearchIndex,
    recent: &Recent,
    batch: &[Delivery],
) -> anyhow::Result<(BatchReport, HashMap<usize, String>)> {
    let mut report = BatchReport::default();
    let mut poison = HashMap::new();
    for (i, delivery) in batch.iter().enumerate() {
        let (meta, change) = match envelope::decode(&delivery.payload) {
            Ok(decoded) => decoded,
            Err(e) => {
                poison.insert(i, e.to_string());
                report.poison += 1;
                continue;
            }
        };
        match index.apply(&meta, &change)? {
            Applied::Indexed => report.indexed += 1,
            Applied::Removed => report.removed += 1,
            Applied::Stale => report.stale += 1,
            Applied::NotSearchable => report.ignored += 1,
        }
        recent.push(meta, change);
    }
    index.commit()?;
    Ok((report, poison))
}

/// Applies each batch to the live index (on the blocking pool: indexing is CPU work).
struct Indexer {
    handle: IndexHandle,
    recent: Recent,
}

#[async_trait::async_trait]
impl BatchHandler for Indexer {
    async fn handle(&mut self, batch: &[Delivery]) -> anyhow::Result<HashMap<usize, String>> {
        let index = current(&self.handle);
        let (recent, work) = (self.recent.clone(), batch.to_vec());
        let (report, poison) = tokio::task::spawn_blocking(move || apply_batch(&index, &recent, &work))
            .await
            .map_err(|e| anyhow::anyhow!("indexing task failed: {e}"))??;
        crocevia_kit::metrics::SEARCH_APPLIED.inc_by((report.indexed + report.removed) as u64);
        tracing::debug!(?report, "search batch committed");
        Ok(poison)
    }
}

/// Runs until `shutdown`; see [`crocevia_kit::bus::batch`] for the batching, retries and
/// offset handling.
pub async fn run(
    handle: IndexHandle,
    recent: Recent,
    sub: Box<dyn Subscription>,
    settings: BatchSettings,
    shutdown: watch::Receiver<bool>,
) {
    batch::run("search", sub, settings, shutdown, Indexer { handle, recent }).await;
}
