//! The Kafka bus of the distributed mode, through rdkafka (bundled librdkafka).
//!
//! Producer: idempotent, `acks=all`, keyed by entity id. Consumers: offsets are *stored* only
//! when the service acknowledges a message after its effect is durable, and committed from the
//! store periodically and on close, so a crash redelivers (at-least-once) and never skips.

use super::{BusError, Delivery, EventBus, OutMessage, OwnPositions, Subscription, TopicSpec, dead_letter_message};
use anyhow::anyhow;
use async_trait::async_trait;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::{ClientContext, DefaultClientContext};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, RebalanceProtocol, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::types::{RDKafkaErrorCode, RDKafkaRespErr};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How to reach the brokers; `extra` passes librdkafka properties through (e.g. TLS, SASL).
#[derive(Debug, Clone)]
pub struct KafkaSettings {
    pub brokers: String,
    pub replication_factor: i32,
    pub dead_letter_topic: String,
    pub extra: Vec<(String, String)>,
}

pub struct KafkaBus {
    settings: KafkaSettings,
    producer: FutureProducer,
    admin: AdminClient<DefaultClientContext>,
}

impl std::fmt::Debug for KafkaBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaBus").field("brokers", &self.settings.brokers).finish_non_exhaustive()
    }
}

impl KafkaBus {
    pub fn connect(settings: KafkaSettings) -> Result<Self, BusError> {
        let producer = client_config(&settings)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("linger.ms", "5")
            .set("message.timeout.ms", "30000")
            .create()?;
        let admin = client_config(&settings).create()?;
        Ok(Self { settings, producer, admin })
    }

    /// Joins `group` on `topics` (see [`EventBus::join`]).
    fn member(
        &self,
        topics: &[String],
        group: &str,
        own: Option<Arc<dyn OwnPositions>>,
    ) -> Result<Box<dyn Subscription>, BusError> {
        let mut config = consumer_config(&self.settings);
        config
            .set("group.id", group)
            .set("enable.auto.commit", "true")
            .set("enable.auto.offset.store", "false")
            .set("auto.commit.interval.ms", "1000")
            .set("auto.offset.reset", "earliest")
            // A crashed member is out of its group after this (a longer session rides out a
            // slow broker; set session.timeout.ms in bus.kafka.extra).
            .set("session.timeout.ms", "10000")
            .set("heartbeat.interval.ms", "1000")
            .set("fetch.wait.max.ms", FETCH_WAIT_MS);
        // Consumer properties given in bus.kafka.extra win over these defaults.
        for (k, v) in self.settings.extra.iter().filter(|(k, _)| CONSUMER_ONLY.contains(&k.as_str())) {
            config.set(k, v);
        }
        if own.is_some() {
            // Eager rebalancing: every assignment is whole, so each one is positioned here.
            config.set("partition.assignment.strategy", "range");
        }
        config.set("statistics.interval.ms", crate::metrics::LAG_EVERY.as_millis().to_string());
        let context = GroupContext::new(group, own);
        let consumer: StreamConsumer<GroupContext> = config.create_with_context(context)?;
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer.subscribe(&names)?;
        let producer = self.producer.clone();
        Ok(Box::new(KafkaSubscription {
            consumer,
            producer,
            topics: topics.to_vec(),
            group: group.to_owned(),
            dead_letter_topic: self.settings.dead_letter_topic.clone(),
            following: false,
        }))
    }

    /// Waits until every queued message is delivered; call before shutting down.
    pub fn flush(&self, timeout: Duration) -> Result<(), BusError> {
        use rdkafka::producer::Producer;
        self.producer.flush(timeout).map_err(Into::into)
    }
}

/// The consumer's rebalance callback. For a consumer with its own positions it starts each
/// partition it is given at the consumer's position (instead of the group's committed offset)
/// and remembers the assignment, against which the consumer's state is checked.
struct GroupContext {
    own: Option<Arc<dyn OwnPositions>>,
    /// The partitions of the last assignment; `None` while a rebalance is under way.
    assigned: Mutex<Option<Vec<(String, i32)>>>,
    group: String,
    /// The lag of each partition being fetched, from librdkafka's last statistics (every
    /// [`crate::metrics::LAG_EVERY`]): the end the client last saw minus what this member
    /// acknowledged.
    lags: Mutex<Vec<super::PartitionLag>>,
}

