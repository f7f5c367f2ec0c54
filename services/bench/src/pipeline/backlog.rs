//! The drain of a backlog: a large number of real profile events is published to a fresh
//! topic first (as after an outage of search, or when a new search replica joins), then a
//! fresh consumer group drains them into a fresh index, timed from its start.

use super::data::revise;
use super::follow::{self, Ended, Follow};
use super::progress::Progress;
use super::{Bus, median};
use anyhow::{Context, ensure};
use chrono::Utc;
use crocevia_domain::Entity;
use crocevia_kit::bus::outbox::HEADER_EVENT_ID;
use crocevia_kit::bus::{OutMessage, TopicSpec};
use crocevia_kit::config::Settings;
use crocevia_proto::envelope::{self, Change};
use crocevia_search::SearchService;
use crocevia_search::consumer::BatchSettings;
use crocevia_search::service::SearchSettings;
use crocevia_search::taxonomy::Taxonomy;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Events per publish: large enough to keep the producer busy, small enough for its queue.
const CHUNK: usize = 10_000;
/// Width of the windows whose rates give the median drain rate.
const WINDOW: Duration = Duration::from_secs(5);
/// Longest drain: past it the rate says enough (the target for 10^6 events is 180 s).
const DRAIN_LIMIT: Duration = Duration::from_secs(600);

#[derive(Debug, Clone)]
pub struct Figures {
    pub events: usize,
    pub entities: usize,
    pub partitions: i32,
    pub publish_secs: f64,
    pub drain_secs: f64,
    /// Events the index holds at the end: all of them unless the drain stopped short.
    pub drained: u64,
    /// Why the drain stopped short.
    pub stopped: Option<String>,
    /// Events per second in each [`WINDOW`] of the drain.
    pub window_rates: Vec<f64>,
}

impl Figures {
    pub fn rate(&self) -> f64 {
        self.drained as f64 / self.drain_secs.max(1e-9)
    }

    pub fn median_window_rate(&self) -> f64 {
        median(self.window_rates.clone())
    }
}

