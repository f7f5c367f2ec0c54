//! Exactly-once publication from a transactional outbox.
//!
//! A relay publishes committed outbox rows, then marks them published. A crash, or a publish
//! that failed half-way, between the two would publish some rows twice on the next attempt,
//! and a consumer with side effects that are not keyed by entity version (a notification, a
//! count) would see them twice. So every message carries its event id in
//! [`HEADER_EVENT_ID`], and before its first publish and after a failed one, a relay reads back
//! the tail of each topic it writes and marks the rows it finds there as published instead of
//! sending them again.
//!
//! This is exact under two conditions the relays keep: the relay is the only producer of its
//! topics (one relay per database), and it has at most one unmarked batch of at most `window`
//! rows, so every message of an unmarked row is among the last `window` messages of its
//! partition.

use super::{BusError, EventBus};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Header carrying the id of the outbox event a message was published from.
pub const HEADER_EVENT_ID: &str = "crocevia-event-id";

/// Of `rows` (topic, event id), the positions whose message is already on the bus.
pub async fn already_published(
    bus: &dyn EventBus,
    window: usize,
    rows: &[(&str, String)],
) -> Result<HashSet<usize>, BusError> {
    let topics: BTreeSet<&str> = rows.iter().map(|(topic, _)| *topic).collect();
    let mut seen: HashMap<&str, HashSet<String>> = HashMap::new();
    for topic in topics {
        seen.insert(topic, bus.recent_header_values(topic, window, HEADER_EVENT_ID).await?);
    }
    let found: HashSet<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, (topic, id))| seen.get(topic).is_some_and(|ids| ids.contains(id)))
        .map(|(i, _)| i)
        .collect();
    if !found.is_empty() {
        tracing::info!(
            already_published = found.len(),
            pending = rows.len(),
            "outbox rows found on the bus from an interrupted publish; marked without sending them again"
        );
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::bus::memory::InProcessBus;
    use crate::bus::{OutMessage, TopicSpec};

    fn message(key: &str, id: &str) -> OutMessage {
        let mut m = OutMessage::new(key, b"x".to_vec());
        m.headers.push((HEADER_EVENT_ID.to_owned(), id.to_owned()));
        m
    }

    #[tokio::test]
    async fn finds_what_reached_the_bus_and_only_that() {
        let bus = InProcessBus::ephemeral("dlq");
        bus.create_topics(&[TopicSpec::new("t", 3), TopicSpec::new("u", 1)]).await.unwrap();
        bus.publish("t", vec![message("a", "1"), message("b", "2")]).await.unwrap();
        bus.publish("u", vec![message("a", "3")]).await.unwrap();
        let rows = vec![
            ("t", "1".to_owned()),
            ("t", "2".to_owned()),
            ("t", "3".to_owned()),
            ("u", "3".to_owned()),
            ("u", "4".to_owned()),
        ];
        let found = already_published(&bus, 10, &rows).await.unwrap();
        assert_eq!(found, HashSet::from([0, 1, 3]));
    }

    #[tokio::test]
    async fn reads_only_the_window() {
        let bus = InProcessBus::ephemeral("dlq");
        bus.create_topics(&[TopicSpec::new("t", 1)]).await.unwrap();
        bus.publish("t", (0..5).map(|i| message("k", &i.to_string())).collect()).await.unwrap();
        let rows: Vec<(&str, String)> = (0..5).map(|i| ("t", i.to_string())).collect();
        assert_eq!(already_published(&bus, 2, &rows).await.unwrap(), HashSet::from([3, 4]));
    }
}
