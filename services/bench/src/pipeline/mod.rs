//! The distributed pipeline (issue: distributed mode): how fast committed changes reach the
//! search index through the real relay and the real Kafka broker, against the in-process bus
//! of the embedded mode on the same rows; how long a fresh consumer group takes to drain a
//! large backlog; and how fresh search is when profiles and search are separate processes.
//!
//! Without a reachable broker the section says so and is skipped; with one, a failure is an
//! error. Topics and consumer groups are named after the run (topics are never deleted: a
//! shared broker may be one whose topic deletion takes every topic with it).

mod backlog;
pub(super) mod data;
mod follow;
mod freshness;
pub(crate) mod process;
mod progress;
pub mod report;
mod throughput;

use super::{Options, Samples};
use anyhow::Context;
use crocevia_domain::{Entity, SkillConcept};
use crocevia_kit::bus::SharedBus;
use crocevia_kit::bus::kafka::{KafkaBus, KafkaSettings};
use crocevia_kit::config::Settings;
use crocevia_search::consumer::BatchSettings;
use crocevia_search::taxonomy::Taxonomy;
use std::sync::Arc;
use std::time::Duration;

/// What the section measured, or why it did not.
#[derive(Debug)]
pub enum Outcome {
    Measured(Box<Figures>),
    /// No broker to measure against: not an error of the other sections.
    Skipped(String),
    /// The broker was there and something failed: the bench exits non-zero.
    Failed(String),
}

/// Each part's figures, or why it failed (the others still count).
#[derive(Debug)]
pub struct Figures {
    pub brokers: String,
    /// The search consumer's batching in every part.
    pub consumer: BatchSettings,
    pub throughput: Result<throughput::Figures, String>,
    pub backlog: Result<backlog::Figures, String>,
    pub distributed_freshness: Result<Samples, String>,
    /// The search bench's figure (publish on the in-process bus → visible in results).
    pub embedded_freshness: Result<Samples, String>,
}

