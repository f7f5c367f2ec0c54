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

/// How often the relay measures its backlog for the metrics (two indexed queries).
const BACKLOG_EVERY: Duration = Duration::from_secs(10);

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

// What the relay does with one batch of outbox rows: read, send, settle (mark and purge).
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
        let rows = self.read(reconcile, &[]).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        self.send(&rows).await?;
        self.settle(&rows).await?;
        Ok(rows.len())
    }

    /// The next unpublished rows in write order, leaving out `in_flight` (a batch being sent).
    /// With `reconcile`, two batches' worth (an interrupted pipeline leaves up to two batches
    /// unmarked: one sent, one being sent), without those already on the bus: they are marked
    /// here instead of being sent again.
    async fn read(&self, reconcile: bool, in_flight: &[i64]) -> anyhow::Result<Vec<store::OutboxRow>> {
        let limit = if reconcile { self.batch_size * 2 } else { self.batch_size };
        let rows = store::unpublished_except(&self.db, limit, in_flight).await.context("reading the outbox")?;
        if !reconcile || rows.is_empty() {
            return Ok(rows);
        }
        let ids: Vec<(&str, String)> = rows.iter().map(|r| (r.topic.as_str(), r.event_id.to_string())).collect();
        let window = usize::try_from(limit).unwrap_or(usize::MAX);
        let on_bus =
            outbox::already_published(self.bus.as_ref(), window, &ids).await.context("reading back the topics")?;
        let (found, to_send): (Vec<_>, Vec<_>) = rows.into_iter().enumerate().partition(|(i, _)| on_bus.contains(i));
        let found: Vec<store::OutboxRow> = found.into_iter().map(|(_, r)| r).collect();
        if !found.is_empty() {
            self.settle(&found).await?;
        }
        Ok(to_send.into_iter().map(|(_, r)| r).collect())
    }

    /// Publishes `rows` in order; returns once the bus holds every one of them.
    async fn send(&self, rows: &[store::OutboxRow]) -> anyhow::Result<()> {
        // Rows go to their own topic each; consecutive rows of one topic form one publish.
        let mut start = 0;
        while start < rows.len() {
            let topic = rows[start].topic.clone();
            let end = rows[start..].iter().position(|r| r.topic != topic).map_or(rows.len(), |n| start + n);
            let content_type = crocevia_proto::content_type::<crocevia_proto::v1::Envelope>();
            // A row written within a traced request is published in a span of that trace,
            // and its message carries this span's context on to the consumers. The spans end
            // once the bus holds the batch.
            let mut spans = Vec::new();
            let messages = rows[start..end]
                .iter()
                .map(|row| {
                    // What reconciling needs, and what names the payload for readers with only
                    // proto/; the kind and version are in the payload (each header is one more
                    // row to store for a broker like tansu).
                    let mut headers = vec![
                        (HEADER_EVENT_ID.to_owned(), row.event_id.to_string()),
                        (crocevia_proto::HEADER_CONTENT_TYPE.to_owned(), content_type.clone()),
                    ];
                    if let Some(parent) = &row.trace_context {
                        let span = tracing::info_span!("outbox publish", topic = %topic, entity_id = %row.entity_id);
                        crocevia_kit::telemetry::continue_trace(&span, |name| {
                            (name == crocevia_kit::telemetry::TRACE_HEADERS[0]).then_some(parent.as_str())
                        });
                        headers.extend(span.in_scope(crocevia_kit::telemetry::current_context));
                        spans.push(span);
                    }
                    OutMessage { key: row.entity_id.to_string(), payload: row.payload.clone(), headers }
                })
                .collect();
            self.hit(Failpoint::AbortBeforePublish);
            self.bus.publish(&topic, messages).await.with_context(|| format!("publishing to {topic}"))?;
            drop(spans);
            self.hit(Failpoint::AbortAfterPublish);
            start = end;
        }
        crocevia_kit::metrics::OUTBOX_PUBLISHED.inc_by(rows.len() as u64);
        tracing::debug!(events = rows.len(), "outbox batch published");
        Ok(())
    }

    /// Marks rows that are on the bus as published (and purges what an erasure among them
    /// makes obsolete).
    async fn settle(&self, rows: &[store::OutboxRow]) -> anyhow::Result<()> {
        let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
        store::mark_published(&self.db, seqs, Utc::now()).await.context("marking the outbox")?;
        self.purge_erased(rows).await
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
    ///
    /// While a full batch is on its way to the bus, the previous one is marked and the next
    /// one read: the database work and the broker's round trips overlap instead of adding up.
    /// One publish is in flight at a time, so the bus receives the rows in write order.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut backoff = Duration::from_millis(100);
        let mut reconcile = true;
        // Read and not yet sent; sent and not yet marked.
        let (mut next, mut sent): (Vec<store::OutboxRow>, Vec<store::OutboxRow>) = (Vec::new(), Vec::new());
        let mut measured: Option<tokio::time::Instant> = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            if measured.is_none_or(|at| at.elapsed() >= BACKLOG_EVERY) {
                self.measure_backlog().await;
                measured = Some(tokio::time::Instant::now());
            }
            let step = self.step(&mut reconcile, &mut next, &mut sent).await;
            match step {
                Ok(true) => continue,
                Ok(false) => backoff = Duration::from_millis(100),
                Err(e) => {
                    // Start over from the outbox: what reached the bus is found by reconciling.
                    (reconcile, next, sent) = (true, Vec::new(), Vec::new());
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
        if !sent.is_empty() && self.settle(&sent).await.is_err() {
            reconcile = true;
        }
        while let Ok(n) = self.publish_next(reconcile).await {
            reconcile = false;
            if n == 0 {
                break;
            }
        }
    }

    /// Sets the outbox gauges: what waits, and for how long the oldest row has.
    async fn measure_backlog(&self) {
        match store::backlog(&self.db).await {
            Ok((count, oldest)) => {
                let age = oldest.map_or(0, |at| (chrono::Utc::now() - at).num_seconds().max(0));
                crocevia_kit::metrics::OUTBOX_BACKLOG.set(i64::try_from(count).unwrap_or(i64::MAX));
                crocevia_kit::metrics::OUTBOX_OLDEST_AGE.set(age);
            }
            Err(e) => tracing::warn!(error = %e, "measuring the outbox backlog failed"),
        }
    }

    /// One turn of the pipeline: sends `next` (reading it first if empty) while settling
    /// `sent` and reading the batch after. Returns whether more rows are waiting.
    async fn step(
        &self,
        reconcile: &mut bool,
        next: &mut Vec<store::OutboxRow>,
        sent: &mut Vec<store::OutboxRow>,
    ) -> anyhow::Result<bool> {
        if next.is_empty() {
            if !sent.is_empty() {
                self.settle(sent).await?;
                sent.clear();
            }
            *next = self.read(*reconcile, &[]).await?;
            *reconcile = false;
            if next.is_empty() {
                return Ok(false);
            }
        }
        let in_flight: Vec<i64> = next.iter().map(|r| r.seq).collect();
        let ahead = async {
            if !sent.is_empty() {
                self.settle(sent).await?;
            }
            self.read(false, &in_flight).await
        };
        let (published, ahead) = tokio::join!(self.send(next), ahead);
        published?;
        *sent = std::mem::take(next);
        *next = ahead?;
        if next.is_empty() {
            // Nothing more to overlap with: mark now rather than at the next wake-up.
            self.settle(sent).await?;
            sent.clear();
        }
        Ok(!next.is_empty())
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
