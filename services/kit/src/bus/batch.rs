//! The batching consumer loop: fill a batch until it is full, old enough or the stream is
//! idle; apply it durably; then dead-letter its poison messages and store the last offset of
//! each partition. A failing batch is retried whole with backoff (nothing was acknowledged),
//! so a crash at any point redelivers, and handlers skip what they already applied.

use super::{BusError, Delivery, Subscription};
use async_trait::async_trait;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy)]
pub struct BatchSettings {
    pub batch_max: usize,
    pub max_delay: Duration,
}

impl Default for BatchSettings {
    fn default() -> Self {
        Self { batch_max: 1000, max_delay: Duration::from_millis(200) }
    }
}

#[async_trait]
pub trait BatchHandler: Send {
    /// Applies `batch` durably and returns its poison messages (index into `batch`, error).
    /// An `Err` means a dependency failed: the batch is retried.
    async fn handle(&mut self, batch: &[Delivery]) -> anyhow::Result<HashMap<usize, String>>;

    /// Partitions another member took over (subscriptions with own positions only): drop
    /// this member's state of them. Called between batches, never during one.
    async fn revoked(&mut self, _partitions: &[(String, i32)]) -> anyhow::Result<()> {
        Ok(())
    }

    /// A round ended with nothing to read on any partition this member holds: it has read
    /// everything published so far (what a consumer that must tell "caught up" from
    /// "starting" needs). Errors are logged; the loop goes on.
    async fn idle(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Runs until `shutdown`, then leaves the group.
pub async fn run(
    name: &'static str,
    mut sub: Box<dyn Subscription>,
    settings: BatchSettings,
    mut shutdown: watch::Receiver<bool>,
    mut handler: impl BatchHandler,
) {
    let mut batch: Vec<Delivery> = Vec::new();
    let mut backoff = Duration::from_millis(100);
    let (mut lag_at, mut lag_shown) = (Instant::now(), Vec::new());
    loop {
        if lag_at.elapsed() >= crate::metrics::LAG_EVERY {
            crate::metrics::record_lag(&sub.lag(), &mut lag_shown);
            lag_at = Instant::now();
        }
        let mut first: Option<Instant> = None;
        while batch.len() < settings.batch_max && !*shutdown.borrow() {
            let wait = first.map_or(Duration::from_millis(250), |at| settings.max_delay.saturating_sub(at.elapsed()));
            if first.is_some() && wait.is_zero() {
                break;
            }
            tokio::select! {
                polled = sub.poll(wait) => match polled {
                    Ok(Some(delivery)) => {
                        first.get_or_insert_with(Instant::now);
                        batch.push(delivery);
                    }
                    // An idle poll ends the round even with nothing batched, so partitions
                    // taken away while idle are dropped now, not when the next message comes.
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(consumer = name, error = %e, "poll failed");
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
            drop_revoked(name, sub.as_mut(), &mut handler).await;
            // Before the group gave this member its partitions, an empty poll says nothing.
            if !sub.assignment().is_empty()
                && let Err(e) = handler.idle().await
            {
                tracing::warn!(consumer = name, error = format!("{e:#}"), "idle step failed");
            }
            continue;
        }
        // A message from a traced request is handled in a span of its trace (the whole
        // batch's work: the handler applies it at once). At most `batch_max` spans.
        let traced: Vec<tracing::Span> = batch
            .iter()
            .filter(|d| d.header(crate::telemetry::TRACE_HEADERS[0]).is_some())
            .map(|d| {
                let span = tracing::info_span!("consume", consumer = name, topic = %d.topic, partition = d.partition, offset = d.offset, key = %d.key);
                crate::telemetry::continue_trace(&span, |header| d.header(header));
                span
            })
            .collect();
        let poison = match handler.handle(&batch).await {
            Ok(poison) => poison,
            // A handler may stop part way when asked to (matching stops between chunks):
            // nothing is acknowledged, the next start redelivers the batch.
            Err(e) if *shutdown.borrow() => {
                tracing::info!(
                    consumer = name,
                    reason = format!("{e:#}"),
                    events = batch.len(),
                    "stopped during a batch; it will be redelivered"
                );
                break;
            }
            Err(e) => {
                tracing::error!(
                    consumer = name,
                    error = format!("{e:#}"),
                    events = batch.len(),
                    retry_in_ms = backoff.as_millis() as u64,
                    "applying a batch failed"
                );
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                if *shutdown.borrow() {
                    break;
                }
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        drop(traced);
        crate::metrics::DEAD_LETTERED.inc_by(poison.len() as u64);
        if let Err(e) = acknowledge(sub.as_mut(), &batch, &poison).await {
            tracing::warn!(consumer = name, error = %e, "acknowledging an applied batch failed; it will be redelivered");
        }
        batch.clear();
        drop_revoked(name, sub.as_mut(), &mut handler).await;
    }
    // What this member no longer reads is nobody's lag here.
    crate::metrics::record_lag(&[], &mut lag_shown);
    if let Err(e) = sub.close().await {
        tracing::warn!(consumer = name, error = %e, "closing the subscription");
    }
}

/// After a batch (whose deliveries of a revoked partition were applied with the rest), so
/// nothing of a revoked partition is applied after its state was dropped.
async fn drop_revoked(name: &str, sub: &mut dyn Subscription, handler: &mut impl BatchHandler) {
    let revoked = sub.take_revoked();
    if revoked.is_empty() {
        return;
    }
    tracing::info!(consumer = name, ?revoked, "partitions moved to another member");
    if let Err(e) = handler.revoked(&revoked).await {
        tracing::error!(consumer = name, error = format!("{e:#}"), "dropping the state of revoked partitions failed");
    }
}

/// In delivery order (offset order per partition): dead-letter each poison message, then
/// store the last offset of every partition.
pub async fn acknowledge(
    sub: &mut dyn Subscription,
    batch: &[Delivery],
    poison: &HashMap<usize, String>,
) -> Result<(), BusError> {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use std::sync::{Arc, Mutex};

    /// A subscription that never delivers anything and reports one partition as taken away.
    struct Idle {
        revoked: Vec<(String, i32)>,
    }

    #[async_trait]
    impl Subscription for Idle {
        async fn poll(&mut self, timeout: Duration) -> Result<Option<Delivery>, BusError> {
            tokio::time::sleep(timeout).await;
            Ok(None)
        }
        async fn ack(&mut self, _: &Delivery) -> Result<(), BusError> {
            Ok(())
        }
        async fn dead_letter(&mut self, _: &Delivery, _: &str) -> Result<(), BusError> {
            Ok(())
        }
        fn assignment(&self) -> Vec<(String, i32)> {
            Vec::new()
        }
        fn take_revoked(&mut self) -> Vec<(String, i32)> {
            std::mem::take(&mut self.revoked)
        }
        async fn close(self: Box<Self>) -> Result<(), BusError> {
            Ok(())
        }
    }

    struct Recorder(Arc<Mutex<Vec<(String, i32)>>>);

    #[async_trait]
    impl BatchHandler for Recorder {
        async fn handle(&mut self, _: &[Delivery]) -> anyhow::Result<HashMap<usize, String>> {
            Ok(HashMap::new())
        }
        async fn revoked(&mut self, partitions: &[(String, i32)]) -> anyhow::Result<()> {
            self.0.lock().unwrap().extend_from_slice(partitions);
            Ok(())
        }
    }

    /// A member whose partitions move while no message arrives must drop their state then:
    /// it may never see another message (the bug was a member holding another's documents).
    #[tokio::test]
    async fn partitions_taken_away_while_idle_are_dropped_without_waiting_for_a_message() {
        let dropped = Arc::new(Mutex::new(Vec::new()));
        let sub = Box::new(Idle { revoked: vec![("profiles.v1".to_owned(), 2)] });
        let (stop, shutdown) = watch::channel(false);
        let consumer = tokio::spawn(run("test", sub, BatchSettings::default(), shutdown, Recorder(dropped.clone())));
        let deadline = Instant::now() + Duration::from_secs(5);
        while dropped.lock().unwrap().is_empty() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.send(true).unwrap();
        consumer.await.unwrap();
        assert_eq!(*dropped.lock().unwrap(), vec![("profiles.v1".to_owned(), 2)]);
    }
}
