//! The process dies between the write and the publish (and, worse, between the publish and
//! the mark): after a restart the relay publishes every change exactly once (it reads back
//! what reached the bus before the crash), and a consumer applies each version once. Run on both stacks: embedded (SQLite, in-process bus)
//! and distributed (PostgreSQL, the real Kafka-protocol broker).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_kit::bus::SharedBus;
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::testing;
use crocevia_profiles::store;
use secrecy::SecretString;
use std::collections::HashMap;
use std::os::unix::process::ExitStatusExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{Instance, demo_dir};

/// A consumer that applies a change only if its version is newer than what it applied.
#[derive(Default)]
struct IdempotentConsumer {
    applied: HashMap<uuid::Uuid, u64>,
    effects: Vec<(uuid::Uuid, u64)>,
    deliveries: usize,
}

impl IdempotentConsumer {
    /// Reads until at least `expected` messages came and then nothing for 5 s (so a message
    /// sent twice would show), or two minutes passed.
    async fn drain(&mut self, bus: &SharedBus, topic: &str, group: &str, expected: usize) {
        let mut sub = bus.subscribe(&[topic.to_owned()], group).await.unwrap();
        let mut idle_since = Instant::now();
        let deadline = Instant::now() + Duration::from_secs(120);
        while (self.deliveries < expected || idle_since.elapsed() < Duration::from_secs(5)) && Instant::now() < deadline
        {
            let Some(d) = sub.poll(Duration::from_millis(500)).await.unwrap() else { continue };
            idle_since = Instant::now();
            self.deliveries += 1;
            let meta = crocevia_proto::envelope::decode_meta(&d.payload).unwrap();
            let last = self.applied.get(&meta.entity_id).copied().unwrap_or(0);
            if meta.entity_version > last {
                self.applied.insert(meta.entity_id, meta.entity_version);
                self.effects.push((meta.entity_id, meta.entity_version));
            }
            sub.ack(&d).await.unwrap();
        }
        sub.close().await.unwrap();
    }
}

async fn run(instance: Instance, database_url: String, open_bus: impl Fn() -> SharedBus, topic: &str) {
    // Writes only: every demo entity and its outbox row, nothing published yet (and the
    // administrator who reads the matches at the end).
    instance.add_root();
    let (status, out) = instance.run(&["import", &demo_dir().display().to_string()]);
    assert!(status.success(), "{out}");
    let db = crocevia_kit::db::connect(&SecretString::from(database_url), 2).await.unwrap();
    let written = store::unpublished(&db, 100_000).await.unwrap();
    assert!(written.len() > 150);

    // Dies after publishing a first batch but before marking it.
    let mut server = instance.clone().with("CROCEVIA__TESTING__FAILPOINT", "relay_abort_after_publish").serve(&["all"]);
    let status = server.wait_exit(Duration::from_secs(60));
    assert_eq!(status.signal(), Some(6), "aborted at the failpoint: {status:?}");
    assert_eq!(store::unpublished_count(&db).await.unwrap() as usize, written.len(), "nothing was marked");

    // Dies before publishing anything.
    let mut server =
        instance.clone().with("CROCEVIA__TESTING__FAILPOINT", "relay_abort_before_publish").serve(&["all"]);
    assert_eq!(server.wait_exit(Duration::from_secs(60)).signal(), Some(6));

    // A normal restart publishes everything that was committed.
    let server = instance.serve(&["all"]);
    server.wait_ready(Duration::from_secs(60)).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while store::unpublished_count(&db).await.unwrap() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(store::unpublished_count(&db).await.unwrap(), 0);
    // Search and matching, fed by the same bus, serve the recovered data. On Kafka the restarted
    // consumers first wait for the crashed process's members to leave their groups (the
    // session timeout), and the broker here (tansu) can take a few rebalances more.
    let root = server.login(support::ROOT_EMAIL, support::ROOT_PASSWORD).await;
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let found: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/v1/search", server.base))
            .json(&serde_json::json!({ "kinds": ["offer"], "text": "rust developer" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let (status, matches) =
            server.get_as("/api/v1/matches/30000000-0000-4000-8000-000000000001", Some(&root)).await;
        if found["total"].as_u64().unwrap_or(0) > 0 && status == 200 && matches.contains("counterpart") {
            break;
        }
        assert!(Instant::now() < deadline, "search or matching never caught up: {found} {status} {matches}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(server.stop().success());

    let bus = open_bus();
    let mut consumer = IdempotentConsumer::default();
    consumer.drain(&bus, topic, "crash-test-consumer", written.len()).await;
    // The batch published before the crash was found on the bus at restart and marked, not
    // published again: exactly one message per committed change.
    assert_eq!(consumer.deliveries, written.len(), "one delivery per change, none twice");
    let mut expected: Vec<_> = written.iter().map(|r| (r.entity_id, r.entity_version as u64)).collect();
    let mut effects = consumer.effects.clone();
    expected.sort();
    effects.sort();
    assert_eq!(effects, expected, "every committed version applied exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_stack_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let instance = Instance::embedded(dir.path()).with("CROCEVIA__PROFILES__RELAY_BATCH_SIZE", "40");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("crocevia.db").display());
    let bus_dir = dir.path().join("bus");
    run(instance, url, move || Arc::new(InProcessBus::open(&bus_dir, false, "dlq.v1").unwrap()), "profiles.v1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distributed_stack_loses_and_doubles_nothing() {
    let brokers = testing::require_kafka().await;
    let url = testing::fresh_postgres_database("crocevia_crash").await;
    let dir = tempfile::tempdir().unwrap();
    let suffix = format!("-{}", testing::unique_suffix());
    let instance = Instance::embedded(dir.path())
        .with("CROCEVIA__PROFILES__RELAY_BATCH_SIZE", "40")
        // Static membership, as deployed: the restarted process takes back the aborted one's
        // place in each group instead of waiting for it to time out.
        .with("CROCEVIA__BUS__KAFKA__INSTANCE_ID", "crash-test")
        .with("CROCEVIA__DATABASE__URL", &url)
        .with("CROCEVIA__BUS__KIND", "kafka")
        .with("CROCEVIA__BUS__KAFKA__BROKERS", &brokers)
        .with("CROCEVIA__BUS__TOPIC_SUFFIX", &suffix);
    let topic = format!("profiles.v1{suffix}");
    let dlq = format!("dlq.v1{suffix}");
    let open_bus = move || -> SharedBus { Arc::new(support::kafka::bus(&brokers, &dlq)) };
    run(instance, url, open_bus, &topic).await;
}