impl GroupContext {
    fn new(group: &str, own: Option<Arc<dyn OwnPositions>>) -> Self {
        Self { own, assigned: Mutex::new(None), group: group.to_owned(), lags: Mutex::new(Vec::new()) }
    }
}

impl ClientContext for GroupContext {
    fn stats(&self, statistics: rdkafka::Statistics) {
        let mut lags = Vec::new();
        for (topic, t) in &statistics.topics {
            for (partition, p) in &t.partitions {
                // -1 is librdkafka's "unassigned" pseudo-partition; a lag of -1 is unknown.
                if *partition >= 0 && p.fetch_state != "none" && p.consumer_lag_stored >= 0 {
                    lags.push(super::PartitionLag {
                        group: self.group.clone(),
                        topic: topic.clone(),
                        partition: *partition,
                        behind: p.consumer_lag_stored,
                    });
                }
            }
        }
        *self.lags.lock().unwrap_or_else(|p| p.into_inner()) = lags;
    }
}

impl ConsumerContext for GroupContext {
    fn rebalance(&self, consumer: &BaseConsumer<Self>, err: RDKafkaRespErr, tpl: &mut TopicPartitionList) {
        let Some(own) = &self.own else {
            return default_rebalance(consumer, err, tpl);
        };
        let partitions: Vec<(String, i32)> =
            tpl.elements().iter().map(|e| (e.topic().to_owned(), e.partition())).collect();
        let result = match err {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS => {
                // Eager rebalancing: `partitions` is the whole assignment until the next revoke.
                *self.assigned.lock().unwrap_or_else(|p| p.into_inner()) = Some(partitions.clone());
                for (topic, partition) in &partitions {
                    let at = own.resume_at(topic, *partition);
                    if let Err(e) = tpl.set_partition_offset(topic, *partition, Offset::Offset(at)) {
                        tracing::error!(topic, partition, error = %e, "cannot position a partition");
                    }
                }
                tracing::info!(?partitions, "partitions assigned; each resumes where this member's state ends");
                consumer.assign(tpl)
            }
            // What was revoked is dropped once the next assignment shows it went elsewhere.
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS => {
                tracing::info!(?partitions, "partitions revoked: the group is rebalancing");
                *self.assigned.lock().unwrap_or_else(|p| p.into_inner()) = None;
                consumer.unassign()
            }
            other => {
                tracing::error!(error = ?other, "rebalance failed");
                *self.assigned.lock().unwrap_or_else(|p| p.into_inner()) = None;
                consumer.unassign()
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "applying a rebalance failed");
        }
    }
}

/// librdkafka's own handling: assign what the group gives, at the committed offsets.
fn default_rebalance(consumer: &BaseConsumer<GroupContext>, err: RDKafkaRespErr, tpl: &TopicPartitionList) {
    let result = match err {
        RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS => match consumer.rebalance_protocol() {
            RebalanceProtocol::Cooperative => consumer.incremental_assign(tpl),
            _ => consumer.assign(tpl),
        },
        _ => match consumer.rebalance_protocol() {
            RebalanceProtocol::Cooperative => consumer.incremental_unassign(tpl),
            _ => consumer.unassign(),
        },
    };
    if let Err(e) = result {
        tracing::error!(error = %e, "applying a rebalance failed");
    }
}

/// The longest a fetch waits at the broker for data. A broker answers as soon as data
/// arrives, but some Kafka-protocol brokers hold the fetch for the whole wait: then each
/// hop of a live update (profiles -> matching -> a gateway) would add up to librdkafka's
/// default 500 ms. Idle consumers ask ten times a second instead of twice; set
/// `fetch.wait.max.ms` in bus.kafka.extra to trade back.
const FETCH_WAIT_MS: &str = "100";

/// Properties of consumers only: the producer and the admin client would warn about them.
const CONSUMER_ONLY: [&str; 5] =
    ["group.instance.id", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "fetch.wait.max.ms"];

fn client_config(settings: &KafkaSettings) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", &settings.brokers);
    for (k, v) in settings.extra.iter().filter(|(k, _)| !CONSUMER_ONLY.contains(&k.as_str())) {
        config.set(k, v);
    }
    config
}

