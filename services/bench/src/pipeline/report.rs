//! The "Distributed pipeline" section of bench/RESULTS.md.

use super::throughput::{self, Round};
use super::{Figures, Outcome, backlog, median};
use crate::BenchSection;
use crate::report::{machine, verdict};
use crate::{Options, Samples, ms};

pub const HEADING: &str = "## Distributed pipeline (issue: distributed mode)";

/// The throughput target, and the drain target (10^6 events in 3 min) as a rate, so that a
/// smaller `--backlog` is judged the same way.
const TARGET_CHANGES_PER_SEC: f64 = 5_000.0;
const TARGET_DRAIN_SECS: f64 = 180.0;
const TARGET_DRAIN_EVENTS: f64 = 1_000_000.0;

fn command(options: &Options) -> String {
    let pipeline = format!("--talents {} --changes {} --backlog {}", options.talents, options.changes, options.backlog);
    match options.only {
        Some(BenchSection::Pipeline) => format!("crocevia-bench --only pipeline {pipeline}"),
        // The pipeline section is not written by `--only matching`, `--only http` or `--only scale`.
        Some(BenchSection::Matching | BenchSection::Http | BenchSection::Scale) | None => {
            format!("crocevia-bench {pipeline} --rate {} --queries {}", options.rate, options.queries)
        }
    }
}

pub fn render(options: &Options, outcome: &Outcome) -> String {
    let head = format!(
        "\n{HEADING}\n\nWritten by `{}` on {}; {}.\n",
        command(options),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine()
    );
    match outcome {
        Outcome::Measured(f) => format!("{head}{}", measured(f)),
        Outcome::Skipped(reason) => format!(
            "{head}\n\
             **Skipped**: {reason}. Start the broker (`make broker-up`) and run `crocevia-bench --only pipeline`.\n"
        ),
        Outcome::Failed(error) => format!("{head}\n**Failed**: {error}\n"),
    }
}

