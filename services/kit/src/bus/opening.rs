//! A bus whose consumers receive payloads opened by an [`Opener`]: the profiles service's key
//! ring, which decrypts events sealed with a person's key (crypto-shredding; see
//! `crocevia_proto::sealing`). Publishing, topics and offsets pass through untouched; a
//! message sent to the dead-letter topic keeps its sealed bytes, so a dead letter never holds
//! a person's data in clear.

use super::{BusError, Delivery, EventBus, OutMessage, OwnPositions, SharedBus, Subscription, TopicSpec};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// Opens a payload before a consumer sees it.
#[async_trait]
pub trait Opener: Send + Sync + std::fmt::Debug {
    /// The payload to hand on instead, or `None` to hand this one on as it is. An error is
    /// transient (the keys could not be read): the poll fails and is retried.
    async fn open(&self, payload: &[u8]) -> Result<Option<Vec<u8>>, BusError>;
}

/// `inner`, with every delivered payload passed through `opener`.
#[derive(Debug)]
pub struct OpeningBus {
    inner: SharedBus,
    opener: Arc<dyn Opener>,
}

impl OpeningBus {
    pub fn wrap(inner: SharedBus, opener: Arc<dyn Opener>) -> SharedBus {
        Arc::new(Self { inner, opener })
    }
}

#[async_trait]
impl EventBus for OpeningBus {
    async fn create_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError> {
        self.inner.create_topics(topics).await
    }

    async fn publish(&self, topic: &str, batch: Vec<OutMessage>) -> Result<(), BusError> {
        self.inner.publish(topic, batch).await
    }

    fn join(
        &self,
        topics: &[String],
        group: &str,
        own: Option<Arc<dyn OwnPositions>>,
    ) -> Result<Box<dyn Subscription>, BusError> {
        let inner = self.inner.join(topics, group, own)?;
        Ok(Box::new(Opening { inner, opener: self.opener.clone(), sealed: HashMap::new(), unopened: None }))
    }

    /// Followers read envelopes for their headers and ids, so payloads stay sealed.
    async fn follow(&self, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        self.inner.follow(topics).await
    }

    fn dead_letter_topic(&self) -> &str {
        self.inner.dead_letter_topic()
    }

    async fn messages_held(&self, topic: &str) -> Result<i64, BusError> {
        self.inner.messages_held(topic).await
    }

    async fn partition_count(&self, topic: &str) -> Result<i32, BusError> {
        self.inner.partition_count(topic).await
    }

    async fn recent_header_values(
        &self,
        topic: &str,
        per_partition: usize,
        name: &str,
    ) -> Result<HashSet<String>, BusError> {
        self.inner.recent_header_values(topic, per_partition, name).await
    }
}

struct Opening {
    inner: Box<dyn Subscription>,
    opener: Arc<dyn Opener>,
    /// The original bytes of opened deliveries not yet acknowledged, per partition and
    /// offset: what a dead letter sends. Bounded by what the consumer holds unacknowledged
    /// (one batch).
    sealed: HashMap<(String, i32), BTreeMap<i64, Vec<u8>>>,
    /// A delivery whose opening failed (the keys could not be read): the next poll tries it
    /// again before anything behind it, so a transient failure loses nothing.
    unopened: Option<Delivery>,
}

#[async_trait]
impl Subscription for Opening {
    async fn poll(&mut self, timeout: Duration) -> Result<Option<Delivery>, BusError> {
        let mut delivery = match self.unopened.take() {
            Some(delivery) => delivery,
            None => match self.inner.poll(timeout).await? {
                Some(delivery) => delivery,
                None => return Ok(None),
            },
        };
        match self.opener.open(&delivery.payload).await {
            Ok(Some(opened)) => {
                let original = std::mem::replace(&mut delivery.payload, opened);
                self.sealed
                    .entry((delivery.topic.clone(), delivery.partition))
                    .or_default()
                    .insert(delivery.offset, original);
            }
            Ok(None) => {}
            Err(e) => {
                self.unopened = Some(delivery);
                return Err(e);
            }
        }
        Ok(Some(delivery))
    }

    async fn ack(&mut self, delivery: &Delivery) -> Result<(), BusError> {
        self.inner.ack(delivery).await?;
        if let Some(held) = self.sealed.get_mut(&(delivery.topic.clone(), delivery.partition)) {
            // Everything up to this offset is done.
            *held = held.split_off(&(delivery.offset + 1));
        }
        Ok(())
    }

    async fn dead_letter(&mut self, delivery: &Delivery, error: &str) -> Result<(), BusError> {
        let original = self
            .sealed
            .get_mut(&(delivery.topic.clone(), delivery.partition))
            .and_then(|held| held.remove(&delivery.offset));
        match original {
            Some(payload) => self.inner.dead_letter(&Delivery { payload, ..delivery.clone() }, error).await,
            None => self.inner.dead_letter(delivery, error).await,
        }
    }

    fn assignment(&self) -> Vec<(String, i32)> {
        self.inner.assignment()
    }

    fn take_revoked(&mut self) -> Vec<(String, i32)> {
        let revoked = self.inner.take_revoked();
        for partition in &revoked {
            self.sealed.remove(partition);
        }
        if self.unopened.as_ref().is_some_and(|d| revoked.contains(&(d.topic.clone(), d.partition))) {
            self.unopened = None;
        }
        revoked
    }

    fn lag(&self) -> Vec<super::PartitionLag> {
        self.inner.lag()
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        self.inner.close().await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::bus::memory::InProcessBus;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Opens "sealed:x" into "x"; fails once first, as a database that is briefly away.
    #[derive(Debug, Default)]
    struct Unsealer {
        failed_once: AtomicBool,
    }

    #[async_trait]
    impl Opener for Unsealer {
        async fn open(&self, payload: &[u8]) -> Result<Option<Vec<u8>>, BusError> {
            if !self.failed_once.swap(true, Ordering::SeqCst) {
                return Err(BusError::Other(anyhow::anyhow!("keys unavailable")));
            }
            Ok(payload.strip_prefix(b"sealed:").map(<[u8]>::to_vec))
        }
    }

    #[tokio::test]
    async fn consumers_get_opened_payloads_and_a_failed_opening_loses_nothing() {
        let inner: SharedBus = Arc::new(InProcessBus::ephemeral("dlq"));
        inner.create_topics(&[TopicSpec::new("t", 1), TopicSpec::new("dlq", 1)]).await.unwrap();
        let messages = vec![OutMessage::new("a", b"sealed:one".to_vec()), OutMessage::new("b", b"two".to_vec())];
        inner.publish("t", messages).await.unwrap();
        let bus = OpeningBus::wrap(inner.clone(), Arc::new(Unsealer::default()));
        let mut sub = bus.subscribe(&["t".to_owned()], "g").await.unwrap();
        assert!(sub.poll(Duration::from_secs(1)).await.is_err(), "the opener's failure is reported");
        let first = sub.poll(Duration::from_secs(1)).await.unwrap().unwrap();
        assert_eq!((first.offset, first.payload.as_slice()), (0, b"one".as_slice()), "retried, not skipped");
        let second = sub.poll(Duration::from_secs(1)).await.unwrap().unwrap();
        assert_eq!(second.payload, b"two");
        // A dead letter keeps the sealed bytes.
        sub.dead_letter(&first, "poison").await.unwrap();
        let mut dlq = inner.subscribe(&["dlq".to_owned()], "d").await.unwrap();
        let dead = dlq.poll(Duration::from_secs(1)).await.unwrap().unwrap();
        assert_eq!(dead.payload, b"sealed:one");
    }
}
