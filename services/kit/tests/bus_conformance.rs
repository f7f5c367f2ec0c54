//! One conformance suite, run against both buses: the in-process one (files in a temporary
//! folder) and Kafka (the real Kafka-protocol broker that `make test` starts).
//!
//! Each test gets fresh topic and group names, so runs never see each other's messages.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use crocevia_kit::bus::kafka::{KafkaBus, KafkaSettings};
use crocevia_kit::bus::memory::InProcessBus;
use crocevia_kit::bus::{
    Delivery, EventBus, HEADER_ERROR, HEADER_SOURCE_OFFSET, OutMessage, OwnPositions, SharedBus, Subscription,
    TopicSpec,
};
use crocevia_kit::testing;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Opens the bus under test; calling it again is a restart of the process that owns it.
trait Harness {
    fn open(&self) -> SharedBus;
}

struct InProcess {
    dir: tempfile::TempDir,
    dlq: String,
}

impl Harness for InProcess {
    fn open(&self) -> SharedBus {
        Arc::new(InProcessBus::open(self.dir.path(), true, &self.dlq).unwrap())
    }
}

struct Kafka {
    brokers: String,
    dlq: String,
}

impl Harness for Kafka {
    fn open(&self) -> SharedBus {
        Arc::new(
            KafkaBus::connect(KafkaSettings {
                brokers: self.brokers.clone(),
                replication_factor: 1,
                dead_letter_topic: self.dlq.clone(),
                extra: vec![],
            })
            .unwrap(),
        )
    }
}

fn names(test: &str) -> (String, String, String) {
    let suffix = testing::unique_suffix();
    (format!("conf-{test}-{suffix}"), format!("conf-{test}-dlq-{suffix}"), format!("group-{test}-{suffix}"))
}

async fn in_process(test: &str) -> (InProcess, String, String) {
    let (topic, dlq, group) = names(test);
    (InProcess { dir: tempfile::tempdir().unwrap(), dlq }, topic, group)
}

async fn kafka(test: &str) -> (Kafka, String, String) {
    let brokers = testing::require_kafka().await;
    let (topic, dlq, group) = names(test);
    (Kafka { brokers, dlq }, topic, group)
}

async fn setup(bus: &SharedBus, topic: &str, partitions: i32) {
    bus.create_topics(&[TopicSpec::new(topic, partitions), TopicSpec::new(bus.dead_letter_topic(), 1)]).await.unwrap();
}

fn message(key: &str, body: &str) -> OutMessage {
    OutMessage::new(key, body.as_bytes().to_vec())
}

fn body(d: &Delivery) -> String {
    String::from_utf8(d.payload.clone()).unwrap()
}

/// Polls until `want` messages arrived or `limit` passed.
async fn collect(sub: &mut Box<dyn Subscription>, want: usize, limit: Duration, ack: bool) -> Vec<Delivery> {
    let deadline = Instant::now() + limit;
    let mut got = Vec::new();
    while got.len() < want && Instant::now() < deadline {
        if let Some(d) = sub.poll(Duration::from_millis(500)).await.unwrap() {
            if ack {
                sub.ack(&d).await.unwrap();
            }
            got.push(d);
        }
    }
    got
}

async fn order_per_key(h: impl Harness, topic: String, group: String) {
    let bus = h.open();
    setup(&bus, &topic, 4).await;
    // 10 keys, 30 changes each, interleaved and spread over several batches.
    for batch in 0..6 {
        let messages = (0..50).map(|i| {
            let n = batch * 50 + i;
            message(&format!("entity-{}", n % 10), &format!("{}", n / 10))
        });
        bus.publish(&topic, messages.collect()).await.unwrap();
    }
    let mut sub = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    let got = collect(&mut sub, 300, Duration::from_secs(60), true).await;
    assert_eq!(got.len(), 300, "every message is delivered");
    let mut per_key: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for d in &got {
        per_key.entry(d.key.clone()).or_default().push(body(d).parse().unwrap());
    }
    assert_eq!(per_key.len(), 10);
    for (key, seq) in per_key {
        assert_eq!(seq, (0..30).collect::<Vec<_>>(), "order of {key}");
    }
    let partitions: BTreeSet<i32> = got.iter().map(|d| d.partition).collect();
    assert!(partitions.len() > 1, "keys spread over partitions: {partitions:?}");
    sub.close().await.unwrap();
}

