//! The event bus: one trait, two implementations.
//!
//! - [`memory::InProcessBus`]: the embedded default, an ordered log per topic partition kept
//!   in files, with per-group offsets, so a restarted process resumes where each group left off.
//! - [`kafka::KafkaBus`]: Kafka through rdkafka, for the distributed mode.
//!
//! Both give the same guarantees, checked by one conformance suite (`tests/bus_conformance.rs`):
//! order per key, at-least-once delivery (a consumer acknowledges only after its effect is
//! durable), partitions shared among the members of a consumer group, dead-lettering.

pub mod batch;
pub mod kafka;
pub mod memory;
pub mod opening;
pub mod outbox;

use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// Header naming why a message was dead-lettered.
pub const HEADER_ERROR: &str = "crocevia-error";
/// Headers naming where a dead-lettered message came from.
pub const HEADER_SOURCE_TOPIC: &str = "crocevia-source-topic";
pub const HEADER_SOURCE_PARTITION: &str = "crocevia-source-partition";
pub const HEADER_SOURCE_OFFSET: &str = "crocevia-source-offset";
pub const HEADER_GROUP: &str = "crocevia-group";

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("topic {0} does not exist")]
    UnknownTopic(String),
    #[error("message key must not be empty")]
    EmptyKey,
    #[error("kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("bus storage: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A message to publish. The key is the entity id: messages with one key keep their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutMessage {
    pub key: String,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl OutMessage {
    pub fn new(key: impl Into<String>, payload: Vec<u8>) -> Self {
        Self { key: key.into(), payload, headers: Vec::new() }
    }
}

/// A message received by a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: String,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Delivery {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
}

impl TopicSpec {
    pub fn new(name: impl Into<String>, partitions: i32) -> Self {
        Self { name: name.into(), partitions }
    }
}

#[async_trait]
pub trait EventBus: Send + Sync + std::fmt::Debug {
    /// Creates the topics that do not exist yet; existing ones are left as they are.
    async fn create_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError>;

    /// Publishes a batch; returns once every message is durably stored by the bus.
    async fn publish(&self, topic: &str, batch: Vec<OutMessage>) -> Result<(), BusError>;

    /// Joins consumer group `group` on `topics`; with `own`, positions come from the member
    /// (see [`EventBus::subscribe_owning`]). What the two calls below share.
    fn join(
        &self,
        topics: &[String],
        group: &str,
        own: Option<Arc<dyn OwnPositions>>,
    ) -> Result<Box<dyn Subscription>, BusError>;

    /// Joins consumer group `group` on `topics`. Members of one group share the partitions;
    /// a new group starts from the earliest message.
    async fn subscribe(&self, topics: &[String], group: &str) -> Result<Box<dyn Subscription>, BusError> {
        self.join(topics, group, None)
    }

    /// Like [`EventBus::subscribe`], for a consumer that keeps its positions with its effects
    /// (see [`OwnPositions`]): each partition this member is given resumes where the member's
    /// own state ends, and partitions taken away are reported by
    /// [`Subscription::take_revoked`].
    async fn subscribe_owning(
        &self,
        topics: &[String],
        group: &str,
        positions: Arc<dyn OwnPositions>,
    ) -> Result<Box<dyn Subscription>, BusError> {
        self.join(topics, group, Some(positions))
    }

    /// Reads every partition of `topics` from its end on, in no group and committing
    /// nothing: live updates for one process (a gateway replica's subscriptions), where each
    /// reader needs every message from now and none from before. [`Subscription::ack`] is a
    /// no-op on it.
    async fn follow(&self, topics: &[String]) -> Result<Box<dyn Subscription>, BusError>;

    /// Where [`Subscription::dead_letter`] sends messages.
    fn dead_letter_topic(&self) -> &str;

    /// How many partitions `topic` has.
    async fn partition_count(&self, topic: &str) -> Result<i32, BusError>;

