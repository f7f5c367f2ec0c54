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
        Ok(Box::new(Opening { inner, opener: self.opener.clone(), sealed: HashMap::new() }))
    }

    fn dead_letter_topic(&self) -> &str {
        self.inner.dead_letter_topic()
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
}

#[async_trait]
impl Subscription for Opening {
    async fn poll(&mut self, timeout: Duration) -> Result<Option<Delivery>, BusError> {
        let Some(mut delivery) = self.inner.poll(timeout).await? else { return Ok(None) };
        if let Some(opened) = self.opener.open(&delivery.payload).await? {
            let original = std::mem::replace(&mut delivery.payload, opened);
            self.sealed
                .entry((delivery.topic.clone(), delivery.partition))
                .or_default()
                .insert(delivery.offset, original);
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
        revoked
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        self.inner.close().await
    }
}
