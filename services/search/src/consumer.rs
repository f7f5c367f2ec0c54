//! The consumer of `profiles.v1`: applies events to the index in batches and commits once per
//! batch (every `max_delay` or `batch_max` events, never once per event). Offsets are stored
//! only after the commit that holds the events; a poison event goes to the dead-letter topic
//! after that commit, so a crash never skips an earlier event of its partition.

use crate::index::{Applied, SearchIndex};
use crate::service::Recent;
use crocevia_kit::bus::{Delivery, Subscription};
use crocevia_proto::envelope;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy)]
pub struct BatchSettings {
    pub batch_max: usize,
    pub max_delay: Duration,
}

impl Default for BatchSettings {
    fn default() -> Self {
        Self { batch_max: 2000, max_delay: Duration::from_millis(200) }
    }
}

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

/// Runs until `shutdown`; a failing batch is retried whole (nothing was acknowledged).
pub async fn run(
    handle: IndexHandle,
    recent: Recent,
    mut sub: Box<dyn Subscription>,
    settings: BatchSettings,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut batch: Vec<Delivery> = Vec::new();
    let mut backoff = Duration::from_millis(100);
    loop {
        let mut first: Option<Instant> = None;
        // Fill a batch until it is full, old enough, or the stream is idle.
        while batch.len() < settings.batch_max && !*shutdown.borrow() {
            let wait = match first {
                Some(at) => settings.max_delay.saturating_sub(at.elapsed()),
                None => Duration::from_millis(250),
            };
            if first.is_some() && wait.is_zero() {
                break;
            }
            tokio::select! {
                polled = sub.poll(wait) => match polled {
                    Ok(Some(delivery)) => {
                        first.get_or_insert_with(Instant::now);
                        batch.push(delivery);
                    }
                    Ok(None) => if first.is_some() { break },
                    Err(e) => {
                        tracing::warn!(error = %e, "search consumer poll failed");
                        tokio::time::sleep(backoff).await;
                    }
                },
                _ = shutdown.changed() => {}
            }
        }
        if batch.is_empty() {
            if *shutdown.borrow() {
                break;
            }
            continue;
        }
        let index = current(&handle);
        let work = batch.clone();
        let recent_ = recent.clone();
        let outcome = tokio::task::spawn_blocking(move || apply_batch(&index, &recent_, &work)).await;
        let (report, poison) = match outcome {
            Ok(Ok(done)) => done,
            Ok(Err(e)) => {
                tracing::error!(
                    error = format!("{e:#}"),
                    events = batch.len(),
                    retry_in_ms = backoff.as_millis() as u64,
                    "indexing a batch failed"
                );
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                if *shutdown.borrow() {
                    break;
                }
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "indexing task panicked");
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        if let Err(e) = acknowledge(sub.as_mut(), &batch, &poison).await {
            tracing::warn!(error = %e, "acknowledging a committed batch failed; it will be redelivered and skipped by version");
        }
        crocevia_kit::metrics::SEARCH_APPLIED.inc_by((report.indexed + report.removed) as u64);
        crocevia_kit::metrics::DEAD_LETTERED.inc_by(report.poison as u64);
        tracing::debug!(?report, "search batch committed");
        batch.clear();
    }
    if let Err(e) = sub.close().await {
        tracing::warn!(error = %e, "closing the search subscription");
    }
}

/// In delivery order (offset order per partition): dead-letter each poison message, then
/// store the last offset of every partition.
async fn acknowledge(
    sub: &mut dyn Subscription,
    batch: &[Delivery],
    poison: &HashMap<usize, String>,
) -> Result<(), crocevia_kit::bus::BusError> {
    let mut last: HashMap<(&str, i32), usize> = HashMap::new();
    for (i, d) in batch.iter().enumerate() {
        last.insert((d.topic.as_str(), d.partition), i);
    }
    for (i, d) in batch.iter().enumerate() {
        if let Some(error) = poison.get(&i) {
            sub.dead_letter(d, error).await?;
        } else if last.get(&(d.topic.as_str(), d.partition)) == Some(&i) {
            sub.ack(d).await?;
        }
    }
    Ok(())
}
