//! Every Prometheus metric of Crocevia, declared in one place and served at `/metrics`.

#![expect(
    clippy::expect_used,
    reason = "metric names and labels are constants: a failure is a programming error caught by the tests"
)]

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use std::sync::LazyLock;

pub static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::new);

/// CPU, resident and virtual memory, open and maximum file descriptors, start time: the
/// standard `process_*` metrics, read from /proc at each scrape.
static PROCESS: LazyLock<()> = LazyLock::new(|| {
    #[cfg(target_os = "linux")]
    REGISTRY.register(Box::new(prometheus::process_collector::ProcessCollector::for_self())).expect("registered once");
});

fn gauge(name: &str, help: &str) -> IntGauge {
    let g = IntGauge::new(name, help).expect("valid gauge");
    REGISTRY.register(Box::new(g.clone())).expect("registered once");
    g
}

fn counter(name: &str, help: &str) -> IntCounter {
    let c = IntCounter::new(name, help).expect("valid counter");
    REGISTRY.register(Box::new(c.clone())).expect("registered once");
    c
}

fn gauge_vec(name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    let g = IntGaugeVec::new(Opts::new(name, help), labels).expect("valid gauge");
    REGISTRY.register(Box::new(g.clone())).expect("registered once");
    g
}

fn counter_vec(name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid counter");
    REGISTRY.register(Box::new(c.clone())).expect("registered once");
    c
}

/// Request durations, from a millisecond to a few seconds.
fn latency_histogram(name: &str, help: &str, labels: &[&str]) -> HistogramVec {
    let buckets = vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];
    let h = HistogramVec::new(HistogramOpts::new(name, help).buckets(buckets), labels).expect("valid histogram");
    REGISTRY.register(Box::new(h.clone())).expect("registered once");
    h
}

pub static HTTP_REQUESTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter_vec("crocevia_http_requests_total", "HTTP requests by route and status", &["route", "status"])
});

pub static HTTP_SECONDS: LazyLock<HistogramVec> =
    LazyLock::new(|| latency_histogram("crocevia_http_request_seconds", "HTTP request duration by route", &["route"]));

pub static GRAPHQL_SECONDS: LazyLock<HistogramVec> = LazyLock::new(|| {
    latency_histogram(
        "crocevia_graphql_operation_seconds",
        "GraphQL query and mutation duration by operation name (parse to response)",
        &["operation"],
    )
});

pub static GRAPHQL_ERRORS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter_vec(
        "crocevia_graphql_errors_total",
        "GraphQL errors by operation name and error code",
        &["operation", "code"],
    )
});

pub static OUTBOX_PUBLISHED: LazyLock<IntCounter> =
    LazyLock::new(|| counter("crocevia_outbox_published_total", "Outbox events published to the bus"));
pub static BUS_DAMAGED_RECORDS: LazyLock<IntCounter> = LazyLock::new(|| {
    counter(
        "crocevia_bus_damaged_records_total",
        "Damaged records found in the in-process bus log (replaced by markers)",
    )
});
pub static SEARCH_APPLIED: LazyLock<IntCounter> =
    LazyLock::new(|| counter("crocevia_search_events_applied_total", "Profile events applied to the search index"));
pub static HEAP_ALLOCATED: LazyLock<IntGauge> = LazyLock::new(|| {
    gauge("crocevia_heap_allocated_bytes", "Bytes in live allocations, as the allocator counts them (every 10 s)")
});
pub static HEAP_RESIDENT: LazyLock<IntGauge> = LazyLock::new(|| {
    gauge(
        "crocevia_heap_resident_bytes",
        "Bytes of memory the allocator holds resident: live allocations, its metadata and freed pages not given back yet",
    )
});
pub static MATCH_LISTS_CHANGED: LazyLock<IntCounter> =
    LazyLock::new(|| counter("crocevia_match_lists_changed_total", "Top-k match lists that changed"));
pub static DEAD_LETTERED: LazyLock<IntCounter> =
    LazyLock::new(|| counter("crocevia_dead_lettered_total", "Messages sent to the dead-letter topic"));

/// Messages behind the end of each partition, per consumer group; set by the consuming
/// process every [`LAG_EVERY`]. Label sets: groups × partitions of their topics.
pub static CONSUMER_LAG: LazyLock<IntGaugeVec> = LazyLock::new(|| {
    gauge_vec(
        "crocevia_consumer_lag",
        "Messages published and not yet read, per consumer group, topic and partition",
        &["group", "topic", "partition"],
    )
});
/// How often consumers report their lag.
pub const LAG_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

pub static OUTBOX_BACKLOG: LazyLock<IntGauge> =
    LazyLock::new(|| gauge("crocevia_outbox_backlog", "Outbox rows written and not yet published to the bus"));
