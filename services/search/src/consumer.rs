//! The consumer of `profiles.v1`: applies events to the index in batches and commits once per
//! batch (every `max_delay` or `batch_max` events, never once per event). The next offset of
//! each partition is written in the same commit as the documents, and a member resumes each
//! partition it is given from there (its own index), not from the group's offsets: members
//! of the search group each index their share of the partitions, and one that takes over a
//! partition replays it into its index instead of skipping what the previous owner indexed.
//! Offsets are also stored in the group after the commit (for lag monitoring); a poison event
//! goes to the dead-letter topic after that commit.

use crate::index::{Applied, SearchIndex};
use crate::service::Recent;
use crocevia_kit::bus::batch::{self, BatchHandler};
use crocevia_kit::bus::{Delivery, OwnPositions, Subscription};
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

/// What applying one batch did.
struct Outcome {
    report: BatchReport,
    /// The poison messages with their errors.
    poison: HashMap<usize, String>,
    /// The entities (id, version) the commit holds.
    done: Vec<(uuid::Uuid, u64)>,
}

/// Applies and commits a batch.
fn apply_batch(index: &SearchIndex, recent: &Recent, batch: &[Delivery]) -> anyhow::Result<Outcome> {
    let mut report = BatchReport::default();
    let mut poison = HashMap::new();
    let mut done = Vec::new();
    for (i, delivery) in batch.iter().enumerate() {
        index.advance(&delivery.topic, delivery.partition, delivery.offset + 1);
        let (meta, change) = match envelope::decode(&delivery.payload) {
            Ok(decoded) => decoded,
            Err(e) => {
                poison.insert(i, e.to_string());
                report.poison += 1;
                continue;
            }
        };
        let outcome = index.apply_from(&meta, &change, Some(delivery.partition))?;
        if outcome != Applied::NotSearchable {
            done.push((meta.entity_id, meta.entity_version));
        }
        match outcome {
            Applied::Indexed => report.indexed += 1,
            Applied::Removed => report.removed += 1,
            // Nothing to replay into a rebuilt index: the database held that version before
            // the event was published, and a rebuild reads the database. Kept, the 117,500
            // events a first start skips held about 190 MB of entities for half an hour.
            Applied::Stale => {
                report.stale += 1;
                continue;
            }
            Applied::NotSearchable => {
                report.ignored += 1;
                continue;
            }
        }
        recent.push(meta, change);
    }
    index.commit()?;
    Ok(Outcome { report, poison, done })
}

/// Applies each batch to the live index (on the blocking pool: indexing is CPU work), then
/// announces what the commit made searchable.
pub(crate) struct Indexer {
    pub(crate) handle: IndexHandle,
    pub(crate) recent: Recent,
    pub(crate) committed: tokio::sync::broadcast::Sender<crate::service::Committed>,
    pub(crate) announce: Option<Announce>,
}

/// Where a member of the search group tells other processes what its commits made
/// searchable (the distributed mode).
pub(crate) struct Announce {
    pub(crate) bus: crocevia_kit::bus::SharedBus,
    pub(crate) topic: String,
    pub(crate) key: String,
}

impl Announce {
    /// Best effort: the index is committed whatever happens here, and a listener that hears
    /// nothing runs its search after a bounded wait instead.
    async fn send(&self, done: &[(uuid::Uuid, u64)]) {
        if done.is_empty() {
            return;
        }
        let message = crocevia_proto::v1::Indexed {
            entities: done
                .iter()
                .map(|(id, version)| crocevia_proto::v1::IndexedEntity {
                    entity_id: id.to_string(),
                    entity_version: *version,
                })
                .collect(),
        };
        let mut out = crocevia_kit::bus::OutMessage::new(self.key.clone(), prost::Message::encode_to_vec(&message));
        out.headers.push((
            crocevia_proto::HEADER_CONTENT_TYPE.to_owned(),
            crocevia_proto::content_type::<crocevia_proto::v1::Indexed>(),
        ));
        if let Err(e) = self.bus.publish(&self.topic, vec![out]).await {
            tracing::warn!(topic = %self.topic, error = %e, "announcing a search commit failed");
        }
    }
}