fn consumer_config(settings: &KafkaSettings) -> ClientConfig {
    let mut config = client_config(settings);
    for (k, v) in settings.extra.iter().filter(|(k, _)| CONSUMER_ONLY.contains(&k.as_str())) {
        config.set(k, v);
    }
    config
}

#[async_trait]
impl EventBus for KafkaBus {
    async fn create_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError> {
        let new: Vec<NewTopic<'_>> = topics
            .iter()
            .map(|t| NewTopic::new(&t.name, t.partitions, TopicReplication::Fixed(self.settings.replication_factor)))
            .collect();
        let results = self
            .admin
            .create_topics(&new, &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))))
            .await?;
        for result in results {
            match result {
                Ok(name) => tracing::info!(topic = %name, "topic created"),
                Err((name, RDKafkaErrorCode::TopicAlreadyExists)) => tracing::debug!(topic = %name, "topic exists"),
                Err((name, code)) => return Err(anyhow!("creating topic {name}: {code}").into()),
            }
        }
        Ok(())
    }

    async fn publish(&self, topic: &str, batch: Vec<OutMessage>) -> Result<(), BusError> {
        if batch.iter().any(|m| m.key.is_empty()) {
            return Err(BusError::EmptyKey);
        }
        // Queue the whole batch, then wait for every acknowledgement: the idempotent producer
        // keeps per-partition order across the in-flight requests.
        let mut pending = Vec::with_capacity(batch.len());
        for message in &batch {
            let mut headers = OwnedHeaders::new_with_capacity(message.headers.len());
            for (k, v) in &message.headers {
                headers = headers.insert(Header { key: k, value: Some(v.as_bytes()) });
            }
            let record = FutureRecord::to(topic).key(&message.key).payload(&message.payload).headers(headers);
            let delivery = self.producer.send_result(record).map_err(|(e, _)| BusError::Kafka(e))?;
            pending.push(delivery);
        }
        for delivery in pending {
            match delivery.await {
                Ok(Ok(_)) => {}
                Ok(Err((e, _))) => return Err(e.into()),
                Err(_) => return Err(anyhow!("the producer dropped a message before delivering it").into()),
            }
        }
        Ok(())
    }

    fn join(
        &self,
        topics: &[String],
        group: &str,
        own: Option<Arc<dyn OwnPositions>>,
    ) -> Result<Box<dyn Subscription>, BusError> {
        self.member(topics, group, own)
    }

    async fn follow(&self, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        // Partitions assigned by hand at their ends: no group to join (a gateway replica
        // reads from the moment it asks, without waiting out a rebalance) and nothing to
        // commit. librdkafka wants a group id all the same.
        let mut config = client_config(&self.settings);
        config
            .set("group.id", "crocevia-follower")
            .set("enable.auto.commit", "false")
            .set("fetch.wait.max.ms", FETCH_WAIT_MS);
        for (k, v) in self.settings.extra.iter().filter(|(k, _)| k == "fetch.wait.max.ms") {
            config.set(k, v);
        }
        let names = topics.to_vec();
        let consumer = tokio::task::spawn_blocking(move || -> Result<StreamConsumer<GroupContext>, BusError> {
            let consumer: StreamConsumer<GroupContext> =
                config.create_with_context(GroupContext::new("crocevia-follower", None))?;
            let mut list = TopicPartitionList::new();
            for topic in &names {
                for partition in partitions_of(consumer.client(), topic)? {
                    // The end now, not `Offset::End`, which is resolved when fetching starts
                    // and would skip what is published in between.
                    let (_, high) = consumer.fetch_watermarks(topic, partition, Duration::from_secs(10))?;
                    list.add_partition_offset(topic, partition, Offset::Offset(high))?;
                }
            }
            consumer.assign(&list)?;
            Ok(consumer)
        })
        .await
        .map_err(|e| anyhow!("following topics: {e}"))??;
        Ok(Box::new(KafkaSubscription {
            consumer,
            producer: self.producer.clone(),
            topics: topics.to_vec(),
            group: "crocevia-follower".to_owned(),
            dead_letter_topic: self.settings.dead_letter_topic.clone(),
            following: true,
        }))
    }

    fn dead_letter_topic(&self) -> &str {
        &self.settings.dead_letter_topic
    }

    async fn partition_count(&self, topic: &str) -> Result<i32, BusError> {
        let mut config = client_config(&self.settings);
        config.set("group.id", "crocevia-tail-reader").set("enable.auto.commit", "false");
        let topic = topic.to_owned();
        tokio::task::spawn_blocking(move || -> Result<i32, BusError> {
            let consumer: BaseConsumer = config.create()?;
            Ok(partitions_of(consumer.client(), &topic)?.len() as i32)
        })
        .await
        .map_err(|e| anyhow!("reading a topic's partitions: {e}"))?
    }

    async fn messages_held(&self, topic: &str) -> Result<i64, BusError> {
        let mut config = client_config(&self.settings);
        config.set("group.id", "crocevia-tail-reader").set("enable.auto.commit", "false");
        let topic = topic.to_owned();
        tokio::task::spawn_blocking(move || -> Result<i64, BusError> {
            let consumer: BaseConsumer = config.create()?;
            let mut held = 0;
            for partition in partitions_of(consumer.client(), &topic)? {
                let (low, high) = consumer.fetch_watermarks(&topic, partition, Duration::from_secs(10))?;
                held += (high - low).max(0);
            }
            Ok(held)
        })
        .await
        .map_err(|e| anyhow!("counting a topic's messages: {e}"))?
    }

    async fn recent_header_values(
        &self,
        topic: &str,
        per_partition: usize,
        name: &str,
    ) -> Result<HashSet<String>, BusError> {
        // A consumer that assigns partitions itself: it joins no group and commits nothing.
        let mut config = client_config(&self.settings);
        config
            .set("group.id", "crocevia-tail-reader")
            .set("enable.auto.commit", "false")
            .set("enable.partition.eof", "true");
        let (topic, name) = (topic.to_owned(), name.to_owned());
        tokio::task::spawn_blocking(move || read_tail(&config, &topic, per_partition, &name))
            .await
            .map_err(|e| anyhow!("reading a topic's tail: {e}"))?
    }
}

