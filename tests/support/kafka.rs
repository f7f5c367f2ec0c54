//! A test's own connection to the broker: to publish what a test needs on a topic and to read
//! back what the processes published.

use crocevia_kit::bus::kafka::{KafkaBus, KafkaSettings};
use crocevia_kit::bus::{Delivery, EventBus};
use std::time::Duration;
use uuid::Uuid;

/// A bus on `brokers` with the test broker's settings (one replica) and `dead_letter_topic`.
pub fn bus(brokers: &str, dead_letter_topic: &str) -> KafkaBus {
    KafkaBus::connect(KafkaSettings {
        brokers: brokers.to_owned(),
        replication_factor: 1,
        dead_letter_topic: dead_letter_topic.to_owned(),
        extra: vec![],
    })
    .unwrap()
}

/// Every message of `topic`, read from the start by a fresh group, in order per partition:
/// until nothing came for 3 s after the first message (the assignment takes a moment).
pub async fn read_topic(brokers: &str, topic: &str) -> Vec<Delivery> {
    let bus = bus(brokers, &format!("{topic}-dlq-unused"));
    let mut sub = bus.subscribe(&[topic.to_owned()], &format!("check-{}", Uuid::now_v7().simple())).await.unwrap();
    let mut out = Vec::new();
    while let Some(delivery) = sub.poll(Duration::from_secs(if out.is_empty() { 20 } else { 3 })).await.unwrap() {
        out.push(delivery);
    }
    sub.close().await.unwrap();
    out
}