pub static OUTBOX_OLDEST_AGE: LazyLock<IntGauge> = LazyLock::new(|| {
    gauge(
        "crocevia_outbox_oldest_age_seconds",
        "Age of the oldest unpublished outbox row, in seconds (0 when none waits)",
    )
});
pub static SEARCH_DOCUMENTS: LazyLock<IntGauge> =
    LazyLock::new(|| gauge("crocevia_search_documents", "Documents in this search member's index"));
pub static SEARCH_INDEX_BYTES: LazyLock<IntGauge> =
    LazyLock::new(|| gauge("crocevia_search_index_bytes", "Bytes of this search member's index files on disk"));
pub static MATCHING_PARTITIONS_HELD: LazyLock<IntGauge> = LazyLock::new(|| {
    gauge(
        "crocevia_matching_partitions_held",
        "Partitions whose match lists this matching member keeps (set once it has stored what it took over)",
    )
});
pub static DEAD_LETTER_MESSAGES: LazyLock<IntGauge> =
    LazyLock::new(|| gauge("crocevia_dead_letter_messages", "Messages held on the dead-letter topic (all partitions)"));

/// Sets the lag of every partition one consumer holds, and drops the series of those it no
/// longer holds (`shown`: the label sets this consumer set last time).
pub fn record_lag(lags: &[crate::bus::PartitionLag], shown: &mut Vec<[String; 3]>) {
    let now: Vec<[String; 3]> =
        lags.iter().map(|l| [l.group.clone(), l.topic.clone(), l.partition.to_string()]).collect();
    for gone in shown.iter().filter(|labels| !now.contains(labels)) {
        let _ = CONSUMER_LAG.remove_label_values(&[&gone[0], &gone[1], &gone[2]]);
    }
    for (labels, lag) in now.iter().zip(lags) {
        CONSUMER_LAG.with_label_values(&[&labels[0], &labels[1], &labels[2]]).set(lag.behind);
    }
    *shown = now;
}

/// The name of every metric family this process exports (sorted): each one declared here,
/// and the process collector's `process_*` ones. Families with labels are named before
/// their first series exists (the text exposition leaves them out until then).
pub fn names() -> Vec<String> {
    use prometheus::core::Collector;
    let _ = &*PROCESS;
    let declared: &[&dyn Collector] = &[
        &*HTTP_REQUESTS,
        &*HTTP_SECONDS,
        &*GRAPHQL_SECONDS,
        &*GRAPHQL_ERRORS,
        &*OUTBOX_PUBLISHED,
        &*BUS_DAMAGED_RECORDS,
        &*SEARCH_APPLIED,
        &*HEAP_ALLOCATED,
        &*HEAP_RESIDENT,
        &*MATCH_LISTS_CHANGED,
        &*DEAD_LETTERED,
        &*CONSUMER_LAG,
        &*OUTBOX_BACKLOG,
        &*OUTBOX_OLDEST_AGE,
        &*SEARCH_DOCUMENTS,
        &*SEARCH_INDEX_BYTES,
        &*DEAD_LETTER_MESSAGES,
        &*MATCHING_PARTITIONS_HELD,
    ];
    let mut names: std::collections::BTreeSet<String> =
        declared.iter().flat_map(|c| c.desc()).map(|d| d.fq_name.clone()).collect();
    names.extend(REGISTRY.gather().iter().map(|family| family.name().to_owned()));
    names.into_iter().collect()
}

/// The text exposition of every metric.
pub fn render() -> String {
    // Touch the lazies so every metric shows up, at zero, from the first scrape.
    let _ = (&*HTTP_REQUESTS, &*HTTP_SECONDS, &*OUTBOX_PUBLISHED, &*SEARCH_APPLIED, &*MATCH_LISTS_CHANGED);
    let _ = (&*DEAD_LETTERED, &*CONSUMER_LAG, &*PROCESS);
    let mut buffer = Vec::new();
    if TextEncoder::new().encode(&REGISTRY.gather(), &mut buffer).is_err() {
        return String::new();
    }
    String::from_utf8(buffer).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// `names` forgets no metric declared in this file.
    #[test]
    fn names_lists_every_declared_metric() {
        let names = super::names();
        let source = include_str!("metrics.rs");
        // Every string literal that starts with the prefix and is a whole name.
        let declared: Vec<&str> = source
            .match_indices("\"crocevia_")
            .filter_map(|(at, _)| source[at + 1..].split('"').next())
            .filter(|name| !name.ends_with('_') && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .collect();
        assert!(declared.len() >= 17, "{declared:?}");
        for name in declared {
            assert!(names.iter().any(|n| n == name), "{name} is missing from names()");
        }
        assert!(names.iter().any(|n| n == "process_start_time_seconds"), "{names:?}");
    }
}