#[expect(clippy::print_stdout, reason = "progress of a long command")]
pub async fn run(
    settings: &Settings,
    entities: Arc<Vec<Entity>>,
    taxonomy: Arc<Taxonomy>,
    kafka: &Bus,
    events: usize,
) -> anyhow::Result<Figures> {
    ensure!(!entities.is_empty(), "no entities to publish");
    let topic = format!("profiles.v1-backlog-{}", kafka.suffix);
    let partitions = settings.bus.partitions;
    kafka.bus.create_topics(&[TopicSpec::new(&topic, partitions)]).await.context("creating the backlog topic")?;
    println!("pipeline: publishing a backlog of {events} events to {topic}...");
    let publish_secs = publish(&entities, kafka, &topic, events).await?;
    println!("  published in {publish_secs:.1} s ({:.0} events/s)", events as f64 / publish_secs.max(1e-9));

    println!("pipeline: draining the backlog with a fresh consumer group into a fresh index...");
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("search");
    let service = SearchService::open(&root, taxonomy)?;
    let consumer = BatchSettings {
        batch_max: settings.search.batch_max,
        max_delay: Duration::from_millis(settings.search.max_delay_ms),
    };
    let search_settings = SearchSettings {
        root,
        topic: topic.clone(),
        group: format!("search-backlog-{}", kafka.suffix),
        batch: consumer,
        announce: None,
    };
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let total = events as u64;
    let mut follow = Follow::start(total, DRAIN_LIMIT, Progress::new("draining the backlog", total));
    let tasks = service.start(kafka.bus.clone(), search_settings, shutdown).await?;
    let (mut window_rates, mut window) = (Vec::new(), (Instant::now(), 0u64));
    let ended = loop {
        if window.0.elapsed() >= WINDOW {
            let done = follow.done();
            window_rates.push((done - window.1) as f64 / window.0.elapsed().as_secs_f64());
            window = (Instant::now(), done);
        }
        if let Some(ended) = follow.step() {
            break ended;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let drain_secs = follow.started.elapsed().as_secs_f64();
    let drained = follow.done().min(total);
    follow::stop(stop, tasks).await;
    if ended == Ended::Complete {
        check(&service, &entities, events).await?;
    }
    println!(
        "  {drained} of {events} events drained in {drain_secs:.1} s ({:.0} events/s){}",
        drained as f64 / drain_secs.max(1e-9),
        ended.reason(DRAIN_LIMIT).map(|r| format!("; {r}")).unwrap_or_default()
    );
    drop(service);
    Ok(Figures {
        events,
        entities: entities.len().min(events),
        partitions,
        publish_secs,
        drain_secs,
        drained,
        stopped: ended.reason(DRAIN_LIMIT),
        window_rates,
    })
}

/// Event `i` is entity `i % n` at version `i / n + 1`: every entity once, then every entity
/// again in its next version, and so on; one key's events keep their order on its partition.
fn event(entities: &[Entity], i: usize) -> (Entity, u64) {
    let n = entities.len();
    let version = (i / n + 1) as u64;
    let entity = &entities[i % n];
    (if version == 1 { entity.clone() } else { revise(entity, version) }, version)
}

/// Encoded as the relay sends them: envelope payload, entity id key, event id header.
fn encode(entities: &[Entity], range: Range<usize>) -> Vec<OutMessage> {
    let now = Utc::now();
    range
        .map(|i| {
            let (entity, version) = event(entities, i);
            let id = entity.id();
            let envelope = envelope::build(&Change::Upserted(entity), version, "bench-backlog", now);
            let event_id = envelope.event_id.clone();
            let mut message = OutMessage::new(id.to_string(), envelope::encode(&envelope));
            message.headers.push((HEADER_EVENT_ID.to_owned(), event_id));
            message
        })
        .collect()
}

/// Publishes chunk after chunk (each acknowledged before the next, as the relay does), while
/// the blocking pool encodes the next chunk.
async fn publish(entities: &Arc<Vec<Entity>>, kafka: &Bus, topic: &str, events: usize) -> anyhow::Result<f64> {
    let progress = Progress::new("publishing the backlog", events as u64);
    let started = Instant::now();
    let encoding = |start: usize| {
        let entities = entities.clone();
        tokio::task::spawn_blocking(move || encode(&entities, start..(start + CHUNK).min(events)))
    };
    let mut next = Some(encoding(0));
    let mut start = 0;
    while let Some(task) = next.take() {
        let messages = task.await.context("encoding task")?;
        start += messages.len();
        if start < events {
            next = Some(encoding(start));
        }
        let n = messages.len() as u64;
        kafka.bus.publish(topic, messages).await.with_context(|| format!("publishing to {topic}"))?;
        progress.inc(n);
    }
    progress.finish();
    Ok(started.elapsed().as_secs_f64())
}

/// Every entity is searchable, and a sample is at the last version published for it.
async fn check(service: &SearchService, entities: &Arc<Vec<Entity>>, events: usize) -> anyhow::Result<()> {
    let index = service.index();
    let entities = entities.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let n = entities.len();
        let expected = n.min(events) as u64;
        let searchable = index.num_searchable()?;
        ensure!(searchable == expected, "the index holds {searchable} documents, not {expected}");
        let sample = (0..n.min(events)).step_by((n / 200).max(1));
        for j in sample {
            let last = (events - 1 - j) / n + 1;
            let id = entities[j].id();
            let version = index.version_of(id)?;
            ensure!(version == Some(last as u64), "{id} is at version {version:?} in the index, not {last}");
        }
        Ok(())
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_cycle_through_the_entities_version_after_version() {
        let entities: Vec<Entity> = crate::pipeline::tests::dataset(100).into_iter().take(3).collect();
        let versions: Vec<(uuid::Uuid, u64)> = (0..7).map(|i| event(&entities, i)).map(|(x, v)| (x.id(), v)).collect();
        assert_eq!(versions[0], (entities[0].id(), 1));
        assert_eq!(versions[3], (entities[0].id(), 2));
        assert_eq!(versions[6], (entities[0].id(), 3));
        assert_eq!(versions[5], (entities[2].id(), 2));
        let messages = encode(&entities, 2..5);
        assert_eq!(messages.len(), 3);
        let meta = envelope::decode_meta(&messages[1].payload).unwrap();
        assert_eq!((meta.entity_id, meta.entity_version), (entities[0].id(), 2));
        assert_eq!(messages[1].key, entities[0].id().to_string());
    }
}