fn secs(value: Option<f64>) -> String {
    value.filter(|v| v.is_finite()).map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

/// One bus's row: the median, each round (`*` when it stopped short), and when the relay, the
/// index and the group join were done (medians).
fn rounds(rounds: &[Round]) -> String {
    let each: Vec<String> =
        rounds.iter().map(|r| format!("{:.0}{}", r.rate(), if r.stopped.is_some() { "*" } else { "" })).collect();
    let relay: Vec<f64> = rounds.iter().filter_map(|r| r.relay_secs).collect();
    format!(
        "**{:.0}** | {} | {} | {:.1} | {:.1}",
        throughput::Figures::rate(rounds),
        each.join(" / "),
        secs((relay.len() == rounds.len()).then(|| median(relay))),
        median(rounds.iter().map(|r| r.secs).collect()),
        median(rounds.iter().map(|r| r.join_secs).collect()),
    )
}

/// Rounds that stopped short, one line each.
fn stopped(t: &throughput::Figures) -> String {
    let mut lines = String::new();
    for (bus, rounds) in [("Kafka", &t.kafka), ("in-process", &t.in_process)] {
        for (i, r) in rounds.iter().enumerate() {
            if let Some(reason) = &r.stopped {
                lines.push_str(&format!(
                    "- \\* {bus} round {}: {reason}, with {} of {} changes indexed after {:.0} s; its rate counts \
                     those.\n",
                    i + 1,
                    r.applied,
                    t.changes,
                    r.secs
                ));
            }
        }
    }
    lines
}

/// What bounds the Kafka pipeline: when its relay was done, against the whole in-process
/// pipeline on the same rows (publishing alone taking longer means the publish side bounds it).
fn limit(t: &throughput::Figures) -> String {
    let index = median(t.kafka.iter().map(|r| r.secs).collect());
    let in_process = median(t.in_process.iter().map(|r| r.secs).collect());
    let relay: Vec<f64> = t.kafka.iter().filter_map(|r| r.relay_secs).collect();
    if relay.len() < t.kafka.len() {
        return "the relay did not publish every change within the rounds: the publish side (relay and broker) bounds \
                the pipeline"
            .to_owned();
    }
    let relay = median(relay);
    if relay > in_process {
        format!(
            "publishing alone (the relay reads a batch, publishes it with acks=all, marks it) took {relay:.1} s on \
             Kafka, more than the whole in-process pipeline ({in_process:.1} s): the publish side (relay and broker) \
             bounds it"
        )
    } else {
        format!(
            "the relay had published everything at {relay:.1} s, the index was done at {index:.1} s: the search \
             consumer's single indexing thread bounds the pipeline"
        )
    }
}

fn rate(value: f64) -> String {
    if value.is_finite() { format!("{value:.0}") } else { "-".to_owned() }
}

fn measured(f: &Figures) -> String {
    // The consumer's batching, for the texts: the same settings drive every consumer here.
    let consumer = f.consumer;
    format!(
        "\n\
         Broker: the Kafka-protocol broker at `{}`; PostgreSQL: a fresh database per part; topics and consumer \
         groups named after the run. Each part runs on its own; one that fails says why, and the others keep their \
         figures.\n\n\
         ### Throughput outbox → Kafka → index\n\n\
         {}\n\
         ### Drain of a backlog\n\n\
         {}\n\
         ### Freshness across processes\n\n\
         {}",
        f.brokers,
        part(&f.throughput, throughput_text),
        part(&f.backlog, |b| backlog_text(b, consumer.batch_max, consumer.max_delay.as_millis())),
        freshness_text(&f.distributed_freshness, &f.embedded_freshness, consumer.max_delay.as_millis()),
    )
}

fn part<T>(result: &Result<T, String>, text: impl Fn(&T) -> String) -> String {
    match result {
        Ok(figures) => text(figures),
        Err(error) => format!("**Failed**: {error}\n"),
    }
}

fn throughput_text(t: &throughput::Figures) -> String {
    let (kafka, in_process) = (throughput::Figures::rate(&t.kafka), throughput::Figures::rate(&t.in_process));
    format!(
        "{changes} entity changes of every kind ({new} new entities, {updates} second versions) are committed in \
         PostgreSQL through the profiles write path ({writers} concurrent writers: {write_rate:.0} writes/s, not \
         part of the timing), then published by the real relay (`Relay::run`, batches of {relay_batch}) and applied \
         by the real search consumer (batches of up to {batch_max} events or {delay} ms, one index commit each) to a \
         fresh index. Timed from the relay's start, once the consumer has joined its group, until the index holds \
         every change (checked: every entity searchable, every edit at version 2). {n} rounds per bus, alternating, \
         on the same rows marked unpublished again, each with a fresh topic, group and index.\n\n\
         | bus | changes/s (median) | each round | relay done, s | index done, s | group join, s |\n\
         |---|---:|---:|---:|---:|---:|\n\
         | Kafka (rdkafka, acks=all, idempotent) | {kafka_row} |\n\
         | in-process (the embedded mode's bus) | {memory_row} |\n\n\
         {stopped}- Kafka / in-process throughput: **{ratio:.2}**\n\
         - Kafka throughput ≥ 5,000 changes/s: {v_kafka} ({kafka:.0}/s); {limit}.\n",
        changes = t.changes,
        new = t.new,
        updates = t.updates,
        writers = t.writers,
        write_rate = t.changes as f64 / t.write_secs.max(1e-9),
        relay_batch = t.relay_batch,
        batch_max = t.consumer.batch_max,
        delay = t.consumer.max_delay.as_millis(),
        n = t.kafka.len(),
        kafka_row = rounds(&t.kafka),
        memory_row = rounds(&t.in_process),
        stopped = stopped(t),
        ratio = kafka / in_process,
        v_kafka = verdict(kafka >= TARGET_CHANGES_PER_SEC),
        limit = limit(t),
    )
}

fn backlog_text(b: &backlog::Figures, batch_max: usize, delay: u128) -> String {
    let drain_rate = b.rate();
    let needed = TARGET_DRAIN_EVENTS / TARGET_DRAIN_SECS;
    let drain_ok = b.stopped.is_none() && drain_rate >= needed;
    let drain = match &b.stopped {
        None => format!("**{} s**", fmt_secs(b.drain_secs)),
        Some(reason) => format!("**{} of {} events in {} s**: {reason}", b.drained, b.events, fmt_secs(b.drain_secs)),
    };
    let judged = if b.stopped.is_some() {
        format!("{drain_rate:.0} events/s against the {needed:.0}/s that 10^6 events in 3 min need")
    } else if b.events as f64 == TARGET_DRAIN_EVENTS {
        format!("{} s against 180 s", fmt_secs(b.drain_secs))
    } else {
        format!(
            "a backlog of {} events, judged by its rate: {drain_rate:.0}/s against the {needed:.0}/s that 10^6 \
             events in 3 min need",
            b.events
        )
    };
    format!(
        "{events} profile events (real encoded envelopes: {entities} generated entities of every kind, then their \
         later versions, keyed by entity id and with the event id header, as the relay sends them) are published to a fresh topic of {partitions} partitions first ({publish:.1} s, \
         {publish_rate:.0} events/s). Then a fresh search consumer group drains them into a fresh index (batches of \
         up to {batch_max} events or {delay} ms), timed from its start (group join included) until the index holds \
         the last version of every entity.\n\n\
         | measure | value |\n\
         |---|---:|\n\
         | drain time | {drain} |\n\
         | events/s over the drain | {drain_rate:.0} |\n\
         | events/s, median of 5 s windows | {window} |\n\n\
         - Drain of 10^6 events ≤ 3 min: {v_drain} ({judged}).\n",
        events = b.events,
        entities = b.entities,
        partitions = b.partitions,
        publish = b.publish_secs,
        publish_rate = b.events as f64 / b.publish_secs.max(1e-9),
        window = rate(b.median_window_rate()),
        v_drain = verdict(drain_ok),
    )
}

fn freshness_text(distributed: &Result<Samples, String>, embedded: &Result<Samples, String>, delay: u128) -> String {
    let row = |samples: &Result<Samples, String>, bold: bool| match samples {
        Ok(s) => {
            let (p50, p99) = (ms(s.p50()), ms(s.p99()));
            if bold {
                format!("**{p50:.0}** | **{p99:.0}** | {}", s.len())
            } else {
                format!("{p50:.0} | {p99:.0} | {}", s.len())
            }
        }
        Err(error) => format!("- | - | failed: {error}"),
    };
    let mut text = format!(
        "`crocevia serve profiles` and `crocevia serve search` run as separate processes of this binary \
         (deploy/config/profiles.toml and search.toml, with the run's database, topic suffix and consumer group). \
         The bench process writes single offer changes into PostgreSQL through the profiles library, as a `serve \
         gateway` process does, and asks the search process over HTTP (`POST /internal/v1/search`, with the service credential) every 5 ms until it \
         returns the change; each change is written at another phase of the relay's polling tick.\n\n\
         | mode | path | p50 ms | p99 ms | changes |\n\
         |---|---|---:|---:|---:|\n\
         | distributed | write in PostgreSQL → relay of `serve profiles` (which finds the row at its next \
         poll: the write came from another process) → Kafka → `serve search` (batch ≤ {delay} ms) → HTTP | {distributed} |\n\
         | embedded (the search section's measurement) | publish on the in-process bus → consumer (batch ≤ 200 ms) → \
         query in the process | {embedded} |\n\n",
        distributed = row(distributed, true),
        embedded = row(embedded, false),
    );
    if let Ok(d) = distributed {
        let (d50, d99) = (ms(d.p50()), ms(d.p99()));
        if let Ok(e) = embedded {
            text.push_str(&format!(
                "- Distributed / embedded p50: **{:.2}**; the distributed path also waits for the relay's poll, \
                 which the embedded figure starts after.\n",
                d50 / ms(e.p50())
            ));
        }
        text.push_str(&format!(
            "- Distributed freshness targets 1 s / 2 s (the search section's): {}\n",
            verdict(d50 <= 1000.0 && d99 <= 2000.0)
        ));
    }
    text
}

fn fmt_secs(secs: f64) -> String {
    format!("{secs:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crocevia_search::consumer::BatchSettings;
    use std::time::Duration;

    fn options() -> Options {
        Options {
            talents: 100,
            rate: 10,
            queries: 10,
            out: "RESULTS.md".into(),
            only: Some(BenchSection::Pipeline),
            changes: 5_000,
            backlog: 1_000_000,
            edits: 20_000,
            http: crate::http::Plan { talents: 100, rates: vec![50], rounds: 1, seconds: 1.0 },
        }
    }

    fn round(secs: f64, stopped: bool) -> Round {
        Round {
            secs,
            relay_secs: Some(secs / 2.0),
            join_secs: 1.0,
            applied: if stopped { 2_500 } else { 5_000 },
            stopped: stopped.then(|| "stopped at its time limit of 300 s".to_owned()),
        }
    }

    fn figures(drain_secs: f64) -> Figures {
        let mut fresh = Samples::default();
        for ms in [300, 400, 500] {
            fresh.push(Duration::from_millis(ms));
        }
        Figures {
            brokers: "127.0.0.1:9092".into(),
            consumer: BatchSettings::default(),
            throughput: Ok(throughput::Figures {
                changes: 5_000,
                new: 4_000,
                updates: 1_000,
                write_secs: 2.0,
                writers: 8,
                relay_batch: 500,
                consumer: BatchSettings::default(),
                kafka: vec![round(1.0, false), round(0.8, false), round(2.0, true)],
                in_process: vec![round(1.0, false); 3],
            }),
            backlog: Ok(backlog::Figures {
                events: 1_000_000,
                entities: 1_000,
                partitions: 6,
                publish_secs: 30.0,
                drain_secs,
                drained: 1_000_000,
                stopped: None,
                window_rates: vec![6_000.0, 7_000.0],
            }),
            distributed_freshness: Ok(fresh.clone()),
            embedded_freshness: Ok(fresh),
        }
    }

    #[test]
    fn the_section_gives_medians_verdicts_and_rounds_that_stopped_short() {
        let text = render(&options(), &Outcome::Measured(Box::new(figures(150.0))));
        assert!(text.starts_with(&format!("\n{HEADING}\n\nWritten by `crocevia-bench --only pipeline")), "{text}");
        assert!(text.contains("| Kafka (rdkafka, acks=all, idempotent) | **5000** | 5000 / 6250 / 1250* |"), "{text}");
        assert!(text.contains("\\* Kafka round 3: stopped at its time limit of 300 s, with 2500 of 5000"), "{text}");
        assert!(text.contains("Kafka / in-process throughput: **1.00**"), "{text}");
        assert!(text.contains("Kafka throughput ≥ 5,000 changes/s: met"), "{text}");
        assert!(text.contains("Drain of 10^6 events ≤ 3 min: met (150.0 s against 180 s)"), "{text}");
        assert!(text.contains("| **400** | **500** | 3 |"), "{text}");

        let mut slow = figures(200.0);
        slow.distributed_freshness = Err("serve profiles exited".into());
        let slow = render(&options(), &Outcome::Measured(Box::new(slow)));
        assert!(slow.contains("Drain of 10^6 events ≤ 3 min: NOT met (200.0 s"), "{slow}");
        assert!(slow.contains("| - | - | failed: serve profiles exited |"), "{slow}");
        assert!(slow.contains("Kafka throughput ≥ 5,000 changes/s: met"), "{slow}");
    }

    #[test]
    fn a_skipped_or_failed_section_says_why() {
        let skipped = render(&options(), &Outcome::Skipped("no broker at 127.0.0.1:9092".into()));
        assert!(skipped.contains("**Skipped**: no broker at 127.0.0.1:9092."), "{skipped}");
        let failed = render(&options(), &Outcome::Failed("the drain failed".into()));
        assert!(failed.contains("**Failed**: the drain failed"), "{failed}");
    }
}