async fn at_least_once_across_restart(h: impl Harness, topic: String, group: String) {
    let bus = h.open();
    setup(&bus, &topic, 1).await;
    bus.publish(&topic, (0..20).map(|i| message("k", &i.to_string())).collect()).await.unwrap();

    let mut first = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    let got = collect(&mut first, 10, Duration::from_secs(30), false).await;
    assert_eq!(got.len(), 10);
    // The effect of the first five became durable; the next five were read but not done.
    for d in &got[..5] {
        first.ack(d).await.unwrap();
    }
    first.close().await.unwrap();
    drop(bus);

    // A restart: a new bus instance (a new process, for the in-process bus) and a new member.
    let bus = h.open();
    let mut second = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    let got = collect(&mut second, 15, Duration::from_secs(30), true).await;
    let bodies: Vec<String> = got.iter().map(body).collect();
    assert_eq!(
        bodies,
        (5..20).map(|i| i.to_string()).collect::<Vec<_>>(),
        "resumes at the first unacknowledged message"
    );
    second.close().await.unwrap();

    // After everything was acknowledged, a third member finds nothing left.
    let mut third = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    assert!(collect(&mut third, 1, Duration::from_secs(3), false).await.is_empty());
    third.close().await.unwrap();
}

async fn members_share_partitions(h: impl Harness, topic: String, group: String) {
    let bus = h.open();
    setup(&bus, &topic, 4).await;
    let mut a = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    let mut b = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    // Let the group settle: both members hold partitions.
    let deadline = Instant::now() + Duration::from_secs(60);
    while (a.assignment().is_empty() || b.assignment().is_empty()) && Instant::now() < deadline {
        assert!(a.poll(Duration::from_millis(200)).await.unwrap().is_none());
        assert!(b.poll(Duration::from_millis(200)).await.unwrap().is_none());
    }
    let (pa, pb): (BTreeSet<_>, BTreeSet<_>) =
        (a.assignment().into_iter().collect(), b.assignment().into_iter().collect());
    assert!(!pa.is_empty() && !pb.is_empty(), "both members hold partitions: {pa:?} {pb:?}");
    assert!(pa.is_disjoint(&pb), "no partition is held twice: {pa:?} {pb:?}");
    assert_eq!(pa.len() + pb.len(), 4);

    bus.publish(&topic, (0..100).map(|i| message(&format!("key-{}", i % 20), &i.to_string())).collect()).await.unwrap();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let (mut from_a, mut from_b) = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.len() < 100 && Instant::now() < deadline {
        if let Some(d) = a.poll(Duration::from_millis(100)).await.unwrap() {
            a.ack(&d).await.unwrap();
            *seen.entry(body(&d)).or_default() += 1;
            from_a += 1;
        }
        if let Some(d) = b.poll(Duration::from_millis(100)).await.unwrap() {
            b.ack(&d).await.unwrap();
            *seen.entry(body(&d)).or_default() += 1;
            from_b += 1;
        }
    }
    assert_eq!(seen.len(), 100, "together the members see every message");
    assert!(seen.values().all(|n| *n == 1), "and each exactly once");
    assert!(from_a > 0 && from_b > 0, "both members worked: {from_a} {from_b}");
    a.close().await.unwrap();
    b.close().await.unwrap();
}

async fn dead_lettering(h: impl Harness, topic: String, group: String) {
    let bus = h.open();
    setup(&bus, &topic, 1).await;
    bus.publish(&topic, vec![message("a", "good-1"), message("b", "poison"), message("c", "good-2")]).await.unwrap();
    let mut sub = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    let got = collect(&mut sub, 3, Duration::from_secs(30), false).await;
    assert_eq!(got.len(), 3);
    for d in &got {
        if body(d) == "poison" {
            sub.dead_letter(d, "payload: not a valid envelope").await.unwrap();
        } else {
            sub.ack(d).await.unwrap();
        }
    }
    sub.close().await.unwrap();

    let mut dlq = bus.subscribe(&[bus.dead_letter_topic().to_owned()], &format!("{group}-dlq")).await.unwrap();
    let dead = collect(&mut dlq, 1, Duration::from_secs(30), true).await;
    assert_eq!(dead.len(), 1);
    assert_eq!(body(&dead[0]), "poison");
    assert_eq!(dead[0].key, "b");
    assert_eq!(dead[0].header(HEADER_ERROR), Some("payload: not a valid envelope"));
    assert_eq!(dead[0].header(HEADER_SOURCE_OFFSET), Some("1"));
    dlq.close().await.unwrap();

    // The consumer went on: nothing of the topic is left for the group.
    let mut again = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    assert!(collect(&mut again, 1, Duration::from_secs(3), false).await.is_empty());
    again.close().await.unwrap();
}