/// Reads the last `per_partition` messages of every partition (blocking: librdkafka calls).
fn read_tail(
    config: &ClientConfig,
    topic: &str,
    per_partition: usize,
    name: &str,
) -> Result<HashSet<String>, BusError> {
    let consumer: BaseConsumer = config.create()?;
    let timeout = Duration::from_secs(10);
    let partitions = partitions_of(consumer.client(), topic)?;
    let mut list = TopicPartitionList::new();
    let mut ends: HashMap<i32, i64> = HashMap::new();
    for partition in partitions {
        let (low, high) = consumer.fetch_watermarks(topic, partition, timeout)?;
        let start = low.max(high.saturating_sub(i64::try_from(per_partition).unwrap_or(i64::MAX)));
        if start < high {
            list.add_partition_offset(topic, partition, Offset::Offset(start))?;
            ends.insert(partition, high);
        }
    }
    let mut values = HashSet::new();
    if ends.is_empty() {
        return Ok(values);
    }
    consumer.assign(&list)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ends.is_empty() {
        if Instant::now() > deadline {
            return Err(anyhow!("reading the tail of {topic} timed out").into());
        }
        match consumer.poll(Duration::from_millis(500)) {
            None => {}
            Some(Err(KafkaError::PartitionEOF(partition))) => {
                ends.remove(&partition);
            }
            Some(Err(e)) => return Err(e.into()),
            Some(Ok(message)) => {
                let headers = message.headers().into_iter().flat_map(|hs| hs.iter());
                for header in headers.filter(|h| h.key == name) {
                    values.insert(String::from_utf8_lossy(header.value.unwrap_or_default()).into_owned());
                }
                if ends.get(&message.partition()).is_some_and(|end| message.offset() + 1 >= *end) {
                    ends.remove(&message.partition());
                }
            }
        }
    }
    Ok(values)
}