#[async_trait::async_trait]
impl BatchHandler for Indexer {
    async fn handle(&mut self, batch: &[Delivery]) -> anyhow::Result<HashMap<usize, String>> {
        let index = current(&self.handle);
        let (recent, work) = (self.recent.clone(), batch.to_vec());
        let Outcome { report, poison, done } = tokio::task::spawn_blocking(move || apply_batch(&index, &recent, &work))
            .await
            .map_err(|e| anyhow::anyhow!("indexing task failed: {e}"))??;
        if let Some(announce) = &self.announce {
            announce.send(&done).await;
        }
        // Nobody listening is fine: no live saved search.
        let _ = self.committed.send(done.into());
        crocevia_kit::metrics::SEARCH_APPLIED.inc_by((report.indexed + report.removed) as u64);
        tracing::debug!(?report, "search batch committed");
        Ok(poison)
    }

    async fn revoked(&mut self, partitions: &[(String, i32)]) -> anyhow::Result<()> {
        let (index, partitions) = (current(&self.handle), partitions.to_vec());
        tokio::task::spawn_blocking(move || {
            for (topic, partition) in &partitions {
                index.forget_partition(topic, *partition)?;
                tracing::info!(topic, partition, "documents of a partition another member took over dropped");
            }
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("dropping partitions failed: {e}"))?
    }
}

/// Where this member resumes a partition it is given: where its index ends.
#[derive(Debug)]
pub struct IndexPositions(pub IndexHandle);

impl OwnPositions for IndexPositions {
    fn resume_at(&self, topic: &str, partition: i32) -> i64 {
        current(&self.0).position(topic, partition).unwrap_or(0)
    }

    fn held(&self) -> Vec<(String, i32)> {
        current(&self.0).held_partitions()
    }
}

/// Runs until `shutdown`; see [`crocevia_kit::bus::batch`] for the batching, retries and
/// offset handling.
pub(crate) async fn run(
    indexer: Indexer,
    sub: Box<dyn Subscription>,
    settings: BatchSettings,
    shutdown: watch::Receiver<bool>,
) {
    batch::run("search", sub, settings, shutdown, indexer).await;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test")]
    use super::*;
    use crocevia_domain::{Entity, Offer};
    use crocevia_proto::envelope::Change;

    fn delivery(change: &Change, version: u64, offset: i64) -> Delivery {
        Delivery {
            topic: "profiles.v1".into(),
            partition: 0,
            offset,
            key: String::new(),
            payload: envelope::encode(&envelope::build(change, version, "t", chrono::Utc::now())),
            headers: Vec::new(),
        }
    }

    /// Only the changes the index applied are kept to replay into a rebuilt index: an event
    /// skipped as already held (a first start reads every event an import published) is not
    /// held in memory for half an hour.
    #[test]
    fn only_applied_changes_are_kept_for_replay() {
        let taxonomy = Arc::new(crate::taxonomy::Taxonomy::new(vec![]));
        let index = SearchIndex::in_ram(taxonomy).unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/offers.json");
        let offers: Vec<Offer> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let change = Change::Upserted(Entity::Offer(offers[0].clone()));
        let batch = [delivery(&change, 1, 0), delivery(&change, 1, 1), delivery(&change, 2, 2)];
        let recent = Recent::default();
        let Outcome { report, poison, .. } = apply_batch(&index, &recent, &batch).unwrap();
        assert!(poison.is_empty());
        assert_eq!((report.indexed, report.stale), (2, 1));
        let kept: Vec<u64> = recent.since(0).iter().map(|(meta, _)| meta.entity_version).collect();
        assert_eq!(kept, vec![1, 2], "the skipped redelivery is not kept");
    }
}