async fn empty_keys_are_refused(h: impl Harness, topic: String, _group: String) {
    let bus = h.open();
    setup(&bus, &topic, 1).await;
    assert!(bus.publish(&topic, vec![message("", "x")]).await.is_err());
}

/// A consumer's own positions: each partition resumes at offset 3 whatever the group
/// committed; a partition its state holds but was not given is reported as revoked.
struct Fixed {
    topic: String,
    held: std::sync::Mutex<Vec<i32>>,
}

impl OwnPositions for Fixed {
    fn resume_at(&self, _topic: &str, _partition: i32) -> i64 {
        3
    }

    fn held(&self) -> Vec<(String, i32)> {
        self.held.lock().unwrap().iter().map(|p| (self.topic.clone(), *p)).collect()
    }
}

async fn own_positions_decide_where_partitions_resume(h: impl Harness, topic: String, group: String) {
    let bus = h.open();
    setup(&bus, &topic, 2).await;
    bus.publish(&topic, (0..40).map(|i| message(&format!("key-{}", i % 8), &i.to_string())).collect()).await.unwrap();
    // The group has consumed everything...
    let mut plain = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    assert_eq!(collect(&mut plain, 40, Duration::from_secs(30), true).await.len(), 40);
    plain.close().await.unwrap();
    // ...but a member resuming from its own positions starts each partition at offset 3.
    let positions = Arc::new(Fixed { topic: topic.clone(), held: std::sync::Mutex::new(vec![0, 7]) });
    let mut own = bus.subscribe_owning(std::slice::from_ref(&topic), &group, positions.clone()).await.unwrap();
    let got = collect(&mut own, 34, Duration::from_secs(30), true).await;
    let mut first: BTreeMap<i32, i64> = BTreeMap::new();
    for d in &got {
        first.entry(d.partition).or_insert(d.offset);
    }
    assert_eq!(got.len(), 34, "40 messages less 3 in each of the 2 partitions");
    assert_eq!(first, BTreeMap::from([(0, 3), (1, 3)]));
    assert_eq!(own.take_revoked(), vec![(topic.clone(), 7)], "held, not given");
    positions.held.lock().unwrap().retain(|p| *p != 7);
    assert!(own.take_revoked().is_empty(), "dropped, so no longer reported");
    own.close().await.unwrap();
}

async fn a_topic_tail_reads_back(h: impl Harness, topic: String, _group: String) {
    let bus = h.open();
    setup(&bus, &topic, 3).await;
    let tagged = |i: usize| {
        let mut m = message(&format!("key-{i}"), "x");
        m.headers.push(("id".into(), i.to_string()));
        m
    };
    assert!(bus.recent_header_values(&topic, 5, "id").await.unwrap().is_empty(), "an empty topic");
    bus.publish(&topic, (0..30).map(tagged).collect()).await.unwrap();
    let all = bus.recent_header_values(&topic, 30, "id").await.unwrap();
    assert_eq!(all.len(), 30);
    assert_eq!(bus.messages_held(&topic).await.unwrap(), 30, "every partition counted");
    assert_eq!(bus.partition_count(&topic).await.unwrap(), 3);
    assert!(bus.messages_held("no-such-topic-anywhere").await.is_err());
    let tail = bus.recent_header_values(&topic, 2, "id").await.unwrap();
    assert_eq!(tail.len(), 6, "the last two of each of the three partitions: {tail:?}");
    assert!(tail.contains("29"), "the last message is in the tail");
    assert!(bus.recent_header_values("no-such-topic-anywhere", 2, "id").await.is_err());
}