/// The partitions of `topic`, from the brokers' metadata (blocking).
fn partitions_of<C: ClientContext>(client: &rdkafka::client::Client<C>, topic: &str) -> Result<Vec<i32>, BusError> {
    let metadata = client.fetch_metadata(Some(topic), Duration::from_secs(10))?;
    let partitions: Vec<i32> = metadata
        .topics()
        .iter()
        .filter(|t| t.name() == topic && t.error().is_none())
        .flat_map(|t| t.partitions().iter().map(|p| p.id()))
        .collect();
    if partitions.is_empty() {
        return Err(BusError::UnknownTopic(topic.to_owned()));
    }
    Ok(partitions)
}

struct KafkaSubscription {
    consumer: StreamConsumer<GroupContext>,
    topics: Vec<String>,
    producer: FutureProducer,
    group: String,
    dead_letter_topic: String,
    /// A [`EventBus::follow`] reader: it stores and commits nothing.
    following: bool,
}

#[async_trait]
impl Subscription for KafkaSubscription {
    async fn poll(&mut self, timeout: Duration) -> Result<Option<Delivery>, BusError> {
        let message = match tokio::time::timeout(timeout, self.consumer.recv()).await {
            Err(_) => return Ok(None),
            Ok(Err(e)) => return Err(e.into()),
            Ok(Ok(message)) => message,
        };
        let headers = message
            .headers()
            .map(|hs| {
                hs.iter()
                    .map(|h| (h.key.to_owned(), String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(Delivery {
            topic: message.topic().to_owned(),
            partition: message.partition(),
            offset: message.offset(),
            key: message.key().map(|k| String::from_utf8_lossy(k).into_owned()).unwrap_or_default(),
            payload: message.payload().map(<[u8]>::to_vec).unwrap_or_default(),
            headers,
        }))
    }

    async fn ack(&mut self, delivery: &Delivery) -> Result<(), BusError> {
        if self.following {
            return Ok(());
        }
        let mut list = TopicPartitionList::new();
        list.add_partition_offset(&delivery.topic, delivery.partition, Offset::Offset(delivery.offset + 1))?;
        match self.consumer.store_offsets(&list) {
            Ok(()) => Ok(()),
            // The partition moved to another member in a rebalance: that member resumes from
            // the last commit and redelivers, which idempotent consumers absorb.
            Err(KafkaError::StoreOffset(RDKafkaErrorCode::State)) => {
                tracing::debug!(topic = %delivery.topic, partition = delivery.partition, "ack after the partition was revoked");
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn dead_letter(&mut self, delivery: &Delivery, error: &str) -> Result<(), BusError> {
        let message = dead_letter_message(delivery, &self.group, error);
        let mut headers = OwnedHeaders::new_with_capacity(message.headers.len());
        for (k, v) in &message.headers {
            headers = headers.insert(Header { key: k, value: Some(v.as_bytes()) });
        }
        let record =
            FutureRecord::to(&self.dead_letter_topic).key(&message.key).payload(&message.payload).headers(headers);
        self.producer.send(record, Duration::from_secs(30)).await.map_err(|(e, _)| BusError::Kafka(e))?;
        tracing::warn!(topic = %delivery.topic, partition = delivery.partition, offset = delivery.offset, key = %delivery.key, error, "message dead-lettered");
        self.ack(delivery).await
    }

    fn take_revoked(&mut self) -> Vec<(String, i32)> {
        let context = self.consumer.context();
        let Some(own) = &context.own else { return Vec::new() };
        // Asked after each batch: a batch fetched before a rebalance may have added state of a
        // partition that went elsewhere meanwhile.
        let assigned = context.assigned.lock().unwrap_or_else(|p| p.into_inner());
        let Some(assigned) = assigned.as_ref() else { return Vec::new() };
        own.held().into_iter().filter(|tp| self.topics.contains(&tp.0) && !assigned.contains(tp)).collect()
    }

    fn assignment(&self) -> Vec<(String, i32)> {
        self.consumer
            .assignment()
            .map(|list| list.elements().iter().map(|e| (e.topic().to_owned(), e.partition())).collect())
            .unwrap_or_default()
    }

    fn lag(&self) -> Vec<super::PartitionLag> {
        self.consumer.context().lags.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        if self.following {
            return Ok(());
        }
        match self.consumer.commit_consumer_state(CommitMode::Sync) {
            Ok(()) | Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
            Err(e) => tracing::warn!(error = %e, "final commit failed; unacknowledged messages will be redelivered"),
        }
        self.consumer.unsubscribe();
        Ok(())
    }
}