    /// Messages `topic` holds now, over all its partitions (the end minus the start, so
    /// what retention removed is not counted): the dead-letter metric.
    async fn messages_held(&self, topic: &str) -> Result<i64, BusError>;

    /// The values of header `name` on the last `per_partition` messages of each partition of
    /// `topic`: how an outbox relay learns what an interrupted publish reached (see
    /// [`outbox`]).
    async fn recent_header_values(
        &self,
        topic: &str,
        per_partition: usize,
        name: &str,
    ) -> Result<std::collections::HashSet<String>, BusError>;
}

/// A consumer whose state is partitioned like its input (the search index of one member of
/// the search group) stores the next offset of each partition in the same commit as its
/// effects. Resuming from the group's committed offsets would be wrong for it: when a
/// partition moves between members, the group's offset says where the *previous* owner got
/// to, and the new owner's state lacks everything before that.
pub trait OwnPositions: Send + Sync {
    /// The next offset to read of a partition this member was just given; 0 when its state
    /// holds nothing of it.
    fn resume_at(&self, topic: &str, partition: i32) -> i64;

    /// The partitions this member's state holds something of: after each rebalance, those it
    /// was not given are reported as revoked (a member that was killed comes back with state
    /// of partitions that moved on meanwhile).
    fn held(&self) -> Vec<(String, i32)>;
}

#[async_trait]
pub trait Subscription: Send {
    /// The next message, or `None` if none arrived within `timeout`.
    async fn poll(&mut self, timeout: Duration) -> Result<Option<Delivery>, BusError>;

    /// Marks `delivery`, and everything before it on its partition, as done. Call only once
    /// the effect of the message is durable.
    async fn ack(&mut self, delivery: &Delivery) -> Result<(), BusError>;

    /// Sends a message that cannot be processed to the dead-letter topic with `error`, then
    /// acknowledges it so the consumer goes on.
    async fn dead_letter(&mut self, delivery: &Delivery, error: &str) -> Result<(), BusError>;

    /// The partitions this member holds now, as `(topic, partition)`.
    fn assignment(&self) -> Vec<(String, i32)>;

    /// Partitions this member's state holds but was not given in the last rebalance (only
    /// for subscriptions made with [`EventBus::subscribe_owning`]; none while a rebalance is
    /// under way). The consumer drops its state of them: another member now keeps it.
    fn take_revoked(&mut self) -> Vec<(String, i32)> {
        Vec::new()
    }

    /// How far behind the end of each partition this member is, as the client last saw it
    /// (no broker round trip): for the consumer-lag metric. A partition with no position
    /// yet (nothing read since it was assigned) is left out.
    fn lag(&self) -> Vec<PartitionLag> {
        Vec::new()
    }

    /// Commits what was acknowledged and leaves the group.
    async fn close(self: Box<Self>) -> Result<(), BusError>;
}

/// One partition's lag: messages published and not yet read by `group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLag {
    pub group: String,
    pub topic: String,
    pub partition: i32,
    pub behind: i64,
}

pub type SharedBus = Arc<dyn EventBus>;

/// The dead-letter copy of `delivery`: same key and payload, the error and origin in headers.
pub(crate) fn dead_letter_message(delivery: &Delivery, group: &str, error: &str) -> OutMessage {
    let mut headers = delivery.headers.clone();
    headers.extend([
        (HEADER_ERROR.to_owned(), error.to_owned()),
        (HEADER_SOURCE_TOPIC.to_owned(), delivery.topic.clone()),
        (HEADER_SOURCE_PARTITION.to_owned(), delivery.partition.to_string()),
        (HEADER_SOURCE_OFFSET.to_owned(), delivery.offset.to_string()),
        (HEADER_GROUP.to_owned(), group.to_owned()),
    ]);
    OutMessage { key: delivery.key.clone(), payload: delivery.payload.clone(), headers }
}