impl Figures {
    /// The errors of the parts that failed.
    pub fn failures(&self) -> Vec<String> {
        [
            self.throughput.as_ref().err(),
            self.backlog.as_ref().err(),
            self.distributed_freshness.as_ref().err(),
            self.embedded_freshness.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

/// The Kafka bus of this run and the names that make it the run's own.
#[derive(Debug, Clone)]
pub struct Bus {
    pub bus: SharedBus,
    pub brokers: String,
    pub suffix: String,
    pub dead_letter: String,
}

/// Events the search consumers of this process applied so far; a round is over when it grew
/// by the round's changes (the consumer counts a batch only after the commit that makes it
/// searchable).
fn applied() -> u64 {
    crocevia_kit::metrics::SEARCH_APPLIED.get()
}

/// Outbox rows the relays of this process published and marked so far.
fn published() -> u64 {
    crocevia_kit::metrics::OUTBOX_PUBLISHED.get()
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Runs the section. `embedded_freshness` is the search bench's figure of this run, if it ran;
/// otherwise the same measurement runs here so the comparison stays within one run.
#[expect(clippy::print_stdout, reason = "progress of a long command")]
pub async fn run(
    settings: &Settings,
    entities: Arc<Vec<Entity>>,
    concepts: &[SkillConcept],
    taxonomy: Arc<Taxonomy>,
    options: &Options,
    embedded_freshness: Option<Samples>,
) -> Outcome {
    let brokers = settings.bus.kafka.brokers.clone();
    if let Err(e) = reachable(&brokers).await {
        println!("pipeline: SKIPPED, no Kafka-protocol broker at {brokers} ({e:#}); start one with `make broker-up`");
        return Outcome::Skipped(format!("no Kafka-protocol broker reachable at {brokers} ({e:#})"));
    }
    match measure(settings, entities, concepts, taxonomy, options, embedded_freshness, brokers).await {
        Ok(figures) => Outcome::Measured(Box::new(figures)),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "distributed pipeline bench failed");
            Outcome::Failed(format!("{e:#}"))
        }
    }
}

async fn measure(
    settings: &Settings,
    entities: Arc<Vec<Entity>>,
    concepts: &[SkillConcept],
    taxonomy: Arc<Taxonomy>,
    options: &Options,
    embedded_freshness: Option<Samples>,
    brokers: String,
) -> anyhow::Result<Figures> {
    let suffix = uuid::Uuid::now_v7().simple().to_string()[20..].to_owned();
    let dead_letter = format!("dlq.v1-bench-{suffix}");
    let kafka = KafkaBus::connect(KafkaSettings {
        brokers: brokers.clone(),
        replication_factor: settings.bus.kafka.replication_factor,
        dead_letter_topic: dead_letter.clone(),
        extra: settings.bus.kafka.extra.clone().into_iter().collect(),
    })
    .context("connecting to the broker")?;
    let kafka = Bus { bus: Arc::new(kafka), brokers: brokers.clone(), suffix, dead_letter };
    // The backlog goes first: it must not wait behind what the throughput rounds leave on the
    // broker (a broker whose fetches slow down with every header it stores, as tansu 0.6.0's
    // SQLite storage does, would otherwise measure the rounds' history instead of the drain).
    let backlog = backlog::run(settings, entities.clone(), taxonomy.clone(), &kafka, options.backlog).await;
    let throughput = throughput::run(settings, &entities, concepts, taxonomy.clone(), &kafka, options.changes).await;
    let distributed_freshness = freshness::run(settings, &entities, &kafka).await;
    let embedded_freshness = match embedded_freshness {
        Some(samples) => Ok(samples),
        None => embedded(&entities, taxonomy).await,
    };
    Ok(Figures {
        brokers,
        consumer: BatchSettings {
            batch_max: settings.search.batch_max,
            max_delay: Duration::from_millis(settings.search.max_delay_ms),
        },
        throughput: part("throughput", throughput),
        backlog: part("backlog drain", backlog),
        distributed_freshness: part("distributed freshness", distributed_freshness),
        embedded_freshness: part("embedded freshness", embedded_freshness),
    })
}

/// A part's result for the report; a failure is logged with its whole story.
#[expect(clippy::print_stdout, reason = "progress of a long command")]
fn part<T>(name: &str, result: anyhow::Result<T>) -> Result<T, String> {
    result.map_err(|e| {
        let error = format!("{e:#}");
        tracing::error!(part = name, error, "a part of the pipeline bench failed");
        println!("pipeline: the {name} part FAILED: {error}");
        error
    })
}

/// The search bench's freshness measurement, on a fresh index, when that bench did not run.
#[expect(clippy::print_stdout, reason = "progress of a long command")]
async fn embedded(entities: &[Entity], taxonomy: Arc<Taxonomy>) -> anyhow::Result<Samples> {
    println!("pipeline: embedded freshness (the search bench's measurement) for comparison...");
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("search");
    let service = crocevia_search::SearchService::open(&root, taxonomy)?;
    super::search::freshness(&service, &root, entities).await
}

/// Whether anything listens at the first broker address (a clear skip instead of the
/// client's retries).
async fn reachable(brokers: &str) -> anyhow::Result<()> {
    let first = brokers.split(',').next().unwrap_or_default().trim().to_owned();
    tokio::time::timeout(Duration::from_secs(3), tokio::net::TcpStream::connect(&first))
        .await
        .context("timed out")?
        .context("connection refused")?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use crocevia_domain::Entity;
    use crocevia_synth::{Dataset, SynthConfig};

    /// A small generated data set in the order the bench writes it.
    pub fn dataset(talents: usize) -> Vec<Entity> {
        let skills = crocevia_domain::taxonomy::reference().unwrap();
        let d = Dataset::generate(&SynthConfig { talents, seed: 7 }, skills.concepts(), &mut |_, _| {});
        d.into_entities()
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(super::median(Vec::new()).is_nan());
    }
}