async fn followers_read_every_partition_from_now_on(h: impl Harness, topic: String, group: String) {
    let bus = h.open();
    setup(&bus, &topic, 3).await;
    bus.publish(&topic, (0..9).map(|i| message(&format!("old-{i}"), "before")).collect()).await.unwrap();
    let mut first = bus.follow(std::slice::from_ref(&topic)).await.unwrap();
    let mut second = bus.follow(std::slice::from_ref(&topic)).await.unwrap();
    // A member of an ordinary group is not disturbed by followers (they join no group).
    let mut member = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    bus.publish(&topic, (0..12).map(|i| message(&format!("new-{i}"), "after")).collect()).await.unwrap();
    for follower in [&mut first, &mut second] {
        let got = collect(follower, 12, Duration::from_secs(20), true).await;
        let keys: BTreeSet<String> = got.iter().map(|d| d.key.clone()).collect();
        assert_eq!(keys.len(), 12, "each follower reads every new message, of every partition: {keys:?}");
        assert!(got.iter().all(|d| body(d) == "after"), "nothing from before it followed");
        let partitions: BTreeSet<i32> = got.iter().map(|d| d.partition).collect();
        assert_eq!(partitions.len(), 3);
        assert!(follower.poll(Duration::from_millis(300)).await.unwrap().is_none(), "nothing twice");
    }
    let got = collect(&mut member, 21, Duration::from_secs(30), true).await;
    assert_eq!(got.len(), 21, "the group's member reads everything from the start");
    first.close().await.unwrap();
    member.close().await.unwrap();
    // A follower that closed reads nothing more, and the other goes on.
    bus.publish(&topic, vec![message("late", "after")]).await.unwrap();
    assert_eq!(collect(&mut second, 1, Duration::from_secs(20), true).await.len(), 1);
    assert!(bus.follow(&["no-such-topic-anywhere".to_owned()]).await.is_err(), "an unknown topic");
}

async fn lag_counts_what_is_not_yet_acknowledged(h: impl Harness, topic: String, group: String) {
    let bus = h.open();
    setup(&bus, &topic, 1).await;
    bus.publish(&topic, (0..10).map(|i| message(&format!("k{i}"), "x")).collect()).await.unwrap();
    let mut sub = bus.subscribe(std::slice::from_ref(&topic), &group).await.unwrap();
    let read = collect(&mut sub, 10, Duration::from_secs(20), false).await;
    assert_eq!(read.len(), 10);
    sub.ack(&read[3]).await.unwrap();
    // Kafka's client reports from its statistics, every 10 s.
    let deadline = Instant::now() + Duration::from_secs(30);
    let lag = loop {
        let _ = sub.poll(Duration::from_millis(500)).await.unwrap();
        let lag = sub.lag();
        if lag.iter().any(|l| l.behind == 6) || Instant::now() > deadline {
            break lag;
        }
    };
    assert_eq!(lag.len(), 1, "{lag:?}");
    assert_eq!(
        (lag[0].group.as_str(), lag[0].topic.as_str(), lag[0].partition, lag[0].behind),
        (group.as_str(), topic.as_str(), 0, 6)
    );
    sub.close().await.unwrap();
}

macro_rules! conformance {
    ($($name:ident),*) => {
        mod in_process_bus {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (h, topic, group) = in_process(stringify!($name)).await;
                    super::$name(h, topic, group).await;
                }
            )*
        }
        mod kafka_bus {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (h, topic, group) = kafka(stringify!($name)).await;
                    super::$name(h, topic, group).await;
                }
            )*
        }
    };
}

conformance!(
    order_per_key,
    at_least_once_across_restart,
    members_share_partitions,
    dead_lettering,
    empty_keys_are_refused,
    own_positions_decide_where_partitions_resume,
    a_topic_tail_reads_back,
    followers_read_every_partition_from_now_on,
    lag_counts_what_is_not_yet_acknowledged
);

#[tokio::test]
async fn the_in_process_log_survives_a_restart_of_the_process() {
    let dir = tempfile::tempdir().unwrap();
    {
        let bus = InProcessBus::open(dir.path(), true, "dlq").unwrap();
        bus.create_topics(&[TopicSpec::new("t", 2)]).await.unwrap();
        bus.publish("t", vec![message("x", "1"), message("y", "2")]).await.unwrap();
    }
    let bus = InProcessBus::open(dir.path(), true, "dlq").unwrap();
    assert_eq!(bus.end_offset("t", 0).unwrap() + bus.end_offset("t", 1).unwrap(), 2);
    assert!(bus.publish("missing", vec![message("x", "1")]).await.is_err());
}
