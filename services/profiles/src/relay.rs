//! The outbox relay: publishes committed outbox rows to the bus in write order, in batches,
//! then marks them published.
//!
//! A crash after the publish and before the mark does not publish the batch twice: the next
//! attempt reads back the topics' tails and marks what is already there
//! ([`crocevia_kit::bus::outbox`]). One relay runs per database; two would interleave
//! batches and break the per-entity order.

use crate::store;
use anyhow::Context;
use chrono::Utc;
use crocevia_kit::bus::{OutMessage, SharedBus, outbox};
use crocevia_proto::envelope::{self, Change};
use sea_orm::DatabaseConnection;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// Where the crash tests abort the process, as a `kill -9` would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failpoint {
    AbortBeforePublish,
    AbortAfterPublish,
}

impl Failpoint {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "relay_abort_before_publish" => Some(Self::AbortBeforePublish),
            "relay_abort_after_publish" => Some(Self::AbortAfterPublish),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct Relay {
    pub db: DatabaseConnection,
    pub bus: SharedBus,
    pub batch_size: u64,
    pub interval: Duration,
    pub wake: Arc<Notify>,
    pub failpoint: Option<Failpoint>,
}

pub use crocevia_kit::bus::outbox::HEADER_EVENT_ID;
pub const HEADER_ENTITY_KIND: &str = "crocevia-entity-kind";
pub const HEADER_ENTITY_VERSION: &str = "crocevia-entity-version";

impl Relay {
    /// Publishes one batch; returns how many rows it published. Reads back the topics' tails
    /// first (see [`crocevia_kit::bus::outbox`]), so a batch that an earlier process
    /// published without marking is not sent twice.
    pub async fn publish_batch(&self) -> anyhow::Result<usize> {
        self.publish_next(true).await
    }

    /// `reconcile`: whether an earlier publish may have been interrupted (first batch of a
    /// process, or after a failure).
    async fn publish_next(&self, reconcile: bool) -> anyhow::Result<usize> {
        let rows = store::unpublished(&self.db, self.batch_size).await.context("reading the outbox")?;
        if rows.is_empty() {
            return Ok(0);
        }
        let on_bus = if reconcile {
            let ids: Vec<(&str, String)> = rows.iter().map(|r| (r.topic.as_str(), r.event_id.to_string())).collect();
            let window = usize::try_from(self.batch_size).unwrap_or(usize::MAX);
            outbox::already_published(self.bus.as_ref(), window, &ids).await.context("reading back the topics")?
        } else {
            HashSet::new()
        };
        let to_send: Vec<&store::OutboxRow> =
            rows.iter().enumerate().filter(|(i, _)| !on_bus.contains(i)).map(|(_, r)| r).collect();
        // Rows go to their own topic each; consecutive rows of one topic form one publish.
        let mut start = 0;
        while start < to_send.len() {
            let topic = to_send[start].topic.clone();
            let end = to_send[start..].iter().position(|r| r.topic != topic).map_or(to_send.len(), |n| start + n);
            let messages = to_send[start..end]
                .iter()
                .map(|row| OutMessage {
                    key: row.entity_id.to_string(),
                    payload: row.payload.clone(),
                    headers: vec![
                        (HEADER_EVENT_ID.to_owned(), row.event_id.to_string()),
                        (HEADER_ENTITY_KIND.to_owned(), row.entity_kind.clone()),
                        (HEADER_ENTITY_VERSION.to_owned(), row.entity_version.to_string()),
                    ],
                })
                .collect();
            self.hit(Failpoint::AbortBeforePublish);
            self.bus.publish(&topic, messages).await.with_context(|| format!("publishing to {topic}"))?;
            self.hit(Failpoint::AbortAfterPublish);
            start = end;
        }
        let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
        store::mark_published(&self.db, seqs, Utc::now()).await.context("marking the outbox")?;
        self.purge_erased(&rows).await?;
        crocevia_kit::metrics::OUTBOX_PUBLISHED.inc_by(to_send.len() as u64);
        tracing::debug!(events = to_send.len(), found_on_bus = on_bus.len(), "outbox batch published");
        Ok(rows.len())
    }

    /// GDPR Art. 17: once an erasure is on the bus, the outbox no longer keeps the erased
    /// entity's earlier events (their payloads hold its data); the erasure row stays.
    async fn purge_erased(&self, rows: &[store::OutboxRow]) -> anyhow::Result<()> {
        for row in rows {
            if let Ok((_, Change::Erased { .. })) = envelope::decode(&row.payload) {
                let purged = store::purge_published_before(&self.db, row.entity_id, row.seq)
                    .await
                    .context("purging an erased entity's outbox rows")?;
                tracing::debug!(entity_id = %row.entity_id, purged, "erased entity's events purged from the outbox");
            }
        }
        Ok(())
    }

    fn hit(&self, point: Failpoint) {
        if self.failpoint == Some(point) {
            tracing::error!(?point, "failpoint reached: aborting the process");
            std::process::abort();
        }
    }

    /// Publishes until `shutdown` turns true, waking on writes or on the interval. Errors
    /// (broker down, database busy) are logged and retried with a growing pause.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut backoff = Duration::from_millis(100);
        let mut reconcile = true;
        loop {
            if *shutdown.borrow() {
                break;
            }
            let published = self.publish_next(reconcile).await;
            reconcile = published.is_err();
            match published {
                Ok(n) if n as u64 == self.batch_size => continue,
                Ok(_) => backoff = Duration::from_millis(100),
                Err(e) => {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        retry_in_ms = backoff.as_millis() as u64,
                        "outbox relay failed"
                    );
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.changed() => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                    continue;
                }
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.interval) => {}
                _ = shutdown.changed() => {}
            }
        }
        // Drain what was committed before the shutdown, so a clean stop leaves nothing behind.
        while let Ok(n) = self.publish_next(reconcile).await {
            reconcile = false;
            if n == 0 {
                break;
            }
        }
    }

    /// Publishes everything pending now (used by `import` and tests).
    pub async fn drain(&self) -> anyhow::Result<usize> {
        let mut total = 0;
        loop {
            let n = self.publish_next(total == 0).await?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }
}
