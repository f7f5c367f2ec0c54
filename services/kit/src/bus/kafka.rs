//! The Kafka bus of the distributed mode, through rdkafka (bundled librdkafka).
//!
//! Producer: idempotent, `acks=all`, keyed by entity id. Consumers: offsets are *stored* only
//! when the service acknowledges a message after its effect is durable, and committed from the
//! store periodically and on close, so a crash redelivers (at-least-once) and never skips.

use super::{BusError, Delivery, EventBus, OutMessage, Subscription, TopicSpec, dead_letter_message};
use anyhow::anyhow;
use async_trait::async_trait;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{Offset, TopicPartitionList};
use std::time::Duration;

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

    /// Waits until every queued message is delivered; call before shutting down.
    pub fn flush(&self, timeout: Duration) -> Result<(), BusError> {
        use rdkafka::producer::Producer;
        self.producer.flush(timeout).map_err(Into::into)
    }
}

fn client_config(settings: &KafkaSettings) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", &settings.brokers);
    for (k, v) in &settings.extra {
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

    async fn subscribe(&self, topics: &[String], group: &str) -> Result<Box<dyn Subscription>, BusError> {
        let consumer: StreamConsumer = client_config(&self.settings)
            .set("group.id", group)
            .set("enable.auto.commit", "true")
            .set("enable.auto.offset.store", "false")
            .set("auto.commit.interval.ms", "1000")
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", "10000")
            .set("heartbeat.interval.ms", "1000")
            .create()?;
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer.subscribe(&names)?;
        let producer = self.producer.clone();
        Ok(Box::new(KafkaSubscription {
            consumer,
            producer,
            group: group.to_owned(),
            dead_letter_topic: self.settings.dead_letter_topic.clone(),
        }))
    }

    fn dead_letter_topic(&self) -> &str {
        &self.settings.dead_letter_topic
    }
}

struct KafkaSubscription {
    consumer: StreamConsumer,
    producer: FutureProducer,
    group: String,
    dead_letter_topic: String,
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

    fn assignment(&self) -> Vec<(String, i32)> {
        self.consumer
            .assignment()
            .map(|list| list.elements().iter().map(|e| (e.topic().to_owned(), e.partition())).collect())
            .unwrap_or_default()
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        match self.consumer.commit_consumer_state(CommitMode::Sync) {
            Ok(()) | Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
            Err(e) => tracing::warn!(error = %e, "final commit failed; unacknowledged messages will be redelivered"),
        }
        self.consumer.unsubscribe();
        Ok(())
    }
}
