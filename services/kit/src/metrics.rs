//! Every Prometheus metric of Crocevia, declared in one place and served at `/metrics`.

#![expect(
    clippy::expect_used,
    reason = "metric names and labels are constants: a failure is a programming error caught by the tests"
)]

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};
use std::sync::LazyLock;

pub static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::new);

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

/// The text exposition of every metric.
pub fn render() -> String {
    // Touch the lazies so every metric shows up, at zero, from the first scrape.
    let _ =
        (&*HTTP_REQUESTS, &*HTTP_SECONDS, &*OUTBOX_PUBLISHED, &*SEARCH_APPLIED, &*MATCH_LISTS_CHANGED, &*DEAD_LETTERED);
    let mut buffer = Vec::new();
    if TextEncoder::new().encode(&REGISTRY.gather(), &mut buffer).is_err() {
        return String::new();
    }
    String::from_utf8(buffer).unwrap_or_default()
}
